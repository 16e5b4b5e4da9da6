"""Background jobs: the functions RQ runs, and what a worker process needs to run them.

Jobs are put on a queue only through app.queues (the one door), by dotted path, with ids and
plain values as arguments. Job functions wrap themselves in `@app_job` so they get an app context
in the worker (one app per worker process, `_app()`), and run as they are inside tests or a
request. `make_fork_safe` keeps pooled database connections out of forked work horses.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask, has_app_context
from sqlalchemy import Engine

from app import create_app
from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_worker_app: Flask | None = None
job_log = logging.getLogger("mijn_overzicht.job")


def _app() -> Flask:
    # One app per worker process, built from MIJN_CONFIG like the web process.
    global _worker_app
    if _worker_app is None:
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
            return _logged(func, *args, **kwargs)
        with _app().app_context():
            return _logged(func, *args, **kwargs)

    return wrapper


def _logged(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run the job and log one event for it: its name, outcome and duration (with LOG_FORMAT=json
    also the id of the request that queued it, app.logging_setup). Arguments are ids, but they
    are left out all the same."""
    started = time.perf_counter()
    outcome = "error"
    try:
        result = func(*args, **kwargs)
        outcome = "ok"
        return result
    finally:
        name = f"{func.__module__}.{func.__qualname__}"
        ms = round((time.perf_counter() - started) * 1000, 1)
        job_log.info(
            "job %s: %s in %s ms",
            name,
            outcome,
            ms,
            extra={"job": name, "outcome": outcome, "duration_ms": ms},
        )
