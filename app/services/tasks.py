"""Creating and finishing dossier items. Each write records its timeline event."""

from __future__ import annotations

from datetime import date, datetime

from app.extensions import db
from app.models import Dossier, Holder, Organisation, Task, TaskKind
from app.models.base import utcnow
from app.services.notifications.planning import plan_document_reminders
from app.services.timeline import Actor, record_event


def add_task(
    dossier: Dossier,
    *,
    kind: TaskKind,
    holder: Holder,
    organisation: Organisation,
    title: str,
    actor: Actor,
    description: str = "",
    due_date: date | None = None,
    at: datetime | None = None,
) -> Task:
    when = at or utcnow()
    task = Task(
        dossier_id=dossier.id,
        kind=kind,
        holder=holder,
        organisation=organisation,
        title=title,
        description=description,
        due_date=due_date,
        created_at=when,
    )
    db.session.add(task)
    db.session.flush()
    kind_event = (
        "document_requested"
        if kind is TaskKind.DOCUMENT and holder is Holder.RESIDENT
        else "task_added"
    )
    record_event(
        dossier, kind_event, actor, subject=title, task=task, organisation=organisation, at=when
    )
    plan_document_reminders(task)  # resident document requests with a due date only
    return task


def complete_task(
    dossier: Dossier, task: Task, *, actor: Actor, at: datetime | None = None
) -> Task:
    when = at or utcnow()
    task.complete(when)
    plan_document_reminders(task)  # a closed task cancels its unsent reminders
    record_event(
        dossier,
        "task_done",
        actor,
        subject=task.title,
        task=task,
        organisation=task.organisation,
        at=when,
    )
    return task
