"""Benchmark: plan and dispatch 100,000 due reminders, deliver them with RQ workers.

Seeds residents with document requests due tomorrow, then (all against PostgreSQL in a schema of
its own, Redis DB 14, an aiosmtpd server and a fake Spryng on loopback):
  1. planning: plan_document_reminders_for() for every task (3 moments x 2 channels per task;
     one moment per task is due now, so COUNT due rows out of 3 x COUNT planned);
     Change notices in the mix (issue 15): every resident also has one, made by notify_change()
     as a staff action makes it (timed apart: it happens in requests, one at a time), e-mail and
     SMS, due now; the reminders and notices together are COUNT due rows;
  2. dispatch: dispatch_due() locks, checks and enqueues every due row (one deliver job each);
  3. delivery: WORKERS `python -m jobs.reminders worker --burst --no-clock` processes (the
     Procfile's worker: reminder jobs run in-process, see jobs.reminders.ReminderWorker) for
     at most --deliver-seconds;
  4. the same workers on the same number of RQ no-op jobs (os.getpid), for comparison.
Budget: planning + dispatch of 100,000 due reminders <= 60 s. Prints the figures and PASS/FAIL.

    .venv/bin/python bench/reminders.py [--count 100000] [--workers 2] [--deliver-seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_SECONDS = 60.0
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


class CountingSmtp:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def start_smtp() -> tuple[Any, CountingSmtp, int]:
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = CountingSmtp()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler, port


def start_spryng() -> tuple[Any, dict[str, int], str]:
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    counts = {"sms": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            counts["sms"] += 1
            body = json.dumps({"id": f"bench-{counts['sms']}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, counts, f"http://127.0.0.1:{server.server_address[1]}/v1/messages"


def seed(count_tasks: int, per_resident: int, asked_at: datetime) -> list[int]:
    """Residents, dossiers and open document tasks due tomorrow, inserted in bulk. Asked at
    `asked_at`, so their first reminder is the 3-days-before one (planning.first_occurrence)."""
    from sqlalchemy import insert, select

    from app import clock
    from app.extensions import db
    from app.models import Dossier, Organisation, Resident, Task

    db.session.add(Organisation(slug="bench", name="Gemeente Rijnstad", kind="gemeente"))
    db.session.flush()
    org_id = db.session.scalar(select(Organisation.id))
    residents = max(1, count_tasks // per_resident)
    db.session.execute(
        insert(Resident),
        [
            {
                "bsn_hash": f"bench-{i}",
                "bsn_encrypted": b"x",
                "first_name": "Bench",
                "last_name": f"Inwoner {i}",
                "email": f"inwoner{i}@example.nl",
                "phone": "+31612345678",
                "language": "nl" if i % 4 else "en",
            }
            for i in range(residents)
        ],
    )
    resident_ids = list(db.session.scalars(select(Resident.id).order_by(Resident.id)))
    db.session.execute(insert(Dossier), [{"resident_id": rid} for rid in resident_ids])
    dossier_ids = list(db.session.scalars(select(Dossier.id).order_by(Dossier.id)))
    due = clock.today() + timedelta(days=1)
    db.session.execute(
        insert(Task),
        [
            {
                "dossier_id": dossier_ids[i % len(dossier_ids)],
                "kind": "document",
                "holder": "resident",
                "status": "open",
                "organisation_id": org_id,
                "title": f"Bankafschrift {i} sturen",
                "due_date": due,
                "created_at": asked_at,
            }
            for i in range(count_tasks)
        ],
    )
    db.session.commit()
    return list(db.session.scalars(select(Task.id)))


def run_workers(n: int, env: dict[str, str], seconds: float, simple: bool) -> float:
    """Start n burst workers; return the seconds until they finished (or the deadline)."""
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jobs.reminders",
                "worker",
                "--burst",
                "--no-clock",
                *(["--simple"] if simple else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]
    deadline = started + seconds
    while any(p.poll() is None for p in procs) and time.perf_counter() < deadline:
        time.sleep(0.2)
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        p.wait(30)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000, help="due reminders")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deliver-seconds", type=float, default=60.0)
    parser.add_argument(
        "--simple",
        action="store_true",
        help="workers run jobs without forking (jobs.reminders worker --simple)",
    )
    args = parser.parse_args()

    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer
    from sqlalchemy import create_engine, select, text
    from sqlalchemy.orm import selectinload

    from app import clock, create_app
    from app.config import TestConfig
    from app.extensions import db
    from app.models import Notification, Resident, Task
    from app.models.notification import NotificationStatus
    from app.services.notifications.changes import Change, notify_change
    from app.services.notifications.dispatch import dispatch_due
    from app.services.notifications.planning import plan_document_reminders_for

    schema = f"bench_{os.getpid()}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db_url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    smtp, smtp_handler, smtp_port = start_smtp()
    spryng, spryng_counts, spryng_url = start_spryng()
    redis = Redis.from_url(REDIS_URL)
    if not redis.set("mijn-overzicht:bench-owner", os.getpid(), nx=True, ex=3600):
        print(f"{REDIS_URL} is in use by another benchmark run", file=sys.stderr)
        return 2
    redis.flushdb()
    redis.set("mijn-overzicht:bench-owner", os.getpid(), ex=3600)
    overrides = {
        "SQLALCHEMY_DATABASE_URI": db_url,
        "REDIS_URL": REDIS_URL,
        "SMTP_PORT": smtp_port,
        "SPRYNG_URL": spryng_url,
        "REMINDER_QUIET_START": "00:00",
        "REMINDER_QUIET_END": "00:00",
    }
    env = {
        **os.environ,
        "MIJN_CONFIG": "test",
        "TEST_DATABASE_URL": db_url,
        "REDIS_URL": REDIS_URL,
        "TEST_SMTP_PORT": str(smtp_port),
        "TEST_SPRYNG_URL": spryng_url,
        "REMINDER_QUIET_START": "00:00",
        "REMINDER_QUIET_END": "00:00",
    }
    app = create_app(TestConfig, **overrides)
    # Per resident (5 tasks): 5 due reminders and 1 change notice, each by e-mail and SMS.
    per_resident = 5
    tasks_needed = round(args.count / 2 * per_resident / (per_resident + 1))
    try:
        with app.app_context():
            db.create_all()
            print(f"seeding {tasks_needed:,} document requests ...", flush=True)
            # Asked three days before the due date at 08:00: the 3-days-before reminder (09:00)
            # is the first, and it is due now.
            asked_day = clock.today() - timedelta(days=2)
            asked_at = datetime.combine(asked_day, dtime(8), tzinfo=clock.AMSTERDAM)
            task_ids = seed(tasks_needed, per_resident, asked_at)

            plan_now = datetime.now(UTC) - timedelta(days=10)
            started = time.perf_counter()
            resident_ids = list(db.session.scalars(select(Resident.id)))
            # An hour ago: past the bundling window, so due now (and far from expired).
            changed_at = datetime.now(UTC) - timedelta(hours=1)
            for resident_id in resident_ids:
                notify_change(resident_id, Change.DOCUMENT_REJECTED, "Gemeente", now=changed_at)
            db.session.commit()
            noticing = time.perf_counter() - started
            print(
                f"change notices: {len(resident_ids):,} changes -> {len(resident_ids) * 2:,} rows "
                f"in {noticing:.1f} s ({noticing / max(len(resident_ids), 1) * 1000:.1f} ms per "
                f"change, in the request that makes it)",
                flush=True,
            )

            started = time.perf_counter()
            tasks = list(
                db.session.scalars(
                    select(Task)
                    .where(Task.id.in_(task_ids))
                    .options(selectinload(Task.organisation))
                )
            )
            planned = plan_document_reminders_for(tasks, now=plan_now)
            db.session.commit()
            planning = time.perf_counter() - started
            db.session.expunge_all()
            due = db.session.scalar(
                select(db.func.count())
                .select_from(Notification)
                .where(Notification.not_before <= db.func.now())
            )
            print(f"planning: {planned:,} rows ({due:,} due now) in {planning:.1f} s", flush=True)

            started = time.perf_counter()
            result = dispatch_due()
            dispatching = time.perf_counter() - started
            print(
                f"dispatch: {result.enqueued:,} enqueued in {dispatching:.1f} s "
                f"({result.enqueued / dispatching:,.0f}/s)",
                flush=True,
            )

        elapsed = run_workers(args.workers, env, args.deliver_seconds, args.simple)
        sends = smtp_handler.count + spryng_counts["sms"]
        with app.app_context():
            sent = db.session.scalar(
                select(db.func.count())
                .select_from(Notification)
                .where(Notification.status == NotificationStatus.SENT)
            )
        print(
            f"delivery: {sends:,} sends ({smtp_handler.count:,} e-mail, "
            f"{spryng_counts['sms']:,} SMS; {sent:,} rows 'sent') in {elapsed:.1f} s "
            f"with {args.workers} workers = {sends / elapsed:,.0f} sends/s",
            flush=True,
        )

        redis.flushdb()
        noop = Queue("reminders", connection=redis, serializer=JSONSerializer)
        jobs = min(max(sends, 1000), args.count)
        with redis.pipeline() as pipe:
            for _ in range(jobs):
                noop.enqueue("os.getpid", pipeline=pipe)
            pipe.execute()
        noop_elapsed = run_workers(args.workers, env, args.deliver_seconds, args.simple)
        done = jobs - len(noop)
        print(
            f"rq no-op: {done:,} jobs in {noop_elapsed:.1f} s with {args.workers} workers = "
            f"{done / noop_elapsed:,.0f} jobs/s (same workers, same Redis)",
            flush=True,
        )
        total = planning + dispatching
        ok = total <= BUDGET_SECONDS
        print(
            f"planning + dispatch of {args.count:,} due: {total:.1f} s "
            f"(budget {BUDGET_SECONDS:.0f} s for 100,000) {'PASS' if ok else 'FAIL'}"
        )
        return 0 if ok else 1
    finally:
        redis.flushdb()
        smtp.stop()
        spryng.shutdown()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        asyncio.set_event_loop(None)


if __name__ == "__main__":
    sys.exit(main())
