"""Logout: always local; with DigiD single sign-on (SAML_SINGLE_LOGOUT) also the signed Redirect
LogoutRequest to DigiD and its Redirect LogoutResponse back, and DigiD's signed SOAP
LogoutRequest that ends every session of that BSN (design 1.9, 2.5)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from saml2.xmldsig import SIG_RSA_SHA1, SIG_RSA_SHA256

from app.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS
from app.testidp import idp
from tests import forge
from tests.digid import is_logged_in, local, login_as
from tests.html import check_page, text_of

JAN, PIET = DEMO_RESIDENTS[0], DEMO_RESIDENTS[1]
SOAP = {"soap": "http://schemas.xmlsoap.org/soap/envelope/"}

pytestmark = pytest.mark.usefixtures("seeded", "live_server")


@pytest.fixture
def single_logout(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(app.config, "SAML_SINGLE_LOGOUT", True)
    yield


def post_logout(client: FlaskClient, page_html: bytes) -> str:
    """Press 'log out' on a page; the Location it sends the browser to."""
    csrf = check_page(page_html).select_one('form[action="/uitloggen"] input[name="csrf_token"]')
    assert csrf is not None
    response = client.post("/uitloggen", data={"csrf_token": csrf["value"]})
    assert response.status_code == 303
    return str(response.headers["Location"])


def test_without_single_logout_the_logout_is_local(client: FlaskClient) -> None:
    page = login_as(client, JAN.bsn)
    assert post_logout(client, page.get_data()) == "/uitgelogd"
    assert not is_logged_in(client)


def test_a_copied_session_cookie_stops_working_at_logout(app: Flask, client: FlaskClient) -> None:
    page = login_as(client, JAN.bsn)
    cookie = client.get_cookie("mo_session")
    assert cookie is not None
    post_logout(client, page.get_data())
    thief = app.test_client()
    thief.set_cookie("mo_session", cookie.value)
    assert not is_logged_in(thief)


def test_single_logout_round_trip(client: FlaskClient, single_logout: None) -> None:
    page = login_as(client, JAN.bsn)
    to_idp = post_logout(client, page.get_data())
    # Logged out here before DigiD has even answered.
    assert not is_logged_in(client)
    parts = urlsplit(to_idp)
    assert parts.path == "/test-idp/slo"
    query = parse_qs(parts.query)
    assert set(query) >= {"SAMLRequest", "SigAlg", "Signature"}
    assert query["SigAlg"] == [SIG_RSA_SHA256]
    # The test IdP checks the query-string signature and answers with a signed LogoutResponse.
    back = client.get(local(to_idp))
    assert back.status_code == 303
    assert urlsplit(back.headers["Location"]).path == "/saml/slo/redirect"
    done = client.get(local(back.headers["Location"]))
    assert done.status_code == 303 and done.headers["Location"] == "/uitgelogd"
    check_page(client.get("/uitgelogd").get_data())
    # The answer works once: the request id is used up.
    again = client.get(local(back.headers["Location"]))
    assert again.status_code == 400
    check_page(again.get_data())


def test_digid_may_answer_with_rsa_sha1(client: FlaskClient, single_logout: None) -> None:
    to_idp = post_logout(client, login_as(client, JAN.bsn).get_data())
    back = forge.logout_response_location(to_idp, SIG_RSA_SHA1)
    assert "rsa-sha1" in back
    done = client.get(local(back))
    assert done.status_code == 303 and done.headers["Location"] == "/uitgelogd"


@pytest.mark.parametrize("change", ["signature", "response", "unsigned", "sigalg"])
def test_a_tampered_logout_response_is_not_confirmed(
    client: FlaskClient, single_logout: None, change: str
) -> None:
    to_idp = post_logout(client, login_as(client, JAN.bsn).get_data())
    back = forge.logout_response_location(to_idp, SIG_RSA_SHA256)
    parts = urlsplit(back)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if change == "signature":
        # Change the first character for sure (it is "A" one time in 64).
        first = "B" if query["Signature"][0] == "A" else "A"
        query["Signature"] = first + query["Signature"][1:]
    elif change == "response":
        query["SAMLResponse"] = query["SAMLResponse"][:-4] + "AAA="
    elif change == "unsigned":
        del query["Signature"], query["SigAlg"]
    else:
        query["SigAlg"] = "http://www.w3.org/2000/09/xmldsig#dsa-sha1"
    response = client.get(f"{parts.path}?{urlencode(query)}")
    assert response.status_code == 400
    text = text_of(check_page(response.get_data()))
    assert "DigiD" in text
    assert not is_logged_in(client)


def test_logout_response_without_our_request(client: FlaskClient, single_logout: None) -> None:
    """An answer carried over to another browser does not confirm anything there."""
    to_idp = post_logout(client, login_as(client, JAN.bsn).get_data())
    back = forge.logout_response_location(to_idp, SIG_RSA_SHA256)
    other = client.application.test_client()
    assert other.get(local(back)).status_code == 400


def test_test_idp_refuses_an_unsigned_logout_request(
    client: FlaskClient, single_logout: None
) -> None:
    to_idp = post_logout(client, login_as(client, JAN.bsn).get_data())
    query = {k: v[0] for k, v in parse_qs(urlsplit(to_idp).query).items()}
    del query["Signature"], query["SigAlg"]
    response = client.get("/test-idp/slo?" + urlencode(query))
    assert response.status_code == 400
    check_page(response.get_data())


def test_soap_logout_ends_every_session_of_that_bsn(app: Flask, live_server: str) -> None:
    """DigiD's SOAP LogoutRequest (over real HTTP) ends Jan's sessions on both of his devices
    and answers with a signed LogoutResponse; Piet stays logged in."""
    phone, laptop, piet = (app.test_client() for _ in range(3))
    login_as(phone, JAN.bsn)
    login_as(laptop, JAN.bsn)
    login_as(piet, PIET.bsn)
    request_id, envelope = idp.soap_logout_request(JAN.bsn)
    answer = requests.post(
        f"{live_server}/saml/slo/soap",
        data=envelope.encode(),
        headers={"Content-Type": "text/xml"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert idp.check_soap_logout_response(answer.content, request_id)
    assert not is_logged_in(phone)
    assert not is_logged_in(laptop)
    assert is_logged_in(piet)


def test_soap_logout_for_someone_without_a_dossier_is_still_answered(
    client: FlaskClient,
) -> None:
    request_id, envelope = idp.soap_logout_request(DEMO_BSN_WITHOUT_DOSSIER)
    answer = client.post("/saml/slo/soap", data=envelope, content_type="text/xml")
    assert answer.status_code == 200
    assert idp.check_soap_logout_response(answer.get_data(), request_id)


@pytest.mark.parametrize("body", [b"", b"garbage", b"<a/>"], ids=["empty", "not-xml", "no-request"])
def test_soap_logout_garbage_is_a_fault(client: FlaskClient, body: bytes) -> None:
    login_as(client, JAN.bsn)
    answer = client.post("/saml/slo/soap", data=body, content_type="text/xml")
    assert answer.status_code == 500
    fault = etree.fromstring(answer.get_data()).xpath(
        "//soap:Fault/faultcode/text()", namespaces=SOAP
    )
    assert fault == ["soapenv:Client"]
    assert is_logged_in(client)


def test_soap_logout_with_another_sector_is_a_fault(client: FlaskClient) -> None:
    login_as(client, JAN.bsn)
    _, envelope = idp.soap_logout_request(JAN.bsn, sector="s00000001")
    answer = client.post("/saml/slo/soap", data=envelope, content_type="text/xml")
    assert answer.status_code == 500
    assert is_logged_in(client)
