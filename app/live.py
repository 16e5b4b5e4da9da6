"""Live pages (overview, timeline) refresh by polling; an unchanged dossier answers 304.

The validator is built from Dossier.updated_at (bumped by every timeline event) plus everything
else the page depends on: the resident, the language, today's date (relative dates, 'late'),
and page-or-fragment. Flask-Compress appends ':gzip' / ':br' to strong ETags, so a tag matches
when the part before the colon does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import make_response, request, session
from werkzeug.wrappers import Response

from app import clock
from app.htmx import is_htmx
from app.language import current_lang
from app.models import Resident
from app.responses import no_store

# The session key for "automatic updates off" (WCAG 2.2.2): a plain setting, so it works without JS.
LIVE_OFF = "live_updates_off"

# Bump when templates change in a way that must invalidate what browsers hold.
TEMPLATE_VERSION = "1"
# no-store, not no-cache: the page holds personal data, so the browser keeps no copy. The poll does
# not need one either: live.js remembers the tag and sends If-None-Match itself, and a 304 to a
# request with its own validator reaches the script as a 304 (nothing is read from the cache).


def live_updates_on() -> bool:
    return not session.get(LIVE_OFF)


def set_live_updates(on: bool) -> None:
    if on:
        session.pop(LIVE_OFF, None)
    else:
        session[LIVE_OFF] = True


@dataclass(frozen=True)
class LiveDossier:
    page: str
    resident_id: int
    updated_at: datetime
    today: date
    # A flash message waiting to be shown makes the page differ from what the browser holds.
    flash_pending: bool
    # The tags of this request, page and fragment, computed once (a page asks two or three times).
    _tags: dict[bool, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def for_resident(cls, resident: Resident, page: str) -> LiveDossier:
        """From the dossier the login loader loaded with the resident (in this request, so just
        as fresh): an unchanged poll costs that one statement and nothing more."""
        if resident.dossier is None:
            raise LookupError("resident has no dossier")
        updated_at = resident.dossier.updated_at
        return cls(page, resident.id, updated_at, clock.today(), bool(session.get("_flashes")))

    def etag(self, *, fragment: bool) -> str:
        tag = self._tags.get(fragment)
        if tag is None:
            tag = self._tags[fragment] = self._compute_etag(fragment)
        return tag

    def _compute_etag(self, fragment: bool) -> str:
        parts = [
            TEMPLATE_VERSION,
            self.page,
            str(self.resident_id),
            self.updated_at.isoformat(),
            self.today.isoformat(),
            # The hour too: an appointment that has passed leaves the overview without an event.
            clock.now().strftime("%H"),
            current_lang(),
            "f" if fragment else "p",
            # The page shows the setting: turning it off or on must not be answered with a 304.
            "off" if not live_updates_on() else "on",
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]

    @property
    def poll_etag(self) -> str:
        """The tag a page embeds for its poll link (the poll asks for the fragment)."""
        return self.etag(fragment=True)

    def _fresh(self, etag: str) -> bool:
        if request.if_none_match:
            tags = request.if_none_match.as_set(include_weak=True)
            return any(t == "*" or t.split(":", 1)[0] == etag for t in tags)
        since = request.if_modified_since
        return since is not None and self.updated_at.replace(microsecond=0) <= since

    def not_modified(self) -> Response | None:
        """A 304 when the browser already holds this version of the page, else None."""
        etag = self.etag(fragment=is_htmx())
        if self.flash_pending or not self._fresh(etag):
            return None
        return self.validate(make_response("", 304))

    def validate(self, response: Response) -> Response:
        no_store(response)
        response.vary.add("HX-Request")
        response.vary.add("Cookie")
        if not self.flash_pending:
            response.set_etag(self.etag(fragment=is_htmx()))
            response.last_modified = self.updated_at
        return response
