"""The printable summary: what it says, and who may get it.

The same Summary feeds the HTML print view and the PDF (app.services.summary_pdf). It is built from
the overview (app.services.overview) so the paper and the screen never disagree.

Staff side: the staff dossier view and assisted mode (app.staff) call
`summary_for(Viewer.for_staff(staff), dossier.resident, today)` for the print view, and
`app.services.summary_pdf.request_pdf(...)` with the same viewer for the PDF. Both check
`may_print` and record the staff read through `app.services.access_log.record_staff_print`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TypeVar

from flask import current_app
from flask_babel import format_date, gettext
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.language import help_hours
from app.models import Appointment as AppointmentModel
from app.models import AppointmentSlot, Channel, Dossier, Resident, StaffMember
from app.services.access_log import record_staff_print
from app.services.appointment_ics import callback_number, channel_text, slot_when, where_text
from app.services.appointments import appointments_of, topic_text
from app.services.overview import Item, Overview, build_overview, heading, light_sentence
from app.services.staff_visibility import StaffReading

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """How many items of each list the summary shows; the rest is counted ("And 3 more things"),
    never dropped silently. The PDF tries smaller limits until it fits on two A4 pages."""

    to_do: int = 6
    organisation_items: int = 4
    appointments: int = 3
    # Each organisation's own words about what it does (Contact.about); residents also read
    # them on their account page, so the tightest summary leaves them out.
    about: bool = True


# From roomy to tight; the last one fits two pages whatever the dossier holds.
LIMITS = (
    Limits(),
    Limits(4, 3, 2),
    Limits(3, 2, 1),
    Limits(2, 1, 1),
    Limits(2, 1, 1, about=False),
)


class SummaryForbidden(PermissionError):
    """The viewer may not see this resident's summary."""


@dataclass(frozen=True)
class Viewer:
    """Who asks for the summary: the resident themself, or a staff member (helper)."""

    kind: str  # "resident" or "staff"
    id: int
    organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def for_resident(cls, resident: Resident) -> Viewer:
        return cls("resident", resident.id)

    @classmethod
    def for_staff(cls, staff: StaffMember) -> Viewer:
        return cls("staff", staff.id, frozenset(m.organisation_id for m in staff.memberships))

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"


def may_print(viewer: Viewer, resident: Resident) -> bool:
    """The resident gets only their own summary; staff only when one of their organisations is
    in the dossier by the resident's consent (a revoked consent ends access)."""
    dossier = resident.dossier
    if dossier is None:
        return False
    if viewer.kind == "resident":
        return viewer.id == resident.id
    if viewer.kind == "staff":
        return any(org.id in viewer.organisation_ids for org in dossier.organisations)
    return False


def authorise(viewer: Viewer, resident: Resident, what: str) -> Dossier:
    if not may_print(viewer, resident):
        raise SummaryForbidden(f"viewer {viewer.kind}:{viewer.id} may not print this summary")
    dossier = resident.dossier
    assert dossier is not None  # may_print checked it
    if viewer.is_staff:
        # Every staff read of a dossier belongs in the resident's access log.
        record_staff_print(viewer.id, dossier, what)
    return dossier


@dataclass(frozen=True)
class UpcomingAppointment:
    """A booked appointment that has not ended, in the words the paper shows (also what the PDF
    cache key hashes, through the HTML)."""

    id: int
    starts_at: datetime
    when: str
    organisation: str
    topic: str
    channel: str
    is_desk: bool
    # Desk: the address. Video: how the link arrives. Phone: who calls.
    where: str
    # Desk and video only: by phone `where` already says who calls.
    with_whom: str
    what_to_bring: str
    phone: str


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    address: str
    opening_hours: str
    # What the organisation does for the resident (its beheerder's words), cut short for paper.
    about: str = ""


# The 'about' text on paper: its first sentence, and at most this many characters, so the
# summary stays within two pages with every organisation of the dossier.
ABOUT_MAX = 140


def short_about(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    first = text[: end + 1] if end != -1 else text
    if len(first) <= ABOUT_MAX:
        return first
    return first[: ABOUT_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass(frozen=True)
class Summary:
    overview: Overview
    title: str
    heading: str
    made_on: str
    light_sentence: str
    to_do: list[Item]
    to_do_more: int
    organisation_items: list[Item]
    organisation_items_more: int
    appointments: list[UpcomingAppointment]
    appointments_more: int
    contacts: list[Contact]
    portal_url: str
    help_phone: str
    help_hours: str
    # Task id -> why the newest file for that request was not approved.
    rejections: dict[int, str] = field(default_factory=dict)

    @property
    def resident(self) -> Resident:
        return self.overview.resident

    @property
    def light(self) -> str:
        return self.overview.light.value


def made_on_text(today: date) -> str:
    # Paper is kept for months, so unlike the screen the year is always written.
    return format_date(today, "EEEE d MMMM y")


def _capped(items: list[T], limit: int) -> tuple[list[T], int]:
    return items[:limit], max(0, len(items) - limit)


def _with_whom(slot: AppointmentSlot) -> str:
    org = slot.organisation.name
    if slot.channel is Channel.PHONE:
        return ""  # where_text says who calls
    if slot.with_whom:
        return gettext("With %(who)s from %(organisation)s.", who=slot.with_whom, organisation=org)
    return gettext("With: %(organisation)s.", organisation=org)


def _where(appointment: AppointmentModel) -> str:
    slot = appointment.slot
    if slot.channel is Channel.PHONE and not slot.with_whom:
        # where_text would say "Gemeente (Gemeente) belt u".
        number = callback_number(appointment)
        if number:
            return gettext(
                "%(organisation)s calls you on %(phone)s.",
                organisation=slot.organisation.name,
                phone=number,
            )
        return gettext("%(organisation)s calls you.", organisation=slot.organisation.name)
    return where_text(appointment)


def upcoming_appointments(dossier: Dossier, today: date) -> list[UpcomingAppointment]:
    """Booked appointments that have not ended yet, soonest first. Cancelled and past ones are not
    on the paper; the Task a booking also makes is left out of the other lists (build_summary)."""
    now = clock.now()
    shown = []
    for appointment in appointments_of(dossier):
        slot = appointment.slot
        if not appointment.is_booked or slot.ends_at <= now:
            continue
        shown.append(
            UpcomingAppointment(
                id=appointment.id,
                starts_at=slot.starts_at,
                when=slot_when(slot, today),
                organisation=slot.organisation.name,
                topic=topic_text(appointment.topic),
                channel=channel_text(slot.channel),
                is_desk=slot.channel is Channel.DESK,
                where=_where(appointment),
                with_whom=_with_whom(slot),
                what_to_bring=slot.what_to_bring,
                phone=slot.organisation.phone,
            )
        )
    return shown


def summary_for(viewer: Viewer, resident: Resident, today: date, what: str = "print") -> Summary:
    """Check the viewer, then build the summary (in the current locale). Staff read it outside
    assisted mode: other organisations' questions and descriptions are left out
    (app.services.staff_visibility)."""
    dossier = authorise(viewer, resident, what)
    summary = build_summary(resident, today)
    return read_by_staff(summary, dossier, viewer.organisation_ids) if viewer.is_staff else summary


def read_by_staff(summary: Summary, dossier: Dossier, organisation_ids: Iterable[int]) -> Summary:
    """The summary as staff of these organisations may read it outside assisted mode (the print
    view and the PDF alike): other organisations' questions and descriptions left out."""
    reading = StaffReading.of(dossier, organisation_ids)
    own_tasks = {i.task.id for i in summary.to_do if reading.may_read(i.task.organisation_id)}
    return replace(
        summary,
        rejections={k: v for k, v in summary.rejections.items() if k in own_tasks},
        overview=reading.overview(summary.overview),
        to_do=[reading.item(i) for i in summary.to_do],
        organisation_items=[reading.item(i) for i in summary.organisation_items],
    )


def build_summary(resident: Resident, today: date, limits: Limits = LIMITS[0]) -> Summary:
    overview = build_overview(resident, today, news_count=0)
    appointments = upcoming_appointments(overview.dossier, today)
    # A booking is also an appointment-kind Task: shown once, as the appointment above it.
    booked_task_ids = {
        task_id
        for task_id in db.session.scalars(
            select(AppointmentModel.task_id).where(
                AppointmentModel.dossier_id == overview.dossier.id,
                AppointmentModel.task_id.is_not(None),
            )
        )
    }

    def not_booking(i: Item) -> bool:
        return i.task.id not in booked_task_ids

    to_do, to_do_more = _capped([i for i in overview.for_resident if not_booking(i)], limits.to_do)
    org_items, org_more = _capped(
        [i for i in overview.for_organisations if not_booking(i)], limits.organisation_items
    )
    shown_appointments, appointments_more = _capped(appointments, limits.appointments)
    contacts = [
        Contact(
            o.name,
            o.phone,
            o.email,
            o.address,
            o.opening_hours,
            short_about(o.about) if limits.about else "",
        )
        for o in sorted(overview.dossier.organisations, key=lambda o: o.name)
    ]
    made_on = made_on_text(today)
    title = gettext("Overview for %(name)s", name=resident.full_name)
    config = current_app.config
    return Summary(
        overview=overview,
        title=title,
        heading=heading(overview.light),
        made_on=made_on,
        light_sentence=light_sentence(overview.state),
        to_do=to_do,
        to_do_more=to_do_more,
        organisation_items=org_items,
        organisation_items_more=org_more,
        appointments=shown_appointments,
        appointments_more=appointments_more,
        contacts=contacts,
        portal_url=config.get("PORTAL_URL") or config["SAML_SP_BASE_URL"],
        help_phone=config["HELP_PHONE"],
        help_hours=help_hours(),
        rejections={
            i.task.id: overview.rejections[i.task.id]
            for i in to_do
            if i.task.id in overview.rejections
        },
    )
