"""The BSN: validated with the 11-proef, stored as a keyed hash plus an encrypted copy."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet
from flask import current_app


def is_valid_bsn(bsn: str) -> bool:
    """The elfproef for a BSN: 9 digits, weights 9..2 and -1, sum divisible by 11, not all zero."""
    if len(bsn) != 9 or not (bsn.isascii() and bsn.isdigit()) or bsn == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(bsn, weights, strict=True)) % 11 == 0


def bsn_hash(bsn: str) -> str:
    key = current_app.config["BSN_HASH_KEY"].encode()
    return hmac.new(key, bsn.encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(current_app.config["BSN_ENCRYPTION_KEY"].encode())


def encrypt_bsn(bsn: str) -> bytes:
    return _fernet().encrypt(bsn.encode())


def reveal_bsn(token: bytes) -> str:
    return _fernet().decrypt(token).decode()
