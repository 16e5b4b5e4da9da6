"""Public pages, error pages, headers, static caching and the production settings check."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.checks import SettingsError
from app.config import ProductionConfig, TestConfig
from tests.html import check_page, text_of


def test_accessibility_statement(client: FlaskClient) -> None:
    response = client.get("/toegankelijkheid")
    assert response.status_code == 200
    soup = check_page(response.data)
    assert text_of(soup.h1) == "Toegankelijkheid"
    assert soup.html["lang"] == "nl"
    assert "WCAG 2.2" in text_of(soup.main)
    assert soup.select_one("footer a[href='/toegankelijkheid']")


def test_unknown_page_is_a_kind_404(client: FlaskClient) -> None:
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    soup = check_page(response.data)
    assert text_of(soup.h1) == "Wij kunnen deze pagina niet vinden"
    assert "Bel" in text_of(soup.main), "says whom to call"


def test_unexpected_error_is_a_kind_500(app: Flask, app_overrides: dict[str, object]) -> None:
    fresh = create_app(TestConfig, **app_overrides)

    @fresh.get("/_boom")
    def boom() -> str:
        raise RuntimeError("test")

    fresh.config["PROPAGATE_EXCEPTIONS"] = False
    response = fresh.test_client().get("/_boom")
    assert response.status_code == 500
    soup = check_page(response.data)
    assert text_of(soup.h1) == "Er ging bij ons iets mis"
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/toegankelijkheid")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_own_static_files_are_fingerprinted_and_immutable(client: FlaskClient) -> None:
    soup = check_page(client.get("/toegankelijkheid").data)
    css = soup.select_one("link[rel=stylesheet]")["href"]
    assert css.startswith("/static/css/main.css?v=")
    response = client.get(css)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    script = soup.select_one("script[src^='/static/js/app.js']")
    assert script is not None and script.has_attr("defer")


def test_language_switch_and_its_bad_input(client: FlaskClient) -> None:
    soup = check_page(client.get("/toegankelijkheid").data)
    token = soup.select_one("footer input[name=csrf_token]")["value"]
    # A foreign redirect target is never followed.
    response = client.post(
        "/taal", data={"lang": "en", "next": "//evil.example/", "csrf_token": token}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/"
    english = check_page(client.get("/toegankelijkheid").data)
    assert english.html["lang"] == "en" and text_of(english.h1) == "Accessibility"
    bad = client.post("/taal", data={"lang": "xx", "csrf_token": token})
    assert bad.status_code == 400
    check_page(bad.data)


def test_post_without_csrf_token_is_refused_kindly(client: FlaskClient) -> None:
    response = client.post("/taal", data={"lang": "en"})
    assert response.status_code == 400
    soup = check_page(response.data)
    assert text_of(soup.h1) == "Deze pagina stond te lang open"


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"SECRET_KEY": "demo-only-secret-change-me", "BSN_HASH_KEY": "k" * 32}, "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 32, "BSN_HASH_KEY": "demo-only-bsn-hash-key"}, "BSN_HASH_KEY"),
        (
            {"SECRET_KEY": "s" * 32, "BSN_HASH_KEY": "k" * 32, "TEST_IDP_ENABLED": True},
            "TEST_IDP_ENABLED",
        ),
    ],
)
def test_production_refuses_unsafe_settings(overrides: dict[str, object], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        create_app(ProductionConfig, **overrides)


def _production_settings(tmp_path: Path) -> dict[str, object]:
    files = {}
    for setting in ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE", "SAML_IDP_METADATA_FILE"):
        path = tmp_path / setting.lower()
        path.write_text("placeholder")
        files[setting] = str(path)
    return {
        "SECRET_KEY": "s" * 32,
        "BSN_HASH_KEY": "k" * 32,
        "BSN_ENCRYPTION_KEY": "eW91LXdpbGwtbmV2ZXItZ3Vlc3MtdGhpcy1rZXktMTI=",
        "SAML_SP_ENTITY_ID": "https://portaal.example.nl/saml/metadata",
        "PORTAL_URL": "https://portaal.example.nl",
        **files,
    }


def test_production_says_which_saml_setting_is_missing(tmp_path: Path) -> None:
    settings = _production_settings(tmp_path)
    settings["SAML_SP_KEY_FILE"] = str(tmp_path / "missing.key")
    with pytest.raises(SettingsError, match="SAML_SP_KEY_FILE does not point to a file"):
        create_app(ProductionConfig, **settings)


def test_production_with_all_settings_starts_without_the_test_idp(tmp_path: Path) -> None:
    app = create_app(ProductionConfig, **_production_settings(tmp_path))
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert not any(rule.startswith("/test-idp") for rule in rules)
    assert app.config["SESSION_COOKIE_SECURE"] is True
