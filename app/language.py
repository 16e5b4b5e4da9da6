"""The page's language, and words whose language is not the page's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
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


def dutch_parts(text: str, parts: tuple[str, ...]) -> Markup:
    """`text` with each of the Dutch `parts` in it marked lang="nl" (an item's title inside an
    English sentence), escaped. Used where the surrounding language is given, not the page's
    (e-mails are in the resident's language)."""
    marked = Markup.escape(text)
    for part in sorted(set(parts), key=len, reverse=True):
        if part:
            escaped = Markup.escape(part)
            marked = marked.replace(escaped, Markup('<span lang="nl">%s</span>') % part)
    return marked


def event_words(text: str, event: Any) -> Markup | str:
    """A timeline line on a page in another language than Dutch: its subject, when the
    organisations wrote it (an item's title; not a resident's own question), marked Dutch."""
    subject = getattr(event, "subject", "") or ""
    if not subject or current_lang() == "nl" or str(event.kind).startswith("question"):
        return text
    return dutch_parts(text, (subject,))


def dutch_part(text: str) -> Markup | str:
    """Words the organisations wrote in Dutch (their opening hours), on a page in another
    language: marked lang="nl", so a screen reader reads them with a Dutch voice (WCAG 3.1.2)."""
    if not text or current_lang() == "nl":
        return text
    return Markup('<span lang="nl">%s</span>') % text


def template_gettext() -> dict[str, Callable[..., Any]]:
    """A context processor: the templates' _() and ngettext() bound to this render's catalog.

    Flask-Babel's own template callables look up the request's locale and catalog again on every
    call (a few dozen per page); here that happens once per render. The same behaviour as Jinja's
    newstyle gettext: autoescaped, always %-formatted. Imported macros (no context), and renders
    outside a request (jobs, which choose their language with force_locale), keep Flask-Babel's
    callables, which give the same words."""
    if not has_request_context():
        return {}
    translations = get_translations()

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        rv = translations.ugettext(string)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our own catalog, as Jinja's newstyle gettext
        return rv % variables

    @pass_eval_context
    def ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        rv = translations.ungettext(singular, plural, num)
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 - our own catalog, as Jinja's newstyle gettext
        return rv % variables

    return {"gettext": gettext, "ngettext": ngettext}
