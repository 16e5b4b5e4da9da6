"""Running the portal: /healthz and /readyz for the load balancer and the orchestrator, /metrics
for Prometheus, a request id on every response and in every log line, and database timeouts so no
request waits for ever on a database that went away.

The per-request cost is kept to a request id, a clock read, one counter and one histogram
observation, and one log call (skipped by the logging module when INFO is off).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request
from sqlalchemy.engine import make_url

from app import logging_setup
from app.logging_setup import REQUEST_ID_KEY
from app.ops import counters
from app.ops.routes import OPS_ENDPOINTS, bp

STARTED_KEY = "mijn.started"
request_log = logging.getLogger("mijn_overzicht.request")


class RequestIdMiddleware:
    """Gives each request its id and start time before anything else sees it (the outermost
    WSGI layer), so even a request another hook answers early is timed and named."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        environ[STARTED_KEY] = time.perf_counter()
        environ[REQUEST_ID_KEY] = uuid.uuid4().hex
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Call before db.init_app: it sets the database timeouts."""
    _database_timeouts(app)
    logging_setup.configure(app)
    app.wsgi_app = RequestIdMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(_observe)
    app.register_blueprint(bp)


def _database_timeouts(app: Flask) -> None:
    """Pool sizes, pre-ping (a connection PostgreSQL dropped is replaced, not used), and on
    PostgreSQL a connect timeout and a statement timeout: a request fails within a bounded
    time instead of hanging when the database is unreachable or stuck."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
    if uri.startswith("postgresql"):
        options.setdefault("pool_size", int(app.config["DATABASE_POOL_SIZE"]))
        options.setdefault("max_overflow", int(app.config["DATABASE_MAX_OVERFLOW"]))
        options.setdefault("pool_timeout", float(app.config["DATABASE_POOL_TIMEOUT"]))
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(app.config["DATABASE_CONNECT_TIMEOUT"]))
        statement_ms = int(app.config["DATABASE_STATEMENT_TIMEOUT_MS"])
        if statement_ms > 0:
            # Added to the URL's own options (connect_args would replace them).
            given = connect_args.get("options") or make_url(uri).query.get("options") or ""
            if isinstance(given, tuple):
                given = " ".join(given)
            connect_args["options"] = f"{given} -c statement_timeout={statement_ms}".strip()
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _observe(response: Response) -> Response:
    """Count and time the request, log it as one event, and hand its id to the client."""
    endpoint = request.endpoint or "unmatched"
    request_id = request.environ.get(REQUEST_ID_KEY)
    if request_id:
        response.headers["X-Request-ID"] = request_id
    if endpoint in OPS_ENDPOINTS:  # health checks and scrapes are not page views
        return response
    started = request.environ.get(STARTED_KEY)
    seconds = time.perf_counter() - started if started is not None else 0.0
    status = response.status_code
    counters.REQUESTS.labels(endpoint, request.method, str(status)).inc()
    counters.LATENCY.labels(endpoint).observe(seconds)
    if request_log.isEnabledFor(logging.INFO):
        rule = request.url_rule.rule if request.url_rule is not None else None
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "endpoint": endpoint,
                "rule": rule,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
    return response
