"""/beheer/rapportage: figures per month and organisation for beheerders (app.services.reports)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from app.reports.routes import bp

    app.register_blueprint(bp)
