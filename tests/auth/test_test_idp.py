"""The built-in test IdP: its page, its refusals, and that production never has it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from saml2.s_utils import sid

from app import create_app
from app.config import ProductionConfig, TestConfig
from app.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS
from app.digid.sp import entities
from app.testidp import idp
from tests.auth.idp_metadata import DIGID_BASE, digid_like_metadata
from tests.digid import acs_params, idp_form, is_logged_in, local, start_login
from tests.html import check_page, text_of


def test_idp_page_is_marked_as_test_and_offers_every_demo_resident(client: FlaskClient) -> None:
    page = start_login(client)
    soup = check_page(page.get_data())
    assert "Test-DigiD" in soup.h1.get_text()
    form = soup.select_one('form[method="post"][action="/test-idp/sso"]')
    assert form is not None
    labels = [text_of(label) for label in form.select("label")]
    for resident in DEMO_RESIDENTS:
        assert f"{resident.first_name} {resident.last_name} ({resident.bsn})" in labels
    assert any(DEMO_BSN_WITHOUT_DOSSIER in label for label in labels)
    assert form.select_one("input#other-bsn[name=other_bsn]") is not None
    selected = form.select_one("select[name=level] option[selected]")
    assert selected is not None and selected["value"] == "midden"
    buttons = {(b["name"], b["value"]) for b in form.select("button[type=submit]")}
    assert buttons == {("action", "login"), ("action", "cancel")}
    assert set(idp_form(page)) == {"csrf_token", "pending"}


def test_other_bsn_must_pass_the_eleven_test(client: FlaskClient) -> None:
    page = start_login(client)
    data = {**idp_form(page), "bsn": DEMO_RESIDENTS[0].bsn, "other_bsn": "123456789"}
    response = client.post("/test-idp/sso", data={**data, "level": "midden", "action": "login"})
    assert response.status_code == 422
    soup = check_page(response.get_data())
    assert soup.select_one("#other-bsn-error") is not None
    assert soup.select_one("#other-bsn")["value"] == "123456789"


def test_other_bsn_is_used(client: FlaskClient, seeded: None, live_server: str) -> None:
    page = start_login(client)
    data = {**idp_form(page), "bsn": DEMO_RESIDENTS[0].bsn, "other_bsn": DEMO_BSN_WITHOUT_DOSSIER}
    to_acs = client.post("/test-idp/sso", data={**data, "level": "midden", "action": "login"})
    response = client.get(local(to_acs.headers["Location"]))
    assert response.status_code == 200
    check_page(response.get_data())
    assert not is_logged_in(client)


def authn_request_query(client: FlaskClient) -> dict[str, str]:
    location = client.get("/inloggen/digid").headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.mark.parametrize("change", ["unsigned", "bad-signature", "garbage", "empty", "other-relay"])
def test_idp_refuses_bad_authn_requests(client: FlaskClient, change: str) -> None:
    query = authn_request_query(client)
    if change == "unsigned":
        del query["Signature"], query["SigAlg"]
    elif change == "bad-signature":
        first = "B" if query["Signature"][0] == "A" else "A"
        query["Signature"] = first + query["Signature"][1:]
    elif change == "garbage":
        query["SAMLRequest"] = "bm90IHNhbWw="
    elif change == "empty":
        query = {}
    else:
        query["RelayState"] = "/elders.xyz"
    response = client.get("/test-idp/sso?" + urlencode(query))
    assert response.status_code == 400
    check_page(response.get_data())


def test_idp_refuses_a_tampered_pending_field(client: FlaskClient) -> None:
    data = idp_form(start_login(client))
    data["pending"] = data["pending"][:-3] + "xyz"
    response = client.post("/test-idp/sso", data={**data, "bsn": DEMO_RESIDENTS[0].bsn})
    assert response.status_code == 400
    check_page(response.get_data())


def test_ars_refuses_garbage_and_unsigned_requests(
    client: FlaskClient, app: Flask, live_server: str
) -> None:
    assert client.post("/test-idp/ars", data=b"garbage").status_code == 404
    assert client.post("/test-idp/ars", data=b"<a/>").status_code == 404
    page = start_login(client)
    data = {**idp_form(page), "bsn": DEMO_RESIDENTS[0].bsn, "level": "midden", "action": "login"}
    art = acs_params(client.post("/test-idp/sso", data=data))["SAMLart"]
    sp = entities(app).client
    dest = app.config["SAML_SP_BASE_URL"] + "/test-idp/ars"
    _, unsigned = sp.create_artifact_resolve(art, dest, sid(), sign=False)
    soap = sp.use_soap(unsigned, dest)["data"]
    response = client.post("/test-idp/ars", data=soap, content_type="text/xml")
    assert response.status_code == 404


def test_metadata(client: FlaskClient) -> None:
    sp = client.get("/saml/metadata").get_data(as_text=True)
    assert 'AuthnRequestsSigned="true"' in sp and 'WantAssertionsSigned="true"' in sp
    assert "HTTP-Artifact" in sp and 'index="0"' in sp
    idp = client.get("/test-idp/metadata").get_data(as_text=True)
    assert "ArtifactResolutionService" in idp


def test_production_has_no_test_idp_and_uses_the_metadata_file(
    app: Flask, app_overrides: dict[str, object], database_url: str, tmp_path: Path
) -> None:
    # Stand-in for DigiD's metadata: the test IdP's at an https address, signed with its key.
    metadata = tmp_path / "digid-metadata.xml"
    metadata.write_bytes(digid_like_metadata(app.config))
    prod = create_app(
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
        SAML_IDP_METADATA_CERT_FILE=app_overrides["TEST_IDP_CERT_FILE"],
    )
    assert not [r for r in prod.url_map.iter_rules() if r.rule.startswith("/test-idp")]
    web = prod.test_client()
    assert web.get("/test-idp/sso").status_code == 404
    with prod.app_context():
        ent = entities(prod)
        assert ent.server is None
        assert ent.idp_entity_id == idp.idp_entity_id(
            {**app.config, "SAML_SP_BASE_URL": DIGID_BASE}
        )
        start = web.get("/inloggen/digid", base_url="https://mijn.example.nl")
    assert start.status_code == 303
    assert start.headers["Location"].startswith(DIGID_BASE + "/test-idp/sso?")


def test_saml_keys_command(app_overrides: dict[str, object], tmp_path: Path) -> None:
    paths = {
        "SAML_SP_KEY_FILE": str(tmp_path / "saml" / "sp.key"),
        "SAML_SP_CERT_FILE": str(tmp_path / "saml" / "sp.crt"),
        "TEST_IDP_KEY_FILE": str(tmp_path / "saml" / "idp.key"),
        "TEST_IDP_CERT_FILE": str(tmp_path / "saml" / "idp.crt"),
    }
    app = create_app(TestConfig, **{**app_overrides, **paths})
    first = app.test_cli_runner().invoke(args=["saml-keys"])
    assert first.exit_code == 0, first.output
    assert all(Path(p).is_file() for p in paths.values())
    assert Path(paths["SAML_SP_KEY_FILE"]).stat().st_mode & 0o077 == 0
    before = Path(paths["SAML_SP_KEY_FILE"]).read_bytes()
    second = app.test_cli_runner().invoke(args=["saml-keys"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert Path(paths["SAML_SP_KEY_FILE"]).read_bytes() == before
