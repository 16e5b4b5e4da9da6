"""gunicorn reads this file from the working directory (the Procfile's `web:` line runs there).

- timeout: a worker that stops answering its heartbeat for this long is killed and replaced.
- DATABASE_STATEMENT_TIMEOUT_MS: 15 s for every SQL statement of a web request.
- graceful_timeout: on a restart, requests in flight get this long to finish.
- With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics there (app.ops.counters);
  a worker that exits is marked dead so its live gauges stop counting. Empty that directory
  before gunicorn starts (the Procfile does not share it between hosts: one per machine).
- LOG_FORMAT=json: gunicorn's own lines (start, workers, errors) go through the app's JSON
  formatter too, and so do Python's warnings: stderr is JSON lines only. gunicorn's access log
  is dropped (also when --access-logfile is given): the app writes one event per request
  already (app.ops), without the path and query string that gunicorn's line would carry.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A web request's SQL statements may run 15 s at most (app.config DATABASE_STATEMENT_TIMEOUT_MS),
# so a stuck query ends as an error page instead of holding a thread. Set here, before the app
# is loaded, so `flask db upgrade` and the workers keep running long statements.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "15000")
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# How long one thread may hold Python's GIL while another waits for it. Python's default, 5 ms,
# suits long computations; a worker's threads serve short requests, and an unchanged live poll
# (about 1 ms of work, a few GIL hand-overs around its SQL) otherwise waits 5 ms at each
# hand-over behind a page being rendered. bench/load.py shows the effect on the polls' p99.
SWITCH_INTERVAL_SECONDS = float(os.environ.get("GUNICORN_SWITCH_INTERVAL", "0.001"))


if os.environ.get("LOG_FORMAT", "text") == "json":
    # Python's warnings (a library's DeprecationWarning on import) become log records as well,
    # instead of plain text on stderr.
    logging.captureWarnings(True)
    # gunicorn applies this after setting up its own handlers, and dictConfig replaces those.
    # The app's logging_setup.configure finds the JSON handler on the root logger and keeps it.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.logging_setup.JsonFormatter"}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "null": {"class": "logging.NullHandler"},
        },
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            # No level here: gunicorn's --log-level stays in force.
            "gunicorn.error": {"handlers": [], "propagate": True},
            "gunicorn.access": {"handlers": ["null"], "propagate": False},
        },
    }


def post_fork(server: Any, worker: Any) -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
