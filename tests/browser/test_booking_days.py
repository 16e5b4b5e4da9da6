"""The booking page groups the free times by day, with the day as a heading; on a small screen one
day shows at a time and the day links move between days (CSS only, so also with JS off); each
radio's name says its day, for a screen reader moving through the radios."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from accessibility.audit import NARROW_WIDTH, audit
from tests.browser.conftest import DESKTOP_WIDTH, Visit
from tests.browser.test_resident_pages import MOHAMED

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]

Screenshot = Callable[[Page, str], None]


def visible_days(page: Page) -> list[str]:
    return [d.get_attribute("id") or "" for d in page.locator("main .day").all() if d.is_visible()]


def test_free_times_are_grouped_by_day(visit: Visit, screenshot: Screenshot) -> None:
    page = visit("/afspraken/maken", width=DESKTOP_WIDTH, bsn=MOHAMED)
    screenshot(page, "1024px")
    days = page.locator("main .day")
    assert days.count() >= 2, "the demo has free times on several days"
    radios = page.locator("main input[name=slot]")
    assert radios.count() == page.locator("main .day input[name=slot]").count()
    assert len(visible_days(page)) == days.count(), "a wide screen shows every day"
    for day in days.all():
        heading = day.locator("h2").inner_text()
        date_words = heading.split(" (")[0]
        for radio in day.locator("input[name=slot]").all():
            label = page.locator(f"label[for='{radio.get_attribute('id')}']").inner_text()
            assert label.startswith(date_words), f"{label!r} does not say its day"
    assert page.locator("main input#slot").count() == 1, "the error summary needs #slot"
    assert audit(page) == []


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_day_at_a_time_on_a_small_screen(visit: Visit, screenshot: Screenshot, js: bool) -> None:
    page = visit("/afspraken/maken", width=NARROW_WIDTH, bsn=MOHAMED, js=js)
    ids = [d.get_attribute("id") for d in page.locator("main .day").all()]
    assert visible_days(page) == ids[:1]
    screenshot(page, "320px")
    # The day links at the top go to a day; the link under a day goes to the next.
    page.locator(f"main .day-links a[href='#{ids[1]}']").click()
    assert visible_days(page) == [ids[1]]
    if len(ids) > 2:
        page.locator(f"#{ids[1]} .next-day a").click()
        assert visible_days(page) == [ids[2]]
    if js:
        assert audit(page) == []
