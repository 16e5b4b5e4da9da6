"""Real Chromium (Debian's /usr/bin/chromium) through Playwright, against the `live_server`.

`visit(path, width=..., js=..., bsn=...)` opens a page in a fresh browser context; with `bsn` the
context starts logged in as that resident (`log_in_context`). To check a page at several widths,
load it once and resize it (accessibility.audit.set_width): a context and a load cost more than
the checks.
Screenshots of every visited page go to bench/out/screens/ (not committed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Request
from playwright.sync_api import Error as PlaywrightError

from accessibility.audit import AXE_JS, CHROMIUM, chromium
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Resident, StaffMember
from app.services.accounts import resident_for_bsn
from app.services.timeline import Actor, record_event
from tests.login import session_cookie

SCREENS = Path(__file__).resolve().parents[2] / "bench" / "out" / "screens"
DESKTOP_WIDTH = 1024
# Long enough for a cold start of the app's first request; short enough that a hang fails.
TIMEOUT_MS = 15_000


class Visit(Protocol):
    def __call__(
        self,
        path: str,
        *,
        width: int = ...,
        js: bool = ...,
        bsn: str | None = ...,
        status: int = ...,
        init_script: str | None = ...,
    ) -> Page: ...


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make deps` (Debian package chromium)")
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make deps` (npm ci)")
    with chromium() as browser:
        yield browser


def login_in_browser(page: Page, base_url: str, bsn: str) -> None:
    """The resident's real path: login page, DigiD button, pick the BSN at the test IdP."""
    page.goto(f"{base_url}/inloggen")
    page.click("#digid-login")
    page.check(f'input[name=bsn][value="{bsn}"]')
    page.click("button[name=action][value=login]")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture(scope="session")
def user_agent(browser: Browser) -> str:
    """Chromium's User-Agent: a session made for the browser is made for this one."""
    context = browser.new_context()
    try:
        return str(context.new_page().evaluate("navigator.userAgent"))
    finally:
        context.close()


def log_in_context(
    context: BrowserContext, app: Flask, who: str | Resident | StaffMember, user_agent: str
) -> None:
    """The browser context starts logged in (tests/login.py); the real DigiD flow in the browser
    is tested in test_selfservice_live.py, the staff login form in test_staff_accessibility.py."""
    context.add_cookies([session_cookie(app, who, user_agent=user_agent)])  # type: ignore[list-item]


@pytest.fixture
def visit(browser: Browser, app: Flask, live_server: str, user_agent: str) -> Iterator[Visit]:
    contexts: list[BrowserContext] = []

    def new_context(width: int, js: bool) -> BrowserContext:
        context = browser.new_context(
            viewport={"width": width, "height": 800},
            java_script_enabled=js,
            locale="nl-NL",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    def _visit(
        path: str,
        *,
        width: int = DESKTOP_WIDTH,
        js: bool = True,
        bsn: str | None = None,
        status: int = 200,
        init_script: str | None = None,
    ) -> Page:
        context = new_context(width, js)
        if bsn:
            log_in_context(context, app, bsn, user_agent)
        page = context.new_page()
        if init_script:  # runs before the page's own scripts (e.g. a browser without speech)
            page.add_init_script(init_script)
        response = page.goto(f"{live_server}{path}")
        assert response is not None
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        if bsn:
            assert page.url == f"{live_server}{path}", f"not logged in: ended on {page.url}"
        return page

    yield _visit
    for context in contexts:
        context.close()


def focus_on_summary(page: Page) -> bool:
    """Whether the focus goes to the error summary (htmx moves it when the swap has settled)."""
    try:
        page.wait_for_function("() => document.activeElement.matches('.error-summary')")
    except PlaywrightError:
        return False
    return True


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    def take(page: Page, label: str) -> None:
        SCREENS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.name}-{label}")
        page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)

    return take


# The live refresh under Playwright's clock (test_polling.py, test_live_focus.py).
# An init script stands in for the tab being hidden or shown and counts the polls.
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
