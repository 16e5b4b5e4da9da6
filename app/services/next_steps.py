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
    Document,
    DocumentStatus,
    Holder,
    Question,
    Task,
    TaskKind,
    TimelineEvent,
)


@dataclass(frozen=True)
class Step:
    """A link: where to go, and the words on it (a verb first: 'Stuur dit document')."""

    url: str
    label: str


def rejection_reasons(tasks: Iterable[Task]) -> dict[int, str]:
    """Task id -> why its newest file was not approved, for document requests whose newest file
    was turned down (a newer file waiting for review means the reason no longer applies)."""
    ids = [t.id for t in tasks if t.kind is TaskKind.DOCUMENT]
    if not ids:
        return {}
    newest: dict[int, tuple[DocumentStatus, str]] = {}
    rows = db.session.execute(
        select(Document.task_id, Document.status, Document.reason)
        .where(Document.task_id.in_(ids))
        .order_by(Document.uploaded_at, Document.id)
    )
    for task_id, status, reason in rows:
        newest[task_id] = (status, reason)
    return {
        task_id: reason
        for task_id, (status, reason) in newest.items()
        if status is DocumentStatus.REJECTED and reason
    }


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


def steps_for(tasks: Iterable[Task], url_for: LinkFor = flask_url_for) -> dict[int, Step]:
    """Task id -> the place where the resident does it (their own items) or reads more about it
    (the organisations' items)."""
    return _steps(_with_places(sorted({t.id for t in tasks})), url_for)


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
