"""Dates and times in plain Dutch (or English): 'vrijdag 4 december', 'gisteren om 14.12 uur'."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_time, get_locale, gettext

from app.clock import today as amsterdam_today


def long_date(d: date, today: date | None = None) -> str:
    """'vrijdag 4 december', with the year only when it is not this year."""
    this_year = (today or amsterdam_today()).year  # the residents' year, not the server's
    fmt = "EEEE d MMMM" if d.year == this_year else "EEEE d MMMM y"
    return format_date(d, fmt)


def clock(dt: datetime) -> str:
    """'14.12 uur' in Dutch, '2:12 PM' style in English."""
    if str(get_locale()) == "nl":
        return f"{format_time(dt, 'HH.mm')} uur"
    return format_time(dt, "h:mm a")


def when(dt: datetime, today: date) -> str:
    """A moment in words: 'vandaag om 9.05 uur', 'gisteren om …', 'maandag 2 november om …'."""
    from flask_babel import to_user_timezone

    local = to_user_timezone(dt)
    d = local.date()
    if d == today:
        return gettext("today at %(time)s", time=clock(local))
    if (today - d).days == 1:
        return gettext("yesterday at %(time)s", time=clock(local))
    return gettext("%(date)s at %(time)s", date=long_date(d, today), time=clock(local))
