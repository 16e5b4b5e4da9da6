"""The access log: every staff read of a dossier, document download and action. Append-only.

The app has no path that changes or removes a row: the session refuses updates and deletes of
AccessLog rows (see _refuse_changes), and the services only ever add.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation, StaffMember
from app.models.resident import DossierOrganisation, Resident
from app.models.types import UTCDateTime

# Why a staff member looked: shown to the resident and in the CSV export.
WHY_CATEGORIES = ("casework", "assisted", "print", "admin")


class AccessLog(db.Model):  # type: ignore[name-defined]
    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_dossier_time", "dossier_id", "occurred_at"),
        Index("ix_access_log_org_time", "organisation_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    # The organisation the staff member acted for (None only for account administration).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # None for actions outside a dossier (publishing slots, exporting the log).
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    # What happened, as a code (app.services.access_log.ACTION_TEXTS).
    action: Mapped[str] = mapped_column(String(40))
    # casework / assisted / print / admin
    why: Mapped[str] = mapped_column(String(20))
    # A short, non-sensitive detail: a document id, a task title. Never a BSN.
    detail: Mapped[str] = mapped_column(String(200), default="")

    staff: Mapped[StaffMember] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AccessLog) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("the access log is append-only")


# Caseload indexes (bench/caseload.py): 'dossiers linked to my organisations', and the
# search by name or date of birth.
Index(
    "ix_dossier_organisation_org",
    DossierOrganisation.organisation_id,
    DossierOrganisation.revoked_at,
    DossierOrganisation.dossier_id,
)
Index("ix_resident_last_name", Resident.last_name)
Index("ix_resident_date_of_birth", Resident.date_of_birth)
