"""The summary as an accessible PDF: PDF/UA-1 (tagged), document language, title, real text, and
DejaVu fonts from Debian's fonts-dejavu-core embedded.

Cached by a hash of exactly what the PDF shows (its HTML, which carries the dossier's state, the
language and the date), so a repeat print is instant and any change gives a new file. An RQ job
renders it (jobs.summary) while the page polls, unless it is expected to fit
SUMMARY_INLINE_BUDGET_SECONDS (default 0: never), when the request renders it. Without a queue
the web request renders inline anyway: slow beats nothing.

The cache (app.services.summary_cache) holds personal data: 0600 files, removed after
SUMMARY_CACHE_SECONDS; web and worker must share SUMMARY_CACHE_DIR.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import re
import statistics
import time
from collections import deque
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from markupsafe import Markup
from redis.exceptions import RedisError

from app.models import Resident
from app.ops import counters
from app.queues import enqueue
from app.services import summary_cache
from app.services.overview import light_words
from app.services.summary import (
    LIMITS,
    Limits,
    SummaryForbidden,
    Viewer,
    authorise,
    build_summary,
    may_print,
    read_by_staff,
)

if TYPE_CHECKING:
    import weasyprint

    from app.services.pdf_engine import PdfStyle

log = logging.getLogger(__name__)


def _engine() -> ModuleType:
    """app.services.pdf_engine, imported on the first PDF laid out in this process, not with the
    app: WeasyPrint and its fonts weigh about 30 MB, and a web worker that only serves pages
    (or a cached print, which is read from disk) never needs them. The RQ worker loads it for
    its first render. A memory choice, not a way around an import cycle."""
    return import_module("app.services.pdf_engine")


# The organisation ids of the staff member a PDF is made for; () for the resident's own.
Readers = tuple[int, ...]

MAX_PAGES = 2
# Letter sizes the resident or staff can choose on the print page: 16 pt body, or 18 pt.
LETTERS = ("normaal", "groot")
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
# Part of every cache key: a new renderer or variant must not serve old files. The variant is
# pdf_engine.PDF_VARIANT (a test checks), spelled out so the key needs no WeasyPrint.
RENDERER = f"weasyprint-{version('weasyprint')}/pdf/ua-1/1"

_sources: dict[str, str] = {}
_styles: dict[str, PdfStyle] = {}
# Let the fonts go while WeasyPrint is still loaded: imported late (see _engine), it is torn down
# before this module at exit, and FontConfiguration.__del__ would then fail noisily.
atexit.register(_styles.clear)

# Recent inline renders in this process, (html characters, seconds): the basis of the estimate.
_timings: deque[tuple[int, float]] = deque(maxlen=20)


@dataclass(frozen=True)
class PdfReady:
    data: bytes
    filename: str


@dataclass(frozen=True)
class PdfPending:
    """Queued for the worker; ask again (the polling page does)."""

    key: str


def letters_choice(value: str | None) -> str:
    """The chosen letter size, or the default for anything else."""
    return value if value in LETTERS else LETTERS[0]


def pdf_filename(today: date) -> str:
    return f"overzicht-{today.isoformat()}.pdf"


def css_string(text: str) -> Markup:
    """A CSS string literal that no name can break out of (nor out of the <style> element)."""
    safe = "".join(c if c.isalnum() or c in " .,-'()" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{safe}"')  # noqa: S704 - every character outside [alnum .,-'()] is escaped


def page_counter_css() -> Markup:
    """'Page 1 of 2' as CSS content, in whatever word order the translation uses."""
    words = gettext("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts = []
    for i, part in enumerate(words.split("\x00")):
        if i % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append(css_string(part))
    return Markup(" ".join(parts))  # noqa: S704 - the parts are css_string() or counter()


def font_dir() -> Path:
    directory = Path(current_app.config["SUMMARY_FONT_DIR"])
    missing = [f for f in FONT_FILES if not (directory / f).is_file()]
    if missing:
        # Without this a missing package would silently give another (maybe unembeddable) font.
        raise RuntimeError(
            f"summary fonts missing in {directory}: {', '.join(missing)} "
            "(install the Debian package fonts-dejavu-core)"
        )
    return directory


# Whitespace next to the tag of an element that is a block in the PDF (or in its <head> or an
# <svg>) never shows (white-space: normal everywhere); WeasyPrint would still parse it and give
# it a text node, a style and a box.
_BLOCK_TAG = (
    r"</?(?:html|head|meta|title|style|body|section|h1|h2|h3|p|ul|ol|li|div|svg|circle|rect|path)\b"
)
_LAYOUT_WHITESPACE = re.compile(rf"({_BLOCK_TAG}[^>]*>)\s+|\s+(?={_BLOCK_TAG})")


def without_layout_whitespace(html: str) -> str:
    """The template's indentation taken out where it cannot show: around block tags."""
    return _LAYOUT_WHITESPACE.sub(lambda found: found.group(1) or "", html)


def pdf_html(
    resident: Resident,
    today: date,
    limits: Limits = LIMITS[0],
    letters: str = LETTERS[0],
    readers: Readers = (),
) -> str:
    """The PDF's HTML, always in the resident's language (also when staff print it). With
    `readers` (organisation ids of the staff member printing), what those staff may read: the
    same as the staff print view, so the file never shows more than the page."""
    lang = resident.language if resident.language in current_app.config["LANGUAGES"] else "nl"
    with force_locale(lang):
        summary = build_summary(resident, today, limits)
        if readers and resident.dossier is not None:
            summary = read_by_staff(summary, resident.dossier, readers)
        html = render_template(
            "summary/pdf.html",
            summary=summary,
            lang=lang,
            pdf=True,
            letters=letters_choice(letters),
            light_words=light_words,
            css_string=css_string,
            page_counter=page_counter_css(),
        )
    return without_layout_whitespace(html)


def _style_source() -> str:
    """summary/pdf.css as text, once per process (and font directory)."""
    directory = font_dir()
    source = _sources.get(str(directory))
    if source is None:
        source = render_template("summary/pdf.css", font_dir=str(directory))
        _sources[str(directory)] = source
    return source


def _style() -> PdfStyle:
    """summary/pdf.css parsed once per process (and font directory), with its @font-face fonts:
    parsing it for every PDF cost about a third of the render time."""
    directory = font_dir()
    style = _styles.get(str(directory))
    if style is None:
        style = _engine().load_style(_style_source(), directory)
        _styles[str(directory)] = style
    return style


def state_key(html: str) -> str:
    return hashlib.sha256(f"{RENDERER}\n{_style_source()}\n{html}".encode()).hexdigest()


def render_pdf(html: str) -> bytes:
    """One HTML string as a PDF with the summary's stylesheet (the bench uses this too)."""
    return _write(_layout(html))


def _layout(html: str) -> weasyprint.Document:
    document: weasyprint.Document = _engine().layout(html, _style())
    return document


def _write(document: weasyprint.Document) -> bytes:
    data: bytes = _engine().write(document)
    return data


def render_summary_pdf(
    resident: Resident,
    today: date,
    first_html: str | None = None,
    tried: list[str] | None = None,
    letters: str = LETTERS[0],
    readers: Readers = (),
) -> bytes:
    """The summary on at most MAX_PAGES pages: shorter lists (counted, not lost) until it fits.
    A usual dossier fits at the first try; only very full ones are laid out more than once.
    `tried` (for the benchmark) receives every HTML that was laid out."""
    document = None
    for i, limits in enumerate(LIMITS):
        html = (
            first_html
            if i == 0 and first_html
            else pdf_html(resident, today, limits, letters, readers)
        )
        if tried is not None:
            tried.append(html)
        document = _layout(html)
        if len(document.pages) <= MAX_PAGES:
            break
    assert document is not None
    return _write(document)


# --- inline or queued ---------------------------------------------------------------------------


def expected_seconds(html_chars: int) -> float | None:
    """Seconds this process expects a render to take, from its recent renders (None: no data)."""
    if not _timings:
        return None
    per_char = statistics.median(seconds / max(chars, 1) for chars, seconds in _timings)
    return per_char * html_chars


def render_and_store(
    resident: Resident,
    today: date,
    html: str,
    key: str,
    letters: str = LETTERS[0],
    readers: Readers = (),
) -> bytes:
    started = time.perf_counter()
    data = render_summary_pdf(resident, today, html, letters=letters, readers=readers)
    _timings.append((len(html), time.perf_counter() - started))
    counters.SUMMARY_PDF_RENDERS.inc()
    summary_cache.store(key, "pdf", data)
    return data


def _should_queue(html_chars: int) -> bool:
    budget = float(current_app.config["SUMMARY_INLINE_BUDGET_SECONDS"])
    if budget <= 0:
        return True
    expected = expected_seconds(html_chars)
    return expected is not None and expected > budget


def _enqueue(resident_id: int, key: str, letters: str, readers: Readers) -> bool:
    try:
        enqueue("jobs.summary.render_summary", resident_id, letters, list(readers))
    except RedisError:  # Redis down: the caller renders inline
        log.warning("summary render could not be queued; rendering inline", exc_info=True)
        return False
    summary_cache.mark_queued(key)
    return True


def request_pdf(
    viewer: Viewer, resident: Resident, today: date, letters: str = LETTERS[0]
) -> PdfReady | PdfPending:
    """The PDF for this viewer: from the cache, rendered now, or queued (PdfPending)."""
    authorise(viewer, resident, "pdf")
    return _ready_or_pending(resident, today, letters, _readers(viewer))


def pdf_status(
    viewer: Viewer, resident: Resident, today: date, letters: str = LETTERS[0]
) -> PdfReady | PdfPending:
    """What the polling page asks: like request_pdf, but not an access-log entry (it only looks
    whether the file is there; the download itself is logged)."""
    if not may_print(viewer, resident):
        raise SummaryForbidden(f"viewer {viewer.kind}:{viewer.id} may not print this summary")
    return _ready_or_pending(resident, today, letters, _readers(viewer))


def _readers(viewer: Viewer) -> Readers:
    return tuple(sorted(viewer.organisation_ids)) if viewer.is_staff else ()


def _ready_or_pending(
    resident: Resident, today: date, letters: str, readers: Readers
) -> PdfReady | PdfPending:
    html = pdf_html(resident, today, letters=letters, readers=readers)
    key = state_key(html)
    filename = pdf_filename(today)
    data = summary_cache.cached(key, "pdf")
    if data is not None:
        counters.SUMMARY_PDF_CACHE_HITS.inc()
        return PdfReady(data, filename)
    queue_state = summary_cache.queue_state(key)
    if queue_state == "waiting":
        return PdfPending(key)
    # A lost job (no worker, or it failed) is not queued again: this request renders it.
    if (
        queue_state == "none"
        and _should_queue(len(html))
        and _enqueue(resident.id, key, letters, readers)
    ):
        return PdfPending(key)
    return PdfReady(render_and_store(resident, today, html, key, letters, readers), filename)


def render_for_cache(
    resident: Resident, today: date, letters: str = LETTERS[0], readers: Readers = ()
) -> str:
    """What the worker runs: render into the cache (unless it is there already). Returns the key.
    The key is the HTML's hash, so a staff reader's file and the resident's never mix."""
    html = pdf_html(resident, today, letters=letters, readers=readers)
    key = state_key(html)
    if summary_cache.cached(key, "pdf") is None:
        render_and_store(resident, today, html, key, letters, readers)
    return key
