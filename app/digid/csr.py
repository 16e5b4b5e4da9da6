"""`python -m app.digid.csr`: the SP key and a certificate signing request (CSR) for the
PKIoverheid certificate, made before the portal can start.

Production refuses to start until the key and certificate files exist (app.checks), so this runs
without building the app: it reads only the key's path from the configuration. An existing key is
never replaced (the certificate that goes with it may already be in use); a new CSR is made for
it. Send the CSR to the PKIoverheid supplier, put the certificate they return at
SAML_SP_CERT_FILE, and the portal starts."""

from __future__ import annotations

from pathlib import Path

import click
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from app.config import config_from_env

# PKIoverheid asks for RSA of at least 2048 bits; 3072 lasts the certificate's lifetime.
KEY_BITS = 3072


def load_or_make_key(key_file: Path) -> tuple[rsa.RSAPrivateKey, bool]:
    """The key at key_file, or a new one written there (mode 0600). True when it is new."""
    if key_file.is_file():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise click.ClickException(f"{key_file} is not an RSA key")
        return key, False
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    # Created with 0600 from the start: the key is never readable by others, not even briefly.
    with key_file.open("xb") as out:
        key_file.chmod(0o600)
        out.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return key, True


def signing_request(
    key: rsa.RSAPrivateKey, organisation: str, common_name: str, oin: str
) -> x509.CertificateSigningRequest:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if oin:
        # PKIoverheid carries the organisation's OIN in the subject's serialNumber.
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, oin))
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name(attributes))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
        .sign(key, hashes.SHA256())
    )


@click.command()
@click.option("--organisation", required=True, help="Legal name, e.g. 'Gemeente Rijnstad'.")
@click.option("--common-name", required=True, help="Host name, e.g. 'mijn.rijnstad.nl'.")
@click.option("--oin", default="", help="The organisation's OIN (20 digits), if you have one.")
@click.option("--key", "key_path", default="", help="Key file; default SAML_SP_KEY_FILE.")
@click.option("--csr", "csr_path", required=True, help="Where to write the CSR (PEM).")
def main(organisation: str, common_name: str, oin: str, key_path: str, csr_path: str) -> None:
    """Make the SP key (if missing) and a CSR for the PKIoverheid certificate."""
    if oin and not (oin.isdigit() and len(oin) == 20):
        raise click.ClickException("--oin is 20 digits")
    key_file = Path(key_path or config_from_env().SAML_SP_KEY_FILE)
    key, new = load_or_make_key(key_file)
    request = signing_request(key, organisation, common_name, oin)
    Path(csr_path).write_bytes(request.public_bytes(serialization.Encoding.PEM))
    click.echo(f"{'Created' if new else 'Kept the existing'} key {key_file}")
    click.echo(f"Certificate signing request written to {csr_path}.")
    click.echo("Send it to your PKIoverheid supplier; put the certificate at SAML_SP_CERT_FILE.")


if __name__ == "__main__":
    main()
