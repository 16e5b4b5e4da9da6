"""Reminders in the staff dossier view: each reminder in plain words, and "send again" for a
failed one (through app.services.notifications.staff), with an access-log row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext, lazy_gettext, to_user_timezone

from app.dates import clock, long_date
from app.extensions import db
from app.models import Notification, StaffMember
from app.models.notification import FAILED, Channel, NotificationStatus, ReminderKind
from app.services.access_log import StaffDossier, record_access
from app.services.notifications.staff import CannotResend, reminders_for_dossier, resend

RESEND_ACTION = "resend_reminder"
# The access log knows its actions by name; this one belongs to the reminders work.

TEMPLATE_WORDS = {
    "appointment-day-before": lazy_gettext("Appointment reminder, the day before"),
    "appointment-soon": lazy_gettext("Appointment reminder, shortly before"),
    "document-due-soon": lazy_gettext("Reminder: a document is needed soon"),
    "document-due-today": lazy_gettext("Reminder: a document is needed today"),
    "document-overdue": lazy_gettext("Reminder: a document is late"),
    "change-notice": lazy_gettext("Message: something new in the dossier"),
    "confirm-email": lazy_gettext("Link to confirm the e-mail address"),
    "confirm-sms": lazy_gettext("Code to confirm the mobile number"),
}
KIND_WORDS = {
    ReminderKind.APPOINTMENT: lazy_gettext("Appointment reminder"),
    ReminderKind.DOCUMENT: lazy_gettext("Document reminder"),
    ReminderKind.CHANGE: lazy_gettext("Change notice"),
    ReminderKind.CONFIRM: lazy_gettext("Address confirmation"),
}
CHANNEL_WORDS = {
    Channel.EMAIL: lazy_gettext("E-mail"),
    Channel.SMS: lazy_gettext("SMS"),
    Channel.PUSH: lazy_gettext("Push notice"),
}
STATUS_WORDS = {
    NotificationStatus.PENDING: lazy_gettext("Planned"),
    NotificationStatus.CREATED: lazy_gettext("Planned"),
    NotificationStatus.SENDING: lazy_gettext("Sent"),
    NotificationStatus.SENT: lazy_gettext("Sent"),
    NotificationStatus.DELIVERED: lazy_gettext("Delivered"),
    NotificationStatus.TEMPORARY_FAILURE: lazy_gettext("Failed"),
    NotificationStatus.PERMANENT_FAILURE: lazy_gettext("Failed"),
    NotificationStatus.TECHNICAL_FAILURE: lazy_gettext("Failed"),
    NotificationStatus.CANCELLED: lazy_gettext("Cancelled, not sent"),
}
REASON_WORDS = {
    "opted-out": lazy_gettext("the resident does not want this reminder"),
    "no-address": lazy_gettext("no e-mail address or mobile number known"),
    "unconfirmed": lazy_gettext("the resident has not confirmed this address yet"),
    "expired": lazy_gettext("too late to send"),
    "rescheduled": lazy_gettext("the date changed"),
    "subject-cancelled": lazy_gettext("the appointment or request was cancelled"),
    "task-closed": lazy_gettext("the request is done"),
    "no-receipt": lazy_gettext("no confirmation of delivery came back"),
    "lease expired, attempts used up": lazy_gettext("sending failed several times"),
}


@dataclass(frozen=True)
class ReminderLine:
    id: str
    what: str
    title: str
    channel: str
    planned: str
    state: str  # planned / sent / delivered / failed / cancelled (for the CSS class)
    status: str
    reason: str
    can_resend: bool


def _state(status: NotificationStatus) -> str:
    if status in FAILED:
        return "failed"
    return {
        NotificationStatus.PENDING: "planned",
        NotificationStatus.CREATED: "planned",
        NotificationStatus.DELIVERED: "delivered",
        NotificationStatus.CANCELLED: "cancelled",
    }.get(status, "sent")


def reason_words(reason: str | None) -> str:
    """A known reason in plain words; a provider's own code as it came."""
    if not reason:
        return ""
    return str(REASON_WORDS.get(reason, reason))


def planned_words(moment: datetime, today: date) -> str:
    local = to_user_timezone(moment)
    return gettext("%(date)s at %(time)s", date=long_date(local.date(), today), time=clock(local))


def reminder_lines(sd: StaffDossier, today: date) -> list[ReminderLine]:
    lines = []
    for row in reminders_for_dossier(sd.dossier):
        failed = row.status in FAILED
        show_reason = failed or row.status is NotificationStatus.CANCELLED
        lines.append(
            ReminderLine(
                id=row.id,
                what=str(TEMPLATE_WORDS.get(row.template, KIND_WORDS[row.kind])),
                title=str((row.personalisation or {}).get("title", "")),
                channel=str(CHANNEL_WORDS[row.channel]),
                planned=planned_words(row.not_before, today),
                state=_state(row.status),
                status=str(STATUS_WORDS[row.status]),
                reason=reason_words(row.status_reason) if show_reason else "",
                can_resend=failed,
            )
        )
    return lines


def dossier_reminder(sd: StaffDossier, notification_id: str) -> Notification | None:
    """A reminder of this dossier's resident, or None."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.resident_id != sd.dossier.resident_id:
        return None
    return row


def resend_reminder(sd: StaffDossier, staff: StaffMember, row: Notification) -> Notification:
    """Plan the failed reminder again and log it, in one transaction. CannotResend otherwise."""
    copy = resend(row.id, staff)
    record_access(
        staff, sd.organisation, sd.dossier, RESEND_ACTION, "casework", f"notification {row.id}"
    )
    db.session.commit()
    return copy


__all__ = ["CannotResend", "dossier_reminder", "reminder_lines", "resend_reminder"]
