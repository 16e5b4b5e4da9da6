"""One rule for transactions (docs/design/conventions.md): services commit, views never. A view
that commits, or that adds a row for a later service to commit, splits one change over two
places; a refused change then leaves half of it behind."""

from __future__ import annotations

import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
# Where transactions are made: services, the demo seed (a service of the demo), and the DigiD
# service provider and test IdP (login state in the database).
WRITERS = ("services", "demo", "digid", "testidp")
COMMIT = re.compile(r"\.session\.(commit|rollback)\(")


def test_only_services_commit_or_roll_back() -> None:
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        part = path.relative_to(APP).parts[0]
        if part in WRITERS:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if COMMIT.search(line) and "# transaction-ok:" not in line:
                offenders.append(f"{path.relative_to(APP)}:{number}: {line.strip()}")
    assert offenders == [], "views and wiring never commit; move the write into a service"


def test_views_do_not_write_access_rows_for_a_service_to_commit() -> None:
    """Staff actions pass an AccessEntry to the service that makes the change."""
    offenders = [
        str(path.relative_to(APP))
        for path in sorted(APP.rglob("*routes*.py"))
        if re.search(r"^\s+record_access\(", path.read_text(), re.M)
    ]
    assert offenders == []
