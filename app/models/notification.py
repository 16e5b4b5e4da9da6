"""The reminder outbox: one row per (reminder occurrence, channel), its audit trail, and the
resident's reminder choices. The database is the source of truth; Redis only carries job ids.

Status machine (GOV.UK Notify names where they exist):
pending (planned) -> created (due, handed to RQ) -> sending (claimed by a worker, lease set)
-> sent (provider accepted) -> delivered | temporary-failure | permanent-failure (receipt);
technical-failure (retries used up); cancelled (opted out, subject gone, expired).
Every change is a conditional UPDATE in app.services.notifications, never a blind write.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, Time, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow
from app.models.types import UTCDateTime, string_enum


class NotificationStatus(enum.StrEnum):
    PENDING = "pending"
    CREATED = "created"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    TEMPORARY_FAILURE = "temporary-failure"
    PERMANENT_FAILURE = "permanent-failure"
    TECHNICAL_FAILURE = "technical-failure"
    CANCELLED = "cancelled"


# Nothing moves a row out of these, except a delivery receipt that corrects our own
# "no receipt within 72 hours" guess (see app.services.notifications.receipts).
TERMINAL = frozenset(
    {
        NotificationStatus.DELIVERED,
        NotificationStatus.TEMPORARY_FAILURE,
        NotificationStatus.PERMANENT_FAILURE,
        NotificationStatus.TECHNICAL_FAILURE,
        NotificationStatus.CANCELLED,
    }
)
FAILED = frozenset(
    {
        NotificationStatus.TEMPORARY_FAILURE,
        NotificationStatus.PERMANENT_FAILURE,
        NotificationStatus.TECHNICAL_FAILURE,
    }
)
# Not sent yet and still wanted: what planning may move or cancel.
UNSENT = (NotificationStatus.PENDING, NotificationStatus.CREATED)


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    # Web Push to every device the resident turned notices on for (issue 17).
    PUSH = "push"


class ReminderKind(enum.StrEnum):
    """What a reminder is about; residents choose channels per kind."""

    APPOINTMENT = "appointment"
    DOCUMENT = "document"
    # A change notice: something changed in the dossier (app.services.notifications.changes).
    CHANGE = "change"
    # The link or code that proves a new address (app.services.notifications.confirmation).
    CONFIRM = "confirm"


def new_notification_id() -> str:
    return str(uuid.uuid4())


class Notification(db.Model):  # type: ignore[name-defined]
    """One reminder to one address. The id is the SMTP Message-ID and the SMS gateway reference."""

    __tablename__ = "notification"
    __table_args__ = (
        # Unique among live rows: planning twice is a no-op, but a reminder cancelled because the
        # appointment moved does not block planning it again when it moves back.
        Index(
            "uq_notification_live_dedupe_key",
            "dedupe_key",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
        Index("ix_notification_status_not_before", "status", "not_before"),
        Index("ix_notification_status_lease", "status", "lease_until"),
        Index("ix_notification_subject", "subject_type", "subject_id"),
        Index("ix_notification_resident", "resident_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_notification_id)
    # 'task:77:document-due-3d:2026-12-04:sms': the idempotency key of planning.
    dedupe_key: Mapped[str] = mapped_column(String(200))
    # What the reminder is about: ('task', '77') or ('appointment', '12').
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(40))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    # appointment / document (the resident's channel choice is per kind).
    kind: Mapped[ReminderKind] = mapped_column(string_enum(ReminderKind, "reminder_kind"))
    channel: Mapped[Channel] = mapped_column(string_enum(Channel, "notification_channel"))
    # Template key and version, pinned when planned (a later template change does not apply).
    template: Mapped[str] = mapped_column(String(60))
    template_version: Mapped[int] = mapped_column(Integer)
    # Values the template needs (title, organisation, date); never amounts.
    personalisation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The address used at the last attempt (filled when a worker claims the row).
    to_address: Mapped[str | None] = mapped_column(String(254), default=None)
    # Not sent before this moment (moved forward by quiet hours).
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    # Never sent at or after this moment (e.g. the appointment's start).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    status: Mapped[NotificationStatus] = mapped_column(
        string_enum(NotificationStatus, "notification_status"), default=NotificationStatus.PENDING
    )
    # Why it ended as it did: opted-out, expired, rescheduled, a provider code, ...
    status_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    # Provider calls started (a claim counts as an attempt).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Retry backoff, kept here rather than in Redis.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # A claim ends here; the lease sweeper takes rows back from killed workers.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # smtp / spryng, and the provider's id for the message.
    provider: Mapped[str | None] = mapped_column(String(20), default=None)
    provider_reference: Mapped[str | None] = mapped_column(String(200), default=None)
    # The failed notification this one resends (staff "send again").
    resend_of: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the last deliver job was put on the queue (None: not on a queue yet).
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.dedupe_key} {self.status}>"


class NotificationEvent(db.Model):  # type: ignore[name-defined]
    """Append-only audit trail of a notification's status changes and receipts."""

    __tablename__ = "notification_event"
    __table_args__ = (Index("ix_notification_event_notification", "notification_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[str] = mapped_column(ForeignKey("notification.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(20), default=None)
    to_status: Mapped[str | None] = mapped_column(String(20), default=None)
    # Provider codes, reasons, who asked for a resend, an ignored receipt, ...
    detail: Mapped[str] = mapped_column(Text, default="")


class ReminderPreference(db.Model):  # type: ignore[name-defined]
    """A resident's reminder choices. No row means the defaults (every channel with an address,
    quiet hours from the config)."""

    __tablename__ = "reminder_preference"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True
    )
    # Comma-separated channels ('email,sms', 'sms', ''), per kind of reminder.
    appointment_channels: Mapped[str] = mapped_column(String(20), default="email,sms")
    document_channels: Mapped[str] = mapped_column(String(20), default="email,sms")
    # Change notices ("er staat iets nieuws voor u"); same form as the reminder kinds.
    change_channels: Mapped[str] = mapped_column(
        String(20), default="email,sms", server_default="email,sms"
    )
    # Local (Europe/Amsterdam) times; the window may wrap midnight; end is exclusive.
    quiet_start: Mapped[time | None] = mapped_column(Time, default=None)
    quiet_end: Mapped[time | None] = mapped_column(Time, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def channels_for(self, kind: ReminderKind) -> frozenset[Channel]:
        if kind is ReminderKind.APPOINTMENT:
            raw = self.appointment_channels
        elif kind is ReminderKind.CHANGE:
            raw = self.change_channels
        else:
            raw = self.document_channels
        return frozenset(Channel(c) for c in raw.split(",") if c)


class AddressConfirmation(db.Model):  # type: ignore[name-defined]
    """A new or changed address the resident has not proved yet. While a row for the current
    address is open (confirmed_at NULL), nothing but the confirmation itself is sent there.
    Addresses without a row (from before, or set by staff) count as proved."""

    __tablename__ = "address_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[Channel] = mapped_column(string_enum(Channel, "confirmation_channel"))
    address: Mapped[str] = mapped_column(String(254))
    # SMS: SHA-256 of the six-digit code sent last; e-mail: empty (the link is signed).
    code_hash: Mapped[str] = mapped_column(String(64), default="")
    # Wrong codes typed for the current code.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Codes or links sent for this address (rate limit).
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The current code or link stops working here.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
