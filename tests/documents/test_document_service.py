"""Documents service: every write moves the Task (so the light) and lands in the timeline."""

from __future__ import annotations

import hashlib
import io

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import (
    Document,
    DocumentStatus,
    Holder,
    Question,
    StaffMember,
    TaskStatus,
    TimelineEvent,
)
from app.services.accounts import resident_for_bsn
from app.services.documents import (
    DocumentError,
    checklist,
    review_document,
    send_other_document,
    submit_documents,
)
from app.services.overview import open_tasks
from app.services.questions import ask_question, follow_up
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from app.services.traffic_light import Light, light_for
from app.services.uploads import CheckedFile, check_file
from tests import files

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)


def upload(data: bytes, name: str = "spec.pdf") -> CheckedFile:
    checked, problem = check_file(FileStorage(io.BytesIO(data), filename=name))
    assert checked is not None, problem
    return checked


def kinds(dossier_id: int) -> list[str]:
    stmt = select(TimelineEvent.kind).where(TimelineEvent.dossier_id == dossier_id)
    return list(db.session.scalars(stmt.order_by(TimelineEvent.id)))


def staff() -> StaffMember:
    found = db.session.scalar(select(StaffMember).where(StaffMember.name == "M. Bakker"))
    assert found is not None
    return found


def test_sending_moves_the_item_to_the_organisation(
    app: Flask, seeded: None, storage: LocalStorage
) -> None:
    kees = resident_for_bsn(GREEN)
    jan = resident_for_bsn(RED)
    assert jan is not None and jan.dossier is not None and kees is not None
    item = next(i for i in checklist(jan.dossier) if i.state == "needed")
    data = files.pdf()
    with app.test_request_context():
        docs = submit_documents(
            jan.dossier, item.task, [upload(data)], storage, actor=Actor.resident()
        )
    assert item.task.holder is Holder.ORGANISATION and item.task.is_open
    assert docs[0].sha256 == hashlib.sha256(data).hexdigest() and docs[0].size == len(data)
    assert (
        docs[0].storage_key in storage.stored_keys() and docs[0].storage_key not in docs[0].filename
    )
    assert kinds(jan.dossier.id)[-1] == "document_received"
    states = {i.task.id: i.state for i in checklist(jan.dossier)}
    assert states[item.task.id] == "received"
    with pytest.raises(DocumentError):
        submit_documents(jan.dossier, item.task, [upload(data)], storage, actor=Actor.resident())


def test_reject_gives_it_back_with_the_reason_then_approve_completes(
    app: Flask, seeded: None, storage: LocalStorage
) -> None:
    kees = resident_for_bsn(RED)
    assert kees is not None and kees.dossier is not None
    dossier = kees.dossier
    task = next(i for i in checklist(dossier) if i.state == "needed").task
    with app.test_request_context():
        (doc,) = submit_documents(
            dossier, task, [upload(files.png(), "foto.png")], storage, actor=Actor.resident()
        )
        review_document(doc, approve=False, staff=staff(), reason="De foto is te donker.")
    assert doc.status is DocumentStatus.REJECTED and task.holder is Holder.RESIDENT
    item = next(i for i in checklist(dossier) if i.task.id == task.id)
    assert item.state == "rejected" and item.latest is not None
    assert item.latest.reason == "De foto is te donker."
    with pytest.raises(DocumentError):
        review_document(doc, approve=True, staff=staff())
    with app.test_request_context():
        (again,) = submit_documents(
            dossier, task, [upload(files.jpeg(), "foto.jpg")], storage, actor=Actor.resident()
        )
        review_document(again, approve=True, staff=staff())
    assert task.status is TaskStatus.DONE
    assert kinds(dossier.id)[-4:] == [
        "document_received",
        "document_rejected",
        "document_received",
        "document_approved",
    ]


def test_a_rejection_needs_a_reason(app: Flask, seeded: None, storage: LocalStorage) -> None:
    jan = resident_for_bsn(RED)
    assert jan is not None and jan.dossier is not None
    task = checklist(jan.dossier)[0].task
    with app.test_request_context():
        (doc,) = submit_documents(
            jan.dossier, task, [upload(files.pdf())], storage, actor=Actor.resident()
        )
        with pytest.raises(DocumentError):
            review_document(doc, approve=False, staff=staff(), reason="  ")


def test_unasked_document_makes_the_light_orange_for_a_green_dossier(
    app: Flask, seeded: None, storage: LocalStorage
) -> None:
    sanne = resident_for_bsn(GREEN)
    assert sanne is not None and sanne.dossier is not None
    dossier = sanne.dossier
    assert light_for(open_tasks(dossier), clock.today()).light is Light.GREEN
    org = dossier.organisations[0]
    with app.test_request_context():
        (doc,) = send_other_document(
            dossier,
            org,
            "Brief van de Belastingdienst",
            [upload(files.pdf())],
            storage,
            actor=Actor.resident(),
        )
    assert doc.unrequested and doc.task.holder is Holder.ORGANISATION
    assert light_for(open_tasks(dossier), clock.today()).light is Light.ORANGE
    assert kinds(dossier.id)[-1] == "document_sent"
    with app.test_request_context():
        review_document(doc, approve=True, staff=staff())
    assert light_for(open_tasks(dossier), clock.today()).light is Light.GREEN


def test_a_failed_save_leaves_no_file_and_no_row(
    app: Flask, seeded: None, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    jan = resident_for_bsn(RED)
    assert jan is not None and jan.dossier is not None
    dossier_id = jan.dossier.id
    task = checklist(jan.dossier)[0].task
    before = len(
        db.session.scalars(select(Document).where(Document.dossier_id == dossier_id)).all()
    )

    def broken_commit() -> None:
        raise RuntimeError("database went away")

    with app.test_request_context():
        good = [upload(files.pdf()), upload(files.png(), "b.png")]
        monkeypatch.setattr(db.session, "commit", broken_commit)
        with pytest.raises(RuntimeError):
            submit_documents(jan.dossier, task, good, storage, actor=Actor.resident())
        monkeypatch.undo()
    assert storage.stored_keys() == []
    after = db.session.scalars(select(Document).where(Document.dossier_id == dossier_id)).all()
    assert len(after) == before


def test_capped_file_keeps_no_bytes_past_the_limit() -> None:
    from app.services.uploads import CappedFile

    capped = CappedFile(limit=1000)
    for _ in range(50):
        capped.write(b"x" * 100)
    assert capped.too_big and capped.received == 5000
    assert capped.tell() == 1000, "bytes past the limit are counted, not kept"
    capped.close()


@pytest.mark.parametrize("step", ["ask", "follow_up"])
def test_a_failed_question_with_a_file_leaves_no_file_and_no_row(
    app: Flask, seeded: None, storage: LocalStorage, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    jan = resident_for_bsn(RED)
    assert jan is not None and jan.dossier is not None
    organisation = jan.dossier.organisations[0]
    with app.test_request_context():
        question = ask_question(jan.dossier, organisation, "Eerste vraag", actor=Actor.resident())
        questions_before = db.session.scalars(select(Question)).all()
        documents_before = db.session.scalars(select(Document)).all()

        def broken_commit() -> None:
            raise RuntimeError("database went away")

        monkeypatch.setattr(db.session, "commit", broken_commit)
        with pytest.raises(RuntimeError):
            if step == "ask":
                ask_question(
                    jan.dossier,
                    organisation,
                    "Met een brief",
                    actor=Actor.resident(),
                    attachment=upload(files.pdf()),
                    storage=storage,
                )
            else:
                follow_up(
                    jan.dossier,
                    question,
                    "Hier is de brief",
                    actor=Actor.resident(),
                    attachment=upload(files.pdf()),
                    storage=storage,
                )
        monkeypatch.undo()
    assert storage.stored_keys() == [], "the stored file went with the rolled-back row"
    assert len(db.session.scalars(select(Question)).all()) == len(questions_before)
    assert len(db.session.scalars(select(Document)).all()) == len(documents_before)
