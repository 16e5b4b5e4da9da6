"""gunicorn --preload (Procfile) builds the app once in the master and forks the workers: that
is only safe while building the app opens no database connection a worker would inherit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

from app import create_app
from app.config import ROOT, TestConfig


def test_building_the_app_opens_no_database_connection() -> None:
    opened: list[Any] = []

    def on_connect(*args: Any) -> None:
        opened.append(args)

    event.listen(Pool, "connect", on_connect)
    try:
        app = create_app(TestConfig)
    finally:
        event.remove(Pool, "connect", on_connect)
    assert app.name == "app"
    assert opened == []


def test_the_procfile_preloads_the_app() -> None:
    web = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    assert "--preload" in web.split()
