"""Pages anyone may read: the accessibility statement, language choice."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import db
from app.local_paths import safe_local_path

bp = Blueprint("pages", __name__)


@bp.get("/toegankelijkheid")
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.post("/taal")
def choose_language() -> Response:
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated and hasattr(current_user, "language"):
        current_user.language = lang
        db.session.commit()
    return redirect(safe_local_path(request.form.get("next")), 303)
