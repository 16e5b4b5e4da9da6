from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.types import UTCDateTime


def _new_token() -> str:
    return secrets.token_urlsafe(24)


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
    # What the organisation does for the resident, in its own plain words (set by a beheerder;
    # shown on the account page and the summary).
    about: Mapped[str] = mapped_column(Text, default="", server_default="")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class StaffMember(db.Model):  # type: ignore[name-defined]
    __tablename__ = "staff_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # argon2id hash (app.services.staff_auth); None means the account cannot log in yet.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the login id, like Resident.session_token: rotating it ends every session.
    session_token: Mapped[str] = mapped_column(String(64), default=_new_token)
    # Base32 TOTP secret; totp_confirmed_at is set once the staff member entered a first code.
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The last TOTP time step used: a code works once (no replay within its 30 seconds).
    totp_last_step: Mapped[int] = mapped_column(default=0)
    # No longer used: the lockout counts in LoginFailure (per account and per address, also for
    # unknown e-mail addresses). Kept until a migration drops them.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The password was set by an administrator and must be replaced at the first login.
    must_change_password: Mapped[bool] = mapped_column(default=True)
    # Platform administrator: adds organisations (/beheer/organisaties/nieuw). Given only by
    # `flask create-admin --platform` on the server; a beheerder manages one organisation.
    platform_admin: Mapped[bool] = mapped_column(default=False, server_default=false())

    memberships: Mapped[list[StaffMembership]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )

    # flask-login protocol; the 's:' prefix keeps staff and resident sessions apart.
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = True

    def get_id(self) -> str:
        return f"s:{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def organisations(self) -> list[Organisation]:
        return [m.organisation for m in self.memberships]

    @property
    def is_admin(self) -> bool:
        return any(m.role == "beheerder" for m in self.memberships)

    @property
    def opens_administration(self) -> bool:
        """/beheer is theirs: a beheerder (their organisations' part) or the platform
        administrator (adding organisations), or both."""
        return self.is_admin or self.platform_admin


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
