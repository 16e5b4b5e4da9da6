"""The staff login does not tell who exists: an unknown e-mail address is refused and locked
exactly like a known one (same answer, same database work), failures are also counted per
source address, and a beheerder can lift a lock."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import clock
from app.extensions import db
from app.services import staff_auth
from app.services.staff_auth import MAX_ADDRESS_FAILURES, MAX_FAILURES
from tests.html import check_page, text_of
from tests.querycount import count_queries
from tests.staff.conftest import JANSEN, VISSER, csrf, login_staff, post_login, staff

pytestmark = pytest.mark.usefixtures("seeded")
UNKNOWN = "niemand@gemeente-rijnstad.example.nl"


def refusal(html: bytes) -> str:
    summary = check_page(html).select_one(".error-summary")
    assert summary is not None
    return text_of(summary)


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture(autouse=True)
def generous_rate_limit(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    # The per-minute limiter is a separate layer (tested in test_login.py); here it would
    # answer 429 before the database lockout is reached.
    monkeypatch.setitem(app.config, "STAFF_LOGIN_RATE_LIMIT", "1000 per minute")


def test_unknown_and_known_addresses_get_the_same_answers(app: Flask) -> None:
    known, unknown = from_address(app, "192.0.2.1"), from_address(app, "192.0.2.2")
    for attempt in range(MAX_FAILURES + 1):
        a = post_login(known, JANSEN, password="wrong-password")
        b = post_login(unknown, UNKNOWN, password="wrong-password")
        assert a.status_code == b.status_code == 200
        assert refusal(a.data) == refusal(b.data), f"attempt {attempt + 1}"
    # Both are locked now, with the same 'wait' message.
    assert str(staff_auth.LOCK_MINUTES) in refusal(b.data)


def test_a_wrong_password_costs_the_same_database_work_for_known_and_unknown(
    app: Flask,
) -> None:
    known, unknown = from_address(app, "192.0.2.3"), from_address(app, "192.0.2.4")
    # Warm up both clients (session, CSRF) so only the login itself is counted.
    post_login(known, JANSEN, password="wrong-password")
    post_login(unknown, UNKNOWN, password="wrong-password")
    counts = []
    for client, email in ((known, JANSEN), (unknown, UNKNOWN)):
        token = csrf(client, "/medewerker/inloggen")
        with count_queries(db.engine) as counter:
            client.post(
                "/medewerker/inloggen",
                data={"csrf_token": token, "email": email, "password": "wrong", "code": "1"},
            )
        counts.append([s.split()[0].upper() for s in counter.statements])
    assert counts[0] == counts[1]


def test_failures_are_also_counted_per_source_address(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MAX_ADDRESS_FAILURES > MAX_FAILURES
    # Fewer attempts than in production keep the test quick; the rule is the same.
    monkeypatch.setattr(staff_auth, "MAX_ADDRESS_FAILURES", MAX_FAILURES + 1)
    attacker = from_address(app, "198.51.100.66")
    for i in range(MAX_FAILURES + 1):
        # A different (made-up) account each time: no single account reaches its limit.
        post_login(attacker, f"gok{i}@example.nl", password="wrong-password")
    blocked = post_login(attacker, JANSEN)
    assert blocked.status_code == 200
    assert str(staff_auth.LOCK_MINUTES) in refusal(blocked.data)
    assert not staff_auth.is_locked(staff(JANSEN), clock.now()), "the account itself is not"
    # The real P. Jansen, at the office, is not locked out by it.
    office = from_address(app, "203.0.113.10")
    assert post_login(office, JANSEN).status_code == 303


def test_a_beheerder_lifts_the_lock(app: Flask, client: FlaskClient) -> None:
    worker = from_address(app, "192.0.2.20")
    for _ in range(MAX_FAILURES):
        post_login(worker, JANSEN, password="wrong-password")
    assert staff_auth.is_locked(staff(JANSEN), clock.now())
    login_staff(client, VISSER)
    url = f"/beheer/medewerker/{staff(JANSEN).id}"
    page = check_page(client.get(url).data)
    form = page.select_one(f"form[action='{url}/ontgrendelen']")
    assert form is not None and text_of(form.button) == "Blokkade opheffen"
    lifted = client.post(f"{url}/ontgrendelen", data={"csrf_token": csrf(client, url)})
    assert lifted.status_code == 303
    assert "kan weer inloggen" in text_of(check_page(client.get(url).data))
    assert not staff_auth.is_locked(staff(JANSEN), clock.now())
    member = staff(JANSEN)
    member.totp_last_step = 0
    db.session.commit()
    assert post_login(worker, JANSEN).status_code == 303
