"""A resident's contact details and reminder choices: reading, validating, saving."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

import phonenumbers
from flask import current_app
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Dossier, Notification, ReminderPreference, Resident
from app.models.notification import UNSENT, Channel, NotificationStatus, ReminderKind
from app.services.notifications.confirmation import address_changed
from app.services.notifications.outbox import transition
from app.services.notifications.push import PUSH_ADDRESS, has_devices
from app.services.notifications.quiet_hours import parse_hhmm
from app.services.timeline import Actor, record_event

# Deliberately loose (the SMTP server is the judge); catches typos like a missing @ or dot.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")

CHOICES: dict[str, frozenset[Channel]] = {
    "both": frozenset({Channel.EMAIL, Channel.SMS}),
    "email": frozenset({Channel.EMAIL}),
    "sms": frozenset({Channel.SMS}),
    "none": frozenset(),
}


class InvalidPhone(ValueError):
    """The number is not a phone number, or not a mobile one."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # 'invalid' or 'not-mobile'


def normalise_mobile(raw: str, region: str = "NL") -> str:
    """'06-12 34 56 78', '+31 6 12345678', '0031612345678' -> '+31612345678' (E.164)."""
    cleaned = raw.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, region)
    except NumberParseException as exc:
        raise InvalidPhone("invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("invalid")
    if phonenumbers.number_type(number) not in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone("not-mobile")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_valid_email(value: str) -> bool:
    return bool(EMAIL_RE.match(value)) and len(value) <= 254


def choice_name(channels: frozenset[Channel]) -> str:
    for name, value in CHOICES.items():
        if value == channels:
            return name
    return "none"


@dataclass(frozen=True)
class Preferences:
    """What applies to one resident now (the stored row or the defaults)."""

    appointment: frozenset[Channel]
    document: frozenset[Channel]
    quiet_start: time
    quiet_end: time
    # Change notices ('er staat iets nieuws voor u').
    change: frozenset[Channel] = CHOICES["both"]

    def channels_for(self, kind: ReminderKind) -> frozenset[Channel]:
        if kind is ReminderKind.CHANGE:
            return self.change
        if kind is ReminderKind.CONFIRM:
            return frozenset(Channel)  # the proof of an address the resident just gave
        return self.appointment if kind is ReminderKind.APPOINTMENT else self.document

    def allows(self, kind: ReminderKind, channel: Channel) -> bool:
        """Push (issue 17) is chosen per device, by subscribing; it follows the choice for the
        kind only as far as 'none': no reminders of a kind means no notices of it either."""
        if channel is Channel.PUSH:
            return bool(self.channels_for(kind))
        return channel in self.channels_for(kind)


def default_quiet_hours() -> tuple[time, time]:
    config = current_app.config
    return parse_hhmm(config["REMINDER_QUIET_START"]), parse_hhmm(config["REMINDER_QUIET_END"])


def preferences_from_row(row: ReminderPreference | None) -> Preferences:
    start, end = default_quiet_hours()
    if row is None:
        return Preferences(CHOICES["both"], CHOICES["both"], start, end)
    return Preferences(
        row.channels_for(ReminderKind.APPOINTMENT),
        row.channels_for(ReminderKind.DOCUMENT),
        row.quiet_start if row.quiet_start is not None else start,
        row.quiet_end if row.quiet_end is not None else end,
        row.channels_for(ReminderKind.CHANGE),
    )


def preferences_for(resident_id: int) -> Preferences:
    return preferences_from_row(db.session.get(ReminderPreference, resident_id))


def address_for(resident: Resident, channel: Channel) -> str:
    if channel is Channel.PUSH:
        return PUSH_ADDRESS if has_devices(resident.id) else ""
    return resident.email if channel is Channel.EMAIL else resident.phone


def save_contact_and_preferences(
    resident: Resident,
    *,
    email: str,
    phone_e164: str,
    appointment: frozenset[Channel],
    document: frozenset[Channel],
    quiet_start: time,
    quiet_end: time,
    change: frozenset[Channel] | None = None,
) -> None:
    """Store validated values (the form validates), committed. Planned reminders pick them up at
    dispatch: a channel switched off after planning makes those reminders end as 'cancelled'. A
    new address gets its confirmation link or code (app.services.notifications.confirmation)."""
    old_email, old_phone = resident.email, resident.phone
    resident.email = email
    resident.phone = phone_e164
    address_changed(resident, Channel.EMAIL, old_email, email)
    address_changed(resident, Channel.SMS, old_phone, phone_e164)
    row = db.session.get(ReminderPreference, resident.id)
    if row is None:
        row = ReminderPreference(resident_id=resident.id)
        db.session.add(row)
    row.appointment_channels = ",".join(sorted(appointment))
    row.document_channels = ",".join(sorted(document))
    if change is not None:
        row.change_channels = ",".join(sorted(change))
    row.quiet_start = quiet_start
    row.quiet_end = quiet_end
    row.updated_at = clock.now()
    db.session.commit()


def email_reminders_on(resident_id: int) -> bool:
    """True while any kind of reminder may still come by e-mail."""
    prefs = preferences_for(resident_id)
    return any(
        Channel.EMAIL in prefs.channels_for(kind)
        for kind in ReminderKind
        if kind is not ReminderKind.CONFIRM
    )


@dataclass(frozen=True)
class StopOutcome:
    # False: e-mail was already off for every kind of reminder (nothing changed, no event).
    changed: bool
    # Planned e-mails that will not be sent now.
    cancelled: int


def stop_email_reminders(resident: Resident) -> StopOutcome:
    """The resident used the stop link in a reminder e-mail: no more reminder e-mails, for any
    kind of reminder. SMS stays as chosen. Unsent e-mail rows are cancelled now (the dispatcher
    would also skip them, but the staff view should not show them as still to come). Records a
    timeline event when something changed. Safe to call twice. Committed."""
    db.session.flush()
    row = db.session.get(ReminderPreference, resident.id)
    before = preferences_from_row(row)
    changed = any(
        Channel.EMAIL in before.channels_for(kind)
        for kind in ReminderKind
        if kind is not ReminderKind.CONFIRM
    )
    if changed:
        if row is None:
            # No row meant the defaults; keep the default quiet hours (None) and SMS.
            row = ReminderPreference(resident_id=resident.id)
            db.session.add(row)
        row.appointment_channels = ",".join(sorted(before.appointment - {Channel.EMAIL}))
        row.document_channels = ",".join(sorted(before.document - {Channel.EMAIL}))
        row.change_channels = ",".join(sorted(before.change - {Channel.EMAIL}))
        row.updated_at = clock.now()
        dossier = db.session.scalar(select(Dossier).where(Dossier.resident_id == resident.id))
        if dossier is not None:
            record_event(dossier, "email_reminders_off", Actor.resident())
    unsent = list(
        db.session.scalars(
            select(Notification.id).where(
                Notification.resident_id == resident.id,
                Notification.channel == Channel.EMAIL,
                Notification.status.in_(UNSENT),
            )
        )
    )
    cancelled = transition(
        unsent,
        UNSENT,
        NotificationStatus.CANCELLED,
        status_reason="opted-out",
        detail="opted-out: stop link in an e-mail",
    )
    db.session.commit()
    return StopOutcome(changed, len(cancelled))
