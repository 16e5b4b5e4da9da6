from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation
from app.models.types import UTCDateTime, string_enum


class TaskKind(enum.StrEnum):
    DOCUMENT = "document"
    APPOINTMENT = "appointment"
    QUESTION = "question"
    STEP = "step"


class Holder(enum.StrEnum):
    """Who has to act next: the resident, or the organisation the task belongs to."""

    RESIDENT = "resident"
    ORGANISATION = "organisation"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Task(db.Model):  # type: ignore[name-defined]
    """An item in the dossier: something the resident or an organisation has to do."""

    __tablename__ = "task"
    __table_args__ = (Index("ix_task_dossier_status", "dossier_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    kind: Mapped[TaskKind] = mapped_column(string_enum(TaskKind, "task_kind"))
    holder: Mapped[Holder] = mapped_column(string_enum(Holder, "task_holder"))
    status: Mapped[TaskStatus] = mapped_column(
        string_enum(TaskStatus, "task_status"), default=TaskStatus.OPEN
    )
    # The organisation that asked for it (resident tasks) or works on it (organisation tasks).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # Short, written by staff in plain words: "Uitkeringsspecificatie van oktober sturen".
    title: Mapped[str] = mapped_column(String(200))
    # Why it is needed, in plain words.
    description: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    organisation: Mapped[Organisation] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status is TaskStatus.OPEN

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today

    def complete(self, at: datetime) -> None:
        if not self.is_open:
            raise ValueError(f"task {self.id} is {self.status}, not open")
        self.status = TaskStatus.DONE
        self.completed_at = at

    def cancel(self, at: datetime) -> None:
        if not self.is_open:
            raise ValueError(f"task {self.id} is {self.status}, not open")
        self.status = TaskStatus.CANCELLED
        self.completed_at = at
