"""Who may see which dossier, and the access log of every staff read and action.

Rights: a staff member sees a dossier only while one of their organisations is linked to it by
the resident's consent (DossierOrganisation with revoked_at empty). Every staff route goes
through `dossier_for_staff`, which answers None for anything else (the route then says 404).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import has_request_context, session
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import clock
from app.clock import AMSTERDAM
from app.extensions import db
from app.models import AccessLog, Dossier, DossierOrganisation, Organisation, StaffMember

# Staff prints also go to this log (record_staff_print), besides the AccessLog row.
access_logger = logging.getLogger("mijn_overzicht.access")

# What the resident reads on 'Wie heeft mijn gegevens bekeken'.
ACTION_TEXTS = {
    "view_dossier": lazy_gettext("Looked at your dossier"),
    "view_as_resident": lazy_gettext("Looked at your overview with you"),
    "download_document": lazy_gettext("Opened a document you sent"),
    "resend_reminder": lazy_gettext("Sent a failed reminder to you again"),
    "review_document": lazy_gettext("Checked a document you sent"),
    "add_task": lazy_gettext("Added an item to your dossier"),
    "complete_task": lazy_gettext("Marked an item as done"),
    "record_contact": lazy_gettext("Wrote down a conversation with you"),
    "upload_for_resident": lazy_gettext("Sent a document for you"),
    "book_for_resident": lazy_gettext("Made an appointment for you"),
    "ask_for_resident": lazy_gettext("Asked a question for you"),
    "answer_question": lazy_gettext("Answered your question"),
    "print_summary": lazy_gettext("Printed your overview"),
    "listen_summary": lazy_gettext("Listened to your overview"),
    "export_data": lazy_gettext("Made a download of all your data for you"),
    "close_dossier": lazy_gettext("Closed your dossier"),
    "feedback_call_back": lazy_gettext(
        "Looked up your phone number to call you about your reaction"
    ),
    "publish_slots": lazy_gettext("Published appointment times"),
    "export_log": lazy_gettext("Exported the access log"),
    "register_resident": lazy_gettext("Registered you in Mijn Overzicht"),
    "link_organisation": lazy_gettext("Wrote down that you gave an organisation access"),
    # No dossier: in the beheerder's export only.
    "edit_organisation": lazy_gettext("Changed the organisation's details"),
    # No dossier: the platform administrator added the organisation (/beheer/organisaties/nieuw).
    "add_organisation": lazy_gettext("Added the organisation"),
    # No dossier (dossier_id NULL): in the beheerder's export, never on a resident's page.
    "view_caseload": lazy_gettext("Looked at the caseload list"),
}
WHY_TEXTS = {
    "casework": lazy_gettext("Work on your dossier"),
    "assisted": lazy_gettext("Helping you by phone or at the desk"),
    "print": lazy_gettext("Printing your overview"),
    "admin": lazy_gettext("Administration"),
}


def staff_org_ids(staff: StaffMember) -> set[int]:
    return {m.organisation_id for m in staff.memberships}


def linked_org_ids(dossier: Dossier) -> set[int]:
    return {link.organisation_id for link in dossier.links if link.revoked_at is None}


# The organisation a staff member with several memberships chose to act for (session only:
# start_staff_session and logout clear the whole session, so a choice never outlives a login).
ACTING_KEY = "staff_acting_org"


def chosen_organisation_id(staff: StaffMember) -> int | None:
    """The organisation this staff member chose in this session, if it is still one of theirs.

    Checked against the memberships on every call: a membership removed since the choice is
    simply not used any more."""
    if not has_request_context():
        return None
    value = session.get(ACTING_KEY)
    if not isinstance(value, dict) or value.get("staff") != staff.id:
        return None
    org_id = value.get("org")
    return org_id if isinstance(org_id, int) and org_id in staff_org_ids(staff) else None


def choose_organisation(staff: StaffMember, organisation_id: int) -> Organisation | None:
    """Act for this organisation from now on; None (and no change) when not a member of it."""
    membership = next((m for m in staff.memberships if m.organisation_id == organisation_id), None)
    if membership is None:
        return None
    session[ACTING_KEY] = {"staff": staff.id, "org": organisation_id}
    return membership.organisation


def working_organisation(staff: StaffMember) -> Organisation | None:
    """Who the staff member works for outside a dossier: the chosen one, else the lowest id."""
    chosen = chosen_organisation_id(staff)
    memberships = sorted(staff.memberships, key=lambda m: m.organisation_id)
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership.organisation
    return memberships[0].organisation if memberships else None


def acting_organisation(staff: StaffMember, dossier: Dossier) -> Organisation | None:
    """The staff member's organisation that works on this dossier: the chosen one when it is
    linked to the dossier, else the lowest shared id. The choice never widens the rights: with
    no live link to any of the member's organisations the answer is None."""
    shared = staff_org_ids(staff) & linked_org_ids(dossier)
    if not shared:
        return None
    chosen = chosen_organisation_id(staff)
    return db.session.get(Organisation, chosen if chosen in shared else min(shared))


@dataclass(frozen=True)
class StaffDossier:
    dossier: Dossier
    organisation: Organisation


def dossier_for_staff(staff: StaffMember, dossier_id: int) -> StaffDossier | None:
    """The dossier and the organisation the staff member acts for, or None (no right)."""
    dossier = db.session.scalar(
        select(Dossier)
        .where(Dossier.id == dossier_id)
        .options(selectinload(Dossier.links).selectinload(DossierOrganisation.organisation))
    )
    if dossier is None:
        return None
    organisation = acting_organisation(staff, dossier)
    if organisation is None:
        return None
    return StaffDossier(dossier, organisation)


@dataclass(frozen=True)
class AccessEntry:
    """A staff action, to be logged in the transaction of the change it is about: the service
    that makes the change records it just before its own commit, so the row and the change land
    together or not at all, and a refused change leaves no half-written row behind."""

    staff: StaffMember
    organisation: Organisation | None
    dossier: Dossier | None
    action: str
    why: str
    detail: str = ""

    def record(self) -> AccessLog:
        return record_access(
            self.staff, self.organisation, self.dossier, self.action, self.why, self.detail
        )


def record_access(
    staff: StaffMember,
    organisation: Organisation | None,
    dossier: Dossier | None,
    action: str,
    why: str,
    detail: str = "",
) -> AccessLog:
    """Add one row (the caller commits, in the same transaction as any change it logs)."""
    if action not in ACTION_TEXTS:
        raise ValueError(f"unknown access action {action!r}")
    if why not in WHY_TEXTS:
        raise ValueError(f"unknown why-category {why!r}")
    entry = AccessLog(
        occurred_at=clock.now(),
        staff_id=staff.id,
        organisation_id=organisation.id if organisation else None,
        dossier_id=dossier.id if dossier else None,
        action=action,
        why=why,
        detail=detail[:200],
    )
    db.session.add(entry)
    return entry


def record_staff_print(staff_id: int, dossier: Dossier, what: str) -> None:
    """For app.services.summary: a staff print of a resident's summary, or its spoken version
    (what="audio"), committed here and written to the "mijn_overzicht.access" log too."""
    staff = db.session.get(StaffMember, staff_id)
    if staff is None:
        return
    action = "listen_summary" if what == "audio" else "print_summary"
    record_access(staff, acting_organisation(staff, dossier), dossier, action, "print", what)
    db.session.commit()
    # Also in the application log: the operators' trail, kept apart from the resident's view.
    access_logger.info(
        "staff print", extra={"staff_id": staff_id, "dossier_id": dossier.id, "what": what}
    )


@dataclass(frozen=True)
class Entry:
    occurred_at: datetime
    staff: str
    organisation: str
    what: str
    why: str


def entries_for_dossier(dossier: Dossier, limit: int = 20) -> list[Entry]:
    """Newest first, for the resident's account page."""
    rows = db.session.scalars(
        select(AccessLog)
        .where(AccessLog.dossier_id == dossier.id)
        .options(selectinload(AccessLog.staff), selectinload(AccessLog.organisation))
        .order_by(AccessLog.occurred_at.desc(), AccessLog.id.desc())
        .limit(limit)
    )
    return [
        Entry(
            r.occurred_at,
            r.staff.name,
            r.organisation.name if r.organisation else "",
            str(ACTION_TEXTS[r.action]),
            str(WHY_TEXTS[r.why]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class DayGroup:
    """One staff member's reads and actions in a dossier on one day, for the resident."""

    day: date
    last_at: datetime
    staff: str
    organisation: str
    whats: list[str]
    whys: list[str]
    count: int


def grouped_for_dossier(dossier: Dossier, *, groups: int = 10, rows: int = 500) -> list[DayGroup]:
    """'Who looked at my data', short: per staff member per day (Amsterdam time), newest first,
    with what they did and why. Built from the newest `rows` entries (one query)."""
    entries = db.session.scalars(
        select(AccessLog)
        .where(AccessLog.dossier_id == dossier.id)
        .options(selectinload(AccessLog.staff), selectinload(AccessLog.organisation))
        .order_by(AccessLog.occurred_at.desc(), AccessLog.id.desc())
        .limit(rows)
    )
    found: dict[tuple[date, int, int | None], dict[str, Any]] = {}
    for r in entries:
        key = (r.occurred_at.astimezone(AMSTERDAM).date(), r.staff_id, r.organisation_id)
        group = found.get(key)
        if group is None:
            if len(found) == groups:
                continue
            group = found[key] = {
                "last_at": r.occurred_at,
                "staff": r.staff.name,
                "organisation": r.organisation.name if r.organisation else "",
                "whats": [],
                "whys": [],
                "count": 0,
            }
        group["count"] += 1
        for name, text in (("whats", ACTION_TEXTS[r.action]), ("whys", WHY_TEXTS[r.why])):
            if str(text) not in group[name]:
                group[name].append(str(text))
    return [DayGroup(day=key[0], **group) for key, group in found.items()]


HISTORY_PAGE_SIZE = 100


def history_page(dossier: Dossier, page: int) -> tuple[list[Entry], int, int]:
    """The full list, one line per entry, newest first: (entries, page, pages)."""
    total = (
        db.session.scalar(
            select(func.count(AccessLog.id)).where(AccessLog.dossier_id == dossier.id)
        )
        or 0
    )
    pages = max(1, -(-total // HISTORY_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        select(AccessLog)
        .where(AccessLog.dossier_id == dossier.id)
        .options(selectinload(AccessLog.staff), selectinload(AccessLog.organisation))
        .order_by(AccessLog.occurred_at.desc(), AccessLog.id.desc())
        .limit(HISTORY_PAGE_SIZE)
        .offset((page - 1) * HISTORY_PAGE_SIZE)
    )
    return [_entry(r) for r in rows], page, pages


def _entry(r: AccessLog) -> Entry:
    return Entry(
        r.occurred_at,
        r.staff.name,
        r.organisation.name if r.organisation else "",
        str(ACTION_TEXTS[r.action]),
        str(WHY_TEXTS[r.why]),
    )


CSV_HEADER = [
    "when_utc",
    "staff_id",
    "staff",
    "organisation",
    "dossier_id",
    "action",
    "why",
    "detail",
]


def export_rows(organisation_ids: Iterable[int]) -> Iterator[list[str]]:
    """Every entry of these organisations, oldest first, streamed in batches."""
    stmt = (
        select(AccessLog)
        .where(AccessLog.organisation_id.in_(list(organisation_ids)))
        .options(selectinload(AccessLog.staff), selectinload(AccessLog.organisation))
        .order_by(AccessLog.occurred_at, AccessLog.id)
        .execution_options(yield_per=500)
    )
    for r in db.session.scalars(stmt):
        yield [
            r.occurred_at.isoformat(timespec="seconds"),
            str(r.staff_id),
            safe_cell(r.staff.name),
            safe_cell(r.organisation.name if r.organisation else ""),
            str(r.dossier_id or ""),
            r.action,
            r.why,
            # What was seen or done (filters of a list view, a document name): staff typed parts.
            safe_cell(r.detail or ""),
        ]


def safe_cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_line(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue()


def record_export(staff: StaffMember, organisations: list[Organisation]) -> None:
    """A beheerder exports the access log of their organisations: one row each (committed)."""
    for organisation in organisations:
        record_access(staff, organisation, None, "export_log", "admin")
    db.session.commit()
