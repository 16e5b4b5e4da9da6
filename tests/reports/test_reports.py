"""/beheer/rapportage against a world counted by hand (tests/reports/fixtures.py): each figure as
a table, an SVG chart with title and description, and a CSV. Only beheerders, and only their own
organisation."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from app import clock
from tests.html import check_page
from tests.login import log_in
from tests.reports.fixtures import World, build_world, resident, staff_member


def tables(client: FlaskClient) -> dict[str, list[list[str]]]:
    page = check_page(client.get("/beheer/rapportage").data)
    out = {}
    for section in page.select("main section"):
        key = str(section.h2["id"])  # type: ignore[index]
        svg = section.select_one("svg[role=img]")
        rows = [[td.get_text() for td in tr.select("td")] for tr in section.select("tbody tr")]
        if rows:
            assert svg is not None and svg.title is not None and svg.desc is not None
            assert svg.get("aria-labelledby"), "the chart is named by its title and description"
            assert len(svg.select("rect")) == len(rows), "one bar per row"
        out[key] = rows
    return out


def test_figures_match_the_hand_count(app: Flask, client: FlaskClient) -> None:
    world: World = build_world()
    log_in(client, world.admin_a)
    got = tables(client)
    a, m0, m1 = world.a.name, world.this_month, world.last_month
    assert got["actief"] == sorted([[m1, a, "1"], [m0, a, "2"]])
    assert got["documenten"] == [[m0, a, "3", "1", "75"]]
    assert got["vragen"] == [[m0, a, "4", "3", "4.0"]]
    assert got["afspraken"] == [[m0, a, "2", "1", "1", "4"]]
    assert got["herinneringen"] == [[m0, a, "email", "3", "1", "1"], [m0, a, "sms", "1", "1", "0"]]
    overdue_month = (clock.today() - timedelta(days=1)).strftime("%Y-%m")
    assert got["te-laat"] == [[overdue_month, a, "1"]]


def test_csv_per_figure(app: Flask, client: FlaskClient) -> None:
    world = build_world()
    world.a.name = "=Organisatie A"  # a name a spreadsheet would run
    from app.extensions import db

    db.session.commit()
    log_in(client, world.admin_a)
    answer = client.get("/beheer/rapportage/documenten.csv")
    assert answer.mimetype == "text/csv" and "no-store" in answer.headers["Cache-Control"]
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert len(table) == 2 and table[1] == [world.this_month, "'=Organisatie A", "3", "1", "75"]
    assert client.get("/beheer/rapportage/onbekend.csv").status_code == 404


def test_only_beheerders_and_only_their_own_organisation(app: Flask, client: FlaskClient) -> None:
    world = build_world()
    worker = staff_member(world.a, "medewerker")
    from app.extensions import db

    db.session.commit()
    log_in(client, worker)
    assert client.get("/beheer/rapportage").status_code == 403
    assert client.get("/beheer/rapportage/actief.csv").status_code == 403
    someone = resident(world.a)
    db.session.commit()
    other = app.test_client()
    log_in(other, someone.resident)
    assert other.get("/beheer/rapportage").status_code == 403
    # The beheerder of B sees B's figures, none of A's.
    b_admin = app.test_client()
    log_in(b_admin, world.admin_b)
    got = tables(b_admin)
    # r2 is in both dossiers' organisations: counted for A and for B.
    assert got["actief"] == sorted(
        [[world.last_month, world.b.name, "1"], [world.this_month, world.b.name, "2"]]
    )
    assert got["documenten"] == [[world.this_month, world.b.name, "1", "0", "100"]]
    assert all(row[1] == world.b.name for rows in got.values() for row in rows)
