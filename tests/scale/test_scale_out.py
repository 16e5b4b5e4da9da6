"""Run as many as needed: nothing lives in one web process or one worker that another needs.

- Two gunicorn instances on two ports, one PostgreSQL schema, one Redis DB: a resident logs in
  through the first (the real DigiD flow against the test IdP) and keeps working through the
  second; a staff write on the first shows on the second's live poll.
- Two reminder workers on 1,000 due reminders (e-mail and SMS): each is sent exactly once,
  counted at the loopback SMTP server and SMS gateway, although one worker is killed (SIGKILL)
  in the middle of a send; the lease sweeper hands its reminder to the other side.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
import time_machine
from bs4 import BeautifulSoup
from flask import Flask
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from app.demo import DEMO_RESIDENTS
from app.demo.staff import DEMO_PASSWORD, DEMO_TOTP
from app.extensions import db
from app.models import Notification
from app.models.notification import NotificationStatus as S
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.planning import plan_appointment_reminders
from app.services.notifications.preferences import CHOICES, save_contact_and_preferences
from app.services.notifications.sweepers import sweep_leases
from tests.conftest import free_port
from tests.htmx_headers import fragment_request
from tests.moments import clock_env
from tests.notifications.conftest import (
    APPOINTMENT_AT,
    NOW,
    SEND,
    FakeSpryng,
    SmtpRecorder,
    make_resident,
    run_worker,
)
from tests.scale.conftest import Instance, gunicorn, start, wait_ready
from tests.staff.conftest import JANSEN, dossier_of

pytestmark = pytest.mark.scale

JAN = DEMO_RESIDENTS[0]
RESIDENTS = 500  # one appointment each, reminded by e-mail and by SMS: 1,000 reminders
KILL_AT = 150  # the e-mail RCPT at which one worker is killed


def hidden_fields(html: str, action: str) -> dict[str, str]:
    form = BeautifulSoup(html, "html.parser").find("form", action=action)
    assert form is not None, f"no form posting to {action}"
    return {
        str(i["name"]): str(i.get("value", ""))
        for i in form.find_all("input", type="hidden")  # type: ignore[union-attr]
    }


def digid_login(browser: requests.Session, base: str, bsn: str) -> requests.Response:
    """The whole DigiD flow over HTTP against the test IdP of instance `base`."""
    idp_page = browser.get(f"{base}/inloggen/digid", params={"next": "/"}, timeout=30)
    assert idp_page.status_code == 200, idp_page.text[:500]
    data = hidden_fields(idp_page.text, "/test-idp/sso")
    data.update({"bsn": bsn, "other_bsn": "", "level": "midden", "action": "login"})
    return browser.post(f"{base}/test-idp/sso", data=data, timeout=30)


def staff_login(browser: requests.Session, base: str, email: str) -> None:
    page = browser.get(f"{base}/medewerker/inloggen", timeout=30)
    data = hidden_fields(page.text, "/medewerker/inloggen") | {
        "email": email,
        "password": DEMO_PASSWORD,
        "code": pyotp.TOTP(DEMO_TOTP[email]).now(),
    }
    response = browser.post(f"{base}/medewerker/inloggen", data=data, timeout=30)
    assert response.status_code == 200 and "/medewerker/inloggen" not in response.url


def web_env(postgres_url: str, redis_url: str, public: str) -> dict[str, str]:
    return {
        **os.environ,
        "MIJN_CONFIG": "test",
        "TEST_DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        # Both instances stand behind one public address (here: the first instance's).
        "SAML_SP_BASE_URL": public,
        "PORTAL_URL": public,
    }


@pytest.mark.slow(reason="starts two gunicorn instances and logs in through DigiD over HTTP")
def test_a_resident_and_staff_work_across_two_web_instances(
    app: Flask,
    seeded: None,
    postgres_url: str,
    redis_url: str,
    processes: list[Instance],
    tmp_path: Path,
) -> None:
    ports = free_port(), free_port()
    env = web_env(postgres_url, redis_url, f"http://127.0.0.1:{ports[0]}")
    one, two = (gunicorn(f"web{i}", port, env, tmp_path) for i, port in enumerate(ports, 1))
    processes.extend([one, two])
    wait_ready(one)
    wait_ready(two)

    # One browser: its cookie is for 127.0.0.1, whichever instance answers (as behind a balancer).
    resident = requests.Session()
    overview = digid_login(resident, one.url, JAN.bsn)
    assert overview.status_code == 200 and overview.url.startswith(one.url)
    assert "Jan" in overview.text
    for path in ("/", "/documenten", "/afspraken", "/vragen", "/tijdlijn"):
        page = resident.get(f"{two.url}{path}", allow_redirects=False, timeout=30)
        assert page.status_code == 200, (path, page.status_code)
    assert "Jan" in resident.get(f"{two.url}/", timeout=30).text

    poll = fragment_request("/", target="overzicht")
    first = resident.get(f"{two.url}/", headers=poll, timeout=30)
    etag = first.headers["ETag"]
    unchanged = resident.get(f"{two.url}/", headers={**poll, "If-None-Match": etag}, timeout=30)
    assert unchanged.status_code == 304

    # A staff member on the first instance records a contact moment in Jan's dossier ...
    staff = requests.Session()
    staff_login(staff, one.url, JANSEN)
    url = f"{one.url}/medewerker/dossier/{dossier_of(JAN.bsn).id}/contact"
    form = hidden_fields(staff.get(url, timeout=30).text, url.removeprefix(one.url))
    note = "Gebeld over de schuldhulp."
    done = staff.post(
        url,
        data=form | {"channel": "phone", "note": note},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303, done.text[:500]
    # ... and the resident's next poll on the second instance gets the new page, not a 304.
    changed = resident.get(f"{two.url}/", headers={**poll, "If-None-Match": etag}, timeout=30)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    # And back on the first instance the resident is still logged in.
    assert resident.get(f"{one.url}/", allow_redirects=False, timeout=30).status_code == 200


# --- 1,000 reminders, two workers, one killed ----------------------------------------------------


def plan_reminders(n: int) -> None:
    """n residents with an appointment at APPOINTMENT_AT, reminded by e-mail and SMS."""
    with time_machine.travel(NOW, tick=False):
        for i in range(n):
            resident = make_resident(email=f"bewoner{i}@example.nl", phone="+31612345678")
            save_contact_and_preferences(
                resident,
                email=resident.email or "",
                phone_e164=resident.phone or "",
                appointment=CHOICES["both"],
                document=CHOICES["none"],
                quiet_start=time(21),
                quiet_end=time(8),
            )
            plan_appointment_reminders(
                10_000 + i, resident_id=resident.id, starts_at=APPOINTMENT_AT, title="Gesprek"
            )
        db.session.commit()


def sockets_of(pid: int) -> set[str]:
    found = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def pid_with_local_port(pids: list[int], port: int) -> int | None:
    """Which of these processes holds the TCP socket whose local port is `port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in pids:
        if sockets_of(pid) & inodes:
            return pid
    return None


def kill_the_sender_at(smtp: SmtpRecorder, workers: list[Instance], nth: int) -> list[int]:
    """At the nth RCPT, SIGKILL the worker that is sending it (before the message is accepted,
    so it was never sent), and let the SMTP server go on. Returns [killed pid] once done."""
    killed: list[int] = []
    original = smtp.handle_RCPT
    seen = 0

    def kill(peer_port: int) -> None:
        pid = pid_with_local_port([w.proc.pid for w in workers], peer_port)
        assert pid is not None, "no worker holds this SMTP connection"
        os.killpg(pid, signal.SIGKILL)
        killed.append(pid)

    async def handle_RCPT(server: Any, session: Any, envelope: Any, *args: Any) -> str:
        nonlocal seen
        seen += 1
        if seen == nth:
            await asyncio.get_running_loop().run_in_executor(None, kill, session.peer[1])
            return "421 closing"
        return await original(server, session, envelope, *args)

    smtp.handle_RCPT = handle_RCPT  # type: ignore[method-assign]
    return killed


@pytest.mark.slow(reason="1,000 reminders through two real worker processes")
def test_a_thousand_reminders_over_two_workers_each_sent_once_though_one_is_killed(
    app: Flask,
    postgres_url: str,
    redis_conn: Redis,
    smtp: SmtpRecorder,
    spryng: FakeSpryng,
    processes: list[Instance],
    tmp_path: Path,
) -> None:
    plan_reminders(RESIDENTS)
    assert db.session.scalar(select(func.count(Notification.id))) == 2 * RESIDENTS
    with time_machine.travel(SEND, tick=False):
        assert dispatch_due().enqueued == 2 * RESIDENTS
    env = {
        **os.environ,
        **clock_env(SEND),  # the workers live on the test's clock, from SEND on
        "MIJN_CONFIG": "test",
        "TEST_DATABASE_URL": postgres_url,
        "REDIS_URL": app.config["REDIS_URL"],
        "TEST_SMTP_PORT": str(app.config["SMTP_PORT"]),
        "TEST_SPRYNG_URL": spryng.url,
    }
    argv = [sys.executable, "-m", "jobs.reminders", "worker", "--burst", "--no-clock"]
    workers = [start(f"worker{i}", argv, env, tmp_path) for i in (1, 2)]
    processes.extend(workers)
    killed = kill_the_sender_at(smtp, workers, KILL_AT)
    for worker in workers:
        worker.proc.wait(150)
    assert len(killed) == 1, "no worker was killed"
    survivor = next(w for w in workers if w.proc.pid not in killed)
    assert survivor.proc.returncode == 0, survivor.output()
    for worker in workers:  # both took their share of the queue
        assert "jobs.reminders.deliver(" in worker.output(), worker.name

    # The killed worker's reminder is still `sending`, under its lease; nothing else is left.
    db.session.expire_all()
    left = db.session.execute(
        select(Notification.status, func.count()).group_by(Notification.status)
    ).all()
    assert dict(left) == {S.SENT: 2 * RESIDENTS - 1, S.SENDING: 1}
    (stuck,) = db.session.scalars(select(Notification).where(Notification.status == S.SENDING))
    assert stuck.lease_until is not None
    # When the lease has run out, the sweeper queues it again and a worker sends it.
    smtp.handle_RCPT = SmtpRecorder.handle_RCPT.__get__(smtp)  # type: ignore[method-assign]
    with time_machine.travel(stuck.lease_until + timedelta(seconds=1), tick=False):
        assert sweep_leases()["requeued"] == 1
        assert dispatch_due().enqueued == 1
        run_worker(
            Queue(app.config["REMINDER_QUEUE"], connection=redis_conn, serializer=JSONSerializer)
        )

    db.session.expire_all()
    rows = list(db.session.scalars(select(Notification)))
    assert {r.status for r in rows} == {S.SENT}
    emails = [m.strip("<>").split("@")[0] for m in smtp.message_ids()]
    texts = [r["reference"] for r in spryng.accepted()]
    assert len(emails) == len(set(emails)) == RESIDENTS, "an e-mail was sent twice or lost"
    assert len(texts) == len(set(texts)) == RESIDENTS, "an SMS was sent twice or lost"
    assert set(emails) | set(texts) == {r.id for r in rows}
