"""Quiet hours: no reminder is sent between start and end, local time (Europe/Amsterdam).

The window is [start, end): 21:00 is quiet, 08:00 is not. It may wrap midnight. Times are
compared on the local wall clock, so the daylight-saving switch days work without special
cases: on the night 02:00 is skipped or repeated, 08:00 still means 08:00 on the clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.clock import AMSTERDAM


def parse_hhmm(value: str) -> time:
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


def in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start == end:
        return False  # no quiet hours
    if start < end:
        return start <= local < end
    return local >= start or local < end


def next_allowed(moment: datetime, start: time, end: time, tz: ZoneInfo = AMSTERDAM) -> datetime:
    """`moment` itself when outside quiet hours, else the end of the window it falls in (UTC)."""
    local = moment.astimezone(tz)
    if not in_quiet_hours(local.time().replace(tzinfo=None), start, end):
        return moment
    end_day = local.date()
    if start > end and local.time() >= start:
        end_day += timedelta(days=1)  # evening part of a window that ends tomorrow morning
    # fold=0: on the autumn switch, an end inside the repeated hour means its first occurrence.
    return datetime.combine(end_day, end, tzinfo=tz).astimezone(moment.tzinfo)
