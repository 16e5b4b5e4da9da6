"""Every `next` goes through app.local_paths.safe_local_path: no way off-site, however it is
spelled (tabs, newlines, control characters, backslashes, percent-escapes)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from app.local_paths import safe_local_path

HOSTILE = [
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%252F/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /evil",
    "",
    None,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_anything_that_could_lead_elsewhere_becomes_the_front_page(value: str | None) -> None:
    assert safe_local_path(value) == "/"


@pytest.mark.parametrize(
    "value", ["/", "/documenten", "/vragen/12", "/tijdlijn?pagina=2", "/documenten?zoek=a%20b"]
)
def test_local_paths_pass_unchanged(value: str) -> None:
    assert safe_local_path(value) == value


def _language_form(page: bytes) -> tuple[str, str]:
    soup = BeautifulSoup(page, "html.parser")
    form = soup.select_one("footer form[action='/taal']")
    assert form is not None
    token = form.select_one("input[name=csrf_token]")["value"]
    return str(token), str(form.select_one("input[name=next]")["value"])


@pytest.mark.parametrize("path", ["/%09/evil.example", "/%5C/evil.example", "/%0A/evil.example"])
def test_language_button_on_a_404_stays_on_this_site(client: FlaskClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    token, next_value = _language_form(page.data)
    response = client.post("/taal", data={"csrf_token": token, "lang": "en", "next": next_value})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/%2F/evil.example", "/\\evil.example"])
def test_choose_language_refuses_hostile_next(client: FlaskClient, target: str) -> None:
    token, _next = _language_form(client.get("/toegankelijkheid").data)
    response = client.post("/taal", data={"csrf_token": token, "lang": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_choose_language_keeps_a_local_next(client: FlaskClient) -> None:
    token, _next = _language_form(client.get("/toegankelijkheid").data)
    response = client.post(
        "/taal", data={"csrf_token": token, "lang": "en", "next": "/toegankelijkheid"}
    )
    assert response.headers["Location"] == "/toegankelijkheid"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/%2F%2Fevil.example", "/\n/evil"])
def test_stay_logged_in_refuses_hostile_next(
    app: Flask, resident_client: FlaskClient, target: str
) -> None:
    token, _next = _language_form(resident_client.get("/").data)
    response = resident_client.post("/sessie/verlengen", data={"csrf_token": token, "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
