"""Files a resident sends: for a requested document (a Task of kind document) or unasked."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation, StaffMember
from app.models.task import Task
from app.models.types import UTCDateTime, string_enum


class DocumentStatus(enum.StrEnum):
    RECEIVED = "received"
    APPROVED = "approved"
    REJECTED = "rejected"


class Document(db.Model):  # type: ignore[name-defined]
    """One uploaded file. The bytes live in the storage backend under `storage_key`."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_task", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    # The request it answers; for unasked files a task 'look at this' for the organisation.
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # True when the resident sent it without being asked ('iets anders sturen').
    unrequested: Mapped[bool] = mapped_column(default=False)
    # The name the resident's device gave it, checked (no path parts or control characters).
    filename: Mapped[str] = mapped_column(String(200))
    # Detected from the content (magic bytes), never from the name or the browser's claim.
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # Random name in the storage backend; never derived from the filename.
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    # The resident's own words for unasked files.
    description: Mapped[str] = mapped_column(String(200), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when staff uploaded it for the resident.
    uploaded_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id"), default=None
    )
    status: Mapped[DocumentStatus] = mapped_column(
        string_enum(DocumentStatus, "document_status"),
        default=DocumentStatus.RECEIVED,
    )
    # Why it was not approved, in plain words the resident reads.
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reviewed_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id"), default=None
    )

    task: Mapped[Task] = relationship()
    organisation: Mapped[Organisation] = relationship()
    reviewed_by: Mapped[StaffMember | None] = relationship(foreign_keys=[reviewed_by_staff_id])

    def review(self, approved: bool, reason: str, staff: StaffMember | None, at: datetime) -> None:
        if self.status is not DocumentStatus.RECEIVED:
            raise ValueError(f"document {self.id} is {self.status}, not waiting for review")
        if not approved and not reason.strip():
            raise ValueError("a rejection needs a reason")
        self.status = DocumentStatus.APPROVED if approved else DocumentStatus.REJECTED
        self.reason = "" if approved else reason.strip()
        self.reviewed_by = staff
        self.reviewed_at = at
