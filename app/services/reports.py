"""Figures for the municipality (/beheer/rapportage): per month (UTC) and per organisation.

Every figure is counted in the database (GROUP BY month and organisation), except the median
answer time, which needs each question's first answer. Only the organisations asked for are
counted: a beheerder sees their own.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import Integer, and_, case, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    ActorType,
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Document,
    DossierOrganisation,
    Notification,
    Organisation,
    Question,
    QuestionMessage,
    Task,
    TaskStatus,
    TimelineEvent,
)
from app.models.notification import FAILED, NotificationStatus

SENT = (NotificationStatus.SENT, NotificationStatus.DELIVERED, *FAILED)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    columns: list[str]
    # (month 'YYYY-MM', organisation name, values...) sorted by month then organisation.
    rows: list[tuple[Any, ...]]
    # Which value column the chart shows.
    chart_column: int = 2


def month_of(column: Any, *, timestamp: bool = True) -> ColumnElement[str]:
    """'YYYY-MM' of a timestamp (in UTC) or date column, on SQLite and PostgreSQL alike."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column) if timestamp else column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _since(start: date) -> datetime:
    return datetime(start.year, start.month, 1, tzinfo=UTC)


def _names(org_ids: Iterable[int]) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(org_ids)))
        ).all()
    )


def active_residents(org_ids: list[int], start: date) -> Figure:
    month = month_of(TimelineEvent.occurred_at)
    rows = db.session.execute(
        select(
            month,
            DossierOrganisation.organisation_id,
            func.count(func.distinct(TimelineEvent.dossier_id)),
        )
        .join(DossierOrganisation, DossierOrganisation.dossier_id == TimelineEvent.dossier_id)
        .where(
            TimelineEvent.actor_type == ActorType.RESIDENT,
            TimelineEvent.occurred_at >= _since(start),
            DossierOrganisation.organisation_id.in_(org_ids),
        )
        .group_by(month, DossierOrganisation.organisation_id)
    ).all()
    names = _names(org_ids)
    return Figure(
        "actief",
        str(lazy_gettext("Residents who did something themselves")),
        [
            str(lazy_gettext("Month")),
            str(lazy_gettext("Organisation")),
            str(lazy_gettext("Residents")),
        ],
        sorted((m, names[o], n) for m, o, n in rows),
    )


def documents(org_ids: list[int], start: date) -> Figure:
    month = month_of(Document.uploaded_at)
    by_staff = func.sum(case((Document.uploaded_by_staff_id.is_not(None), 1), else_=0))
    rows = db.session.execute(
        select(month, Document.organisation_id, func.count(), by_staff)
        .where(Document.uploaded_at >= _since(start), Document.organisation_id.in_(org_ids))
        .group_by(month, Document.organisation_id)
    ).all()
    names = _names(org_ids)
    out = []
    for m, o, total, staff in rows:
        own = total - int(staff or 0)
        out.append((m, names[o], own, int(staff or 0), round(100 * own / total)))
    return Figure(
        "documenten",
        str(lazy_gettext("Documents sent by residents themselves and by staff for them")),
        [
            str(lazy_gettext("Month")),
            str(lazy_gettext("Organisation")),
            str(lazy_gettext("By the resident")),
            str(lazy_gettext("By staff for the resident")),
            str(lazy_gettext("Share by the resident (%)")),
        ],
        sorted(out),
        chart_column=4,
    )


def questions(org_ids: list[int], start: date) -> Figure:
    first_answer = (
        select(QuestionMessage.question_id, func.min(QuestionMessage.created_at).label("at"))
        .where(QuestionMessage.staff_id.is_not(None))
        .group_by(QuestionMessage.question_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            month_of(Question.created_at),
            Question.organisation_id,
            Question.created_at,
            first_answer.c.at,
        )
        .outerjoin(first_answer, first_answer.c.question_id == Question.id)
        .where(Question.created_at >= _since(start), Question.organisation_id.in_(org_ids))
    ).all()
    names = _names(org_ids)
    asked: dict[tuple[str, int], int] = defaultdict(int)
    waits: dict[tuple[str, int], list[float]] = defaultdict(list)
    for m, o, created, answered in rows:
        asked[(m, o)] += 1
        if answered is not None:
            if isinstance(answered, str):  # SQLite gives an aggregate back as text
                answered = datetime.fromisoformat(answered)
            if answered.tzinfo is None:
                created = created.replace(tzinfo=None)
            waits[(m, o)].append((answered - created).total_seconds() / 3600)
    out = [
        (
            m,
            names[o],
            n,
            len(waits[(m, o)]),
            round(statistics.median(waits[(m, o)]), 1) if waits[(m, o)] else None,
        )
        for (m, o), n in asked.items()
    ]
    return Figure(
        "vragen",
        str(lazy_gettext("Questions asked and the median time to an answer")),
        [
            str(lazy_gettext("Month")),
            str(lazy_gettext("Organisation")),
            str(lazy_gettext("Questions")),
            str(lazy_gettext("Answered")),
            str(lazy_gettext("Median hours to an answer")),
        ],
        sorted(out, key=lambda r: (r[0], r[1])),
    )


def appointments(org_ids: list[int], start: date) -> Figure:
    month = month_of(AppointmentSlot.starts_at)
    rows = db.session.execute(
        select(month, AppointmentSlot.organisation_id, AppointmentSlot.channel, func.count())
        # A booked appointment holds its slot (held_slot_id, unique and indexed); cancelled
        # and moved ones hold none, so each is counted once, where it is now.
        .select_from(Appointment)
        .join(AppointmentSlot, AppointmentSlot.id == Appointment.held_slot_id)
        .where(
            Appointment.status == AppointmentStatus.BOOKED,
            AppointmentSlot.starts_at >= _since(start),
            AppointmentSlot.organisation_id.in_(org_ids),
        )
        .group_by(month, AppointmentSlot.organisation_id, AppointmentSlot.channel)
    ).all()
    names = _names(org_ids)
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m, o, channel, n in rows:
        table[(m, names[o])][str(channel.value if hasattr(channel, "value") else channel)] += n
    out = [
        (m, o, c["phone"], c["desk"], c["video"], c["phone"] + c["desk"] + c["video"])
        for (m, o), c in table.items()
    ]
    return Figure(
        "afspraken",
        str(lazy_gettext("Appointments by channel")),
        [
            str(lazy_gettext("Month")),
            str(lazy_gettext("Organisation")),
            str(lazy_gettext("Phone")),
            str(lazy_gettext("Desk")),
            str(lazy_gettext("Video")),
            str(lazy_gettext("Total")),
        ],
        sorted(out),
        chart_column=5,
    )


def reminders(org_ids: list[int], start: date) -> Figure:
    """Reminders and notices per channel: sent, delivered, failed. A reminder counts for the
    organisation of the item or appointment it is about."""
    month = month_of(Notification.created_at)
    delivered = func.sum(case((Notification.status == NotificationStatus.DELIVERED, 1), else_=0))
    failed = func.sum(case((Notification.status.in_(list(FAILED)), 1), else_=0))
    counted = (month, Notification.channel, func.count(), delivered, failed)
    base = and_(Notification.created_at >= _since(start), Notification.status.in_(list(SENT)))
    about_task = db.session.execute(
        select(*counted, Task.organisation_id)
        .join(
            Task,
            and_(
                Notification.subject_type == "task",
                Task.id == cast(Notification.subject_id, Integer),
            ),
        )
        .where(base, Task.organisation_id.in_(org_ids))
        .group_by(month, Notification.channel, Task.organisation_id)
    ).all()
    about_appointment = db.session.execute(
        select(*counted, AppointmentSlot.organisation_id)
        .join(
            Appointment,
            and_(
                Notification.subject_type == "appointment",
                Appointment.id == cast(Notification.subject_id, Integer),
            ),
        )
        .join(AppointmentSlot, AppointmentSlot.id == Appointment.slot_id)
        .where(base, AppointmentSlot.organisation_id.in_(org_ids))
        .group_by(month, Notification.channel, AppointmentSlot.organisation_id)
    ).all()
    names = _names(org_ids)
    table: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for m, channel, sent, ok, bad, o in [*about_task, *about_appointment]:
        key = (m, names[o], str(channel.value if hasattr(channel, "value") else channel))
        table[key][0] += sent
        table[key][1] += int(ok or 0)
        table[key][2] += int(bad or 0)
    return Figure(
        "herinneringen",
        str(lazy_gettext("Reminders and notices sent, delivered and failed, per channel")),
        [
            str(lazy_gettext("Month")),
            str(lazy_gettext("Organisation")),
            str(lazy_gettext("Channel")),
            str(lazy_gettext("Sent")),
            str(lazy_gettext("Delivered")),
            str(lazy_gettext("Failed")),
        ],
        sorted((m, o, c, *v) for (m, o, c), v in table.items()),
        chart_column=3,
    )


def overdue(org_ids: list[int], start: date, today: date) -> Figure:
    """Open items whose date has passed, by the month of that date."""
    month = month_of(Task.due_date, timestamp=False)
    rows = db.session.execute(
        select(month, Task.organisation_id, func.count())
        .where(
            Task.status == TaskStatus.OPEN,
            Task.due_date < today,
            Task.due_date >= start.replace(day=1),
            Task.organisation_id.in_(org_ids),
        )
        .group_by(month, Task.organisation_id)
    ).all()
    names = _names(org_ids)
    return Figure(
        "te-laat",
        str(lazy_gettext("Open items past their date")),
        [str(lazy_gettext("Month")), str(lazy_gettext("Organisation")), str(lazy_gettext("Items"))],
        sorted((m, names[o], n) for m, o, n in rows),
    )


def all_figures(org_ids: Iterable[int], start: date, today: date) -> list[Figure]:
    ids = sorted(set(org_ids))
    return [
        active_residents(ids, start),
        documents(ids, start),
        questions(ids, start),
        appointments(ids, start),
        reminders(ids, start),
        overdue(ids, start, today),
    ]
