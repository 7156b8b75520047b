"""The QBO query language: a parser and an evaluator over records in their wire form.

Why: ``SELECT * FROM Customer WHERE DisplayName = 'Amy\\'s Bird Sanctuary' STARTPOSITION 1
MAXRESULTS 1000`` is how every client reads QBO. The rules are QBO's, not SQL's: AND only;
``= < > <= >= IN LIKE`` (``%`` wildcard only); keywords, entity names, field names and string
values compared case-insensitively; ``STARTPOSITION`` from 1 (0 is a 4001 "value 0 is too
small"); ``MAXRESULTS`` at most 1000 (default 100); backslash-escaped quotes; name-list
entities answer active records only unless the query mentions ``Active``; and the entity key is
left out of ``QueryResponse`` when nothing matches.

Example:
    >>> q = parse_query("select count(*) from customer where Active in (true, false)")
    >>> (q.entity, q.count, q.conditions[0].op)
    ('Customer', True, 'IN')
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
from dateutil import parser as date_parser

from hubqbo.sandbox.quickbooks._wire import SERVER_TIME_ZONE, QboFault
from hubqbo.timezones import resolve_time_zone

__all__ = [
    "EMULATED_ENTITIES",
    "KNOWN_ENTITIES",
    "NAME_LIST_ENTITIES",
    "Condition",
    "Query",
    "canonical_entity",
    "evaluate",
    "get_path",
    "parse_query",
]

EMULATED_ENTITIES = (
    "Account",
    "CompanyInfo",
    "Customer",
    "Employee",
    "Invoice",
    "Item",
    "Payment",
    "Preferences",
    "TaxCode",
    "TaxRate",
    "Term",
    "Vendor",
)
# Real QBO entities the sandbox keeps none of: queries on them answer an empty QueryResponse.
_OTHER_ENTITIES = (
    "Attachable",
    "Bill",
    "BillPayment",
    "Budget",
    "Class",
    "CompanyCurrency",
    "CreditMemo",
    "Department",
    "Deposit",
    "Estimate",
    "ExchangeRate",
    "JournalEntry",
    "PaymentMethod",
    "Purchase",
    "PurchaseOrder",
    "RefundReceipt",
    "SalesReceipt",
    "TaxAgency",
    "TimeActivity",
    "Transfer",
    "VendorCredit",
)
KNOWN_ENTITIES = {name.lower(): name for name in EMULATED_ENTITIES + _OTHER_ENTITIES}
NAME_LIST_ENTITIES = frozenset(
    {"Account", "Customer", "Item", "TaxCode", "TaxRate", "Term", "Vendor", "Employee", "Class"}
)
_NAME_FIELD = {"Customer": "DisplayName", "Vendor": "DisplayName", "Employee": "DisplayName"}
_MAX_RESULTS = 1000
_DEFAULT_RESULTS = 100
_PACIFIC = resolve_time_zone(SERVER_TIME_ZONE)

_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<string>'(?:\\.|[^'\\])*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<ident>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<op><=|>=|<>|!=|=|<|>|\(|\)|,|\*)
    )""",
    re.VERBOSE,
)


def canonical_entity(name: str) -> str | None:
    """The canonical entity name for ``name`` in any case, or None."""
    return KNOWN_ENTITIES.get(name.strip().lower())


@attrs.frozen
class Condition:
    """``field op value(s)``; values are unquoted literal strings."""

    field: str
    op: str
    values: tuple[str, ...]


@attrs.frozen
class Query:
    """A parsed query."""

    entity: str
    count: bool = False
    fields: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()
    start_position: int = 1
    max_results: int = _DEFAULT_RESULTS


@attrs.frozen
class _Token:
    kind: str
    text: str
    column: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    stripped_end = len(text.rstrip())
    while position < stripped_end:
        match = _TOKEN_RE.match(text, position)
        if match is None or match.end() == position:
            column = position + 1
            raise QboFault.parse_error(
                f'Lexical error at line 1, column {column}.  Encountered: "{text[position]}"'
            )
        kind = match.lastgroup or "op"
        tokens.append(_Token(kind, match.group(kind), match.start(kind) + 1))
        position = match.end()
    return tokens


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _error(self, token: _Token | None, expecting: str) -> QboFault:
        if token is None:
            return QboFault.parse_error(
                f'Encountered "<EOF>" at line 1.\nWas expecting:\n    {expecting} ...\n    '
            )
        return QboFault.parse_error(
            f'Encountered " <{token.kind.upper()}> "{token.text} "" at line 1, column '
            f"{token.column}.\nWas expecting:\n    {expecting} ...\n    "
        )

    def _next(self, expecting: str) -> _Token:
        token = self._peek()
        if token is None:
            raise self._error(None, expecting)
        self.index += 1
        return token

    def _keyword(self, *words: str) -> bool:
        token = self._peek()
        if token is not None and token.kind == "ident" and token.text.lower() in words:
            self.index += 1
            return True
        return False

    def _expect_keyword(self, word: str) -> None:
        if not self._keyword(word):
            raise self._error(self._peek(), f'"{word.upper()}"')

    def _expect_op(self, op: str) -> None:
        token = self._next(f'"{op}"')
        if token.text != op:
            raise self._error(token, f'"{op}"')

    def _value(self) -> str:
        token = self._next("<STRING>")
        if token.kind == "string":
            return _unquote(token.text)
        if token.kind in ("number", "ident"):
            return token.text
        raise self._error(token, "<STRING>")

    def _int(self, keyword: str) -> int:
        token = self._next("<INTEGER>")
        text = _unquote(token.text) if token.kind == "string" else token.text
        if not re.fullmatch(r"-?\d+", text):
            raise self._error(token, "<INTEGER>")
        value = int(text)
        if value < 1 and keyword == "startposition":
            raise QboFault.invalid_query(f"value {value} is too small. Min allowed value is 1")
        if value < 0 and keyword == "maxresults":
            raise QboFault.invalid_query(f"value {value} is too small. Min allowed value is 0")
        if value > _MAX_RESULTS and keyword == "maxresults":
            raise QboFault.invalid_query(
                f"value {value} is too large. Max allowed value is {_MAX_RESULTS}"
            )
        return value

    def parse(self) -> Query:
        self._expect_keyword("select")
        count = False
        fields: list[str] = []
        token = self._next("*")
        if token.text == "*":
            pass
        elif token.kind == "ident" and token.text.lower() == "count":
            self._expect_op("(")
            self._expect_op("*")
            self._expect_op(")")
            count = True
        elif token.kind == "ident":
            fields.append(token.text)
            while (peek := self._peek()) is not None and peek.text == ",":
                self.index += 1
                fields.append(self._next("<IDENTIFIER>").text)
        else:
            raise self._error(token, '"*"')
        self._expect_keyword("from")
        entity_token = self._next("<IDENTIFIER>")
        if entity_token.kind != "ident":
            raise self._error(entity_token, "<IDENTIFIER>")
        if entity_token.text.lower() == "null":
            raise self._error(entity_token, "<IDENTIFIER>")
        entity = canonical_entity(entity_token.text)
        if entity is None:
            raise QboFault.invalid_query(f"invalid context declaration: {entity_token.text}")
        conditions: list[Condition] = []
        if self._keyword("where"):
            conditions.append(self._condition())
            while self._keyword("and"):
                conditions.append(self._condition())
        order_by: list[tuple[str, bool]] = []
        start, maximum = 1, _DEFAULT_RESULTS
        while (clause := self._peek()) is not None:
            word = clause.text.lower() if clause.kind == "ident" else ""
            if word in ("orderby", "order"):
                self.index += 1
                if word == "order":
                    self._expect_keyword("by")
                order_by.append(self._order_item())
                while (peek := self._peek()) is not None and peek.text == ",":
                    self.index += 1
                    order_by.append(self._order_item())
            elif word == "startposition":
                self.index += 1
                start = self._int(word)
            elif word == "maxresults":
                self.index += 1
                maximum = self._int(word)
            else:
                raise self._error(clause, '"ORDERBY" | "STARTPOSITION" | "MAXRESULTS"')
        return Query(
            entity=entity,
            count=count,
            fields=tuple(fields),
            conditions=tuple(conditions),
            order_by=tuple(order_by),
            start_position=start,
            max_results=maximum,
        )

    def _order_item(self) -> tuple[str, bool]:
        token = self._next("<IDENTIFIER>")
        if token.kind != "ident":
            raise self._error(token, "<IDENTIFIER>")
        descending = False
        if self._keyword("desc"):
            descending = True
        else:
            self._keyword("asc")
        return token.text, descending

    def _condition(self) -> Condition:
        field_token = self._next("<IDENTIFIER>")
        if field_token.kind != "ident":
            raise self._error(field_token, "<IDENTIFIER>")
        if self._keyword("in"):
            self._expect_op("(")
            values = [self._value()]
            while (peek := self._peek()) is not None and peek.text == ",":
                self.index += 1
                values.append(self._value())
            self._expect_op(")")
            return Condition(field_token.text, "IN", tuple(values))
        if self._keyword("like"):
            return Condition(field_token.text, "LIKE", (self._value(),))
        op_token = self._next('"="')
        if op_token.kind != "op" or op_token.text not in ("=", "<", ">", "<=", ">=", "!=", "<>"):
            raise self._error(op_token, '"="')
        op = "!=" if op_token.text == "<>" else op_token.text
        return Condition(field_token.text, op, (self._value(),))


def parse_query(text: str) -> Query:
    """Parse a query or raise the QBO Fault (4000 parse error, 4001 invalid query)."""
    if not text or not text.strip():
        raise QboFault.parse_error('Encountered "<EOF>" at line 1, column 0.')
    return _Parser(text).parse()


# --- evaluation ----------------------------------------------------------------------------
def get_path(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path``, matching keys case-insensitively; a Ref gives its value."""
    value: Any = record
    for segment in path.split("."):
        if not isinstance(value, Mapping):
            return None
        if segment in value:
            value = value[segment]
            continue
        lowered = segment.lower()
        for key, item in value.items():
            if key.lower() == lowered:
                value = item
                break
        else:
            return None
    if isinstance(value, Mapping) and "value" in value:
        return value["value"]
    return value


def _as_datetime(text: str) -> dt.datetime | None:
    try:
        parsed = date_parser.isoparse(text)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_PACIFIC)
    return parsed


def _key(value: Any, path: str) -> tuple[int, Any]:
    """A sortable, comparable form of a field value (type rank first)."""
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, (int, Decimal)):
        return (1, Decimal(value))
    if isinstance(value, str):
        if path.lower().endswith("time"):
            stamp = _as_datetime(value)
            if stamp is not None:
                return (2, stamp)
        if path.lower() == "id" and value.isdigit():
            return (1, Decimal(value))
        return (3, value.casefold())
    return (4, str(value))


def _literal(value: Any, literal: str, path: str) -> tuple[int, Any] | None:
    if isinstance(value, bool):
        lowered = literal.strip().lower()
        return (0, lowered == "true") if lowered in ("true", "false") else None
    if isinstance(value, (int, Decimal)) or (path.lower() == "id" and literal.strip().isdigit()):
        try:
            return (1, Decimal(literal.strip()))
        except InvalidOperation:
            return None
    if path.lower().endswith("time"):
        stamp = _as_datetime(literal)
        if stamp is not None:
            return (2, stamp)
    return (3, literal.casefold())


def _matches(record: Mapping[str, Any], condition: Condition) -> bool:
    value = get_path(record, condition.field)
    if value is None:
        return False
    if condition.op == "LIKE":
        pattern = "^" + ".*".join(re.escape(part) for part in condition.values[0].split("%")) + "$"
        return re.match(pattern, str(value), re.IGNORECASE | re.DOTALL) is not None
    actual = _key(value, condition.field)
    for literal in condition.values:
        expected = _literal(value, literal, condition.field)
        if expected is None or expected[0] != actual[0]:
            continue
        if _compare(actual[1], condition.op, expected[1]):
            return True
    return False


def _compare(actual: Any, op: str, expected: Any) -> bool:
    operations: dict[str, Callable[[Any, Any], bool]] = {
        "=": lambda a, b: a == b,
        "IN": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        ">=": lambda a, b: a >= b,
    }
    return operations[op](actual, expected)


def _validate(query: Query, known_fields: Mapping[str, frozenset[str]]) -> None:
    fields = known_fields.get(query.entity)
    for condition in query.conditions:
        head = condition.field.split(".")[0]
        if head.lower() == "id" and condition.op not in ("=", "IN"):
            raise QboFault.invalid_query(
                f"Operator {condition.op} is not supported for property Id"
            )
        if fields is not None and head.lower() not in fields:
            raise QboFault.invalid_query(f"property '{condition.field}' is not queryable")


def _sort_key(path: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    def key(record: dict[str, Any]) -> tuple[int, Any]:
        return _key(get_path(record, path), path)

    return key


def _sort(records: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    order = list(query.order_by)
    if not order:
        if query.entity in NAME_LIST_ENTITIES:
            order = [(_NAME_FIELD.get(query.entity, "Name"), False), ("Id", False)]
        else:
            order = [("TxnDate", True), ("Id", True)]
    result = records
    for path, descending in reversed(order):
        present = [r for r in result if get_path(r, path) is not None]
        missing = [r for r in result if get_path(r, path) is None]
        present.sort(key=_sort_key(path), reverse=descending)
        result = missing + present if not descending else present + missing
    return result


def _project(record: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    lowered = {key.lower(): key for key in record}
    for name in ("Id", *fields):
        key = lowered.get(name.lower())
        if key is not None:
            out[key] = copy.deepcopy(record[key])
    out["domain"] = "QBO"
    out["sparse"] = True
    return out


def evaluate(
    query: Query,
    records: Iterable[dict[str, Any]],
    known_fields: Mapping[str, frozenset[str]],
) -> dict[str, Any]:
    """The ``QueryResponse`` object for ``query`` over ``records`` (only the page is copied)."""
    _validate(query, known_fields)
    mentions_active = any(c.field.lower() == "active" for c in query.conditions)
    rows = [
        record
        for record in records
        if (
            mentions_active
            or query.entity not in NAME_LIST_ENTITIES
            or record.get("Active", True) is not False
        )
        and all(_matches(record, condition) for condition in query.conditions)
    ]
    if query.count:
        return {"totalCount": len(rows)}
    rows = _sort(rows, query)
    page = rows[query.start_position - 1 : query.start_position - 1 + query.max_results]
    if not page:
        return {}
    page = (
        [_project(record, query.fields) for record in page] if query.fields else copy.deepcopy(page)
    )
    return {query.entity: page, "startPosition": query.start_position, "maxResults": len(page)}
