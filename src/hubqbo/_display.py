"""How records look to a person: short reprs, HTML tables for Jupyter, plain dicts for pandas.

Why one module: every record a notebook shows (an invoice, a customer, a search result) should
render the same way — a one-line repr naming what identifies it, an HTML table of its set
fields, and ``to_dict()`` for ``pandas.DataFrame([...])`` without hubqbo depending on pandas.
The classes only say *which* fields identify them (``_display_fields``); the rendering is here.
HTML escapes every value. Pure: no I/O, no third-party imports beyond attrs.

Example:
    >>> import attrs
    >>> @attrs.frozen(repr=False)
    ... class Thing(Displayed):
    ...     _display_fields = ("id", "name")
    ...     id: str
    ...     name: str | None = None
    ...     note: str = "a long note that the short repr leaves out"
    >>> Thing("7", "Box")
    Thing(id='7', name='Box')
    >>> Thing("7").to_dict()
    {'id': '7', 'name': None, 'note': 'a long note that the short repr leaves out'}
    >>> "<td>Box</td>" in Thing("7", "Box")._repr_html_()
    True
"""

from __future__ import annotations

import datetime as dt
import enum
import html
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

import attrs

__all__ = [
    "Displayed",
    "Records",
    "cell",
    "fields_table",
    "plain",
    "rows_table",
    "short_repr",
    "summary",
    "to_dict",
]

_T = TypeVar("_T")
_MAX_CELL = 80


def plain(value: object) -> object:
    """``value`` as plain Python data: attrs records become dicts, enums their values, tuples
    lists; ``Decimal``, dates and strings are kept (pandas reads them as they are)."""
    if isinstance(value, enum.Enum):
        return value.value
    if attrs.has(type(value)):
        return to_dict(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        return [plain(v) for v in value]
    return value


def to_dict(record: object) -> dict[str, Any]:
    """Every field of an attrs record as plain data (see :func:`plain`), in field order."""
    return {f.name: plain(getattr(record, f.name)) for f in _fields(record)}


def _fields(record: object) -> tuple[attrs.Attribute[Any], ...]:
    cls: Any = type(record)
    return tuple(attrs.fields(cls))


def cell(value: object) -> str:
    """One value as short text for a table cell or a repr: a reference as its name and id, an
    enum as its value, a date in ISO form, a record list as its length."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    name, ref = getattr(value, "name", None), getattr(value, "value", None)
    if attrs.has(type(value)) and isinstance(ref, str):  # a Ref: "Acme Corporation [58]"
        return f"{name} [{ref}]" if name else ref
    if isinstance(value, (tuple, list)):
        return (
            f"{len(value)} item(s)"
            if value and attrs.has(type(value[0]))
            else ", ".join(cell(v) for v in value)
        )
    text = str(value)
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def short_repr(record: object, names: Sequence[str]) -> str:
    """``Class(field=value, ...)`` with only ``names``, leaving out unset (``None``) fields and
    flags at their default."""
    defaults = {f.name: f.default for f in _fields(record)}
    pairs = []
    for name in names:
        value = getattr(record, name)
        if isinstance(value, bool) and value == defaults.get(name):
            continue
        pairs.append((name, value))
    return summary(type(record).__name__, pairs)


def summary(name: str, pairs: Iterable[tuple[str, object]]) -> str:
    """``name(key=value, ...)``: strings, numbers and flags as their repr, anything else as its
    :func:`cell` text; unset (``None``) values are left out."""
    parts = []
    for key, value in pairs:
        if value is None:
            continue
        if isinstance(value, enum.Enum):
            shown: object = value.value
        elif isinstance(value, (str, bool, int, Decimal)) or (
            isinstance(value, tuple) and all(isinstance(v, str) for v in value)
        ):
            shown = value
        else:
            shown = cell(value)
        parts.append(f"{key}={shown!r}")
    return f"{name}({', '.join(parts)})"


def _esc(value: object) -> str:
    return html.escape(cell(value))


def fields_table(title: str, pairs: Iterable[tuple[str, object]]) -> str:
    """An HTML table of name/value pairs under a title (pairs whose value is unset are left out)."""
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{_esc(v)}</td></tr>"
        for k, v in pairs
        if v is not None and v not in ((), {})
    )
    return f"<div class='hubqbo'><b>{html.escape(title)}</b><table>{rows}</table></div>"


def rows_table(title: str, rows: Sequence[Mapping[str, object]]) -> str:
    """An HTML table with one row per mapping; the columns are the keys any row sets."""
    columns: list[str] = []
    for row in rows:
        columns += [k for k, v in row.items() if k not in columns and v not in (None, "", ())]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return (
        f"<div class='hubqbo'><b>{html.escape(title)}</b>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _record_html(record: object) -> str:
    """A record as a table of its set fields; a field holding records becomes a nested table."""
    fields = _fields(record)
    pairs: list[tuple[str, object]] = []
    nested: list[str] = []
    for f in fields:
        value = getattr(record, f.name)
        if isinstance(value, tuple) and value and attrs.has(type(value[0])):
            rows = [{g.name: getattr(v, g.name) for g in _fields(v)} for v in value]
            nested.append(rows_table(f.name, rows))
        elif not isinstance(value, Mapping):  # raw properties: too many to show
            pairs.append((f.name, value))
    return fields_table(repr(record), pairs) + "".join(nested)


class Displayed:
    """Mixin for attrs records a notebook shows: a short repr, an HTML table, ``to_dict()``.

    A subclass names its identifying fields in ``_display_fields`` and is decorated with
    ``@attrs.frozen(repr=False)`` so that attrs keeps this repr.
    """

    __slots__ = ()
    _display_fields: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain data, for ``pandas.DataFrame([r.to_dict() for r in records])``."""
        return to_dict(self)

    def __repr__(self) -> str:
        names = self._display_fields or tuple(f.name for f in _fields(self))
        return short_repr(self, names)

    def _repr_html_(self) -> str:
        return _record_html(self)


class Records(list[_T]):
    """A list of results that renders as one table in Jupyter and gives rows for pandas.

    It is a plain ``list`` otherwise (equal to a list with the same items). Each item's
    ``to_dict()`` is one row.

    Example:
        >>> import attrs
        >>> @attrs.frozen(repr=False)
        ... class Row(Displayed):
        ...     n: int
        >>> rows = Records([Row(1), Row(2)])
        >>> rows == [Row(1), Row(2)], rows.to_dicts()
        (True, [{'n': 1}, {'n': 2}])
    """

    def to_dicts(self) -> list[dict[str, Any]]:
        """One plain dict per item (``pandas.DataFrame(records.to_dicts())``)."""
        return [_row(item) for item in self]

    def _repr_html_(self) -> str:
        kind = type(self[0]).__name__ if self else "record"
        return rows_table(f"{len(self)} {kind}(s)", self.to_dicts())


def _row(item: object) -> dict[str, Any]:
    to = getattr(item, "to_dict", None)
    if callable(to):
        row = to()
        if isinstance(row, dict):
            return row
    return to_dict(item) if attrs.has(type(item)) else {"value": item}
