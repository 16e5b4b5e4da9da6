"""Stopping reminder e-mails from the e-mail itself (/herinneringen/stoppen/<token>), without
logging in: a page with a real button, and RFC 8058 one-click POSTs from mail providers."""

from __future__ import annotations

from flask import Flask

from app.unsubscribe.routes import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
