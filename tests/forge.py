"""Test-only forgeries of DigiD answers, built with the test IdP's own pysaml2 Server and key.

Each helper makes what a broken or hostile IdP (or someone in the middle) could send; the attack
tests store it as an artifact of the built-in test IdP and go through the app's real ACS. Nothing
here is reachable from the production code paths."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from hashlib import sha1
from typing import Any

from flask import current_app
from flask.testing import FlaskClient
from lxml import etree
from saml2 import samlp
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED, NameID

from app.digid import levels
from app.digid.sp import NS
from app.testidp import idp
from tests.digid import idp_form, start_login

DS = "http://www.w3.org/2000/09/xmldsig#"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"


def pending_login(client: FlaskClient, next_path: str = "/") -> tuple[idp.Pending, str]:
    """Start a real login in this browser; the test IdP's pending request and the RelayState."""
    page = start_login(client, next_path)
    pending = idp.load_pending(idp_form(page)["pending"])
    return pending, pending.relay_state


def response(
    pending: idp.Pending,
    bsn: str,
    *,
    level: str = levels.MIDDEN,
    sector: str = "s00000000",
    sign_assertion: bool = True,
    audience: str | None = None,
    recipient: str | None = None,
    in_response_to: str | None = None,
    issuer: str | None = None,
) -> str:
    """A Response as the test IdP makes it, with one thing changed. `audience` becomes the
    AudienceRestriction, `recipient` the SubjectConfirmationData Recipient."""
    farg: dict[str, Any] | None = None
    if recipient is not None:
        confirmation = {"method": "urn:oasis:names:tc:SAML:2.0:cm:bearer"}
        confirmation["subject_confirmation_data"] = {  # type: ignore[assignment]
            "in_response_to": in_response_to or pending.request_id,
            "recipient": recipient,
        }
        farg = {"assertion": {"subject": {"subject_confirmation": confirmation}}}
    resp = idp.server().create_authn_response(
        identity={},
        in_response_to=in_response_to or pending.request_id,
        destination=pending.acs_url,
        sp_entity_id=audience or pending.sp_entity_id,
        name_id=NameID(text=f"{sector}:{bsn}", format=NAMEID_FORMAT_UNSPECIFIED),
        authn={"class_ref": level},
        sign_assertion=sign_assertion,
        sign_response=False,
        issuer=issuer,
        farg=farg,
    )
    return str(resp)


def edit(xml: str, change: Callable[[Any], None]) -> str:
    """Apply `change` to the parsed Response and serialise it again."""
    root = etree.fromstring(xml.encode())
    change(root)
    return str(etree.tostring(root).decode())


def resign_assertion(xml: str) -> str:
    """Sign the (edited) assertion again with the test IdP's real key: what is left to catch
    is our own checks, not the signature."""
    root = etree.fromstring(xml.encode())
    (assertion,) = root.xpath("saml:Assertion", namespaces=NS)
    signed = idp.server().sec.sign_statement(
        etree.tostring(root).decode(), ASSERTION, node_id=assertion.get("ID")
    )
    return str(signed)


def set_assertion_issuer(value: str) -> Callable[[Any], None]:
    def change(root: Any) -> None:
        (issuer,) = root.xpath("saml:Assertion/saml:Issuer", namespaces=NS)
        issuer.text = value

    return change


def artifact(xml: str) -> str:
    """Store `xml` as an artifact of the test IdP (resolved once, like any other)."""
    return idp.store_artifact(xml)


def artifact_with_index(index: int, *, source: bytes | None = None) -> str:
    """A well-formed artifact naming an endpoint index (and SourceID) of our choice."""
    source_id = source or sha1(idp.idp_entity_id(current_app.config).encode()).digest()
    raw = b"\x00\x04" + index.to_bytes(2, "big") + source_id + os.urandom(20)
    return base64.b64encode(raw).decode()


def artifact_response(
    in_response_to: str,
    inner: str,
    *,
    issuer: str | None = None,
    status: tuple[str, str | None] = (samlp.STATUS_SUCCESS, None),
) -> str:
    """A SOAP ArtifactResponse signed with the test IdP key, Issuer optionally replaced (the
    signature is made after the change, so only the issuer check can catch it)."""
    srv = idp.server()
    if issuer is None:
        return idp._soap(idp._signed_artifact_response(in_response_to, status, inner))
    real = srv.config.entityid
    srv.config.entityid = issuer
    try:
        return idp._soap(idp._signed_artifact_response(in_response_to, status, inner))
    finally:
        srv.config.entityid = real


def resolve_id_of(message: str) -> str:
    """The ID of the ArtifactResolve the SP sent (to answer it 'correctly')."""
    text = message if isinstance(message, str) else str(message)
    return text.split(' ID="', 1)[1].split('"', 1)[0]


class SoapAnswer:
    """What HTTPBase.send_using_soap returns, for answers the tests make up."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.status_code = 200
        self.text = content.decode(errors="replace")


def logout_response_location(idp_location: str, sigalg: str) -> str:
    """The test IdP's answer to the SP's Redirect LogoutRequest at `idp_location`, signed with
    `sigalg` (DigiD's libsaml may use RSA-SHA1 here)."""
    from urllib.parse import parse_qs, urlsplit

    from saml2 import BINDING_HTTP_REDIRECT

    args = {k: v[0] for k, v in parse_qs(urlsplit(idp_location).query).items()}
    srv = idp.server()
    req = srv.parse_logout_request(
        args["SAMLRequest"],
        BINDING_HTTP_REDIRECT,
        relay_state=args.get("RelayState"),
        sigalg=args.get("SigAlg"),
        signature=args.get("Signature"),
    )
    answer = srv.create_logout_response(req.message, [BINDING_HTTP_REDIRECT], sign=False)
    info = srv.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(answer),
        answer.destination,
        args.get("RelayState", ""),
        response=True,
        sign=True,
        sigalg=sigalg,
    )
    return str(dict(info["headers"])["Location"])


def soap_logout_request(bsn: str, *, how: str) -> str:
    """A SOAP LogoutRequest 'from DigiD' that must not be believed: `tampered` (another BSN put
    in after signing), `unsigned`, or `other-key` (signed with the SP's key, not the IdP's)."""
    from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

    from app.digid import soap
    from app.digid.entities import entities
    from app.digid.sp_config import slo_soap_url

    srv = idp.server()
    dest = slo_soap_url(current_app.config)
    name_id = NameID(text=f"s00000000:{bsn}")
    if how == "tampered":
        from app.demo import DEMO_RESIDENTS

        signed_for = next(r.bsn for r in DEMO_RESIDENTS if r.bsn != bsn)
        _, envelope = idp.soap_logout_request(signed_for)
        assert envelope.count(signed_for) == 1
        return envelope.replace(signed_for, bsn)
    if how == "unsigned":
        _, req = srv.create_logout_request(dest, srv.config.entityid, name_id=name_id, sign=False)
        return soap.envelope(str(req))
    # Signed correctly, but with a key DigiD's metadata does not name; Issuer still says DigiD.
    sp = entities().client
    _, req = sp.create_logout_request(dest, srv.config.entityid, name_id=name_id, sign=False)
    req.issuer.text = srv.config.entityid
    signed = sp.sign(req, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256)
    return soap.envelope(str(signed))
