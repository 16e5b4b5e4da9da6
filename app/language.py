"""The page's language, and words whose language is not the page's own."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup


def current_lang() -> str:
    """'nl' or 'en': the language this request (or force_locale block) is rendered in."""
    return str(get_locale() or "nl")


def help_hours() -> str:
    """The help line's opening hours in the page's language (HELP_HOURS, HELP_HOURS_EN): they
    are the organisation's words, set per municipality, so they live in config, not the catalog."""
    config = current_app.config
    if current_lang() == "en" and config.get("HELP_HOURS_EN"):
        return str(config["HELP_HOURS_EN"])
    return str(config["HELP_HOURS"])


def dutch_part(text: str) -> Markup | str:
    """Words the organisations wrote in Dutch (their opening hours), on a page in another
    language: marked lang="nl", so a screen reader reads them with a Dutch voice (WCAG 3.1.2)."""
    if not text or current_lang() == "nl":
        return text
    return Markup('<span lang="nl">%s</span>') % text
