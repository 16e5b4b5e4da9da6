"""Planning reminders: called by the services that book appointments and request documents, in
their transaction. These functions only insert and update rows in the current session: no
commit, no Redis. Planning the same thing twice is a no-op (the live dedupe key is unique);
planning again with a new time cancels the unsent rows of the old time and adds new ones.

Rows are planned for every channel; the resident's choice, address and quiet hours are checked
when the reminder is due (the dispatcher), so changing them later applies to what is planned.
This module says when the reminders of a document request or an appointment go out;
app.services.notifications.plan_rows turns those moments into outbox rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from app import clock
from app.clock import AMSTERDAM
from app.extensions import db
from app.models import Dossier, Holder, Notification, Task, TaskKind
from app.models.notification import UNSENT, NotificationStatus, ReminderKind
from app.services.notifications.outbox import CHUNK, transition
from app.services.notifications.plan_rows import Occurrence, SubjectPlan, apply_plans

# When reminders go out, local time. Daytime, so quiet hours rarely move them.
DOCUMENT_SEND_TIME = time(9, 0)
DAY_BEFORE_SEND_TIME = time(10, 0)
SOON_BEFORE = timedelta(hours=2)
# An overdue reminder that could not go out within a week is no longer useful.
OVERDUE_VALID = timedelta(days=7)

SUBJECT_TASK = "task"
SUBJECT_APPOINTMENT = "appointment"


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=AMSTERDAM).astimezone(clock.now().tzinfo)


def first_occurrence(due: date, asked_at: datetime, ladder: list[Occurrence]) -> Occurrence | None:
    """A new request's first reminder follows its deadline: the next morning (09:00), or at once
    when it is due within a day (the dispatcher holds it through quiet hours). None when the
    ladder already has a moment at or before that one."""
    asked_day = asked_at.astimezone(AMSTERDAM).date()
    if due <= asked_day + timedelta(days=1):
        # Now (planning runs a moment after the request was made).
        send_at = max(asked_at, clock.now())
    else:
        send_at = _local(asked_day + timedelta(days=1), DOCUMENT_SEND_TIME)
    if any(asked_at <= occ.send_at <= send_at for occ in ladder):
        return None
    template = (
        "document-due-today"
        if send_at.astimezone(AMSTERDAM).date() == due
        else ("document-due-soon")
    )
    return Occurrence(
        "document-first",
        template,
        send_at,
        _local(due + timedelta(days=1), time(0)),
        due.isoformat(),
    )


def document_occurrences(due: date, asked_at: datetime | None = None) -> list[Occurrence]:
    """3 days before and on the due date (09:00), and once when overdue (the day after); for a
    request asked at `asked_at`, first the next morning (first_occurrence)."""
    ladder = _document_ladder(due)
    first = first_occurrence(due, asked_at, ladder) if asked_at is not None else None
    return [first, *ladder] if first is not None else ladder


def _document_ladder(due: date) -> list[Occurrence]:
    target = due.isoformat()
    return [
        Occurrence(
            "document-due-3d",
            "document-due-soon",
            _local(due - timedelta(days=3), DOCUMENT_SEND_TIME),
            _local(due, time(0)),
            target,
        ),
        Occurrence(
            "document-due-today",
            "document-due-today",
            _local(due, DOCUMENT_SEND_TIME),
            _local(due + timedelta(days=1), time(0)),
            target,
        ),
        Occurrence(
            "document-overdue",
            "document-overdue",
            _local(due + timedelta(days=1), DOCUMENT_SEND_TIME),
            _local(due + timedelta(days=1), DOCUMENT_SEND_TIME) + OVERDUE_VALID,
            target,
        ),
    ]


def appointment_occurrences(starts_at: datetime) -> list[Occurrence]:
    """The day before (10:00, until midnight) and two hours before (until the start)."""
    day = starts_at.astimezone(AMSTERDAM).date()
    target = starts_at.astimezone(clock.now().tzinfo).strftime("%Y%m%dT%H%MZ")
    return [
        Occurrence(
            "appointment-day-before",
            "appointment-day-before",
            _local(day - timedelta(days=1), DAY_BEFORE_SEND_TIME),
            _local(day, time(0)),
            target,
        ),
        Occurrence(
            "appointment-soon", "appointment-soon", starts_at - SOON_BEFORE, starts_at, target
        ),
    ]


def cancel_reminders_for(
    subject_type: str, subject_id: int | str, reason: str = "subject-cancelled"
) -> int:
    """Cancel every unsent reminder about this appointment or task (same transaction)."""
    db.session.flush()
    ids = list(
        db.session.scalars(
            select(Notification.id).where(
                Notification.subject_type == subject_type,
                Notification.subject_id == str(subject_id),
                Notification.status.in_(UNSENT),
            )
        )
    )
    return len(
        transition(ids, UNSENT, NotificationStatus.CANCELLED, status_reason=reason, detail=reason)
    )


def document_plan(task: Task, resident_id: int) -> SubjectPlan:
    assert task.due_date is not None
    return SubjectPlan(
        SUBJECT_TASK,
        str(task.id),
        resident_id,
        ReminderKind.DOCUMENT,
        {
            "title": task.title,
            "organisation": task.organisation.name,
            "due": task.due_date.isoformat(),
        },
        document_occurrences(task.due_date, task.created_at),
    )


def wants_document_reminders(task: Task) -> bool:
    return (
        task.kind is TaskKind.DOCUMENT
        and task.holder is Holder.RESIDENT
        and task.is_open
        and task.due_date is not None
    )


def plan_document_reminders(task: Task, *, now: datetime | None = None) -> int:
    """For a resident's document request: plan (or move) its reminders; cancel them when the
    task is closed or has no due date any more. Call after creating the task or changing its
    due date or status."""
    return plan_document_reminders_for([task], now=now)


def plan_document_reminders_for(tasks: Iterable[Task], *, now: datetime | None = None) -> int:
    """The same for many tasks at once (a bulk import, a nightly re-plan, the benchmark)."""
    tasks = list(tasks)
    db.session.flush()
    closing = [t for t in tasks if t.kind is TaskKind.DOCUMENT and not wants_document_reminders(t)]
    for task in closing:
        cancel_reminders_for(SUBJECT_TASK, task.id, reason="task-closed")
    planned = [t for t in tasks if wants_document_reminders(t)]
    residents = _residents_of_dossiers({t.dossier_id for t in planned})
    return apply_plans([document_plan(t, residents[t.dossier_id]) for t in planned], now=now)


def _residents_of_dossiers(dossier_ids: set[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    ids = sorted(dossier_ids)
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(Dossier.id, Dossier.resident_id).where(
                Dossier.id.in_(ids[start : start + CHUNK])
            )
        )
        found.update((dossier_id, resident_id) for dossier_id, resident_id in rows)
    return found


def plan_appointment_reminders(
    appointment_id: int | str,
    *,
    resident_id: int,
    starts_at: datetime,
    title: str = "",
    organisation: str = "",
    how: dict[str, str] | None = None,
    now: datetime | None = None,
) -> int:
    """For a booked or moved appointment: the day before and two hours before. Booking again
    with the same start is a no-op; a new start cancels the old reminders and plans new ones.
    For a cancelled appointment call cancel_reminders_for('appointment', id)."""
    plan = SubjectPlan(
        SUBJECT_APPOINTMENT,
        str(appointment_id),
        resident_id,
        ReminderKind.APPOINTMENT,
        {
            "title": title,
            "organisation": organisation,
            "starts_at": starts_at.isoformat(),
            **(how or {}),
        },
        appointment_occurrences(starts_at),
    )
    return apply_plans([plan], now=now)


class BookedAppointment(Protocol):
    """What plan_reminders_for_appointment needs (app.models.Appointment has it)."""

    id: int
    dossier_id: int

    @property
    def slot(self) -> Any: ...

    @property
    def task(self) -> Any: ...


def appointment_how(slot: Any) -> dict[str, str]:
    """How the appointment happens, as stored values the e-mail turns into words in the
    resident's language: the channel, who calls or receives, and where (or how the video link
    arrives). Desk without a location: the organisation's address."""
    location = slot.location or (slot.organisation.address if slot.channel == "desk" else "")
    return {"channel": str(slot.channel), "with_whom": slot.with_whom, "location": location}


def plan_reminders_for_appointment(
    appointment: BookedAppointment, *, title: str | None = None, now: datetime | None = None
) -> int:
    """The hook for app.services.appointments: call after booking or moving (once the new slot is
    held and flushed); for a cancelled appointment call cancel_reminders_for('appointment', id).
    `title` is what it is about (the topic); by default the task's title."""
    residents = _residents_of_dossiers({appointment.dossier_id})
    task = appointment.task
    if title is None:
        title = task.title if task is not None else ""
    return plan_appointment_reminders(
        appointment.id,
        resident_id=residents[appointment.dossier_id],
        starts_at=appointment.slot.starts_at,
        title=title,
        organisation=appointment.slot.organisation.name,
        how=appointment_how(appointment.slot),
        now=now,
    )
