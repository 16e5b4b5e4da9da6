"""The caseload (/medewerker): dossiers of my organisations, by light, overdue first."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import staff_required
from app.dates import long_date
from app.htmx import render_page
from app.models import Organisation
from app.responses import no_store
from app.services.access_log import chosen_organisation_id, staff_org_ids, working_organisation
from app.services.caseload import LIGHTS, WAITING, record_caseload_view
from app.services.caseload import caseload as load_caseload
from app.services.overview import light_words
from app.staff.blueprint import bp

# Where a dossier stands, in the staff's words (app.services.caseload.Row.waiting_for).
WAITING_WORDS = {
    "ons": lazy_gettext("Waiting for us"),
    "inwoner": lazy_gettext("Waiting for the resident"),
    "anderen": lazy_gettext("Waiting for another organisation"),
    "klaar": lazy_gettext("Finished"),
}

# The organisation filter's value for "all my organisations" (no value means: the default,
# which is the organisation the staff member chose to work for).
ALL_ORGANISATIONS = "alle"


def _filter_organisation(mine: set[int]) -> int | None:
    chosen = request.args.get("organisatie")
    if chosen == ALL_ORGANISATIONS:
        return None
    if chosen and chosen.isdigit() and int(chosen) in mine:
        return int(chosen)
    return chosen_organisation_id(current_user)


def _log_organisation(filter_id: int | None) -> Organisation | None:
    """A list of one organisation is logged for that one; a list of all for the one the staff
    member works for (one row per view either way)."""
    chosen = next((o for o in current_user.organisations if o.id == filter_id), None)
    return chosen or working_organisation(current_user)


@bp.get("")
@staff_required
def caseload() -> Response:
    light = request.args.get("licht", "")
    light = light if light in LIGHTS else ""
    waiting = request.args.get("wacht", "")
    waiting = waiting if waiting in WAITING else ""
    query = request.args.get("zoek", "").strip()[:100]
    page_number = request.args.get("pagina", "1")
    mine = staff_org_ids(current_user)
    organisation = _filter_organisation(mine)
    page = load_caseload(
        {organisation} if organisation else mine,
        clock.today(),
        light=light,
        waiting=waiting,
        query=query,
        page=int(page_number) if page_number.isdigit() else 1,
    )
    # Every view is a read of residents' names and lights, htmx fragments included (the
    # response is no-store without a validator, so there are no 304s to leave out).
    record_caseload_view(
        current_user,
        _log_organisation(organisation),
        page,
        light=light,
        filter_organisation_id=organisation,
        query=query,
        waiting=waiting,
    )
    response = render_page(
        "staff/caseload.html",
        "staff/_caseload.html",
        page=page,
        light=light,
        waiting=waiting,
        waiting_choices=WAITING,
        waiting_words=WAITING_WORDS,
        query=query,
        organisation=organisation,
        organisations=current_user.organisations,
        all_organisations=ALL_ORGANISATIONS,
        lights=LIGHTS,
        light_words=light_words,
        long_date=long_date,
        today=clock.today(),
    )
    no_store(response)
    return response
