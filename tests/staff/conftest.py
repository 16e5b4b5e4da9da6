"""Staff test helpers: log in as a demo staff member through the real login form (password +
TOTP), read CSRF tokens, and make a document that waits for review."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse

from app import clock
from app.demo import DEMO_RESIDENTS
from app.demo.staff import DEMO_PASSWORD, DEMO_TOTP
from app.extensions import db
from app.models import Document, Dossier, Resident, StaffMember, Task
from app.services.accounts import resident_for_bsn
from app.services.documents import submit_documents
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from app.services.uploads import check_file
from tests import files
from tests.html import check_page, text_of
from tests.login import log_in

JANSEN = "p.jansen@gemeente-rijnstad.example.nl"  # gemeente, medewerker
VISSER = "l.visser@gemeente-rijnstad.example.nl"  # gemeente, beheerder
BAKKER = "m.bakker@schuldhulp-rijnstreek.example.nl"  # schuldhulp, medewerker
DEBOER = "a.deboer@groene-hart-wonen.example.nl"  # woningcorporatie, medewerker
JAN, FATIMA, KEES, SANNE, MOHAMED = (r.bsn for r in DEMO_RESIDENTS)


@pytest.fixture(autouse=True)
def fresh_rate_limits(app: Flask) -> Iterator[None]:
    from app.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def storage(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStorage:
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return LocalStorage(tmp_path / "uploads")


def csrf(client: FlaskClient, url: str) -> str:
    soup = BeautifulSoup(client.get(url).data, "html.parser")
    field = soup.select_one("main form input[name=csrf_token]") or soup.select_one(
        "form input[name=csrf_token]"
    )
    assert field is not None, f"no form with a CSRF token on {url}"
    return str(field["value"])


def staff(email: str) -> StaffMember:
    db.session.expire_all()  # what the requests wrote, not what this session saw before
    member = db.session.scalar(select(StaffMember).where(StaffMember.email == email))
    assert member is not None
    return member


def code_for(email: str, offset_steps: int = 0) -> str:
    if email not in DEMO_TOTP:
        return "000000"
    totp = pyotp.TOTP(DEMO_TOTP[email])
    return totp.at(clock.now().timestamp() + offset_steps * totp.interval)


def post_login(
    client: FlaskClient, email: str, password: str = DEMO_PASSWORD, code: str | None = None
) -> TestResponse:
    token = csrf(client, "/medewerker/inloggen")
    return client.post(
        "/medewerker/inloggen",
        data={
            "csrf_token": token,
            "email": email,
            "password": password,
            "code": code_for(email) if code is None else code,
        },
    )


def login_staff(client: FlaskClient, email: str) -> FlaskClient:
    """Start logged in as this staff member (tests/login.py). The login itself (password,
    TOTP, lockout, replay) is tested through the real form in test_login.py with post_login."""
    log_in(client, staff(email))
    return client


def upload_for_url(bsn: str, title_start: str) -> str:
    """The staff page that sends a document for the resident into their request `title_start…`."""
    dossier = dossier_of(bsn)
    task = db.session.scalar(
        select(Task).where(Task.dossier_id == dossier.id, Task.title.like(f"{title_start}%"))
    )
    assert task is not None, f"no request {title_start!r} for {bsn}"
    return f"/medewerker/dossier/{dossier.id}/namens/document/{task.id}"


def dossier_of(bsn: str) -> Dossier:
    resident = resident_for_bsn(bsn)
    assert resident is not None and resident.dossier is not None
    return resident.dossier


def resident_of(bsn: str) -> Resident:
    resident = resident_for_bsn(bsn)
    assert resident is not None
    return resident


def received_document(bsn: str, title: str, storage: LocalStorage) -> Document:
    """The resident sends a PDF for the open request `title`: it waits for review."""
    dossier = dossier_of(bsn)
    task = db.session.scalar(select(Task).where(Task.dossier_id == dossier.id, Task.title == title))
    assert task is not None
    checked, problem = check_file(FileStorage(io.BytesIO(files.pdf()), filename="bewijs.pdf"))
    assert checked is not None, problem
    (doc,) = submit_documents(dossier, task, [checked], storage, actor=Actor.resident())
    return doc


def reminder(
    bsn: str,
    status: str = "permanent-failure",
    *,
    channel: str = "email",
    template: str = "document-due-soon",
    reason: str | None = "smtp 550 mailbox unknown",
) -> str:
    """A reminder row for the resident, as the outbox leaves it (e.g. failed for good)."""
    from app.models import Notification
    from app.models.notification import (
        Channel,
        NotificationStatus,
        ReminderKind,
        new_notification_id,
    )

    resident = resident_of(bsn)
    notification_id = new_notification_id()
    db.session.add(
        Notification(
            id=notification_id,
            dedupe_key=f"task:1:{template}:{notification_id}:{channel}",
            subject_type="task",
            subject_id="1",
            resident_id=resident.id,
            kind=ReminderKind.APPOINTMENT
            if template.startswith("appoint")
            else ReminderKind.DOCUMENT,
            channel=Channel(channel),
            template=template,
            template_version=1,
            personalisation={"title": "Bankafschrift sturen"},
            not_before=clock.now(),
            status=NotificationStatus(status),
            status_reason=reason,
            attempts=1,
        )
    )
    db.session.commit()
    return notification_id


def who_looked(app: Flask, bsn: str) -> str:
    """The resident's 'who looked at my data' section as text, seen by the resident (needs the
    live_server fixture for the DigiD login)."""
    resident = app.test_client()
    log_in(resident, bsn)
    soup = check_page(resident.get("/account").data)
    section = soup.select_one("section[aria-labelledby=bekeken]")
    assert section is not None
    return text_of(section)
