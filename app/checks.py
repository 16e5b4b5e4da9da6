"""Refuse to start with settings that would be unsafe in production, saying which setting."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from app.config import DEFAULT_SECRET, DEMO_ENCRYPTION_KEY


class SettingsError(RuntimeError):
    pass


def production_problems(config: dict) -> list[str]:
    problems = []
    if config["TEST_IDP_ENABLED"]:
        problems.append("TEST_IDP_ENABLED must be off in production")
    if config["SECRET_KEY"] in ("", DEFAULT_SECRET):
        problems.append("SECRET_KEY is not set (it still has the demo value)")
    if config["BSN_HASH_KEY"].startswith("demo-only"):
        problems.append("BSN_HASH_KEY is not set (it still has the demo value)")
    if config["BSN_ENCRYPTION_KEY"] == DEMO_ENCRYPTION_KEY:
        problems.append("BSN_ENCRYPTION_KEY is not set (it still has the demo value)")
    for setting in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_IDP_METADATA_FILE"):
        path = config.get(setting) or ""
        if not path or not Path(path).is_file():
            problems.append(f"{setting} does not point to a file ({path or 'not set'})")
    if not config.get("SAML_SP_ENTITY_ID"):
        problems.append("SAML_SP_ENTITY_ID is not set")
    return problems


def check_settings(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    problems = production_problems(app.config)
    if problems:
        raise SettingsError("Mijn Overzicht will not start: " + "; ".join(problems))
