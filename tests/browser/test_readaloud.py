"""'Lees voor' (issue 14 item 11), with a stand-in for speech synthesis (tests/browser/speech.py):
shown only when the browser has a Dutch voice; each item once, in reading order; a Stop button;
on every resident page that says what to do."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import Visit
from tests.browser.speech import fake_speech
from tests.browser.test_resident_pages import MOHAMED, RED, first_link
from tests.i18n import nl

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("seeded")]


def read_aloud(page: Page, app: Flask) -> list[str]:
    page.get_by_role("button", name=nl(app, "Read aloud")).click()
    return list(page.evaluate("() => window.__spoken"))


def test_each_item_once_in_reading_order_and_stop(visit: Visit, app: Flask) -> None:
    page = visit("/", bsn=RED, init_script=fake_speech("en-GB", "nl-NL"))
    spoken = read_aloud(page, app)
    assert spoken[0] == page.locator("h1").inner_text()
    assert len(spoken) == len(set(spoken)), f"something is said twice: {spoken}"
    urgent = page.locator(".now-what").inner_text().split(".")[0]
    assert sum(urgent in part for part in spoken) == 1, f"{urgent!r} not said exactly once"
    # Reading order: the light, then what to do now, then the lists as they stand on the page.
    titles = [t.inner_text() for t in page.locator("main .todo .what").all()]
    said = [
        next(i for i, part in enumerate(spoken) if t in part)
        for t in titles
        if any(t in p for p in spoken)
    ]
    assert said == sorted(said)
    assert page.locator(".light-now").inner_text() in spoken[1]

    stop = page.get_by_role("button", name=nl(app, "Stop reading"))
    assert stop.is_visible()
    stop.click()
    assert page.evaluate("() => window.__cancelled") >= 2  # once before speaking, once to stop
    assert stop.is_hidden()
    assert page.evaluate("() => document.activeElement.textContent") == nl(app, "Read aloud")


def test_only_with_a_voice_for_the_page_language(visit: Visit, app: Flask) -> None:
    page = visit("/", bsn=RED, init_script=fake_speech("en-GB", "de-DE"))
    page.wait_for_load_state("load")
    assert page.get_by_role("button", name=nl(app, "Read aloud")).count() == 0


def test_on_every_page_that_says_what_to_do(visit: Visit, app: Flask) -> None:
    thread = first_link(visit, RED, "/vragen", r"/vragen/\d+")
    for path, bsn in (("/documenten", RED), ("/afspraken", MOHAMED), (thread, RED)):
        page = visit(path, bsn=bsn, init_script=fake_speech("nl-NL"))
        spoken = read_aloud(page, app)
        assert spoken[0] == page.locator("h1").inner_text(), path
        assert len(spoken) >= 2, f"{path}: only the heading is read"
        assert len(spoken) == len(set(spoken)), path
        page.context.close()


def test_dutch_words_on_an_english_page_get_a_dutch_voice(visit: Visit, app: Flask) -> None:
    """Issue 14 item 3: the titles staff wrote are Dutch, marked lang="nl" on the English page;
    read aloud, they go to the Dutch voice and the rest to the English one."""
    from app.extensions import db
    from app.services.accounts import resident_for_bsn

    jan = resident_for_bsn(RED)
    assert jan is not None
    jan.language = "en"
    db.session.commit()
    page = visit("/", bsn=RED, init_script=fake_speech("en-GB", "nl-NL"))
    page.get_by_role("button", name="Read aloud").click()
    spoken = list(
        zip(
            page.evaluate("() => window.__spoken"),
            page.evaluate("() => window.__langs"),
            strict=True,
        )
    )
    title = page.locator('main .todo .what [lang="nl"]').first.inner_text()
    assert (title, "nl-NL") in spoken, spoken
    assert spoken[0][1] == "en-GB", "the heading is English"
    assert all(lang == "nl-NL" for text, lang in spoken if text == title)
