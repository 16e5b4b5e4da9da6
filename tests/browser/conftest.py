"""Real Chromium (Debian's /usr/bin/chromium) through Playwright, against the `live_server`.

`visit(path, width=..., js=..., bsn=...)` opens a page in a fresh browser context; with `bsn` the
context starts logged in as that resident (`log_in_context`).
Screenshots of every visited page go to bench/out/screens/ (not committed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from accessibility.audit import AXE_JS, CHROMIUM, chromium
from app.models import Resident, StaffMember
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
    ) -> Page:
        context = new_context(width, js)
        if bsn:
            log_in_context(context, app, bsn, user_agent)
        page = context.new_page()
        response = page.goto(f"{live_server}{path}")
        assert response is not None
        assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"
        if bsn:
            assert page.url == f"{live_server}{path}", f"not logged in: ended on {page.url}"
        return page

    yield _visit
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    def take(page: Page, label: str) -> None:
        SCREENS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.name}-{label}")
        page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)

    return take
