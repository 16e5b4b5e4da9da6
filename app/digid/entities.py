"""The DigiD settings turned into pysaml2 objects: the SP client and, in demo/test, the test IdP
(registered by app.testidp through use_test_idp).

Built once per app (xmlsec1 and metadata parsing are slow) and rebuilt when a setting changes.
The IdP metadata is only used after its signature has been checked (design 1.6)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from saml2.client import Saml2Client
from saml2.config import SPConfig

from app.digid.logs import quiet_saml_logging
from app.digid.metadata import MetadataError, plain_http_artifact_locations, verified_metadata
from app.digid.sp_config import NotConfigured, backchannel_tls, sp_config_dict

# (server, verified IdP metadata, IdP entity id) of the built-in test IdP, from the app config.
TestIdpBuilder = Callable[[dict[str, Any]], tuple[Any, str, str]]

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
        built = _build(app.config, app.extensions.get("digid_test_idp"))
        app.extensions["digid"] = (key, built)
        return built


def use_test_idp(app: Flask, builder: TestIdpBuilder) -> None:
    """Demo and tests: the built-in test IdP (app.testidp) plays DigiD. Registered by that
    package, so production code never imports it."""
    app.extensions["digid_test_idp"] = builder


def _build(config: dict[str, Any], test_idp: TestIdpBuilder | None) -> Entities:
    quiet_saml_logging()
    server = None
    try:
        if config["TEST_IDP_ENABLED"]:
            if test_idp is None:
                raise NotConfigured("TEST_IDP_ENABLED, but the test IdP is not registered")
            server, idp_md, idp_entity = test_idp(config)
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
