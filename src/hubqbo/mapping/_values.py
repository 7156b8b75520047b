"""Reading and writing single values on each side, and the paths of Intuit's JSON entities.

Why here and not in the adapters: mapping a record is a pure rule of the core, which may not
import the HubSpot adapter. The value parsing is the core's ``hubqbo._values``, which the
HubSpot adapter reads its property strings with too: the rules are the ones ``hubqbo.hubspot``
documents (numbers as plain decimals, ``true``/``false``, dates at midnight UTC as ``YYYY-MM-DD``,
datetimes as ISO 8601 UTC with milliseconds, multi-checkbox values joined by ``;``); the QBO
values are those of its JSON (``Decimal`` for numbers, ``YYYY-MM-DD`` dates, ISO 8601
datetimes with an offset).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

from hubqbo._values import (
    format_hubspot_datetime,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
)
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


def start_of_day(day: dt.date, time_zone: str | None) -> dt.datetime:
    """The instant ``day`` begins in ``time_zone`` (UTC when ``None``)."""
    zone = resolve_time_zone(time_zone)
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone)


def split_emails(text: str) -> list[str]:
    """The addresses of a QBO/HubSpot e-mail value, split on commas and semicolons.

    Example:
        >>> split_emails("a@x.co, b@y.co;c@z.co")
        ['a@x.co', 'b@y.co', 'c@z.co']
    """
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
