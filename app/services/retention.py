"""Retention: a closed dossier is emptied RETENTION_DAYS_AFTER_CLOSE days after it was closed.

    close_dossier(sd, staff)        staff end the help (timeline entry, access-log row)
    plan(now)                       what a run would remove: the dry run of `flask retention`
    purge_due(now)                  remove it (the daily job, `flask retention --run`)

Purging removes the files, every text (items, documents, questions, appointments, timeline,
reminders, exports; a reaction to a page loses who gave it), the contact details, the name and
the BSN (its hash too: a later DigiD login with that BSN starts afresh). What stays is what
the access log needs, by law longer: the dossier's id and dates, an empty resident row, and the
access-log rows with their detail text blanked (who, which organisation, when, what kind of
action, why). Those rows go too RETENTION_ACCESS_LOG_DAYS after the purge (0: at once). This
module is the only path that changes or removes access-log rows; it does so with SQL
statements, past the ORM guard that keeps every other path append-only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, delete, func, select, update

from app import clock
from app.extensions import db
from app.models import (
    AccessLog,
    Appointment,
    DataExport,
    Document,
    Dossier,
    DossierOrganisation,
    Notification,
    NotificationEvent,
    PageFeedback,
    Question,
    QuestionMessage,
    ReminderPreference,
    Resident,
    StaffMember,
    Task,
    TimelineEvent,
)
from app.services.access_log import StaffDossier, record_access
from app.services.storage import get_storage
from app.services.timeline import Actor, record_event


class AlreadyClosed(ValueError):
    pass


def close_dossier(sd: StaffDossier, staff: StaffMember) -> None:
    """Staff end the help: the resident reads it in their timeline; retention starts counting."""
    dossier = sd.dossier
    if dossier.closed_at is not None:
        raise AlreadyClosed(f"dossier {dossier.id} is closed already")
    now = clock.now()
    dossier.closed_at = now
    dossier.closed_by_staff_id = staff.id
    record_event(
        dossier,
        "dossier_closed",
        Actor.staff_member(staff, sd.organisation),
        organisation=sd.organisation,
        at=now,
    )
    record_access(staff, sd.organisation, dossier, "close_dossier", "casework")
    db.session.commit()


def _days(key: str) -> timedelta:
    return timedelta(days=int(current_app.config[key]))


def due_dossiers(now: datetime) -> Select[Any]:
    cutoff = now - _days("RETENTION_DAYS_AFTER_CLOSE")
    return (
        select(Dossier)
        .where(
            Dossier.closed_at.is_not(None), Dossier.closed_at <= cutoff, Dossier.purged_at.is_(None)
        )
        .order_by(Dossier.id)
    )


@dataclass
class DossierCounts:
    """What purging one dossier removes (numbers only: the report holds no personal data)."""

    dossier_id: int
    closed_at: datetime
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Plan:
    dossiers: list[DossierCounts]
    # Access-log rows of dossiers purged long enough ago to go now.
    access_log_rows: int


def _count(stmt: Select[Any]) -> int:
    return int(db.session.scalar(stmt) or 0)


def counts_for(dossier: Dossier) -> dict[str, int]:
    def n(model: type, *where: object) -> int:
        return _count(select(func.count()).select_from(model).where(*where))  # type: ignore[arg-type]

    question_ids = select(Question.id).where(Question.dossier_id == dossier.id)
    notification_ids = select(Notification.id).where(
        Notification.resident_id == dossier.resident_id
    )
    return {
        "documents": n(Document, Document.dossier_id == dossier.id),
        "tasks": n(Task, Task.dossier_id == dossier.id),
        "questions": n(Question, Question.dossier_id == dossier.id),
        "question_messages": n(QuestionMessage, QuestionMessage.question_id.in_(question_ids)),
        "appointments": n(Appointment, Appointment.dossier_id == dossier.id),
        "timeline_events": n(TimelineEvent, TimelineEvent.dossier_id == dossier.id),
        "notifications": n(Notification, Notification.id.in_(notification_ids)),
        "data_exports": n(DataExport, DataExport.resident_id == dossier.resident_id),
        "organisation_links": n(DossierOrganisation, DossierOrganisation.dossier_id == dossier.id),
        "access_log_kept": n(AccessLog, AccessLog.dossier_id == dossier.id),
    }


def _old_access_log(now: datetime) -> Select[Any]:
    """Ids of purged dossiers whose access-log rows have been kept long enough."""
    return select(Dossier.id).where(
        Dossier.purged_at.is_not(None),
        Dossier.purged_at <= now - _days("RETENTION_ACCESS_LOG_DAYS"),
    )


def plan(now: datetime | None = None) -> Plan:
    """The dry run: what purge_due would remove now. Changes nothing."""
    now = now or clock.now()
    dossiers = [
        DossierCounts(d.id, d.closed_at, counts_for(d))
        for d in db.session.scalars(due_dossiers(now))
    ]
    old_rows = _count(
        select(func.count())
        .select_from(AccessLog)
        .where(AccessLog.dossier_id.in_(_old_access_log(now)))
    )
    return Plan(dossiers, old_rows)


def purge_dossier(dossier: Dossier, now: datetime) -> None:
    """Empty one dossier (see the module's docstring); the caller commits."""
    storage = get_storage()
    keys = list(
        db.session.scalars(select(Document.storage_key).where(Document.dossier_id == dossier.id))
    )
    keys += [
        k
        for k in db.session.scalars(
            select(DataExport.storage_key).where(DataExport.resident_id == dossier.resident_id)
        )
        if k
    ]
    question_ids = select(Question.id).where(Question.dossier_id == dossier.id)
    notification_ids = select(Notification.id).where(
        Notification.resident_id == dossier.resident_id
    )
    for stmt in (
        delete(QuestionMessage).where(QuestionMessage.question_id.in_(question_ids)),
        delete(Question).where(Question.dossier_id == dossier.id),
        delete(Appointment).where(Appointment.dossier_id == dossier.id),
        delete(Document).where(Document.dossier_id == dossier.id),
        delete(TimelineEvent).where(TimelineEvent.dossier_id == dossier.id),
        delete(NotificationEvent).where(NotificationEvent.notification_id.in_(notification_ids)),
        delete(Notification).where(Notification.resident_id == dossier.resident_id),
        delete(ReminderPreference).where(ReminderPreference.resident_id == dossier.resident_id),
        delete(DataExport).where(DataExport.resident_id == dossier.resident_id),
        # A reaction stays (it is about a page), but no longer says who gave it.
        update(PageFeedback)
        .where(PageFeedback.resident_id == dossier.resident_id)
        .values(resident_id=None),
        delete(Task).where(Task.dossier_id == dossier.id),
        delete(DossierOrganisation).where(DossierOrganisation.dossier_id == dossier.id),
        # The minimal access-log record: who, which organisation, when, what kind, why.
        update(AccessLog).where(AccessLog.dossier_id == dossier.id).values(detail=""),
        update(Resident)
        .where(Resident.id == dossier.resident_id)
        .values(
            # A random stand-in: unique like a hash, but no BSN leads to it any more.
            bsn_hash=secrets.token_hex(32),
            bsn_encrypted=b"",
            first_name="",
            last_name="",
            initials="",
            date_of_birth=None,
            email="",
            phone="",
            session_token=secrets.token_urlsafe(24),  # ends any session still open
        ),
        update(Dossier).where(Dossier.id == dossier.id).values(purged_at=now),
    ):
        db.session.execute(stmt)
    db.session.expire_all()
    # Files last: if the database work failed, nothing is lost on disk.
    db.session.flush()
    for key in keys:
        storage.delete(key)


@dataclass(frozen=True)
class Result:
    purged: list[int]
    access_log_rows_removed: int


def purge_due(now: datetime | None = None) -> Result:
    """The real run (the daily job): every due dossier, each in its own transaction."""
    now = now or clock.now()
    purged = []
    for dossier_id in list(db.session.scalars(due_dossiers(now).with_only_columns(Dossier.id))):
        dossier = db.session.get(Dossier, dossier_id)
        assert dossier is not None
        purge_dossier(dossier, now)
        db.session.commit()
        purged.append(dossier_id)
    removed = db.session.execute(
        delete(AccessLog).where(AccessLog.dossier_id.in_(_old_access_log(now)))
    )
    db.session.commit()
    return Result(purged, int(removed.rowcount or 0))  # type: ignore[attr-defined]
