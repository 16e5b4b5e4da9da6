"""`flask import-residents FILE.csv`: the residents an organisation already helps, at go-live.

The CSV has a header row with these columns (the optional ones may be left out or empty):

    bsn, first_name, last_name, organisation   required; organisation is the slug
    initials, date_of_birth, email, phone, language   optional; dates as 14-03-1968 or 1968-03-14

Idempotent by BSN: a BSN that has a resident is skipped (also on a second run of the same file).
Every row is checked first; a row with an error is reported with its line number and skipped.
The good rows are written in batches, one transaction each: a batch is written whole or not at
all, and the report says which lines were done. A dry run checks and reports, and writes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import Organisation, Resident
from app.services.bsn import bsn_hash, is_valid_bsn
from app.services.caseload import clean_bsn, parse_birth_date
from app.services.intake import NewResident, open_dossier
from app.services.notifications.preferences import InvalidPhone, is_valid_email, normalise_mobile

REQUIRED = ("bsn", "first_name", "last_name", "organisation")
BATCH_SIZE = 200


@dataclass
class Line:
    number: int  # the line in the file (the header is line 1)
    status: str  # new / exists / error / done / failed
    message: str = ""
    new: NewResident | None = None
    organisation: Organisation | None = None


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    def numbers(self, status: str) -> list[int]:
        return [line.number for line in self.lines if line.status == status]


def _date(text: str) -> date | str | None:
    """None for empty, a date, or 'bad'."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return parse_birth_date(text) or "bad"


def _check_row(
    number: int, row: dict[str, str], orgs: dict[str, Organisation], seen: dict[str, int]
) -> Line:
    value = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
    missing = [name for name in REQUIRED if not value.get(name)]
    if missing:
        return Line(number, "error", f"empty: {', '.join(missing)}")
    bsn = clean_bsn(value["bsn"])
    if not is_valid_bsn(bsn):
        return Line(number, "error", "the BSN is not valid (11-proef)")
    if bsn in seen:
        return Line(number, "error", f"the same BSN as line {seen[bsn]}")
    seen[bsn] = number
    organisation = orgs.get(value["organisation"])
    if organisation is None:
        return Line(number, "error", f"unknown organisation {value['organisation']!r}")
    born = _date(value.get("date_of_birth", ""))
    if born == "bad":
        return Line(number, "error", "date_of_birth is not a date")
    email = value.get("email", "")
    if email and not is_valid_email(email):
        return Line(number, "error", "email is not an e-mail address")
    phone = ""
    if value.get("phone"):
        try:
            phone = normalise_mobile(value["phone"])
        except InvalidPhone:
            return Line(number, "error", "phone is not a mobile number")
    language = value.get("language") or "nl"
    if language not in ("nl", "en"):
        return Line(number, "error", "language is not nl or en")
    if len(value["first_name"]) > 100 or len(value["last_name"]) > 150:
        return Line(number, "error", "a name is too long")
    new = NewResident(
        bsn=bsn,
        first_name=value["first_name"],
        initials=value.get("initials", "")[:20],
        last_name=value["last_name"],
        date_of_birth=born if isinstance(born, date) else None,
        email=email,
        phone_e164=phone,
        language=language,
        channel="import",
    )
    return Line(number, "new", new=new, organisation=organisation)


def check(file: TextIO) -> Report:
    """Read and check every row; look up which BSNs have a resident already. Writes nothing."""
    reader = csv.DictReader(file)
    columns = {name.strip().lower() for name in reader.fieldnames or []}
    report = Report(missing_columns=[name for name in REQUIRED if name not in columns])
    if report.missing_columns:
        return report
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    seen: dict[str, int] = {}
    for row in reader:
        report.lines.append(_check_row(reader.line_num, row, orgs, seen))
    _mark_existing([line for line in report.lines if line.status == "new"])
    return report


def _mark_existing(lines: list[Line]) -> None:
    by_hash = {bsn_hash(line.new.bsn): line for line in lines if line.new}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        for known in db.session.scalars(
            select(Resident.bsn_hash).where(Resident.bsn_hash.in_(chunk))
        ):
            by_hash[known].status = "exists"
            by_hash[known].message = "a resident with this BSN exists: skipped"


def _batches(lines: list[Line], size: int) -> Iterable[list[Line]]:
    for start in range(0, len(lines), size):
        yield lines[start : start + size]


def run(file: TextIO, *, dry_run: bool, batch_size: int = BATCH_SIZE) -> Report:
    report = check(file)
    if dry_run or report.missing_columns:
        db.session.rollback()
        return report
    todo = [line for line in report.lines if line.status == "new"]
    for batch in _batches(todo, batch_size):
        try:
            for line in batch:
                if line.new is not None and line.organisation is not None:
                    open_dossier(line.new, line.organisation, staff=None)
            db.session.commit()
        except SQLAlchemyError as exc:
            db.session.rollback()
            for line in batch:
                line.status = "failed"
                line.message = f"batch not written: {type(exc).__name__}"
            continue
        for line in batch:
            line.status = "done"
    return report


def describe(report: Report, *, dry_run: bool) -> list[str]:
    """The report as lines of text for the terminal. Never a BSN or a name: line numbers only."""
    if report.missing_columns:
        return [f"Missing columns: {', '.join(report.missing_columns)}. Nothing imported."]
    out = []
    if dry_run:
        out.append("Dry run: nothing was written.")
        out.append(f"Would add: {report.count('new')} resident(s).")
    else:
        out.append(
            f"Added: {report.count('done')} resident(s), lines {_ranges(report.numbers('done'))}."
        )
        if report.count("failed"):
            out.append(
                f"NOT added (batch failed, run again): lines {_ranges(report.numbers('failed'))}."
            )
    out.append(f"Skipped, BSN known already: {report.count('exists')}.")
    errors = [line for line in report.lines if line.status == "error"]
    out.append(f"Errors: {len(errors)}.")
    out += [f"  line {line.number}: {line.message}" for line in errors]
    return out


def _ranges(numbers: list[int]) -> str:
    """[2, 3, 4, 7] -> '2-4, 7'."""
    if not numbers:
        return "none"
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
