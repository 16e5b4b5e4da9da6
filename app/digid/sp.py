"""The DigiD service provider (pysaml2 Saml2Client): configuration, metadata and the login steps.

Follows /work/shared/design/digid.md 2.1-2.3: a signed HTTP-Redirect AuthnRequest, the artifact
resolved over SOAP, the ArtifactResponse signature checked on the original bytes, the inner
Response parsed with parse_authn_request_response, then the checks pysaml2 does not do itself."""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, session
from lxml import etree
from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_REDIRECT, samlp
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.s_utils import sid
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from sqlalchemy.exc import IntegrityError

from app import clock
from app.digid import levels
from app.digid.logs import quiet_saml_logging, redact
from app.digid.relay import read_relay_state, sign_relay_state
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

_build_lock = threading.Lock()


class LoginFailed(Exception):
    """The login did not succeed. `kind` picks the page: cancelled, level, relay or error.
    `reason` is for the log only and never contains a BSN."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


class NotConfigured(RuntimeError):
    """DigiD settings are missing (keys or IdP metadata)."""


@dataclass(frozen=True)
class LoginResult:
    bsn: str
    next_path: str
    level: str


# --- configuration ------------------------------------------------------------------------


def sp_entity_id(config: dict[str, Any]) -> str:
    return str(config["SAML_SP_ENTITY_ID"] or base_url(config) + "/saml/metadata")


def base_url(config: dict[str, Any]) -> str:
    return str(config["SAML_SP_BASE_URL"]).rstrip("/")


def acs_url(config: dict[str, Any]) -> str:
    return base_url(config) + "/saml/acs"


def sp_config_dict(config: dict[str, Any], metadata: dict[str, Any] | None) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "entityid": sp_entity_id(config),
        "xmlsec_binary": config["SAML_XMLSEC_BINARY"],
        "key_file": config["SAML_SP_KEY_FILE"],
        "cert_file": config["SAML_SP_CERT_FILE"],
        "http_client_timeout": config["SAML_HTTP_TIMEOUT"],
        "accepted_time_diff": config["SAML_CLOCK_SKEW"],
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Mijn Overzicht",
                # Must sit here, not at the top level (design 4.3).
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(config), BINDING_HTTP_ARTIFACT, 0)],
                },
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
            }
        },
    }
    ca_file = config.get("SAML_BACKCHANNEL_CA_FILE")
    if ca_file:
        # Two-way TLS on the back channel: the SP key/cert are presented as client certificate.
        conf["verify_ssl_cert"] = True
        conf["ca_certs"] = ca_file
    if metadata:
        conf["metadata"] = metadata
    return conf


def sp_metadata_xml(config: dict[str, Any]) -> str:
    """The SP's own metadata (unsigned; the signed copy for Logius is made out of band)."""
    ed = entity_descriptor(SPConfig().load(sp_config_dict(config, None)))
    ed.extensions = None
    return str(ed)


def _cache_key(config: dict[str, Any]) -> tuple[Any, ...]:
    keys = (
        "SAML_SP_BASE_URL",
        "SAML_SP_ENTITY_ID",
        "SAML_SP_KEY_FILE",
        "SAML_SP_CERT_FILE",
        "SAML_IDP_METADATA_FILE",
        "SAML_IDP_ENTITY_ID",
        "SAML_HTTP_TIMEOUT",
        "SAML_CLOCK_SKEW",
        "SAML_XMLSEC_BINARY",
        "SAML_BACKCHANNEL_CA_FILE",
        "TEST_IDP_ENABLED",
        "TEST_IDP_KEY_FILE",
        "TEST_IDP_CERT_FILE",
    )
    return tuple(config.get(k) for k in keys)


class _NoIdentityCache:
    """pysaml2 keeps every parsed identity in memory; we keep nothing (no BSN in memory)."""

    def add_information_about_person(self, session_info: Any) -> None:
        return None


@dataclass
class Entities:
    client: Saml2Client
    idp_entity_id: str
    server: Any = None  # saml2.server.Server of the test IdP, when enabled


def entities(app: Flask | None = None) -> Entities:
    """The pysaml2 objects for this app, built once (xmlsec1 and metadata parsing are slow) and
    rebuilt when the relevant settings change."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    key = _cache_key(app.config)
    cached: tuple[tuple[Any, ...], Entities] | None = app.extensions.get("digid")
    if cached and cached[0] == key:
        return cached[1]
    with _build_lock:
        cached = app.extensions.get("digid")
        if cached and cached[0] == key:
            return cached[1]
        built = _build(app.config)
        app.extensions["digid"] = (key, built)
        return built


def _build(config: dict[str, Any]) -> Entities:
    from saml2.config import IdPConfig
    from saml2.server import Server

    from app.digid import idp, keys

    quiet_saml_logging()
    server = None
    if config["TEST_IDP_ENABLED"]:
        keys.ensure_keys(config)
        idp_md = idp.idp_metadata_xml(config)
        metadata: dict[str, Any] = {"inline": [idp_md]}
        idp_conf = idp.idp_config_dict(config, {"inline": [sp_metadata_xml(config)]})
        server = Server(config=IdPConfig().load(idp_conf))
        server.artifact = {}
        idp_entity = idp.idp_entity_id(config)
    else:
        md_file = config.get("SAML_IDP_METADATA_FILE")
        for path in (md_file, config["SAML_SP_KEY_FILE"], config["SAML_SP_CERT_FILE"]):
            if not path:
                raise NotConfigured("SAML_IDP_METADATA_FILE and the SP key/cert must be set")
        metadata = {"local": [md_file]}
        idp_entity = config.get("SAML_IDP_ENTITY_ID") or ""
    client = Saml2Client(config=SPConfig().load(sp_config_dict(config, metadata)))
    client.users = _NoIdentityCache()
    if not idp_entity:
        found = list(client.metadata.identity_providers())
        if len(found) != 1:
            raise NotConfigured("the IdP metadata must hold exactly one IdP")
        idp_entity = found[0]
    return Entities(client=client, idp_entity_id=idp_entity, server=server)


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
    """Resolve the artifact and check everything. Raises LoginFailed; never returns half a login."""
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
    try:
        raw = client.send_using_soap(resolve_msg, dest)
    except Exception as exc:
        raise LoginFailed("error", f"artifact resolution failed ({type(exc).__name__})") from None

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
