"""Residents' answers to 'Was deze pagina duidelijk?', and what admins do with them.

Nothing personal is stored with an answer unless the resident ticks 'U mag mij bellen over mijn
reactie': then the answer points to the resident (the phone number stays in their account).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import Organisation, PageFeedback, Resident, StaffMember
from app.services.access_log import csv_line, record_access, safe_cell

COMMENT_MAX = 500


def record_answer(page: str, clear: bool, language: str) -> PageFeedback:
    answer = PageFeedback(page=page[:80], clear=clear, language=language, created_at=clock.now())
    db.session.add(answer)
    db.session.commit()
    return answer


def add_comment(answer: PageFeedback, comment: str, call_me: Resident | None) -> None:
    """The resident's words after 'Nee'; `call_me` only when they ticked the box."""
    answer.comment = comment.strip()[:COMMENT_MAX]
    answer.resident_id = call_me.id if call_me is not None else None
    db.session.commit()


def reactions_of(resident: Resident) -> list[PageFeedback]:
    """The answers that point to this resident (they ticked 'U mag mij bellen'), oldest first;
    for their data export. Anonymous answers point to nobody and are never returned."""
    return list(
        db.session.scalars(
            select(PageFeedback)
            .where(PageFeedback.resident_id == resident.id)
            .order_by(PageFeedback.created_at, PageFeedback.id)
        )
    )


def mark_handled(answer: PageFeedback, staff: StaffMember) -> None:
    if answer.handled_at is None:
        answer.handled_at = clock.now()
        answer.handled_by_staff_id = staff.id
        db.session.commit()


@dataclass(frozen=True)
class PageCount:
    page: str
    clear: int
    unclear: int


def counts_per_page() -> list[PageCount]:
    rows = db.session.execute(
        select(
            PageFeedback.page,
            func.sum(case((PageFeedback.clear.is_(True), 1), else_=0)),
            func.sum(case((PageFeedback.clear.is_(False), 1), else_=0)),
        )
        .group_by(PageFeedback.page)
        .order_by(PageFeedback.page)
    )
    return [PageCount(page, int(yes or 0), int(no or 0)) for page, yes, no in rows]


def comments(*, handled: bool, limit: int = 200) -> list[PageFeedback]:
    done = PageFeedback.handled_at.is_not(None) if handled else PageFeedback.handled_at.is_(None)
    return list(
        db.session.scalars(
            select(PageFeedback)
            .where(PageFeedback.comment != "", done)
            .options(selectinload(PageFeedback.resident))
            .order_by(PageFeedback.created_at.desc(), PageFeedback.id.desc())
            .limit(limit)
        )
    )


CSV_HEADER = ["when_utc", "page", "clear", "comment", "language", "call_me", "handled_utc"]


def csv_lines() -> Iterator[str]:
    """Every answer, oldest first; typed text defused against spreadsheet formulas."""
    yield csv_line(CSV_HEADER)
    stmt = (
        select(PageFeedback)
        .order_by(PageFeedback.created_at, PageFeedback.id)
        .execution_options(yield_per=500)
    )
    for answer in db.session.scalars(stmt):
        yield csv_line(
            [
                answer.created_at.isoformat(timespec="seconds"),
                answer.page,
                "yes" if answer.clear else "no",
                safe_cell(answer.comment),
                answer.language,
                "yes" if answer.resident_id else "no",
                answer.handled_at.isoformat(timespec="seconds") if answer.handled_at else "",
            ]
        )


def log_call_back(
    staff: StaffMember, organisation: Organisation | None, answer: PageFeedback
) -> None:
    """A beheerder opens the resident's phone number to call back: a read of their data, logged."""
    resident = answer.resident
    dossier = resident.dossier if resident is not None else None
    record_access(
        staff, organisation, dossier, "feedback_call_back", "admin", f"reactie {answer.id}"
    )
    db.session.commit()
