"""Retention fixtures: a private upload folder (files are deleted here), rate limits reset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.services.storage import LocalStorage
from tests.notifications.conftest import redis_url  # noqa: F401 - the test Redis DB fixture


@pytest.fixture
def storage(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStorage:
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return LocalStorage(tmp_path / "uploads")


@pytest.fixture(autouse=True)
def fresh_rate_limits(app: Flask) -> Iterator[None]:
    from app.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()
