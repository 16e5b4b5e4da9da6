"""Dossier work: the view, reviewing documents, adding items, marking items done, contact
moments, appointment times. Each action lands in the resident's timeline with the staff member
and organisation, and in the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AccessLog, AppointmentSlot, Document, DocumentStatus, Task, TimelineEvent
from app.services.storage import LocalStorage
from app.services.timeline import actor_text, event_text
from tests.html import check_form_page, check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import (
    BAKKER,
    FATIMA,
    JAN,
    JANSEN,
    KEES,
    csrf,
    dossier_of,
    login_staff,
    received_document,
    staff,
)

pytestmark = pytest.mark.usefixtures("seeded")


def latest_event(dossier_id: int) -> TimelineEvent:
    db.session.expire_all()
    event = db.session.scalar(
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == dossier_id)
        .order_by(TimelineEvent.id.desc())
        .limit(1)
    )
    assert event is not None
    return event


def log_actions(dossier_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AccessLog.action)
            .where(AccessLog.dossier_id == dossier_id)
            .order_by(AccessLog.id)
        )
    )


def test_dossier_view_shows_what_the_resident_sees(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    response = client.get(f"/medewerker/dossier/{dossier.id}")
    soup = check_page(response.data)
    text = text_of(soup)
    assert "Jan de Vries" in text
    assert "Bankafschrift van november sturen" in text
    assert nl(app, "Action needed from you") in text
    assert "999993653" not in text  # never the BSN
    assert response.headers["Cache-Control"] == "private, no-store"
    assert log_actions(dossier.id) == ["view_dossier"]


def test_review_approve(app: Flask, client: FlaskClient, storage: LocalStorage) -> None:
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    login_staff(client, BAKKER)
    url = f"/medewerker/dossier/{doc.dossier_id}/document/{doc.id}"
    page = check_form_page(app, client.get(url).data, error=False)
    assert page.select_one(f'a[href$="/bestand/{doc.id}"]')
    response = client.post(url, data={"csrf_token": csrf(client, url), "decision": "approve"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Document, doc.id).status is DocumentStatus.APPROVED  # type: ignore[union-attr]
    event = latest_event(doc.dossier_id)
    assert event.kind == "document_approved"
    assert event.actor_staff_id == staff(BAKKER).id
    with app.test_request_context():
        assert "M. Bakker" in actor_text(event)
        assert "Schuldhulpverlening Rijnstreek" in actor_text(event)
    assert log_actions(doc.dossier_id)[-1] == "review_document"


def test_review_reject_needs_a_reason_the_resident_reads(
    app: Flask, client: FlaskClient, storage: LocalStorage, live_server: str
) -> None:
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    login_staff(client, BAKKER)
    url = f"/medewerker/dossier/{doc.dossier_id}/document/{doc.id}"
    token = csrf(client, url)
    missing = client.post(url, data={"csrf_token": token, "decision": "reject", "reason": " "})
    assert missing.status_code == 200
    soup = check_form_page(app, missing.data, error=True)
    assert soup.select_one("#reason-error")
    reason = "Het afschrift is niet leesbaar. Stuur een scherpe foto."
    done = client.post(url, data={"csrf_token": token, "decision": "reject", "reason": reason})
    assert done.status_code == 303
    # The resident reads the reason on their documents page.

    resident = app.test_client()
    log_in(resident, JAN)
    assert reason in resident.get("/documenten").get_data(as_text=True)


def test_download_is_logged(client: FlaskClient, storage: LocalStorage) -> None:
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    login_staff(client, BAKKER)
    response = client.get(f"/medewerker/dossier/{doc.dossier_id}/bestand/{doc.id}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert log_actions(doc.dossier_id) == ["download_document"]


@pytest.mark.parametrize("kind", ["document", "step", "organisation"])
def test_add_an_item(app: Flask, client: FlaskClient, kind: str) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    url = f"/medewerker/dossier/{dossier.id}/item-toevoegen"
    check_form_page(app, client.get(url).data, error=False)
    due = (clock.today() + timedelta(days=7)).isoformat()
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "kind": kind,
            "title": "Huurspecificatie sturen",
            "due_date": due,
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    task = db.session.scalar(select(Task).where(Task.title == "Huurspecificatie sturen"))
    assert task is not None
    assert task.holder.value == ("organisation" if kind == "organisation" else "resident")
    event = latest_event(dossier.id)
    assert event.actor_staff_id == staff(JANSEN).id
    assert event.organisation.slug == "gemeente-rijnstad"  # type: ignore[union-attr]
    assert "add_task" in log_actions(dossier.id)


def test_a_document_request_needs_a_due_date(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    url = f"/medewerker/dossier/{dossier_of(JAN).id}/item-toevoegen"
    response = client.post(
        url, data={"csrf_token": csrf(client, url), "kind": "document", "title": "Iets"}
    )
    assert response.status_code == 200
    soup = check_form_page(app, response.data, error=True)
    assert soup.select_one("#due_date-error")
    assert soup.select_one("input[name=title]")["value"] == "Iets"  # type: ignore[index]


def test_mark_our_item_done(client: FlaskClient) -> None:
    login_staff(client, BAKKER)
    dossier = dossier_of(KEES)
    task = db.session.scalar(
        select(Task).where(Task.dossier_id == dossier.id, Task.title.like("Uw schulden%"))
    )
    assert task is not None
    url = f"/medewerker/dossier/{dossier.id}"
    response = client.post(f"{url}/item/{task.id}/klaar", data={"csrf_token": csrf(client, url)})
    assert response.status_code == 303
    assert latest_event(dossier.id).kind == "task_done"


def test_record_a_contact_moment(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(FATIMA)
    url = f"/medewerker/dossier/{dossier.id}/contact"
    empty = client.post(url, data={"csrf_token": csrf(client, url)})
    check_form_page(app, empty.data, error=True)
    response = client.post(
        url,
        data={"csrf_token": csrf(client, url), "channel": "phone", "note": "Uitleg gegeven."},
    )
    assert response.status_code == 303
    event = latest_event(dossier.id)
    assert event.kind == "contact_recorded"
    with app.test_request_context():
        assert "Uitleg gegeven." in event_text(event)
    assert log_actions(dossier.id)[-1] == "record_contact"


def test_publish_appointment_slots(app: Flask, client: FlaskClient) -> None:

    login_staff(client, JANSEN)
    url = "/medewerker/afspraaktijden"
    check_form_page(app, client.get(url).data, error=False)
    day = clock.today() + timedelta(days=20)
    before = len(list(db.session.scalars(select(AppointmentSlot.id))))
    bad = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "organisation": staff(JANSEN).memberships[0].organisation_id,
            "day": day.isoformat(),
            "times": "negen uur",
            "minutes": "30",
            "channel": "desk",
        },
    )
    check_form_page(app, bad.data, error=True)
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "organisation": staff(JANSEN).memberships[0].organisation_id,
            "day": day.isoformat(),
            "times": "9:00, 9.30 10:00",
            "minutes": "30",
            "channel": "desk",
            "location": "Stadhuisplein 1",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert len(list(db.session.scalars(select(AppointmentSlot.id)))) == before + 3
    actions = list(db.session.scalars(select(AccessLog.action)))
    assert actions[-1] == "publish_slots"
