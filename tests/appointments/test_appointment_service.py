"""Appointment service: one booking per slot (also under a race), change deadline, timeline."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Appointment, AppointmentSlot, Channel, Organisation, TaskStatus
from app.services.accounts import resident_for_bsn
from app.services.appointment_ics import appointment_ics
from app.services.appointments import (
    AppointmentError,
    SlotTaken,
    book_appointment,
    cancel_appointment,
    free_slots,
    publish_slots,
    reschedule_appointment,
)
from app.services.overview import open_tasks
from app.services.timeline import Actor
from app.services.traffic_light import Light, light_for

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)


def dossier(bsn: str):  # type: ignore[no-untyped-def]
    resident = resident_for_bsn(bsn)
    assert resident is not None and resident.dossier is not None
    return resident.dossier


def later(slots: list[AppointmentSlot]) -> list[AppointmentSlot]:
    """Slots far enough ahead to be moved or cancelled online."""
    return [s for s in slots if s.starts_at > clock.now() + timedelta(days=2)]


def org(slug: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    assert found is not None
    return found


def test_booking_takes_the_slot_adds_an_item_and_an_event(app: Flask, seeded: None) -> None:
    sanne = dossier(GREEN)
    slot = later(free_slots(sanne))[0]
    with app.test_request_context():
        appointment = book_appointment(
            sanne, slot, "income", " Graag ochtend ", actor=Actor.resident()
        )
    assert appointment.held_slot_id == slot.id and appointment.note == "Graag ochtend"
    assert slot not in free_slots(sanne)
    assert light_for(open_tasks(sanne), clock.today()).light is Light.ORANGE
    with app.test_request_context():
        cancel_appointment(sanne, appointment, actor=Actor.resident())
    assert appointment.held_slot_id is None and appointment.task is not None
    assert appointment.task.status is TaskStatus.CANCELLED
    assert slot in free_slots(sanne)
    assert light_for(open_tasks(sanne), clock.today()).light is Light.GREEN


def test_the_database_refuses_a_second_booking_of_a_slot(app: Flask, seeded: None) -> None:
    slot = free_slots(dossier(GREEN))[0]
    for bsn in (GREEN, RED):
        db.session.add(
            Appointment(
                dossier_id=dossier(bsn).id, slot_id=slot.id, held_slot_id=slot.id, topic="other"
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_residents_racing_for_one_slot(app: Flask, seeded: None) -> None:
    """Two real connections book the same slot at the same moment: exactly one wins."""
    slot_id = free_slots(dossier(GREEN), organisation_id=org("gemeente-rijnstad").id)[0].id
    dossier_ids = [dossier(GREEN).id, dossier(RED).id]
    db.session.remove()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def book(dossier_id: int) -> None:
        from app.models import Dossier

        with app.app_context(), app.test_request_context():
            d = db.session.get(Dossier, dossier_id)
            slot = db.session.get(AppointmentSlot, slot_id)
            barrier.wait()
            try:
                book_appointment(d, slot, "money", "", actor=Actor.resident())
                results.append("booked")
            except SlotTaken:
                results.append("taken")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(i,)) for i in dossier_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["booked", "taken"]
    held = select(func.count()).where(Appointment.held_slot_id == slot_id)
    assert db.session.scalar(held) == 1


def test_refused_slots(app: Flask, seeded: None) -> None:
    kees = dossier(ORANGE)  # only Schuldhulpverlening in his dossier
    other_org = free_slots(dossier(GREEN), organisation_id=org("gemeente-rijnstad").id)[0]
    with app.test_request_context():
        with pytest.raises(AppointmentError):
            book_appointment(kees, other_org, "money", "", actor=Actor.resident())
        past = publish_slots(
            org("schuldhulp-rijnstreek"),
            [clock.now() - timedelta(hours=1)],
            minutes=30,
            channel=Channel.PHONE,
        )[0]
        with pytest.raises(AppointmentError):
            book_appointment(kees, past, "money", "", actor=Actor.resident())
        with pytest.raises(AppointmentError):
            book_appointment(kees, free_slots(kees)[0], "nonsense", "", actor=Actor.resident())


def test_move_and_the_change_deadline(app: Flask, seeded: None) -> None:
    kees = dossier(ORANGE)
    first, second = later(free_slots(kees))[:2]
    with app.test_request_context():
        appointment = book_appointment(kees, first, "money", "", actor=Actor.resident())
        reschedule_appointment(kees, appointment, second, actor=Actor.resident())
    assert appointment.slot_id == second.id and appointment.held_slot_id == second.id
    assert first in free_slots(kees)
    assert appointment.task is not None
    assert appointment.task.due_date == second.starts_at.astimezone(clock.AMSTERDAM).date()
    with time_machine.travel(second.starts_at - timedelta(hours=2)), app.test_request_context():
        with pytest.raises(AppointmentError, match="0172 46 59 00"):
            cancel_appointment(kees, appointment, actor=Actor.resident())
        with pytest.raises(AppointmentError):
            reschedule_appointment(kees, appointment, first, actor=Actor.resident())


def test_ics_is_valid_icalendar_in_amsterdam_time(app: Flask, seeded: None) -> None:
    kees = dossier(ORANGE)
    slot = free_slots(kees)[0]
    with app.test_request_context():
        appointment = book_appointment(kees, slot, "money", "", actor=Actor.resident())
        data = appointment_ics(appointment)
    cal = Calendar.from_ical(data)
    (event,) = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert start == slot.starts_at
    assert event.decoded("dtend") - start == timedelta(minutes=slot.minutes)
    assert "Schuldhulpverlening Rijnstreek" in str(event["summary"])
    assert cal.walk("VTIMEZONE"), "the time zone travels with the file"
