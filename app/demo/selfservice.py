"""Demo data for the self-service areas: documents in every state, appointment slots, a
question thread. Called at the end of seed_demo(); the residents' lights stay as they were."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.clock import AMSTERDAM
from app.demo.people import DEMO_RESIDENTS
from app.extensions import db
from app.models import (
    Channel,
    Document,
    DocumentStatus,
    Dossier,
    Organisation,
    Resident,
    StaffMember,
    Task,
)
from app.services.appointments import book_appointment, free_slots, publish_slots
from app.services.bsn import bsn_hash
from app.services.documents import review_document, submit_documents
from app.services.notifications.changes import drop_unsent_notices
from app.services.questions import answer_question, ask_question
from app.services.storage import Storage, get_storage
from app.services.timeline import Actor
from app.services.uploads import check_file


def demo_pdf() -> bytes:
    from pypdf import PdfWriter  # seeding only: web workers never load pypdf for it

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _dossier(bsn: str) -> Dossier:
    resident = db.session.scalar(select(Resident).where(Resident.bsn_hash == bsn_hash(bsn)))
    assert resident is not None and resident.dossier is not None
    return resident.dossier


def _task(dossier: Dossier, title: str) -> Task:
    task = db.session.scalar(select(Task).where(Task.dossier_id == dossier.id, Task.title == title))
    assert task is not None, title
    return task


def _staff(name: str) -> StaffMember:
    staff = db.session.scalar(select(StaffMember).where(StaffMember.name == name))
    assert staff is not None
    return staff


def _file(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(demo_pdf()), filename=name)


def _approved_file(dossier: Dossier, task: Task, name: str, storage: Storage) -> None:
    """A file for an item that is already done (the seed completed it without one)."""
    saved = storage.save(io.BytesIO(demo_pdf()))
    at = task.completed_at or task.created_at
    db.session.add(
        Document(
            dossier_id=dossier.id,
            task_id=task.id,
            organisation_id=task.organisation_id,
            filename=name,
            content_type="application/pdf",
            size=saved.size,
            sha256=saved.sha256,
            storage_key=saved.key,
            uploaded_at=at - timedelta(hours=2),
            status=DocumentStatus.APPROVED,
            reviewed_at=at,
        )
    )


def seed_documents(now: datetime) -> None:
    storage = get_storage()
    jan = _dossier(DEMO_RESIDENTS[0].bsn)
    # A file sent and not approved: Jan must send a new one (his item stays red).
    bank = _task(jan, "Bankafschrift van november sturen")
    checked, _ = check_file(_file("bankafschrift.pdf"))
    assert checked is not None
    (doc,) = submit_documents(
        jan, bank, [checked], storage, actor=Actor.resident(), at=now - timedelta(days=2, hours=3)
    )
    review_document(
        doc,
        approve=False,
        staff=_staff("P. Jansen"),
        at=now - timedelta(days=1, hours=6),
        reason="Op het afschrift staan uw naam en rekeningnummer niet. Stuur het hele "
        "afschrift, met de bovenkant erbij.",
    )
    _approved_file(jan, _task(jan, "Loonstrook van oktober sturen"), "loonstrook.pdf", storage)
    kees = _dossier(DEMO_RESIDENTS[2].bsn)
    _approved_file(kees, _task(kees, "Overzicht van uw schulden sturen"), "schulden.pdf", storage)
    sanne = _dossier(DEMO_RESIDENTS[3].bsn)
    _approved_file(sanne, _task(sanne, "Kopie van uw identiteitsbewijs sturen"), "id.pdf", storage)
    db.session.commit()


def seed_appointments(now: datetime) -> None:
    """Two weeks of free times for each organisation, and one booked appointment."""
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    plans = [
        (
            "gemeente-rijnstad",
            Channel.DESK,
            "Stadhuisplein 1, Rijnstad. Meld u bij de balie.",
            "P. Jansen",
            "Neem uw identiteitsbewijs mee.",
        ),
        (
            "schuldhulp-rijnstreek",
            Channel.PHONE,
            "",
            "M. Bakker",
            "Leg uw brieven over schulden klaar.",
        ),
        (
            "groene-hart-wonen",
            Channel.VIDEO,
            "U krijgt de link een dag van tevoren per e-mail.",
            "A. de Boer",
            "",
        ),
    ]
    local_today = now.astimezone(AMSTERDAM).date()
    for slug, channel, location, who, bring in plans:
        starts = []
        for day in range(1, 15):
            d = local_today + timedelta(days=day)
            if d.weekday() >= 5:
                continue
            for hour, minute in ((9, 0), (10, 30), (14, 0)):
                local = datetime(d.year, d.month, d.day, hour, minute, tzinfo=AMSTERDAM)
                starts.append(local.astimezone(UTC))
        publish_slots(
            orgs[slug],
            starts,
            minutes=30,
            channel=channel,
            location=location,
            with_whom=who,
            what_to_bring=bring,
        )
    mohamed = _dossier(DEMO_RESIDENTS[4].bsn)
    slot = free_slots(mohamed, organisation_id=orgs["schuldhulp-rijnstreek"].id)[4]
    # The item's title is written in the resident's language; the seed has no request.
    with force_locale("nl"):
        book_appointment(
            mohamed,
            slot,
            "money",
            "Ik wil praten over mijn betalingsregeling.",
            actor=Actor.resident(),
        )


def seed_questions() -> None:
    """Jan asked the gemeente something and got an answer he has not read yet."""
    jan = _dossier(DEMO_RESIDENTS[0].bsn)
    gemeente = next(o for o in jan.organisations if o.slug == "gemeente-rijnstad")
    with force_locale("nl"):
        question = ask_question(
            jan,
            gemeente,
            "Moet ik het bankafschrift van de hele maand sturen, of alleen "
            "de bladzijde met mijn huur?",
            actor=Actor.resident(),
            about=_task(jan, "Bankafschrift van november sturen"),
        )
        answer_question(
            question,
            _staff("P. Jansen"),
            "Stuur het afschrift van de hele maand. Dan zien wij alle inkomsten en uitgaven.",
        )


def seed_selfservice(now: datetime) -> None:
    seed_documents(now)
    seed_appointments(now)
    seed_questions()
    # The staff actions above are back-dated history, not news: no change notices for them.
    drop_unsent_notices()
    db.session.commit()
