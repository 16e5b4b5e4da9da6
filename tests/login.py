"""Start logged in, for the tests that are not about logging in.

The DigiD tests (tests/auth, tests/session) and the staff login tests go through the real flows:
SAML with the test IdP, or password + TOTP. Every other test starts where those flows end: the
same `start_resident_session` / `start_staff_session` the login views call, run in a request made
for the client (or browser) that will use the session, so flask-login's session identifier
matches. That saves the DigiD round trips (and xmlsec1 runs), or the argon2 check, on every test.

    log_in(client, "999993653")                  # a resident, by BSN
    log_in(client, staff_member)                 # a staff member
    cookie = session_cookie(app, resident, user_agent=...)   # for a browser context
"""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask.testing import FlaskClient

from app.models import Resident, StaffMember
from app.services.accounts import resident_for_bsn, start_resident_session
from app.services.staff_auth import start_staff_session


def _user(who: str | Resident | StaffMember) -> Resident | StaffMember:
    if isinstance(who, str):
        resident = resident_for_bsn(who)
        assert resident is not None, f"no resident with BSN {who}"
        return resident
    return who


def _session_after_login(
    app: Flask, user: Resident | StaffMember, environ_base: dict[str, Any]
) -> dict[str, Any]:
    # A fresh app context, as for every request (FreshContextClient): flask-login keeps the
    # user in `g`, which would otherwise outlive this request in the test's long app context.
    with app.app_context(), app.test_request_context(environ_base=environ_base):
        if isinstance(user, StaffMember):
            start_staff_session(user)
        else:
            start_resident_session(user)
        return dict(session)


def log_in(client: FlaskClient, who: str | Resident | StaffMember) -> Resident | StaffMember:
    """The test client is logged in as `who` (a BSN, a resident or a staff member)."""
    user = _user(who)
    data = _session_after_login(client.application, user, client.environ_base)
    with client.session_transaction() as cookie_session:
        cookie_session.clear()
        cookie_session.update(data)
    return user


def session_cookie(
    app: Flask, who: str | Resident | StaffMember, *, user_agent: str
) -> dict[str, Any]:
    """A logged-in session cookie for a browser (Playwright's add_cookies shape) on the app's
    loopback server, made for that browser's User-Agent."""
    user = _user(who)
    data = _session_after_login(
        app, user, {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": user_agent}
    )
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    return {
        "name": app.config["SESSION_COOKIE_NAME"],
        "value": serializer.dumps(data),
        "domain": "127.0.0.1",
        "path": "/",
        "httpOnly": True,
        "sameSite": "Lax",
    }
