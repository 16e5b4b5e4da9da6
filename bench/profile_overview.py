"""Where an overview request spends its time: cProfile of N in-process requests, and the SQL.

The demo app on a temporary SQLite database with the demo data, the test client logged in as a
demo resident (the same session the login views start). Prints the SQL statements of one request,
the mean time per request and the top of the profile (cumulative and own time).

    .venv/bin/python bench/profile_overview.py [--requests 100] [--path /] [--bsn 999993653]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.config import DemoConfig  # noqa: E402
from app.demo import seed_demo  # noqa: E402
from app.extensions import db  # noqa: E402
from tests.login import log_in  # noqa: E402
from tests.querycount import count_queries  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--path", default="/")
    parser.add_argument("--bsn", default="999993653")
    parser.add_argument("--htmx", action="store_true", help="ask for the fragment")
    parser.add_argument("--poll", action="store_true", help="the unchanged live poll (304)")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    headers = {"HX-Request": "true"} if args.htmx else {}
    with tempfile.TemporaryDirectory(prefix="profile-") as tmp:
        app = create_app(DemoConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/p.sqlite")
        with app.app_context():
            db.create_all()
            seed_demo()
            engine = db.engine
        client = app.test_client()
        with app.app_context():
            log_in(client, args.bsn)
        for _ in range(5):  # warm up: templates compiled, caches filled
            first = client.get(args.path, headers=headers)
            assert first.status_code == 200
        if args.poll:
            headers = {"HX-Request": "true", "X-Poll": "1"}
            etag = client.get(args.path, headers=headers).headers["ETag"]
            headers["If-None-Match"] = etag
            assert client.get(args.path, headers=headers).status_code == 304
        with count_queries(engine) as counter:
            client.get(args.path, headers=headers)
        print(f"{counter.count} SQL statements for GET {args.path}:")
        for statement in counter.statements:
            print("  " + " ".join(statement.split())[:160])
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        for _ in range(args.requests):
            client.get(args.path, headers=headers)
        profiler.disable()
        elapsed = time.perf_counter() - start
    print(f"{args.requests} requests, {elapsed / args.requests * 1000:.2f} ms each (profiled)")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
