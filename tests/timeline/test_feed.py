"""Keyset pages of the timeline: newest first, no gaps or repeats, one query per page."""

from __future__ import annotations

from flask import Flask

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.services.accounts import resident_for_bsn
from app.services.timeline_feed import decode_cursor, feed_page
from tests.querycount import count_queries

LONG = DEMO_RESIDENTS[4].bsn


def test_pages_cover_the_history_once_newest_first(app: Flask, seeded: None) -> None:
    resident = resident_for_bsn(LONG)
    assert resident is not None and resident.dossier is not None
    seen: list[int] = []
    times = []
    cursor = None
    with app.test_request_context():
        while True:
            page = feed_page(resident.dossier.id, clock.today(), cursor, size=40)
            seen += [e.event.id for e in page.entries]
            times += [(e.event.occurred_at, e.event.id) for e in page.entries]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert len(seen) == len(set(seen)) >= 200
    assert times == sorted(times, reverse=True)


def test_each_page_is_one_query(app: Flask, seeded: None) -> None:
    resident = resident_for_bsn(LONG)
    assert resident is not None and resident.dossier is not None
    dossier_id = resident.dossier.id
    with app.test_request_context():
        first = feed_page(dossier_id, clock.today())
        db.session.expunge_all()
        with count_queries(db.engine) as counter:
            later = feed_page(dossier_id, clock.today(), first.next_cursor)
            assert all(e.actor and e.text for e in later.entries)
    assert counter.count == 1
    assert later.entries and later.entries[0].event.id not in {e.event.id for e in first.entries}


def test_bad_cursors_start_at_the_newest(app: Flask) -> None:
    for raw in (None, "", "abc", "1-", "-1", "9" * 60 + "-1", "12-x"):
        assert decode_cursor(raw) is None
    assert decode_cursor("1700000000000000-5") is not None
