"""The resident's answer to 'Was deze pagina duidelijk?': Ja / Nee, then after Nee an optional
comment. Plain forms (a 303 back to the page without JS); htmx swaps the small box instead.

The page is named by its route (request.endpoint of the page the form was on), never by its
address. Which answer a comment belongs to is kept in the resident's session, so nobody can
write under someone else's answer.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import resident_required
from app.extensions import db, limiter
from app.feedback.forms import CommentForm
from app.htmx import is_htmx, render_fragment, render_page
from app.local_paths import safe_local_path
from app.models import PageFeedback
from app.services.feedback import add_comment, record_answer

bp = Blueprint("feedback", __name__)

ANSWER_KEY = "feedback_answer"


def _limit() -> str:
    return str(current_app.config["FEEDBACK_RATE_LIMIT"])


def _page_name(value: str | None) -> str:
    """A route name of this app (what the form says it was on), else 'unknown'."""
    names = {rule.endpoint for rule in current_app.url_map.iter_rules()}
    return value if value is not None and value in names else "unknown"


@bp.post("/reactie")
@resident_required
@limiter.limit(_limit)
def answer() -> Response:
    choice = request.form.get("duidelijk")
    if choice not in ("ja", "nee"):
        abort(400)
    back = safe_local_path(request.form.get("next"))
    found = record_answer(
        _page_name(request.form.get("page")), choice == "ja", str(get_locale() or "nl")
    )
    if choice == "ja":
        if is_htmx():
            return render_fragment("feedback/_thanks.html")
        flash(gettext("Thank you for your answer."))
        return redirect(back, 303)
    session[ANSWER_KEY] = found.id
    if is_htmx():
        return render_fragment("feedback/_comment.html", form=CommentForm(), back=back)
    return redirect(url_for("feedback.comment", next=back), 303)


def _my_answer() -> PageFeedback:
    answer_id = session.get(ANSWER_KEY)
    found = db.session.get(PageFeedback, answer_id) if isinstance(answer_id, int) else None
    if found is None:
        abort(404)
    return found


@bp.route("/reactie/toelichting", methods=["GET", "POST"])
@resident_required
@limiter.limit(_limit, methods=["POST"])
def comment() -> Response:
    found = _my_answer()
    form = CommentForm()
    back = safe_local_path(request.values.get("next"))
    if form.validate_on_submit():
        add_comment(found, form.comment.data or "", current_user if form.call_me.data else None)
        session.pop(ANSWER_KEY, None)
        if is_htmx():
            return render_fragment("feedback/_thanks.html")
        flash(gettext("Thank you for your answer."))
        return redirect(back, 303)
    return render_page(
        "feedback/comment.html",
        "feedback/_comment.html",
        form=form,
        back=back,
    )
