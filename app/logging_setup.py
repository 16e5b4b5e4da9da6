"""Logs as JSON lines (LOG_FORMAT=json): one object per line, for a log shipper to read.

Every line written during a request carries that request's id (also sent back as X-Request-ID,
app.ops), and every line a job writes carries the id of the request that queued it (app.queues
passes it along as job meta). The request line itself (app.ops) names the endpoint and the URL
rule, never the path or query string: paths carry ids and stop-link tokens, queries may carry
what somebody typed. Nothing here adds personal data; what other loggers put in their message is
theirs to keep clean (tests/ops/test_logs.py walks the demo and looks).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request
from rq import get_current_job

REQUEST_ID_KEY = "mijn.request_id"
NOISY = ("weasyprint", "fontTools", "alembic", "xmlschema")
# LogRecord attributes that are not extra fields given by the caller.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


def current_request_id() -> str | None:
    """The id of the request being answered, or of the request that queued the running job."""
    if has_request_context():
        return request.environ.get(REQUEST_ID_KEY)
    job = get_current_job()
    if job is not None:
        value = job.meta.get("request_id")
        return str(value) if value else None
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, request_id,
    the record's extra fields, and the exception text if any."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            event["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in event:
                event[key] = value
        if record.exc_info:
            event["exc"] = self.formatException(record.exc_info)
        return json.dumps(event, default=str, ensure_ascii=False)


def configure(app: Flask) -> None:
    """With LOG_FORMAT=json, every logger of this process writes JSON lines to stderr (the root
    logger's one handler; done once per process, the first app wins). Under gunicorn that
    handler is there already (gunicorn.conf.py sets it up with gunicorn's own loggers)."""
    if app.config.get("LOG_FORMAT", "text") != "json":
        return
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        for old in list(root.handlers):
            root.removeHandler(old)
        root.addHandler(handler)
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)
    # Their INFO lines (nine render steps per PDF) drown the request events.
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
