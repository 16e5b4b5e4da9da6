"""The caseload (/medewerker): dossiers of my organisations, by light, overdue first."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import staff_required
from app.dates import long_date
from app.htmx import render_page
from app.services.access_log import staff_org_ids
from app.services.caseload import LIGHTS
from app.services.caseload import caseload as load_caseload
from app.services.overview import light_words
from app.staff import bp


@bp.get("")
@staff_required
def caseload() -> Response:
    light = request.args.get("licht", "")
    light = light if light in LIGHTS else ""
    query = request.args.get("zoek", "").strip()[:100]
    page_number = request.args.get("pagina", "1")
    mine = staff_org_ids(current_user)
    chosen = request.args.get("organisatie", "")
    organisation = int(chosen) if chosen.isdigit() and int(chosen) in mine else None
    page = load_caseload(
        {organisation} if organisation else mine,
        clock.today(),
        light=light,
        query=query,
        page=int(page_number) if page_number.isdigit() else 1,
    )
    response = render_page(
        "staff/caseload.html",
        "staff/_caseload.html",
        page=page,
        light=light,
        query=query,
        organisation=organisation,
        organisations=current_user.organisations,
        lights=LIGHTS,
        light_words=light_words,
        long_date=long_date,
        today=clock.today(),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
