"""The DigiD service provider: the login steps (configuration: entities.py, metadata: metadata.py,
logout: slo.py).

Follows docs/design/digid.md 2.1-2.3: a signed HTTP-Redirect AuthnRequest, the artifact
resolved over SOAP, the ArtifactResponse signature checked on the original bytes, the inner
Response parsed with parse_authn_request_response, then the checks pysaml2 does not do itself."""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from flask import current_app, session
from lxml import etree
from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_REDIRECT, samlp
from saml2.httpbase import ConnectionError as SamlConnectionError
from saml2.httpbase import HTTPError
from saml2.s_utils import sid
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from sqlalchemy.exc import IntegrityError

from app import clock
from app.digid import levels
from app.digid.entities import Entities, entities
from app.digid.logs import redact
from app.digid.relay import read_relay_state, sign_relay_state
from app.digid.sp_config import NotConfigured, base_url
from app.extensions import db
from app.models.saml import SamlOutstandingRequest, SamlSeenAssertion

log = logging.getLogger(__name__)

BSN_SECTOR = "s00000000"
OUTSTANDING_MINUTES = 15
MAX_ARTIFACT_LENGTH = 200
# The session key holding the ids of the logins this browser started (at most MAX_PENDING).
SESSION_KEY = "digid_requests"
MAX_PENDING = 5
NS = {
    "soap": "http://schemas.xmlsoap.org/soap/envelope/",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
}
# Status codes that mean "no login" without anything being wrong on our side.
CANCELLED = samlp.STATUS_AUTHN_FAILED
LEVEL_TOO_LOW = samlp.STATUS_NO_AUTHN_CONTEXT

# Entities, NotConfigured, base_url and entities are re-exported from entities.py.
__all__ = [
    "NS",
    "SESSION_KEY",
    "Entities",
    "LoginFailed",
    "LoginResult",
    "NotConfigured",
    "base_url",
    "entities",
    "finish_login",
    "start_login",
]


class LoginFailed(Exception):
    """The login did not succeed. `kind` picks the page: cancelled, level, relay, unavailable
    (DigiD could not be reached) or error.
    `reason` is for the log only and never contains a BSN."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class LoginResult:
    bsn: str
    next_path: str
    level: str


# --- step 2: the AuthnRequest -------------------------------------------------------------


def start_login(next_path: str | None) -> str:
    """Store a one-shot outstanding request and return the IdP URL to redirect the browser to."""
    ent = entities()
    min_level = levels.urn_for(current_app.config["SAML_MIN_LEVEL"])
    relay = sign_relay_state(next_path)
    req_id, info = ent.client.prepare_for_authenticate(
        entityid=ent.idp_entity_id,
        relay_state=relay,
        binding=BINDING_HTTP_REDIRECT,
        response_binding=None,
        assertion_consumer_service_index="0",
        sign=True,
        sigalg=SIG_RSA_SHA256,
        requested_authn_context={"authn_context_class_ref": [min_level], "comparison": "minimum"},
    )
    now = clock.now()
    _forget_expired()
    db.session.add(
        SamlOutstandingRequest(
            request_id=req_id,
            came_from=read_relay_state(relay) or "/",
            requested_level=min_level,
            created_at=now,
            expires_at=now + timedelta(minutes=OUTSTANDING_MINUTES),
        )
    )
    db.session.commit()
    # Bind the request to this browser, so nobody can log a victim in with their own artifact.
    session[SESSION_KEY] = [*session.get(SESSION_KEY, [])[-(MAX_PENDING - 1) :], req_id]
    return str(dict(info["headers"])["Location"])


def _forget_expired() -> None:
    now = clock.now()
    db.session.execute(
        db.delete(SamlOutstandingRequest).where(SamlOutstandingRequest.expires_at < now)
    )
    db.session.execute(db.delete(SamlSeenAssertion).where(SamlSeenAssertion.expires_at < now))


# --- steps 5-8: artifact resolution and checks ---------------------------------------------


def finish_login(samlart: str | None, relay_state: str | None, remote_addr: str) -> LoginResult:
    """Resolve the artifact and check everything. Raises LoginFailed; never returns half a login,
    and on any failure leaves nothing of it in the session's transaction."""
    try:
        return _finish_login(samlart, relay_state, remote_addr)
    except BaseException:
        db.session.rollback()
        raise


def _finish_login(samlart: str | None, relay_state: str | None, remote_addr: str) -> LoginResult:
    next_path = read_relay_state(relay_state)
    if next_path is None:
        raise LoginFailed("relay", "missing or invalid RelayState")
    if not samlart or len(samlart) > MAX_ARTIFACT_LENGTH:
        raise LoginFailed("error", "missing or oversized SAMLart")
    ent = entities()
    client = ent.client
    try:
        dest = client.artifact2destination(samlart, "idpsso")
    except (KeyError, ValueError, TypeError, IndexError, binascii.Error) as exc:
        raise LoginFailed("error", f"unusable artifact ({type(exc).__name__})") from None
    if not dest:
        raise LoginFailed("error", "artifact names no known resolution endpoint")

    resolve_id, resolve_msg = client.create_artifact_resolve(
        samlart, dest, sid(), sign=True, sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256
    )
    raw = _resolve(client, resolve_msg, dest)

    ar_el = _artifact_response_element(raw.content)
    try:
        ar = client.sec.correctly_signed_artifact_response(etree.tostring(ar_el), must=True)
    except Exception as exc:
        raise LoginFailed("error", f"ArtifactResponse signature: {type(exc).__name__}") from None
    if ar.issuer is None or (ar.issuer.text or "").strip() != ent.idp_entity_id:
        raise LoginFailed("error", "ArtifactResponse from an unexpected issuer")
    if ar.in_response_to != resolve_id:
        raise LoginFailed("error", "ArtifactResponse InResponseTo does not match")
    if ar.status is None or ar.status.status_code.value != samlp.STATUS_SUCCESS:
        raise LoginFailed("error", "ArtifactResponse status is not Success")
    inner = ar_el.xpath("samlp:Response", namespaces=NS)
    if len(inner) != 1:
        raise LoginFailed("error", f"ArtifactResponse holds {len(inner)} Responses, not 1")
    response_el = inner[0]

    outstanding = _outstanding_for(response_el.get("InResponseTo"))
    try:
        resp = client.parse_authn_request_response(
            base64.b64encode(etree.tostring(response_el)).decode(),
            BINDING_HTTP_ARTIFACT,
            outstanding={outstanding.request_id: outstanding.came_from} if outstanding else {},
            conv_info={"remote_addr": remote_addr or "unknown"},
        )
    except Exception as exc:
        status_kind = _status_kind(response_el)
        if status_kind:
            _consume(outstanding.request_id if outstanding else None)
            raise LoginFailed(status_kind, f"IdP status {type(exc).__name__}") from None
        raise LoginFailed(
            "error", f"Response rejected: {type(exc).__name__}: {redact(exc)}"
        ) from None
    if resp is None or resp.assertion is None or outstanding is None:
        raise LoginFailed("error", "no usable assertion")
    # Exactly one plain assertion: nothing for a signature-wrapping attack to hide behind.
    assertions = response_el.xpath("saml:Assertion", namespaces=NS)
    if len(assertions) != 1 or response_el.xpath("saml:EncryptedAssertion", namespaces=NS):
        raise LoginFailed("error", "Response does not hold exactly one Assertion")
    request_id = outstanding.request_id
    if request_id not in session.get(SESSION_KEY, []):
        _consume(request_id)
        raise LoginFailed("error", "login was not started in this browser")
    try:
        return _own_checks(ent, resp, outstanding, next_path)
    except LoginFailed:
        db.session.rollback()
        _consume(request_id)
        raise


def _resolve(client: Any, resolve_msg: str, dest: str) -> Any:
    """POST the ArtifactResolve (mutual TLS, with a timeout). DigiD down, slow or refusing our
    certificate is 'unavailable'; an answer other than 200 or 5xx means our message was refused."""
    try:
        return client.send_using_soap(resolve_msg, dest)
    except HTTPError as exc:
        code = str(exc).split(":", 1)[0]
        kind = "unavailable" if code.startswith("5") else "error"
        raise LoginFailed(kind, f"artifact resolution answered HTTP {code[:3]}") from None
    except (SamlConnectionError, OSError, requests.RequestException) as exc:
        raise LoginFailed("unavailable", f"back channel failed ({type(exc).__name__})") from None
    except Exception as exc:
        raise LoginFailed("error", f"artifact resolution failed ({type(exc).__name__})") from None


def _artifact_response_element(content: bytes) -> Any:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(content, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise LoginFailed("error", f"SOAP answer is not XML ({type(exc).__name__})") from None
    found = root.xpath("/soap:Envelope/soap:Body/samlp:ArtifactResponse", namespaces=NS)
    if len(found) != 1:
        raise LoginFailed("error", "SOAP answer holds no single ArtifactResponse")
    return found[0]


def _outstanding_for(request_id: str | None) -> SamlOutstandingRequest | None:
    if not request_id:
        return None
    row = db.session.get(SamlOutstandingRequest, request_id)
    if row is None or row.expires_at <= clock.now():
        return None
    return row


def _status_kind(response_el: Any) -> str | None:
    """cancelled / level for the IdP's well-known 'no login' answers, else None."""
    codes = response_el.xpath(
        "samlp:Status/samlp:StatusCode/samlp:StatusCode/@Value", namespaces=NS
    )
    if CANCELLED in codes:
        return "cancelled"
    if LEVEL_TOO_LOW in codes:
        return "level"
    return None


def _consume(request_id: str | None) -> None:
    """A request that got its answer cannot be answered again, whatever the answer was."""
    if request_id is not None:
        db.session.execute(
            db.delete(SamlOutstandingRequest).where(SamlOutstandingRequest.request_id == request_id)
        )
        db.session.commit()


def _own_checks(
    ent: Entities, resp: Any, outstanding: SamlOutstandingRequest, next_path: str
) -> LoginResult:
    issuer = (resp.issuer() or "").strip()
    assertion = resp.assertion
    assertion_issuer = (assertion.issuer.text or "").strip() if assertion.issuer else ""
    if issuer != ent.idp_entity_id or assertion_issuer != ent.idp_entity_id:
        raise LoginFailed("error", "Response or Assertion from an unexpected issuer")
    try:
        classref = (resp.authn_info()[0][0] or "").strip()
    except (IndexError, TypeError, AttributeError):
        classref = ""
    if not levels.meets(classref, outstanding.requested_level):
        raise LoginFailed("level", "assertion level below the requested minimum")
    if next_path != outstanding.came_from:
        raise LoginFailed("relay", "RelayState does not belong to this login")
    name_id = (resp.name_id.text or "").strip() if resp.name_id is not None else ""
    sector, _, number = name_id.partition(":")
    if sector.lower() != BSN_SECTOR or not number.isdigit():
        raise LoginFailed("error", "NameID is not in the BSN sector")

    # One-shot: the assertion id goes into the replay cache and the request is used up, in one
    # transaction; a concurrent second use fails on the primary key or the delete count.
    not_on_or_after = clock.now() + timedelta(minutes=OUTSTANDING_MINUTES)
    try:
        db.session.execute(
            db.insert(SamlSeenAssertion).values(
                assertion_id=assertion.id, expires_at=not_on_or_after
            )
        )
    except IntegrityError:
        db.session.rollback()
        raise LoginFailed("error", "assertion replayed") from None
    deleted = db.session.execute(
        db.delete(SamlOutstandingRequest).where(
            SamlOutstandingRequest.request_id == outstanding.request_id
        )
    )
    if getattr(deleted, "rowcount", 1) != 1:
        db.session.rollback()
        raise LoginFailed("error", "login request already used")
    db.session.commit()
    return LoginResult(bsn=number, next_path=next_path, level=levels.name_for(classref) or "")
