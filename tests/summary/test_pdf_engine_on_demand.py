"""WeasyPrint is loaded where PDFs are made, not into every web worker (about 30 MB each)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import weasyprint

from app.config import ROOT
from app.services import pdf_engine, summary_pdf

CHECK = """
import sys
from app import create_app
app = create_app()
client = app.test_client()
assert client.get("/inloggen").status_code == 200
print(sorted(m for m in ("weasyprint", "app.services.pdf_engine") if m in sys.modules))
"""


@pytest.mark.slow(
    reason="a fresh interpreter imports the whole app: the only way to see what a worker loads"
)
def test_the_web_app_starts_and_serves_pages_without_weasyprint() -> None:
    env = dict(os.environ, MIJN_CONFIG="test")
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_cache_key_names_the_engine_and_variant_that_write_the_pdf() -> None:
    assert summary_pdf.RENDERER.startswith(f"weasyprint-{weasyprint.__version__}/")
    assert f"/{pdf_engine.PDF_VARIANT}/" in summary_pdf.RENDERER
