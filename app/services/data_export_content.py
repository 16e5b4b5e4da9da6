"""What a resident's data export holds: every piece of their dossier as plain values (the JSON of
schemas/data-export.schema.json), and the ZIP made of it.

Only rows reached from this resident's own dossier (and, for their page reactions, their own
resident id) are read; nothing is looked up by a name, a date or anything else another resident
could share with them.

Made at the desk by a staff member, it holds what that staff member may read outside assisted
mode (app.services.staff_visibility): the content of items addressed to another organisation
(question and answer texts, document descriptions, file names and files, rejection reasons,
appointment notes) is left out and the item says `content_withheld`; the resident's page
reactions, which only the portal's beheerders read, are left out too. The resident's own
download from /account is complete.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.config import ROOT
from app.extensions import db
from app.models import (
    AccessLog,
    Appointment,
    Document,
    Notification,
    Question,
    ReminderPreference,
    Resident,
    Task,
    TimelineEvent,
)
from app.services.access_log import ACTION_TEXTS, WHY_TEXTS
from app.services.appointments import topic_text
from app.services.feedback import reactions_of
from app.services.staff_visibility import StaffReading
from app.services.storage import CHUNK, get_storage
from app.services.timeline import actor_text, event_text

SCHEMA_PATH = ROOT / "schemas" / "data-export.schema.json"
SCHEMA_ID = "https://mijn-overzicht.example/schemas/data-export/1"
FILES_DIR = "bestanden"


def _when(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


def file_name_in_zip(document: Document) -> str:
    """The path of an uploaded file in the ZIP: its id keeps two files of one name apart."""
    safe = "".join(c if c.isalnum() or c in "._- " else "_" for c in document.filename).strip()
    return f"{FILES_DIR}/{document.id}-{safe or 'bestand'}"


def export_data(
    resident: Resident, made_by: str, reading: StaffReading | None = None
) -> dict[str, Any]:
    """The whole export as plain values, in the shape of the committed JSON Schema. With a
    staff member's `reading` (a desk export), only what they may read outside assisted mode."""
    dossier = resident.dossier

    def withheld(organisation_id: int | None) -> bool:
        return reading is not None and not reading.may_read(organisation_id)

    data: dict[str, Any] = {
        "$schema": SCHEMA_ID,
        "version": 1,
        "made_at": _when(clock.now()),
        "made_by": made_by,
        "complete": reading is None,
        "resident": {
            "first_name": resident.first_name,
            "last_name": resident.last_name,
            "initials": resident.initials,
            "date_of_birth": _when(resident.date_of_birth),
            "email": resident.email,
            "phone": resident.phone,
            "language": resident.language,
            "created_at": _when(resident.created_at),
        },
        "reminder_preferences": _preferences(resident),
        "notifications": _notifications(resident),
        "organisations": [],
        "tasks": [],
        "documents": [],
        "questions": [],
        "appointments": [],
        "timeline": [],
        "access_log": [],
        "page_reactions": _page_reactions(resident) if reading is None else [],
    }
    if dossier is None:
        return data
    data["organisations"] = [
        {
            "name": link.organisation.name,
            "consent_at": _when(link.consent_at),
            "revoked_at": _when(link.revoked_at),
        }
        for link in sorted(dossier.links, key=lambda link: link.id)
    ]
    tasks = db.session.scalars(
        select(Task)
        .where(Task.dossier_id == dossier.id)
        .options(selectinload(Task.organisation))
        .order_by(Task.id)
    )
    data["tasks"] = [
        {
            "id": t.id,
            "kind": t.kind.value,
            "holder": t.holder.value,
            "status": t.status.value,
            "organisation": t.organisation.name,
            "title": reading.title(t) if reading else t.title,
            "description": "" if hidden else t.description,
            "due_date": _when(t.due_date),
            "created_at": _when(t.created_at),
            "completed_at": _when(t.completed_at),
            "content_withheld": hidden,
        }
        for t in tasks
        for hidden in [withheld(t.organisation_id)]
    ]
    documents = documents_of(dossier.id)
    kept = {d.id for d in documents_in_zip(dossier.id, reading)}
    data["documents"] = [
        {
            "id": d.id,
            "task_id": d.task_id,
            "organisation": d.organisation.name,
            "filename": "" if hidden else d.filename,
            "file": file_name_in_zip(d) if d.id in kept else None,
            "content_type": d.content_type,
            "size": d.size,
            "sha256": d.sha256,
            "description": "" if hidden else d.description,
            "uploaded_at": _when(d.uploaded_at),
            "sent_by_staff": d.uploaded_by_staff_id is not None,
            "status": d.status.value,
            "reason": "" if hidden else d.reason,
            "reviewed_at": _when(d.reviewed_at),
            "content_withheld": hidden,
        }
        for d in documents
        for hidden in [withheld(d.organisation_id)]
    ]
    questions = db.session.scalars(
        select(Question)
        .where(Question.dossier_id == dossier.id)
        .options(selectinload(Question.messages), selectinload(Question.organisation))
        .order_by(Question.id)
    )
    data["questions"] = [
        {
            "id": q.id,
            "organisation": q.organisation.name,
            "subject": _question_for(q.organisation.name) if hidden else q.subject,
            "status": q.status.value,
            "created_at": _when(q.created_at),
            "content_withheld": hidden,
            "messages": []
            if hidden
            else [
                {
                    "from": "resident" if m.staff_id is None else "staff",
                    "staff": m.staff.name if m.staff else None,
                    "body": m.body,
                    "created_at": _when(m.created_at),
                    "read_at": _when(m.read_at),
                }
                for m in q.messages
            ],
        }
        for q in questions
        for hidden in [withheld(q.organisation_id)]
    ]
    appointments = db.session.scalars(
        select(Appointment)
        .where(Appointment.dossier_id == dossier.id)
        .options(selectinload(Appointment.slot))
        .order_by(Appointment.id)
    )
    data["appointments"] = [
        {
            "id": a.id,
            "organisation": a.slot.organisation.name,
            "starts_at": _when(a.slot.starts_at),
            "minutes": a.slot.minutes,
            "channel": a.slot.channel.value,
            "location": a.slot.location,
            "with_whom": a.slot.with_whom,
            "topic": str(topic_text(a.topic)),
            "note": "" if hidden else a.note,
            "status": a.status.value,
            "booked_at": _when(a.booked_at),
            "cancelled_at": _when(a.cancelled_at),
            "content_withheld": hidden,
        }
        for a in appointments
        for hidden in [withheld(a.slot.organisation_id)]
    ]
    events = db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == dossier.id)
        .options(selectinload(TimelineEvent.organisation), selectinload(TimelineEvent.actor_staff))
        .order_by(TimelineEvent.occurred_at, TimelineEvent.id)
    )
    data["timeline"] = [
        {
            "occurred_at": _when(e.occurred_at),
            "kind": e.kind,
            "text": shown,
            "by": actor_text(e),
            "actor_type": e.actor_type.value,
            "on_behalf_of_resident": e.on_behalf_of_resident,
            "content_withheld": shown != text,
        }
        for e in events
        for text in [event_text(e)]
        for shown in [reading.event_text(e, text) if reading else text]
    ]
    log = db.session.scalars(
        select(AccessLog)
        .where(AccessLog.dossier_id == dossier.id)
        .options(selectinload(AccessLog.staff), selectinload(AccessLog.organisation))
        .order_by(AccessLog.occurred_at, AccessLog.id)
    )
    data["access_log"] = [
        {
            "occurred_at": _when(r.occurred_at),
            "staff": r.staff.name,
            "organisation": r.organisation.name if r.organisation else None,
            "action": r.action,
            "what": str(ACTION_TEXTS[r.action]),
            "why": str(WHY_TEXTS[r.why]),
        }
        for r in log
    ]
    return data


def documents_of(dossier_id: int) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.dossier_id == dossier_id)
            .options(selectinload(Document.organisation))
            .order_by(Document.id)
        )
    )


def documents_in_zip(dossier_id: int, reading: StaffReading | None) -> list[Document]:
    """The files that go in the ZIP: those still stored, and that the reader may read."""
    return [
        d
        for d in documents_of(dossier_id)
        if (reading is None or reading.may_read(d.organisation_id)) and _stored(d)
    ]


def _question_for(organisation: str) -> str:
    return gettext("Question for %(organisation)s", organisation=organisation)


def _page_reactions(resident: Resident) -> list[dict[str, Any]]:
    """Their answers to 'Was deze pagina duidelijk?' that point to them: those where they ticked
    'U mag mij bellen'. The anonymous ones are nobody's and are not in anyone's export."""
    return [
        {
            "page": r.page,
            "clear": r.clear,
            "comment": r.comment,
            "language": r.language,
            "created_at": _when(r.created_at),
            "handled_at": _when(r.handled_at),
        }
        for r in reactions_of(resident)
    ]


def _stored(document: Document) -> bool:
    """Whether the file is still in the storage (the export lists a lost one without it)."""
    try:
        get_storage().open(document.storage_key).close()
    except OSError:
        return False
    return True


def _preferences(resident: Resident) -> dict[str, Any] | None:
    prefs = db.session.scalar(
        select(ReminderPreference).where(ReminderPreference.resident_id == resident.id)
    )
    if prefs is None:
        return None
    return {
        "appointment_channels": prefs.appointment_channels,
        "document_channels": prefs.document_channels,
        "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else None,
        "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else None,
    }


def _notifications(resident: Resident) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.resident_id == resident.id)
        .order_by(Notification.created_at, Notification.id)
    )
    return [
        {
            "kind": n.kind.value,
            "channel": n.channel.value,
            "to_address": n.to_address,
            "status": n.status.value,
            "created_at": _when(n.created_at),
            "sent_at": _when(n.sent_at),
            "delivered_at": _when(n.delivered_at),
        }
        for n in rows
    ]


def build_zip(resident: Resident, made_by: str, reading: StaffReading | None = None) -> io.BytesIO:
    """The ZIP: overzicht.html (readable), gegevens.json + schema.json (for software), and the
    files in bestanden/. Texts are in the resident's own language."""
    with force_locale(resident.language or "nl"):
        data = export_data(resident, made_by, reading)
        html = render_template("export/summary.html", data=data, resident=resident)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("overzicht.html", html)
        archive.writestr("gegevens.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.write(SCHEMA_PATH, "schema.json")
        if resident.dossier is not None:
            storage = get_storage()
            for document in documents_in_zip(resident.dossier.id, reading):
                with (
                    storage.open(document.storage_key) as source,
                    archive.open(file_name_in_zip(document), "w") as target,
                ):
                    while chunk := source.read(CHUNK):
                        target.write(chunk)
    out.seek(0)
    return out


def schema() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(Path(SCHEMA_PATH).read_text(encoding="utf-8"))
    return result
