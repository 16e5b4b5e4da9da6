"""The reminder worker outlives a Redis outage: RQ's own worker ends when Redis goes away; ours
waits and starts again, and the reminder that falls due meanwhile is sent once Redis is back.
A private redis-server on a port of its own is stopped (never the shared one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from app.services.notifications.dispatch import dispatch_due
from tests.conftest import free_port
from tests.moments import clock_env
from tests.notifications.conftest import SEND, SmtpRecorder, plan_due_reminder, sendable

ROOT = Path(__file__).resolve().parents[2]


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: bool(Redis.from_url(self.url).ping()), "redis-server")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def wait_until(check: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not there yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


@pytest.fixture
def private_redis(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    monkeypatch.setitem(app.config, "REDIS_URL", server.url)
    yield server
    server.stop()


@pytest.mark.slow(reason="a worker process waits out a real Redis outage")
def test_the_worker_outlives_redis_going_away_in_the_middle_of_a_job(
    app: Flask,
    database_url: str,
    private_redis: PrivateRedis,
    smtp: SmtpRecorder,
    tmp_path: Path,
) -> None:
    """Redis stops while the worker is sending a reminder: the reminder is sent and recorded
    (the database is the outbox), RQ cannot record the job's end and RQ's worker would end
    there; ours waits, starts again when Redis is back, and runs the next job."""
    plan_due_reminder("email")
    with time_machine.travel(SEND, tick=False):
        assert dispatch_due().enqueued == 1
    reached, release = threading.Event(), threading.Event()

    def block() -> None:
        reached.set()
        release.wait(30)

    smtp.rcpt_hook = block
    env = {
        **os.environ,
        **clock_env(SEND),
        "MIJN_CONFIG": "test",
        "TEST_DATABASE_URL": database_url,
        "REDIS_URL": private_redis.url,
        "TEST_SMTP_PORT": str(app.config["SMTP_PORT"]),
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "jobs.reminders", "worker", "--no-clock"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert reached.wait(60), log.read_text()[-3000:]
        private_redis.stop()
        release.set()
        # Twice: the first start-again found Redis still away, and the worker waited again.
        wait_until(
            lambda: log.read_text().count("worker: Redis unavailable") >= 2, "the worker waiting"
        )
        assert worker.poll() is None, log.read_text()[-3000:]
        assert sendable("email").status == "sent" and len(smtp.messages) == 1
        private_redis.start()
        jobs = Queue(app.config["JOB_QUEUE"], connection=Redis.from_url(private_redis.url),
                     serializer=JSONSerializer)  # fmt: skip
        job = jobs.enqueue("jobs.summary.render_summary", 999_999)  # no such resident: a no-op
        wait_until(lambda: job.get_status(refresh=True) == "finished", "the next job done")
        assert worker.poll() is None
    finally:
        release.set()
        worker.terminate()
        worker.wait(20)
    assert len(smtp.messages) == 1, log.read_text()[-3000:]
