"""Production and DigiD: the back channel only over https (refused at start-up otherwise, saying
why), and `flask saml-check` reports IdP metadata without a Redirect logout endpoint instead of
crashing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from app.checks import SettingsError
from tests.auth.idp_metadata import digid_like_metadata
from tests.auth.test_metadata import digid_production_app


def _write(tmp_path: Path, xml: bytes) -> Path:
    path = tmp_path / "digid-metadata.xml"
    path.write_bytes(xml)
    return path


def test_production_refuses_to_start_with_a_plain_http_back_channel(
    app: Flask, app_overrides: dict[str, object], database_url: str, tmp_path: Path
) -> None:
    metadata = _write(tmp_path, digid_like_metadata(app.config, base="http://digid.example.nl"))
    with pytest.raises(SettingsError) as refused:
        digid_production_app(
            app,
            app_overrides,
            database_url,
            metadata,
        )
    says = str(refused.value)
    assert "ArtifactResolutionService" in says
    assert "http://digid.example.nl/test-idp/ars" in says
    assert "https://" in says


def test_production_starts_with_an_https_back_channel(
    app: Flask, app_overrides: dict[str, object], database_url: str, tmp_path: Path
) -> None:
    metadata = _write(tmp_path, digid_like_metadata(app.config))
    prod = digid_production_app(
        app,
        app_overrides,
        database_url,
        metadata,
    )
    with prod.app_context():
        result = prod.test_cli_runner().invoke(args=["saml-check"])
    assert result.exit_code == 0, result.output
    assert "Artifact resolution: https://digid.example.nl/test-idp/ars" in result.output


@pytest.mark.parametrize("single_logout", [False, True])
def test_saml_check_reports_metadata_without_redirect_logout(
    app: Flask,
    app_overrides: dict[str, object],
    database_url: str,
    tmp_path: Path,
    single_logout: bool,
) -> None:
    metadata = _write(tmp_path, digid_like_metadata(app.config, redirect_logout=False))
    prod = digid_production_app(
        app,
        app_overrides,
        database_url,
        metadata,
        SAML_SINGLE_LOGOUT=single_logout,
    )
    with prod.app_context():
        result = prod.test_cli_runner().invoke(args=["saml-check"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Logout: none" in result.output
    assert "Login: https://digid.example.nl/test-idp/sso" in result.output
    if single_logout:
        # Single logout was asked for but cannot work: a clear problem, not a traceback.
        assert result.exit_code == 1
        assert "no HTTP-Redirect logout endpoint" in result.output
    else:
        assert result.exit_code == 0, result.output
