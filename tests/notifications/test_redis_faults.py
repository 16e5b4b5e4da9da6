"""Redis stopped or flushed: the database is the outbox, so nothing is lost or sent twice.
'Redis stopped' is REDIS_URL pointing at a closed loopback port (the shared server stays up)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue
from sqlalchemy import select

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Notification
from app.models.notification import NotificationStatus as S
from app.services.accounts import resident_for_bsn
from app.services.appointments import free_slots
from app.services.notifications.dispatch import dispatch_due
from tests.conftest import free_port
from tests.html import check_page
from tests.login import log_in
from tests.notifications.conftest import (
    SEND,
    SmtpRecorder,
    flush_ours,
    plan_due_reminder,
    rows,
    run_worker,
    sendable,
)


@contextmanager
def no_redis_calls(app: Flask) -> Iterator[list[str]]:
    """Redis 'stopped' (a closed port), and a tripwire on every Redis connection attempt."""
    calls: list[str] = []

    def refuse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("connect")
        raise AssertionError("a web request talked to Redis")

    real_url = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    try:
        with mock.patch("redis.connection.AbstractConnection.connect", refuse):
            yield calls
    finally:
        app.config["REDIS_URL"] = real_url  # Redis is back


def _csrf(client: FlaskClient, url: str) -> str:
    soup = check_page(client.get(url).data)
    return str(soup.select_one("main form input[name=csrf_token]")["value"])


def test_redis_stopped_while_a_resident_books_then_the_reminder_goes_once(
    app: Flask,
    client: FlaskClient,
    seeded: None,
    live_server: str,
    queue: Queue,
    smtp: SmtpRecorder,
) -> None:
    """Fault 1: with Redis gone a resident saves an e-mail address and books an appointment
    through the real pages: every page answers at once (no request touches Redis) and the
    reminders are planned in the booking's transaction. Once Redis is back, the dispatcher
    sends the day-before reminder exactly once."""
    kees = DEMO_RESIDENTS[2]
    log_in(client, kees.bsn)
    resident = resident_for_bsn(kees.bsn)
    assert resident is not None and resident.dossier is not None
    slot = next(
        s for s in free_slots(resident.dossier) if s.starts_at > clock.now() + timedelta(days=2)
    )
    slot_id, resident_id = slot.id, resident.id
    with no_redis_calls(app) as calls:
        saved = client.post(
            "/account",
            data={
                "csrf_token": _csrf(client, "/account"),
                "email": "kees@example.nl",
                "phone": "",
                "appointment": "email",
                "document": "email",
                "quiet_start": "21:00",
                "quiet_end": "08:00",
            },
        )
        assert saved.status_code == 303
        # The resident proves the new address with the link in the e-mail (issue 15): until
        # then nothing else would be sent there.
        link = (
            db.session.scalars(select(Notification).where(Notification.template == "confirm-email"))
            .one()
            .personalisation["link"]
        )
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        done = client.post(path, data={"csrf_token": _csrf(client, path)})
        assert "bevestigd" in done.get_data(as_text=True)
        booked = client.post(
            "/afspraken/maken",
            data={
                "csrf_token": _csrf(client, "/afspraken/maken"),
                "slot": str(slot_id),
                "topic": "money",
                "note": "",
            },
        )
        assert booked.status_code == 303
        assert client.get("/afspraken").status_code == 200
    assert calls == []
    planned = rows(subject_type="appointment", resident_id=resident_id)
    assert {(r.template, r.channel.value, r.status) for r in planned} == {
        (t, c, S.PENDING)
        for t in ("appointment-day-before", "appointment-soon")
        for c in ("email", "sms")
    }
    (day_before,) = rows(
        resident_id=resident_id, template="appointment-day-before", channel="email"
    )
    with time_machine.travel(day_before.not_before, tick=False):
        dispatch_due()
        run_worker(queue)
        dispatch_due()
        run_worker(queue)
    # The reminder, once. (The confirmation link went too, at most once: made in quiet hours,
    # as on New Year's Eve at 23:30, it waits for their end and may have expired by then.)
    reminders = [m for m in smtp.messages if b"Bevestig uw e-mailadres" not in m.content]
    assert [m.rcpt_tos for m in reminders] == [["kees@example.nl"]]
    assert len(smtp.messages) - len(reminders) <= 1
    (day_before,) = rows(
        resident_id=resident_id, template="appointment-day-before", channel="email"
    )
    assert day_before.status is S.SENT
    (sms,) = rows(resident_id=resident_id, template="appointment-day-before", channel="sms")
    assert (sms.status, sms.status_reason) == (S.CANCELLED, "opted-out")


def test_redis_down_during_dispatch_the_rows_wait_and_go_once(
    app: Flask,
    queue: Queue,
    smtp: SmtpRecorder,
    redis_conn: Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fault 2: enqueue fails -> the row stays `created`; the next run enqueues it; one send."""
    plan_due_reminder("email")
    real_url = app.config["REDIS_URL"]
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    with time_machine.travel(SEND, tick=False):
        result = dispatch_due()
    assert result.created == 1 and result.enqueue_failed == 1 and result.enqueued == 0
    row = sendable("email")
    assert row.status is S.CREATED and row.queued_at is None
    monkeypatch.setitem(app.config, "REDIS_URL", real_url)
    with time_machine.travel(SEND + timedelta(seconds=30), tick=False):
        result = dispatch_due()
        assert result.enqueued == 1
        run_worker(queue)
        assert dispatch_due().enqueued == 0
    assert len(smtp.messages) == 1 and sendable("email").status is S.SENT


def test_redis_flushed_with_reminders_pending_they_are_still_sent_once(
    app: Flask, queue: Queue, smtp: SmtpRecorder, redis_conn: Redis
) -> None:
    """Fault 3: FLUSHDB (our DB only) after the jobs were queued: the dispatcher puts them on
    the queue again once REMINDER_REQUEUE_SECONDS have passed; one send each."""
    plan_due_reminder("email")
    with time_machine.travel(SEND, tick=False):
        assert dispatch_due().enqueued == 1
    flush_ours(redis_conn)  # FLUSHDB, our DB only
    assert len(queue) == 0
    with time_machine.travel(SEND + timedelta(seconds=60), tick=False):
        assert dispatch_due().enqueued == 0  # still within the grace period
    with time_machine.travel(SEND + timedelta(seconds=301), tick=False):
        assert dispatch_due().enqueued == 1
        run_worker(queue)
        assert dispatch_due().enqueued == 0
        run_worker(queue)
    assert len(smtp.messages) == 1 and sendable("email").status is S.SENT
