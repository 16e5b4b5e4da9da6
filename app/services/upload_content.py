"""What is inside an uploaded PDF or image, checked before anything is stored.

Staff open these files on their own computers, so a PDF that can run something there is refused:
JavaScript, actions that start by themselves (OpenAction, AA), Launch, embedded files, XFA forms
and RichMedia. A PDF must start with `%PDF-` at byte 0 and carry no HTML up front: a file that a
browser could also read as a web page is not a PDF we want. Images are measured from their
header without decoding, so a small file that would unpack to gigabytes (a decompression bomb)
is refused before anyone opens it.
"""

from __future__ import annotations

import re
import warnings
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypdf import PdfReader

# Larger than any phone camera (about 50 megapixels); a scan of A4 at 600 dpi is 35.
MAX_IMAGE_PIXELS = 50_000_000
PDF_MAGIC = b"%PDF-"
# Browsers sniff the first 512 bytes for HTML; look a little further.
HTML_SNIFF_BYTES = 1024
_HTML = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|object|embed|svg|meta)\b", re.I)

# Keys and name values that make a PDF do something by itself or carry another file.
ACTIVE_KEYS = {
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/XFA",
    "/RichMedia",
    "/RichMediaContent",
}
ACTIVE_NAMES = {
    "/JavaScript",
    "/Launch",
    "/EmbeddedFile",
    "/FileAttachment",
    "/RichMedia",
    "/RichMediaExecute",
    "/ImportData",
    "/SubmitForm",
}
# The same names in the raw bytes, also when spelled with #xx escapes (/J#61vaScript), as a
# second look for objects that nothing references (a reader that repairs the file may find them).
_RAW_ACTIVE = re.compile(
    rb"/(?:JavaScript|OpenAction|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])"
)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# A PDF with more objects than this is not a letter or a payslip; refuse rather than walk it.
MAX_OBJECTS = 200_000


class ActiveContent(Exception):
    """The PDF holds parts that can act by themselves."""


def looks_like_html(head: bytes) -> bool:
    return _HTML.search(head[:HTML_SNIFF_BYTES]) is not None


def starts_as_pdf(head: bytes) -> bool:
    return head.startswith(PDF_MAGIC) and not looks_like_html(head)


def _raw_has_active_names(raw: bytes) -> bool:
    unescaped = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return _RAW_ACTIVE.search(unescaped) is not None


def _walk(start: Any) -> None:
    """Every dictionary and array reachable from `start` (resolving references, once each)."""
    # pypdf and Pillow load with the first upload, not in every web worker (issue #20).
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    todo = [start]
    visited = 0
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise ActiveContent("too many objects")
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in ACTIVE_KEYS:
                    raise ActiveContent(str(key))
                named = key in ("/S", "/Subtype", "/Type") and isinstance(value, NameObject)
                if named and value in ACTIVE_NAMES:
                    raise ActiveContent(str(value))
                todo.append(value)
        elif isinstance(item, ArrayObject):
            todo.extend(item)


def check_pdf_content(reader: PdfReader, raw: bytes) -> None:
    """Raise ActiveContent when the PDF can run or carry something."""
    if _raw_has_active_names(raw):
        raise ActiveContent("active name in the file")
    _walk(reader.trailer)


def image_problem(stream: IO[bytes]) -> str | None:
    """What is wrong with the picture: "too-large" above MAX_IMAGE_PIXELS, "damaged" when its
    header cannot be read, else None. Image.open reads only the header (width and height);
    nothing is decoded. Pillow's own bomb guard raising for absurd sizes counts as too large."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as picture:
                width, height = picture.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "too-large"
    except (OSError, ValueError, SyntaxError):  # what Pillow raises for a broken header
        return "damaged"
    finally:
        stream.seek(0)
    return "too-large" if width * height > MAX_IMAGE_PIXELS else None
