"""The accessibility statement stays true: every check it names is done by tests that exist, the
status follows the rules from the audit settings, contact and complaint route are there, and each
known problem has a test here that fails once the problem is fixed (then change the statement)."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from app import clock
from app.demo import DEMO_RESIDENTS
from app.pages import statement
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in

ROOT = Path(__file__).resolve().parents[2]


def test_every_check_names_tests_that_exist_and_is_on_the_page(
    client: FlaskClient, app: Flask
) -> None:
    soup = check_page(client.get("/toegankelijkheid").data)
    listed = [text_of(li) for li in soup.select(".statement-checks > li")]
    assert len(listed) == len(statement.CHECKS)
    node_ids = [t for check in statement.CHECKS for t in check.tests]
    node_ids += [issue.test for issue in statement.KNOWN_ISSUES]
    for node_id in node_ids:
        path, name = node_id.split("::")
        tree = ast.parse((ROOT / path).read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert name in defined, f"the statement names {node_id}, which does not exist"
    with app.test_request_context(), force_locale("nl"):
        expected = [str(check.text) for check in statement.CHECKS]
    assert listed == expected


@pytest.mark.parametrize(
    ("audit_days_ago", "failures", "planned_in_days", "expected"),
    [
        (None, 0, None, "D"),
        (None, 0, 30, "C"),
        (None, 0, 400, "D"),  # too far off to count
        (None, 0, -1, "D"),  # planned, but the date has passed
        (365, 0, None, "A"),
        (365, 3, None, "B"),
        (4 * 365, 0, 30, "C"),  # an audit older than three years no longer counts
        (4 * 365, 0, None, "D"),
    ],
)
def test_status_follows_the_rules(
    audit_days_ago: int | None, failures: int, planned_in_days: int | None, expected: str
) -> None:
    today = clock.today()
    audit = today - timedelta(days=audit_days_ago) if audit_days_ago is not None else None
    planned = today + timedelta(days=planned_in_days) if planned_in_days is not None else None
    assert statement.status(audit, failures, planned, today) == expected


def test_the_page_gives_status_audit_contact_and_complaint_route(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    soup = check_page(client.get("/toegankelijkheid").data)
    main = text_of(soup.main)
    # No audit settings: status D, and the page does not claim an audit.
    assert (
        nl(
            app,
            "Status %(letter)s: %(words)s.",
            letter="D",
            words=nl(app, "first measures planned"),
        )
        in main
    )
    mail = soup.select_one(f"main a[href='mailto:{app.config['ACCESSIBILITY_EMAIL']}']")
    assert mail is not None
    phone = app.config["HELP_PHONE"].replace(" ", "")
    assert soup.select_one(f"main a[href='tel:{phone}']") is not None
    assert soup.select_one("main a[href^='https://www.nationaleombudsman.nl']") is not None
    issues = soup.select(".statement-issues > li")
    assert len(issues) == len(statement.KNOWN_ISSUES)
    assert all(nl(app, "What we do about it:") in text_of(li) for li in issues)

    planned = clock.today() + timedelta(days=60)
    monkeypatch.setitem(app.config, "ACCESSIBILITY_AUDIT_PLANNED", planned.isoformat())
    main = text_of(check_page(client.get("/toegankelijkheid").data).main)
    assert (
        nl(app, "Status %(letter)s: %(words)s.", letter="C", words=nl(app, "first measures taken"))
        in main
    )

    audited = clock.today() - timedelta(days=100)
    monkeypatch.setitem(app.config, "ACCESSIBILITY_AUDIT_DATE", audited.isoformat())
    monkeypatch.setitem(app.config, "ACCESSIBILITY_AUDIT_FAILURES", 2)
    main = text_of(check_page(client.get("/toegankelijkheid").data).main)
    assert (
        nl(
            app,
            "Status %(letter)s: %(words)s.",
            letter="B",
            words=nl(app, "meets the requirements partly"),
        )
        in main
    )


def test_known_issue_staff_text_not_marked_dutch(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    """Known issue (WCAG 3.1.2): on an English page a task title that staff wrote in Dutch is not
    marked lang="nl". When this fails, the problem is fixed: take it out of the statement."""
    log_in(client, DEMO_RESIDENTS[0].bsn)
    token = check_page(client.get("/").data).select_one("footer input[name=csrf_token]")["value"]
    client.post("/taal", data={"lang": "en", "next": "/", "csrf_token": token})
    soup = check_page(client.get("/").data)
    titles = soup.select("main .todo .what")
    assert titles, "the resident has tasks"
    assert not any(t.find_parent(attrs={"lang": "nl"}) or t.get("lang") == "nl" for t in titles)
