"""Wires the resident self-service areas into the app: timeline, documents, appointments,
questions, and the request class that streams uploads with a size limit."""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

from app.appointments.routes import bp as appointments_bp
from app.documents.routes import bp as documents_bp
from app.questions.routes import bp as questions_bp
from app.requests import AppRequest, request
from app.timeline.routes import bp as timeline_bp


def init_app(app: Flask) -> None:
    app.request_class = AppRequest  # htmx-flask's request, with capped upload streams
    for bp in (timeline_bp, documents_bp, appointments_bp, questions_bp):
        app.register_blueprint(bp)

    @app.after_request
    def boosted_url(response: Response) -> Response:
        # A boosted form whose POST redirected lands here as a GET: show that URL in the bar.
        if request.htmx.boosted and request.method == "GET" and response.status_code == 200:
            response.headers.setdefault("HX-Push-Url", request.full_path.rstrip("?"))
        return response
