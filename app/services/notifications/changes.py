"""Change notices: 'er staat iets nieuws voor u', through the same outbox as the reminders.

Called by the services that make the change, in their transaction (no commit, no Redis), like
the reminder planner. Per channel the resident has one open notice at a time: a change joins the
`pending` notice of that channel if there is one, else it starts a new one that waits
CHANGE_NOTICE_WINDOW_MINUTES for more changes (bundling). A resident gets at most one such notice
per channel per day: after one went out today, the next waits for tomorrow morning, unless a
change is urgent (an appointment moved or cancelled). Quiet hours, the resident's choice of
channels (kind 'change') and the address are checked by the dispatcher and the worker, as for
reminders; retries and receipts are theirs too.

What a notice stores is the kinds of change and the organisations' names, never a title, an
amount or a document name: the texts (texts.py, 'change-notice') only say that something is
waiting, and the e-mail which kinds of thing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, update

from app import clock
from app.clock import AMSTERDAM
from app.extensions import db
from app.models import Notification, NotificationEvent
from app.models.notification import (
    UNSENT,
    Channel,
    NotificationStatus,
    ReminderKind,
    new_notification_id,
)
from app.services.notifications.outbox import CHUNK
from app.services.notifications.push import residents_with_devices
from app.services.notifications.templates import current_version

TEMPLATE = "change-notice"
SUBJECT_TYPE = "changes"
# The day's notice already went: the next one comes the next morning at this local time.
NEXT_DAY_SEND_TIME = time(9, 0)
# A notice nobody could send within a week is stale: the resident has seen the portal by then.
VALID_FOR = timedelta(days=7)
# Statuses that mean "a notice went out (or is going out) on this channel".
GONE = (
    NotificationStatus.CREATED,
    NotificationStatus.SENDING,
    NotificationStatus.SENT,
    NotificationStatus.DELIVERED,
)


class Change(StrEnum):
    DOCUMENT_APPROVED = "document-approved"
    DOCUMENT_REJECTED = "document-rejected"
    QUESTION_ANSWERED = "question-answered"
    NEW_REQUEST = "new-request"
    APPOINTMENT_BOOKED = "appointment-booked"
    APPOINTMENT_MOVED = "appointment-moved"
    APPOINTMENT_CANCELLED = "appointment-cancelled"
    MESSAGE = "message"


# Not held back by the one-a-day limit: someone might otherwise travel to a cancelled meeting.
URGENT = frozenset({Change.APPOINTMENT_MOVED, Change.APPOINTMENT_CANCELLED})


def window() -> timedelta:
    return timedelta(minutes=int(current_app.config["CHANGE_NOTICE_WINDOW_MINUTES"]))


def _local_day_start(at: datetime) -> datetime:
    day = at.astimezone(AMSTERDAM).date()
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(at.tzinfo)


def _next_morning(at: datetime) -> datetime:
    day = at.astimezone(AMSTERDAM).date() + timedelta(days=1)
    return datetime.combine(day, NEXT_DAY_SEND_TIME, tzinfo=AMSTERDAM).astimezone(at.tzinfo)


def _merged(personalisation: dict[str, Any], change: Change, organisation: str) -> dict[str, Any]:
    changes = list(personalisation.get("changes", []))
    organisations = list(personalisation.get("organisations", []))
    if change.value not in changes:
        changes.append(change.value)
    if organisation and organisation not in organisations:
        organisations.append(organisation)
    return {**personalisation, "changes": changes, "organisations": organisations}


def _join_open(
    resident_id: int, channel: Channel, change: Change, organisation: str, send_by: datetime
) -> bool:
    """Add the change to the channel's pending notice, and make it go no later than `send_by`
    (an urgent change does not wait for tomorrow); False when there is no pending notice."""
    row = db.session.execute(
        select(Notification.id, Notification.personalisation, Notification.not_before)
        .where(
            Notification.resident_id == resident_id,
            Notification.kind == ReminderKind.CHANGE,
            Notification.channel == channel,
            Notification.status == NotificationStatus.PENDING,
        )
        .order_by(Notification.created_at.desc())
        .limit(1)
        .with_for_update()
    ).first()
    if row is None:
        return False
    moved = db.session.execute(
        update(Notification)
        .where(Notification.id == row.id, Notification.status == NotificationStatus.PENDING)
        .values(
            personalisation=_merged(row.personalisation or {}, change, organisation),
            not_before=min(row.not_before, send_by),
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(moved, "rowcount", 0))


def _sent_today(resident_id: int, channel: Channel, now: datetime) -> bool:
    count = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.resident_id == resident_id,
            Notification.kind == ReminderKind.CHANGE,
            Notification.channel == channel,
            Notification.status.in_(GONE),
            Notification.not_before >= _local_day_start(now),
        )
    )
    return bool(count)


def notify_change(
    resident_id: int,
    change: Change,
    organisation: str,
    *,
    now: datetime | None = None,
) -> None:
    """Tell the resident that something changed, on every channel (the dispatcher drops the
    channels they switched off or have no confirmed address for)."""
    now = now or clock.now()
    db.session.flush()
    soon = now + window()
    # Push only to a resident with a device now; turning one on later copies what is unsent.
    with_push = residents_with_devices({resident_id})
    for channel in Channel:
        if channel is Channel.PUSH and resident_id not in with_push:
            continue
        urgent_by = soon if change in URGENT else datetime.max.replace(tzinfo=now.tzinfo)
        if _join_open(resident_id, channel, change, organisation, urgent_by):
            continue
        send_at = soon
        if change not in URGENT and _sent_today(resident_id, channel, now):
            send_at = max(send_at, _next_morning(now))
        db.session.add(
            Notification(
                id=new_notification_id(),
                dedupe_key=f"{SUBJECT_TYPE}:{resident_id}:{now.strftime('%Y%m%dT%H%M%S.%f')}:{channel}",
                subject_type=SUBJECT_TYPE,
                subject_id=str(resident_id),
                resident_id=resident_id,
                kind=ReminderKind.CHANGE,
                channel=channel,
                template=TEMPLATE,
                template_version=current_version(TEMPLATE),
                personalisation=_merged({}, change, organisation),
                not_before=send_at,
                expires_at=send_at + VALID_FOR,
                status=NotificationStatus.PENDING,
                attempts=0,
                created_at=now,
                updated_at=now,
            )
        )
    db.session.flush()


def drop_unsent_notices() -> int:
    """Remove every change notice not sent yet, as if never planned (the demo seed: its
    back-dated history is not news for anyone). The caller commits."""
    db.session.flush()
    ids = list(
        db.session.scalars(
            select(Notification.id).where(
                Notification.kind == ReminderKind.CHANGE, Notification.status.in_(UNSENT)
            )
        )
    )
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        db.session.execute(
            delete(NotificationEvent).where(NotificationEvent.notification_id.in_(chunk))
        )
        db.session.execute(delete(Notification).where(Notification.id.in_(chunk)))
    return len(ids)
