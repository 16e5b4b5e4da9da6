"""Every resident page beyond the overview, in real Chromium, and every form's error state.

Each page: no axe-core WCAG 2.2 A/AA violations and no horizontal scroll at 320, 640 and 1024 px,
nor at 200% text at those widths. The page is loaded once and resized to each width (set_width),
the text back to 100% in between. The pages that need an id (a task to send a document for, an
appointment to move, a question) are reached by following the link a resident sees, in the same
browser, so the test walks the site as a person would.

Error states: each form is sent empty (or wrong) with JavaScript off, the plain HTML path; the
page that comes back must show the error summary and be as accessible as the page itself.

Last, a guard: every GET page of the app is audited here, in test_accessibility.py or in
test_staff_accessibility.py, or it is listed below with the reason it is not a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from accessibility.audit import (
    NARROW_WIDTH,
    audit,
    horizontal_overflow,
    overflowing_elements,
    reset_text_size,
    set_text_size,
    set_width,
)
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Notification
from app.models.notification import Channel
from app.services import staff_auth
from app.services.accounts import resident_for_bsn
from app.services.notifications.confirmation import address_changed
from app.services.notifications.unsubscribe import make_token
from app.services.storage import LocalStorage
from tests.browser.conftest import DESKTOP_WIDTH, TIMEOUT_MS, Visit, focus_on_summary
from tests.staff.conftest import VISSER, staff

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

Screenshot = Callable[[Page, str], None]

RED = DEMO_RESIDENTS[0].bsn  # Jan: documents to send
MOHAMED = DEMO_RESIDENTS[4].bsn  # a booked appointment
TEXT_200_WIDTHS = (NARROW_WIDTH, 2 * NARROW_WIDTH, DESKTOP_WIDTH)

# Routes that answer GET but are not pages a person reads, and why.
NOT_PAGES = {
    "admin.export": "CSV file",
    "appointments.calendar_file": "iCalendar file",
    "auth.acs": "SAML endpoint: redirects on",
    "auth.login_digid": "redirects to DigiD",
    "auth.metadata": "SAML metadata (XML)",
    "auth.slo_redirect": "SAML logout: redirects on",
    "documents.download": "the resident's own file",
    "receipts.spryng": "SMS gateway delivery receipts",
    "staff.download": "the resident's file, for staff",
    "staff.summary_pdf": "PDF (tested in tests/summary)",
    "summary.pdf": "PDF (tested in tests/summary)",
    "summary.audio": "MP3 (tested in tests/summary)",
    "staff.summary_audio": "MP3 (tested in tests/summary)",
    "feedback_admin.export": "CSV file",
    "ops.healthz": "health check for the load balancer (plain text)",
    "ops.readyz": "readiness check (plain text)",
    "ops.metrics": "Prometheus metrics (tested in tests/ops)",
    "reports.export": "CSV file",
    "testidp.metadata": "SAML metadata (XML)",
    "testidp.slo": "SAML logout: redirects on",
    "static": "CSS, JS, fonts",
    "favicon": "the icon for old browsers",
    "device.manifest": "web app manifest (JSON, tests/device)",
    "device.worker": "service worker (JS, tests/device)",
}


def links(page: Page, pattern: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("main a[href]", "as => as.map(a => a.pathname)")
    return [h for h in hrefs if re.fullmatch(pattern, h)]


def first_link(visit: Visit, bsn: str, path: str, pattern: str) -> str:
    page = visit(path, bsn=bsn)
    found = links(page, pattern)
    page.context.close()
    assert found, f"no link like {pattern} on {path} for {bsn}"
    return found[0]


# Pages that need an id, found by following the link a resident sees on another page:
# name -> (the page with the link, the link's path pattern, the resident).
LINKED = {
    "upload": ("/documenten", r"/documenten/\d+/sturen", RED),
    "reschedule": ("/afspraken", r"/afspraken/\d+/verzetten", MOHAMED),
    "cancel": ("/afspraken", r"/afspraken/\d+/afzeggen", MOHAMED),
    "thread": ("/vragen", r"/vragen/\d+", RED),
}
# name -> (path, the resident logged in, or None); None as path: made in resident_page().
PAGES: dict[str, tuple[str | None, str | None]] = {
    "documents": ("/documenten", RED),
    "upload": (None, RED),
    "send-other": ("/documenten/iets-anders-sturen", RED),
    "appointments": ("/afspraken", MOHAMED),
    "book": ("/afspraken/maken", MOHAMED),
    "reschedule": (None, MOHAMED),
    "cancel": (None, MOHAMED),
    "questions": ("/vragen", RED),
    "ask": ("/vragen/stellen", RED),
    "thread": (None, RED),
    "timeline": ("/tijdlijn", RED),
    "account": ("/account", RED),
    "who-looked": ("/account/bekeken", RED),
    "print": ("/overzicht/print", RED),
    "pdf-waiting": ("/overzicht/pdf-wordt-gemaakt", RED),
    "listen": ("/overzicht/luisteren", RED),
    "session-expired": ("/sessie-verlopen", None),
    "stop-emails": (None, None),
    "stopped": ("/herinneringen/gestopt", None),
    "confirm-email": (None, None),
    "sms-code": (None, RED),
}


def resident_page(visit: Visit, name: str) -> tuple[str, str | None]:
    """The page's path and who sees it."""
    path, bsn = PAGES[name]
    if path is not None:
        return path, bsn
    if name in LINKED:
        where, pattern, who = LINKED[name]
        return first_link(visit, who, where, pattern), who
    if name == "confirm-email":
        return _link_to_confirm(), None
    if name == "sms-code":
        _link_to_confirm()  # a code is waiting
        return "/account/sms-code", RED
    resident = resident_for_bsn(RED)  # the stop link from a reminder e-mail
    assert resident is not None
    return f"/herinneringen/stoppen/{make_token(resident.id, Channel.EMAIL)}", None


def _link_to_confirm() -> str:
    """Red gives a new e-mail address and mobile number (issue 15): the e-mail link's page,
    and /account/sms-code (which needs a code waiting)."""
    resident = resident_for_bsn(RED)
    assert resident is not None
    address_changed(resident, Channel.EMAIL, resident.email, "nieuw@example.nl")
    address_changed(resident, Channel.SMS, resident.phone, "+31687654321")
    db.session.commit()
    newest = db.session.scalars(
        select(Notification)
        .where(Notification.template == "confirm-email")
        .order_by(Notification.created_at.desc())
    ).first()
    assert newest is not None
    link = newest.personalisation["link"]
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def open_resident_page(
    visit: Visit, name: str, width: int = DESKTOP_WIDTH, js: bool = True
) -> Page:
    """The page loaded in the browser of who sees it. A page that needs an id is reached as a
    resident reaches it: on the page with the link, then following that link."""
    if name not in LINKED:
        path, bsn = resident_page(visit, name)
        return visit(path, width=width, bsn=bsn, js=js)
    where, pattern, who = LINKED[name]
    page = visit(where, width=width, bsn=who, js=js)
    found = links(page, pattern)
    assert found, f"no link like {pattern} on {where} for {who}"
    response = page.goto(urljoin(page.url, found[0]))
    assert response is not None and response.status == 200, f"{found[0]}: HTTP {response}"
    return page


def check(page: Page, name: str, screenshot: Screenshot, width: int | None = None) -> list[str]:
    """axe at the page's width (first resized to `width`), and reflow at this width with 100%
    and 200% text. The text goes back to 100% after, so the page can be checked at the next
    width without loading it again."""
    if width is None:
        width = page.viewport_size["width"] if page.viewport_size else DESKTOP_WIDTH
    else:
        set_width(page, width)
    problems = [f"{name} at {width}px: {v}" for v in audit(page)]
    screenshot(page, f"{name}-{width}px")
    if horizontal_overflow(page):
        problems.append(f"{name} at {width}px: scrolls sideways: {overflowing_elements(page)}")
    set_text_size(page, 200)
    if horizontal_overflow(page):
        problems.append(f"{name} at {width}px, 200% text: {overflowing_elements(page)}")
    reset_text_size(page)
    return problems


@pytest.mark.parametrize("name", list(PAGES))
def test_every_resident_page_passes_axe_and_reflows(
    visit: Visit, screenshot: Screenshot, name: str
) -> None:
    page = open_resident_page(visit, name)
    assert page.locator("h1").count() == 1, f"{name}: not one h1"
    problems: list[str] = []
    for width in TEXT_200_WIDTHS:
        problems += check(page, name, screenshot, width)
    assert problems == [], "\n".join(problems)


def test_the_test_idp_page_passes_axe(visit: Visit, live_server: str) -> None:
    """The page a resident meets between the portal and DigiD, in the demo and the tests."""
    problems: list[str] = []
    page = visit("/inloggen")
    page.click("#digid-login")
    page.wait_for_url(f"{live_server}/test-idp/sso*")
    for width in (DESKTOP_WIDTH, NARROW_WIDTH):
        set_width(page, width)
        problems += [f"test IdP at {width}px: {v}" for v in audit(page)]
        if horizontal_overflow(page):
            problems.append(f"test IdP at {width}px: {overflowing_elements(page)}")
    assert problems == [], "\n".join(problems)


def test_a_bad_stop_link_gets_an_accessible_page(visit: Visit) -> None:
    page = visit("/herinneringen/stoppen/niet-geldig", status=404)
    assert audit(page) == []
    assert "link" in page.locator("h1").inner_text().lower()


# form name -> the page in PAGES it is on (seen by that page's resident)
FORMS = {
    "upload": "upload",
    "send-other": "send-other",
    "book": "book",
    "reschedule": "reschedule",
    "ask": "ask",
    "reply": "thread",
    "account": "account",
}
# Without JavaScript the browser sends the form itself and the server answers with a whole page.
# axe needs JavaScript, so the page keeps it, but the submit event is stopped before htmx sees it:
# the browser then sends the form natively, exactly as it does with JavaScript off.
PLAIN_SUBMIT = "document.addEventListener('submit', (e) => e.stopPropagation(), true)"
CLEAR_FIELDS = """(form) => {
  for (const el of form.querySelectorAll("textarea, input:not([type=hidden])")) {
    if (el.type === "radio" || el.type === "checkbox") el.checked = false;
    else if (el.type !== "submit") el.value = "";
  }
}"""


@pytest.mark.parametrize("plain", [True, False], ids=["no-js", "htmx"])
@pytest.mark.parametrize("name", list(FORMS))
def test_every_form_sent_empty_shows_accessible_errors(
    visit: Visit, screenshot: Screenshot, name: str, plain: bool
) -> None:
    page = open_resident_page(visit, FORMS[name], width=NARROW_WIDTH)
    form = (
        page.locator("main form[method=post]")
        .filter(has=page.locator("textarea, input:not([type=hidden])"))
        .first
    )
    form.evaluate(CLEAR_FIELDS)
    if plain:
        page.evaluate(PLAIN_SUBMIT)
        with page.expect_navigation():
            form.locator("button[type=submit]").last.click()
    else:
        form.locator("button[type=submit]").last.click()
    summary = page.locator(".error-summary")
    summary.wait_for()  # no error summary after an empty send fails here
    problems: list[str] = []
    # One behaviour for a whole page and a form updated in place (GOV.UK): the focus is on the
    # summary, so it is read first.
    if not focus_on_summary(page):
        problems.append(
            f"{name}: focus on "
            + page.evaluate("() => document.activeElement.outerHTML.slice(0, 60)")
        )
    # Every message in the summary links to a field on the page.
    for link in summary.locator("a").all():
        target = (link.get_attribute("href") or "").lstrip("#")
        if not target or page.locator(f"[id='{target}']").count() != 1:
            problems.append(f"{name}: summary link #{target} goes nowhere")
    problems += check(page, f"{name}-errors-{'nojs' if plain else 'htmx'}", screenshot)
    page.context.close()
    assert problems == [], "\n".join(problems)


def test_the_staff_app_set_up_page_passes_axe(
    browser: Browser, live_server: str, screenshot: Screenshot
) -> None:
    """After a reset, staff set up their authenticator app: a page outside the staff tests."""
    member = staff(VISSER)
    password = staff_auth.reset_login(member)
    db.session.commit()
    problems: list[str] = []
    context = browser.new_context(viewport={"width": DESKTOP_WIDTH, "height": 800}, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{live_server}/medewerker/inloggen")
    page.fill("#email", VISSER)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/medewerker/inloggen/app-instellen")
    for width in (DESKTOP_WIDTH, NARROW_WIDTH):
        problems += check(page, "staff-app-set-up", screenshot, width)
    context.close()
    assert problems == [], "\n".join(problems)


def test_every_page_is_audited_somewhere(
    app: Flask, visit: Visit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.browser.test_accessibility import PUBLIC_PAGES
    from tests.browser.test_staff_accessibility import staff_paths

    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    adapter = app.url_map.bind("localhost")
    paths = [path for path, _status in PUBLIC_PAGES.values() if "bestaat-niet" not in path]
    paths += [resident_page(visit, name)[0] for name in PAGES if name not in LINKED]
    # The route a link leads to, whatever its id (the tests above follow the real links).
    paths += [pattern.replace(r"\d+", "1") for _where, pattern, _who in LINKED.values()]
    paths += [path for path, _who in staff_paths(LocalStorage(tmp_path)).values()]
    audited = {adapter.match(path.split("?")[0], method="GET")[0] for path in paths}
    # The overview (test_accessibility.py), the test IdP and the app set-up page (above).
    audited |= {"overview.index", "testidp.sso", "staff.enrol"}
    # The data export's waiting page (test_accessibility.py, its own list: it needs an export),
    # and the feedback comment page (needs a 'Nee' first: its own test below).
    audited |= {"account.export_status", "feedback.comment"}
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and rule.endpoint not in NOT_PAGES
    }
    assert sorted(pages - audited) == [], "pages nobody audits: add them to a test or NOT_PAGES"
    assert sorted(audited - pages) == []


ENGLISH_PAGES = {
    "/": "something you need to do",
    "/documenten": "Documents",
    "/afspraken": "Appointments",
    "/vragen": "Questions",
    "/tijdlijn": "Timeline",
    "/account": "Your contact details",
}


def test_in_english_the_pages_say_so_and_pass_axe(
    visit: Visit, live_server: str, screenshot: Screenshot
) -> None:
    """The footer button switches to English: lang="en" on every page (screen readers switch
    voice), English headings, the way back labelled in Dutch, and still no axe violations."""
    page = visit("/", bsn=RED, width=NARROW_WIDTH)
    page.locator("footer button[lang=en]").click()
    page.wait_for_url(f"{live_server}/")
    problems: list[str] = []
    for path, words in ENGLISH_PAGES.items():
        page.goto(f"{live_server}{path}")
        if page.locator("html").get_attribute("lang") != "en":
            problems.append(f"{path}: html lang is not en")
        if words.lower() not in page.locator("h1").inner_text().lower():
            problems.append(f"{path}: h1 is {page.locator('h1').inner_text()!r}")
        if "Monday to Friday" not in page.locator("footer").inner_text():
            problems.append(f"{path}: the help line's hours are not in English")
        if page.locator("footer button[lang=nl]").count() != 1:
            problems.append(f"{path}: no way back to Dutch, marked lang=nl")
        problems += [f"{path} in English: {v}" for v in audit(page)]
        screenshot(page, f"en-{path.strip('/') or 'overview'}")
    assert problems == [], "\n".join(problems)


def test_the_feedback_comment_page_passes_axe_and_reflows(
    visit: Visit, screenshot: Screenshot, live_server: str
) -> None:
    """'Nee' under a page leads to the comment page (it needs that answer first, so it is not in
    PAGES). The answer is posted as the form would post it without JS."""
    page = visit("/documenten", bsn=RED)
    form = page.locator("form:has(button[name=duidelijk])")
    fields = {
        name: form.locator(f"input[name={name}]").get_attribute("value") or ""
        for name in ("csrf_token", "page", "next")
    }
    answered = page.request.post(
        f"{live_server}/reactie", form={**fields, "duidelijk": "nee"}, max_redirects=0
    )
    assert answered.status in (200, 303), answered.status
    page.goto(f"{live_server}/reactie/toelichting", timeout=TIMEOUT_MS)
    assert page.locator("h1").count() == 1
    problems: list[str] = []
    for width in TEXT_200_WIDTHS:
        problems += check(page, "feedback-comment", screenshot, width)
    assert problems == [], "\n".join(problems)
