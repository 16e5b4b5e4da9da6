from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation, StaffMember
from app.models.types import UTCDateTime, string_enum


class ActorType(enum.StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"


class TimelineEvent(db.Model):  # type: ignore[name-defined]
    """What happened in a dossier, as the resident reads it. Append-only."""

    __tablename__ = "timeline_event"
    __table_args__ = (Index("ix_timeline_dossier_time", "dossier_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_type: Mapped[ActorType] = mapped_column(string_enum(ActorType, "actor_type"))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"), default=None)
    # True when staff did something the resident could have done, for the resident.
    on_behalf_of_resident: Mapped[bool] = mapped_column(default=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="SET NULL"), default=None
    )
    # What happened, as a code with a catalog sentence (app.services.timeline.EVENT_TEXTS).
    kind: Mapped[str] = mapped_column(String(40))
    # Free words the sentence mentions, e.g. the task title.
    subject: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    actor_staff: Mapped[StaffMember | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
