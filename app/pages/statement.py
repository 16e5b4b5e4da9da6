"""The accessibility statement (toegankelijkheidsverklaring) after the Dutch model: status A-E,
how and when it was checked, known problems with their plan, contact and the complaint route.

It must stay true. Every check it names lists the tests that check it (a test fails when one of
them is gone), every known problem has a test that fails once it is fixed (then the statement is
changed), and the status follows the digitoegankelijk.nl rules from the audit settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

# A complete WCAG-EM audit counts for three years; a planned one gives status C for six months.
AUDIT_VALID = timedelta(days=3 * 365)
PLANNED_WITHIN = timedelta(days=183)

STATUS_WORDS = {
    "A": _l("meets the requirements fully"),
    "B": _l("meets the requirements partly"),
    "C": _l("first measures taken"),
    "D": _l("first measures planned"),
}
STATUS_EXPLAINED = {
    "A": _l("A complete audit by experts (WCAG-EM) found no problems."),
    "B": _l("A complete audit by experts (WCAG-EM) found problems. We fix them; see below."),
    "C": _l("There has been no complete audit by experts yet. One is planned."),
    "D": _l("There has been no complete audit by experts yet, and none is planned yet."),
}


@dataclass(frozen=True)
class Check:
    text: LazyString
    tests: tuple[str, ...]  # pytest node ids: path::function


@dataclass(frozen=True)
class KnownIssue:
    text: LazyString
    plan: LazyString
    test: str  # fails once the problem is fixed


CHECKS = (
    Check(
        _l(
            "Every page is tested with axe-core against WCAG 2.2 level A and AA, "
            "1024 and 320 pixels wide."
        ),
        (
            "tests/browser/test_accessibility.py::test_no_axe_violations",
            "tests/browser/test_resident_pages.py::test_every_resident_page_passes_axe_and_reflows",
            "tests/browser/test_staff_accessibility.py::test_staff_pages_have_no_axe_violations",
        ),
    ),
    Check(
        _l("No page scrolls sideways on a screen 320 pixels wide, nor with text twice as large."),
        (
            "tests/browser/test_accessibility.py::test_no_horizontal_scroll_at_320px",
            "tests/browser/test_accessibility.py::test_no_horizontal_scroll_at_200_percent_text",
        ),
    ),
    Check(
        _l("Everything works without JavaScript: the pages show the same, the forms work."),
        (
            "tests/browser/test_accessibility.py::test_same_main_content_without_javascript",
            "tests/browser/test_resident_pages.py::test_every_form_sent_empty_shows_accessible_errors",
        ),
    ),
    Check(
        _l("In a text browser (w3m) no page shows hidden or empty parts."),
        (
            "tests/browser/test_text_browsers.py::test_text_browser_shows_no_hidden_content_on_any_resident_page",
        ),
    ),
    Check(
        _l("You can use every page with the keyboard alone, and you always see where you are."),
        (
            "tests/browser/test_resident_keyboard.py::test_every_tab_stop_shows_its_focus",
            "tests/browser/test_staff_accessibility.py::test_every_staff_tab_stop_shows_its_focus",
        ),
    ),
    Check(
        _l("The state of your dossier is said in words, not only with a colour."),
        ("tests/browser/test_accessibility.py::test_overview_shows_the_light_in_words",),
    ),
    Check(
        _l("When a form has a mistake, the page says what is wrong first and takes you there."),
        (
            "tests/browser/test_resident_pages.py::test_every_form_sent_empty_shows_accessible_errors",
            "tests/browser/test_staff_accessibility.py::test_form_errors_take_the_focus_to_the_summary",
        ),
    ),
    Check(
        _l(
            "A page that updates itself does not move you, says that it changed, "
            "and you can turn this off."
        ),
        (
            "tests/browser/test_live_focus.py::test_news_arrives_around_the_focused_element_and_is_announced_once",
            "tests/browser/test_live_focus.py::test_automatic_updates_off_and_on_without_javascript",
        ),
    ),
)

KNOWN_ISSUES = (
    KnownIssue(
        _l(
            "On the English pages, text that staff wrote in Dutch (tasks, answers) is not marked "
            "as Dutch. A screen reader may read it with an English voice (WCAG 3.1.2)."
        ),
        _l("We will mark this text as Dutch in a next version."),
        "tests/pages/test_statement.py::test_known_issue_staff_text_not_marked_dutch",
    ),
)


def status(audit_date: date | None, audit_failures: int, planned: date | None, today: date) -> str:
    """The compliance status, by the digitoegankelijk.nl rules (E: no statement at all)."""
    if audit_date and today - audit_date <= AUDIT_VALID:
        return "A" if audit_failures == 0 else "B"
    if planned and today <= planned <= today + PLANNED_WITHIN:
        return "C"
    return "D"


def parse_date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None
