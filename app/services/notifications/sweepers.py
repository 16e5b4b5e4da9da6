"""Sweepers, run with every dispatcher tick.

- Leases: a worker (or its work horse) killed after claiming leaves the row `sending`. When the
  lease has run out the row goes back to `created` and is queued again, or ends as
  technical-failure when its attempts are used up. If the provider had already accepted the
  message this sends it a second time: the at-least-once window, kept small by recording `sent`
  right after the provider call.
- Receipts: an SMS still `sent` after REMINDER_RECEIPT_TIMEOUT_HOURS (72) without a delivery
  receipt becomes temporary-failure (Notify does the same). E-mail has no receipts over SMTP:
  `sent` is its last status.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Notification
from app.models.notification import Channel, NotificationStatus
from app.services.notifications.outbox import transition

SENDING = NotificationStatus.SENDING


def sweep_leases(*, now: datetime | None = None) -> dict[str, int]:
    now = now or clock.now()
    max_attempts = current_app.config["REMINDER_MAX_ATTEMPTS"]
    rows = db.session.execute(
        select(Notification.id, Notification.attempts)
        .where(Notification.status == SENDING, Notification.lease_until < now)
        .with_for_update(skip_locked=True)
    ).all()
    spent = [r.id for r in rows if r.attempts >= max_attempts]
    again = [r.id for r in rows if r.attempts < max_attempts]
    extra = [Notification.lease_until < now]
    failed = transition(
        spent,
        [SENDING],
        NotificationStatus.TECHNICAL_FAILURE,
        extra_where=extra,
        status_reason="lease expired, attempts used up",
        detail="lease expired",
        lease_until=None,
    )
    back = transition(
        again,
        [SENDING],
        NotificationStatus.CREATED,
        extra_where=extra,
        detail="lease expired",
        lease_until=None,
        queued_at=None,
        next_attempt_at=None,
    )
    db.session.commit()
    return {"requeued": len(back), "technical-failure": len(failed)}


def sweep_no_receipt(*, now: datetime | None = None) -> int:
    now = now or clock.now()
    hours = current_app.config["REMINDER_RECEIPT_TIMEOUT_HOURS"]
    cutoff = now - timedelta(hours=hours)
    ids = list(
        db.session.scalars(
            select(Notification.id)
            .where(
                Notification.status == NotificationStatus.SENT,
                Notification.channel == Channel.SMS,
                Notification.sent_at <= cutoff,
            )
            .with_for_update(skip_locked=True)
        )
    )
    moved = transition(
        ids,
        [NotificationStatus.SENT],
        NotificationStatus.TEMPORARY_FAILURE,
        status_reason="no-receipt",
        detail=f"no receipt within {hours} hours",
    )
    db.session.commit()
    return len(moved)
