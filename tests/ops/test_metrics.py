"""/metrics: refused without the token or an allowed address; counts requests per endpoint, the
outbox, the oldest due reminder, the RQ queues, and summary-PDF renders and cache hits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from tests.login import log_in
from tests.notifications.conftest import NOW, SEND, plan_due_reminder

TOKEN = "a-long-scrape-token-for-the-tests"


@pytest.fixture
def scrape_rights(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_ADDRESSES", "10.1.2.0/24, 192.0.2.7")


def sample(body: str, name: str, default: float | None = None, **labels: str) -> float:
    """The value of one sample in the Prometheus text (labels in any order)."""
    for line in body.splitlines():
        if not line.startswith(name + ("{" if labels else " ")):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if labels else {}
        if found == labels:
            return float(line.rsplit(" ", 1)[1])
    if default is not None:
        return default
    raise AssertionError(f"no sample {name}{labels} in /metrics")


def scrape(client: FlaskClient) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("scrape_rights")
@pytest.mark.parametrize(
    ("headers", "address", "status"),
    [
        ({}, "127.0.0.1", 404),  # loopback is not trusted by itself (a local proxy is loopback)
        ({"Authorization": "Bearer wrong"}, "127.0.0.1", 404),
        ({"Authorization": f"Basic {TOKEN}"}, "127.0.0.1", 404),
        ({"Authorization": f"Bearer {TOKEN}"}, "127.0.0.1", 200),
        ({}, "10.1.2.99", 200),  # in the allowed network
        ({}, "192.0.2.7", 200),  # the allowed address
        ({}, "192.0.2.8", 404),
    ],
)
def test_only_allowed_addresses_or_the_token_may_scrape(
    client: FlaskClient, headers: dict[str, str], address: str, status: int
) -> None:
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status
    if status == 404:
        assert "mijn_http" not in response.get_data(as_text=True)


def test_nobody_scrapes_when_nothing_is_configured(client: FlaskClient) -> None:
    response = client.get(
        "/metrics", headers={"Authorization": "Bearer "}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    assert response.status_code == 404


@pytest.mark.usefixtures("scrape_rights")
def test_requests_are_counted_and_timed_per_endpoint(
    client: FlaskClient, seeded: None, redis_conn: Redis
) -> None:
    before = scrape(client)
    log_in(client, "999993653")
    client.get("/")
    client.get("/")
    client.get("/documenten")
    client.get("/bestaat-niet")
    after = scrape(client)
    for endpoint, method, status, n in [
        ("overview.index", "GET", "200", 2),
        ("documents.index", "GET", "200", 1),
        ("unmatched", "GET", "404", 1),
    ]:
        labels = {"endpoint": endpoint, "method": method, "status": status}
        old = sample(before, "mijn_http_requests_total", default=0.0, **labels)
        assert sample(after, "mijn_http_requests_total", **labels) == old + n
    count = "mijn_http_request_duration_seconds_count"
    assert sample(after, count, endpoint="overview.index") >= 2
    assert 'endpoint="ops.metrics"' not in after  # scrapes are not counted as traffic


@pytest.mark.usefixtures("scrape_rights")
def test_outbox_oldest_due_reminder_and_queue_depths(
    app: Flask, client: FlaskClient, redis_conn: Redis
) -> None:
    plan_due_reminder("both")  # one email row and one SMS row, due at SEND
    with time_machine.travel(NOW, tick=False):
        body = scrape(client)
    assert sample(body, "mijn_outbox_rows", status="pending", channel="email") == 1
    assert sample(body, "mijn_outbox_rows", status="pending", channel="sms") == 1
    assert sample(body, "mijn_reminder_oldest_due_age_seconds") == 0  # not due yet
    later = SEND.timestamp() + 90
    with time_machine.travel(later, tick=False):
        body = scrape(client)
    assert sample(body, "mijn_reminder_oldest_due_age_seconds") == 90
    assert sample(body, "mijn_redis_up") == 1
    assert sample(body, "mijn_rq_queue_depth", queue=app.config["JOB_QUEUE"]) == 0
    jobs = Queue(app.config["JOB_QUEUE"], connection=redis_conn, serializer=JSONSerializer)
    jobs.enqueue("jobs.summary.render_summary", 1)
    jobs.enqueue("jobs.summary.render_summary", 2)
    body = scrape(client)
    assert sample(body, "mijn_rq_queue_depth", queue=app.config["JOB_QUEUE"]) == 2
    assert sample(body, "mijn_rq_queue_depth", queue="reminders") == 0


@pytest.mark.usefixtures("scrape_rights")
def test_without_redis_the_queues_are_reported_down(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import free_port

    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    body = scrape(client)
    assert sample(body, "mijn_redis_up") == 0
    assert "mijn_rq_queue_depth{" not in body
    assert "mijn_outbox_rows" in body


@pytest.mark.usefixtures("scrape_rights")
def test_summary_pdf_renders_and_cache_hits(
    app: Flask,
    client: FlaskClient,
    seeded: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(app.config, "SUMMARY_INLINE_BUDGET_SECONDS", 60.0)
    before = scrape(client)
    log_in(client, "999900031")
    first = client.get("/overzicht.pdf")
    second = client.get("/overzicht.pdf")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"%PDF")
    after = scrape(client)
    for name in ("mijn_summary_pdf_renders_total", "mijn_summary_pdf_cache_hits_total"):
        assert sample(after, name) == sample(before, name) + 1
