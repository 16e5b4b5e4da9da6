"""The resident overview, logged in through the real DigiD flow, asserted on rendered HTML."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.demo import DEMO_RESIDENTS
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request
from tests.login import log_in

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)


@pytest.fixture
def overview(app: Flask, seeded: None, live_server: str, client: FlaskClient):  # type: ignore[no-untyped-def]
    def open_as(bsn: str):  # type: ignore[no-untyped-def]
        log_in(client, bsn)
        response = client.get("/")
        assert response.status_code == 200
        return check_page(response.data)

    return open_as


def lit(soup) -> list[str]:  # type: ignore[no-untyped-def]
    return [li["class"][0] for li in soup.select("ol.light li.on")]


def test_anonymous_goes_to_login(client: FlaskClient, app: Flask) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen")


def test_red_resident_sees_what_to_do_first(overview) -> None:  # type: ignore[no-untyped-def]
    soup = overview(RED)
    assert text_of(soup.h1) == "Er is iets dat u moet doen"
    assert soup.title.get_text().startswith("Er is iets dat u moet doen")
    assert lit(soup) == ["light-red"], "only the current dot is lit"
    assert "Actie nodig van u" in text_of(soup.select_one("ol.light"))
    assert text_of(soup.select_one(".light-now")) == "Uw dossier is rood: u moet 2 dingen doen."
    now = text_of(soup.select_one(".now"))
    assert "Uitkeringsspecificatie van oktober sturen" in now
    assert "Schuldhulpverlening Rijnstreek" in now
    # Deadline in Dutch long form: weekday, day, month (and the year when it is not this one).
    assert re.search(
        r"Uiterlijk (maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) "
        r"\d{1,2} [a-z]+( \d{4})?\.",
        now,
    )
    mine = soup.select("#voor-u ~ ul.todo > li")
    assert [text_of(li.select_one(".what")) for li in mine] == [
        "Uitkeringsspecificatie van oktober sturen",
        "Bankafschrift van november sturen",
    ]
    assert "Gevraagd door Schuldhulpverlening Rijnstreek." in text_of(mine[0])
    theirs = soup.select("#voor-org ~ ul.todo > li")
    assert "Gemeente Rijnstad is hiermee bezig. U hoeft niets te doen." in text_of(theirs[0])
    for li in mine + theirs:
        assert li["data-speak"].endswith("."), "every item has a spoken sentence"
    news = soup.select("#nieuws ~ ul.todo > li")
    assert news and "Door P. Jansen, Gemeente Rijnstad" in text_of(news[0])


def test_overdue_is_said_in_words(overview) -> None:  # type: ignore[no-untyped-def]
    soup = overview(OVERDUE)
    assert lit(soup) == ["light-red"]
    assert "Er is iets te laat." in text_of(soup.select_one(".light-now"))
    now = text_of(soup.select_one(".now"))
    assert "Bankafschrift van september sturen" in now
    assert "Dit is te laat." in now
    late = soup.select("#voor-u ~ ul.todo .late")
    assert len(late) == 1 and text_of(late[0]).startswith("Te laat:")


def test_orange_resident_has_nothing_to_do(overview) -> None:  # type: ignore[no-untyped-def]
    soup = overview(ORANGE)
    assert lit(soup) == ["light-orange"]
    assert text_of(soup.h1) == "Wij zijn bezig met uw dossier"
    assert "U hoeft nu niets te doen" in text_of(soup.select_one(".now"))
    assert "U hoeft niets te doen." in text_of(soup.select_one("#voor-u").parent)


def test_green_resident_is_done(overview) -> None:  # type: ignore[no-untyped-def]
    soup = overview(GREEN)
    assert lit(soup) == ["light-green"]
    assert text_of(soup.h1) == "Alles is in orde"
    assert soup.select("#voor-u ~ ul.todo") == []


def test_long_history_shows_only_the_latest_news(overview) -> None:  # type: ignore[no-untyped-def]
    soup = overview(LONG)
    assert len(soup.select("#nieuws ~ ul.todo > li")) == 3


def test_read_aloud_buttons_are_made_by_js_only(overview) -> None:  # type: ignore[no-untyped-def]
    # No button in the HTML: without JS, speech or a voice nothing shows, not even in w3m.
    soup = overview(RED)
    box = soup.select_one("[data-readaloud]")
    assert box is not None and not box.contents and box["data-readaloud"] == "Lees voor"


def test_header_names_the_resident_and_offers_logout(overview) -> None:  # type: ignore[no-untyped-def]
    soup = overview(RED)
    header = soup.select_one("header")
    assert "Ingelogd als J. de Vries" in text_of(header)
    form = header.select_one("form")
    assert form["method"] == "post" and form["action"] == "/uitloggen"
    assert form.select_one("input[name=csrf_token]")["value"]


def test_htmx_request_gets_the_fragment(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    log_in(client, RED)
    response = client.get("/", headers=fragment_request("/", target="overzicht"))
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert b"<html" not in response.data
    check_page(response.data, partial=True)


def test_english_when_the_resident_chooses_it(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    log_in(client, RED)
    page = check_page(client.get("/").data)
    token = page.select_one("footer form input[name=csrf_token]")["value"]
    response = client.post("/taal", data={"lang": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 303
    soup = check_page(client.get("/").data)
    assert soup.html["lang"] == "en"
    assert text_of(soup.h1) == "There is something you need to do"
