"""Shared fixtures: the app on a real database (PostgreSQL via TEST_DATABASE_URL, else a SQLite
file), clean tables after every test, demo data on request, and the app served on loopback."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, create_engine, text
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from app import clock, create_app
from app.config import TestConfig
from app.extensions import db


def pytest_configure(config: pytest.Config) -> None:
    """Compile the message catalogs when the .po is newer (they are generated, not committed)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).parent.parent.glob("translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src:
                catalog = read_po(src)
            with mo.open("wb") as out:
                write_mo(out, catalog)


# A test over this many seconds is split up, or marked `slow(reason=...)` saying why it is not.
SLOW_SECONDS = 10.0
_UNMARKED_SLOW: list[tuple[str, float]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.duration > SLOW_SECONDS and "slow" not in report.keywords:
        _UNMARKED_SLOW.append((report.nodeid, report.duration))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Listed, not failed: timing is for bench/, and a busy machine is no test failure."""
    if _UNMARKED_SLOW:
        terminalreporter.write_sep("=", f"over {SLOW_SECONDS:.0f} s without a slow mark")
        for nodeid, seconds in sorted(_UNMARKED_SLOW, key=lambda item: -item[1]):
            terminalreporter.write_line(f"{seconds:6.1f}s {nodeid}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # A file, not :memory:, so the loopback server thread sees the same data.
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    # A schema of our own, so test runs side by side on one PostgreSQL never meet.
    schema = f"test_{os.getpid()}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def server_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def base_url(server_port: int) -> str:
    return f"http://127.0.0.1:{server_port}"


@pytest.fixture(scope="session")
def app_overrides(database_url: str, base_url: str, instance_dir: Path) -> dict[str, object]:
    """Settings every test app gets. The DigiD tests add the generated SAML keys here."""
    from tests.saml_keys import saml_test_settings

    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SAML_SP_BASE_URL": base_url,
        "SERVER_NAME": None,
        **saml_test_settings(instance_dir),
    }


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production. Without this the test's
    long-lived app context would be reused, and `g` (the cached user and locale) would leak
    from one request into the next."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # type: ignore[override]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(app_overrides: dict[str, object]) -> Iterator[Flask]:
    app = create_app(TestConfig, **app_overrides)
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


class InFlight:
    """WSGI wrapper that counts the requests the loopback server is still handling.

    A browser test can end while its page still has a request in flight (a poll, a prefetch).
    Cleaning the tables under that request made PostgreSQL pick a deadlock victim: TRUNCATE waits
    for the request's locks and the request for TRUNCATE's. Cleaning waits for the server to be
    idle first; that is a synchronisation, not a timing assumption."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app
        self.busy = 0
        self.changed = threading.Condition()

    def __call__(self, environ: Any, start_response: Any) -> list[bytes]:
        with self.changed:
            self.busy += 1
        try:
            result = self.wsgi_app(environ, start_response)
            try:
                return list(result)  # the whole body, so the request is truly over on return
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        finally:
            with self.changed:
                self.busy -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout: float = 60.0) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: self.busy == 0, timeout):
                raise RuntimeError(f"the loopback server still handles {self.busy} request(s)")


_SERVERS: list[InFlight] = []


def _truncate_all() -> None:
    for server in _SERVERS:
        server.wait_until_idle()
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    try:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(table.delete())
        db.session.commit()
    except Exception:
        db.session.rollback()  # so one failed clean-up does not fail the next test as well
        raise


@pytest.fixture(autouse=True)
def clean_db(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    yield
    db.session.remove()
    _truncate_all()


class DemoSnapshot:
    """The demo data, seeded once and then copied back into the emptied tables for every test
    that asks for it: a bulk insert of the same rows (and the same uploaded files) instead of
    running the whole seed again, about 1 s a test less. The seed is written relative to today,
    so a new day (a long run past midnight, a moved clock) seeds afresh."""

    def __init__(self) -> None:
        self.day: date | None = None
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.files: dict[str, bytes] = {}

    def restore(self, app: Flask) -> None:
        if self.day != clock.today():
            self._take(app)
            return
        with db.engine.begin() as conn:
            for table in db.metadata.sorted_tables:
                if self.rows[table.name]:
                    conn.execute(table.insert(), self.rows[table.name])
            if conn.dialect.name == "postgresql":
                _restart_sequences_after_rows(conn)
        root = Path(app.config["UPLOAD_DIR"])
        for name, data in self.files.items():
            path = root / name
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.write_bytes(data)

    def _take(self, app: Flask) -> None:
        from app.demo import seed_demo

        assert seed_demo()
        db.session.commit()
        with db.engine.connect() as conn:
            self.rows = {
                table.name: [dict(row._mapping) for row in conn.execute(table.select())]
                for table in db.metadata.sorted_tables
            }
        root = Path(app.config["UPLOAD_DIR"])
        self.files = {
            str(path.relative_to(root)): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file()
        }
        self.day = clock.today()


def _restart_sequences_after_rows(conn: Connection) -> None:
    """Rows went in with their own ids: each id sequence continues after the highest."""
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), "
                f'COALESCE(MAX("{column.name}"), 0) + 1, false) FROM "{table.name}"'
            )
        )


_DEMO = DemoSnapshot()


@pytest.fixture
def seeded(app: Flask) -> None:
    """The demo data (app.demo.seed_demo) in the empty database."""
    _DEMO.restore(app)


@pytest.fixture
def client(app: Flask, base_url: str):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app: Flask, server_port: int, base_url: str) -> Iterator[str]:
    """The same app on a real loopback port, threaded (the SP calls the test IdP over HTTP)."""
    counted = InFlight(app)
    _SERVERS.append(counted)
    server = make_server("127.0.0.1", server_port, counted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    _SERVERS.remove(counted)
