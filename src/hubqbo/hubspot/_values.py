"""HubSpot property values: every value is a string on the wire, both ways.

Why: HubSpot sends and takes ``"17"``, ``"false"``, ``"2026-11-25"``, ``"a;b"``; Python code wants
``Decimal``, ``bool``, ``date``, aware ``datetime`` and tuples. Converting in one place means one
set of rules for dates at midnight UTC, millisecond timestamps, and multi-checkbox values. The
reading rules are the core's (``hubqbo._values``, shared with the mapping core); this module
adds the property kinds, the ``None``/``""`` convention and HubSpot's error messages.

Rules (HubSpot's docs, "Properties" and "Search"):

* ``number``: a decimal string; ``Decimal`` both ways (``float`` is refused: money is exact).
* ``bool``: ``"true"``/``"false"`` (read case-insensitively).
* ``date``: midnight UTC, sent as ``YYYY-MM-DD``; read from ``YYYY-MM-DD``, ISO 8601 or epoch ms.
* ``datetime``: sent as ISO 8601 UTC with milliseconds; read from ISO 8601 or epoch ms.
* ``enumeration``: the option's internal value, verbatim (case-sensitive).
* multi-checkbox (``enumeration`` + ``checkbox``): values joined by ``;``.
* ``None`` is written as ``""``, which clears a property; ``""``/``null`` read back as ``None``.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> to_wire(Decimal("12.50")), to_wire(True), to_wire(dt.date(2026, 11, 25))
    ('12.50', 'true', '2026-11-25')
    >>> from_wire("2026-11-25", PropertyKind.DATE)
    datetime.date(2026, 11, 25)
    >>> from_wire("a;b", PropertyKind.MULTI)
    ('a', 'b')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from hubqbo import _values
from hubqbo._values import format_hubspot_datetime, parse_decimal

__all__ = ["PropertyKind", "WireValue", "from_wire", "kind_of", "to_wire"]

_T = TypeVar("_T")

WireValue = str | bool | int | Decimal | dt.date | dt.datetime | enum.Enum | Iterable[str] | None
"""What :func:`to_wire` accepts."""


class PropertyKind(str, enum.Enum):
    """How to read a property's string value (HubSpot's ``type``, plus multi-checkbox)."""

    STRING = "string"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    ENUMERATION = "enumeration"
    MULTI = "multi"
    """An ``enumeration`` with ``fieldType`` ``checkbox``: several values joined by ``;``."""


def kind_of(type_: str, field_type: str = "") -> PropertyKind:
    """The :class:`PropertyKind` of a definition's ``type`` and ``fieldType``.

    Example:
        >>> kind_of("enumeration", "checkbox"), kind_of("phone_number")
        (<PropertyKind.MULTI: 'multi'>, <PropertyKind.STRING: 'string'>)
    """
    if type_ == "enumeration" and field_type == "checkbox":
        return PropertyKind.MULTI
    try:
        return PropertyKind(type_)
    except ValueError:
        return PropertyKind.STRING


def to_wire(value: WireValue) -> str:
    """The string HubSpot expects for ``value`` (``""`` for ``None``: clears the property).

    Raises:
        TypeError: for ``float`` (inexact) or an unsupported type.
        ValueError: for a naive ``datetime`` or a multi value containing ``;``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        raise TypeError("HubSpot numbers are written from Decimal or int, not float")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write the number {value} to HubSpot")
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return format_hubspot_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Iterable):
        items = [str(v) for v in value]
        bad = [v for v in items if ";" in v]
        if bad:
            raise ValueError(f"multi-checkbox values cannot contain ';': {bad}")
        return ";".join(items)
    raise TypeError(f"cannot write a {type(value).__name__} as a HubSpot property value")


def from_wire(
    raw: str | None, kind: PropertyKind = PropertyKind.STRING
) -> str | bool | Decimal | dt.date | dt.datetime | tuple[str, ...] | None:
    """The Python value of a HubSpot string (``None`` when empty or absent).

    Raises:
        ValueError: when ``raw`` is not a valid value of ``kind``.
    """
    if raw is None or raw == "":
        return None
    if kind is PropertyKind.NUMBER:
        return parse_number(raw)
    if kind is PropertyKind.BOOL:
        return parse_bool(raw)
    if kind is PropertyKind.DATE:
        return parse_date(raw)
    if kind is PropertyKind.DATETIME:
        return parse_datetime(raw)
    if kind is PropertyKind.MULTI:
        return tuple(v for v in raw.split(";") if v)
    return raw


def _hubspot(parse: Callable[[str], _T], raw: str, what: str) -> _T:
    try:
        return parse(raw)
    except ValueError:
        raise ValueError(f"not a HubSpot {what}: {raw!r}") from None


def parse_number(raw: str) -> Decimal:
    """A HubSpot number string as ``Decimal`` (finite: HubSpot stores no NaN or infinity)."""
    number = _hubspot(parse_decimal, raw, "number")
    if not number.is_finite():
        raise ValueError(f"not a HubSpot number: {raw!r}")
    return number


def parse_bool(raw: str) -> bool:
    """``"true"``/``"false"`` (any case) as ``bool``."""
    return _hubspot(_values.parse_bool, raw, "boolean")


def parse_datetime(raw: str) -> dt.datetime:
    """ISO 8601 (``Z`` or offset; naive read as UTC) or epoch milliseconds, as aware UTC."""
    return _hubspot(_values.parse_datetime, raw, "datetime").astimezone(dt.timezone.utc)


def parse_date(raw: str) -> dt.date:
    """``YYYY-MM-DD``, ISO 8601 or epoch ms (midnight UTC) as a calendar date."""
    return _hubspot(_values.parse_date, raw, "date")
