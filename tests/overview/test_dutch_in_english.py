"""Issue 14 item 3: on English pages the words the organisations wrote in Dutch (task titles,
descriptions, reasons, answers, what to bring) are marked lang="nl" (WCAG 3.1.2); on Dutch pages
nothing is marked."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.services.accounts import resident_for_bsn
from tests.html import check_page, text_of
from tests.login import log_in

JAN = DEMO_RESIDENTS[0].bsn


def _as(client: FlaskClient, language: str) -> None:
    jan = resident_for_bsn(JAN)
    assert jan is not None
    jan.language = language
    db.session.commit()
    log_in(client, JAN)


def test_english_pages_mark_the_dutch_words(app: Flask, seeded: None, client: FlaskClient) -> None:
    _as(client, "en")
    overview = check_page(client.get("/").data)
    assert overview.html["lang"] == "en"
    items = "section[aria-labelledby=voor-u] .what, section[aria-labelledby=voor-org] .what"
    titles = [text_of(p) for p in overview.select(items)]
    marked = [
        text_of(s)
        for s in overview.select(", ".join(f'{i} [lang="nl"]' for i in items.split(", ")))
    ]
    assert titles and marked == titles
    news = [text_of(s) for s in overview.select('section[aria-labelledby=nieuws] [lang="nl"]')]
    timeline = check_page(client.get("/tijdlijn").data)
    marked_lines = [text_of(s) for s in timeline.select('main .what [lang="nl"]')]
    assert marked_lines, "task titles in timeline lines are marked"
    assert not any(line.startswith("Moet ik") for line in marked_lines + news), (
        "a resident's own question is theirs"
    )
    documents = check_page(client.get("/documenten").data)
    assert documents.select('.what [lang="nl"]')
    summary = check_page(client.get("/overzicht/print").data)
    assert summary.select('.what [lang="nl"]')


def test_dutch_pages_mark_nothing(app: Flask, seeded: None, client: FlaskClient) -> None:
    _as(client, "nl")
    for path in ("/", "/documenten", "/overzicht/print"):
        page = check_page(client.get(path).data)
        assert not page.select("main [lang]"), path
