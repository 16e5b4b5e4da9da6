"""The Alembic migrations build exactly the schema the models describe, and tear it down again.

Runs on an empty SQLite file, and on PostgreSQL (in a schema of its own) when TEST_DATABASE_URL is
set. The migrations get a connection to that empty database; the app's own tables are not touched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import Engine, create_engine, inspect, text

from app.config import ROOT
from app.extensions import db

MIGRATIONS = ROOT / "migrations"

DATABASES = ["sqlite"]
if os.environ.get("TEST_DATABASE_URL"):
    DATABASES.append("postgresql")


@pytest.fixture(params=DATABASES)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
        yield engine
        engine.dispose()
        return
    url = os.environ["TEST_DATABASE_URL"]
    schema = f"migrations_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    engine = create_engine(f"{url}{sep}options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def _alembic(engine: Engine, action: str, revision: str) -> None:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_models_then_downgrade_empties(app: Flask, empty_engine: Engine) -> None:
    _alembic(empty_engine, "upgrade", "head")
    assert _tables(empty_engine) == set(db.metadata.tables)
    assert _differences(empty_engine) == [], "models and migrations differ: run `make migration`"

    _alembic(empty_engine, "downgrade", "base")
    assert _tables(empty_engine) == set()

    # Nothing left behind (types, indexes) that would block the next upgrade.
    _alembic(empty_engine, "upgrade", "head")
    assert _tables(empty_engine) == set(db.metadata.tables)
