"""/tijdlijn and the overview's live refresh, through the real pages after a DigiD login."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.services.accounts import resident_for_bsn
from app.services.timeline import Actor, record_event
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request
from tests.i18n import nl
from tests.login import log_in
from tests.querycount import count_queries

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)


def test_timeline_lists_newest_first_with_who_and_organisation(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    log_in(client, RED)
    response = client.get("/tijdlijn")
    assert response.status_code == 200
    soup = check_page(response.data)
    assert text_of(soup.h1) == nl(app, "Timeline")
    items = soup.select("ol.events > li")
    assert items, "events are listed"
    stamps = [li.select_one("time")["datetime"] for li in items]
    assert stamps == sorted(stamps, reverse=True)
    done = next(
        text_of(li) for li in items if "Klaar: Loonstrook van oktober sturen" in text_of(li)
    )
    assert "Door P. Jansen, Gemeente Rijnstad" in done
    assert any("Door u" in text_of(li) for li in items), "the resident's own actions too"
    # The menu marks where the resident is.
    assert text_of(soup.select_one("nav a[aria-current=page]")) == nl(app, "Timeline")


def test_show_more_is_a_plain_link_and_an_htmx_append(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    log_in(client, LONG)
    soup = check_page(client.get("/tijdlijn").data)
    first_ids = [li.select_one("time")["datetime"] for li in soup.select("ol.events > li")]
    more = soup.select_one("p.more a")
    assert more is not None and more["href"].startswith("/tijdlijn?vanaf=")
    assert more["hx-get"] == more["href"] and more["hx-target"] == "closest p"

    plain = check_page(client.get(more["href"]).data)
    older = [li.select_one("time")["datetime"] for li in plain.select("ol.events > li")]
    assert older and max(older) <= min(first_ids)
    assert plain.select_one("a[href='/tijdlijn']")

    fragment = client.get(more["href"], headers=fragment_request("/tijdlijn"))  # target: no id
    assert b"<html" not in fragment.data and b"<h1" not in fragment.data
    part = BeautifulSoup(fragment.data, "html.parser")
    assert len(part.select("ol.events > li")) == len(older)
    assert "HX-Request" in fragment.headers["Vary"]


def test_query_count_does_not_grow_with_history(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    counts = {}
    for bsn in (GREEN, LONG):
        log_in(client, bsn)
        with count_queries(db.engine) as counter:
            assert client.get("/tijdlijn").status_code == 200
        counts[bsn] = counter.count
    assert counts[LONG] == counts[GREEN]


def test_unchanged_dossier_answers_304_until_something_happens(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    log_in(client, RED)
    for url, target in (("/", "#overzicht"), ("/tijdlijn", "#tijdlijn-live")):
        page = check_page(client.get(url).data)
        link = page.select_one("p.refresh a[data-poll]")
        assert link["href"] == url and link["hx-get"] == url and link["hx-target"] == target
        etag = link["data-etag"]
        refresh = fragment_request(url, target=target.removeprefix("#"))
        poll = {**refresh, "X-Poll": "1", "If-None-Match": f'"{etag}"'}
        unchanged = client.get(url, headers=poll)
        assert unchanged.status_code == 304
        assert unchanged.data == b""
        assert "HX-Request" in unchanged.headers["Vary"]
        # Flask-Compress may append ':gzip' to the tag the browser holds.
        assert (
            client.get(url, headers={**poll, "If-None-Match": f'"{etag}:gzip"'}).status_code == 304
        )

    resident = resident_for_bsn(RED)
    assert resident is not None and resident.dossier is not None
    record_event(resident.dossier, "contact_recorded", Actor.system(), subject="Telefoongesprek")
    db.session.commit()

    changed = client.get("/tijdlijn", headers=poll)
    assert changed.status_code == 200
    assert changed.headers["ETag"].strip('"') != etag
    fragment = check_page(changed.data, partial=True)
    assert "Contact met u: Telefoongesprek" in text_of(fragment.select_one("ol.events > li"))


def test_plain_browser_revalidation_with_last_modified(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    log_in(client, GREEN)
    first = client.get("/tijdlijn")
    assert first.headers["Cache-Control"] == "private, no-store"
    again = client.get("/tijdlijn", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_anonymous_timeline_goes_to_login(app: Flask, client: FlaskClient) -> None:
    response = client.get("/tijdlijn")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen")
