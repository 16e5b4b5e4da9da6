"""The app's request class: htmx-flask's (`request.htmx`) with uploads streamed to a size cap.

File parts stream into app.services.uploads.CappedFile: past the configured limit the bytes are
counted but not kept, so an oversized upload never fills memory or disk and the form can still
answer with a plain message (and everything else the resident typed).
"""

from __future__ import annotations

from typing import IO, cast

from flask import current_app
from flask import request as flask_request
from htmx_flask.requests import HtmxAwareRequest

from app.services.uploads import CappedFile


class AppRequest(HtmxAwareRequest):
    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return CappedFile(int(current_app.config["UPLOAD_MAX_FILE_BYTES"]))

    @property
    def max_content_length(self) -> int | None:
        # A whole request bigger than every allowed file together is refused outright (413).
        config = current_app.config
        files = int(config["UPLOAD_MAX_FILES"])
        return files * int(config["UPLOAD_MAX_FILE_BYTES"]) + 1024 * 1024


# Flask's `request`, typed as what it is in this app (so `request.htmx` type-checks).
request = cast(AppRequest, flask_request)
