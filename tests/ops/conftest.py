"""Operations tests: health, metrics, logs. The loopback servers of the reminder tests (Redis DB,
SMTP, fake Spryng) are borrowed from tests/notifications."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

from app.config import ROOT
from app.extensions import db
from tests.notifications.conftest import (  # noqa: F401 - fixtures
    redis_conn,
    redis_url,
    smtp,
    spryng,
)


@pytest.fixture
def at_head(app: Flask) -> Iterator[None]:
    """The test database says it is at the migrations' head (tests build it with create_all,
    which writes no alembic_version), as `flask db upgrade` leaves a real one."""
    (head,) = ScriptDirectory(str(ROOT / "migrations")).get_heads()
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
    db.session.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": head})
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()
