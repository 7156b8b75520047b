"""Calendar dates in a named time zone.

Why: "overdue" and "expired" depend on *which* day it is, and that is the day in the QBO
company's (or HubSpot portal's) time zone, not the machine's. One function answers it.

Example:
    >>> import datetime as dt
    >>> local_date(dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.timezone.utc), "America/New_York")
    datetime.date(2025, 12, 31)
"""

from __future__ import annotations

import datetime as dt

from dateutil import tz

__all__ = ["local_date", "resolve_time_zone"]


def resolve_time_zone(name: str | None) -> dt.tzinfo:
    """The ``tzinfo`` for an IANA name (or a fixed offset such as ``+01:00``); UTC when unknown.

    Args:
        name: ``"Europe/London"``, ``"UTC"``, ``None`` ...
    """
    if not name:
        return dt.timezone.utc
    zone = tz.gettz(name.strip())
    return zone if zone is not None else dt.timezone.utc


def local_date(now: dt.datetime, time_zone: str | None) -> dt.date:
    """The calendar date at instant ``now`` in ``time_zone``; ``now`` must be aware."""
    if now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
        raise ValueError(f"now must be timezone-aware, got naive {now!r}")
    return now.astimezone(resolve_time_zone(time_zone)).date()
