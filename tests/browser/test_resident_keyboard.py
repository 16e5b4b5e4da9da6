"""The resident side with the keyboard only, in real Chromium (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7,
2.4.11).

Only page.keyboard drives the page: Tab, Shift+Tab, Enter, Space, arrow keys and typing into the
field that Tab reached. The one exception is the native file dialog, which no test can drive: the
file goes into the file input that has the keyboard focus.

Every element that Tab reaches is checked on the way: it shows a focus indicator (an outline or a
box shadow) and it lies inside the viewport, not covered by anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_RESIDENTS
from tests import files
from tests.browser.conftest import Visit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

Screenshot = Callable[[Page, str], None]
RED = DEMO_RESIDENTS[0].bsn  # Jan: documents to send
ORANGE = DEMO_RESIDENTS[2].bsn  # Kees: organisations are busy
# Enough presses to cross the longest resident page; more means focus is stuck somewhere.
TAB_LIMIT = 80

# The focused element: how its focus shows and whether it can be seen (not off screen, not covered).
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // The visible part of its first box (a link may wrap), and what is on top at its middle.
  const first = el.getClientRects()[0] || box;
  const top = Math.max(first.top, 0), bottom = Math.min(first.bottom, innerHeight);
  const left = Math.max(first.left, 0), right = Math.min(first.right, innerWidth);
  const hit = bottom > top && right > left ?
    document.elementFromPoint((left + right) / 2, (top + bottom) / 2) : null;
  return {
    name: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.getAttribute("href") ? "[href=" + el.getAttribute("href") + "]" : "") +
      " " + (el.textContent || el.value || "").trim().slice(0, 40),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    // Wholly inside; a field taller than a target (a textarea) may show only its first 44 px,
    // where the caret is: Chromium scrolls the caret into view, not the whole field.
    inside: box.top >= 0 && box.left >= 0 && box.right <= innerWidth &&
      (box.bottom <= innerHeight || innerHeight - box.top >= 44),
    uncovered: hit !== null && (el.contains(hit) ||
      Array.from(el.labels || []).some((label) => label.contains(hit))),
  };
}"""


def focus_problems(page: Page) -> list[str]:
    """What is wrong with how the focused element shows (empty when it is fine)."""
    return problems_in(page.evaluate(FOCUS_STATE))


def tab_stop_problems(page: Page) -> list[str] | None:
    """Press Tab: what is wrong with how the next stop shows, or None past the last stop (the
    focus on the page itself). One round trip to the page per stop, not two."""
    page.keyboard.press("Tab")
    state: dict[str, Any] | None = page.evaluate(FOCUS_STATE)
    return None if state is None else problems_in(state)


def problems_in(state: dict[str, Any] | None) -> list[str]:
    if state is None:
        return ["focus is on the page itself"]
    problems = []
    if not (state["outline"] or state["shadow"]):
        problems.append(f"{state['name']}: no visible focus indicator")
    if not state["inside"]:
        problems.append(f"{state['name']}: not inside the viewport after focus")
    elif not state["uncovered"]:
        problems.append(f"{state['name']}: covered by another element")
    return problems


def press_tab(page: Page, back: bool = False) -> None:
    page.keyboard.press("Shift+Tab" if back else "Tab")
    assert focus_problems(page) == []


def tab_to(page: Page, selector: str, back: bool = False) -> None:
    """Tab (or Shift+Tab) until the focused element matches `selector`, checking each stop."""
    for _ in range(TAB_LIMIT):
        press_tab(page, back)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with {'Shift+Tab' if back else 'Tab'}")


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("(s) => document.activeElement.matches(s)", selector))


def in_main(page: Page) -> bool:
    return bool(
        page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    )


def test_first_tab_is_the_skip_link_and_it_moves_focus_to_the_content(
    visit: Visit, live_server: str
) -> None:
    page = visit("/", bsn=RED)
    for path in ("/", "/documenten", "/afspraken", "/vragen", "/tijdlijn"):
        response = page.goto(f"{live_server}{path}")  # a fresh load: the focus starts at the top
        assert response is not None and response.status == 200, path
        press_tab(page)
        assert focused(page, "a.skip-link"), path
        page.keyboard.press("Enter")
        assert focused(page, "main#inhoud"), path
        # The next Tab goes on from the content, not from the top of the page.
        press_tab(page)
        assert in_main(page), path


RESIDENT_PAGES = (
    "/",
    "/documenten",
    "/afspraken",
    "/afspraken/maken",
    "/vragen",
    "/vragen/stellen",
    "/tijdlijn",
    "/account",
)


@pytest.mark.parametrize("path", RESIDENT_PAGES)
def test_every_tab_stop_shows_its_focus(visit: Visit, path: str) -> None:
    page = visit(path, bsn=RED)
    seen = 0
    problems: list[str] = []
    for _ in range(TAB_LIMIT):
        found = tab_stop_problems(page)
        if found is None:
            break  # past the last stop
        problems += found
        seen += 1
    assert seen > 5, f"{path}: only {seen} tab stops"
    assert problems == []


def test_upload_a_document_with_the_keyboard(
    screenshot: Screenshot, visit: Visit, live_server: str, tmp_path: Path
) -> None:
    page = visit("/documenten", bsn=RED)
    tab_to(page, "ul.checklist a.button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/documenten/*/sturen")
    tab_to(page, "input[type=file]#files")
    pdf = tmp_path / "specificatie.pdf"
    pdf.write_bytes(files.pdf())
    page.locator(":focus").set_input_files(str(pdf))  # the native file dialog cannot be driven
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/documenten")
    expect(page.locator("main .notice[role=status]")).to_be_visible()
    assert "specificatie.pdf" in page.inner_text("ul.checklist")
    # After the boosted page swap the focus is on the news, not lost on the page itself.
    expect(page.locator("main .notice[role=status]")).to_be_focused()  # after the settle
    screenshot(page, "sent-notice-focused")
    press_tab(page)
    assert in_main(page)


def test_book_an_appointment_with_the_keyboard(visit: Visit, live_server: str) -> None:
    page = visit("/afspraken", bsn=RED)
    tab_to(page, "main a.button[href='/afspraken/maken']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/afspraken/maken")
    tab_to(page, "input[name=slot]")
    page.keyboard.press("ArrowDown")  # arrows move through the times and choose one
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("() => document.activeElement.closest('label').innerText")
    assert page.evaluate("() => document.activeElement.checked")
    press_tab(page)  # Tab leaves the group of times: to the first topic
    assert focused(page, "input[name=topic]")
    page.keyboard.press("Space")
    # Shift+Tab goes back into the times, to the one chosen.
    press_tab(page, back=True)
    assert page.evaluate("() => document.activeElement.checked")
    assert page.evaluate("() => document.activeElement.closest('label').innerText") == chosen
    tab_to(page, "#note")
    page.keyboard.type("Ik neem mijn buurvrouw mee.")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/afspraken")
    expect(page.locator("main .notice[role=status]")).to_be_visible()
    expect(page.locator("main .notice[role=status]")).to_be_focused()  # after the settle
    # The label says the day (hidden, for a screen reader; its own line in innerText) and the time.
    lines = [line.strip() for line in chosen.splitlines() if line.strip()]
    day, time = lines[0].rstrip(","), lines[1].split(" (")[0]
    assert f"{day} om {time}" in page.inner_text("main ul.todo")
    assert "Ik neem mijn buurvrouw mee." in page.inner_text("main ul.todo")


def test_ask_a_question_with_the_keyboard(visit: Visit, live_server: str) -> None:
    page = visit("/vragen", bsn=RED)
    tab_to(page, "main a.button[href='/vragen/stellen']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/vragen/stellen")
    # Sent empty: the focus goes to the error summary, whose link leads to the field.
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_focused()
    press_tab(page)
    assert focused(page, ".error-summary a[href='#organisation']")
    page.keyboard.press("Enter")
    assert focused(page, "#organisation")
    page.keyboard.press("ArrowDown")  # the first organisation
    assert page.evaluate("() => document.activeElement.value") != "0"
    tab_to(page, "#text")
    question = "Wanneer krijg ik bericht over mijn aanvraag?"
    page.keyboard.type(question)
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/vragen/*")
    expect(page.locator("main .notice[role=status]")).to_be_visible()
    expect(page.locator("main .notice[role=status]")).to_be_focused()  # after the settle
    assert question in page.inner_text("main ol.todo")


def test_show_more_in_the_timeline_moves_focus_to_the_new_items(visit: Visit) -> None:
    page = visit("/tijdlijn", bsn=DEMO_RESIDENTS[4].bsn)  # 200+ events: several pages
    before = page.locator("ol.events > li").count()
    tab_to(page, ".more a")
    page.keyboard.press("Enter")
    expect(page.locator("ol.events > li")).not_to_have_count(before)
    # The link is gone; the focus is on the first new item, the next Tab goes on from there.
    new_item = page.locator("ol.events").nth(1).locator("> li").first
    expect(new_item).to_be_focused()
    tab_to(page, ".more a")


def test_stay_logged_in_with_the_keyboard(
    visit: Visit, live_server: str, screenshot: Screenshot
) -> None:
    page = visit("/documenten", bsn=RED)
    page.clock.install()  # fake timers; the page's own time flows on as usual
    page.reload()
    tab_to(page, "ul.checklist a.button")
    # Jump to two minutes before the idle logout; the server's clock has not moved.
    idle = int(page.get_attribute("[data-session-left]", "data-session-idle") or 0)
    warn = int(page.get_attribute("[data-session-left]", "data-session-warn") or 0)
    page.clock.run_for((idle - warn + 1) * 1000)
    warning = page.locator(".session-warning .notice")
    expect(warning).to_be_visible()
    expect(warning).to_be_focused()
    press_tab(page)
    assert focused(page, ".session-warning button[type=submit]")
    screenshot(page, "stay-logged-in-focused")
    with page.expect_response(f"{live_server}/sessie/verlengen") as extended:
        page.keyboard.press("Enter")
    assert extended.value.status == 204
    expect(warning).to_have_count(0)
    # Back where the user was, and the warning comes again only after a new idle period.
    expect(page.locator("ul.checklist a.button").first).to_be_focused()
    assert page.url == f"{live_server}/documenten"
    page.clock.run_for((idle - warn - 1) * 1000)
    expect(warning).to_have_count(0)
    page.clock.run_for(2000)
    expect(warning).to_be_focused()
