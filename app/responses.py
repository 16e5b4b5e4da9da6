"""Response bodies that cost the resident nothing they do not need (issue 14 items 5 and 7).

- A redirect carries no body: old browsers (Dillo 3.0.5) do not follow a redirect whose body is
  over about 1,000 bytes, and Werkzeug's body repeats the DigiD address twice (2 KB on 2G).
- Error pages are compressed like other pages: Flask-Compress leaves every non-2xx alone.
- /favicon.ico: browsers ask for it whatever the page links, so it is there (a small ICO made
  here, no binary in the repository) instead of costing a 404 page; cached for a year.
"""

from __future__ import annotations

import gzip
import struct
from functools import cache
from typing import TypeVar

import brotli
from flask import Flask, Response, request
from werkzeug.wrappers import Response as BaseResponse

from app.assets import IMMUTABLE

AnyResponse = TypeVar("AnyResponse", bound=BaseResponse)
# Personal data: no shared cache keeps it, nor the browser's disk (a library PC).
PRIVATE = "private, no-store"


def no_store(response: AnyResponse) -> AnyResponse:
    """Mark a response that carries personal data: kept by no cache, shared or the browser's."""
    response.headers["Cache-Control"] = PRIVATE
    return response


REDIRECTS = {301, 302, 303, 307, 308}
ICON_SIZE = 16
ICON_INK = (0x11, 0x11, 0x11)  # --ink in main.css: the same dark dot as static/favicon.svg


def init_app(app: Flask) -> None:
    @app.after_request
    def lean_body(response: Response) -> Response:
        if response.status_code in REDIRECTS and response.location:
            response.set_data(b"")
        elif response.status_code >= 400:
            compress_error_page(response, app.config.get("COMPRESS_MIMETYPES", ()))
        return response

    @app.get("/favicon.ico")
    def favicon() -> Response:
        response = Response(favicon_ico(), mimetype="image/x-icon")
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def compress_error_page(response: Response, mimetypes: tuple[str, ...] | list[str]) -> None:
    if (
        response.mimetype not in mimetypes
        or response.is_streamed
        or "Content-Encoding" in response.headers
    ):
        return
    accepted = request.accept_encodings
    data = response.get_data()
    if accepted["br"]:
        response.set_data(brotli.compress(data))
        response.headers["Content-Encoding"] = "br"
    elif accepted["gzip"]:
        response.set_data(gzip.compress(data))
        response.headers["Content-Encoding"] = "gzip"
    else:
        return
    response.vary.add("Accept-Encoding")


@cache
def favicon_ico() -> bytes:
    """A 16x16 32-bit ICO (BMP inside, which every browser that asks for /favicon.ico reads):
    a dark dot on a transparent ground."""
    n = ICON_SIZE
    centre, radius = (n - 1) / 2, n / 2 - 1
    pixels = bytearray()
    for y in range(n - 1, -1, -1):  # BMP rows go bottom-up
        for x in range(n):
            inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius**2
            r, g, b = ICON_INK
            pixels += bytes((b, g, r, 255 if inside else 0))
    mask = bytes(n * 4)  # the AND mask, 1 bit a pixel in 32-bit rows: alpha already says it
    header = struct.pack(
        "<IiiHHIIiiII", 40, n, 2 * n, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0
    )
    image = header + bytes(pixels) + mask
    directory = struct.pack("<BBBBHHII", n, n, 0, 0, 1, 32, len(image), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + directory + image
