"""Staff writes on a dossier. Each one records a timeline event naming the staff member and the
organisation (the resident sees it) and an access-log row, in one transaction.

Resident-side services do the real work (documents.review_document, tasks.add_task, ...); this
module adds the staff actor and the access log around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    ActorType,
    AppointmentSlot,
    Channel,
    Document,
    DocumentStatus,
    Holder,
    Organisation,
    StaffMember,
    Task,
    TaskKind,
    TimelineEvent,
)
from app.services import appointments
from app.services import documents as document_service
from app.services.access_log import AccessEntry, StaffDossier, record_access, staff_org_ids
from app.services.notifications.changes import Change, notify_change
from app.services.staff_visibility import StaffReading
from app.services.tasks import add_task, complete_task
from app.services.timeline import Actor, actor_organisation, event_text, latest_events, record_event

CHANNEL_WORDS = {
    "phone": lazy_gettext("Phone call"),
    "desk": lazy_gettext("At the desk"),
    "letter": lazy_gettext("Letter"),
}


def actor(staff: StaffMember, sd: StaffDossier, *, for_resident: bool = False) -> Actor:
    return Actor.staff_member(staff, sd.organisation, for_resident=for_resident)


def add_staff_task(
    sd: StaffDossier,
    staff: StaffMember,
    *,
    kind: str,
    title: str,
    description: str = "",
    due_date: date | None = None,
) -> Task:
    """kind: document / step (for the resident) or organisation (for our organisation)."""
    task_kind = {"document": TaskKind.DOCUMENT, "step": TaskKind.STEP}.get(kind, TaskKind.STEP)
    holder = Holder.ORGANISATION if kind == "organisation" else Holder.RESIDENT
    task = add_task(
        sd.dossier,
        kind=task_kind,
        holder=holder,
        organisation=sd.organisation,
        title=title.strip(),
        description=description.strip(),
        due_date=due_date,
        actor=actor(staff, sd),
    )
    if holder is Holder.RESIDENT:
        notify_change(sd.dossier.resident_id, Change.NEW_REQUEST, sd.organisation.name)
    record_access(staff, sd.organisation, sd.dossier, "add_task", "casework", f"task {task.id}")
    db.session.commit()
    return task


def organisation_task(sd: StaffDossier, task_id: int) -> Task | None:
    """An open item of this dossier that our organisation works on."""
    task = db.session.get(Task, task_id)
    if (
        task is None
        or task.dossier_id != sd.dossier.id
        or task.organisation_id != sd.organisation.id
        or not task.is_open
    ):
        return None
    return task


def finish_task(sd: StaffDossier, staff: StaffMember, task: Task) -> None:
    complete_task(sd.dossier, task, actor=actor(staff, sd))
    record_access(
        staff, sd.organisation, sd.dossier, "complete_task", "casework", f"task {task.id}"
    )
    db.session.commit()


def record_contact(sd: StaffDossier, staff: StaffMember, channel: str, note: str) -> None:
    subject = f"{CHANNEL_WORDS[channel]}: {note.strip()}"[:200]
    record_event(sd.dossier, "contact_recorded", actor(staff, sd), subject=subject)
    # A line from staff in the resident's timeline: a message for them.
    notify_change(sd.dossier.resident_id, Change.MESSAGE, sd.organisation.name)
    record_access(staff, sd.organisation, sd.dossier, "record_contact", "casework", channel)
    db.session.commit()


def documents_to_review(sd: StaffDossier, staff: StaffMember) -> list[Document]:
    """Files waiting for a check, of the staff member's organisations."""
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.dossier_id == sd.dossier.id,
                Document.status == DocumentStatus.RECEIVED,
                Document.organisation_id.in_(staff_org_ids(staff)),
            )
            .options(selectinload(Document.task))
            .order_by(Document.uploaded_at, Document.id)
        )
    )


def reviewable_document(sd: StaffDossier, staff: StaffMember, document_id: int) -> Document | None:
    doc = document_service.dossier_document(sd.dossier, document_id)
    if doc is None or doc.organisation_id not in staff_org_ids(staff):
        return None
    return doc


def review(
    sd: StaffDossier, staff: StaffMember, document: Document, *, approve: bool, reason: str
) -> None:
    audit = AccessEntry(
        staff, sd.organisation, sd.dossier, "review_document", "casework", f"document {document.id}"
    )
    document_service.review_document(
        document, approve=approve, staff=staff, reason=reason, audit=audit
    )


def log_read(sd: StaffDossier, staff: StaffMember, action: str, why: str, detail: str = "") -> None:
    record_access(staff, sd.organisation, sd.dossier, action, why, detail)
    db.session.commit()


@dataclass(frozen=True)
class StaffTimelineLine:
    text: str
    by: str
    event: TimelineEvent


def timeline_for_staff(
    sd: StaffDossier, reading: StaffReading, limit: int = 30
) -> list[StaffTimelineLine]:
    """The resident's timeline, with the actor named for staff ('Resident', 'P. Jansen, ...'),
    without the words of questions and documents of other organisations (staff_visibility)."""
    lines = []
    for event in latest_events(sd.dossier, limit):
        org = actor_organisation(event)
        if event.actor_type is ActorType.RESIDENT:
            by = gettext("Resident")
        elif event.actor_type is ActorType.STAFF and event.actor_staff is not None:
            by = f"{event.actor_staff.name} ({org})" if org else event.actor_staff.name
            if event.on_behalf_of_resident:
                by = gettext("%(staff)s for the resident", staff=by)
        else:
            by = org or "Mijn Overzicht"
        lines.append(StaffTimelineLine(reading.event_text(event, event_text(event)), by, event))
    return lines


def publish_slots(
    staff: StaffMember,
    organisation: Organisation,
    starts: list[datetime],
    *,
    minutes: int,
    channel: Channel,
    location: str = "",
    with_whom: str = "",
) -> list[AppointmentSlot]:
    """Staff offer appointment times for their organisation; logged, committed."""
    slots = appointments.publish_slots(
        organisation,
        starts,
        minutes=minutes,
        channel=channel,
        location=location,
        with_whom=with_whom,
    )
    record_access(staff, organisation, None, "publish_slots", "casework", f"{len(starts)} slots")
    db.session.commit()
    return slots
