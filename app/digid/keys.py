"""Self-signed RSA key and certificate pairs for SAML signing (the SP and the test IdP).

Production SP keys come from the PKIoverheid process instead; these serve the demo and tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def generate_pair(key_file: str | Path, cert_file: str | Path, common_name: str) -> None:
    """Write a new RSA-2048 key (mode 0600) and a 5-year self-signed certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mijn Overzicht (test)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = Path(key_file), Path(cert_file)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def ensure_pair(key_file: str | Path, cert_file: str | Path, common_name: str) -> bool:
    """Create the pair when either file is missing. Returns True when new files were written."""
    if Path(key_file).is_file() and Path(cert_file).is_file():
        return False
    generate_pair(key_file, cert_file, common_name)
    return True


def ensure_keys(config: Mapping[str, Any]) -> list[str]:
    """The SP pair, plus the test IdP pair when the test IdP is on. Returns the files written."""
    written = []
    if ensure_pair(config["SAML_SP_KEY_FILE"], config["SAML_SP_CERT_FILE"], "Mijn Overzicht SP"):
        written += [config["SAML_SP_KEY_FILE"], config["SAML_SP_CERT_FILE"]]
    if config.get("TEST_IDP_ENABLED") and ensure_pair(
        config["TEST_IDP_KEY_FILE"], config["TEST_IDP_CERT_FILE"], "Test-DigiD (geen echte DigiD)"
    ):
        written += [config["TEST_IDP_KEY_FILE"], config["TEST_IDP_CERT_FILE"]]
    return written
