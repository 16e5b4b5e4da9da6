"""/beheer/reacties: what residents answered to 'Was deze pagina duidelijk?'. For beheerders:
counts per page, the comments (mark handled), and a CSV export. The answers are about the
portal, not about an organisation, so every beheerder sees them; who asked to be called back is
shown on a page of its own, which is a read of resident data and goes in the access log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import admin_required
from app.extensions import db
from app.models import PageFeedback
from app.responses import no_store
from app.services.access_log import working_organisation
from app.services.feedback import (
    comments,
    counts_per_page,
    csv_lines,
    log_call_back,
    mark_handled,
)

bp = Blueprint("feedback_admin", __name__, url_prefix="/beheer/reacties")


@bp.after_request
def _private(response: Response) -> Response:
    no_store(response)
    return response


@bp.get("")
@admin_required
def index() -> str:
    return render_template(
        "feedback/admin.html",
        counts=counts_per_page(),
        open_comments=comments(handled=False),
        handled_comments=comments(handled=True, limit=20),
    )


def _answer(answer_id: int) -> PageFeedback:
    found = db.session.get(PageFeedback, answer_id)
    if found is None:
        abort(404)
    return found


@bp.post("/<int:answer_id>/afgehandeld")
@admin_required
def handled(answer_id: int) -> Response:
    mark_handled(_answer(answer_id), current_user)
    flash(gettext("Marked as handled."))
    return redirect(url_for("feedback_admin.index"), 303)


@bp.get("/<int:answer_id>/terugbellen")
@admin_required
def call_back(answer_id: int) -> str:
    found = _answer(answer_id)
    resident = found.resident
    if resident is None:
        abort(404)
    log_call_back(current_user, working_organisation(current_user), found)
    return render_template("feedback/call_back.html", answer=found, resident=resident)


@bp.get("/reacties.csv")
@admin_required
def export() -> Response:
    response = Response(stream_with_context(csv_lines()), mimetype="text/csv")
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    response.headers["Content-Disposition"] = f'attachment; filename="reacties-{stamp}.csv"'
    return response
