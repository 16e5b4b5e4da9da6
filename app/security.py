"""Response headers every page gets: a strict CSP (no third-party anything), no framing, and
no copy of a logged-in page kept anywhere (a library PC's disk must not hold someone's dossier)."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

PRIVATE = "private, no-store"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self' {form_action}; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        # The DigiD front channel is a redirect, not a form post, so form-action stays local.
        response.headers.setdefault("Content-Security-Policy", CSP.format(form_action="").strip())
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static" and current_user and current_user.is_authenticated:
            # Every page a logged-in person sees shows their data (the header alone names them).
            response.headers["Cache-Control"] = PRIVATE
        return response
