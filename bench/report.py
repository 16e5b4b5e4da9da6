"""Benchmark: the report page /beheer/rapportage at 100 residents / 2,000 events and at 10,000
residents / 200,000 events (time and query count).

Builds a fresh database per size (a temporary SQLite file, or PostgreSQL with --database-url; a
schema of its own, dropped afterwards; bench/caseload.py's `database`), with two organisations
and a beheerder of the first, then N residents (dossiers linked to one or both organisations)
and their events over the last twelve months: timeline events by the resident, documents (some
sent by staff), questions with answers, appointments by channel, reminders in every state and
open items past their date. Times GET /beheer/rapportage and counts its SQL statements. Budgets:

  median time of the report page at 10,000 residents / 200,000 events   <= 2,000 ms
  SQL statements per request                                             the same at both sizes

    .venv/bin/python bench/report.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.caseload import database  # noqa: E402

SIZES = ((100, 2_000), (10_000, 200_000))
RUNS = 5
BUDGET_MS = 2000.0
# How the events of a size are shared out (they add up to 1).
SHARE = {
    "timeline": 0.5,
    "document": 0.15,
    "question": 0.05,
    "message": 0.1,
    "appointment": 0.05,
    "notification": 0.1,
    "task": 0.05,
}


def fill(residents: int, events: int) -> None:
    """Core inserts in batches (not the ORM): the shape of a year of use."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import (
        Appointment,
        AppointmentSlot,
        Document,
        Dossier,
        DossierOrganisation,
        Notification,
        Question,
        QuestionMessage,
        Resident,
        Task,
        TimelineEvent,
    )

    rng = random.Random(18)
    now = datetime.now(UTC)

    def when() -> datetime:
        return now - timedelta(minutes=rng.randrange(0, 360 * 24 * 60))

    def count(kind: str) -> int:
        return int(events * SHARE[kind])

    def put(model: Any, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), 2000):
            db.session.execute(insert(model), rows[start : start + 2000])

    put(
        Resident,
        [
            {
                "id": i,
                "bsn_hash": f"{i:064d}",
                "bsn_encrypted": b"",
                "first_name": "R",
                "last_name": str(i),
            }
            for i in range(1, residents + 1)
        ],
    )
    put(Dossier, [{"id": i, "resident_id": i} for i in range(1, residents + 1)])
    links = [{"dossier_id": i, "organisation_id": 1} for i in range(1, residents + 1)]
    links += [{"dossier_id": i, "organisation_id": 2} for i in range(1, residents + 1, 3)]
    put(DossierOrganisation, links)

    def dossier() -> int:
        return rng.randrange(1, residents + 1)

    tasks = count("task") + count("document")
    put(
        Task,
        [
            {
                "id": i,
                "dossier_id": dossier(),
                "kind": "document",
                "holder": "resident",
                "status": rng.choice(["open", "open", "done"]),
                "organisation_id": rng.choice([1, 1, 2]),
                "title": "Stuk",
                "due_date": (now - timedelta(days=rng.randrange(-60, 300))).date(),
            }
            for i in range(1, tasks + 1)
        ],
    )
    put(
        TimelineEvent,
        [
            {
                "dossier_id": dossier(),
                "occurred_at": when(),
                "actor_type": rng.choice(["resident", "staff"]),
                "kind": "document_sent",
            }
            for _ in range(count("timeline"))
        ],
    )
    put(
        Document,
        [
            {
                "dossier_id": dossier(),
                "task_id": i,
                "organisation_id": rng.choice([1, 1, 2]),
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size": 1,
                "sha256": "0" * 64,
                "storage_key": f"k{i}",
                "uploaded_at": when(),
                "uploaded_by_staff_id": rng.choice([None, None, None, 1]),
            }
            for i in range(1, count("document") + 1)
        ],
    )
    questions = count("question")
    asked = [when() for _ in range(questions)]
    put(
        Question,
        [
            {
                "id": i + 1,
                "dossier_id": dossier(),
                "organisation_id": rng.choice([1, 2]),
                "subject": "V",
                "created_at": at,
            }
            for i, at in enumerate(asked)
        ],
    )
    put(
        QuestionMessage,
        [
            {
                "question_id": (q := rng.randrange(questions)) + 1,
                "staff_id": rng.choice([None, 1]),
                "body": "x",
                "created_at": asked[q] + timedelta(hours=rng.randrange(1, 200)),
            }
            for _ in range(count("message"))
        ],
    )
    slots = count("appointment")
    booked_or_not = ["booked", "booked", "cancelled"]
    put(
        AppointmentSlot,
        [
            {
                "id": i,
                "organisation_id": rng.choice([1, 2]),
                "starts_at": when(),
                "channel": rng.choice(["phone", "desk", "video"]),
            }
            for i in range(1, slots + 1)
        ],
    )
    put(
        Appointment,
        [
            {
                "id": i,
                "dossier_id": dossier(),
                "slot_id": i,
                # A booked appointment holds its slot; a cancelled one holds none.
                "held_slot_id": None if (status := rng.choice(booked_or_not)) == "cancelled" else i,
                "topic": "other",
                "status": status,
            }
            for i in range(1, slots + 1)
        ],
    )
    statuses = [
        "sent",
        "delivered",
        "delivered",
        "permanent-failure",
        "technical-failure",
        "pending",
    ]
    put(
        Notification,
        [
            {
                "id": f"n{i}",
                "dedupe_key": f"d{i}",
                "subject_type": (kind := rng.choice(["task", "appointment"])),
                "subject_id": str(rng.randrange(1, (tasks if kind == "task" else slots) + 1)),
                "resident_id": dossier(),
                "kind": "document",
                "channel": rng.choice(["email", "sms"]),
                "template": "t",
                "template_version": 1,
                "not_before": (at := when()),
                "created_at": at,
                "updated_at": at,
                "status": rng.choice(statuses),
            }
            for i in range(count("notification"))
        ],
    )
    db.session.commit()


def run_size(residents: int, events: int, url: str) -> tuple[float, int]:
    from app import create_app
    from app.config import TestConfig
    from app.extensions import db
    from app.models import Organisation
    from app.services import staff_auth
    from tests.login import log_in
    from tests.querycount import count_queries

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        a = Organisation(id=1, slug="a", name="Gemeente Bench", kind="gemeente")
        b = Organisation(id=2, slug="b", name="Schuldhulp Bench", kind="schuldhulp")
        db.session.add_all([a, b])
        member, _ = staff_auth.create_staff("B. Bench", "b@bench.nl", a, "beheerder")
        db.session.commit()
        fill(residents, events)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        client = app.test_client()
        log_in(client, member)

        def fetch() -> None:
            with app.app_context():
                response = client.get("/beheer/rapportage")
            assert response.status_code == 200, response.status_code

        fetch()  # warm up
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            fetch()
            timings.append((time.perf_counter() - start) * 1000)
        with count_queries(db.engine) as counter:
            fetch()
        db.session.remove()
        db.drop_all()
    return statistics.median(timings), counter.count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    os.environ.setdefault("MIJN_CONFIG", "test")
    results = {}
    for residents, events in SIZES:
        with database(args.database_url) as url:
            results[(residents, events)] = run_size(residents, events, url)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Report page /beheer/rapportage ({engine}), median of {RUNS} requests")
    for (residents, events), (ms, queries) in results.items():
        print(f"{residents:>7,} residents {events:>8,} events: {ms:8.1f} ms {queries:3d} queries")
    small_q = results[SIZES[0]][1]
    big_ms, big_q = results[SIZES[-1]]
    ok = big_ms <= BUDGET_MS and big_q == small_q
    print(
        ("PASS" if ok else "FAIL") + f": <= {BUDGET_MS:.0f} ms at the large size; same query count"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
