"""Redis stopped or flushed: the database is the outbox, so nothing is lost or sent twice.
'Redis stopped' is REDIS_URL pointing at a closed loopback port (the shared server stays up)."""

from __future__ import annotations

import time
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
from app.extensions import db
from app.models import Resident
from app.models.notification import NotificationStatus as S
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.planning import plan_appointment_reminders
from tests.conftest import free_port
from tests.html import check_page
from tests.notifications.conftest import (
    SEND,
    SmtpRecorder,
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


def test_redis_stopped_while_a_resident_acts_then_the_reminder_goes_once(
    app: Flask,
    resident_client: FlaskClient,
    queue: Queue,
    smtp: SmtpRecorder,
) -> None:
    """Fault 1: with Redis gone the pages work and answer fast (no request touches Redis); the
    reminder planned in that request's transaction is sent exactly once after Redis is back."""
    resident = db.session.scalar(select(Resident).where(Resident.first_name == "Jan"))
    assert resident is not None
    starts = (clock.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    with no_redis_calls(app) as calls:
        started = time.perf_counter()
        page = resident_client.get("/account")
        assert page.status_code == 200
        token = check_page(page.data).select_one("input[name=csrf_token]")["value"]
        saved = resident_client.post(
            "/account",
            data={
                "csrf_token": token,
                "email": "jan@example.nl",
                "phone": "06 12345678",
                "appointment": "email",
                "document": "none",
                "quiet_start": "00:00",
                "quiet_end": "00:00",
            },
        )
        assert saved.status_code == 303
        # What the booking view does: plan in the request's transaction, then commit.
        with app.test_request_context("/appointments", method="POST"):
            plan_appointment_reminders(7, resident_id=resident.id, starts_at=starts)
            db.session.commit()
        assert resident_client.get("/").status_code == 200
        assert time.perf_counter() - started < 2.0  # redis-py alone retries ~3.6 s per call
    assert calls == []
    assert {r.status for r in rows(subject_type="appointment")} == {S.PENDING}
    with time_machine.travel(starts - timedelta(hours=2), tick=False):
        dispatch_due()
        run_worker(queue)
        dispatch_due()
        run_worker(queue)
    assert [m.rcpt_tos for m in smtp.messages] == [["jan@example.nl"]]
    (row,) = rows(subject_type="appointment", template="appointment-soon", channel="email")
    assert row.status is S.SENT


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
    redis_conn.flushdb()
    assert len(queue) == 0
    with time_machine.travel(SEND + timedelta(seconds=60), tick=False):
        assert dispatch_due().enqueued == 0  # still within the grace period
    with time_machine.travel(SEND + timedelta(seconds=301), tick=False):
        assert dispatch_due().enqueued == 1
        run_worker(queue)
        assert dispatch_due().enqueued == 0
        run_worker(queue)
    assert len(smtp.messages) == 1 and sendable("email").status is S.SENT
