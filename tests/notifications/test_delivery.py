"""Dispatch and delivery against a real Redis, a real SMTP server and a fake Spryng on loopback.
Numbers refer to the fault cases of docs/design/reminders.md section 7."""

from __future__ import annotations

from datetime import time, timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from flask import Flask
from rq import Queue
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler

from app.extensions import db
from app.models import NotificationEvent
from app.models.notification import NotificationStatus as S
from app.services.notifications.dispatch import (
    JOB_OPTIONS,
    dispatch_due,
    enqueue_deliver,
    enqueue_many_deliver,
)
from app.services.notifications.preferences import CHOICES, save_contact_and_preferences
from tests.conftest import free_port
from tests.notifications.conftest import (
    SEND,
    FakeSpryng,
    SmtpRecorder,
    plan_due_reminder,
    run_worker,
    sendable,
)


def dispatch_and_work(queue: Queue, at=SEND):
    with time_machine.travel(at, tick=False):
        result = dispatch_due()
        run_worker(queue)
    return result


def test_an_email_reminder_is_sent_once_with_its_id_as_message_id(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    plan_due_reminder("email")
    result = dispatch_and_work(queue)
    assert result.created == 1 and result.enqueued == 1
    assert result.cancelled == {"opted-out": 1}  # the SMS row: this resident chose e-mail
    row = sendable("email")
    assert row.status is S.SENT and row.attempts == 1 and row.sent_at == SEND
    assert len(smtp.messages) == 1
    msg = message_from_bytes(smtp.messages[0].content, policy=policy.default)
    assert msg["Message-ID"] == f"<{row.id}@mijnoverzicht.example.nl>" == row.provider_reference
    assert msg["To"] == "jan@example.nl" and msg["Subject"].startswith("Herinnering")
    parts = {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}
    assert "Vandaag om 14.00 uur heeft u een afspraak met Gemeente." in parts["text/plain"]
    assert '<html lang="nl">' in parts["text/html"]
    events = db.session.scalars(
        db.select(NotificationEvent.to_status)
        .where(NotificationEvent.notification_id == row.id)
        .order_by(NotificationEvent.id)
    ).all()
    assert events == ["created", "sending", "sent"]
    # Nothing is due any more: a second run sends nothing.
    dispatch_and_work(queue)
    assert len(smtp.messages) == 1


def test_an_sms_goes_to_spryng_with_its_id_as_reference(
    app: Flask, queue: Queue, spryng: FakeSpryng
) -> None:
    plan_due_reminder("sms")
    dispatch_and_work(queue)
    row = sendable("sms")
    assert row.status is S.SENT and row.provider_reference == "spryng-1"
    (request,) = spryng.requests
    assert request["auth"] == "Bearer test-spryng-key"
    assert request["json"]["recipients"] == ["31612345678"]
    assert request["json"]["reference"] == row.id
    assert request["json"]["encoding"] == "plain" and request["json"]["route"] == "business"
    assert request["json"]["body"].startswith("Mijn Overzicht: vandaag om 14.00 uur")


def test_smtp_451_is_retried_after_the_backoff_through_rqs_scheduler(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    """Fault 6 (451) and 17: the retry is a scheduled job; drive RQ's scheduler explicitly."""
    plan_due_reminder("email")
    smtp.data_replies = ["451 4.3.0 Try again later"]
    dispatch_and_work(queue)
    row = sendable("email")
    assert row.status is S.CREATED and row.attempts == 1
    assert row.next_attempt_at == SEND + timedelta(seconds=60)
    assert row.status_reason.startswith("smtp 451")
    registry = ScheduledJobRegistry(queue=queue)
    assert registry.get_job_ids() == [f"deliver-{row.id}-1"]
    later = SEND + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        scheduler = RQScheduler([queue], connection=queue.connection)
        scheduler.acquire_locks()
        scheduler.enqueue_scheduled_jobs()
        scheduler.release_locks()
        run_worker(queue)
    row = sendable("email")
    assert row.status is S.SENT and row.attempts == 2
    assert len(smtp.messages) == 1 and smtp.data_calls == 2


def test_smtp_550_is_a_permanent_failure_and_never_retried(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    plan_due_reminder("email")
    smtp.rcpt_replies = ["550 5.1.1 No such user"]
    dispatch_and_work(queue)
    row = sendable("email")
    assert row.status is S.PERMANENT_FAILURE and row.status_reason.startswith("smtp 550")
    assert ScheduledJobRegistry(queue=queue).get_job_ids() == []
    dispatch_and_work(queue, at=SEND + timedelta(days=1))
    assert smtp.messages == [] and sendable("email").attempts == 1


def test_smtp_connection_refused_is_retried(
    app: Flask, queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nobody listens there
    plan_due_reminder("email")
    dispatch_and_work(queue)
    row = sendable("email")
    assert row.status is S.CREATED and "ConnectionRefusedError" in row.status_reason
    assert row.next_attempt_at == SEND + timedelta(seconds=60)


def test_a_slow_smtp_server_times_out_and_is_retried(
    app: Flask, queue: Queue, smtp: SmtpRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    release = threading.Event()
    smtp.on_data = lambda: release.wait(5)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 0.3)
    plan_due_reminder("email")
    try:
        dispatch_and_work(queue)
    finally:
        release.set()
    row = sendable("email")
    assert row.status is S.CREATED and "timed out" in row.status_reason.lower()


@pytest.mark.parametrize(
    ("reply", "status", "delay"),
    [
        ((503, {"message": "Service Unavailable"}, {}), S.CREATED, 60),
        ((500, {"message": "Server Error"}, {}), S.CREATED, 60),
        ((429, {"message": "Too Many Requests"}, {"Retry-After": "600"}), S.CREATED, 600),
        ((422, {"message": "The recipients.0 format is invalid."}, {}), S.PERMANENT_FAILURE, None),
        ((400, {"message": "Bad request"}, {}), S.PERMANENT_FAILURE, None),
    ],
)
def test_gateway_errors(app: Flask, queue: Queue, spryng: FakeSpryng, reply, status, delay) -> None:
    """Fault 7: 5xx and 429 retried (Retry-After honoured), 4xx invalid number permanent."""
    plan_due_reminder("sms")
    spryng.replies = [reply]
    dispatch_and_work(queue)
    row = sendable("sms")
    assert row.status is status and row.status_reason.startswith(f"spryng {reply[0]}")
    if delay is not None:
        assert row.next_attempt_at == SEND + timedelta(seconds=delay)
        dispatch_and_work(queue, at=SEND + timedelta(seconds=delay + 301))
        assert sendable("sms").status is S.SENT
    assert len(spryng.accepted()) == (1 if delay else 0)


def test_a_gateway_timeout_is_retried(app: Flask, queue: Queue, monkeypatch) -> None:
    import socket

    listener = socket.socket()  # accepts the connection, never answers
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    monkeypatch.setitem(
        app.config, "SPRYNG_URL", f"http://127.0.0.1:{listener.getsockname()[1]}/v1/messages"
    )
    monkeypatch.setitem(app.config, "SPRYNG_TIMEOUT", 0.3)
    plan_due_reminder("sms")
    try:
        dispatch_and_work(queue)
    finally:
        listener.close()
    row = sendable("sms")
    assert row.status is S.CREATED and "Timeout" in row.status_reason


def test_after_the_last_attempt_it_is_a_technical_failure(
    app: Flask, queue: Queue, smtp: SmtpRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault 12: retries used up -> technical-failure, nothing more is queued."""
    monkeypatch.setitem(app.config, "REMINDER_MAX_ATTEMPTS", 3)
    plan_due_reminder("email")
    smtp.data_replies = ["451 busy"] * 3
    for minutes in (0, 10, 20):  # no scheduler runs: the dispatcher re-queues the retries
        dispatch_and_work(queue, at=SEND + timedelta(minutes=minutes))
    row = sendable("email")
    assert row.status is S.TECHNICAL_FAILURE and row.attempts == 3
    assert smtp.messages == [] and smtp.data_calls == 3
    assert ScheduledJobRegistry(queue=queue).get_job_ids() == []


def test_the_same_job_enqueued_twice_sends_once(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    """Fault 8: the same job id (refused by RQ), another job id, and the same id again after
    the first job's result expired: the claim lets one of them send."""
    plan_due_reminder("email")
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        nid = sendable("email").id
        assert enqueue_deliver(queue, nid, 0)  # DuplicateJobError handled: still queued
        assert len(queue) == 1
        queue.enqueue("jobs.reminders.deliver", nid, job_id=f"deliver-{nid}-other")
        run_worker(queue)
        queue.connection.delete(f"rq:job:deliver-{nid}-0")  # as if result_ttl expired
        queue.enqueue("jobs.reminders.deliver", nid, job_id=f"deliver-{nid}-0", unique=True)
        run_worker(queue)
    assert len(smtp.messages) == 1 and sendable("email").attempts == 1


def test_a_batch_enqueue_puts_each_attempt_on_the_queue_once(app: Flask, queue: Queue) -> None:
    """The batch path (RQ's public enqueue_many after one pipelined EXISTS): new attempts are
    queued with the job options; an attempt whose job still waits is left alone; an attempt
    whose job already ran is queued again (its row is still `created`, so it was not sent)."""
    waiting, finished = enqueue_deliver(queue, "n-waiting", 0), "n-finished"
    assert waiting
    queue.enqueue("os.getpid", job_id=f"deliver-{finished}-2")
    run_worker(queue)  # runs both: now one finished job, nothing waits
    enqueue_deliver(queue, "n-waiting", 0)
    assert queue.job_ids == ["deliver-n-waiting-0"]

    enqueue_many_deliver(queue, [("n-new", 0), ("n-waiting", 0), (finished, 2), ("n-new", 1)])

    assert sorted(queue.job_ids) == sorted(
        ["deliver-n-waiting-0", "deliver-n-new-0", f"deliver-{finished}-2", "deliver-n-new-1"]
    )
    job = queue.fetch_job("deliver-n-new-0")
    assert job is not None and job.func_name == "jobs.reminders.deliver" and job.args == ["n-new"]
    assert (job.timeout, job.result_ttl, job.failure_ttl) == (
        JOB_OPTIONS["job_timeout"],
        JOB_OPTIONS["result_ttl"],
        JOB_OPTIONS["failure_ttl"],
    )
    rerun = queue.fetch_job(f"deliver-{finished}-2")
    assert rerun is not None and rerun.func_name == "jobs.reminders.deliver"


def test_quiet_hours_hold_a_reminder_until_morning(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    """Fault 14 at dispatch: due inside quiet hours -> held until they end."""
    resident = plan_due_reminder("email")
    with time_machine.travel(SEND - timedelta(hours=2), tick=False):
        save_contact_and_preferences(
            resident,
            email=resident.email,
            phone_e164=resident.phone,
            appointment=CHOICES["email"],
            document=CHOICES["email"],
            quiet_start=time(11),
            quiet_end=time(13),
        )
        db.session.commit()
    result = dispatch_and_work(queue)  # 12:00 local: quiet until 13:00
    assert result.deferred == 1
    row = sendable("email")
    assert row.status is S.PENDING and row.not_before == SEND + timedelta(hours=1)
    assert smtp.messages == []
    dispatch_and_work(queue, at=SEND + timedelta(hours=1))
    assert sendable("email").status is S.SENT and len(smtp.messages) == 1


def test_quiet_hours_past_the_appointment_cancel_the_reminder(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    """Fault 14: when quiet hours end after expires_at (the appointment), it is cancelled."""
    resident = plan_due_reminder("email")
    with time_machine.travel(SEND - timedelta(hours=2), tick=False):
        save_contact_and_preferences(
            resident,
            email=resident.email,
            phone_e164=resident.phone,
            appointment=CHOICES["email"],
            document=CHOICES["email"],
            quiet_start=time(11),
            quiet_end=time(18),
        )
        db.session.commit()
    dispatch_and_work(queue)
    row = sendable("email")
    assert (row.status, row.status_reason) == (S.CANCELLED, "expired")
    assert smtp.messages == []


def test_no_reminder_once_the_document_was_sent_and_again_after_a_rejection(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    """The document arrived (the task is with the organisation): its due reminder is cancelled
    at dispatch. Rejected (back with the resident): planning again brings the reminders back."""
    from app.models import Holder, TaskKind
    from app.services.notifications.planning import plan_document_reminders
    from app.services.tasks import add_task
    from app.services.timeline import Actor
    from tests.notifications.conftest import DUE, NOW, dossier_of, make_org, make_resident, rows

    with time_machine.travel(NOW, tick=False):
        resident = make_resident(phone="")
        org = make_org()
        task = add_task(
            dossier_of(resident),
            kind=TaskKind.DOCUMENT,
            holder=Holder.RESIDENT,
            organisation=org,
            title="Loonstrook sturen",
            actor=Actor.system(org),
            due_date=DUE,
        )
        db.session.commit()
        task.holder = Holder.ORGANISATION  # what the documents service does on upload
        db.session.commit()
    # The first one due (the morning after the request); the rejection comes a minute later.
    soon = rows(template="document-due-soon", channel="email")[0]
    with time_machine.travel(soon.not_before + timedelta(minutes=1), tick=False):
        result = dispatch_due()
        run_worker(queue)
        assert result.cancelled["not-waiting-for-resident"] == 2 and smtp.messages == []
        task.holder = Holder.RESIDENT  # rejected: the resident has to send it again
        plan_document_reminders(task)
        db.session.commit()
    today = rows(template="document-due-today", channel="email", status=S.PENDING)
    assert len(today) == 1
    dispatch_and_work(queue, at=today[0].not_before)
    assert len(smtp.messages) == 1
