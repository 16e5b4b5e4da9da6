from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation, StaffMember
from app.models.types import UTCDateTime


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Resident(db.Model):  # type: ignore[name-defined]
    """A resident (inwoner). The BSN is never stored in clear text, logged or put in a URL."""

    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC-SHA256 of the BSN with BSN_HASH_KEY: how a DigiD login finds the resident.
    bsn_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Fernet-encrypted BSN, for staff who need to see it (app.services.bsn.reveal_bsn).
    bsn_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    first_name: Mapped[str] = mapped_column(String(100))
    # Including tussenvoegsel ("de Vries").
    last_name: Mapped[str] = mapped_column(String(150))
    initials: Mapped[str] = mapped_column(String(20), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date, default=None)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    # nl or en
    language: Mapped[str] = mapped_column(String(5), default="nl")
    # Part of the login id: rotating it ends every session of this resident (logout everywhere).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier | None] = relationship(back_populates="resident", uselist=False)

    # flask-login protocol (residents and staff share one loader, told apart by the prefix).
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False

    def get_id(self) -> str:
        return f"r:{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        first = self.initials or self.first_name
        return f"{first} {self.last_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Dossier(db.Model):  # type: ignore[name-defined]
    """One per resident: the tasks, the timeline and the organisations involved."""

    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every change the resident should see: the validator for live refresh and caches.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Closed by staff when the help has ended; RETENTION_DAYS_AFTER_CLOSE later it is purged.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id"), default=None
    )
    # When app.services.retention removed its contents (the row stays for the access log).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    resident: Mapped[Resident] = relationship(back_populates="dossier")
    links: Mapped[list[DossierOrganisation]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan"
    )

    @property
    def organisations(self) -> list[Organisation]:
        return [link.organisation for link in self.links if link.revoked_at is None]


class DossierOrganisation(db.Model):  # type: ignore[name-defined]
    """An organisation involved in a dossier, by the resident's consent (revocable)."""

    __tablename__ = "dossier_organisation"
    __table_args__ = (UniqueConstraint("dossier_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # How the resident agreed: portal (themselves, on /account), phone or desk (told to a staff
    # member, who is consent_staff and answers for it).
    consent_channel: Mapped[str] = mapped_column(
        String(10), default="portal", server_default="portal"
    )
    consent_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id"), default=None
    )

    dossier: Mapped[Dossier] = relationship(back_populates="links")
    organisation: Mapped[Organisation] = relationship()
    consent_staff: Mapped[StaffMember | None] = relationship()
