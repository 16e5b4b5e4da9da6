"""/beheer/rapportage: figures per month and organisation for beheerders (app.services.reports)."""

from __future__ import annotations

from flask import Flask

from app.reports.routes import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
