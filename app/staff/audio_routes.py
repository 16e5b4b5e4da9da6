"""'Luister naar uw overzicht' at the desk or on the phone: the resident's spoken summary for the
staff member helping them (what that staff member may read; the download is logged)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import staff_required
from app.services.summary import Viewer
from app.staff.blueprint import bp
from app.staff.dossier_routes import load
from app.summary.listening import ListenLinks, audio_file, listen_page


@bp.get("/dossier/<int:dossier_id>/luisteren")
@staff_required
def listen(dossier_id: int) -> Response:
    sd = load(dossier_id, "listen_summary", "print")
    links = ListenLinks(
        layout="staff/base.html",
        page=url_for("staff.listen", dossier_id=dossier_id),
        audio=url_for("staff.summary_audio", dossier_id=dossier_id),
        back=url_for("staff.dossier", dossier_id=dossier_id),
        back_label=gettext("Back to the dossier"),
    )
    return listen_page(Viewer.for_staff(current_user), sd.dossier.resident, links)


@bp.get("/dossier/<int:dossier_id>/samenvatting.mp3")
@staff_required
def summary_audio(dossier_id: int) -> Response:
    sd = load(dossier_id, log=False)  # request_audio logs the download (summary.authorise)
    listen_url = url_for("staff.listen", dossier_id=dossier_id)
    return audio_file(Viewer.for_staff(current_user), sd.dossier.resident, listen_url)
