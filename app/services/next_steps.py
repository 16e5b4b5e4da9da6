"""Where each item is done or read about: the link an overview item, the 'do this now' box and a
timeline entry lead to, and why a sent document was not approved.

Built for a list of tasks at once, in one query (and one for the reasons), so the overview and the
timeline stay a fixed number of queries however many items they show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import url_for as flask_url_for
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Appointment,
    Holder,
    Question,
    Task,
    TaskKind,
    TimelineEvent,
)
from app.services.overview import Overview


@dataclass(frozen=True)
class Step:
    """A link: where to go, and the words on it (a verb first: 'Stuur dit document')."""

    url: str
    label: str


def _with_places(task_ids: list[int]) -> list[tuple[Task, int | None, int | None]]:
    """The tasks with their question thread and appointment, if any: one query."""
    if not task_ids:
        return []
    rows = db.session.execute(
        select(Task, Question.id, Appointment.id)
        .outerjoin(Question, Question.task_id == Task.id)
        .outerjoin(Appointment, Appointment.task_id == Task.id)
        .where(Task.id.in_(task_ids))
    )
    return [(task, question_id, appointment_id) for task, question_id, appointment_id in rows]


# Builds a URL like flask.url_for; staff's assisted view passes one that opens its own pages.
LinkFor = Callable[..., str]


def _steps(rows: list[tuple[Task, int | None, int | None]], url_for: LinkFor) -> dict[int, Step]:
    steps: dict[int, Step] = {}
    for task, question_id, appointment_id in rows:
        step = _step(task, question_id, appointment_id, url_for)
        if step is not None:
            steps[task.id] = step
    return steps


def _step(
    task: Task, question_id: int | None, appointment_id: int | None, url_for: LinkFor
) -> Step | None:
    mine = task.holder is Holder.RESIDENT and task.is_open
    if task.kind is TaskKind.DOCUMENT:
        if mine:
            return Step(url_for("documents.upload", task_id=task.id), gettext("Send this document"))
        return Step(
            url_for("documents.index", _anchor=f"document-{task.id}"),
            gettext("See your documents"),
        )
    if task.kind is TaskKind.QUESTION:
        if question_id is not None:
            return Step(
                url_for("questions.thread", question_id=question_id),
                gettext("Read your question"),
            )
        return Step(url_for("questions.index"), gettext("See your questions"))
    if task.kind is TaskKind.APPOINTMENT:
        if appointment_id is not None:
            return Step(
                url_for("appointments.index", _anchor=f"afspraak-{appointment_id}"),
                gettext("See your appointment"),
            )
        if mine:
            return Step(
                url_for("appointments.book", organisatie=task.organisation.slug),
                gettext("Make an appointment"),
            )
        return Step(url_for("appointments.index"), gettext("See your appointments"))
    # A step has no page of its own: the resident can ask the organisation about it.
    if task.is_open:
        return Step(url_for("questions.ask", over=task.id), gettext("Ask a question about this"))
    return None


def steps_for_events(
    events: Iterable[TimelineEvent], url_for: LinkFor = flask_url_for
) -> dict[int, Step]:
    """Event id -> the place the timeline entry is about (its document, thread or appointment)."""
    events = list(events)
    task_ids = sorted({e.task_id for e in events if e.task_id is not None})
    by_task = _steps(_with_places(task_ids), url_for)
    return {
        e.id: by_task[e.task_id] for e in events if e.task_id is not None and e.task_id in by_task
    }


@dataclass(frozen=True)
class OverviewLinks:
    steps: dict[int, Step]  # task id -> step, for the items
    rejections: dict[int, str]  # task id -> reason, for the resident's own items
    news_steps: dict[int, Step]  # event id -> step, for the news lines


def overview_links(overview: Overview, url_for: LinkFor = flask_url_for) -> OverviewLinks:
    """Where the overview's items and news lead, from what build_overview fetched with the tasks
    (no statement of its own)."""
    by_task = _steps(list(overview.places.values()), url_for)
    items = overview.for_resident + overview.for_organisations
    news = [n.event for n in overview.news if n.event.task_id is not None]
    return OverviewLinks(
        steps={i.task.id: by_task[i.task.id] for i in items if i.task.id in by_task},
        rejections={
            i.task.id: overview.rejections[i.task.id]
            for i in overview.for_resident
            if i.task.id in overview.rejections
        },
        news_steps={e.id: by_task[e.task_id] for e in news if e.task_id in by_task},
    )
