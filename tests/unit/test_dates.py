"""Dates in words follow the residents' calendar (Amsterdam), not the server's (UTC)."""

from __future__ import annotations

from datetime import date

import time_machine
from flask import Flask

from app.clock import today
from app.dates import long_date
from tests.moments import local


def test_just_after_new_year_in_amsterdam_this_year_is_the_new_one(app: Flask) -> None:
    """00:30 on 1 January in Amsterdam is still 31 December in UTC: a date in the new year
    gets no year number, and one in the old year does."""
    new_year = date(today().year + 1, 1, 1)
    with time_machine.travel(local(new_year, 0, 30), tick=False), app.test_request_context():
        assert str(new_year.year) not in long_date(date(new_year.year, 1, 2))
        assert str(new_year.year - 1) in long_date(date(new_year.year - 1, 12, 30))
