"""A resident registered by staff logs in with DigiD (the test IdP, in a real browser) and sees
their overview: the go-live path for a resident who had no dossier."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Browser

from app.demo import DEMO_BSN_WITHOUT_DOSSIER
from app.services.accounts import resident_for_bsn
from tests.browser.conftest import TIMEOUT_MS, log_in_context, login_in_browser
from tests.staff.conftest import JANSEN, staff

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]


def test_a_resident_registered_by_staff_logs_in_and_sees_the_overview(
    browser: Browser, app: Flask, live_server: str, user_agent: str
) -> None:
    # Before: DigiD works, but there is no dossier; the page says how to get one.
    before = browser.new_context(locale="nl-NL")
    before.set_default_timeout(TIMEOUT_MS)
    page = before.new_page()
    page.goto(f"{live_server}/inloggen")
    page.click("#digid-login")
    page.check(f'input[name=bsn][value="{DEMO_BSN_WITHOUT_DOSSIER}"]')
    page.click("button[name=action][value=login]")
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert app.config["HELP_PHONE"] in page.locator("main").inner_text()
    before.close()

    # A staff member registers the resident through the intake form.
    desk = browser.new_context(locale="nl-NL")
    desk.set_default_timeout(TIMEOUT_MS)
    log_in_context(desk, app, staff(JANSEN), user_agent)
    form = desk.new_page()
    form.goto(f"{live_server}/medewerker")
    form.click('main a[href="/medewerker/inwoner/nieuw"]')
    form.fill("#bsn", DEMO_BSN_WITHOUT_DOSSIER)
    form.fill("#first_name", "Nora")
    form.fill("#last_name", "Vermeulen")
    form.fill("#phone", "06 12345678")
    form.check("#language")
    form.check("#channel-1")  # at the desk
    form.click("main form[method=post] button[type=submit]")
    form.wait_for_url(f"{live_server}/medewerker/dossier/*")
    assert "Nora Vermeulen" in form.locator("h1").inner_text()
    desk.close()
    assert resident_for_bsn(DEMO_BSN_WITHOUT_DOSSIER) is not None

    # The resident logs in with DigiD and lands on their overview.
    home = browser.new_context(locale="nl-NL")
    home.set_default_timeout(TIMEOUT_MS)
    page = home.new_page()
    login_in_browser(page, live_server, DEMO_BSN_WITHOUT_DOSSIER)
    assert "Vermeulen" in page.locator("body").inner_text()  # the header names who is in
    assert page.locator("main h1").count() == 1
    assert page.locator("main .light-now").count() == 1  # the overview's traffic light
    home.close()
