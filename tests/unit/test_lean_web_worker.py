"""What a web worker loads: libraries that no page needs stay out of it (issue #20). WeasyPrint
(about 30 MB) loads with the first PDF, pywebpush with its aiohttp (about 15 MB) in the worker
that sends push messages, Alembic (about 11 MB, through Flask-Migrate) only in `flask db`,
pypdf and Pillow with the first upload, icalendar with the first calendar download."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.config import ROOT

LOADED_ON_DEMAND = (
    "weasyprint",
    "app.services.pdf_engine",
    "pywebpush",
    "aiohttp",
    "alembic",
    "flask_migrate",
    "pypdf",
    "PIL",
    "icalendar",
)

CHECK = f"""
import sys
from app import create_app
app = create_app()
client = app.test_client()
assert client.get("/inloggen").status_code == 200
assert client.get("/healthz").status_code == 200
print(sorted(m for m in {LOADED_ON_DEMAND!r} if m in sys.modules))
"""


@pytest.mark.slow(
    reason="a fresh interpreter imports the whole app: the only way to see what a worker loads"
)
def test_the_web_app_starts_and_serves_pages_without_the_libraries_no_page_needs() -> None:
    env = dict(os.environ, MIJN_CONFIG="test")
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
