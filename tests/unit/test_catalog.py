"""The Dutch catalog covers every message in the code and templates, and keeps their placeholders.

Dutch is the first language: an English msgid without a Dutch translation would show English to
every resident. A translation that drops or renames a %(placeholder)s raises KeyError at render
time, so that is checked here, not found by a resident.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> Catalog:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(ROOT / "babel.cfg"))
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    catalog = Catalog()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        catalog.add(message, context=context)
    return catalog


def dutch() -> Catalog:
    with (ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale="nl")


def key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


@pytest.fixture(scope="module")
def catalogs() -> tuple[Catalog, Catalog]:
    return extracted(), dutch()


def test_every_message_has_a_dutch_translation(catalogs: tuple[Catalog, Catalog]) -> None:
    code, nl = catalogs
    missing = []
    for message in code:
        if not message.id:
            continue
        translated = nl.get(message.id, message.context)
        strings = translated.string if translated else None
        ok = all(strings) if isinstance(strings, tuple) else bool(strings)
        if not ok or (translated is not None and translated.fuzzy):
            missing.append(key(message))
    assert not missing, f"{len(missing)} messages without Dutch: {missing[:20]}"


def test_translations_keep_their_placeholders(catalogs: tuple[Catalog, Catalog]) -> None:
    _code, nl = catalogs
    wrong = []
    for message in nl:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for string in strings:
            # A plural form may leave out %(num)d ("één ding"); it may never invent a name.
            found = set(PLACEHOLDER.findall(string))
            if found - wanted or (not isinstance(message.id, tuple) and found != wanted):
                wrong.append((key(message), string))
    assert not wrong, wrong[:20]


def test_dutch_plurals_differ_where_english_ones_do(catalogs: tuple[Catalog, Catalog]) -> None:
    # "4 dossier" or "2 punt open" reads as a mistake; ngettext needs two real forms.
    _code, nl = catalogs
    same = [
        message.id[0]
        for message in nl
        if isinstance(message.id, tuple)
        and message.id[0] != message.id[1]
        and len(set(message.string)) == 1
    ]
    assert not same, same


def test_each_message_is_translated_once() -> None:
    """Branches append their entries at the end of messages.po; a message added twice would make
    GNU msgfmt refuse the catalog (pybabel keeps the last one quietly)."""
    po = (ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po").read_text()
    entries = re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.*)"\n((?:".*"\n)*)', po, re.MULTILINE)
    seen: dict[tuple[str, str], int] = {}
    for context, first, rest in entries:
        ident = (context, first + "".join(re.findall(r'^"(.*)"$', rest, re.MULTILINE)))
        seen[ident] = seen.get(ident, 0) + 1
    assert [ident for ident, n in seen.items() if n > 1] == []
