"""Stop links in reminder e-mails (RFC 8058 one-click List-Unsubscribe).

The link carries a signed token: the resident id and the channel, nothing else (never the
e-mail address or BSN, since the link travels in the mail and may be forwarded or logged).
It is signed with the app's secret and a salt of its own, so a session cookie or CSRF token
can never pass as a stop token, or the other way round. Tokens are accepted for
UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS: a resident may find an old e-mail weeks later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.extensions import db
from app.models import Resident
from app.models.notification import Channel

SALT = "mijn-overzicht.reminders.stop"
# The route is registered on this path (app.unsubscribe.routes); links are built from
# PORTAL_URL because the worker that sends mails has no request to build URLs from.
STOP_PATH = "/herinneringen/stoppen"


class BadStopToken(ValueError):
    """Tampered, too old, signed with another key, or not a stop token at all."""


@dataclass(frozen=True)
class StopRequest:
    resident_id: int
    channel: Channel


@dataclass(frozen=True)
class StopLinks:
    """What a reminder e-mail needs: the https link, and the mailto if one is configured."""

    url: str
    mailto: str = ""

    @property
    def list_unsubscribe(self) -> str:
        """The List-Unsubscribe header value (RFC 2369): the https URI first."""
        uris = [self.url, self.mailto] if self.mailto else [self.url]
        return ", ".join(f"<{uri}>" for uri in uris)


def _serializer() -> URLSafeTimedSerializer:
    config = current_app.config
    # Flask's fallback keys (rotation) still verify old links; the current key signs.
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=SALT)


def make_token(resident_id: int, channel: Channel) -> str:
    return _serializer().dumps({"r": resident_id, "c": channel.value})


def read_token(token: str) -> StopRequest:
    """The resident and channel of a valid token, else BadStopToken."""
    max_age = timedelta(days=current_app.config["UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS"])
    try:
        data: Any = _serializer().loads(token, max_age=int(max_age.total_seconds()))
        resident_id, channel = data["r"], Channel(data["c"])
    except (BadData, KeyError, TypeError, ValueError) as exc:
        raise BadStopToken(type(exc).__name__) from exc
    if not isinstance(resident_id, int) or isinstance(resident_id, bool):
        raise BadStopToken("resident id")
    return StopRequest(resident_id, channel)


def stop_links(resident_id: int, channel: Channel = Channel.EMAIL) -> StopLinks:
    config = current_app.config
    token = make_token(resident_id, channel)
    url = f"{config['PORTAL_URL'].rstrip('/')}{STOP_PATH}/{token}"
    mailto = ""
    if config.get("UNSUBSCRIBE_MAILTO"):
        subject = quote(f"stop {token}")
        mailto = f"mailto:{config['UNSUBSCRIBE_MAILTO']}?subject={subject}"
    return StopLinks(url, mailto)


def resident_for_stop_token(token: str) -> Resident | None:
    """The resident a valid e-mail stop token is for; None for any other token (bad, too old,
    for another channel, or for a resident who is no longer there)."""
    try:
        request = read_token(token)
    except BadStopToken:
        return None
    if request.channel is not Channel.EMAIL:
        return None
    return db.session.get(Resident, request.resident_id)
