"""Texts (one GSM-7 SMS, discreet, pinned versions) and quiet hours (edges, DST switch days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from flask import Flask

from app.clock import AMSTERDAM, today
from app.models.notification import Channel
from app.services.notifications import templates
from app.services.notifications.email import html_part, text_part
from app.services.notifications.quiet_hours import in_quiet_hours, next_allowed
from app.services.notifications.templates import TEMPLATES, is_gsm7, render
from app.services.notifications.unsubscribe import stop_links
from tests.html import check_page
from tests.moments import dst_switch, in_days

# PORTAL_URL may be up to 48 characters (app/config.py); the SMS texts are tested with that.
URL = "https://mijnoverzicht.gemeente-rijnstad.nl/login"
assert len(URL) == 48


def _longest_date() -> date:
    """The next "woensdag 30 september" / "Wednesday 30 September": the longest day and month
    names in both languages."""
    year = today().year
    while (day := date(year, 9, 30)) < today() or day.weekday() != 2:
        year += 1
    return day


LONGEST_DAY = _longest_date()
LONGEST = {
    "starts_at": f"{LONGEST_DAY.isoformat()}T20:45:00+00:00",
    "due": LONGEST_DAY.isoformat(),
    "title": "Uitkeringsspecificatie van september sturen",
    "organisation": "Gemeente",
}
FORBIDDEN = (
    "schuld",
    "debt",
    "bedrag",
    "amount",
    "€",
    "euro",
    "betal",
    "pay",
    "achterstand",
    "arrears",
    "uitkering",
    "benefit",
    "Uitkeringsspecificatie",
)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_sms_fits_one_gsm7_message_and_is_discreet(app: Flask, key, lang) -> None:
    for values in (LONGEST, {**LONGEST, "starts_at": None}):
        text = render(key[0], key[1], Channel.SMS, lang, values, URL).text
        assert is_gsm7(text), text
        assert len(text) <= 160, (len(text), text)
        assert not any(word.lower() in text.lower() for word in FORBIDDEN), text
        assert "{" not in text


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_email_has_text_and_accessible_html(app: Flask, key) -> None:
    with app.test_request_context():
        rendered = render(key[0], key[1], Channel.EMAIL, "nl", LONGEST, URL)
        stop = stop_links(42)
        html = html_part(rendered, stop)
        text = text_part(rendered, stop)
    assert rendered.subject and URL in text and "{" not in text
    # The text part ends with how to stop, the link on its own line (no full stop after it).
    assert text.endswith(f"Wilt u deze e-mails niet meer krijgen? Ga dan naar:\n{stop.url}\n")
    soup = check_page(html, partial=True)
    assert soup.html["lang"] == "nl"
    links = soup.find_all("a")
    assert links[0]["href"] == URL and links[0].get_text(strip=True)
    assert links[-1]["href"] == stop.url and links[-1].get_text(strip=True) == "Stop deze e-mails"
    assert not soup.find("img") and not soup.find("table")


def test_a_changed_template_does_not_change_a_planned_reminder(app: Flask, monkeypatch) -> None:
    """Fault 16: the version pinned at planning is the one rendered."""
    new = templates.TemplateText(
        sms="NIEUW {url}", subject="Nieuw", paragraphs=("Nieuw",), link_text="Nieuw"
    )
    monkeypatch.setitem(TEMPLATES, ("document-due-soon", 2), {"nl": new, "en": new})
    monkeypatch.setitem(templates.CURRENT, "document-due-soon", 2)
    assert render("document-due-soon", 1, Channel.SMS, "nl", LONGEST, URL).text.startswith(
        "Mijn Overzicht: wilt u uiterlijk woensdag 30 september"
    )
    assert render("document-due-soon", 2, Channel.SMS, "nl", LONGEST, URL).text.startswith("NIEUW")


def test_dutch_and_english_words(app: Flask) -> None:
    nl = render("appointment-day-before", 1, Channel.SMS, "nl", LONGEST, URL).text
    en = render("appointment-day-before", 1, Channel.SMS, "en", LONGEST, URL).text
    assert "op woensdag 30 september om 22.45 uur" in nl  # 20:45 UTC is 22:45 in summer
    assert "on Wednesday 30 September at 10:45 PM" in en


# --- quiet hours ------------------------------------------------------------------------------

Q_START, Q_END = time(21), time(8)


DAY, SPRING, AUTUMN = in_days(2), dst_switch("spring"), dst_switch("autumn")


def wall(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), AMSTERDAM)


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        (time(20, 59), False),
        (time(21, 0), True),
        (time(23, 59), True),
        (time(0, 0), True),
        (time(7, 59), True),
        (time(8, 0), False),
        (time(12, 0), False),
    ],
)
def test_window_edges_wrapping_midnight(clock, quiet) -> None:
    assert in_quiet_hours(clock, Q_START, Q_END) is quiet


def test_window_within_one_day_and_no_window() -> None:
    assert in_quiet_hours(time(13), time(12), time(14))
    assert not in_quiet_hours(time(14), time(12), time(14))
    assert not in_quiet_hours(time(3), time(8), time(8))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (wall(DAY, 20, 59), wall(DAY, 20, 59)),  # just before: unchanged
        (wall(DAY, 21, 0), wall(in_days(1, DAY), 8, 0)),  # evening -> next morning
        (wall(DAY, 7, 59), wall(DAY, 8, 0)),  # early -> same morning
        (wall(DAY, 8, 0), wall(DAY, 8, 0)),  # end is not quiet
        # Spring forward (02:00 -> 03:00 on the last Sunday of March): a shorter night.
        (wall(in_days(-1, SPRING), 22, 0), wall(SPRING, 8, 0)),
        # Fall back (03:00 -> 02:00 on the last Sunday of October): a longer night.
        (wall(in_days(-1, AUTUMN), 22, 0), wall(AUTUMN, 8, 0)),
    ],
)
def test_next_allowed_moment(moment, expected) -> None:
    result = next_allowed(moment.astimezone(UTC), Q_START, Q_END)
    assert result == expected.astimezone(UTC)
    assert result.tzinfo is UTC


def test_dst_switch_days_in_utc() -> None:
    # 08:00 local is 06:00 UTC in summer time and 07:00 UTC in winter time.
    def utc(day: date, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), UTC)

    spring = next_allowed(utc(SPRING, 1, 30), Q_START, Q_END)
    assert spring == utc(SPRING, 6)
    autumn = next_allowed(utc(AUTUMN, 1, 30), Q_START, Q_END)
    assert autumn == utc(AUTUMN, 7)
    # In the repeated hour (02:30 CEST and 02:30 CET both exist) it is quiet either way.
    assert next_allowed(utc(AUTUMN, 0, 30), Q_START, Q_END) == autumn
    assert next_allowed(utc(AUTUMN, 1, 30), Q_START, Q_END) == autumn


def test_an_english_email_marks_the_dutch_title(app: Flask) -> None:
    """Issue 14 item 3: the item's title is the organisation's Dutch words (WCAG 3.1.2)."""
    values = {**LONGEST, "title": "Uitkeringsspecificatie & loonstrook sturen"}
    with app.test_request_context():
        english = render("document-due-soon", 1, Channel.EMAIL, "en", values, URL)
        dutch = render("document-due-soon", 1, Channel.EMAIL, "nl", values, URL)
        english_html = html_part(english, stop_links(42))
        dutch_html = html_part(dutch, stop_links(42))
    marked = [s.get_text() for s in check_page(english_html, partial=True).select('[lang="nl"]')]
    assert values["title"] in marked, english_html
    assert not check_page(dutch_html, partial=True).select("body [lang]"), "Dutch in Dutch: no mark"
    assert "&amp; loonstrook" in english_html, "the title is escaped inside its mark"
