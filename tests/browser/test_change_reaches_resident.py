"""Issue 15, end to end in real Chromium: staff turn a document down; the resident's open overview
shows it within the poll interval (Playwright's clock, no real waiting), and the change notice
arrives once at the loopback SMTP server (aiosmtpd) and once at the fake SMS gateway."""

from __future__ import annotations

import io
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from rq import Queue
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import clock
from app.extensions import db
from app.models import StaffMember
from app.services.accounts import resident_for_bsn
from app.services.documents import checklist, review_document, submit_documents
from app.services.notifications.dispatch import dispatch_due
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from app.services.uploads import check_file
from tests import files
from tests.browser.conftest import RED, Polls
from tests.notifications.conftest import (  # noqa: F401 - fixtures used by name
    FakeSpryng,
    SmtpRecorder,
    queue,
    redis_conn,
    redis_url,
    run_worker,
    smtp,
    spryng,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]
REASON = "De foto is onscherp. Maak een nieuwe foto bij daglicht."


def test_staff_rejection_shows_within_the_interval_and_is_told_once(
    polls: Polls,
    app: Flask,
    live_server: str,
    queue: Queue,  # noqa: F811
    smtp: SmtpRecorder,  # noqa: F811
    spryng: FakeSpryng,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No quiet hours, so the test means the same at any time of day.
    monkeypatch.setitem(app.config, "REMINDER_QUIET_START", "00:00")
    monkeypatch.setitem(app.config, "REMINDER_QUIET_END", "00:00")
    page = polls.page
    page.goto(f"{live_server}/")  # again: now with the fake clock and poll counter
    page.wait_for_function("() => window.htmx !== undefined")
    resident = resident_for_bsn(RED)
    assert resident is not None and resident.dossier is not None
    resident.email, resident.phone = "jan@example.nl", "+31612345678"
    db.session.commit()
    task = next(i for i in checklist(resident.dossier) if i.state == "needed").task
    task_id, title = task.id, task.title
    checked, problem = check_file(FileStorage(io.BytesIO(files.png()), filename="foto.png"))
    assert checked is not None, problem
    with app.test_request_context():
        (doc,) = submit_documents(
            resident.dossier, task, [checked], LocalStorage(tmp_path), actor=Actor.resident()
        )
    # The sending shows first (the resident did it), then staff turn it down.
    base = app.config["LIVE_POLL_SECONDS"] * 1000
    polls.advance(base)
    staff = db.session.scalar(select(StaffMember).where(StaffMember.name == "M. Bakker"))
    assert staff is not None
    review_document(doc, approve=False, staff=staff, reason=REASON)
    changed_at = clock.now()
    assert REASON not in page.inner_text("#overzicht")

    # Within one poll interval the open overview shows the reason, with the button to send anew.
    assert polls.advance(base) == 1
    page.wait_for_function(
        "(reason) => document.querySelector('#overzicht').innerText.includes(reason)", arg=REASON
    )
    button = page.locator(f"#overzicht a.button[href='/documenten/{task_id}/sturen']").first
    assert "Stuur een nieuw bestand" in button.inner_text()

    # The notice goes after the bundling window: once by e-mail, once by SMS.
    window = timedelta(minutes=app.config["CHANGE_NOTICE_WINDOW_MINUTES"])
    for later in (window, window + timedelta(minutes=5)):
        with time_machine.travel(changed_at + later + timedelta(seconds=1), tick=False):
            dispatch_due()
            run_worker(queue)
    mails = [
        (envelope, message_from_bytes(envelope.content, policy=policy.default))
        for envelope in smtp.messages
    ]
    notices = [(e, m) for e, m in mails if "iets nieuws" in str(m["Subject"])]
    texts = [r for r in spryng.accepted() if "iets nieuws" in r["body"]]
    assert len(notices) == 1 and notices[0][0].rcpt_tos == ["jan@example.nl"]
    assert len(texts) == 1
    body = notices[0][1].get_body(preferencelist=("plain",))
    assert body is not None
    for sent in (str(notices[0][1]["Subject"]), body.get_content(), texts[0]["body"]):
        assert REASON not in sent and title not in sent
