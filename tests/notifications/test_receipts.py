"""Delivery receipts (fault 11), the 72-hour no-receipt sweeper (fault 13), the lease sweeper's
last attempt, opt-out after planning (fault 15) and staff's resend."""

from __future__ import annotations

from base64 import b64encode
from datetime import time, timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue

from app.extensions import db
from app.models import Dossier, NotificationEvent, StaffMember
from app.models.notification import NotificationStatus as S
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.outbox import transition
from app.services.notifications.preferences import CHOICES, save_contact_and_preferences
from app.services.notifications.staff import CannotResend, reminders_for_dossier, resend
from app.services.notifications.sweepers import sweep_leases, sweep_no_receipt
from tests.notifications.conftest import (
    SEND,
    FakeSpryng,
    SmtpRecorder,
    plan_due_reminder,
    rows,
    run_worker,
    sendable,
)

AUTH = {"Authorization": "Basic " + b64encode(b"spryng:test-receipt-secret").decode()}


@pytest.fixture
def sent_sms(app: Flask, queue: Queue, spryng: FakeSpryng) -> str:
    plan_due_reminder("sms")
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        run_worker(queue)
    row = sendable("sms")
    assert row.status is S.SENT
    return row.id


def receipt(
    client: FlaskClient,
    reference: str,
    status: str,
    reason: str = "0",
    headers: dict[str, str] | None = None,
):  # type: ignore[no-untyped-def]
    return client.get(
        "/receipts/spryng",
        headers=AUTH if headers is None else headers,
        query_string={"STATUS": status, "REASONCODE": reason, "REFERENCE": reference},
    )


def test_the_receipt_endpoint_needs_the_shared_secret(
    app: Flask, client: FlaskClient, sent_sms: str
) -> None:
    assert receipt(client, sent_sms, "10", headers={}).status_code == 401
    wrong = {"Authorization": "Basic " + b64encode(b"spryng:nope").decode()}
    assert receipt(client, sent_sms, "10", headers=wrong).status_code == 401
    assert sendable("sms").status is S.SENT


def test_delivered_then_duplicate_then_out_of_order_failure(
    app: Flask, client: FlaskClient, sent_sms: str
) -> None:
    with time_machine.travel(SEND + timedelta(minutes=1), tick=False):
        assert receipt(client, sent_sms, "10").status_code == 200
    row = sendable("sms")
    assert row.status is S.DELIVERED and row.delivered_at == SEND + timedelta(minutes=1)
    assert receipt(client, sent_sms, "10").status_code == 200  # duplicate
    assert receipt(client, sent_sms, "20", "21").status_code == 200  # late 'failed'
    row = sendable("sms")
    assert row.status is S.DELIVERED
    details = db.session.scalars(
        db.select(NotificationEvent.detail).where(NotificationEvent.notification_id == sent_sms)
    ).all()
    assert sum("receipt ignored" in d for d in details) == 2


def test_failure_receipts_map_to_permanent_or_temporary(
    app: Flask, client: FlaskClient, sent_sms: str
) -> None:
    assert receipt(client, sent_sms, "20", "21").status_code == 200
    row = sendable("sms")
    assert row.status is S.PERMANENT_FAILURE and "REASONCODE=21" in row.status_reason


def test_a_general_delivery_failure_is_temporary(
    app: Flask, client: FlaskClient, sent_sms: str
) -> None:
    receipt(client, sent_sms, "20", "22")
    assert sendable("sms").status is S.TEMPORARY_FAILURE


def test_unknown_reference_and_unknown_status(
    app: Flask, client: FlaskClient, sent_sms: str
) -> None:
    assert receipt(client, "00000000-0000-0000-0000-000000000000", "10").status_code == 200
    assert receipt(client, sent_sms, "99").status_code == 200
    assert sendable("sms").status is S.SENT
    assert client.get("/receipts/spryng", headers=AUTH).status_code == 400


def test_no_receipt_within_72_hours_is_a_temporary_failure(
    app: Flask, client: FlaskClient, sent_sms: str
) -> None:
    """Fault 13, and a late receipt still tells the truth afterwards."""
    with time_machine.travel(SEND + timedelta(hours=71), tick=False):
        assert sweep_no_receipt() == 0
    with time_machine.travel(SEND + timedelta(hours=72), tick=False):
        assert sweep_no_receipt() == 1
    row = sendable("sms")
    assert (row.status, row.status_reason) == (S.TEMPORARY_FAILURE, "no-receipt")
    receipt(client, sent_sms, "10")
    assert sendable("sms").status is S.DELIVERED


def test_e_mail_has_no_receipts_and_stays_sent(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    plan_due_reminder("email")
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        run_worker(queue)
    with time_machine.travel(SEND + timedelta(days=4), tick=False):
        assert sweep_no_receipt() == 0
    assert sendable("email").status is S.SENT


def test_a_lease_running_out_on_the_last_attempt_is_a_technical_failure(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REMINDER_MAX_ATTEMPTS", 1)
    plan_due_reminder("email")
    nid = sendable("email").id
    with time_machine.travel(SEND, tick=False):
        transition(
            [nid], [S.PENDING], S.SENDING, attempts=1, lease_until=SEND + timedelta(minutes=5)
        )
        db.session.commit()
    with time_machine.travel(SEND + timedelta(minutes=6), tick=False):
        assert sweep_leases() == {"requeued": 0, "technical-failure": 1}
    assert sendable("email").status is S.TECHNICAL_FAILURE


def test_opting_out_after_planning_cancels_and_never_sends(
    app: Flask, queue: Queue, smtp: SmtpRecorder, spryng: FakeSpryng
) -> None:
    """Fault 15: at dispatch (planned before the opt-out), and between dispatch and delivery."""
    resident = plan_due_reminder("both")

    def choose(choice: str) -> None:
        save_contact_and_preferences(
            resident,
            email=resident.email,
            phone_e164=resident.phone,
            appointment=CHOICES[choice],
            document=CHOICES[choice],
            quiet_start=time(21),
            quiet_end=time(8),
        )
        db.session.commit()

    choose("sms")  # e-mail switched off before the reminder is due
    with time_machine.travel(SEND, tick=False):
        result = dispatch_due()
        assert result.cancelled == {"opted-out": 1} and result.created == 1
        choose("none")  # SMS switched off after dispatch, before the worker ran
        run_worker(queue)
    assert {
        (r.channel.value, r.status, r.status_reason) for r in rows(template="appointment-soon")
    } == {("email", S.CANCELLED, "opted-out"), ("sms", S.CANCELLED, "opted-out")}
    assert smtp.messages == [] and spryng.requests == []


def test_staff_see_each_reminder_and_can_resend_a_failed_one(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    resident_id = plan_due_reminder("email").id
    smtp.rcpt_replies = ["550 5.1.1 mailbox unavailable"]
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        run_worker(queue)
    failed = sendable("email")
    assert failed.status is S.PERMANENT_FAILURE
    failed_id = failed.id
    dossier = db.session.scalar(db.select(Dossier).where(Dossier.resident_id == resident_id))
    listed = reminders_for_dossier(dossier)
    assert {(r.template, r.channel.value, r.status) for r in listed} >= {
        ("appointment-soon", "email", S.PERMANENT_FAILURE),
        ("appointment-soon", "sms", S.CANCELLED),
    }
    staff = StaffMember(name="P. Jansen", email="p.jansen@example.nl")
    db.session.add(staff)
    db.session.flush()
    with pytest.raises(CannotResend):
        resend(sendable("sms").id, staff)  # cancelled, not failed
    with time_machine.travel(SEND + timedelta(minutes=10), tick=False):
        resend(failed_id, staff)
        db.session.commit()
        dispatch_due()
        run_worker(queue)
    again = next(r for r in rows() if r.resend_of == failed_id)
    assert again.status is S.SENT and again.id != failed_id
    assert sendable_status(failed_id) is S.PERMANENT_FAILURE
    assert len(smtp.messages) == 1


def sendable_status(nid: str) -> S:
    return next(r.status for r in rows() if r.id == nid)
