"""TEST_IDP_ENABLED=0 in the demo configuration: no test IdP, DigiD (preproduction) from
SAML_IDP_METADATA_FILE instead, without the whole production set-up. Run in a fresh process
because the configuration classes read the environment when they are imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask import Flask

from app.config import ROOT
from tests.auth.idp_metadata import DIGID_BASE, digid_like_metadata

PROBE = """
from app import create_app
from app.digid.entities import entities
app = create_app()
with app.app_context():
    ent = entities(app)
    print("test-idp routes:", any(r.rule.startswith("/test-idp") for r in app.url_map.iter_rules()))
    print("server:", ent.server)
    print("idp:", ent.idp_entity_id)
"""


def _probe(
    tmp_path: Path, app_overrides: dict[str, object], flag: str | None
) -> tuple[dict[str, str], Path]:
    metadata = tmp_path / "digid-preprod.xml"
    env = {
        **os.environ,
        "MIJN_CONFIG": "demo",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}",
        "SAML_SP_KEY_FILE": str(app_overrides["SAML_SP_KEY_FILE"]),
        "SAML_SP_CERT_FILE": str(app_overrides["SAML_SP_CERT_FILE"]),
        "SAML_IDP_METADATA_FILE": str(metadata),
        "SAML_IDP_METADATA_CERT_FILE": str(app_overrides["TEST_IDP_CERT_FILE"]),
    }
    env.pop("TEST_IDP_ENABLED", None)
    if flag is not None:
        env["TEST_IDP_ENABLED"] = flag
    return env, metadata


def _run(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_demo_can_use_digid_metadata_instead_of_the_test_idp(
    app: Flask, app_overrides: dict[str, object], tmp_path: Path
) -> None:
    env, metadata = _probe(tmp_path, app_overrides, "0")
    metadata.write_bytes(digid_like_metadata(app.config))
    out = _run(env)
    assert "test-idp routes: False" in out
    assert "server: None" in out
    assert f"idp: {DIGID_BASE}" in out


def test_the_demo_keeps_its_test_idp_by_default(
    app: Flask, app_overrides: dict[str, object], tmp_path: Path
) -> None:
    env, _metadata = _probe(tmp_path, app_overrides, None)
    out = _run(env)
    assert "test-idp routes: True" in out
