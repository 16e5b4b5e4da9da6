"""Retention: staff close a dossier (timeline, access log); RETENTION_DAYS_AFTER_CLOSE later the
daily job (or `flask retention --run`) deletes its files, texts, contact details and BSN hash,
keeping a minimal access-log record for RETENTION_ACCESS_LOG_DAYS. Dates are relative to now."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import (
    AccessLog,
    Document,
    Dossier,
    Notification,
    PageFeedback,
    Question,
    Resident,
    Task,
    TimelineEvent,
)
from app.queues import get_queue
from app.services import retention
from app.services.accounts import resident_for_bsn
from app.services.storage import LocalStorage
from jobs.reminders import enqueue_retention
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import (
    DEBOER,
    FATIMA,
    JAN,
    JANSEN,
    csrf,
    dossier_of,
    login_staff,
    received_document,
    staff,
)

pytestmark = pytest.mark.usefixtures("seeded")


def rows(model: type, *where: object) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def close_as(client: FlaskClient, bsn: str) -> int:
    dossier_id = dossier_of(bsn).id
    token = csrf(client, f"/medewerker/dossier/{dossier_id}")
    answer = client.post(f"/medewerker/dossier/{dossier_id}/sluiten", data={"csrf_token": token})
    assert answer.status_code == 303
    return dossier_id


def closed_days_ago(bsn: str, days: int) -> Dossier:
    dossier = dossier_of(bsn)
    dossier.closed_at = clock.now() - timedelta(days=days)
    db.session.commit()
    return dossier


def test_staff_close_a_dossier_and_the_resident_reads_it(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    dossier_id = close_as(client, JAN)
    page = check_page(client.get(f"/medewerker/dossier/{dossier_id}").data)
    assert page.select_one(f"form[action='/medewerker/dossier/{dossier_id}/sluiten']") is None
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier_id)
    assert dossier is not None and dossier.closed_at is not None
    assert dossier.closed_by_staff_id == staff(JANSEN).id
    assert (
        rows(AccessLog, AccessLog.dossier_id == dossier_id, AccessLog.action == "close_dossier")
        == 1
    )
    event = db.session.scalar(
        select(TimelineEvent).where(
            TimelineEvent.dossier_id == dossier_id, TimelineEvent.kind == "dossier_closed"
        )
    )
    assert event is not None and event.actor_staff_id == staff(JANSEN).id

    # Closing twice changes nothing.
    token = csrf(client, f"/medewerker/dossier/{dossier_id}")
    client.post(f"/medewerker/dossier/{dossier_id}/sluiten", data={"csrf_token": token})
    assert rows(TimelineEvent, TimelineEvent.kind == "dossier_closed") == 1

    resident = app.test_client()
    log_in(resident, JAN)
    timeline = text_of(check_page(resident.get("/tijdlijn").data))
    assert nl(app, "Your dossier was closed: the help has ended") in timeline


def test_closing_needs_a_link_to_the_dossier(app: Flask, client: FlaskClient) -> None:
    login_staff(client, DEBOER)  # the housing corporation is not in Jan's dossier
    dossier_id = dossier_of(JAN).id
    token = csrf(client, "/medewerker")
    answer = client.post(f"/medewerker/dossier/{dossier_id}/sluiten", data={"csrf_token": token})
    assert answer.status_code == 404
    resident = app.test_client()
    log_in(resident, JAN)
    assert resident.post(f"/medewerker/dossier/{dossier_id}/sluiten").status_code in (400, 403)
    db.session.expire_all()
    assert dossier_of(JAN).closed_at is None


def test_dry_run_reports_and_deletes_nothing(app: Flask, storage: LocalStorage) -> None:
    days = app.config["RETENTION_DAYS_AFTER_CLOSE"]
    received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    jan = closed_days_ago(JAN, days + 1)
    closed_days_ago(FATIMA, days - 1)  # not yet
    before = rows(Task), rows(Document), rows(TimelineEvent), len(storage.stored_keys())

    due = retention.plan()
    assert [d.dossier_id for d in due.dossiers] == [jan.id]
    assert due.dossiers[0].counts["documents"] == rows(Document, Document.dossier_id == jan.id)
    assert due.dossiers[0].counts["tasks"] == rows(Task, Task.dossier_id == jan.id) > 0

    out = app.test_cli_runner().invoke(args=["retention"])
    assert out.exit_code == 0, out.output
    assert f"dossier {jan.id} " in out.output and "Dry run" in out.output
    assert dossier_of(FATIMA).id != jan.id and f"dossier {dossier_of(FATIMA).id} " not in out.output
    assert resident_for_bsn(JAN) is not None
    assert (rows(Task), rows(Document), rows(TimelineEvent), len(storage.stored_keys())) == before


def test_real_run_deletes_the_dossier_and_keeps_a_minimal_access_log(
    app: Flask, storage: LocalStorage
) -> None:
    days = app.config["RETENTION_DAYS_AFTER_CLOSE"]
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    jan = closed_days_ago(JAN, days + 1)
    jan_id, jan_resident = jan.id, jan.resident_id
    fatima = closed_days_ago(FATIMA, days - 1)
    fatima_counts = retention.counts_for(fatima)
    staff_member = staff(JANSEN)
    from app.services.access_log import record_access

    record_access(
        staff_member, jan.organisations[0], jan, "download_document", "casework", "bewijs.pdf"
    )
    db.session.commit()
    reaction = PageFeedback(
        page="overview.index", clear=False, comment="x", resident_id=jan_resident
    )
    db.session.add(reaction)
    db.session.commit()
    reaction_id = reaction.id
    log_rows = rows(AccessLog, AccessLog.dossier_id == jan_id)
    other_files = [k for k in storage.stored_keys() if k != doc.storage_key]

    out = app.test_cli_runner().invoke(args=["retention", "--run"])
    assert out.exit_code == 0, out.output
    assert "Deleted 1 dossiers" in out.output
    db.session.expire_all()

    for model, column in (
        (Task, Task.dossier_id),
        (Document, Document.dossier_id),
        (Question, Question.dossier_id),
        (TimelineEvent, TimelineEvent.dossier_id),
    ):
        assert rows(model, column == jan_id) == 0, model
    assert rows(Notification, Notification.resident_id == jan_resident) == 0
    assert storage.stored_keys() == other_files, "Jan's file is deleted, nobody else's"
    resident = db.session.get(Resident, jan_resident)
    assert resident is not None
    assert (resident.first_name, resident.last_name, resident.email, resident.phone) == (
        "",
        "",
        "",
        "",
    )
    assert resident.date_of_birth is None and resident.bsn_encrypted == b""
    assert resident_for_bsn(JAN) is None, "the BSN hash went too"
    kept = db.session.scalars(select(AccessLog).where(AccessLog.dossier_id == jan_id)).all()
    assert len(kept) == log_rows and all(r.detail == "" for r in kept)
    assert retention.counts_for(fatima) == fatima_counts, "the other dossier is untouched"
    kept_reaction = db.session.get(PageFeedback, reaction_id)
    assert kept_reaction is not None and kept_reaction.resident_id is None
    assert retention.plan().dossiers == [], "a second run finds nothing"

    # The minimal record goes too, RETENTION_ACCESS_LOG_DAYS after the deletion.
    later = clock.now() + timedelta(days=app.config["RETENTION_ACCESS_LOG_DAYS"] + 1)
    with time_machine.travel(later, tick=False):
        assert retention.plan().access_log_rows == log_rows
        result = retention.purge_due()
    assert result.access_log_rows_removed == log_rows
    assert rows(AccessLog, AccessLog.dossier_id == jan_id) == 0


def test_the_clock_queues_one_retention_run_a_day(
    app: Flask, redis_url: str, monkeypatch: pytest.MonkeyPatch, storage: LocalStorage
) -> None:
    queue = get_queue(f"retention-test-{uuid.uuid4().hex[:8]}", redis_url)
    try:
        now = clock.now().timestamp()
        assert enqueue_retention(queue, now)
        assert not enqueue_retention(queue, now + 60), "one run a day, however many clocks"
        jan = closed_days_ago(JAN, app.config["RETENTION_DAYS_AFTER_CLOSE"] + 1)
        jan_id = jan.id
        worker = SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer)
        assert worker.work(burst=True)
        assert queue.failed_job_registry.count == 0
        db.session.expire_all()
        dossier = db.session.get(Dossier, jan_id)
        assert dossier is not None and dossier.purged_at is not None
    finally:
        queue.delete(delete_jobs=True)
