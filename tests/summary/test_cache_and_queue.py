"""A repeat print comes from the cache; a slow render goes to RQ (real Redis, real worker) and the
page polls; without a queue, or when a job is lost, the request renders inline."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask_babel import force_locale
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Holder, TaskKind
from app.services import summary_pdf
from app.services.appointments import free_slots, reschedule_appointment
from app.services.summary import Viewer
from app.services.summary_pdf import PdfPending, PdfReady, pdf_status, request_pdf
from app.services.tasks import add_task
from app.services.timeline import Actor
from tests.moments import local
from tests.summary.conftest import book, resident

RED = DEMO_RESIDENTS[0].bsn


def ask(bsn: str = RED) -> PdfReady | PdfPending:
    who = resident(bsn)
    return request_pdf(Viewer.for_resident(who), who, clock.today())


def no_rendering(*args: object, **kwargs: object) -> bytes:
    raise AssertionError("rendered, but the cache or the queue should have answered")


def test_repeat_print_comes_from_the_cache(
    app: Flask, seeded: None, summary_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ask()
    assert isinstance(first, PdfReady)
    files = list(summary_cache.glob("*.pdf"))
    assert len(files) == 1
    assert oct(files[0].stat().st_mode & 0o777) == "0o600", "personal data: owner only"
    monkeypatch.setattr(summary_pdf, "render_summary_pdf", no_rendering)
    second = ask()
    assert isinstance(second, PdfReady) and second.data == first.data


def test_the_cache_ages_on_the_apps_clock(
    app: Flask, seeded: None, summary_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Freshness is judged on app.clock, never on the file system's clock: a print made an hour
    ago on the app's clock is an hour old, whatever the file's real write time was."""
    start = local(clock.today(), 12)  # noon: the hour below stays on one day
    keep = 3600
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_SECONDS", keep)
    with time_machine.travel(start, tick=False):
        first = ask()
    assert isinstance(first, PdfReady)
    with (
        monkeypatch.context() as cached_only,
        time_machine.travel(start + timedelta(seconds=keep - 1), tick=False),
    ):
        cached_only.setattr(summary_pdf, "render_summary_pdf", no_rendering)
        assert ask() == first
    with time_machine.travel(start + timedelta(seconds=keep + 1), tick=False):
        again = ask()
    assert isinstance(again, PdfReady)
    [cached] = summary_cache.glob("*.pdf")
    assert cached.stat().st_mtime == (start + timedelta(seconds=keep + 1)).timestamp()


def test_a_change_in_the_dossier_gives_a_new_pdf(
    app: Flask, seeded: None, summary_cache: Path
) -> None:
    first = ask()
    who = resident(RED)
    assert who.dossier is not None
    org = who.dossier.organisations[0]
    add_task(
        who.dossier,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=org,
        title="Huurspecificatie sturen",
        due_date=clock.today() + timedelta(days=5),
        actor=Actor.system(org),
    )
    db.session.commit()
    second = ask()
    assert isinstance(first, PdfReady) and isinstance(second, PdfReady)
    assert first.data != second.data
    assert len(list(summary_cache.glob("*.pdf"))) == 2


def test_old_cache_files_are_removed(app: Flask, seeded: None, summary_cache: Path) -> None:
    ask()
    old = summary_cache / ("0" * 64 + ".pdf")
    old.write_bytes(b"%PDF old")
    stale = time.time() - app.config["SUMMARY_CACHE_SECONDS"] - 10
    os.utime(old, (stale, stale))
    ask(DEMO_RESIDENTS[2].bsn)  # any new render prunes
    assert not old.exists()


def test_slow_render_is_queued_and_polled(
    app: Flask, seeded: None, rq_queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["SUMMARY_INLINE_BUDGET_SECONDS"] = 0  # nothing counts as fast
    monkeypatch.setattr(summary_pdf, "render_summary_pdf", no_rendering)
    who = resident(RED)
    viewer = Viewer.for_resident(who)
    assert isinstance(request_pdf(viewer, who, clock.today()), PdfPending)
    assert rq_queue.count == 1
    job = rq_queue.jobs[0]
    assert job.func_name == "jobs.summary.render_summary"
    assert job.args == [who.id, "normaal", []], "ids only, the letter size, no staff reader"
    # Polling before the worker ran: still pending, and not queued a second time.
    assert isinstance(pdf_status(viewer, who, clock.today()), PdfPending)
    assert rq_queue.count == 1

    monkeypatch.undo()
    monkeypatch.setitem(app.config, "JOB_QUEUE", rq_queue.name)  # undo() took it back
    worker = SimpleWorker([rq_queue], connection=rq_queue.connection, serializer=JSONSerializer)
    assert worker.work(burst=True)
    assert job.get_status(refresh=True) == "finished", job.exc_info

    monkeypatch.setattr(summary_pdf, "render_summary_pdf", no_rendering)
    ready = pdf_status(viewer, who, clock.today())
    assert isinstance(ready, PdfReady) and ready.data.startswith(b"%PDF")


def test_slow_estimate_from_earlier_renders_queues(
    app: Flask, seeded: None, rq_queue: Queue
) -> None:
    assert isinstance(ask(), PdfReady), "no measurements yet: inline"
    assert summary_pdf.expected_seconds(10_000) is not None
    app.config["SUMMARY_INLINE_BUDGET_SECONDS"] = 1e-9  # any real render is slower than this
    assert isinstance(ask(DEMO_RESIDENTS[2].bsn), PdfPending)
    assert rq_queue.count == 1


def test_without_redis_the_request_renders_inline(app: Flask, seeded: None) -> None:
    from tests.conftest import free_port

    app.config["SUMMARY_INLINE_BUDGET_SECONDS"] = 0
    old = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    try:
        result = ask()
    finally:
        app.config["REDIS_URL"] = old
    assert isinstance(result, PdfReady) and result.data.startswith(b"%PDF")


def test_a_lost_job_is_rendered_inline(
    app: Flask, seeded: None, rq_queue: Queue, summary_cache: Path
) -> None:
    app.config["SUMMARY_INLINE_BUDGET_SECONDS"] = 0
    assert isinstance(ask(), PdfPending)
    [marker] = summary_cache.glob("*.queued")
    lost = time.time() - app.config["SUMMARY_JOB_TIMEOUT_SECONDS"] - 1
    os.utime(marker, (lost, lost))
    result = ask()
    assert isinstance(result, PdfReady), "no worker came: slow beats nothing"
    assert not marker.exists()
    assert rq_queue.count == 1, "not queued again"


def test_job_for_a_missing_resident_does_nothing(app: Flask, seeded: None) -> None:
    from jobs.summary import render_summary

    assert render_summary(987654) is None


def test_booking_an_appointment_gives_a_new_key_and_pdf(
    app: Flask, seeded: None, summary_cache: Path
) -> None:
    who = resident(RED)
    before = summary_pdf.state_key(summary_pdf.pdf_html(who, clock.today()))
    first = ask()
    appointment = book(RED)
    after = summary_pdf.state_key(summary_pdf.pdf_html(who, clock.today()))
    assert after != before, "the appointment shown is part of the key"
    second = ask()
    assert isinstance(first, PdfReady) and isinstance(second, PdfReady)
    assert first.data != second.data
    assert {p.stem for p in summary_cache.glob("*.pdf")} == {before, after}
    # Moving it to another time changes what the paper says, so the key again.
    dossier = who.dossier
    assert dossier is not None
    other = next(
        s
        for s in free_slots(dossier, organisation_id=appointment.slot.organisation_id)
        if s.starts_at.date() != appointment.slot.starts_at.date()
    )
    with force_locale("nl"):
        reschedule_appointment(dossier, appointment, other, actor=Actor.resident())
    moved = summary_pdf.state_key(summary_pdf.pdf_html(who, clock.today()))
    assert moved not in {before, after}
