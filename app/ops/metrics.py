"""What /metrics shows, and who may see it.

Counted as the app works (app.ops.counters): requests and their latency per endpoint, summary-PDF
renders and cache hits. Under gunicorn set PROMETHEUS_MULTIPROC_DIR so every worker process's
counts are added up (prometheus_client's multiprocess mode; gunicorn.conf.py marks dead workers).
Read at each scrape, the same from every instance: outbox rows per status and channel, the age
of the oldest due-but-unsent reminder, and the RQ queue depths. Scrape one instance for these
(or average them); the request counters are per instance.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from werkzeug.datastructures import Authorization

from app import clock
from app.services.notifications.figures import outbox_figures

# Not sent yet although due: waiting for the dispatcher, on the queue, or being sent.
REDIS_TIMEOUT_SECONDS = 0.5


def may_scrape(
    config: Mapping[str, Any], remote_addr: str | None, authorization: Authorization | None
) -> bool:
    """From an address in METRICS_ALLOWED_ADDRESSES (addresses or networks, comma-separated),
    or with the bearer token METRICS_TOKEN. Both empty: nobody."""
    token = str(config.get("METRICS_TOKEN") or "")
    if token and authorization is not None and authorization.type == "bearer":
        given = authorization.token or ""
        if hmac.compare_digest(given.encode(), token.encode()):
            return True
    allowed = str(config.get("METRICS_ALLOWED_ADDRESSES") or "")
    if not allowed or not remote_addr:
        return False
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    for item in allowed.split(","):
        item = item.strip()
        if item and address in ipaddress.ip_network(item, strict=False):
            return True
    return False


class StateCollector(Collector):
    """Gauges read from PostgreSQL and Redis at scrape time."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._outbox()
        yield from self._queues()

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        rows = GaugeMetricFamily(
            "mijn_outbox_rows",
            "Reminder outbox rows per status and channel.",
            labels=["status", "channel"],
        )
        oldest = GaugeMetricFamily(
            "mijn_reminder_oldest_due_age_seconds",
            "Seconds since the oldest reminder that is due but not sent yet became due (0: none).",
        )
        now = clock.now()
        figures = outbox_figures(now)
        if figures is None:
            return
        counts, first_due = figures
        for status, channel, count in counts:
            rows.add_metric([str(status), str(channel)], float(count))
        yield rows
        oldest.add_metric([], (now - first_due).total_seconds() if first_due else 0.0)
        yield oldest

    def _queues(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("mijn_redis_up", "1 when Redis answered this scrape, else 0.")
        depth = GaugeMetricFamily(
            "mijn_rq_queue_depth", "Jobs waiting on each RQ queue.", labels=["queue"]
        )
        names = dict.fromkeys([self.config["JOB_QUEUE"], self.config["REMINDER_QUEUE"]])
        conn = Redis.from_url(
            self.config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        try:
            for name in names:
                depth.add_metric([name], float(Queue(name, connection=conn).count))
        except (RedisError, OSError):
            up.add_metric([], 0.0)
            yield up
            return
        finally:
            conn.close()
        up.add_metric([], 1.0)
        yield up
        yield depth


def exposition(config: Mapping[str, Any]) -> tuple[bytes, str]:
    """The scrape body: this host's counters (all processes in multiprocess mode, else this
    process's with its process_* figures), then the shared state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector(config))
    return generate_latest(counted) + generate_latest(state), CONTENT_TYPE_LATEST
