"""Web Push as the third channel (issue 17), through the same outbox as e-mail and SMS.

A loopback fake push service (what a browser's subscription endpoint points at) receives the
real request pywebpush makes; the test decrypts the body with the keys the browser would hold
(http-ece, aes128gcm) and reads the text. 404/410 removes the subscription; other errors retry.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler
from sqlalchemy import select

from app.extensions import db
from app.models import PushSubscription, Resident
from app.models.notification import NotificationStatus as S
from app.services import push_devices
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.planning import plan_appointment_reminders
from app.services.notifications.preferences import CHOICES, save_contact_and_preferences
from app.services.notifications.push import new_vapid_keys
from tests.conftest import free_port
from tests.html import check_page, text_of
from tests.login import log_in
from tests.notifications.conftest import (
    APPOINTMENT_AT,
    SEND,
    SmtpRecorder,
    plan_due_reminder,
    rows,
    run_worker,
    sendable,
)
from tests.staff.conftest import csrf


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Device:
    """What a browser holds for one subscription: its key pair and auth secret."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def read(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return dict(json.loads(plain))


@dataclass
class FakePushService:
    url: str
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    # path -> HTTP status to answer (default 201 Created, as push services do)
    answers: dict[str, int] = field(default_factory=dict)

    def device(self, name: str) -> Device:
        return Device(f"{self.url}/push/{name}")


@pytest.fixture
def push_service(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePushService]:
    public, private = new_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY", private)
    monkeypatch.setitem(app.config, "PUSH_TIMEOUT", 2.0)
    port = free_port()
    fake = FakePushService(f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            fake.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(fake.answers.get(self.path, 201))
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield fake
    server.shutdown()
    server.server_close()


def subscribe(resident: Resident, device: Device) -> None:
    push_devices.turn_on(resident, device.endpoint, device.p256dh, b64url(device.auth))
    db.session.commit()


def dispatch_and_work(queue: Queue, at=SEND):  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        result = dispatch_due()
        run_worker(queue)
    return result


def devices_of(resident_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(PushSubscription.endpoint).where(PushSubscription.resident_id == resident_id)
        )
    )


def test_push_goes_encrypted_to_every_device_and_says_only_that_something_waits(
    app: Flask, queue: Queue, smtp: SmtpRecorder, push_service: FakePushService
) -> None:
    resident = plan_due_reminder("email")
    phone, laptop = push_service.device("phone"), push_service.device("laptop")
    subscribe(resident, phone)
    subscribe(resident, laptop)
    dispatch_and_work(queue)
    row = sendable("push")
    assert row.status is S.SENT and row.provider == "webpush"
    assert row.provider_reference == "2 device(s)"
    assert sendable("email").status is S.SENT  # the same reminder still goes by e-mail
    by_path = {path: (headers, body) for path, headers, body in push_service.received}
    assert set(by_path) == {"/push/phone", "/push/laptop"}
    headers, body = by_path["/push/phone"]
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    assert int(headers["ttl"]) > 0
    assert b"afspraak" not in body.lower() and b"Gemeente" not in body  # encrypted
    for device, (_, sent) in ((phone, by_path["/push/phone"]), (laptop, by_path["/push/laptop"])):
        notice = device.read(sent)
        assert notice == {
            "title": "Mijn Overzicht",
            "body": "Er staat iets voor u klaar in Mijn Overzicht. Tik hier om het te zien.",
            "lang": "nl",
            "url": "/afspraken",
        }


def test_a_resident_with_a_device_gets_push_planned_with_the_rest(
    app: Flask, push_service: FakePushService
) -> None:
    resident = plan_due_reminder("email")
    subscribe(resident, push_service.device("phone"))
    with time_machine.travel(SEND - timedelta(hours=3), tick=False):
        plan_appointment_reminders(  # the appointment moves an hour later
            7,
            resident_id=resident.id,
            starts_at=APPOINTMENT_AT + timedelta(hours=1),
            title="Gesprek over uw aanvraag",
            organisation="Gemeente",
        )
        db.session.commit()
    live = [r for r in rows(channel="push") if r.status is S.PENDING]
    assert [r.not_before for r in live] == [SEND + timedelta(hours=1)]


def test_410_removes_that_subscription_and_a_404_too(
    app: Flask, queue: Queue, smtp: SmtpRecorder, push_service: FakePushService
) -> None:
    resident = plan_due_reminder("email")
    resident_id = resident.id
    gone, kept = push_service.device("gone"), push_service.device("kept")
    subscribe(resident, gone)
    subscribe(resident, kept)
    push_service.answers["/push/gone"] = 410
    dispatch_and_work(queue)
    assert sendable("push").status is S.SENT
    assert devices_of(resident_id) == [kept.endpoint]


def test_no_device_left_is_a_permanent_failure(
    app: Flask, queue: Queue, smtp: SmtpRecorder, push_service: FakePushService
) -> None:
    resident = plan_due_reminder("email")
    resident_id = resident.id
    only = push_service.device("only")
    subscribe(resident, only)
    push_service.answers["/push/only"] = 404
    dispatch_and_work(queue)
    row = sendable("push")
    assert row.status is S.PERMANENT_FAILURE and row.status_reason == "push subscription gone"
    assert devices_of(resident_id) == []


def test_other_errors_retry_like_sms(
    app: Flask, queue: Queue, smtp: SmtpRecorder, push_service: FakePushService
) -> None:
    resident = plan_due_reminder("email")
    resident_id = resident.id
    device = push_service.device("busy")
    subscribe(resident, device)
    push_service.answers["/push/busy"] = 503
    dispatch_and_work(queue)
    row = sendable("push")
    assert row.status is S.CREATED and row.status_reason == "push 503"
    assert row.next_attempt_at == SEND + timedelta(seconds=60)
    assert devices_of(resident_id) == [device.endpoint]  # kept: it may work next time
    registry = ScheduledJobRegistry(queue=queue)
    assert f"deliver-{row.id}-1" in registry.get_job_ids()
    push_service.answers.clear()
    with time_machine.travel(SEND + timedelta(seconds=61), tick=False):
        scheduler = RQScheduler([queue], connection=queue.connection)
        scheduler.acquire_locks()
        scheduler.enqueue_scheduled_jobs()
        scheduler.release_locks()
        run_worker(queue)
    assert sendable("push").status is S.SENT and sendable("push").attempts == 2
    assert len(push_service.received) == 2


def test_no_device_means_no_push_row_and_a_device_gone_later_none_sent(
    app: Flask, queue: Queue, smtp: SmtpRecorder, push_service: FakePushService
) -> None:
    resident = plan_due_reminder("email")
    assert rows(channel="push") == []
    device = push_service.device("phone")
    subscribe(resident, device)  # plans push for what was already planned
    assert [r.template for r in rows(channel="push")] == ["appointment-soon"]
    push_devices.turn_off(resident, device.endpoint)
    db.session.commit()
    result = dispatch_and_work(queue)
    row = sendable("push")
    assert row.status is S.CANCELLED and row.status_reason == "no-address"
    assert result.cancelled["no-address"] == 1
    assert push_service.received == []


def test_quiet_hours_and_opt_out_hold_push_too(
    app: Flask, queue: Queue, smtp: SmtpRecorder, push_service: FakePushService
) -> None:
    resident = plan_due_reminder("email")
    subscribe(resident, push_service.device("phone"))
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
    dispatch_and_work(queue)  # 12:00 local: quiet until 13:00
    row = sendable("push")
    assert row.status is S.PENDING and row.not_before == SEND + timedelta(hours=1)
    assert push_service.received == []
    # Now no appointment reminders at all: no push either.
    with time_machine.travel(SEND, tick=False):
        save_contact_and_preferences(
            resident,
            email=resident.email,
            phone_e164=resident.phone,
            appointment=CHOICES["none"],
            document=CHOICES["email"],
            quiet_start=time(11),
            quiet_end=time(13),
        )
        db.session.commit()
    dispatch_and_work(queue, at=SEND + timedelta(hours=1))
    row = sendable("push")
    assert row.status is S.CANCELLED and row.status_reason == "opted-out"
    assert push_service.received == []


# --- /account: turning notices on and off for this device -------------------------------------


def test_account_offers_notices_only_with_js_and_keys(
    app: Flask, client: FlaskClient, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(client, "999993653")
    soup = check_page(client.get("/account").data)
    assert soup.select_one("[data-push]") is None  # no VAPID keys: not offered
    public, _ = new_vapid_keys()
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    soup = check_page(client.get("/account").data)
    box = soup.select_one("section[data-push]")
    assert box["data-key"] == public
    # Without JS only the explanation shows; the buttons are hidden until device.js runs.
    assert "JavaScript staat uit" in text_of(box.select_one("[data-push-none]"))
    assert box.select_one("[data-push-none]").get("hidden") is None
    assert box.select_one("button[data-push-on]").has_attr("hidden")


def test_subscription_is_stored_and_removed_with_a_timeline_event(
    app: Flask, client: FlaskClient, seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", new_vapid_keys()[0])
    log_in(client, "999993653")
    token = csrf(client, "/account")
    device = Device("https://push.example.net/send/abc")
    body = {
        "endpoint": device.endpoint,
        "keys": {"p256dh": device.p256dh, "auth": b64url(device.auth)},
    }
    on = client.post("/account/toestel/meldingen", json=body, headers={"X-CSRFToken": token})
    assert on.status_code == 201
    assert db.session.scalar(select(PushSubscription.endpoint)) == device.endpoint
    timeline = text_of(check_page(client.get("/tijdlijn").data))
    assert "U heeft meldingen aangezet op een toestel" in timeline
    off = client.post(
        "/account/toestel/meldingen/uit",
        json={"endpoint": device.endpoint},
        headers={"X-CSRFToken": token},
    )
    assert off.status_code == 200 and off.json == {"ok": True}
    db.session.expire_all()
    assert db.session.scalar(select(PushSubscription.endpoint)) is None


@pytest.mark.parametrize(
    "endpoint",
    ["http://127.0.0.1:6379/", "file:///etc/passwd", "https:///nohost", "x" * 10],
)
def test_only_https_push_services_are_accepted(
    app: Flask, client: FlaskClient, seeded: None, monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", new_vapid_keys()[0])
    log_in(client, "999993653")
    token = csrf(client, "/account")
    body = {"endpoint": endpoint, "keys": {"p256dh": "a", "auth": "b"}}
    response = client.post("/account/toestel/meldingen", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert db.session.scalar(select(PushSubscription.endpoint)) is None


def test_vapid_keys_command_prints_a_usable_pair(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["vapid-keys"])
    assert result.exit_code == 0
    lines = dict(line.split("=", 1) for line in result.output.split())
    public = base64.urlsafe_b64decode(lines["VAPID_PUBLIC_KEY"] + "==")
    private = base64.urlsafe_b64decode(lines["VAPID_PRIVATE_KEY"] + "==")
    assert len(public) == 65 and public[0] == 4 and len(private) == 32
