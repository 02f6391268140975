"""Stored moments and the desk's calendar days: the one rule for reading a time back.

Every moment is stored in UTC. The embedded database hands it back naive (and compares the
stored text as written), PostgreSQL hands it back aware; either way :func:`stored_utc` makes it
an aware UTC moment, :func:`local_date` the desk's calendar day of it, and :func:`local_midnight`
/ :func:`local_day_bounds` turn the desk's calendar days into UTC moments to compare with.
"""

from __future__ import annotations

import datetime as dt


def stored_utc(value: dt.datetime) -> dt.datetime:
    """A stored moment as an aware UTC one (a naive value from SQLite is UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored moment in the desk's time zone."""
    return stored_utc(value).astimezone()


def local_date(value: dt.datetime) -> dt.date:
    """The desk's calendar day of a stored moment."""
    return local_time(value).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of the desk's calendar day ``day`` as a UTC moment."""
    return dt.datetime.combine(day, dt.time.min).astimezone().astimezone(dt.UTC)


def local_day_bounds(day: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The desk's days ``day`` … ``last`` as a UTC half-open interval."""
    return local_midnight(day), local_midnight((last or day) + dt.timedelta(days=1))
