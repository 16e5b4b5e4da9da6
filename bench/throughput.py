"""Benchmark: requests per second of the resident pages against a bare Flask + Jinja page.

For each database (SQLite and PostgreSQL) the demo app is seeded in a fresh database and started
with the `web:` command of the Procfile (the same gunicorn workers, threads and options), next to
bench/bare_app.py under the very same gunicorn command, rendering a Jinja page as big as the
overview. Both servers are pinned to one core (taskset); the load generator (wrk, from `make deps`)
runs on the other. Runs alternate, ours then bare, so that noise from other work on the machine
hits both alike: the ratio of each pair is what counts, not the absolute numbers.

Scenarios, each at 16 and 64 connections, logged in as the red demo resident:
  overview   GET /                       the full page
  poll-304   GET / as the live poll      htmx, If-None-Match with the current tag: unchanged
  documents  GET /documenten             the documents page
The bare app answers the poll scenario with a 304 as well (its cheapest possible answer). For the
poll a third server runs in each round, bench/floor_app.py: the same stack's floor for any poll
of a logged-in user (Flask-Login loading one row, then a 304), so the report shows how much of the
gap to the bare page is the stack's and how much is ours.

Prints per scenario the median ratio (ours / bare req/s), the median req/s and p50/p99 latency of
both, and after all runs RSS and PSS of every web worker (/proc/PID/smaps_rollup) against the
targets of issue #20. Figures only: the exit code is 0 unless something failed to run.

    .venv/bin/python bench/throughput.py                      # 3 pairs of 3 s: about 2 minutes
    .venv/bin/python bench/throughput.py --pairs 5 --seconds 10   # the issue's measurement
    .venv/bin/python bench/throughput.py --db sqlite --scenario overview
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_login import log_in  # noqa: E402 - after the path line

VENV_BIN = ROOT / ".venv" / "bin"
RED_RESIDENT = "999993653"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MB = 1024 * 1024

# Targets (issue #20).
TARGET_OVERVIEW_RATIO = 0.25
TARGET_P99_FACTOR = 3.0  # overview p99 at 16 connections <= 3x the bare page's
TARGET_POLL_RATIO = 0.5
TARGET_RSS_MB = 100


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    poll: bool = False  # htmx request with the current tag: answered 304


SCENARIOS = (
    Scenario("overview", "/"),
    Scenario("poll-304", "/", poll=True),
    Scenario("documents", "/documenten"),
)


@dataclass(frozen=True)
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Result:
    ours: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)
    floor: list[Run] = field(default_factory=list)  # the poll only: bench/floor_app.py

    def ratios(self) -> list[float]:
        return [o.rps / b.rps for o, b in zip(self.ours, self.bare, strict=True) if b.rps]

    def floor_ratios(self) -> list[float]:
        return [f.rps / b.rps for f, b in zip(self.floor, self.bare, strict=True) if b.rps]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def web_command(port: int, app: str = "app:create_app()") -> list[str]:
    """The Procfile's web: line, with this port and the venv's gunicorn; `app` runs another
    WSGI app (the yardsticks) under the very same command."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            command = line.split(":", 1)[1].replace("${PORT:-5000}", str(port))
            argv = shlex.split(command)
            argv[0] = str(VENV_BIN / argv[0])
            return [app if a == "app:create_app()" else a for a in argv]
    raise SystemExit("no web: line in the Procfile")


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh, empty database URL of this kind; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite'}"
        return
    name = f"bench_throughput_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_env(db_url: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MIJN_CONFIG="demo",
        DATABASE_URL=db_url,
        SAML_SP_BASE_URL=f"http://127.0.0.1:{port}",
        PATH=f"{VENV_BIN}:{env.get('PATH', '')}",
    )
    return env


def seed(env: dict[str, str]) -> None:
    flask = str(VENV_BIN / "flask")
    for argv in ([flask, "--app", "app", "db", "upgrade"], [flask, "--app", "app", "seed-demo"]):
        subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)


@contextmanager
def server(
    argv: list[str], env: dict[str, str], port: int, core: int, ready: str = "/inloggen"
) -> Iterator[int]:
    """gunicorn pinned to one core; yields the master's pid once the port answers."""
    process = subprocess.Popen(
        ["taskset", "-c", str(core), *argv],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}{ready}", timeout=30)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise SystemExit(f"server did not start: {' '.join(argv)}\n{err}") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def headers_for(session: requests.Session, base: str, scenario: Scenario) -> list[str]:
    """What wrk sends: the session cookie, and for the poll the htmx header and current tag."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    headers = [f"Cookie: {cookie}"]
    if scenario.poll:
        first = session.get(base + scenario.path, headers={"HX-Request": "true"}, timeout=30)
        etag = first.headers.get("ETag")
        if not etag:
            raise SystemExit("the live poll has no ETag")
        check = session.get(
            base + scenario.path,
            headers={"HX-Request": "true", "If-None-Match": etag},
            timeout=30,
        )
        if check.status_code != 304:
            raise SystemExit(f"the unchanged poll answered {check.status_code}, not 304")
        headers += ["HX-Request: true", f"If-None-Match: {etag}"]
    else:
        page = session.get(base + scenario.path, timeout=30)
        if page.status_code != 200 or urlsplit(page.url).path != scenario.path:
            raise SystemExit(f"{scenario.path} answered {page.status_code} at {page.url}")
    return headers


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(url: str, headers: list[str], connections: int, seconds: int, core: int) -> Run:
    argv = ["taskset", "-c", str(core), "wrk", "-t2", f"-c{connections}", f"-d{seconds}s"]
    argv += ["--latency", "--timeout", "10s"]
    for header in headers:
        argv += ["-H", header]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return Run(rps, p50, p99, errors)


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def memory(pid: int) -> tuple[float, float]:
    """RSS and PSS of one process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value, *_ = line.split()
        fields[key.rstrip(":")] = int(value) * 1024
    return fields["Rss"] / MB, fields["Pss"] / MB


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def bench_database(kind: str, args: argparse.Namespace) -> list[str]:
    """Run every scenario on one database; returns the report lines."""
    lines: list[str] = []
    ours_port, bare_port, floor_port = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp, database(kind, Path(tmp)) as url:
        env = app_env(url, ours_port)
        seed(env)
        with server(web_command(ours_port), env, ours_port, args.server_core) as ours_pid:
            ours = f"http://127.0.0.1:{ours_port}"
            session = requests.Session()
            log_in(session, ours, args.bsn)
            size = len(session.get(ours + "/", timeout=30).content)
            bare_env = dict(env, BARE_PAGE_BYTES=str(size))
            bare_argv = web_command(bare_port, "bench.bare_app:create_app()")
            floor_argv = web_command(floor_port, "bench.floor_app:create_app()")
            with (
                server(bare_argv, bare_env, bare_port, args.server_core) as bare_pid,
                server(floor_argv, env, floor_port, args.server_core, ready="/login"),
            ):
                bare = f"http://127.0.0.1:{bare_port}"
                floor = f"http://127.0.0.1:{floor_port}"
                floor_cookie = requests.get(floor + "/login", timeout=30).cookies["session"]
                floor_headers = [f"Cookie: session={floor_cookie}", 'If-None-Match: "v1"']
                bare_size = len(requests.get(bare + "/", timeout=30).content)
                lines.append(
                    f"== {kind}: overview {size:,} bytes, bare page {bare_size:,} bytes;"
                    f" {args.pairs} pairs of {args.seconds} s, servers on core {args.server_core},"
                    f" wrk on core {args.wrk_core}"
                )
                for scenario in SCENARIOS:
                    if args.scenario and scenario.name not in args.scenario:
                        continue
                    headers = headers_for(session, ours, scenario)
                    bare_headers = ['If-None-Match: "x"'] if scenario.poll else []
                    for connections in args.connections:
                        result = Result()
                        for _ in range(args.pairs):
                            load = (connections, args.seconds, args.wrk_core)
                            result.ours.append(wrk(ours + scenario.path, headers, *load))
                            result.bare.append(wrk(bare + scenario.path, bare_headers, *load))
                            if scenario.poll:
                                result.floor.append(wrk(floor + "/", floor_headers, *load))
                        lines.append(report(kind, scenario, connections, result))
                lines += memory_lines("ours", ours_pid) + memory_lines("bare", bare_pid)
    return lines


def report(kind: str, scenario: Scenario, connections: int, result: Result) -> str:
    ratio = median(result.ratios())
    ours_p99 = median([r.p99_ms for r in result.ours])
    bare_p99 = median([r.p99_ms for r in result.bare])
    verdict = ""
    if scenario.name == "overview":
        verdict = (
            f"  [{'PASS' if ratio >= TARGET_OVERVIEW_RATIO else 'FAIL'} >= {TARGET_OVERVIEW_RATIO}"
        )
        if connections == 16:
            ok = ours_p99 <= TARGET_P99_FACTOR * bare_p99
            verdict += f"; p99 {'PASS' if ok else 'FAIL'} <= {TARGET_P99_FACTOR:g}x bare"
        verdict += "]"
    elif scenario.name == "poll-304":
        verdict = f"  [{'PASS' if ratio >= TARGET_POLL_RATIO else 'FAIL'} >= {TARGET_POLL_RATIO}]"
    if result.floor:
        floor = median(result.floor_ratios())
        verdict += (
            f"\n{'':<22} the stack's floor (bench/floor_app.py: Flask-Login, one row, 304)"
            f" {median([r.rps for r in result.floor]):7.1f} req/s = {floor:5.3f} of bare;"
            f" ours = {ratio / floor if floor else float('nan'):5.3f} of the floor"
        )
    errors = sum(r.errors for r in result.ours + result.bare + result.floor)
    return (
        f"{kind:<6} {scenario.name:<9} c={connections:<3} ratio {ratio:5.3f}"
        f" (pairs {', '.join(f'{r:.3f}' for r in result.ratios())})"
        f" | ours {median([r.rps for r in result.ours]):7.1f} req/s"
        f" p50 {median([r.p50_ms for r in result.ours]):6.1f} ms p99 {ours_p99:6.1f} ms"
        f" | bare {median([r.rps for r in result.bare]):7.1f} req/s"
        f" p50 {median([r.p50_ms for r in result.bare]):6.1f} ms p99 {bare_p99:6.1f} ms"
        f"{verdict}" + (f"  ({errors} errors)" if errors else "")
    )


def memory_lines(label: str, master: int) -> list[str]:
    lines = []
    rss_m, pss_m = memory(master)
    lines.append(f"memory {label} master pid {master}: RSS {rss_m:6.1f} MB  PSS {pss_m:6.1f} MB")
    for pid in children(master):
        rss, pss = memory(pid)
        verdict = ""
        if label == "ours":
            verdict = f"  [{'PASS' if rss <= TARGET_RSS_MB else 'FAIL'} RSS <= {TARGET_RSS_MB} MB]"
        lines.append(
            f"memory {label} worker pid {pid}: RSS {rss:6.1f} MB  PSS {pss:6.1f} MB{verdict}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="alternating pairs per setting")
    parser.add_argument("--seconds", type=int, default=3, help="length of one wrk run")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--db", choices=("sqlite", "postgresql"), nargs="+", default=["sqlite", "postgresql"]
    )
    parser.add_argument("--scenario", choices=[s.name for s in SCENARIOS], nargs="+")
    parser.add_argument("--bsn", default=RED_RESIDENT, help="demo resident to log in as")
    parser.add_argument("--server-core", type=int, default=1)
    parser.add_argument("--wrk-core", type=int, default=0)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run `make deps`")
    lines: list[str] = []
    for kind in args.db:
        lines += bench_database(kind, args)
        print("\n".join(lines), flush=True)
        lines = []
    print(
        f"targets: overview >= {TARGET_OVERVIEW_RATIO} of bare, p99 at c=16 <="
        f" {TARGET_P99_FACTOR:g}x bare, poll-304 >= {TARGET_POLL_RATIO} of bare,"
        f" RSS <= {TARGET_RSS_MB} MB per web worker"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
