"""The service provider's settings as pysaml2 wants them: our URLs, keys and the SAML profile
DigiD asks for. Pure functions of the app config; imported by everything that talks SAML."""

from __future__ import annotations

from typing import Any

from saml2 import BINDING_HTTP_ARTIFACT, BINDING_HTTP_REDIRECT, BINDING_SOAP
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256


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
