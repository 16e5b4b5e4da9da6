"""The portal as an app on the phone (issue 17), in real Chromium: installable (DevTools'
own installability check), the service worker registers, without network a page becomes the
offline page, the overview is kept only after the resident chose so, and logout empties it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from accessibility.audit import CHROMIUM, CHROMIUM_ARGS, audit
from app.services.notifications.push import new_vapid_keys
from tests.browser.conftest import RED, TIMEOUT_MS, Visit, log_in_context

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
KEPT = "(path) => caches.open('kept').then((c) => c.match(path)).then((r) => !!r)"
CACHE_NAMES = "() => caches.keys()"


@pytest.fixture
def context(browser: Browser, tmp_path: Path) -> Iterator[BrowserContext]:
    # A profile on disk: Chromium installs no app from an incognito context (Playwright's
    # new_context), and says so in the installability check ('in-incognito').
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        locale="nl-NL",
        service_workers="allow",
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def controlled_page(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(CONTROLLED)
    return page


def offline_reload(context: BrowserContext, page: Page) -> str:
    context.set_offline(True)
    try:
        page.reload()
        return page.inner_text("h1")
    finally:
        context.set_offline(False)


def test_installable_with_a_valid_linked_manifest(
    context: BrowserContext, live_server: str
) -> None:
    page = context.new_page()
    page.goto(f"{live_server}/inloggen")
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server}/manifest.webmanifest"
    assert manifest["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []


def test_worker_registers_and_offline_shows_the_offline_page(
    context: BrowserContext, live_server: str
) -> None:
    page = controlled_page(context, f"{live_server}/inloggen")
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    assert offline_reload(context, page) == "U heeft geen internet"


def test_overview_kept_only_after_opting_in_and_gone_after_logout(
    app: Flask, context: BrowserContext, live_server: str, user_agent: str
) -> None:
    log_in_context(context, app, RED, user_agent)
    page = controlled_page(context, f"{live_server}/")
    # Not chosen: without network, no overview, only the offline page.
    assert not page.evaluate(KEPT, "/")
    assert offline_reload(context, page) == "U heeft geen internet"

    page.goto(f"{live_server}/account")
    page.click("button[name=keep][value=on]")
    page.wait_for_url(f"{live_server}/account#toestel")
    page.goto(f"{live_server}/")
    overview_heading = page.inner_text("h1")
    page.wait_for_function(KEPT, arg="/")
    assert offline_reload(context, page) == overview_heading
    note = page.inner_text("main .notice")
    assert note.startswith("U heeft geen internet. Dit is uw overzicht van ")

    page.goto(f"{live_server}/")
    page.click("form.who button[type=submit]")
    page.wait_for_url(lambda url: "/uitgelogd" in url or "/inloggen" in url)
    assert "kept" not in page.evaluate(CACHE_NAMES)


def test_switching_off_forgets_the_kept_overview(
    app: Flask, context: BrowserContext, live_server: str, user_agent: str
) -> None:
    log_in_context(context, app, RED, user_agent)
    page = controlled_page(context, f"{live_server}/account")
    page.click("button[name=keep][value=on]")
    page.goto(f"{live_server}/")
    page.wait_for_function(KEPT, arg="/")
    page.goto(f"{live_server}/account")
    page.click("button[name=keep][value=off]")
    page.wait_for_url(f"{live_server}/account#toestel")
    assert page.is_visible("button[name=keep][value=on]")
    assert "kept" not in page.evaluate(CACHE_NAMES)


def test_staff_pages_are_never_kept(context: BrowserContext, live_server: str) -> None:
    page = controlled_page(context, f"{live_server}/inloggen")
    response = page.goto(f"{live_server}/medewerker/inloggen")
    assert response is not None and not response.from_service_worker


def test_account_device_section_with_and_without_js(
    app: Flask,
    visit: Visit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Notices need JS: with it the button shows (and axe finds nothing), without it the
    explanation."""
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", new_vapid_keys()[0])
    page = visit("/account", bsn=RED)
    page.wait_for_selector("button[data-push-on]", state="visible")
    assert page.is_hidden("[data-push-none]")
    assert page.is_visible("button[name=keep][value=on]")
    assert audit(page) == []
    page = visit("/account", bsn=RED, js=False)
    assert page.is_visible("[data-push-none]")
    assert page.is_hidden("button[data-push-on]")
    assert "Dit werkt alleen als JavaScript aan staat" in page.inner_text("main")
