"""SAML metadata: our signed SP metadata in the shape DigiD asks for (design 1.6, 2.1), the
`flask saml-metadata` command, and the signature check on the IdP's metadata before use."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree

from app import create_app
from app.config import ProductionConfig
from app.digid.entities import entities
from app.digid.metadata import MetadataError, verified_metadata
from app.digid.sp_config import NotConfigured
from tests.auth.idp_metadata import digid_like_metadata
from tests.html import check_page, text_of

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"md": MD, "ds": DS}
ARTIFACT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
SOAP = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"


def assert_digid_shaped(xml: bytes, app: Flask, cert_file: str) -> None:
    root = etree.fromstring(xml)
    assert root.tag == f"{{{MD}}}EntityDescriptor"
    (sp,) = root.xpath("md:SPSSODescriptor", namespaces=NS)
    assert sp.get("AuthnRequestsSigned") == "true"
    assert sp.get("WantAssertionsSigned") == "true"
    keys = sp.xpath("md:KeyDescriptor", namespaces=NS)
    assert [k.get("use") for k in keys] == ["signing"]
    assert len(keys[0].xpath(".//ds:X509Certificate", namespaces=NS)) == 1
    acs = sp.xpath("md:AssertionConsumerService", namespaces=NS)
    assert [(a.get("Binding"), a.get("index")) for a in acs] == [(ARTIFACT, "0")]
    slo = {s.get("Binding") for s in sp.xpath("md:SingleLogoutService", namespaces=NS)}
    assert slo == {SOAP, REDIRECT}
    for element in root.iter():
        assert element.get("cacheDuration") is None and element.get("validUntil") is None
    assert not root.xpath("//md:Extensions", namespaces=NS)
    assert b"md5" not in xml
    # Signed over the whole document with our signing key.
    assert root.xpath("ds:Signature", namespaces=NS)
    verified_metadata(xml, cert_file, app.config)


def test_metadata_endpoint_is_signed_and_digid_shaped(
    client: FlaskClient, app: Flask, app_overrides: dict[str, object]
) -> None:
    response = client.get("/saml/metadata")
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    assert_digid_shaped(response.get_data(), app, str(app_overrides["SAML_SP_CERT_FILE"]))


def test_metadata_command_writes_the_file_for_logius(
    app: Flask, app_overrides: dict[str, object], tmp_path: Path
) -> None:
    out = tmp_path / "sp-metadata.xml"
    result = app.test_cli_runner().invoke(args=["saml-metadata", str(out)])
    assert result.exit_code == 0, result.output
    assert "Logius" in result.output
    assert_digid_shaped(out.read_bytes(), app, str(app_overrides["SAML_SP_CERT_FILE"]))


@pytest.fixture
def signed_idp_metadata(app: Flask) -> bytes:
    # At an https:// address like DigiD's: production refuses a plain-http back channel.
    return digid_like_metadata(app.config)


def test_signed_idp_metadata_is_accepted(
    app: Flask, app_overrides: dict[str, object], signed_idp_metadata: bytes
) -> None:
    text = verified_metadata(
        signed_idp_metadata, str(app_overrides["TEST_IDP_CERT_FILE"]), app.config
    )
    assert "ArtifactResolutionService" in text


def _unsigned(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for signature in root.xpath("ds:Signature", namespaces=NS):
        root.remove(signature)
    return bytes(etree.tostring(root))


def _wrapped(xml: bytes) -> bytes:
    """Signature wrapping: the signed original hidden inside, an unsigned copy as the root."""
    signed = etree.fromstring(xml)
    forged = etree.fromstring(_unsigned(xml))
    forged.set("ID", "id-forged")
    extensions = etree.SubElement(forged, f"{{{MD}}}Extensions")
    extensions.append(signed)
    forged.insert(0, extensions)
    return bytes(etree.tostring(forged))


@pytest.mark.parametrize(
    ("change", "cert"),
    [
        pytest.param(lambda xml: _unsigned(xml), "TEST_IDP_CERT_FILE", id="unsigned"),
        pytest.param(
            lambda xml: xml.replace(b"/test-idp/ars", b"/evil/ars"),
            "TEST_IDP_CERT_FILE",
            id="tampered",
        ),
        pytest.param(lambda xml: xml, "SAML_SP_CERT_FILE", id="signed-by-another-key"),
        pytest.param(lambda xml: _wrapped(xml), "TEST_IDP_CERT_FILE", id="wrapped"),
        pytest.param(lambda xml: b"garbage", "TEST_IDP_CERT_FILE", id="not-xml"),
        pytest.param(lambda xml: b"<a ID='x'/>", "TEST_IDP_CERT_FILE", id="not-metadata"),
    ],
)
def test_bad_idp_metadata_is_refused(
    app: Flask,
    app_overrides: dict[str, object],
    signed_idp_metadata: bytes,
    change: object,
    cert: str,
) -> None:
    with pytest.raises(MetadataError):
        verified_metadata(
            change(signed_idp_metadata),  # type: ignore[operator]
            str(app_overrides[cert]),
            app.config,
        )


def production_app(
    app: Flask, app_overrides: dict[str, object], database_url: str, metadata: Path, **extra: object
) -> Flask:
    return create_app(
        ProductionConfig,
        SECRET_KEY="a-long-random-production-secret-for-this-test",
        BSN_HASH_KEY="production-bsn-hash-key",
        BSN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        SQLALCHEMY_DATABASE_URI=database_url,
        SAML_SP_BASE_URL=app.config["SAML_SP_BASE_URL"],
        SAML_SP_ENTITY_ID="https://mijn.example.nl/saml/metadata",
        PORTAL_URL="https://mijn.example.nl",
        SAML_SP_KEY_FILE=app_overrides["SAML_SP_KEY_FILE"],
        SAML_SP_CERT_FILE=app_overrides["SAML_SP_CERT_FILE"],
        SAML_IDP_METADATA_FILE=str(metadata),
        **extra,
    )


def digid_production_app(
    app: Flask, app_overrides: dict[str, object], database_url: str, metadata: Path, **extra: object
) -> Flask:
    """production_app on this metadata, trusted with the test IdP's certificate (DigiD-like)."""
    return production_app(
        app,
        app_overrides,
        database_url,
        metadata,
        SAML_IDP_METADATA_CERT_FILE=app_overrides["TEST_IDP_CERT_FILE"],
        **extra,
    )


@pytest.mark.parametrize("problem", ["unsigned", "no-certificate-configured"])
def test_production_refuses_idp_metadata_it_cannot_trust(
    app: Flask,
    app_overrides: dict[str, object],
    database_url: str,
    tmp_path: Path,
    signed_idp_metadata: bytes,
    problem: str,
) -> None:
    metadata = tmp_path / "digid-metadata.xml"
    extra: dict[str, object] = {}
    if problem == "unsigned":
        metadata.write_bytes(_unsigned(signed_idp_metadata))
        extra["SAML_IDP_METADATA_CERT_FILE"] = app_overrides["TEST_IDP_CERT_FILE"]
    else:
        metadata.write_bytes(signed_idp_metadata)
    prod = production_app(app, app_overrides, database_url, metadata, **extra)
    with prod.app_context(), pytest.raises(NotConfigured):
        entities(prod)
    # The resident sees a kind 'DigiD does not work right now' page, not an error.
    response = prod.test_client().get("/inloggen/digid", base_url="https://mijn.example.nl")
    assert response.status_code == 503
    assert "DigiD" in text_of(check_page(response.get_data()))


def test_test_idp_serves_signed_metadata(
    client: FlaskClient, app: Flask, app_overrides: dict[str, object]
) -> None:
    response = client.get("/test-idp/metadata")
    assert response.status_code == 200
    text = verified_metadata(
        response.get_data(), str(app_overrides["TEST_IDP_CERT_FILE"]), app.config
    )
    assert "SingleLogoutService" in text


def test_metadata_is_signed_once_per_certificate(client: FlaskClient) -> None:
    first = client.get("/saml/metadata").get_data()
    assert client.get("/saml/metadata").get_data() == first


def test_saml_check_command(
    app: Flask, app_overrides: dict[str, object], database_url: str, tmp_path: Path
) -> None:
    ok = app.test_cli_runner().invoke(args=["saml-check"])
    assert ok.exit_code == 0, ok.output
    assert "metadata signature checked" in ok.output
    assert "/test-idp/ars" in ok.output
    metadata = tmp_path / "digid-metadata.xml"
    metadata.write_bytes(_unsigned(digid_like_metadata(app.config)))
    prod = digid_production_app(
        app,
        app_overrides,
        database_url,
        metadata,
    )
    bad = prod.test_cli_runner().invoke(args=["saml-check"])
    assert bad.exit_code == 1
    assert "not signed" in bad.output
