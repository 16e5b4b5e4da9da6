"""Session rules: a fresh session at login, 15 idle minutes end it, an absolute maximum too.

The session cookie holds `started` and `seen` (epoch seconds). Every request of a logged-in
user checks them before the view runs; only real activity extends `seen` (a background poll
does not: it sends the X-Poll header). When a POST arrives after expiry, the plain fields the
user typed are kept in the new anonymous session so the form can be filled again after login.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session

from app import clock

RESCUE_KEY = "rescued_form"
# Never rescued: secrets and one-time values.
NOT_RESCUED = {"csrf_token", "password", "totp", "code"}
RESCUE_MAX_CHARS = 4000


def _now() -> int:
    return int(clock.now().timestamp())


def mark_login() -> None:
    now = _now()
    session["started"] = now
    session["seen"] = now
    session.permanent = False


def idle_seconds() -> int:
    return int(current_app.config["SESSION_IDLE_MINUTES"]) * 60


def max_seconds() -> int:
    return int(current_app.config["SESSION_MAX_HOURS"]) * 3600


def expired() -> bool:
    """True when the logged-in session has been idle too long or has lasted too long."""
    now = _now()
    seen = session.get("seen")
    started = session.get("started")
    if not isinstance(seen, int) or not isinstance(started, int):
        return True
    return now - seen >= idle_seconds() or now - started >= max_seconds()


def touch() -> None:
    """Count this request as activity, unless it is a background poll."""
    if request.headers.get("X-Poll") == "1":
        return
    now = _now()
    if session.get("seen") != now:  # unchanged, the cookie need not be signed and sent again
        session["seen"] = now


def seconds_left() -> int:
    seen = session.get("seen", _now())
    started = session.get("started", _now())
    left_idle = idle_seconds() - (_now() - int(seen))
    left_max = max_seconds() - (_now() - int(started))
    return max(0, min(left_idle, left_max))


def rescue_form() -> None:
    """Keep what the user typed in a POST that arrived after expiry (not files, not secrets)."""
    if request.method != "POST" or not request.form:
        return
    fields: dict[str, Any] = {}
    size = 0
    for name, value in request.form.items(multi=False):
        if name in NOT_RESCUED or not value:
            continue
        size += len(value)
        if size > RESCUE_MAX_CHARS:
            break
        fields[name] = value
    if fields:
        session[RESCUE_KEY] = {"path": request.path, "fields": fields}


def take_rescued(path: str) -> dict[str, str]:
    """The fields rescued for this form's path (once), to fill the form again after login."""
    rescued = session.get(RESCUE_KEY)
    if not isinstance(rescued, dict) or rescued.get("path") != path:
        return {}
    session.pop(RESCUE_KEY, None)
    return dict(rescued.get("fields", {}))
