"""The overview's SQL: at most 4 statements, no lazy loads, the same count however long the
history, the htmx fragment as cheap as the page, and an unchanged poll one statement only."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import TimelineEvent
from app.services.accounts import resident_for_bsn
from tests.html import check_page
from tests.htmx_headers import fragment_request
from tests.login import log_in
from tests.querycount import count_queries

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)
MAX_STATEMENTS = 4


def statements_for(client: FlaskClient, bsn: str, headers: dict[str, str] | None = None) -> int:
    log_in(client, bsn)
    with count_queries(db.engine) as counter:
        response = client.get("/", headers=headers or {})
    assert response.status_code == 200
    if not headers:
        check_page(response.data)
    return counter.count


def test_the_overview_takes_at_most_four_statements_for_every_demo_resident(
    app: Flask, seeded: None, client: FlaskClient
) -> None:
    counts = {bsn: statements_for(client, bsn) for bsn in (RED, OVERDUE, ORANGE, GREEN, LONG)}
    assert all(count <= MAX_STATEMENTS for count in counts.values()), counts


def test_a_long_history_costs_no_extra_statements(
    app: Flask, seeded: None, client: FlaskClient
) -> None:
    resident = resident_for_bsn(LONG)
    assert resident is not None and resident.dossier is not None
    events = db.session.scalar(
        select(func.count())
        .select_from(TimelineEvent)
        .where(TimelineEvent.dossier_id == resident.dossier.id)
    )
    assert events is not None and events >= 200, "Mohamed's dossier has a long history"
    assert statements_for(client, LONG) == statements_for(client, GREEN)


def test_the_fragment_is_as_cheap_as_the_page(
    app: Flask, seeded: None, client: FlaskClient
) -> None:
    page = statements_for(client, RED)
    fragment = statements_for(client, RED, fragment_request("/", target="overzicht"))
    assert fragment <= page


def test_an_unchanged_poll_costs_one_statement(
    app: Flask, seeded: None, client: FlaskClient
) -> None:
    log_in(client, RED)
    refresh = fragment_request("/", target="overzicht")
    first = client.get("/", headers=refresh)
    assert first.status_code == 200 and first.headers["ETag"]
    poll = {**refresh, "X-Poll": "1", "If-None-Match": first.headers["ETag"]}
    with count_queries(db.engine) as counter:
        response = client.get("/", headers=poll)
    assert response.status_code == 304
    assert counter.count == 1, counter.statements
