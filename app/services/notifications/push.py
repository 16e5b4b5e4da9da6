"""Web Push: the third channel beside e-mail and SMS (issue 17), through the same outbox.

One notification row with channel 'push' goes to every device on which the resident turned
notices on (app.models.PushSubscription). pywebpush encrypts the message to each browser's keys
(RFC 8291, aes128gcm) and signs the request with our VAPID key (RFC 8292); the browser's push
service (its subscription endpoint) passes it on. The message says only that something is
waiting and which page to open, never what it is about: a lock screen shows it to anyone.

Push service answers: 201 accepted; 404/410 the subscription is gone (we delete it); anything
else, or no answer, is retried like SMS. The row counts as sent when at least one device's
service accepted it; when no device is left it ends as permanent-failure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from app.extensions import db
from app.models import PushSubscription
from app.services.notifications.errors import PermanentFailure, TransientFailure
from app.services.notifications.outbox import CHUNK

GONE = {404, 410}
# What a push row's to_address says: its devices are in push_subscription.
PUSH_ADDRESS = "web push"
# A reminder that waited a day at the push service (phone off) is still worth showing.
TTL_SECONDS = 24 * 3600
TEXTS = {
    "nl": "Er staat iets voor u klaar in Mijn Overzicht. Tik hier om het te zien.",
    "en": "Something is waiting for you in Mijn Overzicht. Tap here to see it.",
}
TITLE = "Mijn Overzicht"
# The page a notice opens, by what the reminder is about.
PAGES = {"appointment": "/afspraken", "task": "/"}


@dataclass(frozen=True)
class PushSettings:
    private_key: str
    subject: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PushSettings:
        return cls(
            private_key=str(config["VAPID_PRIVATE_KEY"]),
            subject=str(config["VAPID_SUBJECT"]),
            timeout=float(config["PUSH_TIMEOUT"]),
        )


def new_vapid_keys() -> tuple[str, str]:
    """(public, private), base64url: the public key as browsers take it (applicationServerKey,
    an uncompressed P-256 point), the private key as its raw 32 bytes."""
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid01, b64urlencode

    vapid = Vapid01()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        encoding=serialization.Encoding.X962,
        format=serialization.PublicFormat.UncompressedPoint,
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


def has_devices(resident_id: int) -> bool:
    return (
        db.session.scalar(
            select(PushSubscription.id).where(PushSubscription.resident_id == resident_id).limit(1)
        )
        is not None
    )


def residents_with_devices(resident_ids: set[int]) -> set[int]:
    """Which of these residents have at least one device with push on."""
    ids = sorted(resident_ids)
    found: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        found.update(
            db.session.scalars(
                select(PushSubscription.resident_id)
                .where(PushSubscription.resident_id.in_(ids[start : start + CHUNK]))
                .distinct()
            )
        )
    return found


def subscriptions_of(resident_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.resident_id == resident_id)
        .order_by(PushSubscription.id)
    )
    return [row.info() for row in rows]


def message(lang: str, subject_type: str) -> str:
    body = TEXTS.get(lang, TEXTS["nl"])
    page = PAGES.get(subject_type, "/")
    return json.dumps({"title": TITLE, "body": body, "lang": lang, "url": page})


def send_push(subscriptions: Sequence[Mapping[str, Any]], data: str, settings: PushSettings) -> str:
    """Send to every device; return how many accepted ('2 devices'). Deletes gone devices in
    the current session (the caller commits). Raises TransientFailure / PermanentFailure."""
    # pywebpush (with aiohttp and requests, about 15 MB) loads in the worker that sends, not in
    # every web worker: no page needs it (issue #20).
    import requests
    from pywebpush import WebPushException, webpush

    if not settings.private_key:
        raise TransientFailure("vapid key not configured")
    accepted, gone, trouble = 0, [], ""
    for info in subscriptions:
        try:
            webpush(
                dict(info),
                data,
                vapid_private_key=settings.private_key,
                vapid_claims={"sub": settings.subject},  # a new dict: pywebpush adds to it
                timeout=settings.timeout,
                ttl=TTL_SECONDS,
            )
            accepted += 1
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in GONE:
                gone.append(str(info["endpoint"]))
            else:
                trouble = f"push {status}"
        except requests.RequestException as exc:
            trouble = f"push {type(exc).__name__}"
    if gone:
        db.session.execute(delete(PushSubscription).where(PushSubscription.endpoint.in_(gone)))
    if accepted:
        return f"{accepted} device(s)"
    if trouble:
        raise TransientFailure(trouble)
    raise PermanentFailure("push subscription gone")
