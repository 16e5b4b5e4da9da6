"""Reminders in the staff dossier view: send a failed reminder again (POST, CSRF, 303 back)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import staff_required
from app.services import staff_reminders
from app.staff.blueprint import bp
from app.staff.dossier_routes import load


@bp.post("/dossier/<int:dossier_id>/herinnering/<notification_id>/opnieuw")
@staff_required
def resend_reminder(dossier_id: int, notification_id: str) -> Response:
    sd = load(dossier_id)
    row = staff_reminders.dossier_reminder(sd, notification_id)
    if row is None:
        abort(404)
    back = redirect(
        url_for("staff.dossier", dossier_id=dossier_id, _anchor="herinneringen-kop"), 303
    )
    try:
        staff_reminders.resend_reminder(sd, current_user, row)
    except staff_reminders.CannotResend:  # refused before anything was written
        flash(gettext("Only a failed reminder can be sent again."))
        return back
    flash(gettext("The reminder will be sent again."))
    return back
