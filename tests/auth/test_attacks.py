"""The attack rows of docs/design/digid.md section 5, each through the app's real ACS against the
built-in pysaml2 IdP: every forgery ends on a plain-language 4xx page and nobody is logged in.

Rows tested elsewhere (not repeated here):
- tampered signature .......... test_login_failures::test_tampered_assertion,
                                test_garbage_or_tampered_soap_answer[tampered-inside-signature]
- unsigned ArtifactResponse ... test_garbage_or_tampered_soap_answer[unsigned-artifact-response]
- ArtifactResponse InResponseTo != ArtifactResolve ID
                                test_login_failures::test_artifact_response_for_another_resolve
- wrong sector code ........... test_login_failures::test_wrong_sector
- lower level / higher level .. test_login_failures::test_level_too_low / test_higher_level_is_fine
- same artifact twice ......... test_login_failures::test_same_artifact_twice
- replayed response ........... test_login_failures::test_assertion_replayed_with_a_new_artifact
- XSW, extra unsigned assertion test_login_failures::test_wrapped_second_assertion
- expired artifact (Success, no Response) test_login_failures::test_expired_artifact
- cancelled login, NoAuthnContext test_login_failures::test_cancelled_login / test_no_authn_context
- back channel down / timeout . test_login_failures::test_back_channel_down_is_a_kind_503
- mTLS with and without client certificate: test_backchannel_tls
- 15 idle minutes (controllable clock): tests/session/test_session_rules.py
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from hashlib import sha1
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from app.demo import DEMO_RESIDENTS
from app.digid import levels
from app.digid.sp import NS, entities
from tests import forge
from tests.digid import acs, assert_refused, is_logged_in, login_as

JAN, PIET = DEMO_RESIDENTS[0], DEMO_RESIDENTS[1]
DS = "http://www.w3.org/2000/09/xmldsig#"
EVIL = "https://evil.example"

pytestmark = pytest.mark.usefixtures("seeded", "live_server")


def refused_in_log(caplog: pytest.LogCaptureFixture, *words: str) -> None:
    assert "DigiD login failed" in caplog.text
    for word in words:
        assert word in caplog.text, caplog.text


def test_unsigned_assertion(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    pending, relay = forge.pending_login(client)
    xml = forge.response(pending, JAN.bsn, sign_assertion=False)
    assert "Signature" not in xml
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog, "SignatureError")


def test_wrong_audience(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    pending, relay = forge.pending_login(client)
    xml = forge.response(pending, JAN.bsn, audience=f"{EVIL}/saml/metadata")
    audiences = etree.fromstring(xml.encode()).xpath("//saml:Audience/text()", namespaces=NS)
    assert audiences == [f"{EVIL}/saml/metadata"]
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog, "Response rejected")


def test_expired_assertion(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    """DigiD's assertions live 2 minutes; 5 minutes later (skew 30 s) it is too old."""
    pending, relay = forge.pending_login(client)
    art = forge.artifact(forge.response(pending, JAN.bsn))
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5), tick=False):
        assert_refused(acs(client, art, relay), client)
    refused_in_log(caplog, "Response rejected")


def test_not_before_in_the_future(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    pending, relay = forge.pending_login(client)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5), tick=False):
        xml = forge.response(pending, JAN.bsn)
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog, "Response rejected")


@pytest.mark.parametrize("in_response_to", ["id-never-sent", ""], ids=["unknown", "unsolicited"])
def test_unknown_or_missing_in_response_to(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, in_response_to: str
) -> None:
    pending, relay = forge.pending_login(client)
    xml = forge.response(pending, JAN.bsn, in_response_to=in_response_to or None)
    if not in_response_to:
        xml = forge.edit(xml, lambda root: root.attrib.pop("InResponseTo", None))
        xml = forge.resign_assertion(
            forge.edit(xml, lambda root: _drop_confirmation_in_response_to(root))
        )
        assert "InResponseTo" not in xml
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog)


def _drop_confirmation_in_response_to(root: Any) -> None:
    for data in root.iter(f"{{{NS['saml']}}}SubjectConfirmationData"):
        data.attrib.pop("InResponseTo", None)


def test_wrong_recipient(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    pending, relay = forge.pending_login(client)
    xml = forge.response(pending, JAN.bsn, recipient=f"{EVIL}/saml/acs")
    assert f'Recipient="{EVIL}/saml/acs"' in xml
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog, "Response rejected")


def test_wrong_issuer_on_response_and_assertion(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    pending, relay = forge.pending_login(client)
    xml = forge.response(pending, JAN.bsn, issuer=f"{EVIL}/idp")
    assert xml.count(f"{EVIL}/idp") == 2
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog)


def test_wrong_issuer_on_the_assertion_only(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Signed again after the change with the IdP's own key."""
    pending, relay = forge.pending_login(client)
    xml = forge.edit(forge.response(pending, JAN.bsn), forge.set_assertion_issuer(f"{EVIL}/idp"))
    xml = forge.resign_assertion(xml)
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog)


def answer_with(app: Flask, monkeypatch: pytest.MonkeyPatch, make: Any) -> None:
    """Answer the SP's real ArtifactResolve with make(resolve_id) instead of the test IdP."""

    def send(message: Any, dest: str, *args: Any, **kwargs: Any) -> forge.SoapAnswer:
        return forge.SoapAnswer(make(forge.resolve_id_of(str(message))).encode())

    monkeypatch.setattr(entities(app).client, "send_using_soap", send)


def test_wrong_issuer_on_the_artifact_response(
    client: FlaskClient,
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    pending, relay = forge.pending_login(client)
    inner = forge.response(pending, JAN.bsn).split("?>", 1)[-1]
    answer_with(
        app, monkeypatch, lambda rid: forge.artifact_response(rid, inner, issuer=f"{EVIL}/idp")
    )
    assert_refused(acs(client, forge.artifact("unused"), relay), client)
    refused_in_log(caplog, "ArtifactResponse")


@pytest.mark.parametrize("count", [0, 2])
def test_artifact_response_without_exactly_one_response(
    client: FlaskClient,
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    count: int,
) -> None:
    pending, relay = forge.pending_login(client)
    inner = "".join(
        forge.response(pending, bsn).split("?>", 1)[-1] for bsn in (JAN.bsn, PIET.bsn)[:count]
    )
    answer_with(app, monkeypatch, lambda rid: forge.artifact_response(rid, inner))
    assert_refused(acs(client, forge.artifact("unused"), relay), client)
    refused_in_log(caplog)
    # pysaml2 already refuses to read an ArtifactResponse carrying two signed Responses.
    assert f"holds {count} Responses" in caplog.text or "signature: SignatureError" in caplog.text


def test_correct_forged_answer_is_accepted(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control for the tests above: the same route with nothing changed logs in."""
    pending, relay = forge.pending_login(client)
    inner = forge.response(pending, JAN.bsn).split("?>", 1)[-1]
    answer_with(app, monkeypatch, lambda rid: forge.artifact_response(rid, inner))
    response = acs(client, forge.artifact("unused"), relay)
    assert response.status_code == 303, response.status_code


def test_signed_assertion_moved_into_extensions(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    """XSW: the signed assertion hidden in Extensions, an unsigned copy with another BSN in its
    place (same ID, so an ID lookup would find the signature)."""
    pending, relay = forge.pending_login(client)

    def wrap(root: Any) -> None:
        (signed,) = root.xpath("saml:Assertion", namespaces=NS)
        forged = etree.fromstring(etree.tostring(signed))
        for signature in forged.xpath("ds:Signature", namespaces={"ds": DS}):
            forged.remove(signature)
        for name_id in forged.iter(f"{{{NS['saml']}}}NameID"):
            name_id.text = f"s00000000:{PIET.bsn}"
        extensions = etree.Element(f"{{{NS['samlp']}}}Extensions")
        signed.addprevious(extensions)
        extensions.append(signed)
        extensions.addnext(forged)

    xml = forge.edit(forge.response(pending, JAN.bsn), wrap)
    assert_refused(acs(client, forge.artifact(xml), relay), client)
    refused_in_log(caplog)


@pytest.mark.parametrize("index", [1, 255])
def test_unknown_artifact_endpoint_index(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, index: int
) -> None:
    _, relay = forge.pending_login(client)
    assert_refused(acs(client, forge.artifact_with_index(index), relay), client)
    refused_in_log(caplog)
    assert "no known resolution endpoint" in caplog.text or "unusable artifact" in caplog.text


def test_unknown_artifact_source(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    _, relay = forge.pending_login(client)
    source = sha1(f"{EVIL}/idp".encode()).digest()
    assert_refused(acs(client, forge.artifact_with_index(0, source=source), relay), client)
    refused_in_log(caplog, "unusable artifact")


def test_level_in_a_forged_response_below_the_minimum(client: FlaskClient) -> None:
    pending, relay = forge.pending_login(client)
    xml = forge.response(pending, JAN.bsn, level=levels.BASIS)
    assert_refused(acs(client, forge.artifact(xml), relay), client, 403)


@pytest.mark.parametrize("how", ["tampered", "unsigned", "other-key"])
def test_soap_logout_with_a_bad_signature_logs_nobody_out(
    app: Flask, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    """DigiD's SOAP LogoutRequest that does not verify: a SOAP fault, and Jan stays logged in."""
    jan = app.test_client()
    assert login_as(jan, JAN.bsn).status_code == 200
    envelope = forge.soap_logout_request(JAN.bsn, how=how)
    answer = jan.post("/saml/slo/soap", data=envelope, content_type="text/xml")
    assert answer.status_code == 500
    assert answer.mimetype == "text/xml"
    faults = etree.fromstring(answer.get_data()).xpath(
        "//soapenv:Fault/faultcode/text()",
        namespaces={"soapenv": "http://schemas.xmlsoap.org/soap/envelope/"},
    )
    assert faults == ["soapenv:Client"]
    assert is_logged_in(jan)
    assert "DigiD SOAP logout refused: LogoutRequest signature" in caplog.text


@pytest.mark.parametrize(
    "next_path",
    [
        "/" + "lang-pad/" * 20,
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\tevil",
    ],
    ids=["too-long", "absolute", "scheme-relative", "backslash", "javascript", "control-char"],
)
def test_relay_state_is_short_signed_and_stays_on_this_site(
    client: FlaskClient, next_path: str
) -> None:
    """RelayState: signed, at most 80 characters (DigiD's limit), and never a way off the site:
    whatever `next` was, the login ends on a local path."""
    pending, relay = forge.pending_login(client, next_path)
    assert len(relay) <= 80
    path, _, signature = relay.rpartition(".")
    assert path == "/" and signature
    response = acs(client, forge.artifact(forge.response(pending, JAN.bsn)), relay)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
