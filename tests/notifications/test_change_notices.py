"""Change notices (issue 15 part 2): through the reminder outbox, bundled, at most one a day,
held through quiet hours, per-channel opt-out, and discreet: against a real Redis, a real SMTP
server (aiosmtpd) and the fake Spryng on loopback."""

from __future__ import annotations

import io
from datetime import time, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Holder, Notification, ReminderPreference, StaffMember, TaskKind
from app.models.notification import Channel, NotificationStatus, ReminderKind
from app.services.accounts import resident_for_bsn
from app.services.documents import checklist, review_document, submit_documents
from app.services.notifications.changes import Change, notify_change
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.preferences import CHOICES, save_contact_and_preferences
from app.services.storage import LocalStorage
from app.services.tasks import add_task
from app.services.timeline import Actor
from app.services.uploads import check_file
from tests import files
from tests.html import check_page, text_of
from tests.login import log_in
from tests.moments import in_days, local
from tests.notifications.conftest import (
    DAY,
    NOW,
    FakeSpryng,
    SmtpRecorder,
    dossier_of,
    make_org,
    make_resident,
    run_worker,
)

ORG = "Gemeente Rijnstad"
WINDOW = timedelta(minutes=10)

# Channels of a resident without a push device (push: tests/notifications/test_push.py).
NO_DEVICE = (Channel.EMAIL, Channel.SMS)


def notices(**filters: Any) -> list[Notification]:
    db.session.expire_all()
    stmt = select(Notification).where(Notification.kind == ReminderKind.CHANGE)
    for name, value in filters.items():
        stmt = stmt.where(getattr(Notification, name) == value)
    return list(db.session.scalars(stmt.order_by(Notification.not_before, Notification.channel)))


def dispatch_and_work(queue: Queue, at) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        dispatch_due()
        run_worker(queue)


def mails(smtp: SmtpRecorder) -> list[tuple[str, str]]:
    """(subject, text part) of every e-mail the SMTP server accepted."""
    found = []
    for envelope in smtp.messages:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        text = next(p.get_content() for p in msg.walk() if p.get_content_type() == "text/plain")
        found.append((str(msg["Subject"]).strip(), text))
    return found


def change(resident_id: int, what: Change, at, org: str = ORG) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        notify_change(resident_id, what, org)
        db.session.commit()


def test_a_change_plans_one_notice_per_channel_after_the_window(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        resident_id = make_resident().id
        db.session.commit()
    change(resident_id, Change.DOCUMENT_APPROVED, NOW)
    planned = notices()
    assert {r.channel for r in planned} == set(NO_DEVICE)
    for row in planned:
        assert row.status is NotificationStatus.PENDING
        assert row.not_before == NOW + WINDOW
        assert row.personalisation == {"changes": ["document-approved"], "organisations": [ORG]}
        assert row.template == "change-notice" and row.dedupe_key.startswith("changes:")


def test_the_window_is_configurable(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "CHANGE_NOTICE_WINDOW_MINUTES", 30)
    with time_machine.travel(NOW, tick=False):
        resident_id = make_resident().id
        db.session.commit()
    change(resident_id, Change.NEW_REQUEST, NOW)
    assert {r.not_before for r in notices()} == {NOW + timedelta(minutes=30)}


def test_changes_within_the_window_go_out_as_one_message_that_lists_them(
    app: Flask, queue: Queue, smtp: SmtpRecorder, spryng: FakeSpryng
) -> None:
    with time_machine.travel(NOW, tick=False):
        resident_id = make_resident().id
        db.session.commit()
    change(resident_id, Change.DOCUMENT_REJECTED, NOW)
    change(
        resident_id, Change.QUESTION_ANSWERED, NOW + timedelta(minutes=3), "Schuldhulp Rijnstreek"
    )
    change(resident_id, Change.DOCUMENT_REJECTED, NOW + timedelta(minutes=4))  # the same kind again
    assert len(notices()) == len(NO_DEVICE)
    dispatch_and_work(queue, NOW + WINDOW)
    ((subject, text),) = mails(smtp)
    assert subject == "Gemeente Rijnstad en anderen: er staat iets nieuws voor u in Mijn Overzicht"
    assert "Een document dat u stuurde is niet goedgekeurd." in text
    assert "Uw vraag is beantwoord." in text
    assert text.count("niet goedgekeurd") == 1
    (sms,) = spryng.accepted()
    assert sms["body"].startswith(
        "Gemeente Rijnstad en anderen: er staat iets nieuws voor u in Mijn Overzicht. Kijk op "
    )
    # Sent once: another dispatch later sends nothing more.
    dispatch_and_work(queue, NOW + 2 * WINDOW)
    assert len(smtp.messages) == 1 and len(spryng.accepted()) == 1


def test_at_most_one_a_day_per_channel_unless_urgent(
    app: Flask, queue: Queue, smtp: SmtpRecorder, spryng: FakeSpryng
) -> None:
    with time_machine.travel(NOW, tick=False):
        resident_id = make_resident().id
        db.session.commit()
    change(resident_id, Change.DOCUMENT_APPROVED, NOW)
    dispatch_and_work(queue, NOW + WINDOW)
    assert len(smtp.messages) == 1
    later = NOW + timedelta(hours=2)
    change(resident_id, Change.QUESTION_ANSWERED, later)
    waiting = notices(status=NotificationStatus.PENDING)
    assert len(waiting) == len(NO_DEVICE)
    assert {r.not_before for r in waiting} == {local(in_days(1, DAY), 9)}
    dispatch_and_work(queue, later + WINDOW)
    assert len(smtp.messages) == 1, "the day's notice went already"
    # An appointment cancelled by staff does not wait for tomorrow; it takes the waiting news.
    change(resident_id, Change.APPOINTMENT_CANCELLED, later + timedelta(minutes=20))
    waiting = notices(status=NotificationStatus.PENDING)
    assert {r.not_before for r in waiting} == {later + timedelta(minutes=20) + WINDOW}
    assert waiting[0].personalisation["changes"] == ["question-answered", "appointment-cancelled"]
    dispatch_and_work(queue, later + timedelta(minutes=20) + WINDOW)
    assert len(smtp.messages) == 2 and len(spryng.accepted()) == 2
    # The next day the limit starts again.
    change(resident_id, Change.NEW_REQUEST, local(in_days(1, DAY), 11))
    assert {r.not_before for r in notices(status=NotificationStatus.PENDING)} == {
        local(in_days(1, DAY), 11) + WINDOW
    }


def test_nothing_in_quiet_hours_queued_to_their_end(
    app: Flask, queue: Queue, smtp: SmtpRecorder, spryng: FakeSpryng
) -> None:
    late = local(DAY, 22, 30)
    with time_machine.travel(late, tick=False):
        resident_id = make_resident().id
        db.session.commit()
    change(resident_id, Change.APPOINTMENT_BOOKED, late)
    dispatch_and_work(queue, late + WINDOW)
    assert smtp.messages == [] and spryng.accepted() == []
    morning = local(in_days(1, DAY), 8)
    assert {r.not_before for r in notices()} == {morning}
    dispatch_and_work(queue, morning)
    assert len(smtp.messages) == 1 and len(spryng.accepted()) == 1


def test_opting_out_of_a_channel_for_change_notices(
    app: Flask, queue: Queue, smtp: SmtpRecorder, spryng: FakeSpryng
) -> None:
    with time_machine.travel(NOW, tick=False):
        resident = make_resident()
        save_contact_and_preferences(
            resident,
            email=resident.email,
            phone_e164=resident.phone,
            appointment=CHOICES["both"],
            document=CHOICES["both"],
            quiet_start=time(21),
            quiet_end=time(8),
            change=CHOICES["sms"],
        )
        resident_id = resident.id
        db.session.commit()
    change(resident_id, Change.MESSAGE, NOW)
    dispatch_and_work(queue, NOW + WINDOW)
    assert smtp.messages == [] and len(spryng.accepted()) == 1
    (email,) = notices(channel=Channel.EMAIL)
    assert email.status is NotificationStatus.CANCELLED and email.status_reason == "opted-out"


def test_a_new_request_at_night_gets_its_first_reminder_the_next_morning(app: Flask) -> None:
    night = local(DAY, 23)
    with time_machine.travel(night, tick=False):
        resident = make_resident()
        org = make_org()
        for due in (in_days(2, DAY), in_days(1, DAY)):
            add_task(
                dossier_of(resident),
                kind=TaskKind.DOCUMENT,
                holder=Holder.RESIDENT,
                organisation=org,
                title="Loonstrook sturen",
                actor=Actor.system(org),
                due_date=due,
            )
        db.session.commit()
    db.session.expire_all()
    first = {
        r.personalisation["due"]: r.not_before
        for r in db.session.scalars(
            select(Notification).where(Notification.dedupe_key.contains(":document-first:"))
        )
    }
    # Due in two days: the next morning at 09:00, not 09:00 on the due day.
    assert first[in_days(2, DAY).isoformat()] == local(in_days(1, DAY), 9)
    # Due within a day: now (the dispatcher holds it until the quiet hours end).
    assert first[in_days(1, DAY).isoformat()] == night


def test_staff_rejecting_a_document_sends_a_discreet_notice(  # type: ignore[no-untyped-def]
    app: Flask, seeded: None, queue: Queue, smtp: SmtpRecorder, spryng: FakeSpryng, tmp_path: Path
) -> None:
    resident = resident_for_bsn(DEMO_RESIDENTS[0].bsn)
    assert resident is not None and resident.dossier is not None
    resident.email, resident.phone = "jan@example.nl", "+31612345678"
    db.session.commit()
    staff = db.session.scalar(select(StaffMember).where(StaffMember.name == "M. Bakker"))
    assert staff is not None
    task = next(i for i in checklist(resident.dossier) if i.state == "needed").task
    title, organisation = task.title, task.organisation.name
    reason = "Het bedrag van EUR 1.234,56 is niet leesbaar."
    checked, problem = check_file(FileStorage(io.BytesIO(files.png()), filename="loonstrook.png"))
    assert checked is not None, problem
    with time_machine.travel(NOW, tick=False), app.test_request_context():
        (doc,) = submit_documents(
            resident.dossier, task, [checked], LocalStorage(tmp_path), actor=Actor.resident()
        )
        review_document(doc, approve=False, staff=staff, reason=reason)
    dispatch_and_work(queue, NOW + WINDOW)
    # Jan's planned reminders may be due too: the change notice is the one that says so.
    ((subject, text),) = [m for m in mails(smtp) if "iets nieuws" in m[0]]
    (sms,) = [s for s in spryng.accepted() if "iets nieuws" in s["body"]]
    assert subject == f"{organisation}: er staat iets nieuws voor u in Mijn Overzicht"
    assert sms["body"].startswith(f"{organisation}: er staat iets nieuws voor u in Mijn Overzicht")
    assert "Een document dat u stuurde is niet goedgekeurd." in text
    for leaving in (subject, text, sms["body"]):
        for secret in (
            title,
            reason,
            "1.234,56",
            "EUR 1",
            "€",
            "loonstrook",
            DEMO_RESIDENTS[0].bsn,
        ):
            assert secret.lower() not in leaving.lower(), (secret, leaving)


def test_account_page_offers_the_change_notice_choice(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    resident_id = log_in(client, DEMO_RESIDENTS[0].bsn).id
    soup = check_page(client.get("/account").data)
    fieldset = soup.select_one("input[name=changes]").find_parent("fieldset")
    assert "Berichten als er iets verandert in uw dossier" in text_of(fieldset.legend)
    assert fieldset["aria-describedby"] == "changes-hint"
    assert soup.select_one("input[name=changes][value=both]").has_attr("checked")
    data = {
        "csrf_token": soup.select_one("input[name=csrf_token]")["value"],
        "email": "jan@example.nl",
        "phone": "06-12345678",
        "appointment": "both",
        "document": "both",
        "changes": "email",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
    }
    assert client.post("/account", data=data).status_code == 303
    db.session.expire_all()
    row = db.session.get(ReminderPreference, resident_id)
    assert row is not None and row.change_channels == "email"
    again = check_page(client.get("/account").data)
    assert again.select_one("input[name=changes][value=email]").has_attr("checked")
