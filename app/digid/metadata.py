"""SAML metadata: our signed SP metadata for Logius, and the check on the IdP's metadata.

Shape of the SP metadata (design 2.1): AuthnRequestsSigned and WantAssertionsSigned, one signing
KeyDescriptor, the Artifact ACS at index 0, SOAP and Redirect single logout, no cacheDuration or
validUntil and no algorithm extensions (pysaml2 would list md5 there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree
from saml2.config import Config as Saml2Config
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.sigver import CryptoBackendXmlSec1, SignatureError, XmlsecError, security_context
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from app.digid.sp_config import sp_config_dict

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
_ROOTS = {f"{{{MD}}}EntityDescriptor", f"{{{MD}}}EntitiesDescriptor"}
_ALLOWED_TRANSFORMS = {
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
}


def artifact_resolution_locations(raw: bytes) -> list[str] | None:
    """Every ArtifactResolutionService address in IdP metadata, or None when it is not XML.

    The back channel carries the resident's BSN, so production accepts only https addresses
    (and the TLS certificate is always verified: app.digid.sp_config.backchannel_tls)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(raw, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return [str(e.get("Location") or "") for e in root.iter(f"{{{MD}}}ArtifactResolutionService")]


def plain_http_artifact_locations(raw: bytes) -> list[str]:
    """The ArtifactResolutionService addresses that are not https://."""
    return [u for u in artifact_resolution_locations(raw) or [] if not u.startswith("https://")]


class MetadataError(Exception):
    """The IdP metadata is unsigned, signed by another key, or not metadata at all."""


def _signed(conf: Saml2Config) -> str:
    ed = entity_descriptor(conf)
    ed.extensions = None  # drops the alg:DigestMethod/SigningMethod list (with md5)
    _, xml = sign_entity_descriptor(ed, None, security_context(conf), SIG_RSA_SHA256, DIGEST_SHA256)
    return str(xml)


def sp_metadata_xml(config: dict[str, Any]) -> str:
    """Our SP metadata, unsigned (what the built-in test IdP loads)."""
    ed = entity_descriptor(SPConfig().load(sp_config_dict(config, None)))
    ed.extensions = None
    return str(ed)


# Signing runs xmlsec1; the signed document is kept per settings and certificate file version.
_signed_sp_cache: dict[tuple[Any, ...], str] = {}
_SP_SETTINGS = ("SAML_SP_BASE_URL", "SAML_SP_ENTITY_ID", "SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE")


def signed_sp_metadata_xml(config: dict[str, Any]) -> str:
    """Our SP metadata signed with the SAML signing key: the file Logius gets."""
    cert = Path(config["SAML_SP_CERT_FILE"])
    version = cert.stat().st_mtime_ns if cert.is_file() else None
    key = (*(config.get(k) for k in _SP_SETTINGS), version)
    if key not in _signed_sp_cache:
        _signed_sp_cache.clear()
        _signed_sp_cache[key] = _signed(SPConfig().load(sp_config_dict(config, None)))
    return _signed_sp_cache[key]


def sign_metadata(conf: Saml2Config) -> str:
    return _signed(conf)


def verified_metadata(raw: bytes, cert_file: str, config: dict[str, Any]) -> str:
    """The metadata text, after checking that its root element is signed by `cert_file`.

    Only the root's own enveloped signature counts, so a signed fragment cannot vouch for
    unsigned entities around it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(raw, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MetadataError(f"not XML ({type(exc).__name__})") from None
    if root.tag not in _ROOTS:
        raise MetadataError("not SAML metadata")
    root_id = root.get("ID")
    signatures = root.findall(f"{{{DS}}}Signature")
    if not root_id or len(signatures) != 1:
        raise MetadataError("the metadata is not signed")
    references = signatures[0].findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != f"#{root_id}":
        raise MetadataError("the signature does not cover the whole metadata")
    transforms = {t.get("Algorithm") for t in references[0].iter(f"{{{DS}}}Transform")}
    if not transforms <= _ALLOWED_TRANSFORMS:
        raise MetadataError("the signature uses transforms we do not accept")
    node_name = root.tag.replace("{", "").replace("}", ":")
    crypto = CryptoBackendXmlSec1(config["SAML_XMLSEC_BINARY"])
    try:
        ok = crypto.validate_signature(raw, cert_file, "pem", node_name, root_id)
    except (SignatureError, XmlsecError) as exc:
        raise MetadataError(f"signature check failed ({type(exc).__name__})") from None
    if not ok:
        raise MetadataError("the signature is not by the configured certificate")
    return raw.decode("utf-8")
