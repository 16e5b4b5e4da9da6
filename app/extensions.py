"""Flask extensions, created without an app (bound in create_app)."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()
compress = Compress()

# Slows down floods of requests per address (staff login, stop links). Redis in production; when
# Redis is down the limiter counts in memory (the lockout in the database is the real protection
# for logins).
limiter = Limiter(
    key_func=get_remote_address,
    swallow_errors=True,
    in_memory_fallback_enabled=True,
    headers_enabled=False,
)


def init_limiter(app: Flask) -> None:
    # Settings unless the configuration sets them (it may, per environment).
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", "memory://" if app.testing else app.config["REDIS_URL"]
    )
    if str(app.config["RATELIMIT_STORAGE_URI"]).startswith("redis"):
        # A Redis that hangs must not hang a request: give up fast and count in memory.
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        )
    limiter.init_app(app)
