"""Real servers on loopback for the reminder tests: Redis (our own DB numbers, flushed before and
after), an aiosmtpd SMTP server whose replies a test can script, and a fake Spryng that speaks
Spryng's REST shape. Time is moved with time-machine; nothing sleeps to wait for time."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import select

from app.extensions import db
from app.models import Dossier, Notification, Organisation, Resident
from app.services.bsn import bsn_hash, encrypt_bsn
from tests.conftest import free_port
from tests.digid import resident_client  # noqa: F401 - the logged-in client fixture
from tests.moments import in_days, local

# Our Redis DBs. Several test runs may share this Redis (other checkouts, CI, the pytest-xdist
# workers of one run), and these tests flush their DB: each claims one DB with an owner key and
# leaves the others alone.
REDIS_DBS = tuple(range(8, 16))
OWNER_KEY = "mijn-overzicht:test-run-owner"


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    token = f"{socket.gethostname()}:{os.getpid()}"
    for number in REDIS_DBS:
        conn = Redis(host="127.0.0.1", port=6379, db=number)
        if conn.set(OWNER_KEY, token, nx=True, ex=3600):
            try:
                yield f"redis://127.0.0.1:6379/{number}"
            finally:
                if conn.get(OWNER_KEY) == token.encode():
                    conn.flushdb()
                conn.close()
            return
        conn.close()
    message = f"Redis DBs {REDIS_DBS} are all claimed by other test runs"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI runs every test or fails; it never skips one silently
    pytest.skip(message)


def flush_ours(conn: Redis) -> None:
    """FLUSHDB on our own DB, keeping our claim on it."""
    token = conn.get(OWNER_KEY)
    conn.flushdb()
    conn.set(OWNER_KEY, token or b"?", ex=3600)


@pytest.fixture
def redis_conn(app: Flask, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Redis]:
    conn = Redis.from_url(redis_url)
    flush_ours(conn)
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    yield conn
    flush_ours(conn)
    conn.close()


@pytest.fixture
def queue(app: Flask, redis_conn: Redis) -> Queue:
    return Queue(app.config["REMINDER_QUEUE"], connection=redis_conn, serializer=JSONSerializer)


def run_worker(queue: Queue) -> None:
    """Run every queued job in this process (no fork), then stop."""
    SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer).work(burst=True)


# --- SMTP ------------------------------------------------------------------------------------


@dataclass
class SmtpRecorder:
    """aiosmtpd handler. `rcpt_replies` / `data_replies` are consumed one per message; empty
    means '250 OK'. `rcpt_hook` / `on_data` / `after_accept` run (off the server's loop) at
    RCPT, at DATA, and after the message is kept (before the 250 reply)."""

    messages: list[Any] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    on_data: Any = None
    rcpt_hook: Any = None
    after_accept: Any = None
    data_calls: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.rcpt_hook is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.rcpt_hook)
        if self.rcpt_replies:
            reply = self.rcpt_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_calls += 1
        if self.on_data is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_data)
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        self.messages.append(envelope)
        if self.after_accept is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.after_accept)
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        from email import message_from_bytes

        return [str(message_from_bytes(m.content)["Message-ID"]) for m in self.messages]


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpRecorder]:
    handler = SmtpRecorder()
    port = free_port()  # Controller(port=0) cannot start: pick a free port first
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    yield handler
    controller.stop()


# --- fake Spryng ------------------------------------------------------------------------------


@dataclass
class FakeSpryng:
    """Speaks POST /v1/messages like Spryng. `replies` are (status, body, headers) per request."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    replies: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def accepted(self) -> list[dict[str, Any]]:
        return [r["json"] for r in self.requests if r["status"] < 300]


def _spryng_handler(fake: FakeSpryng) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/messages":
                status, reply, headers = 404, {"message": "not found"}, {}
            elif self.headers.get("Authorization") != "Bearer test-spryng-key":
                status, reply, headers = 401, {"message": "Unauthenticated."}, {}
            elif fake.replies:
                status, reply, headers = fake.replies.pop(0)
            else:
                status, headers = 200, {}
                reply = {
                    "id": f"spryng-{len(fake.requests) + 1}",
                    "encoding": body["encoding"],
                    "reference": body.get("reference"),
                    "body": body["body"],
                }
            fake.requests.append(
                {"json": body, "status": status, "auth": self.headers.get("Authorization")}
            )
            payload = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@pytest.fixture
def spryng(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpryng]:
    fake = FakeSpryng()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _spryng_handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1/messages"
    monkeypatch.setitem(app.config, "SPRYNG_URL", fake.url)
    yield fake
    server.shutdown()
    server.server_close()


# --- data -----------------------------------------------------------------------------------

_counter = iter(range(1, 10**6))


def make_resident(
    email: str = "jan@example.nl", phone: str = "+31612345678", language: str = "nl"
) -> Resident:
    n = next(_counter)
    resident = Resident(
        bsn_hash=bsn_hash(f"{n:09d}"),
        bsn_encrypted=encrypt_bsn(f"{n:09d}"),
        first_name="Jan",
        last_name="de Vries",
        email=email,
        phone=phone,
        language=language,
    )
    db.session.add(resident)
    db.session.flush()
    db.session.add(Dossier(resident_id=resident.id))
    db.session.flush()
    return resident


def make_org() -> Organisation:
    n = next(_counter)
    org = Organisation(slug=f"org-{n}", name="Gemeente Rijnstad", kind="gemeente")
    db.session.add(org)
    db.session.flush()
    return org


def dossier_of(resident: Resident) -> Dossier:
    dossier = db.session.scalar(select(Dossier).where(Dossier.resident_id == resident.id))
    assert dossier is not None
    return dossier


def rows(**filters: Any) -> list[Notification]:
    db.session.expire_all()
    stmt = select(Notification).order_by(Notification.not_before, Notification.channel)
    for name, value in filters.items():
        stmt = stmt.where(getattr(Notification, name) == value)
    return list(db.session.scalars(stmt))


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# The day these tests play on: two days from today, so every moment below is still ahead of the
# clock of a process that runs unfrozen. 10:00 in Amsterdam; the document is due 8 days later.
DAY = in_days(2)
NOW = local(DAY, 10)
DUE = in_days(8, DAY)


# An appointment at 14:00 local on NOW's day: its two-hours-before reminder is due at SEND.
APPOINTMENT_AT = local(DAY, 14)
SEND = local(DAY, 12)


def plan_due_reminder(channels: str = "email", **resident_kw: Any) -> Resident:
    """A resident who wants appointment reminders by `channels` (email / sms / both), with an
    appointment whose 'two hours before' reminder (one row per channel) is due at SEND."""
    import time_machine

    from app.services.notifications.planning import plan_appointment_reminders
    from app.services.notifications.preferences import CHOICES, save_contact_and_preferences

    with time_machine.travel(NOW, tick=False):
        resident = make_resident(**resident_kw)
        save_contact_and_preferences(
            resident,
            email=resident.email,
            phone_e164=resident.phone,
            appointment=CHOICES[channels],
            document=CHOICES[channels],
            quiet_start=time(21),
            quiet_end=time(8),
        )
        plan_appointment_reminders(
            7,
            resident_id=resident.id,
            starts_at=APPOINTMENT_AT,
            title="Gesprek over uw aanvraag",
            organisation="Gemeente",
        )
        db.session.commit()
    return resident


def sendable(channel: str) -> Notification:
    (row,) = rows(channel=channel, template="appointment-soon")
    return row
