"""A resident's data export made at the desk: the same ZIP the resident gets from /account,
asked for by a staff member whose organisation is linked to the dossier (else 404), written in
the access log, and downloadable once by that staff member only.

It is made outside assisted mode, so it holds what this staff member may read (the rule of
docs/design/product.md 'Who sees what across organisations', app.services.staff_visibility):
other organisations' content is left out, and both pages say so."""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import staff_required
from app.export_pages import download_or_refuse, waiting_page
from app.models import DataExport
from app.services.access_log import dossier_for_staff
from app.services.data_export import ExportRefused, find_export, request_export
from app.staff.blueprint import bp


@bp.post("/dossier/<int:dossier_id>/gegevens")
@staff_required
def export_start(dossier_id: int) -> Response:
    sd = dossier_for_staff(current_user, dossier_id)
    if sd is None:
        abort(404)
    try:
        _, token = request_export(sd.dossier.resident, staff=current_user)
    except ExportRefused:
        abort(404)
    return redirect(url_for("staff.export_status", token=token), 303)


def _mine(token: str) -> tuple[DataExport, dict[str, str]]:
    """The export this staff member made, while their organisation still has the dossier
    (the resident may have stopped its access since); else 404."""
    export = find_export(token, staff=current_user)
    dossier = export.resident.dossier if export else None
    if export is None or dossier is None or dossier_for_staff(current_user, dossier.id) is None:
        abort(404)
    return export, {
        "again_url": url_for("staff.export_start", dossier_id=dossier.id),
        "back_url": url_for("staff.dossier", dossier_id=dossier.id),
    }


@bp.get("/gegevens/<token>")
@staff_required
def export_status(token: str) -> Response:
    export, urls = _mine(token)
    return waiting_page(
        export,
        layout="staff/base.html",
        status_url=url_for("staff.export_status", token=token),
        download_url=url_for("staff.export_download", token=token),
        note=gettext(
            "This download holds what you may read, not more: other organisations' questions, "
            "answers, document descriptions and files are left out."
        ),
        **urls,
    )


@bp.post("/gegevens/<token>/download")
@staff_required
def export_download(token: str) -> Response:
    export, urls = _mine(token)
    return download_or_refuse(
        export,
        refused=lambda: make_response(
            render_template("export/gone.html", layout="staff/base.html", **urls), 410
        ),
    )
