"""Checking uploaded files: type by content (magic bytes), size while streaming, PDFs that open.

The app's request class (app.requests) streams each uploaded file into a CappedFile: past the
configured limit the bytes are counted but not kept, so an oversized upload never fills memory or
disk and the form can still answer with a plain message (and everything else the resident typed).
"""

from __future__ import annotations

import tempfile
import unicodedata
from dataclasses import dataclass
from typing import IO, Any

import filetype
from flask import current_app
from flask_babel import gettext
from werkzeug.datastructures import FileStorage

from app.services.upload_content import (
    HTML_SNIFF_BYTES,
    ActiveContent,
    check_pdf_content,
    image_problem,
    starts_as_pdf,
)

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# Browsers' accept list: the file picker offers these (and the camera on phones).
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
MAX_NAME = 200
SPOOL_BYTES = 512 * 1024


class CappedFile(tempfile.SpooledTemporaryFile[bytes]):
    """A spooled temp file that stops keeping bytes past `limit` and remembers it did."""

    def __init__(self, limit: int) -> None:
        super().__init__(max_size=SPOOL_BYTES)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def write(self, data: Any) -> int:
        self.received += len(data)
        if self.received > self.limit:
            self.too_big = True
            return len(data)
        return super().write(data)


@dataclass(frozen=True)
class CheckedFile:
    upload: FileStorage
    filename: str
    content_type: str


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}"


def _bad_name(name: str) -> bool:
    if "/" in name or "\\" in name or name in (".", "..") or len(name) > MAX_NAME:
        return True
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name)


def _pdf_problem(stream: IO[bytes], name: str) -> str | None:
    from pypdf import PdfReader  # on the first PDF upload, not in every web worker (#20)

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            return gettext(
                "%(name)s is protected with a password. Save it without a password and "
                "send it again.",
                name=name,
            )
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        reader.pages[0].extract_text()
        stream.seek(0)
        check_pdf_content(reader, stream.read())
    except ActiveContent:
        return gettext(
            "This PDF file (%(name)s) contains parts we do not open. Save it again as a plain "
            "PDF, or take a photo.",
            name=name,
        )
    except Exception:  # pypdf raises many kinds of errors for a damaged file
        return gettext("%(name)s is damaged or incomplete. We cannot open it.", name=name)
    return None


def _image_problem(stream: IO[bytes], name: str) -> str | None:
    problem = image_problem(stream)
    if problem == "too-large":
        return gettext(
            "%(name)s is a picture with too many dots for us to open. Take a new photo, or make "
            "the picture smaller, and send it again.",
            name=name,
        )
    if problem == "damaged":
        return gettext("%(name)s is damaged or incomplete. We cannot open it.", name=name)
    return None


def check_file(upload: FileStorage) -> tuple[CheckedFile | None, str | None]:
    """One uploaded file: the checked file, or a plain message saying what is wrong."""
    raw_name = upload.filename or ""
    if _bad_name(raw_name):
        return None, gettext(
            "The name of the file cannot be used. Give the file a simple name, without "
            "slashes, and try again."
        )
    name = raw_name.strip() or gettext("The file")
    stream = upload.stream
    if getattr(stream, "too_big", False):
        limit = megabytes(int(current_app.config["UPLOAD_MAX_FILE_BYTES"]))
        return None, gettext(
            "%(name)s is bigger than %(limit)s MB. Send a smaller file, or a photo of each page.",
            name=name,
            limit=limit,
        )
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        return None, gettext("%(name)s is empty. Choose the file again.", name=name)
    head = stream.read(HTML_SNIFF_BYTES)
    stream.seek(0)
    kind = filetype.guess(head[:261])
    content_type = kind.mime if kind else ""
    # filetype also accepts a PDF after a byte-order mark; we want `%PDF-` at byte 0 and no HTML.
    if content_type == "application/pdf" and not starts_as_pdf(head):
        content_type = ""
    if content_type not in ALLOWED:
        return None, gettext("%(name)s is not a PDF, JPG or PNG file.", name=name)
    if content_type == "application/pdf":
        problem = _pdf_problem(stream, name)
    else:
        problem = _image_problem(stream, name)
    stream.seek(0)
    if problem:
        return None, problem
    return CheckedFile(upload, name, content_type), None


def check_files(uploads: list[FileStorage]) -> tuple[list[CheckedFile], list[str]]:
    """Every chosen file checked; no files, or too many, is a message too."""
    chosen = [u for u in uploads if u.filename or u.content_length]
    if not chosen:
        return [], [gettext("Choose a file to send.")]
    most = int(current_app.config["UPLOAD_MAX_FILES"])
    if len(chosen) > most:
        return [], [gettext("Send at most %(num)d files at once.", num=most)]
    checked, problems = [], []
    for upload in chosen:
        ok, problem = check_file(upload)
        if ok:
            checked.append(ok)
        if problem:
            problems.append(problem)
    return checked, problems
