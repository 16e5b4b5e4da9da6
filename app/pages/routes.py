"""Pages anyone may read: the accessibility statement, language choice."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.dates import long_date
from app.live import set_live_updates
from app.local_paths import safe_local_path
from app.pages import statement
from app.services.accounts import set_language

bp = Blueprint("pages", __name__)


@bp.get("/toegankelijkheid")
def accessibility() -> str:
    config = current_app.config
    audit_date = statement.parse_date(config["ACCESSIBILITY_AUDIT_DATE"])
    planned = statement.parse_date(config["ACCESSIBILITY_AUDIT_PLANNED"])
    today = clock.today()
    found = statement.status(audit_date, config["ACCESSIBILITY_AUDIT_FAILURES"], planned, today)
    return render_template(
        "pages/accessibility.html",
        status=found,
        status_words=statement.STATUS_WORDS[found],
        status_explained=statement.STATUS_EXPLAINED[found],
        audit_date=long_date(audit_date, today) if audit_date else None,
        audit_failures=config["ACCESSIBILITY_AUDIT_FAILURES"],
        planned=long_date(planned, today) if planned and found == "C" else None,
        checks=statement.CHECKS,
        known_issues=statement.KNOWN_ISSUES,
    )


@bp.post("/taal")
def choose_language() -> Response:
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        set_language(current_user, lang)
    return redirect(safe_local_path(request.form.get("next")), 303)


@bp.post("/automatisch-bijwerken")
def live_updates() -> Response:
    """Automatic updates of a live page off or on (WCAG 2.2.2); the 'Ververs' link stays."""
    set_live_updates(request.form.get("auto") != "off")
    return redirect(safe_local_path(request.form.get("next")), 303)
