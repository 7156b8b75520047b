"""Single values as HubSpot and QuickBooks write them: exact numbers, ``true``/``false``,
calendar dates and instants (one copy of the rules, pure).

Why in the core: the HubSpot adapter reads its property strings with these rules
(``hubqbo.hubspot``'s ``from_wire``), and the mapping core reads both sides' values with the same
ones; the core may not import an adapter, so the rules live here and both use them.

Rules: numbers are exact (``Decimal``; ``float`` and ``bool`` are refused); booleans are
``true``/``false`` in any case; a date is ``YYYY-MM-DD`` or (HubSpot) an instant at midnight
UTC; an instant is ISO 8601 (naive read as UTC) or epoch milliseconds; HubSpot writes instants
as ISO 8601 UTC with milliseconds.

Example:
    >>> parse_decimal("12.50"), parse_bool("TRUE"), parse_date("1795564800000")
    (Decimal('12.50'), True, datetime.date(2026, 11, 25))
    >>> format_hubspot_datetime(parse_datetime("2026-11-25T10:00:00+01:00"))
    '2026-11-25T09:00:00.000Z'
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.parser import isoparse

__all__ = [
    "EPOCH",
    "format_hubspot_datetime",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MS = re.compile(r"^-?\d+$")
"""Epoch milliseconds, of any length (``86400000`` is 1970-01-02, midnight UTC)."""
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_decimal(value: Any) -> Decimal:
    """A number from HubSpot (a string) or QBO JSON (``Decimal``, ``int`` or a string).

    NaN and the infinities are returned as they are: the caller says what it does with them
    (the HubSpot adapter refuses them, the mapping reports a ``NOT_FINITE`` problem).

    Raises:
        ValueError: not a number (``"abc"``, a ``bool``); ``float`` is refused as inexact.
    """
    if isinstance(value, (bool, float)):
        raise ValueError(f"not an exact number: {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def parse_bool(value: Any) -> bool:
    """``true``/``false`` (any case) or a JSON boolean."""
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered not in {"true", "false"}:
        raise ValueError(f"not true/false: {value!r}")
    return lowered == "true"


def parse_datetime(value: Any) -> dt.datetime:
    """An aware instant from ISO 8601 (its offset kept; naive read as UTC), epoch
    milliseconds or a ``datetime``."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    text = str(value).strip()
    if _MS.match(text):
        try:
            return EPOCH + dt.timedelta(milliseconds=int(text))
        except OverflowError:
            raise ValueError(f"not a date and time: {value!r}") from None
    try:
        parsed = isoparse(text)
    except (ValueError, OverflowError):
        raise ValueError(f"not a date and time: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


def parse_date(value: Any) -> dt.date:
    """A calendar date from ``YYYY-MM-DD``, a ``date``, or (HubSpot) midnight-UTC ms/ISO."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _DATE_ONLY.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date: {value!r}") from None
    return parse_datetime(text).astimezone(dt.timezone.utc).date()


def format_hubspot_datetime(instant: dt.datetime) -> str:
    """ISO 8601 UTC with milliseconds, as HubSpot writes datetimes.

    Raises:
        ValueError: ``instant`` is naive (its instant is unknown).
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"HubSpot datetimes must be timezone-aware, got naive {instant!r}")
    utc = instant.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
