"""A pure builder for QBO's query language (the subset QBO accepts).

Why: queries are strings, and a name like ``Amy's Bird Sanctuary`` or ``C:\\new`` must not break
out of its literal. QBO's grammar is ``SELECT * | COUNT(*) FROM Entity [WHERE c AND c ...]
[ORDERBY f [ASC|DESC], ...] [STARTPOSITION n] [MAXRESULTS n]`` with ``= < > <= >= IN LIKE`` and
**no OR**; string literals are single-quoted with backslash escapes. The builder only produces
what QBO accepts and refuses the rest (``ValueError``) before any request is sent.

Example:
    >>> q = select("Customer").where("DisplayName", "=", "Amy's Bird Sanctuary")
    >>> q.to_sql()
    "SELECT * FROM Customer WHERE DisplayName = 'Amy\\\\'s Bird Sanctuary'"
    >>> select("Invoice").where("TotalAmt", ">=", Decimal("100")).order_by("Id").to_sql(1, 1000)
    'SELECT * FROM Invoice WHERE TotalAmt >= 100 ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000'
    >>> select("Customer").count().where("Active", "IN", [True, False]).to_sql()
    'SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)'

A query knows what its records are: ``select("Invoice")`` is a ``Query[Invoice]``, so
``QuickBooksClient.iter_query`` yields ``Invoice`` to the type checker too. An entity hubqbo has
no model for (``select("Vendor")``) yields its JSON object, a ``Query[Mapping[str, object]]``;
an entity name only known at run time gives a ``Query[object]``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Generic, Literal, TypeVar, Union, overload

import attrs

from hubqbo.models import Customer, Invoice, Item, Payment, TaxCode, TaxRate, Term

__all__ = ["MAX_RESULTS", "OPERATORS", "Condition", "Query", "literal", "quote", "select"]

MAX_RESULTS = 1000
"""QBO's largest page (``MAXRESULTS``)."""

OPERATORS = frozenset({"=", "<", ">", "<=", ">=", "IN", "LIKE"})
"""The comparison operators QBO supports (there is no ``OR``, ``!=`` or ``NOT``)."""

Scalar = Union[str, bool, int, Decimal, dt.date, dt.datetime]  # noqa: UP007
_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_ENTITY = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_RawEntity = Literal[
    "Account", "Attachable", "Bill", "BillPayment", "Budget", "Class", "CompanyCurrency",
    "CompanyInfo", "CreditMemo", "Department", "Deposit", "Employee", "Estimate",
    "JournalEntry", "PaymentMethod", "Preferences", "Purchase", "PurchaseOrder",
    "RefundReceipt", "SalesReceipt", "TimeActivity", "Transfer", "Vendor", "VendorCredit",
]  # fmt: skip
"""QBO entities hubqbo has no model for: their records are the JSON objects QBO sends."""
R_co = TypeVar("R_co", covariant=True)
"""What a query's records are: a model (``Invoice``), or the JSON object of other entities."""


def quote(text: str) -> str:
    """``text`` as a QBO string literal: single quotes, ``\\`` and ``'`` backslash-escaped.

    Example:
        >>> print(quote("Amy's \\\\ shop"))
        'Amy\\'s \\\\ shop'
    """
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def literal(value: Scalar) -> str:
    """Render one value: strings/dates quoted, booleans ``true``/``false``, numbers bare.

    ``float`` is refused (use ``Decimal``); datetimes must be timezone-aware.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, float):
        raise TypeError("use Decimal, not float, in queries")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(f"datetimes in queries must be timezone-aware, got {value!r}")
        return quote(value.isoformat(timespec="seconds"))
    if isinstance(value, dt.date):
        return quote(value.isoformat())
    raise TypeError(f"cannot use {type(value).__name__} in a QBO query")


@attrs.frozen
class Condition:
    """``field op value`` (``value`` a tuple for ``IN``); build it with :meth:`Query.where`.

    Example:
        >>> Condition("Active", "IN", (True, False)).render()
        'Active IN (true, false)'
    """

    field: str
    op: str
    value: Scalar | tuple[Scalar, ...]

    def render(self) -> str:
        """The condition as query text."""
        if isinstance(self.value, tuple):
            return f"{self.field} {self.op} ({', '.join(literal(v) for v in self.value)})"
        return f"{self.field} {self.op} {literal(self.value)}"


def _condition(field: str, op: str, value: Scalar | Iterable[Scalar]) -> Condition:
    if not _FIELD.match(field):
        raise ValueError(f"not a QBO field name: {field!r}")
    norm = op.strip().upper()
    if norm not in OPERATORS:
        raise ValueError(f"QBO queries support {sorted(OPERATORS)}, not {op!r}")
    if field == "Id" and norm not in {"=", "IN"}:
        raise ValueError("QBO allows only = and IN on Id")
    if norm == "IN":
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise ValueError("IN needs a sequence of values")
        values = tuple(value)
        if not values:
            raise ValueError("IN needs at least one value")
        for v in values:
            literal(v)
        return Condition(field, norm, values)
    if not isinstance(value, (str, bool, int, Decimal, dt.date)):
        raise TypeError(f"{op} needs a single value, got {type(value).__name__}")
    if norm == "LIKE" and not isinstance(value, str):
        raise ValueError("LIKE needs a string pattern (only % is a wildcard)")
    literal(value)
    return Condition(field, norm, value)


@attrs.frozen
class Query(Generic[R_co]):
    """An immutable QBO query of records of type ``R``; every method returns a new one.

    Build one with :func:`select`, which knows each entity's model.

    Example:
        >>> select("Item").where("Active", "=", True).to_sql()
        'SELECT * FROM Item WHERE Active = true'
    """

    entity: str = attrs.field()
    conditions: tuple[Condition, ...] = ()
    ordering: tuple[tuple[str, bool], ...] = ()
    is_count: bool = False

    @entity.validator
    def _check_entity(self, _attribute: object, value: str) -> None:
        if not _ENTITY.match(value):
            raise ValueError(f"not a QBO entity name: {value!r}")

    def where(self, field: str, op: str, value: Scalar | Iterable[Scalar]) -> Query[R_co]:
        """Add ``field op value`` (joined to the others with AND)."""
        return attrs.evolve(self, conditions=(*self.conditions, _condition(field, op, value)))

    def order_by(self, field: str, *, descending: bool = False) -> Query[R_co]:
        """Add a sort key."""
        if not _FIELD.match(field):
            raise ValueError(f"not a QBO field name: {field!r}")
        return attrs.evolve(self, ordering=(*self.ordering, (field, descending)))

    def count(self) -> Query[R_co]:
        """The ``SELECT COUNT(*)`` form of this query."""
        return attrs.evolve(self, is_count=True, ordering=())

    @property
    def fields(self) -> Sequence[str]:
        """The fields this query filters on."""
        return [c.field for c in self.conditions]

    def to_sql(self, start: int | None = None, max_results: int | None = None) -> str:
        """The query text; ``start`` is 1-based, ``max_results`` at most 1000."""
        what = "COUNT(*)" if self.is_count else "*"
        parts = [f"SELECT {what} FROM {self.entity}"]  # noqa: S608 - entity validated, values quoted
        if self.conditions:
            parts.append("WHERE " + " AND ".join(c.render() for c in self.conditions))
        if self.ordering and not self.is_count:
            keys = ", ".join(f"{f} DESC" if desc else f for f, desc in self.ordering)
            parts.append(f"ORDERBY {keys}")
        if start is not None:
            if start < 1:
                raise ValueError("STARTPOSITION starts at 1")
            parts.append(f"STARTPOSITION {start}")
        if max_results is not None:
            if not 1 <= max_results <= MAX_RESULTS:
                raise ValueError(f"MAXRESULTS must be 1..{MAX_RESULTS}")
            parts.append(f"MAXRESULTS {max_results}")
        return " ".join(parts)


@overload
def select(entity: Literal["Customer"]) -> Query[Customer]: ...
@overload
def select(entity: Literal["Item"]) -> Query[Item]: ...
@overload
def select(entity: Literal["Invoice"]) -> Query[Invoice]: ...
@overload
def select(entity: Literal["Payment"]) -> Query[Payment]: ...
@overload
def select(entity: Literal["Term"]) -> Query[Term]: ...
@overload
def select(entity: Literal["TaxCode"]) -> Query[TaxCode]: ...
@overload
def select(entity: Literal["TaxRate"]) -> Query[TaxRate]: ...
@overload
def select(entity: _RawEntity) -> Query[Mapping[str, object]]: ...
@overload
def select(entity: str) -> Query[object]: ...
def select(entity: str) -> Query[object]:
    """``SELECT * FROM entity``; add conditions with :meth:`Query.where`.

    The query's type follows the entity: ``select("Invoice")`` is a ``Query[Invoice]``.
    """
    return Query(entity)
