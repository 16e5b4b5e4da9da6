"""Readiness: is this process fit to take requests? The database must answer and be at the
migrations' head (a release whose code expects a newer schema must not take traffic). Redis is
reported only: pages never need it, reminders wait in the database."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.config import ROOT
from app.extensions import db

REDIS_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class Readiness:
    database: str  # ok | unavailable
    migrations: str  # ok | behind | unknown
    redis: str  # ok | unavailable

    @property
    def ready(self) -> bool:
        return self.database == "ok" and self.migrations == "ok"

    def as_dict(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "not ready",
            "database": self.database,
            "migrations": self.migrations,
            "redis": self.redis,
        }


@cache
def migration_heads() -> frozenset[str]:
    """The head revision(s) of the migrations this code ships (read once per process)."""
    from alembic.script import ScriptDirectory  # alembic (11 MB) only where /readyz is asked

    return frozenset(ScriptDirectory(str(ROOT / "migrations")).get_heads())


def readiness() -> Readiness:
    database, migrations = "unavailable", "unknown"
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            database = "ok"
            from alembic.runtime.migration import MigrationContext

            current = frozenset(MigrationContext.configure(conn).get_current_heads())
            migrations = "ok" if current == migration_heads() else "behind"
    except SQLAlchemyError:
        pass
    return Readiness(database, migrations, redis_state(current_app.config["REDIS_URL"]))


def redis_state(url: str) -> str:
    conn = Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        conn.ping()
    except (RedisError, OSError):
        return "unavailable"
    finally:
        conn.close()
    return "ok"
