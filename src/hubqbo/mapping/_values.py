"""Reading and writing single values on each side, and the paths of Intuit's JSON entities.

Why here and not in the adapters: mapping a record is a pure rule of the core, which may not
import the HubSpot adapter. The HubSpot string rules are the ones ``hubqbo.hubspot`` documents
(numbers as plain decimals, ``true``/``false``, dates at midnight UTC as ``YYYY-MM-DD``,
datetimes as ISO 8601 UTC with milliseconds, multi-checkbox values joined by ``;``); the QBO
values are those of its JSON (``Decimal`` for numbers, ``YYYY-MM-DD`` dates, ISO 8601
datetimes with an offset).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, MutableMapping
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.parser import isoparse

from hubqbo.mapping._types import custom_field_id
from hubqbo.timezones import resolve_time_zone

__all__ = [
    "EMAIL",
    "MISSING",
    "format_hubspot_datetime",
    "get_path",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "set_path",
    "split_emails",
    "start_of_day",
]

EMAIL = re.compile(r"^[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\"]+\.[^@\s,;<>()\[\]\".]+$")
"""An address QBO and HubSpot both take: ``local@domain.tld``, no blanks or separators."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MS = re.compile(r"^-?\d+$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Missing:
    """The marker for a path the record does not have (nothing to map, nothing written)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` of a QBO entity dict, or :data:`MISSING`.

    ``CustomField[DefinitionId=N]`` reads the ``StringValue`` of the custom field whose
    ``DefinitionId`` is N.

    Example:
        >>> get_path({"BillAddr": {"City": "Leeds"}}, "BillAddr.City")
        'Leeds'
        >>> get_path({"CustomField": [{"DefinitionId": "1", "StringValue": "PO-7"}]},
        ...          "CustomField[DefinitionId=1]")
        'PO-7'
    """
    definition = custom_field_id(path)
    if definition is not None:
        for entry in record.get("CustomField") or ():
            if isinstance(entry, Mapping) and str(entry.get("DefinitionId")) == definition:
                return entry.get("StringValue", MISSING)
        return MISSING
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def set_path(record: MutableMapping[str, Any], path: str, value: Any) -> None:
    """Set ``path`` of a QBO entity dict to ``value``, creating the nested objects.

    Example:
        >>> out = {}
        >>> set_path(out, "PrimaryEmailAddr.Address", "a@b.co"); out
        {'PrimaryEmailAddr': {'Address': 'a@b.co'}}
    """
    definition = custom_field_id(path)
    if definition is not None:
        fields = record.setdefault("CustomField", [])
        fields[:] = [f for f in fields if str(f.get("DefinitionId")) != definition]
        fields.append({"DefinitionId": definition, "Type": "StringType", "StringValue": value})
        return
    *parents, leaf = path.split(".")
    node = record
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def parse_decimal(value: Any) -> Decimal:
    """A number from HubSpot (a string) or QBO JSON (``Decimal``, ``int`` or a string).

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
    """An aware instant from ISO 8601 (naive read as UTC), epoch milliseconds or a datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    text = str(value).strip()
    if _MS.match(text):
        return _EPOCH + dt.timedelta(milliseconds=int(text))
    try:
        parsed = isoparse(text)
    except ValueError:
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


def start_of_day(day: dt.date, time_zone: str | None) -> dt.datetime:
    """The instant ``day`` begins in ``time_zone`` (UTC when ``None``)."""
    zone = resolve_time_zone(time_zone)
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone)


def format_hubspot_datetime(instant: dt.datetime) -> str:
    """ISO 8601 UTC with milliseconds, as HubSpot writes datetimes."""
    utc = instant.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def split_emails(text: str) -> list[str]:
    """The addresses of a QBO/HubSpot e-mail value, split on commas and semicolons.

    Example:
        >>> split_emails("a@x.co, b@y.co;c@z.co")
        ['a@x.co', 'b@y.co', 'c@z.co']
    """
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
