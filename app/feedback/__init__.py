"""'Was deze pagina duidelijk?' under every resident page (/reactie), and the admins' view of the
answers (/beheer/reacties)."""

from __future__ import annotations

from flask import Flask

from app.feedback.admin_routes import bp as admin_bp
from app.feedback.page_names import page_name
from app.feedback.routes import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.jinja_env.filters["page_name"] = page_name
