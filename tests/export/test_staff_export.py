"""The same export made at the desk: only by staff whose organisation is linked to the dossier,
written in the access log, and downloadable once by the staff member who made it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from rq import Queue
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import AccessLog, DataExport, Document, Dossier, Organisation
from app.services import consent
from app.services.data_export_content import schema
from app.services.documents import send_other_document
from app.services.questions import ask_question
from app.services.storage import LocalStorage, get_storage
from app.services.timeline import Actor
from app.services.uploads import check_file
from tests import files
from tests.export.conftest import run_jobs, zip_of
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import BAKKER, DEBOER, JAN, JANSEN, csrf, dossier_of, login_staff

pytestmark = pytest.mark.usefixtures("seeded")


def start(client: FlaskClient, dossier_id: int) -> str:
    page = check_page(client.get(f"/medewerker/dossier/{dossier_id}").data)
    form = page.select_one(f"form[action='/medewerker/dossier/{dossier_id}/gegevens']")
    assert form is not None, "the button is on the dossier page"
    token = form.select_one("input[name=csrf_token]")
    assert token is not None
    answer = client.post(form["action"], data={"csrf_token": token["value"]})  # type: ignore[arg-type]
    assert answer.status_code == 303
    return answer.headers["Location"]


def download(client: FlaskClient, waiting: str) -> tuple[str, str]:
    page = check_page(client.get(waiting).data)
    form = page.select_one("#export-status form")
    assert form is not None, text_of(page)
    return str(form["action"]), str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]


def test_staff_make_the_export_at_the_desk(
    app: Flask, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    dossier = dossier_of(JAN)
    login_staff(client, JANSEN)
    waiting = start(client, dossier.id)
    assert waiting.startswith("/medewerker/gegevens/")
    logged = db.session.scalars(
        select(AccessLog).where(
            AccessLog.dossier_id == dossier.id, AccessLog.action == "export_data"
        )
    ).all()
    assert len(logged) == 1 and logged[0].why == "assisted"

    run_jobs(export_queue)
    action, token = download(client, waiting)
    answer = client.post(action, data={"csrf_token": token})
    assert answer.mimetype == "application/zip"
    data = json.loads(zip_of(answer.data).read("gegevens.json"))
    assert data["made_by"] == "staff"
    assert data["resident"]["last_name"] == dossier.resident.last_name
    assert any(r["action"] == "export_data" for r in data["access_log"]), "the resident sees it"
    assert client.post(action, data={"csrf_token": token}).status_code == 410


def test_only_the_staff_member_who_made_it_gets_it(
    app: Flask, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    dossier = dossier_of(JAN)
    login_staff(client, JANSEN)
    waiting = start(client, dossier.id)
    run_jobs(export_queue)
    action, _ = download(client, waiting)

    colleague = app.test_client()
    login_staff(colleague, BAKKER)  # also linked to Jan's dossier, but did not make it
    assert colleague.get(waiting).status_code == 404
    token = csrf(colleague, "/medewerker")
    assert colleague.post(action, data={"csrf_token": token}).status_code == 404

    resident = app.test_client()
    log_in(resident, JAN)  # the resident gets their own from /account, not this one
    assert resident.get(waiting).status_code == 403
    assert (
        resident.get(waiting.replace("/medewerker/gegevens/", "/account/gegevens/")).status_code
        == 404
    )


def test_no_export_without_a_link_to_the_dossier(
    app: Flask, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    dossier = dossier_of(JAN)
    login_staff(client, DEBOER)  # the housing corporation is not in Jan's dossier
    token = csrf(client, "/medewerker")
    assert (
        client.post(
            f"/medewerker/dossier/{dossier.id}/gegevens", data={"csrf_token": token}
        ).status_code
        == 404
    )
    assert db.session.scalar(select(DataExport)) is None
    assert export_queue.count == 0


def test_a_stopped_consent_ends_the_download(
    app: Flask, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    dossier = dossier_of(JAN)
    login_staff(client, BAKKER)
    waiting = start(client, dossier.id)
    run_jobs(export_queue)
    action, token = download(client, waiting)
    link = next(x for x in dossier.links if x.organisation.slug.startswith("schuldhulp"))
    consent.revoke_link(dossier, link.id)
    db.session.commit()
    assert client.post(action, data={"csrf_token": token}).status_code == 404


A_SECRET = "ALLEEN-VOOR-DE-GEMEENTE"  # in the description and question for the gemeente
B_WORDS = "Voor de schuldhulp"
DOSSIER_SAYS = (
    "The download holds what you may read here, not more: the texts of questions and answers, "
    "document descriptions and files for another organisation are left out, and so are the "
    "resident's reactions to our pages. The resident can download everything themselves in "
    "their own account."
)
WAITING_SAYS = (
    "This download holds what you may read, not more: other organisations' questions, "
    "answers, document descriptions and files are left out."
)


def addressed_to(dossier: Dossier, slug: str) -> Organisation:
    return next(o for o in dossier.organisations if o.slug.startswith(slug))


def send_to(dossier: Dossier, organisation: Organisation, description: str, pages: int) -> None:
    checked, problem = check_file(
        FileStorage(io.BytesIO(files.pdf(text_pages=pages)), filename=f"{description}.pdf")
    )
    assert checked is not None, problem
    send_other_document(
        dossier, organisation, description, [checked], get_storage(), actor=Actor.resident()
    )


def desk_export(app: Flask, email: str, dossier_id: int, queue: Queue) -> zipfile.ZipFile:
    desk = app.test_client()
    login_staff(desk, email)
    page = check_page(desk.get(f"/medewerker/dossier/{dossier_id}").data)
    said = page.select_one("#gegevens-wat")
    assert said is not None, "the dossier page says what the download holds"
    assert text_of(said) == nl(app, DOSSIER_SAYS)
    waiting = start(desk, dossier_id)
    run_jobs(queue)
    waiting_page = check_page(desk.get(waiting).data)
    note = waiting_page.select_one("#export-note")
    assert note is not None and text_of(note) == nl(app, WAITING_SAYS)
    action, token = download(desk, waiting)
    return zip_of(desk.post(action, data={"csrf_token": token}).data)


def test_a_desk_export_holds_only_what_that_staff_member_may_read(
    app: Flask, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    """Bakker (schuldhulp) makes the download for Jan at the desk, outside assisted mode: the
    gemeente's question, document description and file are left out, the schuldhulp's are in;
    Jansen (gemeente) gets the gemeente's. Every download is in the resident's access log."""
    dossier = dossier_of(JAN)
    gemeente, schuldhulp = addressed_to(dossier, "gemeente"), addressed_to(dossier, "schuldhulp")
    send_to(dossier, gemeente, f"Brief {A_SECRET}", pages=3)
    send_to(dossier, schuldhulp, B_WORDS, pages=4)
    with force_locale("nl"):
        ask_question(dossier, gemeente, f"Vraag {A_SECRET}", actor=Actor.resident())
    db.session.commit()
    a_doc, b_doc = (
        db.session.scalar(
            select(Document).where(Document.dossier_id == dossier.id, Document.description == d)
        )
        for d in (f"Brief {A_SECRET}", B_WORDS)
    )
    assert a_doc is not None and b_doc is not None

    archive = desk_export(app, BAKKER, dossier.id, export_queue)
    data = json.loads(archive.read("gegevens.json"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    assert data["complete"] is False
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert A_SECRET.encode() not in everything, "no gemeente content in any file of the ZIP"
    hashes = {hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}
    assert a_doc.sha256 not in hashes and b_doc.sha256 in hashes
    by_id = {d["id"]: d for d in data["documents"]}
    assert by_id[a_doc.id]["content_withheld"] is True and by_id[a_doc.id]["file"] is None
    assert by_id[a_doc.id]["organisation"] == gemeente.name, "that it exists is not hidden"
    assert by_id[b_doc.id]["content_withheld"] is False
    assert by_id[b_doc.id]["description"] == B_WORDS
    [question] = [q for q in data["questions"] if q["organisation"] == gemeente.name][-1:]
    assert question["content_withheld"] is True and question["messages"] == []
    summary = check_page(archive.read("overzicht.html"), partial=True)
    assert summary.select_one("#niet-alles") is not None, "the readable page says it is partial"

    # The read is logged with Bakker's organisation, and the resident sees it.
    logged = db.session.scalars(
        select(AccessLog).where(
            AccessLog.dossier_id == dossier.id, AccessLog.action == "export_data"
        )
    ).all()
    assert [(r.staff.email, r.organisation_id) for r in logged] == [(BAKKER, schuldhulp.id)]
    resident = app.test_client()
    log_in(resident, JAN)
    history = text_of(check_page(resident.get("/account/bekeken").data))
    assert nl(app, "Made a download of all your data for you") in history
    assert schuldhulp.name in history

    # The gemeente's own staff get the gemeente's content.
    archive = desk_export(app, JANSEN, dossier.id, export_queue)
    data = json.loads(archive.read("gegevens.json"))
    by_id = {d["id"]: d for d in data["documents"]}
    assert by_id[a_doc.id]["content_withheld"] is False
    assert by_id[a_doc.id]["description"] == f"Brief {A_SECRET}"
    assert a_doc.sha256 in {hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}
    assert by_id[b_doc.id]["content_withheld"] is True and by_id[b_doc.id]["file"] is None
