"""'Download uw gegevens': the resident asks on /account, an RQ job builds the ZIP, the waiting
page works without JS, and the ZIP holds exactly this resident's data (a twin with the same
name, birth date, file name and question stays out). The link works once and expires."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import jsonschema
import time_machine
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from sqlalchemy import func, select

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import (
    AccessLog,
    DataExport,
    Document,
    ExportStatus,
    Question,
    StaffMember,
    Task,
    TimelineEvent,
)
from app.services.access_log import record_access
from app.services.accounts import resident_for_bsn
from app.services.data_export_content import schema
from app.services.storage import LocalStorage
from tests import files
from tests.export.conftest import TWIN_SECRET, make_twin, run_jobs, send_file, zip_of
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request
from tests.i18n import nl
from tests.login import log_in

JAN = DEMO_RESIDENTS[0].bsn


def csrf_of(client: FlaskClient, url: str) -> str:
    soup = check_page(client.get(url).data)
    field = soup.select_one("#gegevens-kop ~ form input[name=csrf_token]") or soup.select_one(
        "main form input[name=csrf_token]"
    )
    assert field is not None
    return str(field["value"])


def start_export(client: FlaskClient) -> str:
    """Press 'Download your data' on /account; the waiting page's address."""
    page = check_page(client.get("/account").data)
    form = page.select_one("form[action='/account/gegevens']")
    assert form is not None, "the button is on /account"
    token = form.select_one("input[name=csrf_token]")
    assert token is not None
    answer = client.post("/account/gegevens", data={"csrf_token": token["value"]})
    assert answer.status_code == 303
    return answer.headers["Location"]


def download_form(client: FlaskClient, waiting: str) -> tuple[str, str]:
    page = check_page(client.get(waiting).data)
    form = page.select_one("#export-status form")
    assert form is not None
    return str(form["action"]), str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]


def storage_has(storage: LocalStorage, key: str) -> bool:
    return key in storage.stored_keys()


def jan_with_twin(storage: LocalStorage) -> None:
    jan = resident_for_bsn(JAN)
    assert jan is not None and jan.dossier is not None
    send_file(jan.dossier, "loonstrook.pdf", files.pdf(), storage)
    twin = make_twin(jan, storage)
    assert twin.dossier is not None
    # Staff looked at the twin's dossier: that must not show in Jan's 'who looked'.
    staff = db.session.scalar(select(StaffMember).order_by(StaffMember.id))
    assert staff is not None
    record_access(staff, twin.dossier.organisations[0], twin.dossier, "view_dossier", "casework")
    db.session.commit()


def test_export_holds_exactly_this_residents_data(
    app: Flask, seeded: None, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    jan_with_twin(storage)
    log_in(client, JAN)
    waiting = start_export(client)

    page = check_page(client.get(waiting).data)
    assert nl(
        app, "We are collecting your data. This takes a moment. You can wait here."
    ) in text_of(page)
    status_link = page.select_one("#export-status a")
    assert status_link is not None and status_link["href"] == waiting, "without JS: reload link"
    assert status_link["hx-get"] == waiting and "every" in str(status_link["hx-trigger"])
    assert (
        client.get(waiting, headers=fragment_request(waiting, target="export-status")).status_code
        == 204
    )

    assert export_queue.count == 1
    job = export_queue.jobs[0]
    assert job.func_name == "jobs.data_export.build_export"
    assert all(isinstance(a, int) for a in job.args), "ids only"
    run_jobs(export_queue)

    fragment = BeautifulSoup(
        client.get(waiting, headers=fragment_request(waiting, target="export-status")).data,
        "html.parser",
    )
    assert fragment.select_one("#export-status form button") is not None
    action, token = download_form(client, waiting)
    answer = client.post(action, data={"csrf_token": token})
    assert answer.status_code == 200
    assert answer.mimetype == "application/zip"
    assert "no-store" in answer.headers["Cache-Control"]
    archive = zip_of(answer.data)

    data = json.loads(archive.read("gegevens.json"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    assert json.loads(archive.read("schema.json")) == schema()

    jan = resident_for_bsn(JAN)
    assert jan is not None and jan.dossier is not None
    dossier_id = jan.dossier.id

    def count(model: type, column: object) -> int:
        return db.session.scalar(
            select(func.count()).select_from(model).where(column == dossier_id)
        )  # type: ignore[arg-type]

    assert data["made_by"] == "resident"
    assert data["resident"]["email"] == jan.email
    assert len(data["tasks"]) == count(Task, Task.dossier_id)
    assert len(data["documents"]) == count(Document, Document.dossier_id)
    assert len(data["questions"]) == count(Question, Question.dossier_id)
    assert len(data["timeline"]) == count(TimelineEvent, TimelineEvent.dossier_id)
    assert len(data["access_log"]) == count(AccessLog, AccessLog.dossier_id)

    # Every uploaded file of Jan is in the ZIP, byte for byte; nothing else is.
    ours = db.session.scalars(select(Document).where(Document.dossier_id == dossier_id)).all()
    in_zip = [n for n in archive.namelist() if n.startswith("bestanden/")]
    assert sorted(in_zip) == sorted(d["file"] for d in data["documents"] if d["file"])
    assert any("loonstrook" in n for n in in_zip)
    assert sorted(hashlib.sha256(archive.read(n)).hexdigest() for n in in_zip) == sorted(
        d.sha256 for d in ours if storage_has(storage, d.storage_key)
    )
    assert set(archive.namelist()) == {"overzicht.html", "gegevens.json", "schema.json", *in_zip}

    # The twin shares name, birth date and file name, but nothing of theirs came along.
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert TWIN_SECRET.encode() not in everything
    assert TWIN_SECRET.lower().encode() not in everything
    twin_doc = db.session.scalars(
        select(Document).where(Document.dossier_id != dossier_id).order_by(Document.id.desc())
    ).first()
    assert twin_doc is not None and twin_doc.sha256 not in everything.decode("utf-8", "replace")

    summary = check_page(archive.read("overzicht.html"), partial=True)  # a file: no site frame
    assert summary.select_one("html")["lang"] == "nl"  # type: ignore[index]
    assert summary.title is not None and summary.title.get_text() == summary.h1.get_text()  # type: ignore[union-attr]
    assert summary.select_one("main") is not None
    assert all(th.get("scope") == "col" for th in summary.select("th"))
    assert "loonstrook.pdf" in text_of(summary)
    assert jan.last_name in text_of(summary)


def test_the_link_works_once(
    app: Flask, seeded: None, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    log_in(client, JAN)
    waiting = start_export(client)
    run_jobs(export_queue)
    action, token = download_form(client, waiting)
    assert client.post(action, data={"csrf_token": token}).status_code == 200
    again = client.post(action, data={"csrf_token": token})
    assert again.status_code == 410
    assert nl(app, "This download no longer works") in text_of(check_page(again.data))
    page = check_page(client.get(waiting).data)
    assert nl(
        app, "You have already downloaded this file. For safety the download works only once."
    ) in text_of(page)
    assert storage.stored_keys() == [], "the ZIP is gone from the storage once taken"


def test_an_expired_link_is_refused(
    app: Flask, seeded: None, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    log_in(client, JAN)
    waiting = start_export(client)
    run_jobs(export_queue)
    action, _ = download_form(client, waiting)
    later = clock.now() + timedelta(hours=app.config["DATA_EXPORT_HOURS"], seconds=1)
    with time_machine.travel(later, tick=False):
        log_in(client, JAN)  # the old session ended long ago
        page = check_page(client.get(waiting).data)
        assert nl(
            app, "This download has expired. For safety it works only for a short time."
        ) in text_of(page)
        assert page.select_one("#export-status form")["action"] == "/account/gegevens"  # type: ignore[index]
        answer = client.post(action, data={"csrf_token": csrf_of(client, "/account")})
        assert answer.status_code == 410
    export = db.session.scalar(select(DataExport))
    assert export is not None and export.status is ExportStatus.EXPIRED
    assert storage.stored_keys() == [], "an expired ZIP is removed"


def test_only_the_resident_who_asked_gets_it(
    app: Flask, seeded: None, client: FlaskClient, storage: LocalStorage, export_queue: Queue
) -> None:
    log_in(client, JAN)
    waiting = start_export(client)
    run_jobs(export_queue)
    action, token = download_form(client, waiting)

    other = app.test_client()
    log_in(other, DEMO_RESIDENTS[1].bsn)
    assert other.get(waiting).status_code == 404
    other_token = csrf_of(other, "/account")
    assert other.post(action, data={"csrf_token": other_token}).status_code == 404
    assert client.get("/account/gegevens/not-a-real-token").status_code == 404
    # Still there for Jan: nobody else used it up.
    assert client.post(action, data={"csrf_token": token}).status_code == 200


def test_without_redis_the_export_is_built_in_the_request(
    app: Flask, seeded: None, client: FlaskClient, storage: LocalStorage, monkeypatch
) -> None:
    from tests.conftest import free_port

    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    log_in(client, JAN)
    waiting = start_export(client)
    action, token = download_form(client, waiting)
    assert client.post(action, data={"csrf_token": token}).mimetype == "application/zip"


def test_staff_cannot_use_the_resident_pages(app: Flask, seeded: None, client: FlaskClient) -> None:
    staff = db.session.scalar(select(StaffMember).order_by(StaffMember.id))
    assert staff is not None
    log_in(client, staff)
    assert client.post("/account/gegevens").status_code in (400, 403)
