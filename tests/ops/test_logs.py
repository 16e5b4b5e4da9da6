"""Logs as JSON lines: one event per request with the id the response carries, the same id in
the log of the job that request queued, and not one BSN, e-mail address or phone number of any
demo person in any line while the demo is walked by a resident, a staff member and the
reminder worker."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
import time_machine
from flask import Flask
from redis import Redis
from rq import Queue
from sqlalchemy import select

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.logging_setup import JsonFormatter
from app.models import Resident, StaffMember
from app.services.bsn import reveal_bsn
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.planning import plan_appointment_reminders
from app.services.notifications.preferences import CHOICES, save_contact_and_preferences
from tests.htmx_headers import fragment_request
from tests.login import log_in
from tests.notifications.conftest import (
    APPOINTMENT_AT,
    NOW,
    SEND,
    FakeSpryng,
    SmtpRecorder,
    run_worker,
)
from tests.staff.conftest import JANSEN, dossier_of, post_login

JAN = DEMO_RESIDENTS[0].bsn
JAN_EMAIL = "jan.de.vries@example.nl"
JAN_PHONE = "+31612345678"
# The loopback SMTP server of the tests logs every envelope: it plays the provider, not the app.
NOT_OURS = ("mail.log",)


@pytest.fixture
def json_log(app: Flask) -> Iterator[io.StringIO]:
    """Every logger of this process writes JSON lines into a buffer at INFO, as LOG_FORMAT=json
    sets it up in production."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield out
    root.removeHandler(handler)
    root.setLevel(old_level)


def events(out: io.StringIO) -> list[dict[str, Any]]:
    lines = [line for line in out.getvalue().splitlines() if line]
    return [json.loads(line) for line in lines]  # every line is one JSON object


def personal_data() -> set[str]:
    """Every BSN, e-mail address and phone number of a demo person, in the ways they are written."""
    db.session.expire_all()
    found = {r.bsn for r in DEMO_RESIDENTS}
    for resident in db.session.scalars(select(Resident)):
        found.add(reveal_bsn(resident.bsn_encrypted))
        for value in (resident.email, resident.phone):
            if value:
                found.add(value)
        if resident.phone:
            number = phonenumbers.parse(resident.phone)
            found.add(str(number.national_number))
            found.add("0" + str(number.national_number))
    found.update(db.session.scalars(select(StaffMember.email)))
    return {value for value in found if value}


@pytest.mark.slow(reason="one walk through the demo: three PDF renders, a worker, SMTP and SMS")
def test_a_demo_walk_logs_no_personal_data(
    app: Flask,
    seeded: None,
    json_log: io.StringIO,
    redis_conn: Redis,
    smtp: SmtpRecorder,
    spryng: FakeSpryng,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(app.config, "SUMMARY_INLINE_BUDGET_SECONDS", 60.0)
    resident_ids: dict[str, str] = {}

    # The resident: overview, live poll, documents, questions, appointments, timeline, summary.
    resident = app.test_client()
    log_in(resident, JAN)
    for path in ("/", "/documenten", "/vragen", "/afspraken", "/tijdlijn", "/account"):
        response = resident.get(path)
        assert response.status_code == 200, path
        resident_ids[path] = response.headers["X-Request-ID"]
    refresh = fragment_request("/", target="overzicht")
    page = resident.get("/", headers=refresh)
    poll = resident.get("/", headers={**refresh, "If-None-Match": page.headers["ETag"]})
    assert poll.status_code == 304
    assert resident.get("/overzicht/print").status_code == 200
    assert resident.get("/overzicht.pdf").data.startswith(b"%PDF")
    # A render too slow for the request goes to the worker, with this request's id.
    monkeypatch.setitem(app.config, "SUMMARY_INLINE_BUDGET_SECONDS", 0.0)
    queued = resident.get("/overzicht.pdf?letters=groot")
    assert queued.status_code == 303  # to the "being made" page
    run_worker(Queue(app.config["JOB_QUEUE"], connection=redis_conn))

    # Staff: the real login form (the e-mail address is typed), caseload, a search, the dossier.
    staff = app.test_client()
    assert post_login(staff, JANSEN).status_code == 303
    dossier = dossier_of(JAN)
    for path in (
        "/medewerker",
        "/medewerker?zoek=Vries",
        f"/medewerker/dossier/{dossier.id}",
        f"/medewerker/dossier/{dossier.id}/samenvatting",
        f"/medewerker/dossier/{dossier.id}/samenvatting.pdf",
    ):
        assert staff.get(path).status_code == 200, path

    # The reminders job: Jan's e-mail address and phone number, an appointment, both channels.
    jan = db.session.scalar(select(Resident).where(Resident.id == dossier.resident_id))
    assert jan is not None
    # Set as staff would set them (proven already), so no address confirmation holds them back.
    jan.email, jan.phone = JAN_EMAIL, JAN_PHONE
    with time_machine.travel(NOW, tick=False):
        save_contact_and_preferences(
            jan,
            email=JAN_EMAIL,
            phone_e164=JAN_PHONE,
            appointment=CHOICES["both"],
            document=CHOICES["both"],
            quiet_start=time(21),
            quiet_end=time(8),
        )
        plan_appointment_reminders(
            424242, resident_id=jan.id, starts_at=APPOINTMENT_AT, title="Gesprek"
        )
        db.session.commit()
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        run_worker(Queue(app.config["REMINDER_QUEUE"], connection=redis_conn))
    assert smtp.messages and spryng.accepted()  # sent, so the delivery code ran and logged

    logged = events(json_log)
    lines = [json.dumps(e, ensure_ascii=False) for e in logged if e["logger"] not in NOT_OURS]
    secrets = personal_data()
    assert JAN_EMAIL in secrets and JAN_PHONE in secrets and JAN in secrets
    for line in lines:
        for secret in secrets:
            assert secret not in line, f"{secret!r} is in the log line {line}"

    requests = [e for e in logged if e["logger"] == "mijn_overzicht.request"]
    by_id = {e["request_id"]: e for e in requests}
    for path, request_id in resident_ids.items():
        assert by_id[request_id]["method"] == "GET", path
    assert {"overview.index", "staff.caseload", "staff.summary_pdf"} <= {
        e["endpoint"] for e in requests
    }
    assert any(e["status"] == 304 for e in requests)
    assert all(e["rule"] is None or "<" in e["rule"] or "?" not in e["rule"] for e in requests)
    jobs = [e for e in logged if e["logger"] == "mijn_overzicht.job"]
    render = [e for e in jobs if e["job"] == "jobs.summary.render_summary"]
    assert [(e["request_id"], e["outcome"]) for e in render] == [
        (queued.headers["X-Request-ID"], "ok")
    ]
    assert {e["job"] for e in jobs} >= {"jobs.reminders.deliver"}
