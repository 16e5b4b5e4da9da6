"""Proving a new or changed address before anything else is sent there.

An e-mail address gets a signed link (valid CONFIRM_LINK_HOURS); a mobile number a six-digit
code by SMS (valid CONFIRM_CODE_MINUTES, CONFIRM_CODE_ATTEMPTS wrong tries, at most
CONFIRM_SENDS_PER_DAY codes a day). The link and the code go through the outbox like every
message (kind 'confirm', exempt from the check below); the dispatcher and the worker cancel any
other message to an address that is still waiting (reason 'unconfirmed').
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.models import Notification, Resident
from app.models.notification import (
    AddressConfirmation,
    Channel,
    NotificationStatus,
    ReminderKind,
    new_notification_id,
)
from app.services.notifications.templates import current_version

SALT = "mijn-overzicht.address.confirm"
LINK_PATH = "/account/bevestigen/"
CONFIRM_LINK_HOURS = 48
CONFIRM_CODE_MINUTES = 15
CONFIRM_CODE_ATTEMPTS = 5
CONFIRM_SENDS_PER_DAY = 5


class ConfirmationError(ValueError):
    """Refused, with a message code the page turns into words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # wrong / expired / too-many / none / rate-limited


def _serializer() -> URLSafeTimedSerializer:
    config = current_app.config
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=SALT)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def open_confirmation(resident_id: int, channel: Channel) -> AddressConfirmation | None:
    return db.session.scalar(
        select(AddressConfirmation).where(
            AddressConfirmation.resident_id == resident_id,
            AddressConfirmation.channel == channel,
            AddressConfirmation.confirmed_at.is_(None),
        )
    )


def waiting_addresses(resident_ids: Iterable[int]) -> set[tuple[int, str, str]]:
    """(resident id, channel, address) of every address still waiting for proof."""
    ids = sorted(set(resident_ids))
    if not ids:
        return set()
    rows = db.session.execute(
        select(
            AddressConfirmation.resident_id,
            AddressConfirmation.channel,
            AddressConfirmation.address,
        ).where(
            AddressConfirmation.resident_id.in_(ids), AddressConfirmation.confirmed_at.is_(None)
        )
    )
    return {(rid, str(channel), address) for rid, channel, address in rows}


def is_waiting(resident_id: int, channel: Channel, address: str) -> bool:
    return (resident_id, str(channel), address) in waiting_addresses([resident_id])


def _queue_message(
    resident_id: int, channel: Channel, row: AddressConfirmation, values: dict[str, str]
) -> None:
    now = clock.now()
    template = "confirm-email" if channel is Channel.EMAIL else "confirm-sms"
    db.session.add(
        Notification(
            id=new_notification_id(),
            dedupe_key=f"confirm:{row.id}:{row.sent_count}:{channel}",
            subject_type="confirmation",
            subject_id=str(row.id),
            resident_id=resident_id,
            kind=ReminderKind.CONFIRM,
            channel=channel,
            template=template,
            template_version=current_version(template),
            personalisation=values,
            not_before=now,
            expires_at=row.expires_at,
            status=NotificationStatus.PENDING,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
    )


def _send(resident: Resident, row: AddressConfirmation) -> None:
    now = clock.now()
    day_ago = now - timedelta(days=1)
    if (
        row.sent_at is not None
        and row.sent_at > day_ago
        and row.sent_count >= CONFIRM_SENDS_PER_DAY
    ):
        raise ConfirmationError("rate-limited")
    row.sent_count += 1
    row.sent_at = now
    row.attempts = 0
    db.session.flush()
    if row.channel is Channel.EMAIL:
        row.expires_at = now + timedelta(hours=CONFIRM_LINK_HOURS)
        token = _serializer().dumps({"i": row.id, "a": row.address})
        base = (current_app.config.get("PORTAL_URL") or "").rstrip("/")
        _queue_message(resident.id, row.channel, row, {"link": f"{base}{LINK_PATH}{token}"})
    else:
        code = f"{secrets.randbelow(10**6):06d}"
        row.code_hash = _hash(code)
        row.expires_at = now + timedelta(minutes=CONFIRM_CODE_MINUTES)
        _queue_message(resident.id, row.channel, row, {"code": code})


def address_changed(resident: Resident, channel: Channel, old: str, new: str) -> None:
    """Called when the resident saves a new address (the caller commits): the old proof request
    goes; a non-empty new address gets its link or code."""
    if old == new:
        return
    db.session.execute(
        delete(AddressConfirmation).where(
            AddressConfirmation.resident_id == resident.id,
            AddressConfirmation.channel == channel,
            AddressConfirmation.confirmed_at.is_(None),
        )
    )
    if not new:
        return
    row = AddressConfirmation(
        resident_id=resident.id, channel=channel, address=new, expires_at=clock.now()
    )
    db.session.add(row)
    db.session.flush()
    _send(resident, row)


def send_again(resident: Resident, channel: Channel) -> None:
    row = open_confirmation(resident.id, channel)
    if row is None:
        raise ConfirmationError("none")
    _send(resident, row)
    db.session.commit()


def confirm_link(token: str) -> AddressConfirmation:
    """The e-mail link: valid, not expired, and for the address the resident still has.
    Committed."""
    try:
        data = _serializer().loads(token, max_age=CONFIRM_LINK_HOURS * 3600)
    except BadData as exc:
        raise ConfirmationError("expired") from exc
    row = db.session.get(AddressConfirmation, int(data.get("i", 0)))
    resident = db.session.get(Resident, row.resident_id) if row is not None else None
    if (
        row is None
        or resident is None
        or row.address != data.get("a")
        or resident.email != row.address
    ):
        raise ConfirmationError("expired")
    if row.confirmed_at is None:
        row.confirmed_at = clock.now()
        db.session.commit()
    return row


def confirm_code(resident: Resident, code: str) -> None:
    """The SMS code typed on /account/sms-code. Committed, also after a wrong code (it counts)."""
    row = open_confirmation(resident.id, Channel.SMS)
    if row is None:
        raise ConfirmationError("none")
    if row.attempts >= CONFIRM_CODE_ATTEMPTS:
        raise ConfirmationError("too-many")
    if row.expires_at <= clock.now():
        raise ConfirmationError("expired")
    cleaned = "".join(ch for ch in code if ch.isdigit())
    if not hmac.compare_digest(_hash(cleaned), row.code_hash):
        row.attempts += 1
        db.session.commit()
        raise ConfirmationError("too-many" if row.attempts >= CONFIRM_CODE_ATTEMPTS else "wrong")
    row.confirmed_at = clock.now()
    db.session.commit()


@dataclass(frozen=True)
class Waiting:
    email: bool
    sms: bool


def waiting_for(resident: Resident) -> Waiting:
    found = waiting_addresses([resident.id])
    return Waiting(
        (resident.id, str(Channel.EMAIL), resident.email) in found,
        (resident.id, str(Channel.SMS), resident.phone) in found,
    )
