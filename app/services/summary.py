"""The printable summary: what it says, and who may get it.

The same Summary feeds the HTML print view and the PDF (app.services.summary_pdf). It is built from
the overview (app.services.overview) so the paper and the screen never disagree.

Staff side: the staff dossier view and assisted mode (app.staff) call
`summary_for(Viewer.for_staff(staff), dossier.resident, today)` for the print view, and
`app.services.summary_pdf.request_pdf(...)` with the same viewer for the PDF. Both check
`may_print` and record the staff read through `record_staff_print`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from flask import current_app
from flask_babel import format_date, gettext

from app.models import Dossier, Holder, Resident, StaffMember, TaskKind
from app.services.overview import Item, Overview, build_overview, heading, light_sentence

# Every staff print is also written here, besides the AccessLog row (see record_staff_print).
access_logger = logging.getLogger("mijn_overzicht.access")

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """How many items of each list the summary shows; the rest is counted ("And 3 more things"),
    never dropped silently. The PDF tries smaller limits until it fits on two A4 pages."""

    to_do: int = 6
    organisation_items: int = 4
    appointments: int = 3


# From roomy to tight; the last one fits two pages whatever the dossier holds.
LIMITS = (Limits(), Limits(4, 3, 2), Limits(3, 2, 1), Limits(2, 1, 1))


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


def record_staff_print(viewer: Viewer, dossier: Dossier, what: str) -> None:
    """Every staff read of a dossier belongs in the resident's access log (an AccessLog row)."""
    from app.services.access_log import record_staff_print as record

    access_logger.info(
        "staff print", extra={"staff_id": viewer.id, "dossier_id": dossier.id, "what": what}
    )
    record(viewer.id, dossier, what)


def authorise(viewer: Viewer, resident: Resident, what: str) -> Dossier:
    if not may_print(viewer, resident):
        raise SummaryForbidden(f"viewer {viewer.kind}:{viewer.id} may not print this summary")
    dossier = resident.dossier
    assert dossier is not None  # may_print checked it
    if viewer.is_staff:
        record_staff_print(viewer, dossier, what)
    return dossier


@dataclass(frozen=True)
class Appointment:
    """An open appointment-kind task, until the Appointment model (slot, place, channel) exists."""

    title: str
    organisation: str
    phone: str
    when: str | None
    due_date: date | None
    past: bool
    for_resident: bool


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str
    address: str
    opening_hours: str


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
    appointments: list[Appointment]
    appointments_more: int
    contacts: list[Contact]
    portal_url: str
    help_phone: str
    help_hours: str

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


def _appointment(item: Item, today: date) -> Appointment:
    org = item.task.organisation
    return Appointment(
        title=item.title,
        organisation=item.organisation,
        phone=org.phone,
        when=item.due,
        due_date=item.task.due_date,
        past=item.task.due_date is not None and item.task.due_date < today,
        for_resident=item.task.holder is Holder.RESIDENT,
    )


def summary_for(viewer: Viewer, resident: Resident, today: date, what: str = "print") -> Summary:
    """Check the viewer, then build the summary (in the current locale)."""
    authorise(viewer, resident, what)
    return build_summary(resident, today)


def build_summary(resident: Resident, today: date, limits: Limits = LIMITS[0]) -> Summary:
    overview = build_overview(resident, today, news_count=0)
    items = overview.for_resident + overview.for_organisations
    appointments = [_appointment(i, today) for i in items if i.task.kind is TaskKind.APPOINTMENT]

    def not_appointment(i: Item) -> bool:
        return i.task.kind is not TaskKind.APPOINTMENT

    to_do, to_do_more = _capped(
        [i for i in overview.for_resident if not_appointment(i)], limits.to_do
    )
    org_items, org_more = _capped(
        [i for i in overview.for_organisations if not_appointment(i)], limits.organisation_items
    )
    # Soonest first, undated last: the overview already sorts each list by due date.
    appointments.sort(key=lambda a: (a.due_date is None, a.due_date or date.max))
    shown_appointments, appointments_more = _capped(appointments, limits.appointments)
    contacts = [
        Contact(o.name, o.phone, o.email, o.address, o.opening_hours)
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
        help_hours=config["HELP_HOURS"],
    )
