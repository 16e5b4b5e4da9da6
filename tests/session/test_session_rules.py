"""Session rules: 15 idle minutes end a session, a warning offers to stay, an absolute maximum,
polls do not count as activity, and typed text survives an expired POST. Time is moved with
time-machine; nothing sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from app.demo import DEMO_RESIDENTS
from app.services import sessions
from tests.digid import login_as
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request

RED = DEMO_RESIDENTS[0].bsn


@pytest.fixture
def logged_in(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> Iterator[datetime]:
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        login_as(client, RED)
        assert client.get("/").status_code == 200
    yield start


def at(start: datetime, minutes: float) -> time_machine.travel:
    return time_machine.travel(start + timedelta(minutes=minutes), tick=False)


def test_activity_keeps_the_session(client: FlaskClient, logged_in: datetime) -> None:
    for minute in (14, 28, 42):
        with at(logged_in, minute):
            assert client.get("/").status_code == 200


def test_fifteen_idle_minutes_end_the_session(client: FlaskClient, logged_in: datetime) -> None:
    with at(logged_in, 14.9):
        assert client.get("/toegankelijkheid").status_code == 200
    with at(logged_in, 14.9 + 15):
        response = client.get("/")
        assert response.status_code == 303
        assert response.headers["Location"] == "/sessie-verlopen"
        page = check_page(client.get("/sessie-verlopen").data)
        assert text_of(page.h1) == "U bent uitgelogd voor uw veiligheid"
        again = client.get("/")
        assert again.status_code == 302 and again.headers["Location"].startswith("/inloggen")


def test_a_background_poll_is_not_activity(client: FlaskClient, logged_in: datetime) -> None:
    poll = {**fragment_request("/", target="overzicht"), "X-Poll": "1"}
    with at(logged_in, 10):
        assert client.get("/", headers=poll).status_code == 200
    with at(logged_in, 15):
        response = client.get("/", headers=poll)
        assert response.status_code == 204
        assert response.headers["HX-Redirect"] == "/sessie-verlopen"


def test_absolute_maximum(app: Flask, client: FlaskClient, logged_in: datetime) -> None:
    limit = app.config["SESSION_MAX_HOURS"] * 60
    minute = 0
    while minute + 10 < limit:
        minute += 10
        with at(logged_in, minute):
            assert client.get("/").status_code == 200
    with at(logged_in, limit):
        assert client.get("/").status_code == 303


def test_warning_and_stay_logged_in(client: FlaskClient, logged_in: datetime) -> None:
    with at(logged_in, 1):
        soup = check_page(client.get("/").data)
    box = soup.select_one("[data-session-left]")
    assert box is not None and box["role"] == "alert"
    assert int(box["data-session-left"]) == 15 * 60
    # In a script element, which text browsers do not show (a <template>'s content they do).
    script = soup.select_one("script[type='text/html']#session-warning-text")
    assert script is not None
    form = BeautifulSoup(script.string or "", "html.parser").select_one("form")
    assert form is not None
    assert form["method"] == "post" and form["action"] == "/sessie/verlengen"
    token = form.select_one("input[name=csrf_token]")["value"]
    with at(logged_in, 13):
        plain = client.post("/sessie/verlengen", data={"csrf_token": token, "next": "/"})
        assert plain.status_code == 303 and plain.headers["Location"] == "/"
    with at(logged_in, 27):
        # What static/js/app.js sends: its own fetch, with only this header.
        htmx = client.post(
            "/sessie/verlengen", data={"csrf_token": token}, headers={"HX-Request": "true"}
        )
        assert htmx.status_code == 204
    with at(logged_in, 41):
        assert client.get("/").status_code == 200


def test_typed_text_survives_an_expired_post(
    app: Flask, client: FlaskClient, logged_in: datetime
) -> None:
    with at(logged_in, 1):
        token = check_page(client.get("/").data).select_one("input[name=csrf_token]")["value"]
    with at(logged_in, 30):
        response = client.post(
            "/sessie/verlengen",
            data={"csrf_token": token, "next": "/", "message": "Mijn vraag over de huur"},
        )
        assert response.status_code == 303
        assert response.headers["Location"] == "/sessie-verlopen"
        page = check_page(client.get("/sessie-verlopen").data)
        assert "Wat u had getypt is bewaard." in text_of(page.main)
        with client.session_transaction() as s:
            rescued = s["rescued_form"]
        assert rescued["path"] == "/sessie/verlengen"
        assert rescued["fields"]["message"] == "Mijn vraag over de huur"
        assert "csrf_token" not in rescued["fields"]


def test_take_rescued_gives_the_fields_once(app: Flask) -> None:
    with app.test_request_context("/x"):
        from flask import session

        session["rescued_form"] = {"path": "/vragen/nieuw", "fields": {"text": "hallo"}}
        assert sessions.take_rescued("/andere-pagina") == {}
        assert sessions.take_rescued("/vragen/nieuw") == {"text": "hallo"}
        assert sessions.take_rescued("/vragen/nieuw") == {}
