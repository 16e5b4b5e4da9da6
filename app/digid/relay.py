"""RelayState: a signed local path. DigiD returns it unchecked, so its integrity is ours to protect.

The token is `<path>.<signature>` and stays within DigiD's 80-character limit; a path too long to
fit is replaced by "/"."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, Signer

from app.local_paths import safe_local_path

MAX_LENGTH = 80
_SALT = "digid-relay-state"


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=_SALT)


def sign_relay_state(path: str | None) -> str:
    path = safe_local_path(path)
    token = _signer().sign(path).decode()
    if len(token) > MAX_LENGTH:
        token = _signer().sign("/").decode()
    return token


def read_relay_state(token: str | None) -> str | None:
    """The local path inside a valid token, else None."""
    if not token or len(token) > MAX_LENGTH:
        return None
    try:
        path = _signer().unsign(token).decode()
    except (BadSignature, UnicodeDecodeError):
        return None
    return path if safe_local_path(path) == path else None
