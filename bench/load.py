"""Load bench: N virtual residents and 10 staff against the production set-up on loopback.

Everything runs on private servers this script starts and stops itself, never on the shared ones:
a throwaway PostgreSQL cluster (initdb + pg_ctl on --pg-port), a redis-server (--redis-port), an
SMTP sink (aiosmtpd), gunicorn with the Procfile's 2 workers x 4 threads and one reminder worker.

Each virtual resident logs in once (a session cookie made as the login view makes it,
tests/login.py), opens the overview, then until the end (default 60 s) waits 1-3 s between
actions: mostly live polls (If-None-Match: 304 when nothing changed), sometimes the overview,
documents or appointments, and once the summary PDF. Ten staff sessions work the caseload (the
first page, a light filter, a name search). Printed: requests/s, p50/p95/p99 per kind, errors,
the RSS of each web worker and the most PostgreSQL connections in use.

Fault drills (--fault):
  redis     Redis is stopped 20 s into the run for 20 s (and comes back empty). Pages must not
            fail; the 100 reminders that fall due during the outage are delayed, not lost (the
            bench waits for all of them at the SMTP sink).
  postgres  PostgreSQL is restarted (pg_ctl restart -m fast) 20 s into the run. Errors are
            allowed only while it restarts, none 10 s after; no request may hang beyond the
            database timeouts (a request over 30 s counts as hung).

Targets on the 2-core machine: 0 errors, p99 <= 500 ms for pages and <= 50 ms for 304 polls,
RSS <= 100 MB per web worker.

    .venv/bin/python bench/load.py [--residents 200] [--seconds 60] [--fault redis|postgres]

The private servers are in bench/servers.py, the residents' data in bench/load_data.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_data import USER_AGENT, plan_reminders, prepare  # noqa: E402
from bench.servers import (  # noqa: E402 - after the path line, like bench/report.py
    PrivatePostgres,
    PrivateRedis,
    SmtpSink,
    children,
    free_port,
    rss_mb,
    start_web,
    start_worker,
    stop_all,
    wait_for,
)

HUNG_SECONDS = 30.0
PAGE_ENDPOINTS = {"overview.index", "documents.index", "appointments.index", "staff.caseload"}
PAGE_P99_MS, POLL_P99_MS, RSS_MB = 500.0, 50.0, 100.0
OUTAGE_AT, OUTAGE_SECONDS = 20.0, 20.0


# --- the load -------------------------------------------------------------------------------


@dataclass
class Results:
    started: float = field(default_factory=time.monotonic)
    samples: list[tuple[float, str, float, bool, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, began: float, seconds: float, ok: bool, why: str = "") -> None:
        with self.lock:
            self.samples.append((began - self.started, kind, seconds, ok, why))


def timed(
    results: Results, browser: requests.Session, kind: str, url: str, ok: set[int], **kw: Any
) -> requests.Response | None:
    began = time.monotonic()
    try:
        response = browser.get(url, timeout=HUNG_SECONDS, allow_redirects=False, **kw)
    except requests.RequestException as exc:
        results.add(kind, began, time.monotonic() - began, False, reason(exc))
        return None
    good = response.status_code in ok
    results.add(kind, began, time.monotonic() - began, good, str(response.status_code))
    return response


def reason(exc: Exception) -> str:
    text = str(exc)
    for known in ("RemoteDisconnected", "Connection refused", "Read timed out", "reset by peer"):
        if known in text:
            return f"{type(exc).__name__}: {known}"
    return type(exc).__name__


def browser_with(cookie: dict[str, Any]) -> requests.Session:
    """A browser: one cookie, keep-alive, and like a browser it sends a GET again once when a
    kept-alive connection turns out to be closed by the server (not counted as an error)."""
    browser = requests.Session()
    retry = Retry(total=1, connect=1, read=1, status=0, allowed_methods={"GET"})
    browser.mount("http://", HTTPAdapter(max_retries=retry))
    browser.headers["User-Agent"] = USER_AGENT
    browser.cookies.set(cookie["name"], cookie["value"], domain="127.0.0.1", path="/")
    return browser


def resident_loop(
    base: str, cookie: dict[str, Any], results: Results, until: float, rng: random.Random
) -> None:
    browser = browser_with(cookie)
    time.sleep(rng.uniform(0, 10))  # the residents arrive over the first ten seconds
    first = timed(results, browser, "overview", f"{base}/", {200})
    poll_tag = None
    # What htmx sends for the overview's refresh link (tests/htmx_headers.py); a timed poll adds
    # X-Poll, as static/js/live.js does.
    refresh = {"HX-Request": "true", "HX-Target": "overzicht", "HX-Current-URL": f"{base}/"}
    live = timed(results, browser, "overview", f"{base}/", {200}, headers=refresh)
    if live is not None:
        poll_tag = live.headers.get("ETag")
    pdf_at = time.monotonic() + rng.uniform(5, 40)
    pdf_done = first is None
    while time.monotonic() < until:
        time.sleep(rng.uniform(1, 3))
        if time.monotonic() >= until:
            break
        if not pdf_done and time.monotonic() >= pdf_at:
            pdf_done = True
            response = timed(results, browser, "pdf", f"{base}/overzicht.pdf", {200, 303})
            tries = 0
            while (
                response is not None
                and response.status_code == 303
                and tries < 15
                and time.monotonic() < until
            ):
                time.sleep(2)  # what the waiting page does
                tries += 1
                response = timed(results, browser, "pdf", f"{base}/overzicht.pdf", {200, 303})
            continue
        roll = rng.random()
        if roll < 0.6 and poll_tag:
            headers = {**refresh, "X-Poll": "1", "If-None-Match": poll_tag}
            response = timed(results, browser, "poll", f"{base}/", {200, 304}, headers=headers)
            if response is not None and response.status_code == 200:
                poll_tag = response.headers.get("ETag", poll_tag)
        elif roll < 0.75:
            timed(results, browser, "documents", f"{base}/documenten", {200})
        elif roll < 0.88:
            timed(results, browser, "appointments", f"{base}/afspraken", {200})
        else:
            timed(results, browser, "overview", f"{base}/", {200})


def staff_loop(
    base: str, cookie: dict[str, Any], results: Results, until: float, rng: random.Random
) -> None:
    browser = browser_with(cookie)
    time.sleep(rng.uniform(0, 5))
    paths = ["/medewerker", "/medewerker?licht=red", "/medewerker?zoek=Bench", "/medewerker"]
    while time.monotonic() < until:
        timed(results, browser, "caseload", f"{base}{rng.choice(paths)}", {200})
        time.sleep(rng.uniform(2, 5))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--staff", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fault", choices=["none", "redis", "postgres"], default="none")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the logs and data directory")
    args = parser.parse_args()
    seconds = min(args.seconds, 60.0)
    # Stopped from outside (timeout, Ctrl-C): still stop the private servers (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    tmp = Path(tempfile.mkdtemp(prefix="mijn-load-"))
    pg = PrivatePostgres(tmp, free_port())
    redis = PrivateRedis(free_port())
    procs: list[subprocess.Popen[bytes]] = []
    try:
        pg.start()
        redis.start()
        sink = SmtpSink()
        metrics_dir = tmp / "metrics"
        metrics_dir.mkdir()
        web_port = free_port()
        env = {
            **os.environ,
            "MIJN_CONFIG": "demo",
            "DATABASE_URL": pg.url,
            "REDIS_URL": redis.url,
            "SAML_SP_BASE_URL": f"http://127.0.0.1:{web_port}",
            "PORTAL_URL": f"http://127.0.0.1:{web_port}",
            "SUMMARY_CACHE_DIR": str(tmp / "summary-cache"),
            "UPLOAD_DIR": str(tmp / "uploads"),
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "SMTP_PORT": str(sink.port),
            "REMINDER_DISPATCH_INTERVAL": "5",
            "REMINDER_REQUEUE_SECONDS": "15",
            # One JSON event per request with the app's own duration (server_side_p99).
            "LOG_FORMAT": "json",
        }
        print(f"load bench: private PostgreSQL :{pg.port}, Redis :{redis.port}; preparing data")
        app, cookies, staff_cookies = prepare(env, args.residents)
        web = start_web(env, web_port, args.web_workers, args.threads, tmp / "web.log")
        worker = start_worker(env, tmp / "worker.log")
        procs += [web, worker]
        base = f"http://127.0.0.1:{web_port}"
        wait_for(lambda: requests.get(f"{base}/healthz", timeout=1).ok, 60, "gunicorn")

        planned = plan_reminders(
            app, datetime.now(UTC) + timedelta(seconds=OUTAGE_AT + 2), OUTAGE_SECONDS - 4
        )
        results = Results()
        start = results.started
        until = start + seconds
        rng = random.Random(2026)
        threads = [
            threading.Thread(
                target=resident_loop,
                args=(base, c, results, until, random.Random(rng.random())),
                daemon=True,
            )
            for c in cookies
        ] + [
            threading.Thread(
                target=staff_loop,
                args=(
                    base,
                    staff_cookies[i % len(staff_cookies)],
                    results,
                    until,
                    random.Random(rng.random()),
                ),
                daemon=True,
            )
            for i in range(args.staff)
        ]
        for thread in threads:
            thread.start()

        fault_window: tuple[float, float] | None = None
        peak_conns, peak_rss = 0, defaultdict(float)
        fault_done = args.fault == "none"
        while any(t.is_alive() for t in threads):
            elapsed = time.monotonic() - start
            if not fault_done and elapsed >= OUTAGE_AT:
                fault_done = True
                began = time.monotonic() - start
                if args.fault == "redis":
                    print(f"load bench: stopping Redis at {began:.0f} s for {OUTAGE_SECONDS:.0f} s")
                    redis.stop()
                    time.sleep(OUTAGE_SECONDS)
                    redis.start()
                else:
                    print(f"load bench: restarting PostgreSQL at {began:.0f} s")
                    pg.restart()
                fault_window = (began, time.monotonic() - start)
                print(f"load bench: back at {fault_window[1]:.0f} s")
            with contextlib.suppress(Exception):  # PostgreSQL restarting
                peak_conns = max(peak_conns, pg.connections())
            for pid in children(web.pid):
                peak_rss[pid] = max(peak_rss[pid], rss_mb(pid))
            time.sleep(1)
        elapsed = time.monotonic() - start

        # Reminders: all of them, however long Redis was away (requeued from the database).
        deadline = time.monotonic() + 60
        while len(set(sink.ids)) < planned and time.monotonic() < deadline:
            time.sleep(1)
        code = report(
            results, elapsed, peak_conns, dict(peak_rss), planned, sink, fault_window, args.fault
        )
        print(server_side_p99(tmp / "web.log"))
        return code
    finally:
        stop_all(procs)
        redis.stop()
        pg.stop()
        if args.keep:
            print(f"load bench: logs and data kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def server_side_p99(web_log: Path) -> str:
    """p99 of the app's own time per request (its JSON request events: from the first WSGI
    layer to the last after-request hook), next to what the residents measured: the difference
    is the wait for a free thread, the GIL and the CPU, and the load generator's own."""
    polls: list[float] = []
    pages: list[float] = []
    for line in web_log.read_text(errors="replace").splitlines():
        if '"mijn_overzicht.request"' not in line:
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("status") == 304:
            polls.append(float(event["duration_ms"]))
        elif event.get("endpoint") in PAGE_ENDPOINTS and event.get("status") == 200:
            pages.append(float(event["duration_ms"]))
    return (
        f"inside the app (its request log): pages p99 {percentile(pages, 99):.0f} ms"
        f" ({len(pages)}), 304 polls p99 {percentile(polls, 99):.0f} ms ({len(polls)})"
    )


def report(
    results: Results,
    elapsed: float,
    peak_conns: int,
    peak_rss: dict[int, float],
    planned: int,
    sink: SmtpSink,
    fault_window: tuple[float, float] | None,
    fault: str,
) -> int:
    samples = results.samples
    total = len(samples)
    print(
        f"\n== load bench: {total} requests in {elapsed:.1f} s = {total / elapsed:.1f} req/s"
        f" (fault: {fault})"
    )
    print(f"{'kind':<13}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    kinds: dict[str, list[tuple[float, str, float, bool, str]]] = defaultdict(list)
    for sample in samples:
        kinds[sample[1]].append(sample)
    failed = False
    for kind in ("overview", "poll", "documents", "appointments", "pdf", "caseload"):
        rows = kinds.get(kind, [])
        ms = [s[2] * 1000 for s in rows]
        errors = sum(1 for s in rows if not s[3])
        print(
            f"{kind:<13}{len(rows):>6}{percentile(ms, 50):>9.0f}{percentile(ms, 95):>9.0f}"
            f"{percentile(ms, 99):>9.0f}{max(ms, default=0):>9.0f}{errors:>8}"
        )
    polls_304 = sum(1 for s in kinds.get("poll", []) if s[4] == "304")
    print(f"polls answered 304: {polls_304} of {len(kinds.get('poll', []))}")
    errors = [s for s in samples if not s[3]]
    reasons: dict[str, int] = defaultdict(int)
    for s in errors:
        reasons[s[4]] += 1
    print(f"errors: {len(errors)} {dict(reasons) if reasons else ''}")
    hung = [s for s in samples if s[2] >= HUNG_SECONDS]
    print(
        f"requests over {HUNG_SECONDS:.0f} s: {len(hung)}; slowest: "
        f"{max((s[2] for s in samples), default=0):.2f} s"
    )
    for pid, mb in sorted(peak_rss.items()):
        print(f"web worker {pid}: peak RSS {mb:.0f} MB (budget {RSS_MB:.0f})")
        failed |= mb > RSS_MB
    print(f"PostgreSQL connections in use, at most: {peak_conns}")
    print(
        f"machine load average at the end (1/5 min): {os.getloadavg()[0]:.1f} / "
        f"{os.getloadavg()[1]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"reminders due during the run: {planned}; sent: {len(set(sink.ids))}; "
        f"sent twice: {len(sink.ids) - len(set(sink.ids))}"
    )
    failed |= len(set(sink.ids)) < planned
    pages = [
        s[2] * 1000
        for s in samples
        if s[1] in ("overview", "documents", "appointments", "caseload")
    ]
    polls = [s[2] * 1000 for s in kinds.get("poll", []) if s[4] == "304"]
    print(
        f"budget: pages p99 {percentile(pages, 99):.0f} ms (<= {PAGE_P99_MS:.0f}), "
        f"304 polls p99 {percentile(polls, 99):.0f} ms (<= {POLL_P99_MS:.0f})"
    )
    failed |= percentile(pages, 99) > PAGE_P99_MS or percentile(polls, 99) > POLL_P99_MS
    failed |= bool(hung)
    if fault == "postgres" and fault_window is not None:
        during = [s for s in errors if s[0] <= fault_window[1] + 10]
        after = [s for s in errors if s[0] > fault_window[1] + 10]
        print(
            f"PostgreSQL restart {fault_window[0]:.0f}-{fault_window[1]:.0f} s: "
            f"{len(during)} errors up to 10 s after it, {len(after)} later"
        )
        failed |= bool(after)
    else:
        failed |= bool(errors)
    print("RESULT:", "over budget" if failed else "within budget")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
