"""DigiD login against the built-in test IdP: the happy paths and logout."""

from __future__ import annotations

import base64
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from saml2.xmldsig import SIG_RSA_SHA256

from app.demo import DEMO_RESIDENTS, DemoResident
from app.digid import levels
from app.extensions import db
from app.models.saml import SamlOutstandingRequest
from tests.digid import login_as
from tests.html import check_page, text_of


@pytest.mark.parametrize("resident", DEMO_RESIDENTS, ids=lambda r: r.first_name)
def test_each_demo_resident_logs_in(
    client: FlaskClient, seeded: None, live_server: str, resident: DemoResident
) -> None:
    response = login_as(client, resident.bsn)
    assert response.status_code == 200
    assert response.request.path == "/"
    soup = check_page(response.get_data())
    assert resident.last_name in text_of(soup)


def test_login_page_explains_digid(client: FlaskClient, app: Flask) -> None:
    response = client.get("/inloggen", query_string={"next": "/tijdlijn"})
    assert response.status_code == 200
    soup = check_page(response.get_data())
    text = text_of(soup)
    assert "DigiD" in text
    assert "Midden" in text
    assert app.config["HELP_PHONE"] in text
    # Without DigiD: call or come by, with the opening hours.
    assert text.count(app.config["HELP_HOURS"]) >= 2
    button = soup.select_one("a.button#digid-login")
    assert button is not None
    assert button["href"] == "/inloggen/digid?next=/tijdlijn"
    # DigiD is the only way in: no password or BSN fields on the login page.
    assert not soup.select("input:not([type=hidden])")


def test_authn_request_is_signed_and_digid_shaped(client: FlaskClient, app: Flask) -> None:
    response = client.get("/inloggen/digid", query_string={"next": "/"})
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == app.config["SAML_SP_BASE_URL"]
    assert location.path == "/test-idp/sso"
    query = parse_qs(location.query)
    assert set(query) == {"SAMLRequest", "RelayState", "SigAlg", "Signature"}
    assert query["SigAlg"] == [SIG_RSA_SHA256]
    assert len(query["RelayState"][0]) <= 80
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    request = etree.fromstring(xml)
    assert request.get("AssertionConsumerServiceIndex") == "0"
    assert request.get("ProtocolBinding") is None
    assert request.get("AssertionConsumerServiceURL") is None
    ns = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol"}
    (context,) = request.xpath("samlp:RequestedAuthnContext", namespaces=ns)
    assert context.get("Comparison") == "minimum"
    assert "".join(context.itertext()).strip() == levels.MIDDEN
    outstanding = db.session.get(SamlOutstandingRequest, request.get("ID"))
    assert outstanding is not None and outstanding.requested_level == levels.MIDDEN


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_next_cannot_leave_the_site(
    client: FlaskClient, seeded: None, live_server: str, next_path: str
) -> None:
    response = login_as(client, DEMO_RESIDENTS[0].bsn, next_path=next_path, follow=False)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_next_path_is_kept(client: FlaskClient, seeded: None, live_server: str) -> None:
    response = login_as(client, DEMO_RESIDENTS[0].bsn, next_path="/?x=1", follow=False)
    assert response.headers["Location"] == "/?x=1"


def test_login_starts_a_new_session(client: FlaskClient, seeded: None, live_server: str) -> None:
    client.get("/inloggen")
    with client.session_transaction() as session:
        session["before_login"] = "stale"
    before = client.get_cookie("mo_session")
    assert before is not None
    response = login_as(client, DEMO_RESIDENTS[0].bsn)
    assert response.status_code == 200
    after = client.get_cookie("mo_session")
    assert after is not None and after.value != before.value
    with client.session_transaction() as session:
        assert "before_login" not in session
        assert session.get("_user_id", "").startswith("r:")


def test_logout_ends_the_session(client: FlaskClient, seeded: None, live_server: str) -> None:
    page = login_as(client, DEMO_RESIDENTS[0].bsn)
    csrf = check_page(page.get_data()).select_one(
        'form[action="/uitloggen"] input[name="csrf_token"]'
    )
    assert csrf is not None
    response = client.post("/uitloggen", data={"csrf_token": csrf["value"]})
    assert response.status_code == 303
    assert response.headers["Location"] == "/uitgelogd"
    check_page(client.get("/uitgelogd").get_data())
    overview = client.get("/")
    assert overview.status_code == 302
    assert urlsplit(overview.headers["Location"]).path == "/inloggen"


def test_logout_needs_csrf_token(client: FlaskClient, seeded: None, live_server: str) -> None:
    login_as(client, DEMO_RESIDENTS[0].bsn)
    response = client.post("/uitloggen")
    assert response.status_code == 400
    assert client.get("/").status_code == 200
