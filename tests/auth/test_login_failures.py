"""Every way a DigiD login can go wrong ends on a plain-language 4xx page, never a 500, and
nobody is logged in afterwards."""

from __future__ import annotations

import base64
import logging
import os
from datetime import timedelta
from hashlib import sha1
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from saml2 import samlp
from saml2.httpbase import ConnectionError as SamlConnectionError
from saml2.httpbase import HTTPError

from app import clock
from app.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS
from app.digid import levels
from app.digid.sp import NS, SESSION_KEY, entities
from app.extensions import db
from app.models.saml import SamlOutstandingRequest, TestIdpArtifact
from app.testidp import idp
from tests.digid import (
    acs,
    acs_params,
    assert_refused,
    choose,
    idp_form,
    is_logged_in,
    login_as,
    start_login,
)
from tests.html import check_page, text_of

JAN = DEMO_RESIDENTS[0]
DS = "http://www.w3.org/2000/09/xmldsig#"

pytestmark = pytest.mark.usefixtures("seeded", "live_server")


def pending_login(client: FlaskClient) -> tuple[idp.Pending, str]:
    """Start a login and return the test IdP's pending request and the RelayState."""
    page = start_login(client)
    pending = idp.load_pending(idp_form(page)["pending"])
    return pending, pending.relay_state


def artifact_for(client: FlaskClient, bsn: str = JAN.bsn, level: str = "midden") -> dict[str, str]:
    page = start_login(client)
    return acs_params(choose(client, page, bsn, level))


def log_out(client: FlaskClient) -> None:
    page = client.get("/uitgelogd")
    csrf = check_page(page.get_data()).select_one('input[name="csrf_token"]')
    assert csrf is not None
    assert client.post("/uitloggen", data={"csrf_token": csrf["value"]}).status_code == 303


@pytest.mark.parametrize(
    "samlart",
    [
        "",
        "garbage",
        "!!!not-base64!!!",
        base64.b64encode(b"\x00\x04" + b"x" * 20).decode(),
        "A" * 500,
    ],
)
def test_garbage_artifact(client: FlaskClient, samlart: str) -> None:
    _, relay = pending_login(client)
    assert_refused(acs(client, samlart, relay), client)


def test_unknown_artifact(client: FlaskClient, app: Flask) -> None:
    _, relay = pending_login(client)
    source = sha1(idp.idp_entity_id(app.config).encode()).digest()
    art = base64.b64encode(b"\x00\x04\x00\x00" + source + os.urandom(20)).decode()
    assert_refused(acs(client, art, relay), client)


def test_tampered_artifact(client: FlaskClient) -> None:
    params = artifact_for(client)
    raw = bytearray(base64.b64decode(params["SAMLart"]))
    raw[-1] ^= 0xFF
    assert_refused(acs(client, base64.b64encode(bytes(raw)).decode(), params["RelayState"]), client)
    raw[10] ^= 0xFF  # the SourceID: no known IdP
    assert_refused(acs(client, base64.b64encode(bytes(raw)).decode(), params["RelayState"]), client)


def test_same_artifact_twice(client: FlaskClient) -> None:
    params = artifact_for(client)
    first = acs(client, params["SAMLart"], params["RelayState"])
    assert first.status_code == 303
    log_out(client)
    assert_refused(acs(client, params["SAMLart"], params["RelayState"]), client)


def test_missing_relay_state(client: FlaskClient) -> None:
    params = artifact_for(client)
    assert_refused(acs(client, params["SAMLart"], None), client)


@pytest.mark.parametrize("change", ["path", "signature", "open-redirect"])
def test_tampered_relay_state(client: FlaskClient, change: str) -> None:
    params = artifact_for(client)
    path, _, signature = params["RelayState"].rpartition(".")
    relay = {
        "path": f"/anders.{signature}",
        "signature": f"{path}.{'A' * len(signature)}",
        "open-redirect": f"https://evil.example/.{signature}",
    }[change]
    assert_refused(acs(client, params["SAMLart"], relay), client)


def test_relay_state_of_another_login(client: FlaskClient) -> None:
    """A valid RelayState, but not the one sent with this AuthnRequest."""
    other = acs_params(choose(client, start_login(client, "/anders"), JAN.bsn))
    params = artifact_for(client)
    assert_refused(acs(client, params["SAMLart"], other["RelayState"]), client)


def test_cancelled_login(client: FlaskClient) -> None:
    page = start_login(client)
    params = acs_params(choose(client, page, JAN.bsn, action="cancel"))
    response = acs(client, params["SAMLart"], params["RelayState"])
    text = assert_refused(response, client, 403)
    assert "cancelled" in text or "afgebroken" in text
    soup = check_page(response.get_data())
    again = soup.select_one("a#try-again")
    assert again is not None and again["href"] == "/inloggen"


def test_level_too_low(client: FlaskClient) -> None:
    params = artifact_for(client, level="basis")
    text = assert_refused(acs(client, params["SAMLart"], params["RelayState"]), client, 403)
    assert "Midden" in text


def test_higher_level_is_fine(client: FlaskClient) -> None:
    params = artifact_for(client, level="substantieel")
    assert acs(client, params["SAMLart"], params["RelayState"]).status_code == 303
    assert is_logged_in(client)


def test_no_authn_context(client: FlaskClient) -> None:
    pending, relay = pending_login(client)
    art = idp.store_artifact(idp.error_response(pending, samlp.STATUS_NO_AUTHN_CONTEXT))
    assert_refused(acs(client, art, relay), client, 403)


def test_bsn_without_dossier(client: FlaskClient, app: Flask) -> None:
    response = login_as(client, DEMO_BSN_WITHOUT_DOSSIER)
    assert response.status_code == 200
    soup = check_page(response.get_data())
    text = text_of(soup)
    assert app.config["HELP_PHONE"] in text
    assert DEMO_BSN_WITHOUT_DOSSIER not in text
    assert not is_logged_in(client)


def test_wrong_sector(client: FlaskClient) -> None:
    pending, relay = pending_login(client)
    xml = idp.login_response(pending, JAN.bsn, levels.MIDDEN, sector="s00000001")
    assert_refused(acs(client, idp.store_artifact(xml), relay), client)


def test_tampered_assertion(client: FlaskClient) -> None:
    pending, relay = pending_login(client)
    xml = idp.login_response(pending, DEMO_RESIDENTS[1].bsn, levels.MIDDEN)
    assert DEMO_RESIDENTS[1].bsn in xml
    tampered = xml.replace(DEMO_RESIDENTS[1].bsn, JAN.bsn)
    assert_refused(acs(client, idp.store_artifact(tampered), relay), client)


def test_assertion_replayed_with_a_new_artifact(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    params = artifact_for(client)
    stored = db.session.get(TestIdpArtifact, params["SAMLart"])
    assert stored is not None
    response_xml = stored.response_xml
    assert acs(client, params["SAMLart"], params["RelayState"]).status_code == 303
    log_out(client)
    # The request id is used up, so the replay is refused ...
    assert_refused(acs(client, idp.store_artifact(response_xml), params["RelayState"]), client)
    # ... and so it is by the assertion-id cache, even if the request were still outstanding.
    request_id = response_xml.split('InResponseTo="', 1)[1].split('"', 1)[0]
    db.session.add(
        SamlOutstandingRequest(
            request_id=request_id,
            came_from="/",
            requested_level=levels.MIDDEN,
            expires_at=clock.now() + timedelta(minutes=5),
        )
    )
    db.session.commit()
    with client.session_transaction() as session:
        session[SESSION_KEY] = [request_id]
    assert_refused(acs(client, idp.store_artifact(response_xml), params["RelayState"]), client)
    assert "assertion replayed" in caplog.text


def test_artifact_from_another_browser(client: FlaskClient, app: Flask) -> None:
    """Login CSRF: an attacker's own artifact must not log the victim in as the attacker."""
    attacker = app.test_client()
    page = start_login(attacker)
    params = acs_params(choose(attacker, page, JAN.bsn))
    assert_refused(acs(client, params["SAMLart"], params["RelayState"]), client)
    # ... and the request is used up, so the attacker cannot use it either.
    assert acs(attacker, params["SAMLart"], params["RelayState"]).status_code == 400


def without_outer_signature(body: bytes) -> bytes:
    root = etree.fromstring(body)
    (signature,) = root.xpath(
        "//samlp:ArtifactResponse/ds:Signature",
        namespaces={**NS, "ds": "http://www.w3.org/2000/09/xmldsig#"},
    )
    signature.getparent().remove(signature)
    return bytes(etree.tostring(root))


class FakeSoapAnswer:
    def __init__(self, content: bytes) -> None:
        self.content = content
        self.status_code = 200
        self.text = content.decode(errors="replace")


def with_soap_answer(app: Flask, monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    """Let the real test IdP answer, then change its SOAP answer before the SP sees it."""
    client = entities(app).client
    real = client.send_using_soap

    def send(msg: Any, dest: str, *args: Any, **kwargs: Any) -> FakeSoapAnswer:
        return FakeSoapAnswer(change(real(msg, dest, *args, **kwargs).content))

    monkeypatch.setattr(client, "send_using_soap", send)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda body: b"garbage", id="not-xml"),
        pytest.param(lambda body: b"<a>" + body[:50], id="broken-xml"),
        pytest.param(lambda body: b"<Envelope/>", id="no-artifact-response"),
        pytest.param(
            lambda body: body.replace(b"MobileTwoFactorContract", b"SmartcardPKI"),
            id="tampered-inside-signature",
        ),
        pytest.param(lambda body: without_outer_signature(body), id="unsigned-artifact-response"),
    ],
)
def test_garbage_or_tampered_soap_answer(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    params = artifact_for(client)
    with_soap_answer(app, monkeypatch, change)
    assert_refused(acs(client, params["SAMLart"], params["RelayState"]), client)


@pytest.mark.parametrize(
    "failure",
    [
        ConnectionError("refused"),
        SamlConnectionError("refused"),
        requests.ReadTimeout("slow"),
        HTTPError("503:busy"),
    ],
    ids=["down", "down-pysaml2", "timeout", "http-503"],
)
def test_back_channel_down_is_a_kind_503(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    params = artifact_for(client)

    def send(*args: Any, **kwargs: Any) -> None:
        raise failure

    monkeypatch.setattr(entities(app).client, "send_using_soap", send)
    text = assert_refused(acs(client, params["SAMLart"], params["RelayState"]), client, 503)
    assert "DigiD does not work right now" in text or "DigiD werkt nu niet" in text


def test_failure_ends_an_existing_session(client: FlaskClient) -> None:
    assert login_as(client, JAN.bsn).status_code == 200
    _, relay = pending_login(client)
    assert_refused(acs(client, "garbage", relay), client)


def test_no_bsn_in_the_logs(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert login_as(client, JAN.bsn).status_code == 200
    pending, relay = pending_login(client)
    xml = idp.login_response(pending, JAN.bsn, levels.MIDDEN, sector="s00000001")
    assert_refused(acs(client, idp.store_artifact(xml), relay), client)
    pending, relay = pending_login(client)
    tampered = idp.login_response(pending, DEMO_RESIDENTS[1].bsn, levels.MIDDEN)
    tampered = tampered.replace(DEMO_RESIDENTS[1].bsn, JAN.bsn)
    assert_refused(acs(client, idp.store_artifact(tampered), relay), client)
    assert "DigiD login failed" in caplog.text
    assert JAN.bsn not in caplog.text
    assert DEMO_RESIDENTS[1].bsn not in caplog.text


def test_expired_artifact(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    """DigiD answers Success without a Response for an artifact older than 15 minutes."""
    params = artifact_for(client)
    stored = db.session.get(TestIdpArtifact, params["SAMLart"])
    assert stored is not None
    stored.created_at = clock.now() - timedelta(minutes=16)
    db.session.commit()
    assert_refused(acs(client, params["SAMLart"], params["RelayState"]), client)
    assert "holds 0 Responses" in caplog.text


@pytest.mark.parametrize("where", ["before", "after"])
def test_wrapped_second_assertion(client: FlaskClient, where: str) -> None:
    """Signature wrapping: an unsigned copy with another BSN next to the signed assertion."""
    pending, relay = pending_login(client)
    root = etree.fromstring(idp.login_response(pending, JAN.bsn, levels.MIDDEN).encode())
    (signed,) = root.xpath("saml:Assertion", namespaces=NS)
    forged = etree.fromstring(etree.tostring(signed))
    for signature in forged.xpath("ds:Signature", namespaces={"ds": DS}):
        forged.remove(signature)
    forged.set("ID", "id-forged")
    for name_id in forged.iter(f"{{{NS['saml']}}}NameID"):
        name_id.text = f"s00000000:{DEMO_RESIDENTS[1].bsn}"
    if where == "before":
        signed.addprevious(forged)
    else:
        signed.addnext(forged)
    art = idp.store_artifact(etree.tostring(root).decode())
    assert_refused(acs(client, art, relay), client)


def test_artifact_response_for_another_resolve(
    client: FlaskClient,
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Correctly signed by the IdP, but an answer to another ArtifactResolve."""
    pending, relay = pending_login(client)
    inner = idp.login_response(pending, JAN.bsn, levels.MIDDEN).split("?>", 1)[-1]
    answer = idp._soap(
        idp._signed_artifact_response("id-other", (samlp.STATUS_SUCCESS, None), inner)
    )
    art = idp.store_artifact("unused")

    def send(*args: Any, **kwargs: Any) -> FakeSoapAnswer:
        return FakeSoapAnswer(answer.encode())

    monkeypatch.setattr(entities(app).client, "send_using_soap", send)
    assert_refused(acs(client, art, relay), client)
    assert "InResponseTo does not match" in caplog.text


def test_unexpected_error_is_not_a_500(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("something odd")

    monkeypatch.setattr("app.auth.routes.finish_login", broken)
    _, relay = pending_login(client)
    assert_refused(acs(client, "x", relay), client)
