"""Log in through the real DigiD flow against the built-in test IdP (for any test).

    from tests.digid import login_as
    response = login_as(client, "999993653")          # needs the live_server fixture running

The ArtifactResolve goes over real HTTP to the `live_server` fixture, so a test using login_as must
request `live_server` (the `resident_client` fixture does). The test client itself may use any
host: every URL the flow produces is turned into a path on the same app."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.demo import DEMO_RESIDENTS
from tests.login import log_in


def local(url: str) -> str:
    """An absolute URL on this app as path + query (the test client keeps its own host)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def start_login(client: FlaskClient, next_path: str = "/") -> TestResponse:
    """GET /inloggen/digid and follow the redirect to the test IdP's page (with the form)."""
    start = client.get("/inloggen/digid", query_string={"next": next_path})
    assert start.status_code in (302, 303), start.status_code
    page = client.get(local(start.headers["Location"]))
    assert page.status_code == 200, page.status_code
    return page


def idp_form(page: TestResponse) -> dict[str, str]:
    """The hidden fields of the test IdP form (csrf_token, pending)."""
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    form = soup.find("form", action="/test-idp/sso")
    assert form is not None, "no test IdP form"
    return {
        str(i["name"]): str(i.get("value", ""))
        for i in form.find_all("input", type="hidden")  # type: ignore[union-attr]
    }


def choose(
    client: FlaskClient,
    page: TestResponse,
    bsn: str,
    level: str = "midden",
    action: str = "login",
) -> TestResponse:
    """POST the choice at the test IdP; returns the 303 to the ACS (SAMLart + RelayState)."""
    data = idp_form(page)
    data.update({"bsn": bsn, "other_bsn": "", "level": level, "action": action})
    return client.post("/test-idp/sso", data=data)


def login_as(
    client: FlaskClient,
    bsn: str,
    level: str = "midden",
    *,
    next_path: str = "/",
    follow: bool = True,
) -> TestResponse:
    """Log in as `bsn` through the whole DigiD flow. Returns the final page (follow=True) or the
    ACS response itself (follow=False)."""
    page = start_login(client, next_path)
    to_acs = choose(client, page, bsn, level)
    assert to_acs.status_code in (302, 303), to_acs.status_code
    return client.get(local(to_acs.headers["Location"]), follow_redirects=follow)


@pytest.fixture
def resident_client(app: Flask, client: FlaskClient, seeded: None) -> Iterator[FlaskClient]:
    """A test client logged in as the first demo resident (Jan de Vries), without the DigiD
    round trip (tests/login.py); the login tests use `login_as`."""
    log_in(client, DEMO_RESIDENTS[0].bsn)
    yield client


def acs_params(to_acs: TestResponse) -> dict[str, str]:
    """SAMLart and RelayState from the test IdP's redirect to the ACS."""
    from urllib.parse import parse_qs

    assert to_acs.status_code in (302, 303), to_acs.status_code
    query = parse_qs(urlsplit(to_acs.headers["Location"]).query)
    return {key: values[0] for key, values in query.items()}


def is_logged_in(client: FlaskClient) -> bool:
    """True when GET / shows the overview instead of sending the browser to /inloggen."""
    response = client.get("/")
    return response.status_code == 200


def acs(client: FlaskClient, samlart: str | None, relay: str | None) -> TestResponse:
    """GET the real ACS with this artifact and RelayState (None leaves a parameter out)."""
    query = {}
    if samlart is not None:
        query["SAMLart"] = samlart
    if relay is not None:
        query["RelayState"] = relay
    return client.get("/saml/acs", query_string=query)


def assert_refused(response: TestResponse, client: FlaskClient, status: int = 400) -> str:
    """A kind page with this status that passes the page invariants, shows no BSN, and nobody
    is logged in afterwards. Returns the page text."""
    from app.demo import DEMO_RESIDENTS
    from tests.html import check_page, text_of

    assert response.status_code == status, response.status_code
    soup = check_page(response.get_data())
    text = text_of(soup)
    for resident in DEMO_RESIDENTS:
        assert resident.bsn not in text
    assert not is_logged_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    return text
