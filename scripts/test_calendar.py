"""Run the time-sensitive tests with the whole clock moved: `make test-calendar`.

A test that passes today can fail on a day with a property today lacks: the night the clocks go
back, New Year's Eve, a year far ahead. This runs the tests that deal in dates (reminders, quiet
hours, sessions, appointments, the traffic light, the summary, DigiD's time windows) as if it
were such a moment. libfaketime (the PyPI package's library, loaded with LD_PRELOAD) moves the
wall clock of pytest and of every process it starts, the reminder worker and xmlsec1 included, by
one fixed offset, so they all agree; the clock then runs on from that moment. Monotonic clocks are
left alone: timeouts and waits keep real time.

    python scripts/test_calendar.py [pytest args...]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.moments import dst_switch, faketime_env, local  # noqa: E402

# The tests that compute with dates and times. The rest of the suite does not look at the clock
# beyond what these cover.
TIME_SENSITIVE = [
    "tests/notifications",
    "tests/session",
    "tests/appointments",
    "tests/unit",
    "tests/summary",
    "tests/overview",
    "tests/timeline",
    "tests/auth",
]


def moments(now: datetime) -> list[tuple[str, datetime]]:
    today = now.date()
    autumn = dst_switch("autumn", today)
    new_year = date(today.year, 12, 31)
    return [
        # 02:59 summer time, a minute before the clocks go back from 03:00 to 02:00: the run
        # itself crosses the switch, and the night has its repeated hour.
        ("the night the clocks go back", local(autumn, 2, 59)),
        ("31 December 23:30 in Amsterdam", local(new_year, 23, 30)),
        ("two years ahead", now + timedelta(days=730)),
    ]


def main(extra: list[str]) -> int:
    failed: list[str] = []
    for label, moment in moments(datetime.now(UTC)):
        offset = int((moment - datetime.now(UTC)).total_seconds())
        # One offset from the real clock, the same for every process of the run.
        env = {**os.environ, **faketime_env(f"{offset:+d}")}
        print(f"\n== {label}: the clock starts at {moment:%Y-%m-%d %H:%M} UTC", flush=True)
        started = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own pytest, our own arguments
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                *TIME_SENSITIVE,
                *extra,
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        print(f"== {label}: exit {result.returncode} in {time.monotonic() - started:.0f} s")
        if result.returncode != 0:
            failed.append(label)
    if failed:
        print("\ntest-calendar FAILED at: " + "; ".join(failed))
        return 1
    print("\ntest-calendar: passed at every moment")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
