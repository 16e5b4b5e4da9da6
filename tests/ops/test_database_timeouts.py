"""No request waits for ever on the database: connect and statement timeouts on PostgreSQL, and
pre-ping so a connection PostgreSQL dropped is replaced instead of failing a request."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import TestConfig
from app.extensions import db


def test_postgresql_gets_pool_and_timeouts_sqlite_only_pre_ping() -> None:
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:1/none",
        DATABASE_STATEMENT_TIMEOUT_MS=15000,
        DATABASE_CONNECT_TIMEOUT=5,
        DATABASE_POOL_SIZE=3,
    )
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert options["pool_size"] == 3
    assert options["connect_args"] == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=15000",
    }
    sqlite = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


def test_a_statement_over_the_timeout_is_cancelled(database_url: str, seeded: None) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("statement_timeout is PostgreSQL's")
    # The test URL carries options of its own (search_path): both must hold.
    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=database_url, DATABASE_STATEMENT_TIMEOUT_MS=300
    )
    with app.app_context():
        try:
            assert db.session.execute(text("SELECT count(*) FROM resident")).scalar_one() > 0
            with pytest.raises(OperationalError, match="statement timeout"):
                db.session.execute(text("SELECT pg_sleep(3)"))
            db.session.rollback()
        finally:
            db.session.remove()
            db.engine.dispose()
