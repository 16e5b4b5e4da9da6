"""What staff need: each reminder's status in a dossier, and "send again" for a failed one.

No staff UI exists yet; the staff dossier view calls these functions."""

from __future__ import annotations

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Dossier, Notification, StaffMember
from app.models.notification import FAILED, NotificationStatus, new_notification_id
from app.services.notifications.outbox import log_events


def reminders_for_dossier(dossier: Dossier, limit: int = 200) -> list[Notification]:
    """Newest first: what was planned, sent, delivered, failed or cancelled, and why."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.resident_id == dossier.resident_id)
            .order_by(Notification.not_before.desc(), Notification.channel)
            .limit(limit)
        )
    )


class CannotResend(ValueError):
    pass


def resend(notification_id: str, staff: StaffMember) -> Notification:
    """Plan a failed reminder again, now, as a new notification (the failed one stays as it
    was, for the record). The caller commits. Opt-out, address and quiet hours apply again."""
    original = db.session.get(Notification, notification_id)
    if original is None:
        raise CannotResend("no such notification")
    if original.status not in FAILED:
        raise CannotResend(f"only a failed reminder can be sent again, not {original.status}")
    count = (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.resend_of == original.id)
        )
        or 0
    )
    now = clock.now()
    copy = Notification(
        id=new_notification_id(),
        dedupe_key=f"{original.dedupe_key}:resend-{count + 1}",
        subject_type=original.subject_type,
        subject_id=original.subject_id,
        resident_id=original.resident_id,
        kind=original.kind,
        channel=original.channel,
        template=original.template,
        template_version=original.template_version,
        personalisation=dict(original.personalisation),
        not_before=now,
        # A reminder for something that has passed stays expired.
        expires_at=original.expires_at,
        status=NotificationStatus.PENDING,
        attempts=0,
        resend_of=original.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(copy)
    db.session.flush()
    log_events(
        [copy.id],
        None,
        NotificationStatus.PENDING.value,
        f"resend of {original.id} by staff {staff.id}",
        at=now,
    )
    log_events([original.id], None, None, f"sent again as {copy.id} by staff {staff.id}", at=now)
    return copy
