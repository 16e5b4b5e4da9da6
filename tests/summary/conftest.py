"""Fixtures for the printable summary: a private cache directory per test, residents by BSN,
and helpers that read a PDF the way a resident's software would (pypdf, pdftotext, pdffonts)."""

from __future__ import annotations

import io
import subprocess
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale
from pypdf import PdfReader
from rq import Queue

from app import clock
from app.models import Appointment, Channel, Resident
from app.queues import get_queue
from app.services.accounts import resident_for_bsn
from app.services.appointments import book_appointment, free_slots
from app.services.timeline import Actor


@pytest.fixture(autouse=True)
def summary_cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    cache = tmp_path / "summary-cache"
    if "app" not in request.fixturenames:
        yield cache
        return
    app: Flask = request.getfixturevalue("app")
    old = app.config["SUMMARY_CACHE_DIR"], app.config["SUMMARY_INLINE_BUDGET_SECONDS"]
    app.config["SUMMARY_CACHE_DIR"] = str(cache)
    # Rendered in the request unless a test sets a smaller budget to see the queue: the budget
    # is judged against this process's earlier renders, which a busy machine slows down.
    app.config["SUMMARY_INLINE_BUDGET_SECONDS"] = 60.0
    yield cache
    app.config["SUMMARY_CACHE_DIR"], app.config["SUMMARY_INLINE_BUDGET_SECONDS"] = old


@pytest.fixture(autouse=True)
def fresh_timings() -> Iterator[None]:
    # Render times measured by one test must not steer the inline/queued choice of the next.
    from app.services import summary_pdf

    summary_pdf._timings.clear()
    yield
    summary_pdf._timings.clear()


@pytest.fixture
def rq_queue(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Queue]:
    """The app's job queue on the real Redis: a queue of this test's own."""
    monkeypatch.setitem(app.config, "JOB_QUEUE", f"test-summary-{uuid.uuid4().hex}")
    queue = get_queue()
    yield queue
    queue.delete(delete_jobs=True)


def resident(bsn: str) -> Resident:
    found = resident_for_bsn(bsn)
    assert found is not None, bsn
    return found


def book(bsn: str, channel: Channel | None = None, topic: str = "housing") -> Appointment:
    """Book the resident the first free demo slot (of this channel), a day or more ahead, the way
    the resident would."""
    dossier = resident(bsn).dossier
    assert dossier is not None
    later = clock.now() + timedelta(days=2)  # so it can still be changed or cancelled here
    slot = next(
        s
        for s in free_slots(dossier, limit=200)
        if s.starts_at > later and (channel is None or s.channel is channel)
    )
    with force_locale("nl"):  # the booking's item title is written in the resident's language
        return book_appointment(dossier, slot, topic, "", actor=Actor.resident())


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text as pdftotext (poppler) extracts it, whitespace collapsed."""
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.split())


def pdf_fonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))
