"""The installable app (issue 17) from the server's side: manifest, worker, offline page, the
'keep my overview' choice and what the server tells the worker to keep or to forget."""

from __future__ import annotations

import json
from urllib.parse import unquote

from flask import Flask
from flask.testing import FlaskClient

from app.demo import DEMO_RESIDENTS
from app.device import CLEAR_SITE_DATA, FORGET, KEEP_COOKIE, KEEP_HEADER
from tests.html import check_page, text_of
from tests.login import log_in
from tests.staff.conftest import csrf

RED, OTHER = DEMO_RESIDENTS[0].bsn, DEMO_RESIDENTS[1].bsn


def test_manifest_has_what_an_installable_app_needs(client: FlaskClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    data = json.loads(response.data)
    assert data["lang"] == "nl"
    assert data["display"] == "standalone"
    assert data["start_url"] == "/"
    assert data["name"] and data["short_name"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in data["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        assert image.data.startswith(b"\x89PNG")


def test_every_page_links_manifest_icons_and_worker(client: FlaskClient, seeded: None) -> None:
    for path in ("/inloggen", "/toegankelijkheid", "/offline"):
        soup = check_page(client.get(path).data)
        assert soup.select_one("link[rel=manifest]")["href"] == "/manifest.webmanifest"
        assert soup.select_one("link[rel=apple-touch-icon]")
        assert soup.select_one("meta[name=theme-color]")
        assert soup.select_one('script[src^="/static/js/sw-register.js"]')


def test_worker_is_served_from_the_root_with_its_shell(client: FlaskClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    first = body.splitlines()[0]
    assert first.startswith('var SHELL = ["/offline"')
    assert "/static/css/main.css?v=" in first


def test_offline_page_names_no_one(client: FlaskClient, seeded: None) -> None:
    # The worker fetches it without cookies, so it is the page for no one in particular.
    soup = check_page(client.get("/offline").data)
    assert text_of(soup.h1) == "U heeft geen internet"
    assert "Ingelogd" not in text_of(soup)
    assert soup.select_one('a.button[href="/"]')


def test_keep_is_off_by_default_and_explained(client: FlaskClient, seeded: None) -> None:
    log_in(client, RED)
    soup = check_page(client.get("/account").data)
    section = soup.select_one("section[aria-labelledby=toestel]")
    assert section is not None
    assert "Doe dit alleen op uw eigen telefoon of computer" in text_of(section)
    button = section.select_one("form[method=post] button[name=keep]")
    assert button["value"] == "on"
    assert client.get("/").headers[KEEP_HEADER] == FORGET


def test_keep_on_marks_overview_and_off_clears(client: FlaskClient, seeded: None) -> None:
    log_in(client, RED)
    response = client.post(
        "/account/toestel", data={"keep": "on", "csrf_token": csrf(client, "/account")}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account#toestel")
    overview = client.get("/")
    note = unquote(overview.headers[KEEP_HEADER])
    assert note.startswith("U heeft geen internet. Dit is uw overzicht van ")
    assert " uur." in note
    soup = check_page(client.get("/account").data)
    assert "worden bewaard op dit toestel" in text_of(soup.select_one("#toestel").parent)
    assert soup.select_one("#toestel").parent.select_one("button[name=keep]")["value"] == "off"

    response = client.post(
        "/account/toestel", data={"keep": "off", "csrf_token": csrf(client, "/account")}
    )
    # The account page after it tells the worker to forget what it kept.
    assert client.get(response.headers["Location"]).headers[KEEP_HEADER] == FORGET
    assert client.get("/").headers[KEEP_HEADER] == FORGET


def test_keep_choice_belongs_to_one_resident(app: Flask, client: FlaskClient, seeded: None) -> None:
    log_in(client, RED)
    client.post("/account/toestel", data={"keep": "on", "csrf_token": csrf(client, "/account")})
    cookie = client.get_cookie(KEEP_COOKIE)
    assert cookie is not None
    # Someone else logs in on the same device: their overview is not kept.
    log_in(client, OTHER)
    client.set_cookie(KEEP_COOKIE, cookie.value)
    assert client.get("/").headers[KEEP_HEADER] == FORGET
    client.set_cookie(KEEP_COOKIE, "forged")
    assert client.get("/").headers[KEEP_HEADER] == FORGET


def test_logout_and_expiry_clear_site_data(client: FlaskClient, seeded: None) -> None:
    log_in(client, RED)
    response = client.post("/uitloggen", data={"csrf_token": csrf(client, "/account")})
    assert response.headers["Clear-Site-Data"] == CLEAR_SITE_DATA
    landing = client.get(response.headers["Location"])
    assert landing.headers[KEEP_HEADER] == FORGET
    assert client.get("/sessie-verlopen").headers["Clear-Site-Data"] == CLEAR_SITE_DATA


def test_keep_needs_a_resident(client: FlaskClient) -> None:
    response = client.post(
        "/account/toestel", data={"keep": "on", "csrf_token": csrf(client, "/toegankelijkheid")}
    )
    assert response.status_code in (302, 303)
    assert "/inloggen" in response.headers["Location"]
    assert client.get_cookie(KEEP_COOKIE) is None


def test_summary_pdf_is_marked_to_keep_only_after_opting_in(
    client: FlaskClient, seeded: None
) -> None:
    log_in(client, RED)
    before = client.get("/overzicht.pdf")
    assert before.status_code == 200 and before.mimetype == "application/pdf"
    assert before.headers[KEEP_HEADER] == FORGET
    client.post("/account/toestel", data={"keep": "on", "csrf_token": csrf(client, "/account")})
    after = client.get("/overzicht.pdf")
    assert after.mimetype == "application/pdf"
    assert unquote(after.headers[KEEP_HEADER]).startswith("U heeft geen internet.")
