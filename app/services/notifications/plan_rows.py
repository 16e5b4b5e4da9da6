"""Writing planned reminders into the outbox: a SubjectPlan (one appointment or task, its
reminder moments) becomes one Notification row per moment and channel. apply_plans inserts the
rows a plan adds and cancels the unsent rows it no longer has; plan_push_for copies what is
planned to a newly turned-on push device. Only the current session: no commit, no Redis. What
the moments are, and the hooks the services call, live in app.services.notifications.planning.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import clock
from app.extensions import db
from app.models import Notification
from app.models.notification import (
    UNSENT,
    Channel,
    NotificationStatus,
    ReminderKind,
    new_notification_id,
)
from app.services.notifications.outbox import CHUNK, transition
from app.services.notifications.push import residents_with_devices
from app.services.notifications.templates import current_version


@dataclass(frozen=True)
class Occurrence:
    """One reminder moment; it becomes one row per channel."""

    name: str  # document-due-3d, appointment-day-before, ...
    template: str
    send_at: datetime
    expires_at: datetime
    target: str  # the due date or start time the reminder is about (part of the dedupe key)


@dataclass
class SubjectPlan:
    subject_type: str
    subject_id: str
    resident_id: int
    kind: ReminderKind
    personalisation: dict[str, Any]
    occurrences: list[Occurrence] = field(default_factory=list)


def dedupe_key(plan: SubjectPlan, occurrence: Occurrence, channel: Channel) -> str:
    return f"{plan.subject_type}:{plan.subject_id}:{occurrence.name}:{occurrence.target}:{channel}"


# Columns in the order the planner fills them (COPY needs a fixed order).
PLAN_COLUMNS = (
    "id",
    "dedupe_key",
    "subject_type",
    "subject_id",
    "resident_id",
    "kind",
    "channel",
    "template",
    "template_version",
    "personalisation",
    "not_before",
    "expires_at",
    "status",
    "attempts",
    "created_at",
    "updated_at",
)


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if db.engine.dialect.name == "postgresql" and len(rows) > COPY_FROM:
        _copy_ignoring_duplicates(rows)
        return
    table = Notification.__table__
    if db.engine.dialect.name == "postgresql":
        stmt: Any = pg_insert(table).on_conflict_do_nothing(
            index_elements=["dedupe_key"], index_where=text("status <> 'cancelled'")
        )
    else:
        stmt = sqlite_insert(table).on_conflict_do_nothing()
    for start in range(0, len(rows), CHUNK):
        db.session.execute(stmt, rows[start : start + CHUNK])


# Above this many rows PostgreSQL gets COPY into a temporary table and one INSERT ... SELECT
# ... ON CONFLICT DO NOTHING: about 5x faster than executemany for a large (re)plan.
COPY_FROM = 5000


def _copy_ignoring_duplicates(rows: list[dict[str, Any]]) -> None:
    cursor = db.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    columns = ", ".join(PLAN_COLUMNS)
    with cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS notification_plan "
            "(LIKE notification INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE notification_plan")
        with cursor.copy(f"COPY notification_plan ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[c])
                        if c == "personalisation"
                        else (row[c].value if isinstance(row[c], StrEnum) else row[c])
                        for c in PLAN_COLUMNS
                    ]
                )
        cursor.execute(
            f"INSERT INTO notification ({columns}) SELECT {columns} FROM notification_plan "  # noqa: S608 - fixed column names
            "ON CONFLICT (dedupe_key) WHERE status <> 'cancelled' DO NOTHING"
        )


def apply_plans(plans: Sequence[SubjectPlan], *, now: datetime | None = None) -> int:
    """Make the unsent rows of these subjects match the plans. Returns the rows offered for
    insertion (duplicates of live rows are skipped by the database)."""
    now = now or clock.now()
    db.session.flush()
    current: set[str] = set()
    wanted: dict[str, tuple[SubjectPlan, Occurrence, Channel]] = {}
    # Push only for residents with a device now; turning one on later plans the rest.
    with_push = residents_with_devices({plan.resident_id for plan in plans})
    for plan in plans:
        for occ in plan.occurrences:
            for channel in Channel:
                if channel is Channel.PUSH and plan.resident_id not in with_push:
                    continue
                key = dedupe_key(plan, occ, channel)
                current.add(key)
                # A moment already past is not planned (e.g. an appointment booked for today).
                if occ.send_at >= now and occ.expires_at > occ.send_at:
                    wanted[key] = (plan, occ, channel)
    # Unsent rows of these subjects that the new plan no longer has: moved or cancelled.
    stale: list[str] = []
    by_type: dict[str, list[str]] = {}
    for plan in plans:
        by_type.setdefault(plan.subject_type, []).append(plan.subject_id)
    for subject_type, subject_ids in by_type.items():
        for start in range(0, len(subject_ids), CHUNK):
            rows = db.session.execute(
                select(Notification.id, Notification.dedupe_key).where(
                    Notification.subject_type == subject_type,
                    Notification.subject_id.in_(subject_ids[start : start + CHUNK]),
                    Notification.status.in_(UNSENT),
                )
            )
            stale.extend(nid for nid, key in rows if key not in current)
    if stale:
        transition(
            stale,
            UNSENT,
            NotificationStatus.CANCELLED,
            status_reason="rescheduled",
            detail="rescheduled",
        )
    new_rows = [
        {
            "id": new_notification_id(),
            "dedupe_key": key,
            "subject_type": plan.subject_type,
            "subject_id": plan.subject_id,
            "resident_id": plan.resident_id,
            "kind": plan.kind,
            "channel": channel,
            "template": occ.template,
            "template_version": current_version(occ.template),
            "personalisation": plan.personalisation,
            "not_before": occ.send_at,
            "expires_at": occ.expires_at,
            "status": NotificationStatus.PENDING,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for key, (plan, occ, channel) in wanted.items()
    ]
    _insert_ignoring_duplicates(new_rows)
    return len(new_rows)


def plan_push_for(resident_id: int, *, now: datetime | None = None) -> int:
    """A device was turned on for push: add push rows for what is already planned for this
    resident, copied from their unsent e-mail rows (those are planned for everyone)."""
    now = now or clock.now()
    db.session.flush()
    email_rows = db.session.scalars(
        select(Notification).where(
            Notification.resident_id == resident_id,
            Notification.channel == Channel.EMAIL,
            Notification.status.in_(UNSENT),
        )
    )
    new_rows = [
        {
            "id": new_notification_id(),
            "dedupe_key": row.dedupe_key.removesuffix(f":{Channel.EMAIL}") + f":{Channel.PUSH}",
            "subject_type": row.subject_type,
            "subject_id": row.subject_id,
            "resident_id": row.resident_id,
            "kind": row.kind,
            "channel": Channel.PUSH,
            "template": row.template,
            "template_version": row.template_version,
            "personalisation": row.personalisation,
            "not_before": row.not_before,
            "expires_at": row.expires_at,
            "status": NotificationStatus.PENDING,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for row in email_rows
    ]
    _insert_ignoring_duplicates(new_rows)
    return len(new_rows)
