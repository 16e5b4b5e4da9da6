"""Live refresh and upload in real Chromium: the poll sends the ETag and gets a 304 while nothing
changed, swaps in the news when something did; an upload through the boosted form lands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.services.accounts import resident_for_bsn
from app.services.timeline import Actor, record_event
from tests import files
from tests.browser.conftest import login_in_browser

# `browser` is the session-wide Chromium of tests/browser/conftest.py (one Playwright per run).

pytestmark = pytest.mark.browser
RED = DEMO_RESIDENTS[0].bsn


VENDOR_MANIFEST = Path(__file__).resolve().parents[2] / "static" / "vendor" / "manifest.json"


@pytest.fixture
def page(browser: Browser, app: Flask, seeded: None, live_server: str) -> Iterator[Page]:
    if not VENDOR_MANIFEST.exists():
        pytest.fail("htmx is not built into static/vendor/: run `make deps` (or `make assets`)")
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    login_in_browser(page, live_server, RED)
    yield page
    context.close()


def poll(page: Page) -> int:
    """Fire the poll now (instead of waiting for the timer) and return the HTTP status."""
    with page.expect_response(lambda r: r.request.headers.get("x-poll") == "1") as info:
        page.evaluate("() => htmx.trigger(document.querySelector('[data-poll]'), 'poll')")
    response = info.value
    assert response.request.headers.get("if-none-match")
    return response.status


def test_poll_is_304_until_the_dossier_changes(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.wait_for_function("() => window.htmx !== undefined")
    before = page.inner_text("#overzicht")
    assert poll(page) == 304
    assert page.inner_text("#overzicht") == before, "a 304 leaves the page as it is"

    resident = resident_for_bsn(RED)
    assert resident is not None and resident.dossier is not None
    record_event(resident.dossier, "contact_recorded", Actor.system(), subject="Huisbezoek")
    db.session.commit()
    assert poll(page) == 200
    page.wait_for_function(
        "() => document.querySelector('#overzicht').innerText.includes('Huisbezoek')"
    )
    assert poll(page) == 304, "the new ETag is used for the next poll"


def test_upload_with_js_through_the_boosted_form(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/documenten")
    page.click("ul.checklist a.button >> nth=0")
    pdf = tmp_path / "specificatie.pdf"
    pdf.write_bytes(files.pdf())
    page.set_input_files("#files", str(pdf))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/documenten")
    assert "specificatie.pdf" in page.inner_text("ul.checklist")
