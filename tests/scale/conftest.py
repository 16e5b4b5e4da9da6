"""The scale-out proof (`make test-scale`, run by .ci/run): two gunicorn web instances and two
reminder workers, as separate processes, on one PostgreSQL schema and one Redis DB.

These tests run only when asked for with `-m scale` and only on PostgreSQL (SQLite is one file on
one machine: there is nothing to scale out). The normal suite skips them, so they run once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.notifications.conftest import (  # noqa: F401 - fixtures
    redis_conn,
    redis_url,
    smtp,
    spryng,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "scale" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="scale-out test: `make test-scale` (PostgreSQL) runs it")
    for item in items:
        if item.get_closest_marker("scale"):
            item.add_marker(skip)


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        message = "the scale-out test needs PostgreSQL (TEST_DATABASE_URL)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return database_url


@dataclass
class Instance:
    """One process started by a test, with its log file."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def start(name: str, argv: list[str], env: dict[str, str], tmp_path: Path) -> Instance:
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Instance(name, proc, log)


def wait_ready(instance: Instance, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.proc.poll() is not None:
            raise AssertionError(f"{instance.name} exited:\n{instance.output()}")
        try:
            if requests.get(f"{instance.url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{instance.name} did not answer /healthz:\n{instance.output()}")


def gunicorn(name: str, port: int, env: dict[str, str], tmp_path: Path) -> Instance:
    argv = [
        str(BIN / "gunicorn"),
        "--workers=1",
        "--threads=4",
        f"--bind=127.0.0.1:{port}",
        "app:create_app()",
    ]
    instance = start(name, argv, env, tmp_path)
    instance.url = f"http://127.0.0.1:{port}"
    return instance


@pytest.fixture
def processes() -> Iterator[list[Instance]]:
    """Everything a test starts goes in here and is stopped afterwards, whatever happened."""
    started: list[Instance] = []
    yield started
    for instance in started:
        instance.stop()
