"""SAML keys for tests: generated once per test session into the instance dir."""

from __future__ import annotations

from pathlib import Path

from app.digid.keys import ensure_pair


def saml_test_settings(instance_dir: Path) -> dict[str, object]:
    saml = instance_dir / "saml"
    settings: dict[str, object] = {
        "SAML_SP_KEY_FILE": str(saml / "sp.key"),
        "SAML_SP_CERT_FILE": str(saml / "sp.crt"),
        "TEST_IDP_KEY_FILE": str(saml / "idp.key"),
        "TEST_IDP_CERT_FILE": str(saml / "idp.crt"),
    }
    ensure_pair(settings["SAML_SP_KEY_FILE"], settings["SAML_SP_CERT_FILE"], "Mijn Overzicht SP")
    ensure_pair(settings["TEST_IDP_KEY_FILE"], settings["TEST_IDP_CERT_FILE"], "Test-DigiD")
    return settings
