"""Delivery receipts (DLRs): apply them to the outbox, idempotently.

A receipt only moves a row that is `sending` or `sent` (a receipt can overtake our own "sent"
commit), or one we marked temporary-failure ourselves for lack of a receipt: the gateway knows
better. Any other terminal row keeps its status: duplicate and out-of-order receipts (delivered,
then failed) are logged in the event log and otherwise ignored.
"""

from __future__ import annotations

from typing import Any

from app import clock
from app.extensions import db
from app.models import Notification
from app.models.notification import NotificationStatus
from app.services.notifications.outbox import log_events, transition_one

RECEIPT_FROM = [NotificationStatus.SENDING, NotificationStatus.SENT]


def apply_receipt(reference: str, new_status: NotificationStatus | None, detail: str) -> str:
    """Returns applied / ignored / unknown-reference / unknown-status. Commits."""
    row = db.session.get(Notification, reference) if reference else None
    if row is None:
        return "unknown-reference"
    if new_status is None:
        log_events([row.id], None, None, f"receipt with unknown status: {detail}")
        db.session.commit()
        return "unknown-status"
    values: dict[str, Any] = {"status_reason": detail, "lease_until": None}
    if new_status is NotificationStatus.DELIVERED:
        values["delivered_at"] = clock.now()
    moved = transition_one(row.id, RECEIPT_FROM, new_status, detail=f"receipt: {detail}", **values)
    if not moved:
        moved = transition_one(
            row.id,
            [NotificationStatus.TEMPORARY_FAILURE],
            new_status,
            extra_where=[Notification.status_reason == "no-receipt"],
            detail=f"late receipt: {detail}",
            **values,
        )
    if not moved:
        log_events([row.id], None, None, f"receipt ignored ({new_status}): {detail}")
    db.session.commit()
    return "applied" if moved else "ignored"
