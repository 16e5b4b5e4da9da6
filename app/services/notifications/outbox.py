"""Status changes on the outbox: conditional UPDATEs that report which rows really moved, plus
the event log. Two workers or dispatchers racing on one row: only one UPDATE matches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update

from app import clock
from app.extensions import db
from app.models import Notification, NotificationEvent
from app.models.notification import NotificationStatus

# Keeps IN lists well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 1000


def log_events(
    ids: Iterable[str],
    from_status: str | None,
    to_status: str | None,
    detail: str = "",
    at: datetime | None = None,
) -> None:
    when = at or clock.now()
    rows = [
        {
            "notification_id": nid,
            "at": when,
            "from_status": from_status,
            "to_status": to_status,
            "detail": detail,
        }
        for nid in ids
    ]
    if rows:
        db.session.execute(insert(NotificationEvent.__table__), rows)


def transition(
    ids: Sequence[str],
    from_statuses: Sequence[NotificationStatus],
    to_status: NotificationStatus,
    *,
    detail: str = "",
    extra_where: Sequence[Any] = (),
    **values: Any,
) -> list[str]:
    """Move the rows among `ids` that are still in `from_statuses`; return the ids that moved.

    RETURNING tells exactly which rows this caller changed (PostgreSQL, SQLite >= 3.35), so a
    row another process moved first is never reported, enqueued or logged twice."""
    now = clock.now()
    moved: list[str] = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        stmt = (
            update(Notification)
            .where(
                Notification.id.in_(chunk),
                Notification.status.in_(list(from_statuses)),
                *extra_where,
            )
            .values(status=to_status, updated_at=now, **values)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
        moved.extend(row[0] for row in db.session.execute(stmt))
    if moved:
        # The previous status is one of from_statuses; say which when it is unambiguous.
        before = from_statuses[0].value if len(from_statuses) == 1 else "|".join(from_statuses)
        log_events(moved, before, to_status.value, detail, at=now)
    return moved


def transition_one(
    notification_id: str,
    from_statuses: Sequence[NotificationStatus],
    to_status: NotificationStatus,
    *,
    detail: str = "",
    extra_where: Sequence[Any] = (),
    **values: Any,
) -> bool:
    return bool(
        transition(
            [notification_id],
            from_statuses,
            to_status,
            detail=detail,
            extra_where=extra_where,
            **values,
        )
    )
