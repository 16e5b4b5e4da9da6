"""The one door for background work: `enqueue("jobs.reminders.send_due", dossier_id)`.

Jobs run in `rq worker --serializer json` (see Procfile). Arguments are ids and plain values only:
the job loads what it needs from the database, which stays the source of truth. The JSON serializer
enforces that (an ORM object cannot be queued). Job functions wrap themselves in `@app_job` so they
get an app context in the worker, and run as they are inside tests or a request.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import Engine

from app.extensions import db

QUEUE_NAME = "default"

P = ParamSpec("P")
R = TypeVar("R")

_worker_app: Flask | None = None


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


def _app() -> Flask:
    # One app per worker process, built from MIJN_CONFIG like the web process.
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


# The engines whose pooled connections a forked child must not use (make_fork_safe).
_parent_engines: list[Engine] = []


def _forget_parent_connections() -> None:
    """In a forked child: drop the parent's pooled database connections without closing them
    (they are the parent's to close), so the child opens its own. Two processes on one
    connection mix each other's queries and answers."""
    for engine in _parent_engines:
        engine.dispose(close=False)


def make_fork_safe(app: Flask) -> None:
    """Every later fork of this process (RQ's work horse for a PDF job, the clock process)
    starts without the app's database connections. Call before the first fork."""
    if not _parent_engines:
        os.register_at_fork(after_in_child=_forget_parent_connections)
    with app.app_context():
        _parent_engines.extend(e for e in db.engines.values() if e not in _parent_engines)


def app_job(func: Callable[P, R]) -> Callable[P, R]:
    """Run a job function inside an app context (the worker has none of its own)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():
            return func(*args, **kwargs)
        with _app().app_context():
            return func(*args, **kwargs)

    return wrapper
