"""A resident's data export (AVG inzage): asked for, built by a job, downloaded once.

    export, token = request_export(resident)             # the resident, from /account
    export, token = request_export(resident, staff=...)  # a staff member at the desk (logged)
    find_export(token, resident=...) / find_export(token, staff=...)
    take_download(export) -> the ZIP's bytes, once

The secret token is in the waiting page's address and only its hash is stored. An export belongs
to whoever asked for it: the resident's own, or the staff member's who made it at the desk. The
link works once (the ZIP is removed when taken) and ends after DATA_EXPORT_HOURS.

The desk export follows 'Who sees what across organisations' (docs/design/product.md): it is
made from the staff dossier page, outside assisted mode, so it holds what that staff member may
read there (app.services.staff_visibility, read when the job builds it): other organisations'
question and answer texts, document descriptions and files are left out. The resident's own
download is complete.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import DataExport, ExportStatus, Resident, StaffMember
from app.queues import enqueue
from app.services.access_log import dossier_for_staff, record_access, staff_org_ids
from app.services.data_export_content import build_zip
from app.services.staff_visibility import StaffReading
from app.services.storage import get_storage

log = logging.getLogger(__name__)

JOB = "jobs.data_export.build_export"


class ExportRefused(Exception):
    """This staff member may not make an export of this dossier."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_export(resident: Resident, staff: StaffMember | None = None) -> tuple[DataExport, str]:
    """A new export and its secret token, committed and queued (or built now without Redis)."""
    if staff is not None:
        sd = dossier_for_staff(staff, resident.dossier.id) if resident.dossier else None
        if sd is None:
            raise ExportRefused(f"staff {staff.id} may not export resident {resident.id}")
        record_access(staff, sd.organisation, sd.dossier, "export_data", "assisted")
    token = secrets.token_urlsafe(32)
    hours = int(current_app.config["DATA_EXPORT_HOURS"])
    export = DataExport(
        resident_id=resident.id,
        staff_id=staff.id if staff else None,
        token_hash=_hash(token),
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(hours=hours),
    )
    db.session.add(export)
    db.session.commit()
    try:
        enqueue(JOB, export.id, job_timeout=600)
    except RedisError:  # no queue: build it in this request, slower but never lost
        log.warning("data export %s could not be queued; building inline", export.id)
        try:
            build(export.id)
        except Exception:  # marked failed: the waiting page offers to try again
            log.exception("data export %s failed", export.id)
    return export, token


def build(export_id: int) -> None:
    """The job's work: the ZIP into the storage, the row marked ready (or failed)."""
    export = db.session.get(DataExport, export_id)
    if export is None or export.status is not ExportStatus.PENDING:
        return
    try:
        made_by, reading = "resident", None
        if export.staff_id is not None:
            made_by, reading = "staff", _reading_of(export)
        stored = get_storage().save(build_zip(export.resident, made_by, reading))
    except Exception:
        db.session.rollback()
        export.status = ExportStatus.FAILED
        db.session.commit()
        raise
    export.storage_key = stored.key
    export.size = stored.size
    export.status = ExportStatus.READY
    export.ready_at = clock.now()
    db.session.commit()
    prune_expired()


def _reading_of(export: DataExport) -> StaffReading:
    """What the staff member who asked may read of the dossier now (a membership ended since
    the request reads as no organisation: nothing of anyone's content)."""
    staff = db.session.get(StaffMember, export.staff_id)
    dossier = export.resident.dossier
    if dossier is None:
        raise LookupError(f"data export {export.id}: the resident has no dossier")
    return StaffReading.of(dossier, staff_org_ids(staff) if staff else ())


def find_export(
    token: str, *, resident: Resident | None = None, staff: StaffMember | None = None
) -> DataExport | None:
    """The export behind this token, only for whoever asked for it; else None (the page says
    404). Past its time it is marked expired (and its ZIP removed) on the way."""
    export = db.session.scalar(select(DataExport).where(DataExport.token_hash == _hash(token)))
    if export is None:
        return None
    if staff is not None:
        if export.staff_id != staff.id:
            return None
    elif resident is None or export.staff_id is not None or export.resident_id != resident.id:
        return None
    if is_expired(export):
        _expire(export)
        db.session.commit()
    return export


def is_expired(export: DataExport) -> bool:
    return export.status is ExportStatus.EXPIRED or (
        export.status is not ExportStatus.DOWNLOADED and clock.now() >= export.expires_at
    )


def take_download(export: DataExport) -> bytes | None:
    """The ZIP's bytes, once: the row is marked downloaded and the file removed in the same
    step. None when it is not (or no longer) there to take."""
    if export.status is not ExportStatus.READY or is_expired(export) or not export.storage_key:
        return None
    # Claim it first, so two clicks at once cannot both get it (the second updates no row).
    claimed = db.session.execute(
        DataExport.__table__.update()
        .where(DataExport.id == export.id, DataExport.status == ExportStatus.READY.value)
        .values(status=ExportStatus.DOWNLOADED.value, downloaded_at=clock.now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return None
    key = export.storage_key
    storage = get_storage()
    with storage.open(key) as source:
        data = source.read()
    storage.delete(key)
    db.session.execute(
        DataExport.__table__.update().where(DataExport.id == export.id).values(storage_key=None)
    )
    db.session.commit()
    return data


def _expire(export: DataExport) -> None:
    if export.storage_key:
        get_storage().delete(export.storage_key)
        export.storage_key = None
    if export.status is not ExportStatus.DOWNLOADED:
        export.status = ExportStatus.EXPIRED


def prune_expired() -> int:
    """Remove the ZIPs nobody took in time (each build job does this on its way out)."""
    rows = db.session.scalars(
        select(DataExport).where(
            DataExport.expires_at <= clock.now(),
            DataExport.status.in_([ExportStatus.READY, ExportStatus.PENDING]),
        )
    ).all()
    for export in rows:
        _expire(export)
    db.session.commit()
    return len(rows)
