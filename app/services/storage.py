"""Where uploaded files are kept: a small interface with a local-filesystem backend.

Files live outside the web root under random names; the checksum is computed while copying.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Response, current_app, send_file

from app.extensions import db
from app.responses import no_store

CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


class Storage(Protocol):
    def save(self, source: BinaryIO) -> StoredFile: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files in one private directory (0700), each written to a temp name then renamed, so a
    failed copy never leaves a file behind under a real key."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def save(self, source: BinaryIO) -> StoredFile:
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f".{key}.part")
        digest = hashlib.sha256()
        size = 0
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return StoredFile(key, size, digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def stored_keys(self) -> list[str]:
        """Every stored key (for tests and housekeeping)."""
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.glob("*/*") if not p.name.startswith("."))


BACKENDS = {"local": lambda config: LocalStorage(config["UPLOAD_DIR"])}


def get_storage() -> Storage:
    config = current_app.config
    return BACKENDS[config.get("UPLOAD_STORAGE", "local")](config)


def download_response(storage_key: str, content_type: str, filename: str) -> Response:
    """A stored file as a download: never cached, never sniffed into something that runs."""
    response = send_file(
        get_storage().open(storage_key),
        mimetype=content_type,
        as_attachment=True,
        download_name=filename,
        max_age=0,
    )
    no_store(response)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@contextmanager
def kept_only_if_committed(storage: Storage | None, keys: list[str]) -> Iterator[None]:
    """Commit the block's changes; on any failure roll back and delete the files in `keys` (the
    block may add the keys of files it stores), so no file is ever left without its row."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if storage is not None:
            for key in keys:
                storage.delete(key)
        raise
