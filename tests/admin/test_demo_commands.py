"""`flask seed-demo` and `flask demo-staff` add staff with a published password and fixed TOTP
secrets: under production settings they refuse and touch nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect

from app import create_app
from app.config import ProductionConfig
from app.extensions import db


def _production_app(tmp_path: Path) -> Flask:
    files = {}
    for setting in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_IDP_METADATA_FILE"):
        path = tmp_path / setting.lower()
        path.write_text("placeholder")
        files[setting] = str(path)
    return create_app(
        ProductionConfig,
        SECRET_KEY="s" * 32,
        BSN_HASH_KEY="k" * 32,
        BSN_ENCRYPTION_KEY="eW91LXdpbGwtbmV2ZXItZ3Vlc3MtdGhpcy1rZXktMTI=",
        SAML_SP_ENTITY_ID="https://portaal.example.nl/saml/metadata",
        PORTAL_URL="https://portaal.example.nl",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'production.sqlite'}",
        **files,
    )


@pytest.mark.parametrize("command", ["seed-demo", "demo-staff"])
def test_demo_commands_refuse_under_production_settings(tmp_path: Path, command: str) -> None:
    production = _production_app(tmp_path)
    # Inside its own app context, as `flask` would run it (the test app's context is pushed too).
    with production.app_context():
        result = production.test_cli_runner().invoke(args=[command])
        assert result.exit_code != 0
        assert "only runs in the demo or test configuration" in result.output
        assert "production" in result.output
        # Nothing written: the command stopped before it opened the database.
        assert inspect(db.engine).get_table_names() == []


def test_seed_demo_still_runs_in_the_test_configuration(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo" in result.output.lower()
