"""The resident-visible timeline: every change a resident should know about is recorded here,
in the same transaction as the change itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import gettext, lazy_gettext
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ActorType, Dossier, Organisation, StaffMember, Task, TimelineEvent
from app.models.base import utcnow

# What each kind of event says to the resident. %(subject)s is the task title or similar.
EVENT_TEXTS = {
    "dossier_opened": lazy_gettext("Your dossier was opened"),
    "organisation_linked": lazy_gettext("%(organisation)s now helps you with your dossier"),
    "organisation_linked_by_phone": lazy_gettext(
        "%(organisation)s now helps you with your dossier. You agreed by phone."
    ),
    "organisation_linked_at_desk": lazy_gettext(
        "%(organisation)s now helps you with your dossier. You agreed at the desk."
    ),
    "organisation_unlinked": lazy_gettext("%(organisation)s no longer has access to your dossier"),
    "document_requested": lazy_gettext("You were asked to send: %(subject)s"),
    "document_received": lazy_gettext("Received: %(subject)s. We will check it."),
    "document_approved": lazy_gettext("Approved: %(subject)s"),
    "document_rejected": lazy_gettext("Not approved: %(subject)s"),
    "document_sent": lazy_gettext("You sent: %(subject)s. We will look at it."),
    "task_added": lazy_gettext("New item: %(subject)s"),
    "task_done": lazy_gettext("Done: %(subject)s"),
    "task_cancelled": lazy_gettext("No longer needed: %(subject)s"),
    "question_asked": lazy_gettext("Question sent: %(subject)s"),
    "question_answered": lazy_gettext("Your question was answered: %(subject)s"),
    "question_followed_up": lazy_gettext("You added to your question: %(subject)s"),
    "appointment_booked": lazy_gettext("Appointment made: %(subject)s"),
    "appointment_cancelled": lazy_gettext("Appointment cancelled: %(subject)s"),
    "appointment_moved": lazy_gettext("Appointment moved: %(subject)s"),
    "contact_recorded": lazy_gettext("Contact with you: %(subject)s"),
    "email_reminders_off": lazy_gettext("You turned off e-mail reminders"),
    "push_on": lazy_gettext("You turned on notices on a device"),
    "push_off": lazy_gettext("You turned off notices on a device"),
    "dossier_closed": lazy_gettext("Your dossier was closed: the help has ended"),
}


@dataclass(frozen=True)
class Actor:
    """Who did something: the resident, a staff member (maybe for the resident), or the system."""

    type: ActorType
    staff: StaffMember | None = None
    organisation: Organisation | None = None
    on_behalf_of_resident: bool = False

    @classmethod
    def resident(cls) -> Actor:
        return cls(ActorType.RESIDENT)

    @classmethod
    def system(cls, organisation: Organisation | None = None) -> Actor:
        return cls(ActorType.SYSTEM, organisation=organisation)

    @classmethod
    def staff_member(
        cls, staff: StaffMember, organisation: Organisation, *, for_resident: bool = False
    ) -> Actor:
        return cls(ActorType.STAFF, staff, organisation, for_resident)


# TimelineEvent.details key: the acting staff member's own organisation, when not the item's.
BY_ORGANISATION = "by_organisation"


def record_event(
    dossier: Dossier,
    kind: str,
    actor: Actor,
    *,
    subject: str = "",
    task: Task | None = None,
    organisation: Organisation | None = None,
    at: datetime | None = None,
) -> TimelineEvent:
    if kind not in EVENT_TEXTS:
        raise ValueError(f"unknown timeline event kind {kind!r}")
    when = at or utcnow()
    details: dict[str, str] = {}
    acting = actor.organisation if actor.staff is not None else None
    if acting is not None and organisation is not None and acting.id != organisation.id:
        # Staff of one organisation acting on another's item (an upload for the resident into
        # any open request): the line names the staff member's own organisation.
        details[BY_ORGANISATION] = acting.name
    event = TimelineEvent(
        dossier_id=dossier.id,
        occurred_at=when,
        actor_type=actor.type,
        actor_staff=actor.staff,
        on_behalf_of_resident=actor.on_behalf_of_resident,
        organisation=organisation or actor.organisation,
        task_id=task.id if task is not None else None,
        kind=kind,
        subject=subject,
        details=details,
    )
    db.session.add(event)
    if dossier.updated_at is None or when > dossier.updated_at:
        dossier.updated_at = when
    return event


def event_text(event: TimelineEvent) -> str:
    org = event.organisation.name if event.organisation else ""
    return str(EVENT_TEXTS[event.kind]) % {"subject": event.subject, "organisation": org}


def actor_organisation(event: TimelineEvent) -> str:
    """The organisation the actor works for (for staff it may differ from the item's)."""
    by = (event.details or {}).get(BY_ORGANISATION)
    if by:
        return str(by)
    return event.organisation.name if event.organisation else ""


def actor_text(event: TimelineEvent) -> str:
    """'By you', 'By P. Jansen, Gemeente Alphen', 'By P. Jansen (Gemeente Alphen) for you'."""
    org = actor_organisation(event)
    if event.actor_type is ActorType.RESIDENT:
        return gettext("By you")
    if event.actor_type is ActorType.STAFF and event.actor_staff is not None:
        name = event.actor_staff.name
        if event.on_behalf_of_resident:
            return gettext("By %(name)s (%(organisation)s) for you", name=name, organisation=org)
        if org:
            return gettext("By %(name)s, %(organisation)s", name=name, organisation=org)
        return gettext("By %(name)s", name=name)
    if org:
        return gettext("By %(organisation)s", organisation=org)
    return gettext("By Mijn Overzicht")


@cache
def _latest_events_statement(limit: int) -> Select[TimelineEvent]:
    """Built once per process and limit (the overview and the caseload ask on every request)."""
    return (
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == bindparam("dossier_id"))
        .order_by(TimelineEvent.occurred_at.desc(), TimelineEvent.id.desc())
        .limit(limit)
        # What event_text and actor_text show, in the same statement (no lazy loads).
        .options(joinedload(TimelineEvent.organisation), joinedload(TimelineEvent.actor_staff))
    )


def latest_events(dossier: Dossier, limit: int) -> list[TimelineEvent]:
    return list(db.session.scalars(_latest_events_statement(limit), {"dossier_id": dossier.id}))
