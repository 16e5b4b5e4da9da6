"""Pages anyone may read: the accessibility statement, language choice."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from app.extensions import db
from app.live import set_live_updates

bp = Blueprint("pages", __name__)


@bp.get("/toegankelijkheid")
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.post("/taal")
def choose_language() -> Response:
    from flask import current_app
    from flask_login import current_user

    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated and hasattr(current_user, "language"):
        current_user.language = lang
        db.session.commit()
    return redirect(_local_next(), 303)


@bp.post("/automatisch-bijwerken")
def live_updates() -> Response:
    """Automatic updates of a live page off or on (WCAG 2.2.2); the 'Ververs' link stays."""
    set_live_updates(request.form.get("auto") != "off")
    return redirect(_local_next(), 303)


def _local_next() -> str:
    target = request.form.get("next", "")
    # Only local paths: never an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for("overview.index")
    return target
