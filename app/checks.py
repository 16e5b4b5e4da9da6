"""Refuse to start with settings that would be unsafe in production, saying which setting."""

from __future__ import annotations

from flask import Flask

from app.config import DEFAULT_SECRET


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
    return problems


def check_settings(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    problems = production_problems(app.config)
    if problems:
        raise SettingsError("Mijn Overzicht will not start: " + "; ".join(problems))
