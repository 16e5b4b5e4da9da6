"""The one door for background work: `enqueue("jobs.reminders.send_due", dossier_id)`.

Jobs run in `rq worker` (see Procfile). Arguments are ids and plain values only: the job loads
what it needs from the database, which stays the source of truth. JSON serialisation enforces that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer

QUEUE_NAME = "default"


def get_queue(name: str = QUEUE_NAME) -> Queue:
    """The RQ queue on the app's REDIS_URL (call inside an app context)."""
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue(name, connection=connection, serializer=JSONSerializer)


def enqueue(func: str | Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
    """Queue `func` (a dotted path or a module-level function) with id-only arguments."""
    queue = get_queue()
    # Two calls because rq types `func` as a constrained TypeVar (str or callable), not a union.
    if isinstance(func, str):
        return queue.enqueue(func, *args, **kwargs)
    return queue.enqueue(func, *args, **kwargs)
