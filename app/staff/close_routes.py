"""Closing a dossier when the help has ended: the resident reads it in their timeline, and the
retention clock starts (app.services.retention)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import staff_required
from app.services.access_log import dossier_for_staff
from app.services.retention import AlreadyClosed, close_dossier
from app.staff.blueprint import bp


@bp.post("/dossier/<int:dossier_id>/sluiten")
@staff_required
def close(dossier_id: int) -> Response:
    sd = dossier_for_staff(current_user, dossier_id)
    if sd is None:
        abort(404)
    try:
        close_dossier(sd, current_user)
    except AlreadyClosed:
        flash(gettext("This dossier was closed already."))
    else:
        flash(gettext("The dossier is closed. The resident sees this in their timeline."))
    return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
