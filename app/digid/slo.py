"""Logout with DigiD single sign-on (Eenmalig Inloggen, design 1.9 and 2.5).

U2: our signed HTTP-Redirect LogoutRequest to DigiD. U5: DigiD's Redirect LogoutResponse back,
its query-string signature checked on the bytes as they arrived. U3/U4: DigiD's signed SOAP
LogoutRequest, checked on its original bytes, ends every session of that BSN and gets a signed
SOAP LogoutResponse. Local logout never depends on any of this."""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from flask import current_app
from lxml import etree
from saml2 import BINDING_HTTP_REDIRECT, BINDING_SOAP, samlp
from saml2.saml import NameID
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

from app.digid import soap
from app.digid.entities import entities
from app.digid.sp_config import slo_soap_url

log = logging.getLogger(__name__)

BSN_SECTOR = "s00000000"
NS = {"soap": soap.SOAP_NS, "samlp": "urn:oasis:names:tc:SAML:2.0:protocol"}
# DigiD's libsaml signs redirects with RSA-SHA1 by default (design 1.5); both are accepted.
_HASHES: dict[str, hashes.HashAlgorithm] = {
    SIG_RSA_SHA256: hashes.SHA256(),
    SIG_RSA_SHA1: hashes.SHA1(),  # noqa: S303 - what DigiD sends
}


class LogoutError(Exception):
    """A logout message we do not accept (the text is for the log, never with a BSN)."""


def enabled() -> bool:
    return bool(current_app.config["SAML_SINGLE_LOGOUT"])


# --- U2: our LogoutRequest -----------------------------------------------------------------


def logout_request_url(bsn: str) -> tuple[str, str]:
    """(request id, DigiD URL with the signed Redirect LogoutRequest) for this resident."""
    ent = entities()
    client = ent.client
    services = client.metadata.single_logout_service(
        ent.idp_entity_id, BINDING_HTTP_REDIRECT, "idpsso"
    )
    if not services:
        raise LogoutError("the IdP metadata has no Redirect single logout service")
    dest = services[0]["location"]
    req_id, req = client.create_logout_request(
        dest, ent.idp_entity_id, name_id=NameID(text=f"{BSN_SECTOR}:{bsn}"), sign=False
    )
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT, str(req), dest, "", sign=True, sigalg=SIG_RSA_SHA256
    )
    return str(req_id), str(dict(info["headers"])["Location"])


# --- U5: DigiD's LogoutResponse by redirect ------------------------------------------------


def _raw_params(query_string: bytes) -> dict[str, bytes]:
    params: dict[str, bytes] = {}
    for part in query_string.split(b"&"):
        name, _, value = part.partition(b"=")
        key = unquote_to_bytes(name.replace(b"+", b" ")).decode("latin-1")
        if key in params:
            raise LogoutError(f"parameter {key} appears twice")
        params[key] = value
    return params


def _value(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")


def verify_redirect_signature(query_string: bytes, kind: str = "SAMLResponse") -> dict[str, str]:
    """The decoded parameters, after checking the query-string signature with DigiD's signing
    certificate from the (verified) metadata. The signed octets are the parameters exactly as
    they arrived, in the order the binding prescribes."""
    params = _raw_params(query_string)
    for needed in (kind, "SigAlg", "Signature"):
        if needed not in params:
            raise LogoutError(f"{needed} missing")
    names = [kind, "RelayState", "SigAlg"] if "RelayState" in params else [kind, "SigAlg"]
    signed = b"&".join(name.encode() + b"=" + params[name] for name in names)
    algorithm = _HASHES.get(_value(params["SigAlg"]))
    if algorithm is None:
        raise LogoutError("unsupported signature algorithm")
    try:
        signature = base64.b64decode(_value(params["Signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise LogoutError("signature is not base64") from None
    ent = entities()
    for _, cert_b64 in ent.client.metadata.certs(ent.idp_entity_id, "idpsso", "signing"):
        cert = x509.load_der_x509_certificate(base64.b64decode(cert_b64))
        key = cert.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            continue
        try:
            key.verify(signature, signed, padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            continue
        return {name: _value(value) for name, value in params.items()}
    raise LogoutError("query-string signature does not verify")


def check_logout_response(query_string: bytes, expected_request_id: str | None) -> None:
    """Accept DigiD's signed Redirect LogoutResponse to our own, still open, request."""
    params = verify_redirect_signature(query_string)
    ent = entities()
    try:
        response = ent.client.parse_logout_request_response(
            params["SAMLResponse"], BINDING_HTTP_REDIRECT
        )
    except Exception as exc:
        raise LogoutError(f"LogoutResponse rejected ({type(exc).__name__})") from None
    if response is None:
        raise LogoutError("LogoutResponse unreadable")
    message = response.response
    issuer = (message.issuer.text or "").strip() if message.issuer is not None else ""
    if issuer != ent.idp_entity_id:
        raise LogoutError("LogoutResponse from an unexpected issuer")
    if not expected_request_id or message.in_response_to != expected_request_id:
        raise LogoutError("LogoutResponse to a request we did not send from this browser")
    status = message.status.status_code
    second = status.status_code.value if status.status_code is not None else None
    # PartialLogout (under Responder) counts as a normal logout (design 1.7).
    if status.value != samlp.STATUS_SUCCESS and second != samlp.STATUS_PARTIAL_LOGOUT:
        raise LogoutError("LogoutResponse status is not Success")


# --- U3/U4: DigiD's LogoutRequest over SOAP ------------------------------------------------


@dataclass(frozen=True)
class SoapLogout:
    bsn: str
    answer: str  # the SOAP envelope with our signed LogoutResponse


def handle_soap_logout_request(body: bytes) -> SoapLogout:
    """Check DigiD's SOAP LogoutRequest on its original bytes and build the signed answer.
    Raises LogoutError; the caller ends the sessions only after this returned."""
    ent = entities()
    client = ent.client
    try:
        element = soap.body_element(body, "/soap:Envelope/soap:Body/samlp:LogoutRequest", NS)
    except ValueError as exc:
        raise LogoutError(str(exc)) from None
    try:
        request = client.sec.correctly_signed_logout_request(etree.tostring(element), must=True)
    except Exception as exc:
        raise LogoutError(f"LogoutRequest signature ({type(exc).__name__})") from None
    if request is None:
        raise LogoutError("LogoutRequest unreadable")
    issuer = (request.issuer.text or "").strip() if request.issuer is not None else ""
    if issuer != ent.idp_entity_id:
        raise LogoutError("LogoutRequest from an unexpected issuer")
    if request.destination and request.destination != slo_soap_url(current_app.config):
        raise LogoutError("LogoutRequest meant for another address")
    name_id = (request.name_id.text or "").strip() if request.name_id is not None else ""
    sector, _, bsn = name_id.partition(":")
    if sector.lower() != BSN_SECTOR or not bsn.isdigit():
        raise LogoutError("LogoutRequest NameID is not in the BSN sector")
    answer = client.create_logout_response(
        request,
        bindings=[BINDING_SOAP],
        sign=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
    )
    return SoapLogout(bsn=bsn, answer=soap.envelope(str(answer)))
