"""What a checker cannot see: hidden things must stay hidden, in Chromium with JavaScript off, in
a browser without speech, and in a text browser (w3m), which knows no CSS and shows the content of
<template> elements. Every resident page is dumped with `w3m -dump` as it comes from the server.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from playwright.sync_api import Browser

from tests.browser.conftest import Visit, log_in_context
from tests.browser.test_resident_pages import (
    MOHAMED,
    PAGES,
    RED,
    open_resident_page,
    resident_page,
)
from tests.i18n import nl

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

# A browser with no speech at all (old browsers, some phones).
NO_SPEECH = """(() => {
  for (const name of ["speechSynthesis", "SpeechSynthesisUtterance"]) {
    delete window[name];
    delete Window.prototype[name];
  }
})()"""
# The forms with an upload progress bar, by page name in resident_pages.
PROGRESS_PAGES = ("upload", "send-other", "ask", "thread")


def test_without_javascript_no_read_aloud_button_and_no_progress_bar(visit: Visit) -> None:
    overview = visit("/", bsn=RED, js=False)
    assert overview.locator("main button").filter(has_text="Lees voor").count() == 0
    assert overview.locator("main .readaloud").is_hidden()
    for name in PROGRESS_PAGES:
        page = open_resident_page(visit, name, js=False)
        bar = page.locator("main progress")
        assert bar.count() == 1, name
        assert bar.is_hidden(), f"{name}: an empty progress bar shows"
        page.context.close()


def test_without_speech_no_read_aloud_button(visit: Visit) -> None:
    for path, bsn in (("/", RED), ("/afspraken", MOHAMED)):
        page = visit(path, bsn=bsn, init_script=NO_SPEECH)
        page.wait_for_load_state("load")
        assert page.evaluate("() => !('speechSynthesis' in window)")
        assert page.locator("main button").filter(has_text="Lees voor").count() == 0, path
        assert page.locator("main .readaloud").is_hidden(), path


def hidden_texts(html: str) -> list[str]:
    """The text of everything the page hides: `hidden` elements, templates, script templates."""
    soup = BeautifulSoup(html, "html.parser")
    texts = []
    for el in soup.select("[hidden], template, script[type='text/html']"):
        inner = (
            el.get_text(" ")
            if el.name != "script"
            else BeautifulSoup(el.string or "", "html.parser").get_text(" ")
        )
        texts += [t.strip() for t in inner.split("\n") if t.strip()]
    return texts


def w3m_dump(html: str) -> str:
    result = subprocess.run(
        ["w3m", "-dump", "-T", "text/html", "-cols", "80", "-O", "UTF-8", "-I", "UTF-8"],
        input=html.encode(),
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


# The overview and the statement, then every page of test_resident_pages.py.
TEXT_PAGES: dict[str, tuple[str, str | None] | None] = {
    "overview": ("/", RED),
    "accessibility": ("/toegankelijkheid", RED),
    **dict.fromkeys(PAGES),
}


@pytest.mark.parametrize("name", list(TEXT_PAGES))
def test_text_browser_shows_no_hidden_content_on_any_resident_page(
    visit: Visit, browser: Browser, app: Flask, live_server: str, user_agent: str, name: str
) -> None:
    if not shutil.which("w3m"):
        pytest.fail("w3m is missing: run `make deps` (Debian package w3m)")
    never = [
        nl(app, "For your safety you will be logged out in %(minutes)d minutes.", minutes=2),
        nl(app, "Stay logged in"),
        nl(app, "Read aloud"),
        nl(app, "Stop reading"),
        nl(app, "Sending"),
    ]
    path, bsn = TEXT_PAGES[name] or resident_page(visit, name)
    # The page as the server sends it, to the resident's browser (no need to render it there).
    context = browser.new_context(locale="nl-NL")
    try:
        if bsn:
            log_in_context(context, app, bsn, user_agent)
        response = context.request.get(f"{live_server}{path}")
        assert response.ok, f"{name}: HTTP {response.status}"
        assert response.url == f"{live_server}{path}", f"{name}: ended on {response.url}"
        html = response.text()
    finally:
        context.close()
    dump = w3m_dump(html)
    assert dump.strip(), f"{name}: w3m shows nothing"
    shown = [text for text in never + hidden_texts(html) if text in dump]
    assert shown == [], f"{name} ({path}): w3m shows {shown}"
