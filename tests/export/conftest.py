"""Data-export fixtures: a private upload folder, a real RQ queue on the test Redis, and a
'twin' resident with the same name, birth date, file names and question as a demo resident."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Dossier, Resident
from app.queues import get_queue
from app.services.bsn import bsn_hash, encrypt_bsn
from app.services.consent import link_organisation
from app.services.documents import send_other_document
from app.services.questions import ask_question
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from app.services.uploads import check_file
from tests import files
from tests.notifications.conftest import redis_url  # noqa: F401 - the test Redis DB fixture

TWIN_BSN = "999990019"
TWIN_SECRET = "TWEELING-GEHEIM"  # in the twin's file, question and e-mail only


@pytest.fixture
def storage(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStorage:
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return LocalStorage(tmp_path / "uploads")


@pytest.fixture
def export_queue(
    app: Flask,
    redis_url: str,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Queue]:
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "JOB_QUEUE", f"export-test-{uuid.uuid4().hex[:8]}")
    queue = get_queue()
    yield queue
    queue.delete(delete_jobs=True)


def run_jobs(queue: Queue) -> None:
    worker = SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer)
    assert worker.work(burst=True)
    failed = [queue.fetch_job(i) for i in queue.failed_job_registry.get_job_ids()]
    assert not failed, [job.exc_info for job in failed if job]


def send_file(dossier: Dossier, name: str, content: bytes, storage: LocalStorage) -> None:
    checked, problem = check_file(FileStorage(io.BytesIO(content), filename=name))
    assert checked is not None, problem
    organisation = dossier.organisations[0]
    send_other_document(
        dossier, organisation, "Mijn loonstrook", [checked], storage, actor=Actor.resident()
    )


def make_twin(of: Resident, storage: LocalStorage) -> Resident:
    """Someone who looks like `of` in every way a careless query could match on."""
    twin = Resident(
        bsn_hash=bsn_hash(TWIN_BSN),
        bsn_encrypted=encrypt_bsn(TWIN_BSN),
        first_name=of.first_name,
        last_name=of.last_name,
        initials=of.initials,
        date_of_birth=of.date_of_birth or date(1970, 1, 1),
        email=f"{TWIN_SECRET.lower()}@example.nl",
        phone="",
    )
    db.session.add(twin)
    db.session.flush()
    dossier = Dossier(resident_id=twin.id)
    db.session.add(dossier)
    db.session.flush()
    assert of.dossier is not None
    for organisation in of.dossier.organisations:
        link_organisation(dossier, organisation)
    db.session.commit()
    send_file(dossier, "loonstrook.pdf", files.pdf(text_pages=2), storage)
    with force_locale("nl"):  # the item's title is written in the resident's language
        ask_question(
            dossier, dossier.organisations[0], f"Vraag over {TWIN_SECRET}", actor=Actor.resident()
        )
    db.session.commit()
    return twin


def zip_of(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))
