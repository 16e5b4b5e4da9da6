"""Moments for tests, computed from the clock the test run is on, never from a calendar date.

A date written into a test passes one day, and the test breaks when the calendar moves on (two
did, on 2 December 2026). Everything here is derived from `app.clock.today()` at import time, so
the suite means the same on any day, and under `make test-calendar`, which runs the time-sensitive
tests with the whole clock (every process) moved to a DST night, New Year's Eve and two years
ahead.

    from tests.moments import in_days, local, dst_switch

    local(in_days(3), 9)          # 09:00 in Amsterdam, three days from today, as an aware UTC time
    dst_switch("autumn")          # the next Sunday the Dutch clocks go back
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

import libfaketime

from app.clock import AMSTERDAM, today


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """That wall-clock time in Amsterdam on `day`, as an aware UTC datetime. In the repeated
    hour of the autumn night this is the first (summer time) one, as zoneinfo's fold=0 is."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


def in_days(days: int, start: date | None = None) -> date:
    """The date `days` after `start` (default: today in Amsterdam)."""
    return (start or today()) + timedelta(days=days)


def last_sunday(year: int, month: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    last = first_of_next - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


def dst_switch(kind: Literal["spring", "autumn"], after: date | None = None) -> date:
    """The first day on or after `after` (default today) on which the Dutch clocks go forward
    (spring: last Sunday of March) or back (autumn: last Sunday of October). Checked against the
    time-zone database, so a change of the EU rules shows up here and not as a puzzling failure."""
    start = after or today()
    month = 3 if kind == "spring" else 10
    year = start.year
    while (day := last_sunday(year, month)) < start:
        year += 1
    before = local(day - timedelta(days=1), 12).astimezone(AMSTERDAM).utcoffset()
    after_switch = local(day + timedelta(days=1), 12).astimezone(AMSTERDAM).utcoffset()
    assert before != after_switch, f"no DST switch in Amsterdam on {day}"
    return day


def faketime_env(faketime: str) -> dict[str, str]:
    """Environment that moves the wall clock of a process and its children (libfaketime, a
    dev dependency; time-machine moves this process only). `faketime` is libfaketime's
    FAKETIME: "@2026-12-07 11:00:00" starts the clock at that UTC moment, "+86400" moves it
    ahead by that many seconds. Sleeps and timeouts keep real (monotonic) time."""
    _, preload = libfaketime.get_reload_information()
    return {
        **preload,
        "FAKETIME": faketime,
        "TZ": "UTC",  # an absolute FAKETIME is read in the process's time zone
        "DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }


def clock_env(start: datetime) -> dict[str, str]:
    """Environment for a child process whose clock starts at `start` and then runs on, so a
    worker subprocess lives on the same clock as the test that froze its own at `start`."""
    return faketime_env("@" + start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"))
