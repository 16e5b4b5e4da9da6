"""Rendering the reminder texts (app.services.notifications.texts, versioned data) for one
channel and language: dates and times in words, the optional paragraphs, one GSM-7 SMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_time

from app.clock import AMSTERDAM
from app.models.notification import Channel
from app.services.notifications.texts import (
    AND_OTHERS,
    CHANGE_TEXTS,
    CONTACT_TEXTS,
    CURRENT,
    HOW_TEXTS,
    STOP_TEXTS,
    TEMPLATES,
    StopText,
    TemplateText,
)

# Callers and tests read the texts through this module too.
__all__ = ["CURRENT", "TEMPLATES", "Rendered", "StopText", "TemplateText", "render"]


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    paragraphs: tuple[str, ...]
    link_text: str
    url: str
    lang: str
    # Words the organisations wrote in Dutch (an item's title) inside a message in another
    # language: the HTML part marks them lang="nl" (WCAG 3.1.2).
    dutch: tuple[str, ...] = ()


# GSM 03.38 basic character set: these count as one character in an SMS.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
SMS_MAX = 160


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC for ch in text)


def current_version(template: str) -> int:
    return CURRENT[template]


def _language(lang: str) -> str:
    return lang if lang in ("nl", "en") else "nl"


def how_text(personalisation: dict[str, Any], lang: str) -> str:
    """'M. Bakker van Gemeente Rijnstad belt u.' / 'Kom naar: Stadhuisplein 1, balie 3.'"""
    channel = str(personalisation.get("channel", ""))
    texts = HOW_TEXTS[lang]
    values = {
        "organisation": str(personalisation.get("organisation", "")),
        "with_whom": str(personalisation.get("with_whom", "")),
        "location": str(personalisation.get("location", "")).rstrip("."),
    }
    if channel == "phone":
        who = texts["who"].format(**values) if values["with_whom"] else values["organisation"]
        return texts["phone"].format(who=who)
    if channel == "desk" and values["location"]:
        key = "desk-with" if values["with_whom"] else "desk"
        return texts[key].format(**values)
    if channel == "video":
        key = "video" if values["location"] else "video-no-link"
        return texts[key].format(**values).strip()
    return ""


def contact_text(personalisation: dict[str, Any], lang: str) -> str:
    """'Heeft u een vraag? Bel Gemeente Rijnstad op 0172 12 34 56 (maandag ...).' from the
    values app.services.notifications.contact adds when sending; '' without them."""
    phone = str(personalisation.get("contact_phone", ""))
    if not phone:
        return ""
    name = str(personalisation.get("contact_name", ""))
    hours = str(personalisation.get("contact_hours", ""))
    key = ("organisation" if name else "help") + ("" if hours else "-no-hours")
    return CONTACT_TEXTS[lang][key].format(name=name, phone=phone, hours=hours)


def _organisations(personalisation: dict[str, Any], lang: str) -> str:
    names = [str(n) for n in personalisation.get("organisations", []) if n]
    if not names:
        return str(personalisation.get("organisation", ""))
    if len(names) == 1:
        return names[0]
    return AND_OTHERS[_language(lang)].format(first=names[0])


def change_lines(personalisation: dict[str, Any], lang: str) -> list[str]:
    texts = CHANGE_TEXTS[_language(lang)]
    return [texts[c] for c in personalisation.get("changes", []) if c in texts]


def format_values(personalisation: dict[str, Any], lang: str, portal_url: str) -> dict[str, str]:
    """Turn stored values (ISO dates, UTC datetimes) into words in the resident's language."""
    values = {
        "title": str(personalisation.get("title", "")),
        "organisation": _organisations(personalisation, lang),
        "url": portal_url,
        "date": "",
        "time": "",
        "how": how_text(personalisation, lang if lang in HOW_TEXTS else "nl"),
        "code": str(personalisation.get("code", "")),
        "contact": contact_text(personalisation, lang if lang in CONTACT_TEXTS else "nl"),
    }
    if personalisation.get("starts_at"):
        local = datetime.fromisoformat(personalisation["starts_at"]).astimezone(AMSTERDAM)
        values["date"] = format_date(local.date(), "EEEE d MMMM", locale=lang)
        values["time"] = (
            format_time(local, "HH.mm", locale="nl") + " uur"
            if lang == "nl"
            else format_time(local, "h:mm a", locale="en")
        )
    elif personalisation.get("due"):
        values["date"] = format_date(
            date.fromisoformat(personalisation["due"]), "EEEE d MMMM", locale=lang
        )
    return values


def render(
    template: str,
    version: int,
    channel: Channel,
    lang: str,
    personalisation: dict[str, Any],
    portal_url: str,
) -> Rendered:
    lang = _language(lang)
    text = TEMPLATES[(template, version)][lang]
    values = format_values(personalisation, lang, portal_url)
    # A confirmation e-mail's link is its own signed URL, not the portal's front page.
    portal_url = str(personalisation.get("link") or portal_url)
    if channel is Channel.SMS:
        body = text.sms.format(**values)
        return Rendered("", body, (body,), "", portal_url, lang)
    # A paragraph that came out empty ({how} of an appointment without details) is left out;
    # {changes} becomes one paragraph per kind of change.
    paragraphs: tuple[str, ...] = ()
    for paragraph in text.paragraphs:
        if paragraph == "{changes}":
            paragraphs += tuple(change_lines(personalisation, lang))
        elif formatted := paragraph.format(**values):
            paragraphs += (formatted,)
    link_text = text.link_text.format(**values)
    plain = "\n\n".join([*paragraphs, f"{link_text}: {portal_url}"])
    dutch: tuple[str, ...] = ()
    if lang != "nl":
        # The item's title and the organisation's own opening hours are Dutch words.
        hours = personalisation.get("contact_hours") if personalisation.get("contact_dutch") else ""
        dutch = tuple(str(word) for word in (values["title"], hours) if word)
    return Rendered(
        text.subject.format(**values), plain, paragraphs, link_text, portal_url, lang, dutch
    )


def stop_text(lang: str) -> StopText:
    return STOP_TEXTS[_language(lang)]
