"""Staff pages in real Chromium: no axe-core WCAG 2.2 A/AA violations (at 1024 px and 320 px),
and the caseload and the document review done with the keyboard only.

Staff log in through the real form (e-mail, password, TOTP code from the demo secret).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from accessibility.audit import (
    NARROW_WIDTH,
    audit,
    horizontal_overflow,
    overflowing_elements,
    reset_text_size,
    set_text_size,
    set_width,
)
from app.demo.staff import DEMO_PASSWORD, DEMO_TOTP, TWO_ORGANISATIONS
from app.extensions import db
from app.services import documents
from app.services.storage import LocalStorage
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    TIMEOUT_MS,
    Visit,
    focus_on_summary,
    log_in_context,
)
from tests.browser.test_resident_keyboard import TAB_LIMIT, tab_stop_problems, tab_to
from tests.export.exports import AUDIT_TOKEN, export_with_token
from tests.feedback.answers import feedback_to_handle

# fresh_rate_limits is autouse: every test here logs staff in afresh, past the login limit.
from tests.staff.conftest import (  # noqa: F401
    BAKKER,
    JAN,
    JANSEN,
    VISSER,
    dossier_of,
    fresh_rate_limits,
    received_document,
    resident_of,
    staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

StaffPage = Callable[..., Page]


def login_in_browser(page: Page, base_url: str, email: str) -> None:
    member = staff(email)
    member.totp_last_step = 0  # a step works once; each test logs in afresh
    db.session.commit()
    page.goto(f"{base_url}/medewerker/inloggen")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.fill("#code", pyotp.TOTP(DEMO_TOTP[email]).now())
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/medewerker")


def test_staff_log_in_through_the_form_in_the_browser(browser: Browser, live_server: str) -> None:
    """The one real staff login in a browser; the other browser tests start logged in."""
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        login_in_browser(page, live_server, JANSEN)
        assert page.locator("h1").count() == 1
    finally:
        context.close()


@pytest.fixture
def storage(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStorage:
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return LocalStorage(tmp_path / "uploads")


@pytest.fixture
def staff_page(
    browser: Browser, app: Flask, live_server: str, user_agent: str
) -> Iterator[StaffPage]:
    contexts: list[BrowserContext] = []

    def open_page(path: str, email: str | None = JANSEN, width: int = DESKTOP_WIDTH) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="nl-NL")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if email:
            log_in_context(context, app, staff(email), user_agent)
        page = context.new_page()
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)
        return page

    yield open_page
    for context in contexts:
        context.close()


STAFF_PAGES = [
    "login",
    "caseload",
    "caseload-search",
    "dossier",
    "review",
    "add-item",
    "contact",
    "look-along",
    "print",
    "listen",
    "slots",
    "book-for",
    "ask-for",
    "caseload-two-orgs",
    "switch-organisation",
    "admin",
    "admin-staff",
    "answer",
    "upload-for",
    "new-resident",
    "link-organisation",
    "admin-organisation",
    "new-organisation",
    "data-export",
    "reports",
    "feedback-admin",
    "feedback-call-back",
]


def staff_paths(storage: LocalStorage) -> dict[str, tuple[str, str | None]]:
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    jan = dossier_of(JAN).id
    base = f"/medewerker/dossier/{jan}"
    paths = {
        "login": ("/medewerker/inloggen", None),
        "caseload": ("/medewerker", JANSEN),
        "caseload-search": ("/medewerker?zoek=vries&licht=red", JANSEN),
        "dossier": (base, BAKKER),
        "review": (f"{base}/document/{doc.id}", BAKKER),
        "add-item": (f"{base}/item-toevoegen", JANSEN),
        "contact": (f"{base}/contact", JANSEN),
        "look-along": (f"{base}/meekijken", JANSEN),
        "print": (f"{base}/samenvatting", JANSEN),
        "listen": (f"{base}/luisteren", JANSEN),
        "slots": ("/medewerker/afspraaktijden", JANSEN),
        "book-for": (f"{base}/namens/afspraak", JANSEN),
        "ask-for": (f"{base}/namens/vraag", JANSEN),
        # Staff in two organisations get the switcher in the header, and its own page.
        "caseload-two-orgs": ("/medewerker", TWO_ORGANISATIONS[1]),
        "switch-organisation": ("/medewerker/organisatie", TWO_ORGANISATIONS[1]),
        "admin": ("/beheer", VISSER),
        "admin-staff": (f"/beheer/medewerker/{staff(JANSEN).id}", VISSER),
    }
    paths["answer"] = (f"{base}/vraag/{_question(JAN, 'gemeente-rijnstad')}", JANSEN)
    upload = next(i.task.id for i in documents.checklist(dossier_of(JAN)) if i.can_upload)
    paths["upload-for"] = (f"{base}/namens/document/{upload}", JANSEN)
    paths["new-resident"] = ("/medewerker/inwoner/nieuw", JANSEN)
    paths["link-organisation"] = (f"{base}/organisatie-koppelen", JANSEN)
    gemeente = next(m.organisation_id for m in staff(VISSER).memberships if m.role == "beheerder")
    paths["admin-organisation"] = (f"/beheer/organisatie/{gemeente}", VISSER)
    # The demo's platform administrator.
    paths["new-organisation"] = ("/beheer/organisaties/nieuw", VISSER)
    export_with_token(resident_of(JAN), AUDIT_TOKEN, staff=staff(JANSEN))
    paths["data-export"] = (f"/medewerker/gegevens/{AUDIT_TOKEN}", JANSEN)
    paths["reports"] = ("/beheer/rapportage", VISSER)
    call_back = feedback_to_handle(resident_of(JAN))
    paths["feedback-admin"] = ("/beheer/reacties", VISSER)
    paths["feedback-call-back"] = (f"/beheer/reacties/{call_back}/terugbellen", VISSER)
    assert sorted(paths) == sorted(STAFF_PAGES)
    return paths


def _question(bsn: str, slug: str) -> int:
    """A question waiting for an answer from the organisation `slug`."""
    from flask import current_app

    from app.services import questions
    from app.services.timeline import Actor

    dossier = dossier_of(bsn)
    organisation = next(o for o in dossier.organisations if o.slug == slug)
    with current_app.test_request_context():
        found = questions.ask_question(
            dossier, organisation, "Wanneer hoor ik iets over mijn huur?", actor=Actor.resident()
        )
    return int(found.id)


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_have_no_axe_violations(
    staff_page: StaffPage, storage: LocalStorage, name: str
) -> None:
    """axe at 1024 and 320 px; no sideways scroll at 320 px, nor with 200% text (staff with low
    vision zoom too)."""
    path, email = staff_paths(storage)[name]
    problems = []
    page = staff_page(path, email)
    for width in (DESKTOP_WIDTH, NARROW_WIDTH):
        set_width(page, width)
        for violation in audit(page):
            problems.append(f"{name} at {width}px: {violation}")
        if width == NARROW_WIDTH and horizontal_overflow(page):
            problems.append(f"{name}: horizontal scroll at 320 px")
        set_text_size(page, 200)
        if horizontal_overflow(page):
            problems.append(f"{name} at {width}px, 200% text: {overflowing_elements(page)}")
        reset_text_size(page)
    assert problems == [], "\n".join(problems)


def test_form_errors_have_no_axe_violations(app: Flask, staff_page: StaffPage) -> None:
    from tests.i18n import nl

    page = staff_page(f"/medewerker/dossier/{dossier_of(JAN).id}/contact")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.title().startswith(nl(app, "Error") + ": ")
    assert audit(page) == []


# Full-page staff forms: sent empty, the page that comes back has the focus on its error summary.
STAFF_FORMS = (
    "login",
    "answer",
    "book-for",
    "contact",
    "new-resident",
    "link-organisation",
    "new-organisation",
)
CLEAR = """() => document.querySelectorAll("main form textarea, main form input:not([type=hidden])")
  .forEach((el) => { if (el.type === "radio" || el.type === "checkbox") el.checked = false;
                     else el.value = ""; })"""


def test_form_errors_take_the_focus_to_the_summary(
    staff_page: StaffPage, storage: LocalStorage, live_server: str
) -> None:
    paths = staff_paths(storage)
    problems = []
    page: Page | None = None
    who: str | None = None
    for name in STAFF_FORMS:
        path, email = paths[name]
        if page is not None and email == who:  # the same staff member's browser: the next form
            response = page.goto(f"{live_server}{path}")
            assert response is not None and response.status == 200, (path, response)
        else:
            if page is not None:
                page.context.close()
            page, who = staff_page(path, email), email
        page.evaluate(CLEAR)
        page.locator("main form[method=post] button[type=submit]").last.click()
        page.wait_for_selector(".error-summary")
        page.wait_for_load_state()
        if not focus_on_summary(page):
            problems.append(
                f"{name}: focus on "
                + page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
            )
    assert problems == [], "\n".join(problems)


def test_caseload_with_the_keyboard_only(staff_page: StaffPage, live_server: str) -> None:
    page = staff_page("/medewerker")
    tab_to(page, "#zoek")
    page.keyboard.type("de vries")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.caseload .what a').length === 1")
    tab_to(page, ".caseload .what a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/medewerker/dossier/{dossier_of(JAN).id}")
    assert page.locator("h1").inner_text() == "Jan de Vries"


def test_review_with_the_keyboard_only(
    staff_page: StaffPage, storage: LocalStorage, live_server: str
) -> None:
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    dossier_url = f"{live_server}/medewerker/dossier/{doc.dossier_id}"
    page = staff_page(f"/medewerker/dossier/{doc.dossier_id}", BAKKER)
    tab_to(page, f'a[href$="/document/{doc.id}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{dossier_url}/document/{doc.id}")
    tab_to(page, "#decision")
    page.keyboard.press("ArrowDown")  # to 'No, ask for a new one'
    assert page.is_checked("#decision-1")
    tab_to(page, "#reason")
    page.keyboard.type("Het afschrift is niet te lezen. Stuur een scherpe foto.")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(dossier_url)
    assert page.locator(".notice").count() == 1


def test_account_page_with_consent_and_access_log_has_no_axe_violations(
    visit: Visit, staff_page: StaffPage
) -> None:
    # A staff read first, so 'who looked at your data' has a row.
    staff_page(f"/medewerker/dossier/{dossier_of(JAN).id}").context.close()
    page = visit("/account", bsn=JAN)
    assert page.locator("#bekeken").count() == 1
    assert page.locator("#organisaties").count() == 1
    for width in (DESKTOP_WIDTH, NARROW_WIDTH):
        set_width(page, width)
        assert audit(page) == [], width
        assert horizontal_overflow(page) == 0, width


def test_switch_organisation_with_the_keyboard_only(
    staff_page: StaffPage, live_server: str
) -> None:
    """The header switcher: Tab to the list, pick with the arrow keys, Tab to the button, Enter."""
    page = staff_page("/medewerker", TWO_ORGANISATIONS[1])
    before = page.locator("#werkt-voor option:checked").inner_text()
    tab_to(page, "#werkt-voor")
    page.keyboard.press(
        "ArrowDown"
        if page.evaluate("() => document.activeElement.selectedIndex === 0")
        else "ArrowUp"
    )
    chosen = page.evaluate("() => document.activeElement.selectedOptions[0].textContent")
    assert chosen != before
    tab_to(page, ".acting-organisation button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("#werkt-voor option:checked").inner_text() == chosen
    assert chosen in page.locator(".notice, [role=status]").first.inner_text()


# Every staff page but the login (its own keyboard test) and the search result (the caseload).
STAFF_TAB_PAGES = [name for name in STAFF_PAGES if name not in ("login", "caseload-search")]


@pytest.mark.parametrize("name", STAFF_TAB_PAGES)
def test_every_staff_tab_stop_shows_its_focus(
    staff_page: StaffPage, storage: LocalStorage, name: str
) -> None:
    path, email = staff_paths(storage)[name]
    page = staff_page(path, email)
    seen, problems = 0, []
    for _ in range(TAB_LIMIT):
        found = tab_stop_problems(page)
        if found is None:
            break  # past the last stop
        problems += found
        seen += 1
    assert seen > 3, f"{name}: only {seen} tab stops"
    assert problems == []
