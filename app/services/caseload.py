"""The caseload: the dossiers of my organisations, with their light, overdue first.

One query for the page and one for the count, whatever the number of residents: the light is
computed in SQL from the open tasks (same rules as app.services.traffic_light), the filter on
'linked to my organisations' is an EXISTS on the indexed link table. No BSN is ever selected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, select

from app.extensions import db
from app.models import (
    Document,
    DocumentStatus,
    Dossier,
    DossierOrganisation,
    Holder,
    Organisation,
    Question,
    QuestionStatus,
    Resident,
    StaffMember,
    Task,
    TaskStatus,
)
from app.services.access_log import record_access
from app.services.bsn import bsn_hash, is_valid_bsn
from app.services.notifications.preferences import InvalidPhone, normalise_mobile

PAGE_SIZE = 25
LIGHTS = ("red", "orange", "green")
# The staff's own words for where a dossier stands (the 'wacht' filter): waiting for the
# resident, waiting for us (our organisation has an item, an upload to check or a question to
# answer), or finished (nothing open for anyone).
WAITING = ("inwoner", "ons", "klaar")
_DATE = re.compile(r"^\s*(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})\s*$")
# A long run of digits in a search may be a BSN typed by habit: never into the log.
_LONG_NUMBER = re.compile(r"\d{7,}")
DETAIL_MAX = 200


@dataclass(frozen=True)
class Row:
    dossier_id: int
    name: str
    date_of_birth: date | None
    light: str
    overdue: int
    resident_open: int
    organisation_open: int
    next_due: date | None
    # For the staff member's organisations: their own open items, uploads waiting for a check,
    # questions waiting for an answer.
    our_open: int = 0
    to_review: int = 0
    questions: int = 0

    @property
    def waiting_for(self) -> str:
        """'ons' when we have work, else 'inwoner', 'anderen' (another organisation), 'klaar'."""
        if self.our_open or self.to_review or self.questions:
            return "ons"
        if self.resident_open:
            return "inwoner"
        if self.organisation_open:
            return "anderen"
        return "klaar"


@dataclass(frozen=True)
class Totals:
    """Over the whole filtered list (not one page): what needs our organisation now."""

    to_review: int = 0
    questions: int = 0
    overdue: int = 0
    ours: int = 0


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int
    totals: Totals = Totals()


def parse_birth_date(text: str) -> date | None:
    """'14-03-1968' (also with / or .) -> date; anything else -> None."""
    match = _DATE.match(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clean_bsn(text: str) -> str:
    """'1234.56.782', '123 456 782' -> '123456782' (the way a BSN is often written)."""
    return "".join(ch for ch in text if ch not in " .-")


def _as_phone(text: str) -> str:
    """A phone number in the search, in E.164 as stored; '' when it is not one."""
    if sum(ch.isdigit() for ch in text) < 10:
        return ""
    try:
        return normalise_mobile(text)
    except InvalidPhone:
        return ""


def _filters(org_ids: set[int], query: str) -> list[Any]:
    """Which dossiers: linked to my organisations (consent not revoked), matching the search."""
    mine = exists().where(
        DossierOrganisation.dossier_id == Dossier.id,
        DossierOrganisation.organisation_id.in_(org_ids or {-1}),
        DossierOrganisation.revoked_at.is_(None),
    )
    filters: list[Any] = [mine]
    if query:
        born = parse_birth_date(query)
        digits = clean_bsn(query)
        phone = _as_phone(query)
        if born is not None:
            filters.append(Resident.date_of_birth == born)
        elif is_valid_bsn(digits):
            # Exact, through the keyed hash: the BSN itself is never compared or selected.
            filters.append(Resident.bsn_hash == bsn_hash(digits))
        elif phone:
            filters.append(Resident.phone == phone)
        else:
            full = func.lower(Resident.first_name + literal(" ") + Resident.last_name)
            filters += [full.contains(w.lower(), autoescape=True) for w in query.split()]
    return filters


def _rows(filters: list[Any], today: date, org_ids: set[int]) -> Select[Any]:
    """The filtered dossiers with their open-task counts (one GROUP BY over the task index) and,
    for my organisations, the uploads to check and the questions to answer (correlated counts
    over indexes, so the statement count stays the same at any size)."""
    mine = list(org_ids or {-1})
    is_resident = Task.holder == Holder.RESIDENT
    is_organisation = Task.holder == Holder.ORGANISATION
    resident_open = func.count(case((is_resident, Task.id)))
    organisation_open = func.count(case((is_organisation, Task.id)))
    our_open = func.count(case((and_(is_organisation, Task.organisation_id.in_(mine)), Task.id)))
    overdue = func.count(case((and_(is_resident, Task.due_date < today), Task.id)))
    light = case(
        (resident_open > 0, literal("red")),
        (organisation_open > 0, literal("orange")),
        else_=literal("green"),
    )
    to_review = (
        select(func.count(Document.id))
        .where(
            Document.dossier_id == Dossier.id,
            Document.status == DocumentStatus.RECEIVED,
            Document.organisation_id.in_(mine),
        )
        .correlate(Dossier)
        .scalar_subquery()
    )
    questions = (
        select(func.count(Question.id))
        .where(
            Question.dossier_id == Dossier.id,
            Question.status == QuestionStatus.WAITING,
            Question.organisation_id.in_(mine),
        )
        .correlate(Dossier)
        .scalar_subquery()
    )
    return (
        select(
            Dossier.id,
            Resident.first_name,
            Resident.last_name,
            Resident.date_of_birth,
            light.label("light"),
            overdue.label("overdue"),
            resident_open.label("resident_open"),
            organisation_open.label("organisation_open"),
            our_open.label("our_open"),
            to_review.label("to_review"),
            questions.label("questions"),
            func.min(Task.due_date).label("next_due"),
        )
        .join(Resident, Resident.id == Dossier.resident_id)
        .outerjoin(Task, and_(Task.dossier_id == Dossier.id, Task.status == TaskStatus.OPEN))
        .where(*filters)
        .group_by(Dossier.id, Resident.first_name, Resident.last_name, Resident.date_of_birth)
    )


def _waiting_filter(inner: Any, waiting: str) -> Any:
    ours = (inner.c.our_open + inner.c.to_review + inner.c.questions) > 0
    if waiting == "ons":
        return ours
    if waiting == "inwoner":
        return inner.c.resident_open > 0
    return and_(
        inner.c.resident_open == 0,
        inner.c.organisation_open == 0,
        inner.c.to_review == 0,
        inner.c.questions == 0,
    )


def caseload(
    org_ids: set[int],
    today: date,
    *,
    light: str = "",
    waiting: str = "",
    query: str = "",
    page: int = 1,
) -> Page:
    query = " ".join(query.split())[:100]
    filters = _filters(org_ids, query)
    inner = _rows(filters, today, org_ids).subquery()
    chosen = select(inner)
    if light in LIGHTS:
        chosen = chosen.where(inner.c.light == light)
    if waiting in WAITING:
        chosen = chosen.where(_waiting_filter(inner, waiting))
    # One statement for the count and the totals of the whole filtered list.
    listed = chosen.subquery()
    ours = (listed.c.our_open + listed.c.to_review + listed.c.questions) > 0
    summary = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(listed.c.to_review), 0),
            func.coalesce(func.sum(listed.c.questions), 0),
            func.count(case((listed.c.overdue > 0, 1))),
            func.count(case((ours, 1))),
        ).select_from(listed)
    ).one()
    total = int(summary[0])
    totals = Totals(
        to_review=int(summary[1]),
        questions=int(summary[2]),
        overdue=int(summary[3]),
        ours=int(summary[4]),
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    light_rank = case((inner.c.light == "red", 0), (inner.c.light == "orange", 1), else_=2)
    our_work = (inner.c.our_open + inner.c.to_review + inner.c.questions) > 0
    ordered = chosen.order_by(
        our_work.desc(),  # our own organisation's work first
        (inner.c.overdue > 0).desc(),
        light_rank,
        inner.c.next_due.is_(None),
        inner.c.next_due,
        inner.c.last_name,
        inner.c.first_name,
        inner.c.id,
    )
    rows = [
        Row(
            dossier_id=r.id,
            name=f"{r.first_name} {r.last_name}",
            date_of_birth=r.date_of_birth,
            light=r.light,
            overdue=int(r.overdue),
            resident_open=int(r.resident_open),
            organisation_open=int(r.organisation_open),
            next_due=r.next_due,
            our_open=int(r.our_open),
            to_review=int(r.to_review),
            questions=int(r.questions),
        )
        for r in db.session.execute(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    ]
    return Page(rows, total, page, pages, totals)


def caseload_detail(
    light: str, organisation_id: int | None, shown: Page, query: str, waiting: str = ""
) -> str:
    """What the list showed, for the access log: filter, page, how many dossiers, the search.

    The search goes last and is the part that gets cut, so the counts always fit."""
    wait = f"wait={waiting} " if waiting else ""
    head = (
        f"light={light or 'all'} {wait}org={organisation_id or 'all'} "
        f"page={shown.page}/{shown.pages} shown={len(shown.rows)} of {shown.total}"
    )
    if not query:
        return head
    # A BSN or phone number, however written, never goes into the log.
    if is_valid_bsn(clean_bsn(query)) or _as_phone(query):
        search = "[number]"
    else:
        search = _LONG_NUMBER.sub("[number]", query)
    room = DETAIL_MAX - len(head) - len(' search=""')
    if len(search) > room:
        search = search[: room - 1] + "…"
    return f'{head} search="{search}"'


def record_caseload_view(
    staff: StaffMember,
    organisation: Organisation | None,
    shown: Page,
    *,
    light: str,
    filter_organisation_id: int | None,
    query: str,
    waiting: str = "",
) -> None:
    """One access-log row per list view, not one per resident: the list is a read of many
    dossiers at once, and a row each would flood every resident's 'who looked' page."""
    detail = caseload_detail(light, filter_organisation_id, shown, query, waiting)
    record_access(staff, organisation, None, "view_caseload", "casework", detail)
    db.session.commit()
