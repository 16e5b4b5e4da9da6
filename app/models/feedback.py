"""'Was deze pagina duidelijk?': one answer from a resident about one page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import StaffMember
from app.models.resident import Resident
from app.models.types import UTCDateTime


class PageFeedback(db.Model):  # type: ignore[name-defined]
    """Anonymous unless the resident ticked 'U mag mij bellen': then, and only then, it points
    to the resident (staff look up the phone number there; nothing is copied here)."""

    __tablename__ = "page_feedback"
    __table_args__ = (Index("ix_page_feedback_page", "page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The page as its route name (overview.index), never its address: no ids or tokens.
    page: Mapped[str] = mapped_column(String(80))
    clear: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Only with the resident's permission to call them about this answer.
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident.id", ondelete="SET NULL"), default=None
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    handled_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id"), default=None
    )

    resident: Mapped[Resident | None] = relationship()
    handled_by: Mapped[StaffMember | None] = relationship()
