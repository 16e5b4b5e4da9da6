"""Session expiry: the check before every request, the 'stay logged in' action and the kind
'you were logged out for your safety' page."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import current_user
from htmx_flask import make_response as htmx_response
from werkzeug.wrappers import Response

from app.htmx import is_htmx
from app.local_paths import safe_local_path
from app.services import sessions
from app.services.accounts import end_session

bp = Blueprint("session", __name__)

# Pages that must work for an expired session without looping.
OPEN_ENDPOINTS = {"static", "session.expired", "pages.accessibility"}
# The app shell (issue 17): fetched by the browser in the background, never counted as activity.
OPEN_ENDPOINTS |= {"device.manifest", "device.worker", "device.offline"}


@bp.post("/sessie/verlengen")
def extend() -> Response:
    """'Stay logged in': any real request counts as activity; this one only does that."""
    if not current_user.is_authenticated:
        return redirect(url_for("session.expired"), 303)
    if is_htmx():
        return Response(status=204)
    return redirect(safe_local_path(request.form.get("next")), 303)


@bp.get("/sessie-verlopen")
def expired() -> str:
    return render_template("auth/session_expired.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def enforce_session_rules() -> Response | None:
        if request.endpoint in OPEN_ENDPOINTS or not current_user.is_authenticated:
            return None
        if sessions.expired():
            end_session()
            sessions.rescue_form()
            if is_htmx():
                # htmx follows HX-Redirect with a full page load.
                return htmx_response("", 204, redirect=url_for("session.expired"))
            return redirect(url_for("session.expired"), 303)
        sessions.touch()
        return None
