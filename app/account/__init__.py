"""The resident's account: contact details and reminder choices (/account), and the SMS
delivery-receipt endpoint for the gateway (/receipts/spryng)."""

from __future__ import annotations

from flask import Flask

from app.account import export_routes  # noqa: F401 - adds its routes to the account bp

# routes.py's blueprint, with the address-proof routes confirm_routes.py adds to it.
from app.account.confirm_routes import bp as account_bp
from app.account.receipts import bp as receipts_bp
from app.extensions import csrf


def register(app: Flask) -> None:
    app.register_blueprint(account_bp)
    # The gateway cannot send a CSRF token; it authenticates with basic auth instead.
    csrf.exempt(receipts_bp)
    app.register_blueprint(receipts_bp)
