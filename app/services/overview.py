"""What the resident overview (and the printed summary) shows, built once for both."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from flask_babel import gettext, ngettext
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload

from app.dates import long_date, when
from app.extensions import db
from app.models import (
    Appointment,
    Document,
    DocumentStatus,
    Dossier,
    Holder,
    Question,
    Resident,
    Task,
    TaskStatus,
    TimelineEvent,
)
from app.services.timeline import actor_text, event_text, latest_events
from app.services.traffic_light import Light, LightState, light_for


@dataclass(frozen=True)
class Item:
    """One line of the to-do list, with the sentence a screen reader or 'Lees voor' speaks."""

    task: Task
    title: str
    organisation: str
    due: str | None
    overdue: bool
    sentence: str


@dataclass(frozen=True)
class News:
    text: str
    actor: str
    occurred_at_text: str
    event: TimelineEvent


@dataclass(frozen=True)
class Overview:
    resident: Resident
    dossier: Dossier
    state: LightState
    for_resident: list[Item]
    for_organisations: list[Item]
    news: list[News]
    today: date
    # Task id -> (task, its question thread id, its appointment id): where each item and news
    # line leads (app.services.next_steps), fetched with the tasks.
    places: dict[int, Place] = field(default_factory=dict)
    # Task id -> why the newest file of that document request was turned down.
    rejections: dict[int, str] = field(default_factory=dict)

    @property
    def light(self) -> Light:
        return self.state.light

    @property
    def most_urgent(self) -> Item | None:
        items = self.for_resident or self.for_organisations
        return items[0] if items else None


def heading(light: Light) -> str:
    return {
        Light.RED: gettext("There is something you need to do"),
        Light.ORANGE: gettext("We are working on your dossier"),
        Light.GREEN: gettext("Everything is in order"),
    }[light]


def light_words(light: Light | str) -> str:
    light = Light(light)
    return {
        Light.RED: gettext("Action needed from you"),
        Light.ORANGE: gettext("We are working on it"),
        Light.GREEN: gettext("Done"),
    }[light]


def light_sentence(state: LightState) -> str:
    """The single clear sentence for screen readers and 'Lees voor'."""
    if state.light is Light.RED:
        n = len(state.resident_items)
        sentence = ngettext(
            "Your dossier is red: you need to do %(num)d thing.",
            "Your dossier is red: you need to do %(num)d things.",
            n,
        )
        if state.overdue:
            sentence += " " + gettext("Something is late.")
        return sentence
    if state.light is Light.ORANGE:
        return gettext(
            "Your dossier is orange: an organisation is working on it. "
            "You do not need to do anything now."
        )
    return gettext("Your dossier is green: everything is in order.")


def _item(task: Task, today: date) -> Item:
    org = task.organisation.name
    due = long_date(task.due_date, today) if task.due_date else None
    overdue = task.is_overdue(today)
    if task.holder is Holder.RESIDENT:
        if overdue and due:
            sentence = gettext(
                "%(title)s, for %(organisation)s. This is late: it was due on %(date)s.",
                title=task.title,
                organisation=org,
                date=due,
            )
        elif due:
            sentence = gettext(
                "%(title)s, for %(organisation)s. Do this by %(date)s.",
                title=task.title,
                organisation=org,
                date=due,
            )
        else:
            sentence = gettext(
                "%(title)s, for %(organisation)s.", title=task.title, organisation=org
            )
    elif due:
        sentence = gettext(
            "%(organisation)s is working on: %(title)s. You do not need to do "
            "anything. Expected ready on %(date)s.",
            organisation=org,
            title=task.title,
            date=due,
        )
    else:
        sentence = gettext(
            "%(organisation)s is working on: %(title)s. You do not need to do anything.",
            organisation=org,
            title=task.title,
        )
    return Item(task, task.title, org, due, overdue, sentence)


def open_tasks(dossier: Dossier) -> list[Task]:
    stmt = (
        select(Task)
        .where(Task.dossier_id == dossier.id, Task.status == TaskStatus.OPEN)
        .options(joinedload(Task.organisation))
    )
    return list(db.session.scalars(stmt))


Place = tuple[Task, int | None, int | None]


@cache
def _tasks_and_places_statement() -> Select[Task, int, int, DocumentStatus, str]:
    """Built once per process (a statement built anew per request costs more than its query)."""
    newest_file = (
        select(Document.id)
        .where(Document.task_id == Task.id)
        .order_by(Document.uploaded_at.desc(), Document.id.desc())
        .limit(1)
        .correlate(Task)
        .scalar_subquery()
    )
    return (
        select(Task, Question.id, Appointment.id, Document.status, Document.reason)
        .outerjoin(Question, Question.task_id == Task.id)
        .outerjoin(Appointment, Appointment.task_id == Task.id)
        .outerjoin(Document, Document.id == newest_file)
        .where(
            Task.dossier_id == bindparam("dossier_id"),
            or_(Task.status == TaskStatus.OPEN, Task.id.in_(bindparam("also", expanding=True))),
        )
        .options(joinedload(Task.organisation))
    )


def _tasks_and_places(
    dossier: Dossier, also: set[int]
) -> tuple[list[Task], dict[int, Place], dict[int, str]]:
    """The open tasks (and the tasks in `also`: what the news is about) in one statement, each
    with its question thread, its appointment and its newest file's rejection reason."""
    rows = db.session.execute(
        _tasks_and_places_statement(), {"dossier_id": dossier.id, "also": sorted(also)}
    )
    open_ones: list[Task] = []
    places: dict[int, Place] = {}
    rejections: dict[int, str] = {}
    for task, question_id, appointment_id, status, reason in rows:
        if task.id in places:  # a second thread or appointment of one task: the first leads
            continue
        places[task.id] = (task, question_id, appointment_id)
        if task.status is TaskStatus.OPEN:
            open_ones.append(task)
        if status is DocumentStatus.REJECTED and reason:
            rejections[task.id] = reason
    return open_ones, places, rejections


def build_overview(resident: Resident, today: date, news_count: int = 3) -> Overview:
    """Four statements in all, whatever the history: the resident with the dossier (loaded at
    login), the latest events, the tasks with where they lead, and (in the view) the next
    appointment."""
    dossier = resident.dossier
    if dossier is None:
        raise LookupError("resident has no dossier")
    events = latest_events(dossier, news_count) if news_count else []
    tasks, places, rejections = _tasks_and_places(
        dossier, {e.task_id for e in events if e.task_id is not None}
    )
    state = light_for(tasks, today)
    news = [News(event_text(e), actor_text(e), when(e.occurred_at, today), e) for e in events]
    return Overview(
        places=places,
        rejections=rejections,
        resident=resident,
        dossier=dossier,
        state=state,
        for_resident=[_item(t, today) for t in state.resident_items],
        for_organisations=[_item(t, today) for t in state.organisation_items],
        news=news,
        today=today,
    )
