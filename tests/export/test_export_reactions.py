"""The resident's own page reactions in their export: the answers to 'Was deze pagina duidelijk?'
where they ticked 'U mag mij bellen' point to them and are theirs. An anonymous answer (even
one they gave themselves, without the tick) and a look-alike resident's answer are not."""

from __future__ import annotations

import json

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue

from app.extensions import db
from app.services import feedback
from app.services.accounts import resident_for_bsn
from app.services.data_export_content import schema
from app.services.storage import LocalStorage
from tests.export.conftest import TWIN_SECRET, make_twin, run_jobs, zip_of
from tests.export.test_resident_export import JAN, download_form, start_export
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import JANSEN, csrf, dossier_of, login_staff

pytestmark = pytest.mark.usefixtures("seeded")

CALL_ME_WORDS = "Bel mij over de kleur van het bolletje"
ANONYMOUS_WORDS = "ANONIEM-ZONDER-VINKJE"


def react(client: FlaskClient, comment: str, *, call_me: bool) -> None:
    """'Nee' under the overview, then a comment, with or without 'U mag mij bellen'."""
    page = check_page(client.get("/").data)
    form = page.select_one("aside#feedback form[method=post]")
    assert form is not None
    fields = {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}
    assert client.post("/reactie", data={**fields, "duidelijk": "nee"}).status_code == 303
    data = {"csrf_token": fields["csrf_token"], "comment": comment, "next": "/"}
    if call_me:
        data["call_me"] = "y"
    assert client.post("/reactie/toelichting", data=data).status_code == 303


def reactions_set_up(client: FlaskClient, storage: LocalStorage) -> None:
    log_in(client, JAN)
    react(client, CALL_ME_WORDS, call_me=True)
    react(client, ANONYMOUS_WORDS, call_me=False)
    jan = resident_for_bsn(JAN)
    assert jan is not None
    twin = make_twin(jan, storage)  # same name and birth date as Jan
    twin_answer = feedback.record_answer("overview.index", False, "nl")
    feedback.add_comment(twin_answer, f"Bel de tweeling {TWIN_SECRET}", call_me=twin)
    db.session.expire_all()


def test_the_residents_call_me_reactions_are_in_their_export(
    app: Flask, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    reactions_set_up(client, storage)
    waiting = start_export(client)
    run_jobs(export_queue)
    action, token = download_form(client, waiting)
    archive = zip_of(client.post(action, data={"csrf_token": token}).data)
    data = json.loads(archive.read("gegevens.json"))
    jsonschema.Draft202012Validator(schema()).validate(data)

    [mine] = data["page_reactions"]
    assert mine["comment"] == CALL_ME_WORDS
    assert mine["clear"] is False and mine["page"] == "overview.index"
    assert mine["handled_at"] is None
    assert data["complete"] is True

    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert ANONYMOUS_WORDS.encode() not in everything, "an anonymous answer is nobody's"
    assert TWIN_SECRET.encode() not in everything, "the look-alike's answer is theirs"

    summary = check_page(archive.read("overzicht.html"), partial=True)
    heading = next(
        h for h in summary.select("h2") if h.get_text() == nl(app, "Your reactions to our pages")
    )
    table = heading.find_next("table")
    assert table is not None
    assert CALL_ME_WORDS in text_of(table)
    cells = [td.get_text() for td in table.select("td")]
    assert nl(app, "No") in cells
    assert nl(app, "Overview") in cells, "the page by the name of its area, as in the menu"
    assert "overview.index" not in text_of(table)


def test_a_desk_export_leaves_the_reactions_out(
    app: Flask, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    reactions_set_up(client, storage)
    desk = app.test_client()
    login_staff(desk, JANSEN)
    dossier_id = dossier_of(JAN).id
    answer = desk.post(
        f"/medewerker/dossier/{dossier_id}/gegevens",
        data={"csrf_token": csrf(desk, f"/medewerker/dossier/{dossier_id}")},
    )
    assert answer.status_code == 303
    run_jobs(export_queue)
    page = check_page(desk.get(answer.headers["Location"]).data)
    form = page.select_one("#export-status form")
    assert form is not None
    token = form.select_one("input[name=csrf_token]")
    assert token is not None
    archive = zip_of(desk.post(str(form["action"]), data={"csrf_token": token["value"]}).data)
    data = json.loads(archive.read("gegevens.json"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    assert data["complete"] is False and data["page_reactions"] == []
    assert CALL_ME_WORDS.encode() not in archive.read("overzicht.html")
