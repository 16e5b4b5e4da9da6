"""The live refresh polls only while the tab is visible, in real Chromium, without real waiting.

Playwright's clock drives the page's timers (run_for fires every timer due in that span), and an
init script stands in for the tab being hidden or shown: it answers document.hidden and
document.visibilityState and sends "visibilitychange", as the browser does when a tab goes to the
background. Polls are counted twice: in the page, the moment the request is sent (so "none" can be
asserted right after the fake hour), and on the network.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.browser.conftest import HOUR_MS, Polls, record_news

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]


@pytest.mark.parametrize("path, region", [("/", "#overzicht"), ("/tijdlijn", "#tijdlijn-live")])
def test_polls_back_off_stop_while_hidden_and_catch_up_when_shown(
    polls: Polls, app: Flask, live_server: str, path: str, region: str
) -> None:
    page = polls.page
    page.goto(f"{live_server}{path}")
    page.wait_for_function("() => window.htmx !== undefined")
    base = app.config["LIVE_POLL_SECONDS"] * 1000
    most = app.config["LIVE_POLL_MAX_SECONDS"] * 1000

    # Visible: a poll after the base interval. Nothing changed (304), so each next wait is twice
    # as long, up to the maximum, and no longer.
    wait = base
    while True:
        assert polls.advance(wait - 1000) == 0, f"a poll before {wait} ms"
        assert polls.advance(1000) == 1, f"no poll at {wait} ms"
        assert polls.seen[-1].headers.get("if-none-match"), "the poll sends the page's ETag"
        if wait == most:
            break
        wait = min(2 * wait, most)

    # Hidden: not one poll over a fake hour, though something changes meanwhile.
    assert polls.set_hidden(True) == 0
    record_news("Huisbezoek")
    assert polls.advance(HOUR_MS) == 0
    assert "Huisbezoek" not in page.inner_text(region)

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
