"""Questions: a resident asks one of the dossier's organisations (optionally about an item,
optionally with a file checked by the upload rules); staff answer; new answers are flagged
until the resident opens the thread.

A waiting question is an organisation Task of kind question (the light shows 'we are working
on it'); answering completes it; a follow-up from the resident opens a new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import (
    Document,
    Dossier,
    Holder,
    Organisation,
    Question,
    QuestionMessage,
    QuestionStatus,
    StaffMember,
    Task,
    TaskKind,
)
from app.services.access_log import AccessEntry
from app.services.documents import new_document
from app.services.notifications.changes import Change, notify_change
from app.services.storage import Storage, kept_only_if_committed
from app.services.timeline import Actor, record_event
from app.services.uploads import CheckedFile

MAX_TEXT = 2000
SUBJECT_CHARS = 80


class QuestionError(Exception):
    pass


def subject_of(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= SUBJECT_CHARS else words[: SUBJECT_CHARS - 1].rstrip() + "…"


def questions_of(dossier: Dossier) -> list[Question]:
    stmt = (
        select(Question)
        .where(Question.dossier_id == dossier.id)
        .options(selectinload(Question.messages), selectinload(Question.organisation))
        .order_by(Question.created_at.desc(), Question.id.desc())
    )
    return list(db.session.scalars(stmt))


def dossier_question(dossier: Dossier, question_id: int) -> Question | None:
    found = db.session.get(Question, question_id)
    if found is None or found.dossier_id != dossier.id:
        return None
    return found


def _answer_task(dossier: Dossier, question: Question, at: datetime) -> Task:
    task = Task(
        dossier_id=dossier.id,
        kind=TaskKind.QUESTION,
        holder=Holder.ORGANISATION,
        organisation_id=question.organisation_id,
        title=gettext("Answer your question: %(subject)s", subject=question.subject),
        created_at=at,
    )
    db.session.add(task)
    db.session.flush()
    question.task_id = task.id
    return task


def _attach(
    dossier: Dossier,
    task: Task,
    file: CheckedFile,
    storage: Storage,
    at: datetime,
    keys: list[str],
) -> Document:
    """Store the file and add its row; its key goes into `keys` at once, so a failure after the
    file was stored still removes it (kept_only_if_committed)."""
    saved = storage.save(file.upload.stream)  # type: ignore[arg-type]
    keys.append(saved.key)
    doc = new_document(dossier, task, file, saved, at, unrequested=True)
    db.session.add(doc)
    db.session.flush()
    return doc


def _check_text(text: str) -> str:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise QuestionError("question text is empty or too long")
    return text


def ask_question(
    dossier: Dossier,
    organisation: Organisation,
    text: str,
    *,
    actor: Actor,
    about: Task | None = None,
    attachment: CheckedFile | None = None,
    storage: Storage | None = None,
    audit: AccessEntry | None = None,
) -> Question:
    if organisation not in dossier.organisations:
        raise QuestionError("organisation is not part of this dossier")
    if about is not None and about.dossier_id != dossier.id:
        raise QuestionError("that item is not in this dossier")
    text = _check_text(text)
    now = clock.now()
    keys: list[str] = []
    with kept_only_if_committed(storage, keys):
        question = Question(
            dossier_id=dossier.id,
            organisation_id=organisation.id,
            subject=subject_of(text),
            about_task_id=about.id if about else None,
            created_at=now,
        )
        db.session.add(question)
        db.session.flush()
        task = _answer_task(dossier, question, now)
        doc = None
        if attachment is not None and storage is not None:
            doc = _attach(dossier, task, attachment, storage, now, keys)
        db.session.add(
            QuestionMessage(
                question_id=question.id,
                body=text,
                created_at=now,
                document_id=doc.id if doc else None,
            )
        )
        record_event(
            dossier,
            "question_asked",
            actor,
            subject=question.subject,
            task=task,
            organisation=organisation,
            at=now,
        )
        if audit is not None:
            audit.record()
    return question


def follow_up(
    dossier: Dossier,
    question: Question,
    text: str,
    *,
    actor: Actor,
    attachment: CheckedFile | None = None,
    storage: Storage | None = None,
) -> QuestionMessage:
    """The resident adds to a thread: the organisation has something to answer again."""
    text = _check_text(text)
    now = clock.now()
    keys: list[str] = []
    with kept_only_if_committed(storage, keys):
        task = question.task
        if task is None or not task.is_open:
            task = _answer_task(dossier, question, now)
        question.status = QuestionStatus.WAITING
        doc = None
        if attachment is not None and storage is not None:
            doc = _attach(dossier, task, attachment, storage, now, keys)
        message = QuestionMessage(
            question_id=question.id, body=text, created_at=now, document_id=doc.id if doc else None
        )
        db.session.add(message)
        record_event(
            dossier,
            "question_followed_up",
            actor,
            subject=question.subject,
            task=task,
            organisation=question.organisation,
            at=now,
        )
    return message


def answer_question(
    question: Question, staff: StaffMember, text: str, *, audit: AccessEntry | None = None
) -> QuestionMessage:
    """A staff member answers (the staff answer page, and the demo seed); `audit`, the staff
    action's access-log row, is written in the same transaction."""
    text = _check_text(text)
    now = clock.now()
    dossier = db.session.get(Dossier, question.dossier_id)
    assert dossier is not None
    message = QuestionMessage(question_id=question.id, staff_id=staff.id, body=text, created_at=now)
    db.session.add(message)
    question.status = QuestionStatus.ANSWERED
    task = question.task
    if task is not None and task.is_open:
        task.complete(now)
    record_event(
        dossier,
        "question_answered",
        Actor.staff_member(staff, question.organisation),
        subject=question.subject,
        task=task,
        at=now,
    )
    if audit is not None:
        audit.record()
    notify_change(dossier.resident_id, Change.QUESTION_ANSWERED, question.organisation.name)
    db.session.commit()
    return message


def mark_read(question: Question) -> None:
    """Opening the thread: staff answers stop being flagged as new."""
    now = clock.now()
    changed = False
    for message in question.messages:
        if message.staff_id is not None and message.read_at is None:
            message.read_at = now
            changed = True
    if changed:
        db.session.commit()


def questions_for(dossier: Dossier, organisation_ids: Iterable[int]) -> list[Question]:
    """This dossier's questions to these organisations, the waiting ones first."""
    wanted = set(organisation_ids)
    found = [q for q in questions_of(dossier) if q.organisation_id in wanted]
    return sorted(found, key=lambda q: q.status is not QuestionStatus.WAITING)
