"""A data export with a known token, for pages a test opens by address (the browser audits)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import DataExport, ExportStatus, Resident, StaffMember

# The secret in the waiting page's address for the audited pages.
AUDIT_TOKEN = "audit-token-pending"
AUDIT_READY_TOKEN = "audit-token-ready"


def export_with_token(
    resident: Resident,
    token: str,
    status: ExportStatus = ExportStatus.PENDING,
    staff: StaffMember | None = None,
) -> DataExport:
    """A row as request_export makes it (without queueing a build): enough for its pages."""
    export = DataExport(
        resident_id=resident.id,
        staff_id=staff.id if staff else None,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        status=status,
        expires_at=clock.now() + timedelta(hours=1),
    )
    db.session.add(export)
    db.session.commit()
    return export
