"""The built-in test IdP ("Test-DigiD"): a real pysaml2 Server that behaves like DigiD's artifact
profile (design 3). Demo and tests only; never mounted with production settings.

Artifacts live in the database (several gunicorn workers) and work once."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha1
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from lxml import etree
from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_REDIRECT, BINDING_SOAP, samlp
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.s_utils import sid
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED, NameID
from saml2.server import Server
from saml2.time_util import instant
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from app import clock
from app.digid import keys, levels, soap
from app.digid.entities import entities
from app.digid.metadata import sign_metadata, sp_metadata_xml, verified_metadata
from app.digid.sp import NS
from app.digid.sp_config import base_url, slo_soap_url
from app.extensions import db
from app.models.saml import TestIdpArtifact

ARTIFACT_MINUTES = 15
PENDING_MAX_AGE = 15 * 60
# Enveloped RSA-SHA256 signature with exc-c14n, filled in by xmlsec1 (ds: prefix, as DigiD).
_SIGNATURE_TEMPLATE = (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
    '<ds:Reference URI="#{ref}"><ds:Transforms>'
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
    "<ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/>"
    "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data>"
    "</ds:KeyInfo></ds:Signature>"
)


class IdpError(Exception):
    """The test IdP refuses a message (bad or unsigned AuthnRequest, bad ArtifactResolve)."""


def idp_entity_id(config: dict[str, Any]) -> str:
    return base_url(config) + "/test-idp/metadata"


def idp_config_dict(config: dict[str, Any], metadata: dict[str, Any] | None) -> dict[str, Any]:
    base = base_url(config)
    conf: dict[str, Any] = {
        "entityid": idp_entity_id(config),
        "xmlsec_binary": config["SAML_XMLSEC_BINARY"],
        "key_file": config["TEST_IDP_KEY_FILE"],
        "cert_file": config["TEST_IDP_CERT_FILE"],
        "accepted_time_diff": config["SAML_CLOCK_SKEW"],
        "service": {
            "idp": {
                "name": "Test-DigiD",
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "endpoints": {
                    "single_sign_on_service": [(base + "/test-idp/sso", BINDING_HTTP_REDIRECT)],
                    "artifact_resolution_service": [(base + "/test-idp/ars", BINDING_SOAP, 0)],
                    "single_logout_service": [(base + "/test-idp/slo", BINDING_HTTP_REDIRECT)],
                },
                "want_authn_requests_signed": True,
                # DigiD: NotBefore/NotOnOrAfter -2/+2 minutes.
                "policy": {"default": {"lifetime": {"minutes": 2}}},
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
            }
        },
    }
    if metadata:
        conf["metadata"] = metadata
    return conf


def idp_metadata_xml(config: dict[str, Any]) -> str:
    ed = entity_descriptor(IdPConfig().load(idp_config_dict(config, None)))
    ed.extensions = None
    return str(ed)


def signed_idp_metadata_xml(config: dict[str, Any]) -> str:
    """The test IdP's metadata signed with its key, as DigiD signs its own (design 1.6)."""
    return sign_metadata(IdPConfig().load(idp_config_dict(config, None)))


def build_server(config: dict[str, Any]) -> tuple[Any, str, str]:
    """The test IdP for app.digid.entities: (pysaml2 Server, its verified metadata, entity id).
    Its metadata is signed and checked like DigiD's, so that path runs in every demo and test."""
    keys.ensure_keys(config)
    signed = signed_idp_metadata_xml(config)
    idp_md = verified_metadata(signed.encode(), config["TEST_IDP_CERT_FILE"], config)
    idp_conf = idp_config_dict(config, {"inline": [sp_metadata_xml(config)]})
    srv = Server(config=IdPConfig().load(idp_conf))
    srv.artifact = {}
    return srv, idp_md, idp_entity_id(config)


def server() -> Any:
    srv = entities().server
    if srv is None:
        raise IdpError("the test IdP is not enabled")
    return srv


# --- SSO: the AuthnRequest and the user's choice --------------------------------------------


@dataclass(frozen=True)
class Pending:
    """An AuthnRequest that passed the checks, waiting for the user's choice."""

    request_id: str
    sp_entity_id: str
    acs_url: str
    relay_state: str
    requested_level: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="test-idp-pending")


def parse_authn_request(args: dict[str, str]) -> Pending:
    """Parse and verify a signed HTTP-Redirect AuthnRequest (query parameters)."""
    saml_request = args.get("SAMLRequest")
    if not saml_request:
        raise IdpError("no SAMLRequest")
    try:
        req = server().parse_authn_request(
            saml_request,
            BINDING_HTTP_REDIRECT,
            relay_state=args.get("RelayState"),
            sigalg=args.get("SigAlg"),
            signature=args.get("Signature"),
        )
    except Exception as exc:
        raise IdpError(f"AuthnRequest rejected ({type(exc).__name__})") from None
    if req is None:
        raise IdpError("AuthnRequest rejected")
    message = req.message
    try:
        info = server().response_args(message, [BINDING_HTTP_ARTIFACT])
    except Exception as exc:
        raise IdpError(f"no assertion consumer service ({type(exc).__name__})") from None
    requested = levels.MIDDEN
    rac = message.requested_authn_context
    if rac is not None and rac.authn_context_class_ref:
        requested = (rac.authn_context_class_ref[0].text or "").strip()
    return Pending(
        request_id=message.id,
        sp_entity_id=info["sp_entity_id"],
        acs_url=info["destination"],
        relay_state=args.get("RelayState", ""),
        requested_level=requested,
    )


def dump_pending(pending: Pending) -> str:
    return _serializer().dumps(pending.__dict__)


def load_pending(token: str | None) -> Pending:
    if not token:
        raise IdpError("no pending request")
    try:
        data = _serializer().loads(token, max_age=PENDING_MAX_AGE)
        return Pending(**data)
    except (BadSignature, TypeError) as exc:
        raise IdpError(f"pending request unusable ({type(exc).__name__})") from None


def login_response(
    pending: Pending, bsn: str, level: str, *, sector: str = "s00000000", **farg: Any
) -> str:
    """A signed-assertion Response (the Response itself unsigned, like DigiD's)."""
    resp = server().create_authn_response(
        identity={},
        in_response_to=pending.request_id,
        destination=pending.acs_url,
        sp_entity_id=pending.sp_entity_id,
        name_id=NameID(text=f"{sector}:{bsn}", format=NAMEID_FORMAT_UNSPECIFIED),
        authn={"class_ref": level},
        sign_assertion=True,
        sign_response=False,
        **farg,
    )
    return str(resp)


def error_response(pending: Pending, status: str, message: str = "") -> str:
    resp = server().create_error_response(
        pending.request_id, pending.acs_url, (status, message or status.rsplit(":", 1)[-1])
    )
    return str(resp)


def store_artifact(response_xml: str) -> str:
    """A DigiD-style artifact (TypeCode 4, index 0, SHA-1 SourceID, 20 random bytes) for this
    response, stored so that any worker can resolve it once."""
    source_id = sha1(idp_entity_id(current_app.config).encode()).digest()  # noqa: S324 - SAML spec
    raw = b"\x00\x04" + b"\x00\x00" + source_id + os.urandom(20)
    art = base64.b64encode(raw).decode()
    db.session.add(TestIdpArtifact(artifact=art, response_xml=response_xml, created_at=clock.now()))
    db.session.commit()
    return art


def acs_redirect(pending: Pending, artifact: str) -> str:
    query = {"SAMLart": artifact}
    if pending.relay_state:
        query["RelayState"] = pending.relay_state
    return f"{pending.acs_url}?{urlencode(query)}"


# --- ARS: the ArtifactResolve over SOAP ---------------------------------------------------


def _pop_artifact(art: str) -> TestIdpArtifact | None:
    row = db.session.get(TestIdpArtifact, art)
    if row is None:
        return None
    deleted = db.session.execute(db.delete(TestIdpArtifact).where(TestIdpArtifact.artifact == art))
    db.session.commit()
    if getattr(deleted, "rowcount", 1) != 1:
        return None
    return row


def resolve_artifact(body: bytes) -> str:
    """Answer a signed ArtifactResolve with a signed ArtifactResponse (a SOAP envelope)."""
    srv = server()
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise IdpError(f"not XML ({type(exc).__name__})") from None
    found = root.xpath("/soap:Envelope/soap:Body/samlp:ArtifactResolve", namespaces=NS)
    if len(found) != 1:
        raise IdpError("no single ArtifactResolve")
    try:
        # Verify on the original bytes, not on pysaml2's re-serialised copy (design 4.1).
        resolve = srv.sec.correctly_signed_message(
            etree.tostring(found[0]), "artifact_resolve", must=True
        )
    except Exception as exc:
        raise IdpError(f"ArtifactResolve signature ({type(exc).__name__})") from None
    sender = (resolve.issuer.text or "").strip() if resolve.issuer is not None else ""
    if not sender or sender not in srv.metadata.service_providers():
        raise IdpError("ArtifactResolve from an unknown SP")
    art = (resolve.artifact.text or "").strip() if resolve.artifact is not None else ""
    row = _pop_artifact(art) if art else None
    inner = ""
    if row is None:
        status = (samlp.STATUS_REQUESTER, samlp.STATUS_REQUEST_DENIED)
    else:
        status = (samlp.STATUS_SUCCESS, None)
        fresh = row.created_at >= clock.now() - timedelta(minutes=ARTIFACT_MINUTES)
        # DigiD answers Success without a Response for an expired artifact.
        inner = soap.strip_xml_declaration(row.response_xml) if fresh else ""
    return _soap(_signed_artifact_response(resolve.id, status, inner))


def _signed_artifact_response(
    in_response_to: str, status: tuple[str, str | None], inner: str
) -> str:
    srv = server()
    resp_id = sid()
    top, second = status
    sub = f'<samlp:StatusCode Value="{second}"/>' if second else ""
    signature = _SIGNATURE_TEMPLATE.format(ref=resp_id, cert=srv.sec.my_cert)
    xml = (
        '<samlp:ArtifactResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
        ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
        f' ID="{resp_id}" Version="2.0" IssueInstant="{instant()}"'
        f' InResponseTo="{_attr(in_response_to)}">'
        f"<saml:Issuer>{_attr(srv.config.entityid)}</saml:Issuer>"
        f"{signature}"
        f'<samlp:Status><samlp:StatusCode Value="{top}">{sub}</samlp:StatusCode></samlp:Status>'
        f"{inner}</samlp:ArtifactResponse>"
    )
    signed = srv.sec.sign_statement(
        xml, "urn:oasis:names:tc:SAML:2.0:protocol:ArtifactResponse", node_id=resp_id
    )
    return soap.strip_xml_declaration(str(signed))


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _soap(body: str) -> str:
    return soap.envelope(body)


# --- single logout --------------------------------------------------------------------------


def logout_redirect(args: dict[str, str]) -> str:
    """Check the SP's signed Redirect LogoutRequest; the URL of our signed Redirect
    LogoutResponse back to the SP."""
    srv = server()
    if not args.get("SAMLRequest"):
        raise IdpError("no SAMLRequest")
    try:
        req = srv.parse_logout_request(
            args["SAMLRequest"],
            BINDING_HTTP_REDIRECT,
            relay_state=args.get("RelayState"),
            sigalg=args.get("SigAlg"),
            signature=args.get("Signature"),
        )
    except Exception as exc:
        raise IdpError(f"LogoutRequest rejected ({type(exc).__name__})") from None
    if req is None:
        raise IdpError("LogoutRequest rejected")
    response = srv.create_logout_response(req.message, [BINDING_HTTP_REDIRECT], sign=False)
    info = srv.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        response.destination,
        args.get("RelayState", ""),
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return str(dict(info["headers"])["Location"])


def soap_logout_request(bsn: str, *, sector: str = "s00000000") -> tuple[str, str]:
    """(request id, SOAP envelope) of a signed LogoutRequest for this BSN, as DigiD sends it to
    the SP's SOAP single logout service when the resident logs out elsewhere (design 1.9 U3)."""
    srv = server()
    dest = slo_soap_url(current_app.config)
    req_id, signed = srv.create_logout_request(
        dest,
        srv.config.entityid,
        name_id=NameID(text=f"{sector}:{bsn}"),
        sign=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    return str(req_id), soap.envelope(str(signed))


def check_soap_logout_response(content: bytes, request_id: str) -> bool:
    """True when the SP answered our SOAP LogoutRequest with a signed Success LogoutResponse."""
    srv = server()
    try:
        element = soap.body_element(content, "/soap:Envelope/soap:Body/samlp:LogoutResponse", NS)
        answer = srv.sec.correctly_signed_logout_response(etree.tostring(element), must=True)
    except Exception:
        return False
    return bool(
        answer is not None
        and answer.in_response_to == request_id
        and answer.status.status_code.value == samlp.STATUS_SUCCESS
    )
