"""A background update of a live page (WCAG 2.2.2, 2.4.3, 4.1.3): it never moves the focus and never
replaces the focused element; it is announced once in a polite live region; the resident can turn
automatic updates off and on, with or without JavaScript, and the 'Ververs' link stays.
Playwright's clock drives the polls (fixtures from test_polling.py); nothing waits for real time.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.browser.conftest import HOUR_MS, RED, Polls, Visit, record_news
from tests.browser.speech import fake_speech
from tests.i18n import nl

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

MARK = (
    "(sel) => { document.querySelector(sel).__mine = true; document.querySelector(sel).focus(); }"
)
STILL_MINE = "() => document.activeElement && document.activeElement.__mine === true"


@pytest.mark.parametrize(
    "focus",
    ["#overzicht .readaloud button:first-child", "#overzicht .print-links a:first-child"],
    ids=["read-aloud", "link"],
)
def test_news_arrives_around_the_focused_element_and_is_announced_once(
    polls: Polls, app: Flask, live_server: str, focus: str
) -> None:
    page = polls.page
    page.add_init_script(fake_speech("nl-NL"))
    page.goto(f"{live_server}/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator(focus).wait_for()
    page.evaluate(MARK, focus)

    record_news("Huisbezoek")
    assert polls.advance(app.config["LIVE_POLL_SECONDS"] * 1000) == 1
    page.wait_for_function(
        "() => document.querySelector('#overzicht').innerText.includes('Huisbezoek')"
    )
    assert page.evaluate(STILL_MINE), "the focus moved or the focused element was replaced"
    status = page.locator("[data-poll-status]")
    assert status.inner_text().strip() == nl(app, "Your overview has been updated.")
    assert status.get_attribute("role") == "status"

    # Nothing new: a 304, nothing replaced, nothing said again.
    spoken = status.inner_text()
    assert polls.advance(app.config["LIVE_POLL_MAX_SECONDS"] * 1000) >= 1
    assert page.evaluate(STILL_MINE)
    assert status.inner_text() == spoken


def test_automatic_updates_off_and_on_without_javascript(visit: Visit, app: Flask) -> None:
    page = visit("/", bsn=RED, js=False)
    page.get_by_role("button", name=nl(app, "Turn automatic updates off")).click()
    page.wait_for_load_state()
    assert page.url.endswith("/")
    refresh = page.get_by_role("link", name=nl(app, "Refresh"))
    assert refresh.is_visible(), "the Ververs link stays"
    assert refresh.get_attribute("data-poll") is None
    assert nl(app, "Automatic updates are off. Use Refresh to see changes.") in page.inner_text(
        "main"
    )
    page.get_by_role("button", name=nl(app, "Turn automatic updates on")).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=nl(app, "Refresh")).get_attribute("data-poll")


def test_with_automatic_updates_off_no_polls(polls: Polls, app: Flask, live_server: str) -> None:
    page = polls.page
    page.goto(f"{live_server}/tijdlijn")
    page.wait_for_function("() => window.htmx !== undefined")
    with page.expect_navigation():
        page.get_by_role("button", name=nl(app, "Turn automatic updates off")).click()
    page.wait_for_function("() => window.htmx !== undefined")
    record_news("Huisbezoek")
    assert polls.advance(HOUR_MS) == 0
    assert "Huisbezoek" not in page.inner_text("#tijdlijn-live")
    # The 'Ververs' link still brings the news.
    page.get_by_role("link", name=nl(app, "Refresh")).click()
    page.wait_for_function(
        "() => document.querySelector('#tijdlijn-live').innerText.includes('Huisbezoek')"
    )
