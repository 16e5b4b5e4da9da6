"""Staff login: password + TOTP, one plain message for every wrong part, lockout in the database,
rate limit per address, TOTP enrolment, staff and resident sessions kept apart."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import segno
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from app import clock
from app.demo.staff import DEMO_PASSWORD
from app.extensions import db
from app.services import staff_auth
from app.services.staff_auth import LOCK_MINUTES, MAX_FAILURES
from tests.html import check_page, text_of
from tests.login import log_in
from tests.staff.conftest import (
    BAKKER,
    JAN,
    JANSEN,
    VISSER,
    code_for,
    csrf,
    login_staff,
    post_login,
    staff,
)

pytestmark = pytest.mark.usefixtures("seeded")


def refused_text(response_html: bytes) -> str:
    soup = check_page(response_html)
    summary = soup.select_one(".error-summary")
    assert summary is not None
    return text_of(summary)


def test_login_page_passes_the_page_checks(client: FlaskClient) -> None:
    response = client.get("/medewerker/inloggen")
    assert response.status_code == 200
    soup = check_page(response.data)
    assert soup.select_one("input[name=password][autocomplete=current-password]")
    assert soup.select_one("input[name=code][autocomplete=one-time-code]")


def test_right_password_and_code_log_in(client: FlaskClient) -> None:
    response = post_login(client, JANSEN)
    assert response.status_code == 303
    page = client.get("/medewerker")
    assert page.status_code == 200
    check_page(page.data)
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"s:{staff(JANSEN).id}:")


@pytest.mark.parametrize("wrong", ["password", "code", "email", "all"])
def test_every_wrong_part_gets_the_same_message(client: FlaskClient, wrong: str) -> None:
    right = post_login(client, JANSEN, password="not-the-password", code="000000")
    reference = refused_text(right.data)
    email = "nobody@example.nl" if wrong in ("email", "all") else JANSEN
    password = "wrong-password" if wrong in ("password", "all") else DEMO_PASSWORD
    code = "123456" if wrong in ("code", "all") else None
    if code is None and email != JANSEN:
        code = "123456"
    response = post_login(client, email, password=password, code=code)
    assert response.status_code == 200
    assert refused_text(response.data) == reference
    assert "password" not in reference.lower().split("check")[0]
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_code_works_once(client: FlaskClient, app: Flask) -> None:
    code = code_for(JANSEN)
    assert post_login(client, JANSEN, code=code).status_code == 303
    other = app.test_client()
    assert post_login(other, JANSEN, code=code).status_code == 200


def test_lockout_after_repeated_failures_then_it_lifts(client: FlaskClient) -> None:
    for _ in range(MAX_FAILURES):
        post_login(client, BAKKER, password="wrong-password")
    # Now even the right details are refused, with a message that says wait.
    locked = post_login(client, BAKKER)
    assert locked.status_code == 200
    assert str(LOCK_MINUTES) in refused_text(locked.data)
    assert staff_auth.is_locked(staff(BAKKER), clock.now())
    with time_machine.travel(clock.now() + timedelta(minutes=LOCK_MINUTES + 1), tick=False):
        member = staff(BAKKER)
        member.totp_last_step = 0
        db.session.commit()
        assert post_login(client, BAKKER).status_code == 303


def test_lockout_counts_in_the_database_across_clients(app: Flask) -> None:
    for _ in range(MAX_FAILURES):
        post_login(app.test_client(), BAKKER, password="wrong-password")
    assert staff_auth.is_locked(staff(BAKKER), clock.now())


def test_rate_limit_per_address(app: Flask, client: FlaskClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "STAFF_LOGIN_RATE_LIMIT", "3 per minute")
    statuses = [
        post_login(client, f"nobody{i}@example.nl", password="x").status_code for i in range(4)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429


def test_login_works_with_redis_down(app_overrides: dict[str, object]) -> None:
    """Production uses Redis for the rate limit; with Redis gone the login still answers."""
    from app import create_app
    from app.config import TestConfig
    from app.extensions import limiter

    # One limiter object serves the app; keep the test app's state and put it back afterwards.
    saved = dict(limiter.__dict__)
    try:
        broken = create_app(
            TestConfig, **app_overrides, RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0"
        )
        client = broken.test_client()
        with broken.app_context():
            response = post_login(client, "nobody@example.nl", password="whatever")
        assert response.status_code == 200
        assert b"error-summary" in response.data
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)


def test_login_works_with_a_redis_that_hangs(app_overrides: dict[str, object]) -> None:
    """A Redis that accepts connections and never answers: the login still answers."""
    import socket

    from app import create_app
    from app.config import TestConfig
    from app.extensions import limiter

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    saved = dict(limiter.__dict__)
    try:
        hanging = create_app(
            TestConfig, **app_overrides, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0"
        )
        client = hanging.test_client()
        with hanging.app_context():
            # Without socket timeouts this request would wait on the silent Redis for ever;
            # with them the limiter gives up after half a second and lets the login answer.
            assert hanging.config["RATELIMIT_STORAGE_OPTIONS"]["socket_timeout"] <= 1
            token = csrf(client, "/medewerker/inloggen")
            response = client.post(
                "/medewerker/inloggen",
                data={"csrf_token": token, "email": "x@example.nl", "password": "x", "code": "1"},
            )
        assert response.status_code == 200
    finally:
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)
        silent.close()


def test_login_without_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/medewerker/inloggen",
        data={"email": JANSEN, "password": DEMO_PASSWORD, "code": code_for(JANSEN)},
    )
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_first_login_sets_up_totp_and_a_new_password(client: FlaskClient) -> None:
    member = staff(VISSER)
    password = staff_auth.reset_login(member)
    db.session.commit()
    response = post_login(client, VISSER, password=password, code="")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/medewerker/inloggen/app-instellen")
    page = client.get("/medewerker/inloggen/app-instellen")
    soup = check_page(page.data)
    secret = staff(VISSER).totp_secret
    assert secret
    shown = soup.select_one(".secret").get_text()  # type: ignore[union-attr]
    assert shown == " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert "otpauth://totp/" in text_of(soup)
    # Issue 16: the same address as a QR code (inline SVG with a text alternative).
    qr = soup.select_one("figure.qr[role=img][aria-label] svg path")
    assert qr is not None
    uri = text_of(soup.select_one(".secret-uri"))  # type: ignore[arg-type]
    expected = segno.make(uri, error="m").svg_inline(scale=5, border=4)
    assert f'd="{qr["d"]}"' in expected
    assert soup.select_one("input#password[type=password]")
    token = csrf(client, "/medewerker/inloggen/app-instellen")
    wrong = client.post(
        "/medewerker/inloggen/app-instellen",
        data={
            "csrf_token": token,
            "code": "000000",
            "password": "x" * 12,
            "password_again": "x" * 12,
        },
    )
    assert wrong.status_code == 200
    assert check_page(wrong.data.replace(b"<title>Fout: ", b"<title>")).select(".error-message")
    done = client.post(
        "/medewerker/inloggen/app-instellen",
        data={
            "csrf_token": token,
            "code": pyotp.TOTP(secret).now(),
            "password": "een lang nieuw wachtwoord",
            "password_again": "een lang nieuw wachtwoord",
        },
    )
    assert done.status_code == 303
    assert client.get("/medewerker").status_code == 200
    assert staff(VISSER).totp_confirmed_at is not None


def test_staff_cannot_open_resident_pages_and_residents_cannot_open_staff_pages(
    app: Flask, live_server: str
) -> None:

    staff_client = login_staff(app.test_client(), JANSEN)
    assert staff_client.get("/").status_code == 403
    assert staff_client.get("/documenten").status_code == 403
    resident = app.test_client()
    log_in(resident, JAN)
    assert resident.get("/medewerker").status_code == 403
    assert resident.get("/beheer").status_code == 403


def test_anonymous_staff_pages_go_to_the_staff_login(client: FlaskClient) -> None:
    response = client.get("/medewerker/dossier/1")
    assert response.status_code == 302
    assert "/medewerker/inloggen" in response.headers["Location"]


def test_idle_staff_session_ends_and_goes_back_to_the_staff_login(
    app: Flask, client: FlaskClient
) -> None:
    login_staff(client, JANSEN)
    idle = app.config["SESSION_IDLE_MINUTES"]
    with time_machine.travel(clock.now() + timedelta(minutes=idle + 1), tick=False):
        response = client.get("/medewerker")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/medewerker/inloggen")
    assert client.get("/medewerker").status_code == 302


def test_staff_pages_show_the_session_warning(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    soup = check_page(client.get("/medewerker").data)
    assert soup.select_one("[data-session-left]") is not None
    logout = soup.select_one("header form.who")
    assert logout is not None and logout["action"] == "/medewerker/uitloggen"


def test_logout(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    token = csrf(client, "/medewerker")
    assert client.post("/medewerker/uitloggen", data={"csrf_token": token}).status_code == 303
    assert client.get("/medewerker").status_code == 302


def test_a_copied_session_cookie_stops_working_at_logout(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie(name, cookie.value)
    assert copy.get("/medewerker").status_code == 200
    token = csrf(client, "/medewerker")
    assert client.post("/medewerker/uitloggen", data={"csrf_token": token}).status_code == 303
    assert copy.get("/medewerker").status_code == 302
