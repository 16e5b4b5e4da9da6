from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.types import UTCDateTime


class Organisation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # gemeente / schuldhulpverlening / woningcorporatie / ...
    kind: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    # Plain words, shown as they are ("maandag tot en met vrijdag, 9.00 tot 17.00 uur").
    opening_hours: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class StaffMember(db.Model):  # type: ignore[name-defined]
    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Filled in by the staff-login work; None means the account cannot log in yet.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[StaffMembership]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )

    @property
    def organisations(self) -> list[Organisation]:
        return [m.organisation for m in self.memberships]


class StaffMembership(db.Model):  # type: ignore[name-defined]
    __tablename__ = "staff_membership"
    __table_args__ = (UniqueConstraint("staff_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # medewerker / beheerder
    role: Mapped[str] = mapped_column(String(20), default="medewerker")

    staff: Mapped[StaffMember] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()
