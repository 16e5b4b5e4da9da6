"""`flask import-residents FILE.csv`: dry run, real run with bad rows, idempotent by BSN, one
transaction per batch with a report of the lines done."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Resident, TimelineEvent
from app.services import resident_import
from app.services.accounts import resident_for_bsn
from tests.staff.conftest import JAN

pytestmark = pytest.mark.usefixtures("seeded")

CSV = f"""bsn,first_name,initials,last_name,date_of_birth,email,phone,language,organisation
123456782,Karel,K.,van Dam,12-04-1961,karel@example.nl,06 12345678,nl,gemeente-rijnstad
123456789,Fout,,BSN,,,,nl,gemeente-rijnstad
{JAN},Jan,J.,de Vries,,,,nl,gemeente-rijnstad
111222333,Anna,,Smit,1990-01-02,,,en,schuldhulp-rijnstreek
100000009,Geen,,Organisatie,,,,nl,bestaat-niet
111222333,Anna,,Dubbel,,,,nl,gemeente-rijnstad
999999990,Piet,,Jong,31-02-2000,,,nl,gemeente-rijnstad
"""


def residents() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Resident.id))) or 0


def run(app: Flask, tmp_path: Path, *args: str, text: str = CSV) -> tuple[int, str]:
    path = tmp_path / "residents.csv"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-residents", str(path), *args])
    return result.exit_code, result.output


def test_dry_run_reports_and_writes_nothing(app: Flask, tmp_path: Path) -> None:
    before = residents()
    code, out = run(app, tmp_path, "--dry-run")
    assert code == 0, out
    assert "Dry run" in out and "Would add: 2 resident(s)." in out
    assert "Skipped, BSN known already: 1." in out
    assert "Errors: 4." in out
    assert "line 3: the BSN is not valid" in out
    assert "line 6: unknown organisation" in out
    assert "line 7: the same BSN as line 5" in out
    assert "line 8: date_of_birth is not a date" in out
    assert "123456789" not in out and JAN not in out  # no BSN in the report
    assert residents() == before


def test_real_run_adds_the_good_rows_and_is_idempotent(app: Flask, tmp_path: Path) -> None:
    before = residents()
    code, out = run(app, tmp_path)
    assert code == 0, out
    assert "Added: 2 resident(s), lines 2, 5." in out
    assert residents() == before + 2
    karel = resident_for_bsn("123456782")
    assert karel is not None and karel.dossier is not None
    assert karel.phone == "+31612345678" and karel.date_of_birth is not None
    assert [link.organisation.slug for link in karel.dossier.links] == ["gemeente-rijnstad"]
    assert karel.dossier.links[0].consent_channel == "import"
    kinds = db.session.scalars(
        select(TimelineEvent.kind).where(TimelineEvent.dossier_id == karel.dossier.id)
    ).all()
    assert sorted(kinds) == ["dossier_opened", "organisation_linked"]
    anna = resident_for_bsn("111222333")
    assert anna is not None and anna.language == "en"
    # Again: nothing new, both are known now.
    code, out = run(app, tmp_path)
    assert "Added: 0 resident(s), lines none." in out
    assert "Skipped, BSN known already: 3." in out
    assert residents() == before + 2


def test_a_failing_batch_is_written_not_at_all_and_reported(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two good rows in batches of one; the second batch breaks in the database (a BSN hash
    column overflow stands for any database error): the first stays, the second is reported."""
    text = (
        "bsn,first_name,last_name,organisation\n"
        "123456782,Karel,van Dam,gemeente-rijnstad\n"
        "111222333,Anna,Smit,gemeente-rijnstad\n"
    )
    before = residents()
    real_open = resident_import.open_dossier

    def open_or_break(new, organisation, *, staff):  # type: ignore[no-untyped-def]
        dossier = real_open(new, organisation, staff=staff)
        if new.bsn == "111222333":
            # A real database error inside the batch: a duplicate BSN hash.
            db.session.add(
                Resident(
                    bsn_hash=dossier.resident.bsn_hash,
                    bsn_encrypted=b"x",
                    first_name="x",
                    last_name="x",
                )
            )
            db.session.flush()
        return dossier

    monkeypatch.setattr(resident_import, "open_dossier", open_or_break)
    monkeypatch.setattr(resident_import, "BATCH_SIZE", 1)
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with path.open(encoding="utf-8") as file:
        report = resident_import.run(file, dry_run=False, batch_size=1)
    lines = resident_import.describe(report, dry_run=False)
    assert "Added: 1 resident(s), lines 2." in lines
    assert "NOT added (batch failed, run again): lines 3." in lines
    assert residents() == before + 1
    assert resident_for_bsn("111222333") is None


def test_missing_columns_stop_before_anything(app: Flask, tmp_path: Path) -> None:
    code, out = run(app, tmp_path, text="bsn,name\n123456782,Karel\n")
    assert code == 1
    assert "Missing columns: first_name, last_name, organisation" in out
