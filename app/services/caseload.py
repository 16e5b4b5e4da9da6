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
    Dossier,
    DossierOrganisation,
    Holder,
    Organisation,
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


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int


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


def _rows(filters: list[Any], today: date) -> Select[Any]:
    """The filtered dossiers with their open-task counts (one GROUP BY over the task index)."""
    is_resident = Task.holder == Holder.RESIDENT
    resident_open = func.count(case((is_resident, Task.id)))
    organisation_open = func.count(case((Task.holder == Holder.ORGANISATION, Task.id)))
    overdue = func.count(case((and_(is_resident, Task.due_date < today), Task.id)))
    light = case(
        (resident_open > 0, literal("red")),
        (organisation_open > 0, literal("orange")),
        else_=literal("green"),
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
            func.min(Task.due_date).label("next_due"),
        )
        .join(Resident, Resident.id == Dossier.resident_id)
        .outerjoin(Task, and_(Task.dossier_id == Dossier.id, Task.status == TaskStatus.OPEN))
        .where(*filters)
        .group_by(Dossier.id, Resident.first_name, Resident.last_name, Resident.date_of_birth)
    )


def caseload(
    org_ids: set[int], today: date, *, light: str = "", query: str = "", page: int = 1
) -> Page:
    query = " ".join(query.split())[:100]
    filters = _filters(org_ids, query)
    inner = _rows(filters, today).subquery()
    chosen = select(inner)
    if light in LIGHTS:
        chosen = chosen.where(inner.c.light == light)
        total = db.session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
    else:
        # Without a light filter the count needs no task counts: a cheap count of dossiers.
        total = (
            db.session.scalar(
                select(func.count(Dossier.id))
                .join(Resident, Resident.id == Dossier.resident_id)
                .where(*filters)
            )
            or 0
        )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    light_rank = case((inner.c.light == "red", 0), (inner.c.light == "orange", 1), else_=2)
    ordered = chosen.order_by(
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
        )
        for r in db.session.execute(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    ]
    return Page(rows, total, page, pages)


def caseload_detail(light: str, organisation_id: int | None, shown: Page, query: str) -> str:
    """What the list showed, for the access log: filter, page, how many dossiers, the search.

    The search goes last and is the part that gets cut, so the counts always fit."""
    head = (
        f"light={light or 'all'} org={organisation_id or 'all'} "
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
) -> None:
    """One access-log row per list view, not one per resident: the list is a read of many
    dossiers at once, and a row each would flood every resident's 'who looked' page."""
    detail = caseload_detail(light, filter_organisation_id, shown, query)
    record_access(staff, organisation, None, "view_caseload", "casework", detail)
    db.session.commit()
