"""Questions a resident asks an organisation, and the messages in each thread."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.document import Document
from app.models.organisation import Organisation, StaffMember
from app.models.task import Task
from app.models.types import UTCDateTime, string_enum


class QuestionStatus(enum.StrEnum):
    WAITING = "waiting"  # for an answer from the organisation
    ANSWERED = "answered"


class Question(db.Model):  # type: ignore[name-defined]
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # The organisation's item 'answer this question' (the newest, after a follow-up).
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="SET NULL"), default=None
    )
    # The dossier item the question is about, if the resident chose one.
    about_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="SET NULL"), default=None
    )
    # The start of the question, shown in lists and the timeline.
    subject: Mapped[str] = mapped_column(String(120))
    status: Mapped[QuestionStatus] = mapped_column(
        string_enum(QuestionStatus, "question_status"),
        default=QuestionStatus.WAITING,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    task: Mapped[Task | None] = relationship(foreign_keys=[task_id])
    about_task: Mapped[Task | None] = relationship(foreign_keys=[about_task_id])
    messages: Mapped[list[QuestionMessage]] = relationship(
        back_populates="question", order_by="QuestionMessage.id", cascade="all, delete-orphan"
    )

    @property
    def unread(self) -> int:
        return sum(1 for m in self.messages if m.staff_id is not None and m.read_at is None)


class QuestionMessage(db.Model):  # type: ignore[name-defined]
    __tablename__ = "question_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    # None: written by the resident; else the staff member who answered.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"), default=None)
    body: Mapped[str] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the resident first saw a staff answer; None flags it as new.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    question: Mapped[Question] = relationship(back_populates="messages")
    staff: Mapped[StaffMember | None] = relationship()
    document: Mapped[Document | None] = relationship()
