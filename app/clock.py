"""The one place the app reads the time (tests move it with time-machine, never by sleeping)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the residents live."""
    return now().astimezone(AMSTERDAM).date()
