"""WeasyPrint with the summary's settings, and nothing of Flask: the web app, the worker and the
benchmark (which runs it under valgrind to count instructions) lay out and write PDFs the same way.

PDF/UA-1 (tagged), fonts only from one directory, one render at a time per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/ua-1"

# The shared font configuration is not documented as thread-safe: one render at a time.
_render_lock = threading.Lock()


class FontsOnlyFetcher(URLFetcher):
    """The summary loads its own font files and nothing else: no network, no other files, even
    if a URL ever slipped into the HTML."""

    def __init__(self, directory: Path) -> None:
        super().__init__(allowed_protocols={"file"})
        self.prefix = directory.resolve().as_uri() + "/"

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> object:
        if not url.startswith(self.prefix):
            raise ValueError(f"the summary PDF does not load {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class PdfStyle:
    """A stylesheet parsed once, with the fonts its @font-face rules load."""

    source: str
    css: weasyprint.CSS
    fonts: FontConfiguration
    fetcher: FontsOnlyFetcher


def load_style(source: str, font_dir: Path) -> PdfStyle:
    fonts = FontConfiguration()
    fetcher = FontsOnlyFetcher(font_dir)
    css = weasyprint.CSS(string=source, font_config=fonts, url_fetcher=fetcher)
    return PdfStyle(source, css, fonts, fetcher)


def layout(html: str, style: PdfStyle) -> weasyprint.Document:
    with _render_lock:
        return weasyprint.HTML(string=html, url_fetcher=style.fetcher).render(
            stylesheets=[style.css],
            font_config=style.fonts,
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
        )


def write(document: weasyprint.Document) -> bytes:
    with _render_lock:
        data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    assert data is not None
    return bytes(data)
