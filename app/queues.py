"""The one door to RQ: every queue the app and its workers use, and every enqueue, come from here.

    from app.queues import enqueue
    enqueue("jobs.summary.render_summary", resident.id)

Jobs are named by their dotted path, so the web side never imports the job modules (which build
a worker app of their own), and take ids and plain values only: the job loads what it needs from
the database, which stays the source of truth. The JSON serializer enforces that (an ORM object
cannot be queued). The worker of the Procfile (`python -m jobs.reminders worker`) listens to
REMINDER_QUEUE first, then JOB_QUEUE (jobs.reminders.queue_names).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

from app.logging_setup import current_request_id


def get_queue(name: str | None = None, redis_url: str | None = None) -> Queue:
    """A queue (default: JOB_QUEUE) on REDIS_URL. Without `redis_url`, call in an app context."""
    url = redis_url or current_app.config["REDIS_URL"]
    return Queue(
        name or current_app.config["JOB_QUEUE"],
        connection=Redis.from_url(url),
        serializer=JSONSerializer,
    )


def enqueue(func: str, *args: Any, queue: str | None = None, **options: Any) -> Job:
    """Queue the job `func` (a dotted path) with id-only arguments; `options` are RQ's
    (job_id, job_timeout, ...). The id of the request that queues it goes along as job meta, so
    the job's log lines carry it too (app.logging_setup)."""
    request_id = current_request_id()
    if request_id:
        options["meta"] = {**(options.get("meta") or {}), "request_id": request_id}
    return get_queue(queue).enqueue(func, *args, **options)
