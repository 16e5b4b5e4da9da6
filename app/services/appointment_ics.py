"""Appointments in words (when, how, where or who calls) and as an iCalendar file (RFC 5545)
in Europe/Amsterdam time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from app import clock
from app.dates import clock as clock_time
from app.dates import long_date
from app.extensions import db
from app.models import Appointment, AppointmentSlot, Channel, Dossier
from app.services.appointments import topic_text


def channel_text(channel: Channel) -> str:
    return {
        Channel.PHONE: gettext("By phone"),
        Channel.DESK: gettext("At the desk"),
        Channel.VIDEO: gettext("By video call"),
    }[channel]


def callback_number(appointment: Appointment) -> str:
    """The number the organisation calls (the dossier is already loaded on every page that
    shows an appointment, so this is the session's copy, not a query)."""
    dossier = db.session.get(Dossier, appointment.dossier_id)
    resident = dossier.resident if dossier is not None else None
    return resident.phone if resident is not None else ""


def where_text(appointment: Appointment) -> str:
    """Where to go, or who calls: the sentence the page, the summary and the .ics share."""
    slot = appointment.slot
    org = slot.organisation
    if slot.channel is Channel.PHONE:
        who = slot.with_whom or org.name
        number = callback_number(appointment)
        if number:
            return gettext(
                "%(who)s (%(organisation)s) calls you on %(phone)s.",
                who=who,
                organisation=org.name,
                phone=number,
            )
        return gettext("%(who)s (%(organisation)s) calls you.", who=who, organisation=org.name)
    if slot.channel is Channel.VIDEO:
        return slot.location or gettext("You will get the link for the video call in time.")
    return slot.location or org.address


def appointment_ics(appointment: Appointment) -> bytes:
    from icalendar import Calendar, Event  # on the first download, not in every worker (#20)

    slot = appointment.slot
    org = slot.organisation
    cal = Calendar()
    cal.add("prodid", "-//Mijn Overzicht//afspraken//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"afspraak-{appointment.id}-{slot.id}@mijn-overzicht")
    event.add("dtstamp", clock.now())
    event.add("dtstart", slot.starts_at.astimezone(clock.AMSTERDAM))
    event.add("dtend", slot.ends_at.astimezone(clock.AMSTERDAM))
    event.add("summary", f"{org.name}: {topic_text(appointment.topic)}")
    event.add("location", where_text(appointment))
    lines = [channel_text(slot.channel) + ".", where_text(appointment)]
    if slot.what_to_bring:
        lines.append(gettext("Bring: %(what)s", what=slot.what_to_bring))
    if org.phone:
        lines.append(gettext("Questions? Call %(phone)s.", phone=org.phone))
    event.add("description", "\n".join(lines))
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def slot_when(slot: AppointmentSlot, today: date) -> str:
    """'maandag 7 december om 10.00 uur' (Dutch long form; English in English)."""
    local = slot.starts_at.astimezone(clock.AMSTERDAM)
    return gettext(
        "%(date)s at %(time)s", date=long_date(local.date(), today), time=clock_time(local)
    )


@dataclass(frozen=True)
class SlotDay:
    """The free times of one day, for the booking page's day headings."""

    key: str  # 2026-12-07: the anchor of the day's heading
    heading: str  # 'maandag 7 december'
    slots: list[AppointmentSlot]


def slots_by_day(slots: list[AppointmentSlot], today: date) -> list[SlotDay]:
    """The free times grouped by their (Amsterdam) day, in the order given."""
    days: dict[date, list[AppointmentSlot]] = {}
    for slot in slots:
        days.setdefault(slot.starts_at.astimezone(clock.AMSTERDAM).date(), []).append(slot)
    return [SlotDay(d.isoformat(), long_date(d, today), found) for d, found in days.items()]


def slot_time(slot: AppointmentSlot) -> str:
    """'10.00 uur': the time alone, under the day's heading."""
    return clock_time(slot.starts_at.astimezone(clock.AMSTERDAM))
