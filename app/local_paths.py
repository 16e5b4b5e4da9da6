"""safe_local_path: the one check every `next` (and DigiD's RelayState) goes through.

Browsers are lenient in ways an attacker can use: they drop tabs and newlines from a URL,
read a backslash as a slash, and some decode percent-escapes before deciding where to go.
So `/<TAB>/evil.example`, `/\\evil.example` and `/%2F%2Fevil.example` all could become
`//evil.example`, another site. Anything that is not plainly a path on this site becomes "/".
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

# Control and format characters, and line/paragraph separators: browsers strip or act on them.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
# Enough rounds to undo any escape-of-an-escape a browser or proxy might undo for us.
_DECODE_ROUNDS = 5


def _plain(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or " " in value.split("?", 1)[0]:
        return False
    if any(unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def safe_local_path(value: str | None) -> str:
    """A path on this site, or "/" for anything that could lead elsewhere."""
    if not value or not isinstance(value, str):
        return "/"
    decoded = value
    for _round in range(_DECODE_ROUNDS):
        if not _plain(decoded):
            return "/"
        once_more = unquote(decoded)
        if once_more == decoded:
            return value
        decoded = once_more
    # Still changing after many rounds: nobody needs that.
    return "/"
