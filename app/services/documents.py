"""Documents: the resident sends files for a request (or unasked), staff approve or reject them.

Each write keeps the Task consistent so the traffic light follows, and records its timeline
event in the same transaction:
- a request is a resident Task of kind document ('needed');
- on upload it becomes an organisation item ('being checked');
- approve: done; reject (with a reason): a resident item again, to send a new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Document,
    DocumentStatus,
    Dossier,
    Holder,
    Organisation,
    StaffMember,
    Task,
    TaskKind,
    TaskStatus,
)
from app.models.base import utcnow
from app.services.access_log import AccessEntry
from app.services.notifications.changes import Change, notify_change
from app.services.storage import Storage, StoredFile, kept_only_if_committed
from app.services.timeline import Actor, record_event
from app.services.uploads import CheckedFile


class DocumentError(Exception):
    """A write that is not allowed in the current state (shown as a plain message)."""


@dataclass(frozen=True)
class ChecklistItem:
    task: Task
    state: str  # needed / received / rejected / approved
    documents: list[Document]

    @property
    def latest(self) -> Document | None:
        return self.documents[-1] if self.documents else None

    @property
    def can_upload(self) -> bool:
        return self.task.is_open and self.task.holder is Holder.RESIDENT

    @property
    def unrequested(self) -> bool:
        return any(d.unrequested for d in self.documents)


def _state(task: Task, documents: list[Document]) -> str:
    if task.status is TaskStatus.DONE:
        return "approved"
    if task.holder is Holder.ORGANISATION:
        return "received"
    if documents and documents[-1].status is DocumentStatus.REJECTED:
        return "rejected"
    return "needed"


def checklist(dossier: Dossier) -> list[ChecklistItem]:
    """Every document item of the dossier: open ones first (earliest deadline first)."""
    tasks = list(
        db.session.scalars(
            select(Task)
            .where(
                Task.dossier_id == dossier.id,
                Task.kind == TaskKind.DOCUMENT,
                Task.status != TaskStatus.CANCELLED,
            )
            .options(selectinload(Task.organisation))
        )
    )
    docs: dict[int, list[Document]] = {}
    for doc in db.session.scalars(
        select(Document).where(Document.dossier_id == dossier.id).order_by(Document.id)
    ):
        docs.setdefault(doc.task_id, []).append(doc)
    items = [ChecklistItem(t, _state(t, docs.get(t.id, [])), docs.get(t.id, [])) for t in tasks]
    order = {"rejected": 0, "needed": 0, "received": 1, "approved": 2}
    items.sort(
        key=lambda i: (
            order[i.state],
            i.task.due_date or date.max,
            -(i.task.completed_at or i.task.created_at).timestamp(),
        )
    )
    return items


def document_task(dossier: Dossier, task_id: int) -> Task | None:
    """A document item of this dossier, or None (so other residents' ids give a 404)."""
    task = db.session.get(Task, task_id)
    if task is None or task.dossier_id != dossier.id or task.kind is not TaskKind.DOCUMENT:
        return None
    return task


def dossier_document(dossier: Dossier, document_id: int) -> Document | None:
    doc = db.session.get(Document, document_id)
    if doc is None or doc.dossier_id != dossier.id:
        return None
    return doc


def _store_all(storage: Storage, files: list[CheckedFile]) -> list[tuple[CheckedFile, StoredFile]]:
    stored: list[tuple[CheckedFile, StoredFile]] = []
    try:
        for f in files:
            stored.append((f, storage.save(f.upload.stream)))  # type: ignore[arg-type]
    except BaseException:
        for _, s in stored:
            storage.delete(s.key)
        raise
    return stored


def new_document(
    dossier: Dossier,
    task: Task,
    checked: CheckedFile,
    saved: StoredFile,
    at: datetime,
    *,
    unrequested: bool = False,
    description: str = "",
    staff_id: int | None = None,
) -> Document:
    """The metadata row of one stored file (also used for question attachments)."""
    return Document(
        dossier_id=dossier.id,
        task_id=task.id,
        organisation_id=task.organisation_id,
        unrequested=unrequested,
        filename=checked.filename,
        content_type=checked.content_type,
        size=saved.size,
        sha256=saved.sha256,
        storage_key=saved.key,
        description=description,
        uploaded_at=at,
        uploaded_by_staff_id=staff_id,
    )


def _add_documents(
    dossier: Dossier,
    task: Task,
    stored: list[tuple[CheckedFile, StoredFile]],
    actor: Actor,
    at: datetime,
    *,
    unrequested: bool = False,
    description: str = "",
) -> list[Document]:
    staff_id = actor.staff.id if actor.staff else None
    docs = [
        new_document(
            dossier,
            task,
            checked,
            saved,
            at,
            unrequested=unrequested,
            description=description,
            staff_id=staff_id,
        )
        for checked, saved in stored
    ]
    db.session.add_all(docs)
    return docs


def submit_documents(
    dossier: Dossier,
    task: Task,
    files: list[CheckedFile],
    storage: Storage,
    *,
    actor: Actor,
    at: datetime | None = None,
    audit: AccessEntry | None = None,
) -> list[Document]:
    """Files for a request: the item moves to the organisation ('being checked'). `audit`: a
    staff member sending for the resident, logged in the same transaction."""
    if task.dossier_id != dossier.id or task.kind is not TaskKind.DOCUMENT:
        raise DocumentError("not a document request of this dossier")
    if not task.is_open or task.holder is not Holder.RESIDENT:
        raise DocumentError("this request is not waiting for a file")
    when = at or utcnow()
    stored = _store_all(storage, files)
    with kept_only_if_committed(storage, [saved.key for _, saved in stored]):
        docs = _add_documents(dossier, task, stored, actor, when)
        task.holder = Holder.ORGANISATION
        record_event(
            dossier,
            "document_received",
            actor,
            subject=task.title,
            task=task,
            organisation=task.organisation,
            at=when,
        )
        if audit is not None:
            audit.record()
    return docs


def send_other_document(
    dossier: Dossier,
    organisation: Organisation,
    description: str,
    files: list[CheckedFile],
    storage: Storage,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> list[Document]:
    """Files nobody asked for: a new item for the organisation to look at."""
    if organisation not in dossier.organisations:
        raise DocumentError("organisation is not part of this dossier")
    when = at or utcnow()
    stored = _store_all(storage, files)
    with kept_only_if_committed(storage, [saved.key for _, saved in stored]):
        task = Task(
            dossier_id=dossier.id,
            kind=TaskKind.DOCUMENT,
            holder=Holder.ORGANISATION,
            organisation=organisation,
            title=description.strip(),
            created_at=when,
        )
        db.session.add(task)
        db.session.flush()
        docs = _add_documents(
            dossier, task, stored, actor, when, unrequested=True, description=description.strip()
        )
        record_event(
            dossier,
            "document_sent",
            actor,
            subject=task.title,
            task=task,
            organisation=organisation,
            at=when,
        )
    return docs


def review_document(
    document: Document,
    *,
    approve: bool,
    staff: StaffMember,
    reason: str = "",
    at: datetime | None = None,
    audit: AccessEntry | None = None,
) -> Document:
    """Staff approve a file (the item is done once nothing else waits) or reject it with a
    reason (the item goes back to the resident). `audit`: the staff action's access-log row,
    written in the same transaction."""
    when = at or utcnow()
    task = document.task
    dossier = db.session.get(Dossier, document.dossier_id)
    assert dossier is not None
    try:
        document.review(approve, reason, staff, when)
    except ValueError as error:
        raise DocumentError(str(error)) from error
    actor = Actor.staff_member(staff, task.organisation)
    if approve:
        waiting = any(
            d.status is DocumentStatus.RECEIVED
            for d in db.session.scalars(select(Document).where(Document.task_id == task.id))
            if d.id != document.id
        )
        record_event(dossier, "document_approved", actor, subject=task.title, task=task, at=when)
        if not waiting and task.is_open:
            task.complete(when)
        notify_change(dossier.resident_id, Change.DOCUMENT_APPROVED, task.organisation.name)
    else:
        if task.is_open:
            task.holder = Holder.RESIDENT
        record_event(dossier, "document_rejected", actor, subject=task.title, task=task, at=when)
        notify_change(dossier.resident_id, Change.DOCUMENT_REJECTED, task.organisation.name)
    if audit is not None:
        audit.record()
    db.session.commit()
    return document
