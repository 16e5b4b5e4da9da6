"""A resident turns push notices on or off for one device (issue 17). Committed here."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.extensions import db
from app.models import Dossier, PushSubscription, Resident
from app.services.notifications.plan_rows import plan_push_for
from app.services.timeline import Actor, record_event


def turn_on(resident: Resident, endpoint: str, p256dh: str, auth: str) -> None:
    """Store the browser's subscription. The same browser subscribing again (also after
    someone else used it) replaces its row: an endpoint belongs to one browser."""
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(endpoint=endpoint)
    row.resident_id, row.p256dh, row.auth = resident.id, p256dh, auth
    db.session.add(row)
    plan_push_for(resident.id)
    _timeline(resident, "push_on")
    db.session.commit()


def turn_off(resident: Resident, endpoint: str) -> bool:
    """Forget this browser for this resident; False when it was not on."""
    gone = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.resident_id == resident.id
        )
    )
    if not gone.rowcount:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    _timeline(resident, "push_off")
    db.session.commit()
    return True


def _timeline(resident: Resident, kind: str) -> None:
    dossier = db.session.scalar(select(Dossier).where(Dossier.resident_id == resident.id))
    if dossier is not None:
        record_event(dossier, kind, Actor.resident())
