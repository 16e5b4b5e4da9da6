"""The app's request is htmx-flask's (request.htmx exists at run time) and still streams uploads
into the size-capped file."""

from __future__ import annotations

import io

from flask import Flask, request

from app.htmx import is_htmx
from app.services.uploads import CappedFile
from tests.htmx_headers import boosted_request, fragment_request, history_restore_request


def test_request_htmx_reads_the_headers_htmx_sends(app: Flask) -> None:
    with app.test_request_context("/", headers=fragment_request("/", target="light")):
        assert request.htmx and request.htmx.target == "light"  # type: ignore[attr-defined]
        assert is_htmx()
    with app.test_request_context("/", headers=boosted_request("/")):
        assert request.htmx.boosted and not is_htmx(), "a boosted page wants the whole page"  # type: ignore[attr-defined]
    with app.test_request_context("/", headers=history_restore_request("/")):
        assert request.htmx and not is_htmx(), "the back button wants the whole page"  # type: ignore[attr-defined]
    with app.test_request_context("/"):
        assert not request.htmx and not is_htmx()  # type: ignore[attr-defined]


def test_uploads_stream_into_the_capped_file(app: Flask) -> None:
    limit = app.config["UPLOAD_MAX_FILE_BYTES"]
    data = {"file": (io.BytesIO(b"x" * (limit + 10)), "big.pdf")}
    with app.test_request_context("/", method="POST", data=data):
        stream = request.files["file"].stream
        assert isinstance(stream, CappedFile)
        assert stream.too_big and stream.received == limit + 10
