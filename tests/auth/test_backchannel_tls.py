"""The ArtifactResolve back channel over real HTTPS on loopback with mutual TLS (design 2.4):
the server demands a client certificate (ssl.CERT_REQUIRED). With our client certificate the
login works; without it, or when DigiD's server certificate is not trusted, the login stops on
the kind 'DigiD does not work right now' page. Throwaway CA and certificates, made here."""

from __future__ import annotations

import ipaddress
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.config import TestConfig
from app.demo import DEMO_RESIDENTS
from app.digid.entities import entities
from tests.conftest import free_port
from tests.digid import acs_params, assert_refused, choose, is_logged_in, login_as, start_login

JAN = DEMO_RESIDENTS[0]


@dataclass
class Pki:
    ca: Path
    server_crt: Path
    server_key: Path
    client_crt: Path
    client_key: Path
    other_ca: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _write_cert(cert: x509.Certificate, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, common_name: str, server: bool
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return key, builder.sign(ca_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    ca_key, ca_cert = _ca("Throwaway test CA")
    server_key, server_cert = _leaf(ca_key, ca_cert, "was-preprod.test", server=True)
    client_key, client_cert = _leaf(ca_key, ca_cert, "Mijn Overzicht back channel", server=False)
    _, other_ca = _ca("Some other CA")
    return Pki(
        ca=_write_cert(ca_cert, d / "ca.pem"),
        server_crt=_write_cert(server_cert, d / "server.pem"),
        server_key=_write_key(server_key, d / "server.key"),
        client_crt=_write_cert(client_cert, d / "client.pem"),
        client_key=_write_key(client_key, d / "client.key"),
        other_ca=_write_cert(other_ca, d / "other-ca.pem"),
    )


@pytest.fixture(scope="module")
def tls_app(app: Flask, app_overrides: dict[str, object], pki: Pki) -> Iterator[Flask]:
    """The same app served over HTTPS that requires a client certificate; its test IdP (and
    so its ArtifactResolutionService) lives at that https:// address."""
    port = free_port()
    tls = create_app(
        TestConfig,
        **{
            **app_overrides,
            "SAML_SP_BASE_URL": f"https://127.0.0.1:{port}",
            "SAML_BACKCHANNEL_CA_FILE": str(pki.ca),
            "SAML_BACKCHANNEL_CERT_FILE": str(pki.client_crt),
            "SAML_BACKCHANNEL_KEY_FILE": str(pki.client_key),
            "SAML_HTTP_TIMEOUT": 5,
        },
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server_crt, pki.server_key)
    context.load_verify_locations(pki.ca)
    context.verify_mode = ssl.CERT_REQUIRED
    server = make_server("127.0.0.1", port, tls, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tls
    server.shutdown()


pytestmark = pytest.mark.usefixtures("seeded")


def test_login_over_mutual_tls(tls_app: Flask) -> None:
    client = tls_app.test_client()
    with tls_app.app_context():
        request_args = entities(tls_app).client.request_args
    assert request_args["verify"].endswith("ca.pem")
    assert request_args["cert"][0].endswith("client.pem")
    assert request_args["timeout"] == 5
    response = login_as(client, JAN.bsn)
    assert response.status_code == 200, response.status_code
    assert is_logged_in(client)


def _artifact(client: object) -> dict[str, str]:
    page = start_login(client)  # type: ignore[arg-type]
    return acs_params(choose(client, page, JAN.bsn))  # type: ignore[arg-type]


@pytest.mark.parametrize("change", ["no-client-certificate", "untrusted-server"])
def test_back_channel_refused(
    tls_app: Flask, pki: Pki, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    client = tls_app.test_client()
    params = _artifact(client)
    with tls_app.app_context():
        request_args = entities(tls_app).client.request_args
    if change == "no-client-certificate":
        monkeypatch.delitem(request_args, "cert")
    else:
        monkeypatch.setitem(request_args, "verify", str(pki.other_ca))
    with tls_app.app_context():
        response = client.get(
            "/saml/acs",
            query_string={"SAMLart": params["SAMLart"], "RelayState": params["RelayState"]},
        )
        text = assert_refused(response, client, 503)
    assert "DigiD" in text
