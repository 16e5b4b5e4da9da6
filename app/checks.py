"""Refuse to start with settings that would be unsafe in production, saying which setting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app.config import DEFAULT_SECRET, DEMO_ENCRYPTION_KEY
from app.digid.levels import LEVELS
from app.digid.metadata import plain_http_artifact_locations


class SettingsError(RuntimeError):
    pass


def _file_problem(config: dict[str, Any], setting: str, required: bool) -> str | None:
    path = config.get(setting) or ""
    if not path and not required:
        return None
    if not path or not Path(path).is_file():
        return f"{setting} does not point to a file ({path or 'not set'})"
    return None


def _plain_http_back_channel(config: dict[str, Any]) -> str | None:
    """The back channel carries the BSN: never without TLS. Metadata that is not XML at all is
    left to the signature check at first use, which refuses it."""
    path = Path(config.get("SAML_IDP_METADATA_FILE") or "")
    if not path.is_file():
        return None
    plain = plain_http_artifact_locations(path.read_bytes())
    if not plain:
        return None
    return (
        "SAML_IDP_METADATA_FILE lists an ArtifactResolutionService without TLS "
        f"({', '.join(plain)}); the back channel carries the BSN, so production only uses "
        "https:// addresses with a verified certificate"
    )


def saml_problems(config: dict[str, Any]) -> list[str]:
    """The DigiD settings: files that must exist, and values that must make sense."""
    problems = []
    for setting in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_IDP_METADATA_FILE"):
        problems.append(_file_problem(config, setting, required=True))
    # Optional files, but when configured they must be there (a typo must not fall back).
    for setting in (
        "SAML_IDP_METADATA_CERT_FILE",
        "SAML_BACKCHANNEL_CA_FILE",
        "SAML_BACKCHANNEL_CERT_FILE",
        "SAML_BACKCHANNEL_KEY_FILE",
    ):
        problems.append(_file_problem(config, setting, required=False))
    if bool(config.get("SAML_BACKCHANNEL_CERT_FILE")) != bool(
        config.get("SAML_BACKCHANNEL_KEY_FILE")
    ):
        problems.append("SAML_BACKCHANNEL_CERT_FILE and SAML_BACKCHANNEL_KEY_FILE go together")
    problems.append(_plain_http_back_channel(config))
    if not config.get("SAML_SP_ENTITY_ID"):
        problems.append("SAML_SP_ENTITY_ID is not set")
    level = str(config.get("SAML_MIN_LEVEL", "")).strip().lower()
    if level not in LEVELS:
        problems.append(f"SAML_MIN_LEVEL must be one of {', '.join(LEVELS)} (not {level!r})")
    for setting, low, high in (("SAML_CLOCK_SKEW", 0, 120), ("SAML_HTTP_TIMEOUT", 1, 60)):
        value = config.get(setting)
        if not isinstance(value, int) or not low <= value <= high:
            problems.append(f"{setting} must be a number of seconds from {low} to {high}")
    return [p for p in problems if p]


def production_problems(config: dict[str, Any]) -> list[str]:
    problems = []
    if config["TEST_IDP_ENABLED"]:
        problems.append("TEST_IDP_ENABLED must be off in production")
    if config["SECRET_KEY"] in ("", DEFAULT_SECRET):
        problems.append("SECRET_KEY is not set (it still has the demo value)")
    if config["BSN_HASH_KEY"].startswith("demo-only"):
        problems.append("BSN_HASH_KEY is not set (it still has the demo value)")
    if config["BSN_ENCRYPTION_KEY"] == DEMO_ENCRYPTION_KEY:
        problems.append("BSN_ENCRYPTION_KEY is not set (it still has the demo value)")
    # Links in e-mails and on paper point here; one-click unsubscribe (RFC 8058) needs https.
    if not str(config["PORTAL_URL"]).startswith("https://"):
        problems.append(f"PORTAL_URL must be an https:// address (not {config['PORTAL_URL']!r})")
    return problems + saml_problems(config)


def check_settings(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    problems = production_problems(app.config)
    if problems:
        raise SettingsError("Mijn Overzicht will not start: " + "; ".join(problems))
