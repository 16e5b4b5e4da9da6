"""Small real files for upload tests, made on the spot (no binary fixtures in the repo)."""

from __future__ import annotations

import io
import struct
import zlib


def pdf(text_pages: int = 1, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(text_pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf() -> bytes:
    return pdf()[:300]


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg(width: int = 2, height: int = 2) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "JPEG")
    return out.getvalue()


def png_bomb(width: int = 40_000, height: int = 40_000) -> bytes:
    """A PNG that says it is width × height pixels: a few hundred bytes on disk, gigabytes when
    decoded (the IDAT holds only the start of the first row; the header is what counts)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (3 * 1024))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_with_size(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is rewritten to claim width × height."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def active_pdf(kind: str) -> bytes:
    """A one-page PDF with one kind of active content, the way real tools write it."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    root = writer._root_object
    js = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    if kind == "javascript":
        # Document-level JavaScript: the /Names tree, run when the file opens.
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(js)])}
        )
        root[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    elif kind == "openaction":
        root[NameObject("/OpenAction")] = writer._add_object(js)
    elif kind == "page-aa":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(js)})
    elif kind == "launch":
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc")}
        )
        annot = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                NameObject("/A"): action,
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    elif kind == "embedded-file":
        writer.add_attachment("factuur.exe", b"MZ not really")
    elif kind == "xfa":
        root[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
        )
    elif kind == "richmedia":
        annot = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/RichMedia"),
                NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    else:
        raise ValueError(kind)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hex_escaped_openaction_pdf() -> bytes:
    """OpenAction spelled /Open#41ction (a PDF name escape); readers repair the shifted offsets."""
    data = active_pdf("openaction")
    assert b"/OpenAction" in data
    return data.replace(b"/OpenAction", b"/Open#41ction")


def html_pdf_polyglot() -> bytes:
    """A file a browser reads as a web page and a PDF reader as a PDF."""
    return b"<html><body><script>alert(1)</script><!--\n" + pdf()


def bom_pdf() -> bytes:
    """`%PDF` after a byte-order mark: not at byte 0 (a browser sniffs the BOM as text)."""
    return b"\xef\xbb\xbf" + pdf()


def pdf_with_html_up_front() -> bytes:
    return pdf().replace(b"\n", b"\n%<html><script>alert(1)</script>\n", 1)
