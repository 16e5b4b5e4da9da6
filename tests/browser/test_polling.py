"""The live refresh polls only while the tab is visible, in real Chromium, without real waiting.

Playwright's clock drives the page's timers (run_for fires every timer due in that span), and an
init script stands in for the tab being hidden or shown: it answers document.hidden and
document.visibilityState and sends "visibilitychange", as the browser does when a tab goes to the
background. Polls are counted twice: in the page, the moment the request is sent (so "none" can be
asserted right after the fake hour), and on the network.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Request

from app.extensions import db
from app.services.accounts import resident_for_bsn
from app.services.demo import DEMO_RESIDENTS
from app.services.timeline import Actor, record_event
from tests.browser.conftest import TIMEOUT_MS, log_in_context

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

RED = DEMO_RESIDENTS[0].bsn
HOUR_MS = 3600 * 1000

# Runs before the page's own scripts: a switchable visibility, and a count of the polls sent
# (live.js marks them with an X-Poll header) and answered.
FAKE_VISIBILITY = """(() => {
  let hidden = false;
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  Object.defineProperty(document, "visibilityState", {
    configurable: true, get: () => (hidden ? "hidden" : "visible") });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  window.__polls = { sent: 0, answered: 0 };
  const setHeader = XMLHttpRequest.prototype.setRequestHeader;
  XMLHttpRequest.prototype.setRequestHeader = function (name, value) {
    if (name === "X-Poll") window.__polls.sent += 1;
    return setHeader.call(this, name, value);
  };
  document.addEventListener("htmx:afterRequest", (evt) => {
    if (evt.detail.elt && evt.detail.elt.matches && evt.detail.elt.matches("[data-poll]")) {
      window.__polls.answered += 1;
    }
  });
})()"""


class Polls:
    """The page, its fake clock and its poll counts."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.seen: list[Request] = []
        page.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        if request.headers.get("x-poll") == "1":
            self.seen.append(request)

    def sent(self) -> int:
        return int(self.page.evaluate("() => window.__polls.sent"))

    def settle(self) -> None:
        """Wait until every poll sent has been answered and handled by live.js."""
        self.page.wait_for_function("() => window.__polls.answered === window.__polls.sent")

    def advance(self, ms: int) -> int:
        """Run the fake clock `ms` on; return how many polls it sent (all answered on return)."""
        before = self.sent()
        self.page.clock.run_for(ms)
        self.settle()
        return self.sent() - before

    def set_hidden(self, hidden: bool) -> int:
        before = self.sent()
        self.page.evaluate("(hidden) => window.__setHidden(hidden)", hidden)
        self.settle()
        return self.sent() - before


@pytest.fixture
def polls(
    browser: Browser,
    app: Flask,
    live_server: str,
    user_agent: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Polls]:
    # A long idle limit: the fake hours below must not end the session in the page (app.js).
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 24 * 60)
    monkeypatch.setitem(app.config, "SESSION_MAX_HOURS", 24)
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    log_in_context(context, app, RED, user_agent)
    page = context.new_page()
    page.goto(f"{live_server}/")
    page.clock.install()  # from here on the page's timers run on Playwright's clock
    page.add_init_script(FAKE_VISIBILITY)
    yield Polls(page)
    context.close()


def record_news(subject: str) -> None:
    resident = resident_for_bsn(RED)
    assert resident is not None and resident.dossier is not None
    record_event(resident.dossier, "contact_recorded", Actor.system(), subject=subject)
    db.session.commit()


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
