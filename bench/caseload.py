"""Benchmark: the staff caseload page with 10 and with 10,000 residents (time and query count).

Builds a fresh database per size (a temporary SQLite file, or PostgreSQL with --database-url; a
schema of its own that is dropped afterwards), with one organisation, one staff member logged in
through the real login form (password + TOTP), and N residents each with a dossier linked to the
organisation and 0-3 open tasks (a mix of red, orange, green and late). Then it times GET
/medewerker (first page), a light filter, a name search and a date-of-birth search, and counts the
SQL statements of each request. Budgets:

  median time per caseload request at 10,000 residents   <= 250 ms
  SQL statements per request                              the same at 10 and at 10,000

    .venv/bin/python bench/caseload.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (10, 10_000)
RUNS = 15
BUDGET_MS = 250.0
REQUESTS = {
    "first page": "/medewerker",
    "red only": "/medewerker?licht=red",
    "name search": "/medewerker?zoek=jansen",
    "birth date": "/medewerker?zoek=14-03-1970",
    "page 3": "/medewerker?pagina=3",
    # Issue 16: the staff-words filter and the flags (uploads to check, questions to answer).
    "waits for us": "/medewerker?wacht=ons",
    "finished": "/medewerker?wacht=klaar",
}
SURNAMES = [
    "Jansen",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Yilmaz",
]


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{os.getpid()}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def fill(n: int) -> None:
    """N residents with dossiers and tasks, inserted in bulk (Core inserts, not the ORM)."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import Dossier, DossierOrganisation, Resident, Task
    from app.services.bsn import encrypt_bsn

    rng = random.Random(5)
    org_id = 1
    now = datetime.now(UTC)
    today = now.date()
    secret = encrypt_bsn("999900067")
    residents, dossiers, links, tasks = [], [], [], []
    for i in range(1, n + 1):
        residents.append(
            {
                "id": i,
                "bsn_hash": f"{i:064d}",
                "bsn_encrypted": secret,
                "first_name": f"Naam{i}",
                "last_name": rng.choice(SURNAMES),
                "initials": "",
                "date_of_birth": date(1940, 1, 1) + timedelta(days=rng.randint(0, 25000)),
                "email": "",
                "phone": "",
                "language": "nl",
                "session_token": f"t{i}",
                "created_at": now,
            }
        )
        dossiers.append({"id": i, "resident_id": i, "created_at": now, "updated_at": now})
        links.append({"dossier_id": i, "organisation_id": org_id, "consent_at": now})
        for _ in range(rng.randint(0, 3)):
            holder = rng.choice(["resident", "organisation"])
            tasks.append(
                {
                    "dossier_id": i,
                    "kind": "step",
                    "holder": holder,
                    "status": "open",
                    "organisation_id": org_id,
                    "title": "Bench",
                    "description": "",
                    "due_date": today + timedelta(days=rng.randint(-10, 30)),
                    "created_at": now,
                }
            )
    for model, rows in (
        (Resident, residents),
        (Dossier, dossiers),
        (DossierOrganisation, links),
        (Task, tasks),
    ):
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(model), rows[start : start + 2000])
    db.session.commit()


def fresh(app: Any, client: Any, path: str) -> None:
    """One request in an app context of its own, as in production (nothing cached between)."""
    with app.app_context():
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def run_size(n: int, url: str) -> dict[str, tuple[float, int]]:
    import pyotp
    from bs4 import BeautifulSoup

    from app import create_app
    from app.config import TestConfig
    from app.extensions import db
    from app.models import Organisation
    from app.services import staff_auth
    from tests.querycount import count_queries

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, STAFF_LOGIN_RATE_LIMIT="1000/minute")
    results: dict[str, tuple[float, int]] = {}
    with app.app_context():
        db.drop_all()
        db.create_all()
        org = Organisation(id=1, slug="bench", name="Gemeente Bench", kind="gemeente")
        db.session.add(org)
        member, password = staff_auth.create_staff("B. Bench", "b@bench.nl", org, "medewerker")
        member.totp_secret = pyotp.random_base32()
        member.totp_confirmed_at = datetime.now(UTC)
        db.session.commit()
        secret = member.totp_secret
        fill(n)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        client = app.test_client()
        page = client.get("/medewerker/inloggen")
        token = BeautifulSoup(page.data, "html.parser").select_one("input[name=csrf_token]")
        login = client.post(
            "/medewerker/inloggen",
            data={
                "csrf_token": token["value"] if token else "",
                "email": "b@bench.nl",
                "password": password,
                "code": pyotp.TOTP(secret).now(),
            },
        )
        assert login.status_code == 303, login.status_code
        for label, path in REQUESTS.items():
            fresh(app, client, path)  # warm up
            timings = []
            for _ in range(RUNS):
                start = time.perf_counter()
                fresh(app, client, path)
                timings.append((time.perf_counter() - start) * 1000)
            with count_queries(db.engine) as counter:
                fresh(app, client, path)
            results[label] = (statistics.median(timings), counter.count)
        db.session.remove()
        db.drop_all()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    os.environ.setdefault("MIJN_CONFIG", "test")
    by_size: dict[int, dict[str, Any]] = {}
    for n in SIZES:
        with database(args.database_url) as url:
            by_size[n] = run_size(n, url)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Caseload page ({engine}), median of {RUNS} requests, SQL statements per request")
    print(f"{'request':<14}" + "".join(f"{n:>10,} residents      " for n in SIZES))
    ok = True
    for label in REQUESTS:
        cells = []
        for n in SIZES:
            ms, queries = by_size[n][label]
            cells.append(f"{ms:9.1f} ms {queries:3d} queries")
        print(f"{label:<14}" + "   ".join(cells))
        big_ms, big_q = by_size[SIZES[-1]][label]
        ok &= big_ms <= BUDGET_MS and big_q == by_size[SIZES[0]][label][1]
    print(
        ("PASS" if ok else "FAIL") + f": <= {BUDGET_MS:.0f} ms at {SIZES[-1]:,}; same query count"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
