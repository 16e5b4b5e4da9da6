"""Killed work horses and workers, two dispatchers at once: at most one send, rows recovered.
Faults 4, 5 and 10 of docs/design/reminders.md section 7."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.models import NotificationEvent
from app.models.notification import NotificationStatus as S
from app.services.notifications import dispatch as dispatch_module
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.outbox import transition
from app.services.notifications.sweepers import sweep_leases
from jobs import make_fork_safe
from jobs.reminders import ReminderWorker
from tests.moments import clock_env
from tests.notifications.conftest import (
    NOW,
    SEND,
    SmtpRecorder,
    make_resident,
    plan_due_reminder,
    rows,
    run_worker,
    sendable,
)

ROOT = Path(__file__).resolve().parents[2]


def forking_worker(app: Flask, queue: Queue) -> ReminderWorker:
    """The Procfile's worker class, forking a work horse for every job (as for PDF jobs), set
    up as run_worker sets it up: no horse shares the test's database connections."""
    make_fork_safe(app)
    return ReminderWorker([queue], connection=queue.connection, serializer=JSONSerializer)


def pooled_connections() -> int:
    """A job: the database connections this process's pool holds when the job starts."""
    return int(db.engine.pool.checkedin())


def test_a_forked_work_horse_starts_without_the_parents_connections(
    app: Flask, queue: Queue
) -> None:
    """Pooled connections must not cross fork(): parent and child would talk over one socket.
    The horse runs a job that looks at its pool, then uses the database itself."""
    db.session.execute(select(func.count(NotificationEvent.id)))
    db.session.commit()  # the connection goes back to the pool, where a fork would find it
    assert db.engine.pool.checkedin() >= 1
    job = queue.enqueue(pooled_connections)
    forking_worker(app, queue).work(burst=True)
    job.refresh()
    assert job.is_finished, job.latest_result()
    assert job.return_value() == 0
    assert db.session.execute(select(func.count(NotificationEvent.id))).scalar_one() == 0


def test_reminder_jobs_run_in_the_worker_process_and_finish_like_rq_jobs(
    app: Flask, queue: Queue
) -> None:
    """ReminderWorker runs its reminder queue's jobs in its own process through RQ's worker
    steps (prepare_execution, perform_job), which are RQ internals: pyproject pins rq to the
    minor release this passed with, and this test breaks when a new RQ changes those steps.
    The job must run here (no fork), end `finished` with its result, leave the started
    registry, so the next job can run."""
    make_fork_safe(app)
    worker = ReminderWorker([queue], connection=queue.connection, serializer=JSONSerializer)
    worker.in_process_queues = frozenset({queue.name})
    jobs = [queue.enqueue("os.getpid") for _ in range(2)]
    assert worker.work(burst=True)
    for job in jobs:
        job.refresh()
        assert job.is_finished, job.latest_result()
        assert job.return_value() == os.getpid()
    assert StartedJobRegistry(queue=queue).get_job_ids() == []
    assert sorted(FinishedJobRegistry(queue=queue).get_job_ids()) == sorted(j.id for j in jobs)


def niceness() -> int:
    """A job: the niceness of the process it runs in."""
    return os.nice(0)


def test_a_print_gives_way_to_pages_but_a_reminder_keeps_its_priority(
    app: Flask, queue: Queue
) -> None:
    """JOB_NICENESS: a forked job (a PDF, an export) runs niced, so on a machine that serves
    pages too it takes only the CPU they leave; a reminder job, run in the worker process
    itself, keeps the worker's priority, and so does the worker after the forked job."""
    worker = forking_worker(app, queue)
    worker.work_horse_niceness = 5
    before = os.nice(0)
    forked = queue.enqueue(niceness)
    worker.work(burst=True)
    forked.refresh()
    assert forked.return_value() == min(before + 5, 19)
    worker.in_process_queues = frozenset({queue.name})
    in_process = queue.enqueue(niceness)
    worker.work(burst=True)
    in_process.refresh()
    assert in_process.return_value() == before
    assert os.nice(0) == before


def _kill_horse_when(smtp: SmtpRecorder, worker: Worker, stage: str) -> None:
    def kill() -> None:
        os.kill(worker.horse_pid, signal.SIGKILL)

    if stage == "rcpt":
        smtp.rcpt_hook = kill
    else:
        smtp.after_accept = kill  # the server has the message; the 250 never arrives


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_horse_killed_mid_send_then_the_lease_sweeper_recovers_the_row(
    app: Flask, queue: Queue, smtp: SmtpRecorder, stage: str
) -> None:
    """Fault 4: SIGKILL of the work horse during the SMTP conversation. Killed before the server
    had the message: exactly one message in the end. Killed after the server accepted it: the
    documented at-least-once window, two copies with the same Message-ID (receivers dedupe)."""
    plan_due_reminder("email")
    worker = forking_worker(app, queue)
    _kill_horse_when(smtp, worker, stage)
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        worker.work(burst=True)
    smtp.after_accept = smtp.rcpt_hook = None
    row = sendable("email")
    assert row.status is S.SENDING and row.attempts == 1
    assert row.lease_until == SEND + timedelta(seconds=300)
    assert FailedJobRegistry(queue=queue).get_job_ids() == [f"deliver-{row.id}-0"]
    with time_machine.travel(SEND + timedelta(seconds=299), tick=False):
        assert sweep_leases() == {"requeued": 0, "technical-failure": 0}  # lease still runs
    with time_machine.travel(SEND + timedelta(seconds=301), tick=False):
        assert sweep_leases() == {"requeued": 1, "technical-failure": 0}
        assert dispatch_due().enqueued == 1
        run_worker(queue)
    row = sendable("email")
    assert row.status is S.SENT and row.attempts == 2
    expected = 1 if stage == "rcpt" else 2
    assert len(smtp.messages) == expected
    assert set(smtp.message_ids()) == {f"<{row.id}@mijnoverzicht.example.nl>"}


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_whole_worker_killed_the_job_is_abandoned_and_the_row_recovered(
    app: Flask, queue: Queue, smtp: SmtpRecorder, database_url: str, tmp_path: Path
) -> None:
    """Fault 5: the Procfile's worker process (and its horse) SIGKILLed mid-send. RQ's
    StartedJobRegistry.cleanup moves the job to failed; the lease sweeper recovers the row."""
    plan_due_reminder("email")
    reached, release = threading.Event(), threading.Event()

    def block() -> None:
        reached.set()
        release.wait(30)

    smtp.rcpt_hook = block
    with time_machine.travel(SEND, tick=False):
        assert dispatch_due().enqueued == 1
    env = {
        **os.environ,
        **clock_env(SEND),  # the worker process lives on the test's clock, from SEND on
        "MIJN_CONFIG": "test",
        "TEST_DATABASE_URL": database_url,
        "REDIS_URL": app.config["REDIS_URL"],
        "TEST_SMTP_PORT": str(app.config["SMTP_PORT"]),
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jobs.reminders", "worker", "--burst", "--no-clock"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert reached.wait(60), "the worker never reached the SMTP server:\n" + log.read_text()
        for pid in [*_children(proc.pid), proc.pid]:
            os.kill(pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    smtp.rcpt_hook = None
    row = sendable("email")
    assert row.status is S.SENDING and smtp.messages == []
    started = StartedJobRegistry(queue=queue)
    job_id = f"deliver-{row.id}-0"
    assert job_id in started.get_job_ids()
    # A day later on the worker's clock, its heartbeat long gone.
    started.cleanup(timestamp=(SEND + timedelta(days=1)).timestamp())
    assert job_id in FailedJobRegistry(queue=queue).get_job_ids()
    with time_machine.travel(row.lease_until + timedelta(seconds=1), tick=False):
        assert sweep_leases()["requeued"] == 1
        dispatch_due()
        run_worker(queue)
    assert sendable("email").status is S.SENT and len(smtp.messages) == 1


def test_a_stale_dispatcher_moves_nothing(app: Flask) -> None:
    """The guard both databases rely on: a conditional UPDATE ... RETURNING reports only the
    rows this caller moved, so a second dispatcher with the same rows enqueues none of them."""
    plan_due_reminder("email")
    ids = [r.id for r in rows()]
    with time_machine.travel(SEND, tick=False):
        assert sorted(transition(ids, [S.PENDING], S.CREATED)) == sorted(ids)
        assert transition(ids, [S.PENDING], S.CREATED) == []


def _plan_many(n: int) -> None:
    from app.services.notifications.planning import plan_appointment_reminders

    with time_machine.travel(NOW, tick=False):
        for i in range(n):
            resident = make_resident(email=f"r{i}@example.nl", phone="")
            plan_appointment_reminders(
                100 + i, resident_id=resident.id, starts_at=SEND + timedelta(hours=2)
            )
        db.session.commit()


@pytest.fixture
def postgres_only(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "FOR UPDATE SKIP LOCKED needs PostgreSQL; SQLite has one writer at a time "
            "and relies on the conditional UPDATE (test_a_stale_dispatcher_moves_nothing)"
        )


def test_two_dispatchers_at_once_skip_each_others_rows(
    app: Flask,
    queue: Queue,
    smtp: SmtpRecorder,
    postgres_only: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fault 10: dispatcher A holds its rows locked; dispatcher B, running meanwhile, skips
    them (SKIP LOCKED) instead of waiting or taking them too. One send per reminder."""
    _plan_many(5)
    locked, go_on = threading.Event(), threading.Event()
    real_closed = dispatch_module._closed_tasks
    results = {}

    def slow_closed(rows_):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "A":
            locked.set()
            go_on.wait(30)
        return real_closed(rows_)

    monkeypatch.setattr(dispatch_module, "_closed_tasks", slow_closed)

    def run_a() -> None:
        with app.app_context(), time_machine.travel(SEND, tick=False):
            results["A"] = dispatch_due()
            db.session.remove()

    thread = threading.Thread(target=run_a, name="A")
    thread.start()
    assert locked.wait(30)
    with time_machine.travel(SEND, tick=False):
        results["B"] = dispatch_due()
    go_on.set()
    thread.join(30)
    assert results["B"].created == 0 and results["A"].created == 5
    with time_machine.travel(SEND, tick=False):
        run_worker(queue)
    assert len(smtp.messages) == 5


def test_two_dispatchers_racing_create_each_row_once(
    app: Flask,
    queue: Queue,
    smtp: SmtpRecorder,
    postgres_only: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _plan_many(40)
    monkeypatch.setitem(app.config, "REMINDER_BATCH_SIZE", 7)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context(), time_machine.travel(SEND, tick=False):
                barrier.wait(10)
                dispatch_due()
                db.session.remove()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    per_row = db.session.execute(
        select(NotificationEvent.notification_id, func.count())
        .where(NotificationEvent.to_status == "created")
        .group_by(NotificationEvent.notification_id)
    ).all()
    assert len(per_row) == 40 and {count for _, count in per_row} == {1}
    with time_machine.travel(SEND, tick=False):
        run_worker(queue)
    assert len(smtp.messages) == 40


def test_the_clock_puts_one_dispatch_tick_per_time_slot_on_the_queue(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    """Several workers run a clock each: the slot's job id is unique, so one tick per slot.
    The tick sweeps and dispatches; the job is named by path (the worker runs as __main__)."""
    from jobs.reminders import enqueue_tick

    plan_due_reminder("email")
    assert enqueue_tick(queue, 30, now=SEND.timestamp())
    assert not enqueue_tick(queue, 30, now=SEND.timestamp() + 29)
    assert queue.jobs[0].func_name == "jobs.reminders.dispatch_tick"
    with time_machine.travel(SEND, tick=False):
        run_worker(queue)  # the tick: enqueues deliver(id) ...
        run_worker(queue)  # ... which sends
    assert len(smtp.messages) == 1 and sendable("email").status is S.SENT
