"""The production start check names each DigiD setting that is wrong (app/checks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from app.checks import SettingsError, production_problems
from app.config import ProductionConfig


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, object]:
    """A production configuration that passes, with stand-in files."""
    config = {k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()}
    for setting in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_IDP_METADATA_FILE"):
        path = tmp_path / setting.lower()
        path.write_text("stand-in")
        config[setting] = str(path)
    config.update(
        SECRET_KEY="s" * 40,
        BSN_HASH_KEY="k" * 40,
        BSN_ENCRYPTION_KEY="eW91LXdpbGwtbmV2ZXItZ3Vlc3MtdGhpcy1rZXktMTI=",
        SAML_SP_ENTITY_ID="https://mijn.example.nl/saml/metadata",
        PORTAL_URL="https://mijn.example.nl",
    )
    return config


def test_complete_settings_pass(settings: dict[str, object]) -> None:
    assert production_problems(settings) == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"TEST_IDP_ENABLED": True}, "TEST_IDP_ENABLED must be off"),
        ({"SECRET_KEY": "demo-only-secret-change-me"}, "SECRET_KEY is not set"),
        ({"SAML_SP_KEY_FILE": "/nowhere/sp.key"}, "SAML_SP_KEY_FILE does not point to a file"),
        ({"SAML_SP_KEY_FILE": ""}, "SAML_SP_KEY_FILE does not point to a file (not set)"),
        ({"SAML_SP_CERT_FILE": "/nowhere/sp.crt"}, "SAML_SP_CERT_FILE does not point"),
        ({"SAML_IDP_METADATA_FILE": ""}, "SAML_IDP_METADATA_FILE does not point"),
        ({"SAML_IDP_METADATA_CERT_FILE": "/nowhere/digid.crt"}, "SAML_IDP_METADATA_CERT_FILE"),
        ({"SAML_BACKCHANNEL_CA_FILE": "/nowhere/ca.pem"}, "SAML_BACKCHANNEL_CA_FILE"),
        (
            {"SAML_BACKCHANNEL_CERT_FILE": "/nowhere/tls.crt"},
            "SAML_BACKCHANNEL_CERT_FILE and SAML_BACKCHANNEL_KEY_FILE go together",
        ),
        ({"SAML_BACKCHANNEL_KEY_FILE": "/nowhere/tls.key"}, "SAML_BACKCHANNEL_KEY_FILE does not"),
        ({"SAML_SP_ENTITY_ID": ""}, "SAML_SP_ENTITY_ID is not set"),
        ({"SAML_MIN_LEVEL": "middel"}, "SAML_MIN_LEVEL must be one of basis, midden"),
        ({"SAML_CLOCK_SKEW": 900}, "SAML_CLOCK_SKEW must be a number of seconds"),
        ({"SAML_HTTP_TIMEOUT": 0}, "SAML_HTTP_TIMEOUT must be a number of seconds"),
        ({"PORTAL_URL": "http://mijn.example.nl"}, "PORTAL_URL must be an https:// address"),
    ],
)
def test_each_wrong_setting_is_named(
    settings: dict[str, object], change: dict[str, object], says: str
) -> None:
    problems = production_problems({**settings, **change})
    assert any(says in p for p in problems), problems


@pytest.mark.parametrize("level", ["basis", "Midden", "substantieel", "hoog"])
def test_every_level_is_accepted(settings: dict[str, object], level: str) -> None:
    assert production_problems({**settings, "SAML_MIN_LEVEL": level}) == []


def test_the_app_refuses_to_start_and_says_why(settings: dict[str, object]) -> None:
    overrides = {k: v for k, v in settings.items() if k.startswith(("SAML_", "TEST_IDP"))}
    overrides.update(SECRET_KEY="s" * 40, BSN_HASH_KEY="k" * 40, TEST_IDP_ENABLED=True)
    overrides["SAML_MIN_LEVEL"] = "laag"
    with pytest.raises(SettingsError) as raised:
        create_app(ProductionConfig, **overrides)
    assert "TEST_IDP_ENABLED" in str(raised.value)
    assert "SAML_MIN_LEVEL" in str(raised.value)
