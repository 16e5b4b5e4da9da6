"""Reading the timeline a page at a time, newest first, with a keyset cursor.

The cursor is the (occurred_at, id) of the last event shown, so every page costs the same one
query however long the history is (the index ix_timeline_dossier_time serves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from app.dates import when
from app.extensions import db
from app.models import TimelineEvent
from app.services.timeline import actor_text, event_text

PAGE_SIZE = 25
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Entry:
    event: TimelineEvent
    text: str
    actor: str
    organisation: str
    when: str


@dataclass(frozen=True)
class FeedPage:
    entries: list[Entry]
    next_cursor: str | None
    first: bool


def encode_cursor(event: TimelineEvent) -> str:
    micros = (event.occurred_at - EPOCH) // MICROSECOND
    return f"{micros}-{event.id}"


def decode_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """None for a missing or malformed cursor: the page then starts at the newest event."""
    if not raw:
        return None
    micros, sep, event_id = raw.partition("-")
    if not sep or not micros.isdigit() or not event_id.isdigit() or len(raw) > 40:
        return None
    try:
        at = EPOCH + int(micros) * MICROSECOND
    except (OverflowError, OSError, ValueError):
        return None
    return at, int(event_id)


def feed_page(
    dossier_id: int, today: date, cursor: str | None = None, size: int = PAGE_SIZE
) -> FeedPage:
    stmt = (
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == dossier_id)
        .options(joinedload(TimelineEvent.organisation), joinedload(TimelineEvent.actor_staff))
        .order_by(TimelineEvent.occurred_at.desc(), TimelineEvent.id.desc())
        .limit(size + 1)
    )
    after = decode_cursor(cursor)
    if after is not None:
        at, event_id = after
        stmt = stmt.where(
            or_(
                TimelineEvent.occurred_at < at,
                and_(TimelineEvent.occurred_at == at, TimelineEvent.id < event_id),
            )
        )
    events = list(db.session.scalars(stmt))
    more = len(events) > size
    events = events[:size]
    entries = [
        Entry(
            e,
            event_text(e),
            actor_text(e),
            e.organisation.name if e.organisation else "",
            when(e.occurred_at, today),
        )
        for e in events
    ]
    next_cursor = encode_cursor(events[-1]) if more and events else None
    return FeedPage(entries, next_cursor, after is None)
