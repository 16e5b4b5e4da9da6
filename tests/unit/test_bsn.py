from __future__ import annotations

import pytest
from flask import Flask

from app.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS
from app.services.bsn import bsn_hash, encrypt_bsn, is_valid_bsn, reveal_bsn


@pytest.mark.parametrize("bsn", [r.bsn for r in DEMO_RESIDENTS] + [DEMO_BSN_WITHOUT_DOSSIER])
def test_demo_bsns_pass_the_11_proef(bsn: str) -> None:
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize(
    "bsn",
    [
        "999993654",
        "12345678",
        "1234567890",
        "abcdefghi",
        "000000000",
        "",
        "99999365 ",
        "９９９９９３６５３",
    ],
)
def test_invalid_bsns(bsn: str) -> None:
    assert not is_valid_bsn(bsn)


def test_hash_is_keyed_and_stable(app: Flask) -> None:
    h = bsn_hash("999993653")
    assert h == bsn_hash("999993653") and len(h) == 64
    assert "999993653" not in h
    app.config["BSN_HASH_KEY"] = "another-key"
    try:
        assert bsn_hash("999993653") != h
    finally:
        app.config["BSN_HASH_KEY"] = "demo-only-bsn-hash-key"


def test_encrypted_copy_round_trips_and_hides_the_number(app: Flask) -> None:
    token = encrypt_bsn("999993653")
    assert b"999993653" not in token
    assert reveal_bsn(token) == "999993653"
