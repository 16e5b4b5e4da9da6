"""The Procfile's worker takes reminders first: RQ takes its queues in the order given, and a
reminder is time-critical while a PDF or a data export can wait (jobs.reminders.queue_names)."""

from __future__ import annotations

from flask import Flask
from redis import Redis

from app.queues import get_queue
from jobs.reminders import _new_worker, queue_names

DONE = "test-queue-order"  # a Redis list of what ran, in our own test DB (flushed afterwards)


def note(redis_url: str, what: str) -> None:
    """The job: write down that it ran."""
    Redis.from_url(redis_url).rpush(DONE, what)


def test_the_reminder_queue_comes_first(app: Flask) -> None:
    config = app.config
    assert queue_names(config) == [config["REMINDER_QUEUE"], config["JOB_QUEUE"]]


def test_a_waiting_reminder_runs_before_an_earlier_job(
    app: Flask,
    redis_conn: Redis,
    redis_url: str,
) -> None:
    """Against the real Redis: a job on the job queue, then one on the reminder queue; the
    worker the module builds (in burst mode) runs the reminder first."""
    config = app.config
    jobs = get_queue(config["JOB_QUEUE"], redis_url)
    reminders = get_queue(config["REMINDER_QUEUE"], redis_url)
    jobs.enqueue(f"{__name__}.note", redis_url, "job")
    reminders.enqueue(f"{__name__}.note", redis_url, "reminder")

    worker = _new_worker(queue_names(config), redis_url, config["REMINDER_QUEUE"], simple=True)
    assert worker.work(burst=True)
    assert redis_conn.lrange(DONE, 0, -1) == [b"reminder", b"job"]
