"""The DigiD settings turned into pysaml2 objects: the SP client and, in demo/test, the test IdP.

Built once per app (xmlsec1 and metadata parsing are slow) and rebuilt when a setting changes.
The IdP metadata is only used after its signature has been checked (design 1.6)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_REDIRECT, BINDING_SOAP
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from app.digid.logs import quiet_saml_logging

_build_lock = threading.Lock()
# Every setting the built objects depend on.
_SETTINGS = (
    "SAML_SP_BASE_URL",
    "SAML_SP_ENTITY_ID",
    "SAML_SP_KEY_FILE",
    "SAML_SP_CERT_FILE",
    "SAML_IDP_METADATA_FILE",
    "SAML_IDP_METADATA_CERT_FILE",
    "SAML_IDP_ENTITY_ID",
    "SAML_HTTP_TIMEOUT",
    "SAML_CLOCK_SKEW",
    "SAML_XMLSEC_BINARY",
    "SAML_BACKCHANNEL_CA_FILE",
    "SAML_BACKCHANNEL_CERT_FILE",
    "SAML_BACKCHANNEL_KEY_FILE",
    "TEST_IDP_ENABLED",
    "TEST_IDP_KEY_FILE",
    "TEST_IDP_CERT_FILE",
)


class NotConfigured(RuntimeError):
    """DigiD settings are missing or unusable (keys, IdP metadata or its signature)."""


def base_url(config: dict[str, Any]) -> str:
    return str(config["SAML_SP_BASE_URL"]).rstrip("/")


def sp_entity_id(config: dict[str, Any]) -> str:
    return str(config.get("SAML_SP_ENTITY_ID") or base_url(config) + "/saml/metadata")


def acs_url(config: dict[str, Any]) -> str:
    return base_url(config) + "/saml/acs"


def slo_soap_url(config: dict[str, Any]) -> str:
    return base_url(config) + "/saml/slo/soap"


def slo_redirect_url(config: dict[str, Any]) -> str:
    return base_url(config) + "/saml/slo/redirect"


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
                    "single_logout_service": [
                        (slo_soap_url(config), BINDING_SOAP),
                        (slo_redirect_url(config), BINDING_HTTP_REDIRECT),
                    ],
                },
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
            }
        },
    }
    if metadata:
        conf["metadata"] = metadata
    return conf


def backchannel_tls(config: dict[str, Any]) -> tuple[str | bool, tuple[str, str]]:
    """(verify, (cert, key)) for the SOAP back channel: the server certificate is always checked
    (against SAML_BACKCHANNEL_CA_FILE, else the system CAs) and our client certificate is always
    offered (the PKIoverheid TLS pair, else the SAML signing pair)."""
    verify: str | bool = config.get("SAML_BACKCHANNEL_CA_FILE") or True
    cert = config.get("SAML_BACKCHANNEL_CERT_FILE") or config["SAML_SP_CERT_FILE"]
    key = config.get("SAML_BACKCHANNEL_KEY_FILE") or config["SAML_SP_KEY_FILE"]
    return verify, (str(cert), str(key))


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
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    key = tuple(app.config.get(k) for k in _SETTINGS)
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
    from app.digid.metadata import (
        MetadataError,
        plain_http_artifact_locations,
        sp_metadata_xml,
        verified_metadata,
    )

    quiet_saml_logging()
    server = None
    try:
        if config["TEST_IDP_ENABLED"]:
            keys.ensure_keys(config)
            # Signed and checked like DigiD's, so that path runs in every demo and test.
            signed = idp.signed_idp_metadata_xml(config)
            idp_md = verified_metadata(signed.encode(), config["TEST_IDP_CERT_FILE"], config)
            idp_conf = idp.idp_config_dict(config, {"inline": [sp_metadata_xml(config)]})
            server = Server(config=IdPConfig().load(idp_conf))
            server.artifact = {}
            idp_entity = idp.idp_entity_id(config)
        else:
            needed = ("SAML_IDP_METADATA_FILE", "SAML_IDP_METADATA_CERT_FILE", "SAML_SP_KEY_FILE")
            for setting in (*needed, "SAML_SP_CERT_FILE"):
                path = config.get(setting)
                if not path or not Path(path).is_file():
                    raise NotConfigured(f"{setting} does not point to a file")
            raw = Path(config["SAML_IDP_METADATA_FILE"]).read_bytes()
            # Checked at start-up too (app.checks); again here, as the file may have changed.
            if config["ENV_NAME"] == "production" and plain_http_artifact_locations(raw):
                raise NotConfigured("the IdP's ArtifactResolutionService is not https://")
            idp_md = verified_metadata(raw, config["SAML_IDP_METADATA_CERT_FILE"], config)
            idp_entity = config.get("SAML_IDP_ENTITY_ID") or ""
    except MetadataError as exc:
        raise NotConfigured(f"IdP metadata refused: {exc}") from None
    client = Saml2Client(config=SPConfig().load(sp_config_dict(config, {"inline": [idp_md]})))
    client.users = _NoIdentityCache()
    verify, pair = backchannel_tls(config)
    client.request_args["verify"] = verify
    client.request_args["cert"] = pair
    if not idp_entity:
        found = list(client.metadata.identity_providers())
        if len(found) != 1:
            raise NotConfigured("the IdP metadata must hold exactly one IdP")
        idp_entity = found[0]
    return Entities(client=client, idp_entity_id=idp_entity, server=server)
