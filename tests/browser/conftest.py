"""Real Chromium (Debian's /usr/bin/chromium) through Playwright, against the `live_server`.

`visit(path, width=..., js=..., bsn=...)` opens a page in a fresh browser context; with `bsn` the
context is logged in first through the real DigiD flow (login page -> test IdP -> ACS -> /).
Screenshots of every visited page go to bench/out/screens/ (not committed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from accessibility.audit import AXE_JS, CHROMIUM, chromium

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


@pytest.fixture
def visit(browser: Browser, live_server: str) -> Iterator[Visit]:
    contexts: list[BrowserContext] = []
    logged_in: dict[str, Any] = {}

    def new_context(width: int, js: bool, state: Any = None) -> BrowserContext:
        context = browser.new_context(
            viewport={"width": width, "height": 800},
            java_script_enabled=js,
            storage_state=state,
            locale="nl-NL",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    def storage_for(bsn: str) -> Any:
        # One login per test: a new login may end the earlier session of the same resident.
        if bsn not in logged_in:
            page = new_context(DESKTOP_WIDTH, js=True).new_page()
            login_in_browser(page, live_server, bsn)
            logged_in[bsn] = page.context.storage_state()
        return logged_in[bsn]

    def _visit(
        path: str,
        *,
        width: int = DESKTOP_WIDTH,
        js: bool = True,
        bsn: str | None = None,
        status: int = 200,
        init_script: str | None = None,
    ) -> Page:
        state = storage_for(bsn) if bsn else None
        page = new_context(width, js, state).new_page()
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


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    def take(page: Page, label: str) -> None:
        SCREENS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{request.node.name}-{label}")
        page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)

    return take
