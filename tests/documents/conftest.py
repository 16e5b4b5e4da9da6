from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.services.storage import LocalStorage


@pytest.fixture
def storage(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStorage]:
    """Uploads of this test in a folder of its own, so 'nothing left behind' can be checked."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    yield LocalStorage(tmp_path / "uploads")
