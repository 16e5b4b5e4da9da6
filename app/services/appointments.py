"""Appointments: organisations publish slots, residents book, move and cancel them.

One booking per slot is guaranteed by a unique constraint on Appointment.held_slot_id, not by a
check-then-insert: when two requests race, the database refuses the second and it gets SlotTaken.
Each booking is an organisation Task of kind appointment (so the light and the summary see it)
and every change lands in the timeline in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext, lazy_gettext
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from app import clock
from app.extensions import db
from app.models import (
    ActorType,
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Channel,
    Dossier,
    Holder,
    Organisation,
    Task,
    TaskKind,
)
from app.services.access_log import AccessEntry
from app.services.notifications.changes import Change, notify_change
from app.services.notifications.planning import cancel_reminders_for, plan_reminders_for_appointment
from app.services.timeline import Actor, record_event

TOPICS = {
    "money": lazy_gettext("Money and debts"),
    "income": lazy_gettext("Income and benefits"),
    "housing": lazy_gettext("Housing and rent"),
    "papers": lazy_gettext("Help with letters and forms"),
    "other": lazy_gettext("Something else"),
}


class AppointmentError(Exception):
    """Refused, with a message the resident can read."""


class SlotTaken(AppointmentError):
    pass


def topic_text(key: str) -> str:
    return str(TOPICS.get(key, TOPICS["other"]))


def publish_slots(
    organisation: Organisation,
    starts: list[datetime],
    *,
    minutes: int,
    channel: Channel,
    location: str = "",
    with_whom: str = "",
    what_to_bring: str = "",
) -> list[AppointmentSlot]:
    """Staff (or the demo seed) offer times. Start times must be aware datetimes."""
    slots = [
        AppointmentSlot(
            organisation=organisation,
            starts_at=start,
            minutes=minutes,
            channel=channel,
            location=location,
            with_whom=with_whom,
            what_to_bring=what_to_bring,
        )
        for start in starts
    ]
    db.session.add_all(slots)
    db.session.flush()
    return slots


def free_slots(
    dossier: Dossier, *, organisation_id: int | None = None, limit: int = 40
) -> list[AppointmentSlot]:
    """Future, unbooked slots of the organisations in this dossier, soonest first."""
    org_ids = [o.id for o in dossier.organisations]
    if organisation_id is not None:
        org_ids = [i for i in org_ids if i == organisation_id]
    held = select(Appointment.held_slot_id).where(Appointment.held_slot_id.is_not(None))
    stmt = (
        select(AppointmentSlot)
        .where(
            AppointmentSlot.organisation_id.in_(org_ids),
            AppointmentSlot.starts_at > clock.now(),
            AppointmentSlot.id.not_in(held),
        )
        .options(selectinload(AppointmentSlot.organisation))
        .order_by(AppointmentSlot.starts_at, AppointmentSlot.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def appointments_of(dossier: Dossier) -> list[Appointment]:
    stmt = (
        select(Appointment)
        .where(Appointment.dossier_id == dossier.id)
        .options(selectinload(Appointment.slot).selectinload(AppointmentSlot.organisation))
    )
    return sorted(db.session.scalars(stmt), key=lambda a: a.slot.starts_at)


def next_appointment(dossier: Dossier) -> Appointment | None:
    """The first booked appointment that has not ended: one statement, whatever the history.
    SQL picks the booked ones that started at most a day ago (a slot lasts minutes, not days:
    ends_at is computed, SQLite and PostgreSQL do date arithmetic differently); Python then
    checks the end."""
    now = clock.now()
    params = {"dossier_id": dossier.id, "since": now - timedelta(days=1)}
    found = db.session.scalars(_next_appointment_statement(), params)
    return next((a for a in found if a.slot.ends_at > now), None)


@cache
def _next_appointment_statement() -> Select[Appointment]:
    """Built once per process: the overview asks on every request."""
    return (
        select(Appointment)
        .join(Appointment.slot)
        .where(
            Appointment.dossier_id == bindparam("dossier_id"),
            Appointment.status == AppointmentStatus.BOOKED,
            AppointmentSlot.starts_at > bindparam("since"),
        )
        .order_by(AppointmentSlot.starts_at, Appointment.id)
        .options(contains_eager(Appointment.slot).joinedload(AppointmentSlot.organisation))
    )


def dossier_appointment(dossier: Dossier, appointment_id: int) -> Appointment | None:
    found = db.session.get(Appointment, appointment_id)
    if found is None or found.dossier_id != dossier.id:
        return None
    return found


def can_change(appointment: Appointment) -> bool:
    hours = int(current_app.config["APPOINTMENT_CHANGE_HOURS"])
    return appointment.is_booked and appointment.slot.starts_at - clock.now() >= timedelta(
        hours=hours
    )


def _check_slot(dossier: Dossier, slot: AppointmentSlot | None) -> AppointmentSlot:
    if slot is None or slot.organisation_id not in {o.id for o in dossier.organisations}:
        raise AppointmentError(gettext("Choose one of the times below."))
    if slot.starts_at <= clock.now():
        raise AppointmentError(gettext("This time has already passed. Choose another time."))
    return slot


def _hold(appointment: Appointment, slot: AppointmentSlot) -> None:
    """Take the slot; the unique constraint refuses it when someone else was quicker."""
    appointment.slot = slot
    appointment.held_slot_id = slot.id
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise SlotTaken(
            gettext("Someone else just booked this time. Choose another time.")
        ) from None


def _title(topic: str) -> str:
    return gettext("Appointment: %(topic)s", topic=topic_text(topic))


def _tell_resident(dossier: Dossier, actor: Actor, change: Change, org: Organisation) -> None:
    """Staff booked, moved or cancelled it: the resident hears (a change notice)."""
    if actor.type is ActorType.STAFF:
        notify_change(dossier.resident_id, change, org.name)


def book_appointment(
    dossier: Dossier,
    slot: AppointmentSlot | None,
    topic: str,
    note: str,
    *,
    actor: Actor,
    audit: AccessEntry | None = None,
) -> Appointment:
    """Book a free slot. `audit`: a staff member booking for the resident, logged in the same
    transaction."""
    slot = _check_slot(dossier, slot)
    if topic not in TOPICS:
        raise AppointmentError(gettext("Choose what the appointment is about."))
    now = clock.now()
    appointment = Appointment(
        dossier_id=dossier.id, topic=topic, note=note.strip(), booked_at=now, slot_id=slot.id
    )
    db.session.add(appointment)
    _hold(appointment, slot)
    task = Task(
        dossier_id=dossier.id,
        kind=TaskKind.APPOINTMENT,
        holder=Holder.ORGANISATION,
        organisation_id=slot.organisation_id,
        title=_title(topic),
        due_date=slot.starts_at.astimezone(clock.AMSTERDAM).date(),
        created_at=now,
    )
    db.session.add(task)
    db.session.flush()
    appointment.task_id = task.id
    record_event(
        dossier,
        "appointment_booked",
        actor,
        subject=topic_text(topic),
        task=task,
        organisation=slot.organisation,
        at=now,
    )
    _tell_resident(dossier, actor, Change.APPOINTMENT_BOOKED, slot.organisation)
    # Day before and 2 hours before; the e-mail says what it is about without "Appointment:".
    plan_reminders_for_appointment(appointment, title=topic_text(topic))
    if audit is not None:
        audit.record()
    db.session.commit()
    return appointment


def reschedule_appointment(
    dossier: Dossier, appointment: Appointment, slot: AppointmentSlot | None, *, actor: Actor
) -> Appointment:
    if not appointment.is_booked:
        raise AppointmentError(already_cancelled_message())
    if not can_change(appointment):
        raise AppointmentError(too_late_message(appointment))
    slot = _check_slot(dossier, slot)
    if slot.organisation_id != appointment.slot.organisation_id:
        raise AppointmentError(gettext("Choose one of the times below."))
    now = clock.now()
    appointment.held_slot_id = None
    db.session.flush()
    _hold(appointment, slot)
    if appointment.task is not None:
        appointment.task.due_date = slot.starts_at.astimezone(clock.AMSTERDAM).date()
    record_event(
        dossier,
        "appointment_moved",
        actor,
        subject=topic_text(appointment.topic),
        task=appointment.task,
        organisation=slot.organisation,
        at=now,
    )
    _tell_resident(dossier, actor, Change.APPOINTMENT_MOVED, slot.organisation)
    # Cancels the old time's reminders.
    plan_reminders_for_appointment(appointment, title=topic_text(appointment.topic))
    db.session.commit()
    return appointment


def cancel_appointment(dossier: Dossier, appointment: Appointment, *, actor: Actor) -> None:
    if not appointment.is_booked:
        raise AppointmentError(already_cancelled_message())
    if not can_change(appointment):
        raise AppointmentError(too_late_message(appointment))
    now = clock.now()
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.held_slot_id = None
    task = appointment.task
    if task is not None and task.is_open:
        task.cancel(now)
    record_event(
        dossier,
        "appointment_cancelled",
        actor,
        subject=topic_text(appointment.topic),
        task=task,
        organisation=appointment.slot.organisation,
        at=now,
    )
    cancel_reminders_for("appointment", appointment.id)
    _tell_resident(dossier, actor, Change.APPOINTMENT_CANCELLED, appointment.slot.organisation)
    db.session.commit()


def already_cancelled_message() -> str:
    return gettext("This appointment is already cancelled. You do not need to do anything.")


def too_late_message(appointment: Appointment) -> str:
    org = appointment.slot.organisation
    return gettext(
        "This appointment is too soon to change it here. Please call %(organisation)s on "
        "%(phone)s.",
        organisation=org.name,
        phone=org.phone,
    )
