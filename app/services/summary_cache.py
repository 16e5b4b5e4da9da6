"""The file cache behind the printed and the spoken summary (app.services.summary_pdf and
app.services.summary_audio).

A file is named by a hash of exactly what it shows or says, plus its kind (`pdf`, `mp3`), so a
repeat is instant and any change in the dossier gives a new file. A `.queued` marker says an RQ
job is making it. The cache holds personal data: files are 0600 in a 0700 directory and removed
after SUMMARY_CACHE_SECONDS. Web and worker must share SUMMARY_CACHE_DIR (same host or volume).
Ages are judged on the app's clock (app.clock), never the file system's.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import current_app

from app import clock


def cache_dir() -> Path:
    directory = Path(current_app.config["SUMMARY_CACHE_DIR"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _stamp(path: Path) -> None:
    """A cache file carries the app clock's time, not the file system's: its age is judged on
    the one clock the app reads (app.clock), whatever the file system's clock says."""
    now = clock.now().timestamp()
    os.utime(path, (now, now))


def _fresh(path: Path, max_age: float) -> bool:
    try:
        return clock.now().timestamp() - path.stat().st_mtime < max_age
    except FileNotFoundError:
        return False


def cached(key: str, kind: str) -> bytes | None:
    path = cache_dir() / f"{key}.{kind}"
    if not _fresh(path, current_app.config["SUMMARY_CACHE_SECONDS"]):
        return None
    try:
        return path.read_bytes()
    except FileNotFoundError:  # pruned between the check and the read
        return None


def store(key: str, kind: str, data: bytes) -> None:
    directory = cache_dir()
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")  # mkstemp makes it 0600
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    _stamp(Path(tmp))
    os.replace(tmp, directory / f"{key}.{kind}")
    (directory / f"{key}.queued").unlink(missing_ok=True)
    prune()


def prune() -> None:
    """Old summaries are personal data nobody needs any more."""
    max_age = current_app.config["SUMMARY_CACHE_SECONDS"]
    for path in cache_dir().iterdir():
        if not _fresh(path, max_age):
            path.unlink(missing_ok=True)


def queue_state(key: str) -> str:
    """'none', 'waiting' (queued, within the job timeout) or 'lost' (queued too long ago)."""
    marker = cache_dir() / f"{key}.queued"
    if not marker.exists():
        return "none"
    if _fresh(marker, current_app.config["SUMMARY_JOB_TIMEOUT_SECONDS"]):
        return "waiting"
    return "lost"


def mark_queued(key: str) -> None:
    marker = cache_dir() / f"{key}.queued"
    marker.touch(mode=0o600)
    _stamp(marker)
