"""gunicorn with LOG_FORMAT=json (gunicorn.conf.py): its own lines (start, workers, shutdown)
and Python's warnings are JSON lines like the app's, and there is one event per request, the
app's, not a second access line from gunicorn, even when its access log is switched on."""

from __future__ import annotations

import io
import json
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from flask import Flask

from app.logging_setup import NOISY, JsonFormatter, configure
from tests.conftest import free_port
from tests.scale.conftest import BIN, ROOT, Instance, wait_ready

MISSING = "/bestaat-niet-7f3a"  # a path no route has: the app logs it, without the path


def start_gunicorn(tmp_path: Path) -> tuple[Instance, Path]:
    """Started as the Procfile's web line does (preloaded), with gunicorn's access log on."""
    port = free_port()
    env = {
        **os.environ,
        "MIJN_CONFIG": "test",
        "LOG_FORMAT": "json",
        "TEST_DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
    }
    argv = [
        str(BIN / "gunicorn"),
        "--workers=1",
        "--threads=2",
        "--preload",
        "--access-logfile=-",
        f"--control-socket={tmp_path / 'gunicorn.ctl'}",
        f"--bind=127.0.0.1:{port}",
        "app:create_app()",
    ]
    stderr, stdout = tmp_path / "stderr.log", tmp_path / "stdout.log"
    with stderr.open("wb") as err, stdout.open("wb") as out:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True
        )
    return Instance("web", proc, stderr, f"http://127.0.0.1:{port}"), stdout


def test_every_line_gunicorn_writes_is_json(tmp_path: Path) -> None:
    web, stdout = start_gunicorn(tmp_path)
    try:
        wait_ready(web)
        for _ in range(2):
            assert requests.get(f"{web.url}{MISSING}", timeout=10).status_code == 404
    finally:
        web.stop()

    lines = [line for line in web.log.read_text().splitlines() if line.strip()]
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not a JSON line on stderr: {line!r}") from None
    by_logger = [e["logger"] for e in events]
    assert "gunicorn.error" in by_logger, "gunicorn's own start and stop lines are there"
    assert any(e["message"].startswith("Starting gunicorn") for e in events)
    requests_logged = [e for e in events if e["logger"] == "mijn_overzicht.request"]
    assert len(requests_logged) == 2, "one event per request, the app's"
    assert all(e["status"] == 404 and e["endpoint"] == "unmatched" for e in requests_logged)
    # No access line of gunicorn's own, on either stream (it would carry the path).
    written = web.log.read_text() + stdout.read_text()
    assert MISSING not in written
    assert stdout.read_text().strip() == ""


def test_the_app_keeps_gunicorns_json_handler_and_still_quiets_the_noisy_loggers(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under gunicorn the JSON handler is on the root logger before the app is built; the app
    keeps that one handler, and still sets the chatty libraries to warnings only."""
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter())
    monkeypatch.setattr(root, "handlers", [handler])
    noisy = logging.getLogger(NOISY[0])
    monkeypatch.setattr(noisy, "level", logging.NOTSET)
    monkeypatch.setitem(app.config, "LOG_FORMAT", "json")
    configure(app)
    assert root.handlers == [handler]
    assert noisy.level == logging.WARNING


def test_each_worker_hands_the_gil_over_sooner_than_pythons_default() -> None:
    """gunicorn.conf.py's post_fork: a short request waiting behind a page being rendered gets
    its turn after at most SWITCH_INTERVAL_SECONDS, not Python's 5 ms."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    before = sys.getswitchinterval()
    try:
        conf["post_fork"](None, None)
        assert sys.getswitchinterval() == pytest.approx(conf["SWITCH_INTERVAL_SECONDS"])
        assert sys.getswitchinterval() < 0.005
    finally:
        sys.setswitchinterval(before)
