"""The data of the load bench (bench/load.py): the virtual residents with their dossiers and
tasks and every login's session cookie, and the reminders that fall due during a fault drill."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

USER_AGENT = "mijn-overzicht-load-bench/1"
REMINDERS = 100


def prepare(env: dict[str, str], residents: int) -> tuple[Any, list[dict[str, Any]], list[Any]]:
    """Migrate and seed the bench database, add the virtual residents (a dossier each, linked to
    the gemeente, with 0-3 tasks), and make every login's session cookie."""
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(
            [*flask, *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    from sqlalchemy import func, insert, select

    from app import create_app
    from app.config import DemoConfig
    from app.extensions import db
    from app.models import Dossier, DossierOrganisation, Organisation, Resident, StaffMember, Task
    from app.services.bsn import encrypt_bsn
    from tests.login import session_cookie

    app = create_app(
        DemoConfig, SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], REDIS_URL=env["REDIS_URL"]
    )
    rng = random.Random(19)
    now = datetime.now(UTC)
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.kind == "gemeente"))
        assert org is not None
        first = int(db.session.scalar(select(func.max(Resident.id))) or 0) + 1
        secret = encrypt_bsn("999900067")
        ids = list(range(first, first + residents))
        db.session.execute(
            insert(Resident),
            [
                {
                    "id": i,
                    "bsn_hash": f"{i:064d}",
                    "bsn_encrypted": secret,
                    "first_name": f"Bewoner{i}",
                    "last_name": "Bench",
                    "initials": "",
                    "email": "",
                    "phone": "",
                    "language": "nl",
                    "session_token": f"bench{i}",
                    "created_at": now,
                }
                for i in ids
            ],
        )
        db.session.execute(
            insert(Dossier),
            [{"id": i, "resident_id": i, "created_at": now, "updated_at": now} for i in ids],
        )
        db.session.execute(
            insert(DossierOrganisation),
            [{"dossier_id": i, "organisation_id": org.id, "consent_at": now} for i in ids],
        )
        tasks = [
            {
                "dossier_id": i,
                "kind": "document",
                "holder": rng.choice(["resident", "organisation"]),
                "status": "open",
                "organisation_id": org.id,
                "title": f"Stuur bewijsstuk {n + 1}",
                "description": "Een kopie van uw laatste loonstrook.",
                "due_date": now.date() + timedelta(days=rng.randint(-5, 30)),
                "created_at": now,
            }
            for i in ids
            for n in range(rng.randint(0, 3))
        ]
        db.session.execute(insert(Task), tasks)
        db.session.commit()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        people = list(db.session.scalars(select(Resident).where(Resident.id.in_(ids))))
        cookies = [session_cookie(app, r, user_agent=USER_AGENT) for r in people]
        staff = list(db.session.scalars(select(StaffMember).order_by(StaffMember.id)))
        staff_cookies = [session_cookie(app, s, user_agent=USER_AGENT) for s in staff]
    return app, cookies, staff_cookies


def plan_reminders(app: Any, due_from: datetime, spread: float) -> int:
    """REMINDERS residents get an appointment whose 'two hours before' e-mail falls due between
    due_from and due_from + spread seconds (during the Redis outage of the drill)."""
    from sqlalchemy import select

    from app import clock
    from app.extensions import db
    from app.models import Resident
    from app.services.notifications.planning import plan_appointment_reminders
    from app.services.notifications.preferences import CHOICES, save_contact_and_preferences

    local_hour = clock.now().astimezone(clock.AMSTERDAM).hour
    quiet = clock_time((local_hour + 12) % 24), clock_time((local_hour + 13) % 24)
    with app.app_context():
        people = list(
            db.session.scalars(
                select(Resident)
                .where(Resident.last_name == "Bench")
                .order_by(Resident.id)
                .limit(REMINDERS)
            )
        )
        for n, resident in enumerate(people):
            save_contact_and_preferences(
                resident,
                email=f"bewoner{resident.id}@example.nl",
                phone_e164="",
                appointment=CHOICES["email"],
                document=CHOICES["none"],
                quiet_start=quiet[0],
                quiet_end=quiet[1],
            )
            due = due_from + timedelta(seconds=spread * n / max(len(people), 1))
            plan_appointment_reminders(
                900_000 + n,
                resident_id=resident.id,
                starts_at=due + timedelta(hours=2),
                title="Gesprek",
                organisation="Gemeente",
            )
        db.session.commit()
        return len(people)


if __name__ == "__main__":
    print("bench/load_data.py: the data of bench/load.py; nothing to run on its own")
