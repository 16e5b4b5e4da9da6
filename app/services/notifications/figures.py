"""The outbox in figures, for /metrics (app.ops.metrics): rows per status and channel, and when
the oldest due-but-unsent reminder became due. Read-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Notification
from app.models.notification import Channel
from app.models.notification import NotificationStatus as S

DUE_UNSENT = (S.PENDING, S.CREATED, S.SENDING)

Counts = list[tuple[S, Channel, int]]


def outbox_figures(now: datetime) -> tuple[Counts, datetime | None] | None:
    """(counts, oldest due moment), or None when the database does not answer. The read
    transaction is ended here, so a scrape never holds one open."""
    try:
        counts = [
            (status, channel, int(count))
            for status, channel, count in db.session.execute(
                select(Notification.status, Notification.channel, func.count()).group_by(
                    Notification.status, Notification.channel
                )
            )
        ]
        first_due = db.session.scalar(
            select(func.min(Notification.not_before)).where(
                Notification.status.in_(DUE_UNSENT), Notification.not_before <= now
            )
        )
        db.session.commit()  # nothing was written: this ends the read transaction
    except SQLAlchemyError:
        db.session.rollback()
        return None
    return counts, first_due
