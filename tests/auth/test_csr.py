"""Production's way in: `python -m app.digid.csr` makes the SP key and a CSR for the PKIoverheid
certificate under production settings, before the portal itself can start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from app import create_app
from app.checks import SettingsError
from app.config import ROOT, ProductionConfig
from app.digid import csr

OIN = "00000001234567890000"


def test_the_module_runs_under_production_settings_while_the_app_cannot_start(
    tmp_path: Path,
) -> None:
    key, request = tmp_path / "saml" / "sp.key", tmp_path / "sp.csr"
    with pytest.raises(SettingsError):
        create_app(ProductionConfig, SAML_SP_KEY_FILE=str(key))
    env = {"MIJN_CONFIG": "production", "SAML_SP_KEY_FILE": str(key), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.digid.csr",
            "--organisation",
            "Gemeente Rijnstad",
            "--common-name",
            "mijn.rijnstad.example.nl",
            "--oin",
            OIN,
            "--csr",
            str(request),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert key.stat().st_mode & 0o077 == 0, "the key is readable by the owner only"
    parsed = x509.load_pem_x509_csr(request.read_bytes())
    assert parsed.is_signature_valid
    subject = parsed.subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Gemeente Rijnstad"
    assert (
        subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "mijn.rijnstad.example.nl"
    )
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == OIN
    private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    assert parsed.public_key().public_numbers() == private.public_key().public_numbers()  # type: ignore[union-attr]


def test_an_existing_key_is_kept(tmp_path: Path) -> None:
    key = tmp_path / "sp.key"
    args = ["--organisation", "G", "--common-name", "mijn.example.nl", "--key", str(key)]
    first = CliRunner().invoke(csr.main, [*args, "--csr", str(tmp_path / "a.csr")])
    assert first.exit_code == 0, first.output
    before = key.read_bytes()
    again = CliRunner().invoke(csr.main, [*args, "--csr", str(tmp_path / "b.csr")])
    assert again.exit_code == 0 and "Kept the existing key" in again.output
    assert key.read_bytes() == before


def test_a_wrong_oin_is_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        csr.main,
        ["--organisation", "G", "--common-name", "x", "--oin", "12", "--csr", str(tmp_path / "c")],
    )
    assert result.exit_code != 0 and "--oin is 20 digits" in result.output
