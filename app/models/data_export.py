"""A resident's data export (AVG inzage): one ZIP, built by a job, downloaded once."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.resident import Resident
from app.models.types import UTCDateTime, string_enum


class ExportStatus(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"
    DOWNLOADED = "downloaded"
    EXPIRED = "expired"


class DataExport(db.Model):  # type: ignore[name-defined]
    __tablename__ = "data_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    # Set when a staff member made it at the desk: then only they may download it.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"), default=None)
    # SHA-256 of the secret in the waiting page's address; the secret itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[ExportStatus] = mapped_column(
        string_enum(ExportStatus, "export_status"), default=ExportStatus.PENDING
    )
    # The ZIP in the upload storage while it waits to be downloaded; removed once taken.
    storage_key: Mapped[str | None] = mapped_column(String(100), default=None)
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    resident: Mapped[Resident] = relationship()
