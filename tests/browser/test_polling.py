"""The live refresh polls every interval while the tab is visible and backs off while it is hidden,
in real Chromium, without real waiting.

Playwright's clock drives the page's timers (run_for fires every timer due in that span), and an
init script stands in for the tab being hidden or shown: it answers document.hidden and
document.visibilityState and sends "visibilitychange", as the browser does when a tab goes to the
background. Polls are counted twice: in the page, the moment the request is sent (so "none" can be
asserted right after the fake hour), and on the network.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.browser.conftest import Polls, record_news

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]


@pytest.mark.parametrize("path, region", [("/", "#overzicht"), ("/tijdlijn", "#tijdlijn-live")])
def test_polls_every_interval_while_visible_back_off_while_hidden_and_catch_up_when_shown(
    polls: Polls, app: Flask, live_server: str, path: str, region: str
) -> None:
    page = polls.page
    page.goto(f"{live_server}{path}")
    page.wait_for_function("() => window.htmx !== undefined")
    base = app.config["LIVE_POLL_SECONDS"] * 1000
    most = app.config["LIVE_POLL_MAX_SECONDS"] * 1000

    # Visible: a poll every base interval, also when nothing changed (a 304), so a change made
    # by staff shows within that interval (issue 15).
    for _ in range(5):
        assert polls.advance(base - 1000) == 0, "a poll before the interval"
        assert polls.advance(1000) == 1, "no poll at the interval"
        assert polls.seen[-1].headers.get("if-none-match"), "the poll sends the page's ETag"

    # Hidden: it backs off, from twice the interval up to the maximum, and no further.
    assert polls.set_hidden(True) == 0
    wait = min(2 * base, most)
    while True:
        assert polls.advance(wait - 1000) == 0, f"a hidden poll before {wait} ms"
        assert polls.advance(1000) == 1, f"no hidden poll at {wait} ms"
        if wait == most:
            break
        wait = min(2 * wait, most)
    assert polls.advance(most - 1000) == 0
    assert polls.advance(1000) == 1
    record_news("Huisbezoek")

    # Shown again: one poll at once, which brings the news; then the base interval again.
    assert polls.set_hidden(False) == 1
    page.wait_for_function(
        "(region) => document.querySelector(region).innerText.includes('Huisbezoek')", arg=region
    )
    assert polls.advance(base - 1000) == 0
    assert polls.advance(1000) == 1

    # Every poll counted in the page went over the network, and no other.
    page.wait_for_function("(n) => window.__polls.sent === n", arg=len(polls.seen))
    assert len(polls.seen) == polls.sent()
