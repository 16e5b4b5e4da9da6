"""The same export made at the desk: only by staff whose organisation is linked to the dossier,
written in the access log, and downloadable once by the staff member who made it."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from sqlalchemy import select

from app.extensions import db
from app.models import AccessLog, DataExport
from app.services import consent
from app.services.storage import LocalStorage
from tests.export.conftest import run_jobs, zip_of
from tests.html import check_page, text_of
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
