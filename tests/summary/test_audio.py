"""'Luister naar uw overzicht': the summary spoken by espeak-ng into a small MP3, made by the RQ
worker (real Redis, real worker) or in the request when no queue answers, cached by what it says,
and only ever the listener's own."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from rq import Queue, SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import AccessLog, StaffMember
from app.services import summary_audio
from app.services.summary import SummaryForbidden, Viewer, build_summary
from app.services.summary_audio import AudioPending, AudioReady, request_audio, spoken_text
from tests.conftest import free_port
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request
from tests.login import log_in
from tests.summary.conftest import resident

JAN, MOHAMED = DEMO_RESIDENTS[0].bsn, DEMO_RESIDENTS[4].bsn


def decoded_seconds(mp3: bytes, tmp_path: Path) -> float:
    """Decode the file the way a phone would (LAME's decoder) and measure the sound in it."""
    source, target = tmp_path / "a.mp3", tmp_path / "a.wav"
    source.write_bytes(mp3)
    subprocess.run(["lame", "--quiet", "--decode", str(source), str(target)], check=True)
    with wave.open(str(target)) as sound:
        return sound.getnframes() / sound.getframerate()


def work(queue: Queue) -> None:
    SimpleWorker([queue], connection=queue.connection, serializer=JSONSerializer).work(burst=True)


def test_the_spoken_text_is_the_summary_in_reading_order(app: Flask, seeded: None) -> None:
    jan = resident(JAN)
    lang, text = spoken_text(jan, clock.today())
    assert lang == "nl"
    lines = text.splitlines()
    assert lines[0] == "Er is iets dat u moet doen."
    assert lines[1].startswith("Uw dossier is rood")
    with force_locale("nl"):
        summary = build_summary(jan, clock.today())
    titles = [i.title for i in summary.to_do + summary.organisation_items]
    assert len(titles) >= 2
    for title in titles:
        assert text.count(title) == 1, f"each item once: {title}"
    assert lines[2] == "Dit moet u doen." and titles[0] in lines[3]
    assert "Hulp nodig? Bel" in lines[-1]
    assert JAN not in text, "no BSN in what is spoken"
    assert "<" not in text and "&" not in text, "plain text, no markup for the voice to read out"


def test_english_residents_hear_english(app: Flask, seeded: None) -> None:
    jan = resident(JAN)
    jan.language = "en"
    db.session.commit()
    lang, text = spoken_text(jan, clock.today())
    assert lang == "en" and text.splitlines()[0] == "There is something you need to do."
    assert summary_audio.audio_key("en", text) != summary_audio.audio_key("nl", text)


def test_made_by_the_worker_while_the_page_waits(
    app: Flask, seeded: None, client: FlaskClient, rq_queue: Queue, tmp_path: Path
) -> None:
    log_in(client, JAN)
    overview = check_page(client.get("/").data)
    link = overview.select_one("a[href='/overzicht/luisteren']")
    assert link is not None and text_of(link) == "Luister naar uw overzicht"

    waiting = client.get("/overzicht/luisteren")
    soup = check_page(waiting.data)
    assert text_of(soup.h1) == "Luister naar uw overzicht"
    assert soup.select_one("audio") is None
    poll = soup.select_one('[role="status"] #listen-status a[hx-get]')
    assert poll is not None and poll["href"] == "/overzicht/luisteren", "without JS: a reload"
    assert rq_queue.count == 1
    job = rq_queue.jobs[0]
    assert job.func_name == "jobs.summary.render_audio"
    assert job.args == [resident(JAN).id, []], "ids only"
    poll_headers = fragment_request("/overzicht/luisteren", target="listen-status")
    assert client.get("/overzicht/luisteren", headers=poll_headers).status_code == 204
    assert rq_queue.count == 1, "polling does not queue it again"
    early = client.get("/overzicht.mp3")
    assert early.status_code == 303 and early.headers["Location"] == "/overzicht/luisteren"

    work(rq_queue)
    ready = check_page(client.get("/overzicht/luisteren").data)
    audio = ready.select_one("audio[controls]")
    assert audio is not None and audio["src"] == "/overzicht.mp3"
    download = ready.select_one("a[download]")
    assert download is not None and download["href"] == "/overzicht.mp3?download=1"
    assert "MP3" in text_of(download)
    assert "minu" in text_of(ready.select_one("#listen-status"))

    mp3 = client.get("/overzicht.mp3")
    assert mp3.status_code == 200 and mp3.mimetype == "audio/mpeg"
    assert mp3.headers["Cache-Control"].startswith("private, no-store")
    seconds = decoded_seconds(mp3.data, tmp_path)
    assert seconds > 10, "the whole overview, not a fragment"
    assert len(mp3.data) <= seconds * 24_000 / 8 * 1.1, "speech bitrate: 24 kbit/s"
    part = client.get("/overzicht.mp3", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100, "byte ranges for iPhones"
    saved = client.get("/overzicht.mp3?download=1")
    assert saved.headers["Content-Disposition"] == 'attachment; filename="overzicht.mp3"'


def test_cached_by_what_it_says(
    app: Flask, seeded: None, summary_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")  # inline
    jan = resident(JAN)
    first = request_audio(Viewer.for_resident(jan), jan, clock.today())
    assert isinstance(first, AudioReady)
    [file] = summary_cache.glob("*.mp3")
    assert oct(file.stat().st_mode & 0o777) == "0o600", "personal data: owner only"

    def no_speaking(*args: object) -> bytes:
        raise AssertionError("spoken again, but the cache should have answered")

    real_synthesise = summary_audio.synthesise
    monkeypatch.setattr(summary_audio, "synthesise", no_speaking)
    again = request_audio(Viewer.for_resident(jan), jan, clock.today())
    assert isinstance(again, AudioReady) and again.data == first.data

    monkeypatch.setattr(summary_audio, "synthesise", real_synthesise)
    with force_locale("nl"):
        build_summary(jan, clock.today()).to_do[0].task.title = "Stuur uw nieuwe bankafschrift"
    db.session.commit()
    changed = request_audio(Viewer.for_resident(jan), jan, clock.today())
    assert isinstance(changed, AudioReady) and changed.data != first.data
    assert len(list(summary_cache.glob("*.mp3"))) == 2


def test_a_lost_job_is_spoken_in_the_request(
    app: Flask, seeded: None, rq_queue: Queue, summary_cache: Path
) -> None:
    jan = resident(JAN)
    assert isinstance(request_audio(Viewer.for_resident(jan), jan, clock.today()), AudioPending)
    [marker] = summary_cache.glob("*.queued")
    with pytest.MonkeyPatch.context() as m:
        m.setitem(app.config, "SUMMARY_JOB_TIMEOUT_SECONDS", -1)  # the worker never came
        result = request_audio(Viewer.for_resident(jan), jan, clock.today())
    assert isinstance(result, AudioReady) and not marker.exists()
    assert rq_queue.count == 1, "not queued again"


def test_staff_hear_only_dossiers_of_their_organisation_and_are_logged(
    app: Flask, seeded: None, rq_queue: Queue
) -> None:
    jan = resident(JAN)
    linked = {org.id for org in jan.dossier.organisations}
    staff = db.session.scalars(select(StaffMember)).all()
    inside = next(s for s in staff if {m.organisation_id for m in s.memberships} & linked)
    outside = next(s for s in staff if not {m.organisation_id for m in s.memberships} & linked)
    with pytest.raises(SummaryForbidden):
        request_audio(Viewer.for_staff(outside), jan, clock.today())
    before = db.session.scalar(select(func.count()).select_from(AccessLog))
    assert isinstance(request_audio(Viewer.for_staff(inside), jan, clock.today()), AudioPending)
    logged = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == before + 1
    assert logged is not None and logged.staff_id == inside.id
    assert rq_queue.jobs[0].args[1] == sorted(m.organisation_id for m in inside.memberships)


def test_the_listening_page_is_only_for_a_logged_in_resident(
    app: Flask, seeded: None, client: FlaskClient
) -> None:
    response = client.get("/overzicht/luisteren")
    assert response.status_code in (302, 303) and "/inloggen" in response.headers["Location"]
    assert client.get("/overzicht.mp3").status_code in (302, 303)


def test_staff_at_the_desk_hear_the_residents_overview(
    app: Flask, seeded: None, client: FlaskClient, rq_queue: Queue
) -> None:
    jan = resident(JAN)
    dossier_id = jan.dossier.id
    linked = {org.id for org in jan.dossier.organisations}
    staff = db.session.scalars(select(StaffMember)).all()
    inside = next(s for s in staff if {m.organisation_id for m in s.memberships} & linked)
    outside = next(s for s in staff if not {m.organisation_id for m in s.memberships} & linked)
    log_in(client, outside)
    assert client.get(f"/medewerker/dossier/{dossier_id}/luisteren").status_code == 404
    assert client.get(f"/medewerker/dossier/{dossier_id}/samenvatting.mp3").status_code == 404
    assert rq_queue.count == 0

    log_in(client, inside)
    waiting = check_page(client.get(f"/medewerker/dossier/{dossier_id}/luisteren").data)
    assert waiting.select_one("audio") is None
    work(rq_queue)
    page = check_page(client.get(f"/medewerker/dossier/{dossier_id}/luisteren").data)
    audio = page.select_one("audio[controls]")
    assert (
        audio is not None and audio["src"] == f"/medewerker/dossier/{dossier_id}/samenvatting.mp3"
    )
    back = page.select_one(f"main a[href='/medewerker/dossier/{dossier_id}']")
    assert back is not None
    before = db.session.scalar(select(func.count()).select_from(AccessLog))
    mp3 = client.get(f"/medewerker/dossier/{dossier_id}/samenvatting.mp3")
    assert mp3.status_code == 200 and mp3.mimetype == "audio/mpeg"
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == before + 1
