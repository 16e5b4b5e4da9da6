"""/healthz, /readyz and /metrics. No personal data in any of them, no session touched, no page
view logged (app.ops skips these endpoints)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request

from app.ops import health, metrics
from app.responses import no_store

bp = Blueprint("ops", __name__)
OPS_ENDPOINTS = frozenset({"ops.healthz", "ops.readyz", "ops.metrics"})


@bp.get("/healthz")
def healthz() -> Response:
    """The process answers (liveness): nothing else is asked."""
    return no_store(Response("ok\n", mimetype="text/plain"))


@bp.get("/readyz")
def readyz() -> Response:
    """Ready for traffic: the database answers and its migrations are at head. Redis is
    reported, not required (pages never need it)."""
    report = health.readiness()
    response = jsonify(report.as_dict())
    response.status_code = 200 if report.ready else 503
    return no_store(response)


@bp.get("/metrics", endpoint="metrics")
def metrics_view() -> Response:
    """Prometheus text format, for the addresses in METRICS_ALLOWED_ADDRESSES or a request with
    `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets a 404."""
    if not metrics.may_scrape(current_app.config, request.remote_addr, request.authorization):
        abort(404)
    body, content_type = metrics.exposition(current_app.config)
    return no_store(Response(body, content_type=content_type))
