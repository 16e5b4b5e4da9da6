"""The PDF cache key names the engine that made the PDF. That WeasyPrint loads only where PDFs
are made is checked with the other on-demand libraries in tests/unit/test_lean_web_worker.py."""

from __future__ import annotations

import weasyprint

from app.services import pdf_engine, summary_pdf


def test_the_cache_key_names_the_engine_and_variant_that_write_the_pdf() -> None:
    assert summary_pdf.RENDERER.startswith(f"weasyprint-{weasyprint.__version__}/")
    assert f"/{pdf_engine.PDF_VARIANT}/" in summary_pdf.RENDERER
