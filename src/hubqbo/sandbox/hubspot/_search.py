"""The CRM search evaluator: request validation, filters, sorting and paging, as pure functions.

Why: search has documented limits that a client must respect (5 filter groups, 6 filters per
group, 18 in all, at most 200 per page, no paging past 10,000 results) and operators whose
semantics depend on the property type (numbers compare as numbers, dates as instants, string
``IN`` values must be lowercase, enumerations are case-sensitive). Keeping them pure makes them
testable on their own and keeps the transport a thin router.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from hubqbo.sandbox.hubspot._errors import ApiError
from hubqbo.sandbox.hubspot._model import PropertyDef, parse_instant, wire_string

__all__ = [
    "MAX_FILTERS",
    "MAX_FILTERS_PER_GROUP",
    "MAX_FILTER_GROUPS",
    "MAX_SEARCH_LIMIT",
    "SEARCH_RESULT_CEILING",
    "Filter",
    "SearchRequest",
    "matches",
    "parse_search",
    "run_search",
]

MAX_FILTER_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
MAX_SEARCH_LIMIT = 200
SEARCH_RESULT_CEILING = 10_000
MAX_QUERY_LENGTH = 3000

OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)
_ASSOCIATION_PSEUDO = re.compile(r"^associations\.([a-z0-9_\-]+)$", re.IGNORECASE)


@attrs.frozen
class Filter:
    """One filter: ``propertyName operator value|values|highValue``."""

    property_name: str
    operator: str
    value: str | None = None
    values: tuple[str, ...] = ()
    high_value: str | None = None


@attrs.frozen
class SearchRequest:
    """A validated search request.

    Example:
        >>> defs = {"amount": PropertyDef("amount", "Amount", "number", "number", "g")}
        >>> request = parse_search({"filterGroups": [{"filters": [
        ...     {"propertyName": "amount", "operator": "GT", "value": "10"}]}]}, defs)
        >>> request.limit, request.groups[0][0].operator
        (10, 'GT')
    """

    groups: tuple[tuple[Filter, ...], ...] = ()
    sort: tuple[str, bool] | None = None  # (property, descending)
    query: str | None = None
    properties: tuple[str, ...] | None = None
    limit: int = 10
    after: int = 0


def _int(value: Any, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(str(value))
    except ValueError:
        raise ApiError.validation(
            f"Invalid value for {name}: {value!r} is not an integer."
        ) from None


def _parse_sorts(raw: Any) -> tuple[str, bool] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ApiError.validation("sorts must be an array.")
    if not raw:
        return None
    if len(raw) > 1:
        raise ApiError.validation("Only one sort is allowed per search request.")
    item = raw[0]
    if isinstance(item, str):  # the published description's form: "-amount" or "amount"
        descending = item.startswith("-")
        return item.lstrip("-+"), descending
    if isinstance(item, dict) and isinstance(item.get("propertyName"), str):
        direction = str(item.get("direction", "ASCENDING")).upper()
        if direction not in {"ASCENDING", "DESCENDING"}:
            raise ApiError.validation(f"Invalid sort direction {direction!r}.")
        return item["propertyName"], direction == "DESCENDING"
    raise ApiError.validation("Each sort needs a propertyName.")


def _parse_filter(raw: Any, defs: Mapping[str, PropertyDef]) -> Filter:
    if not isinstance(raw, dict):
        raise ApiError.validation("Each filter must be an object.")
    name = raw.get("propertyName")
    operator = str(raw.get("operator", "")).upper()
    if not isinstance(name, str) or not name:
        raise ApiError.validation("Each filter needs a propertyName.")
    if operator not in OPERATORS:
        raise ApiError.validation(f"Invalid filter operator {raw.get('operator')!r}.")
    if name not in defs and not _ASSOCIATION_PSEUDO.match(name):
        raise ApiError.validation(
            f"There was a problem with the request: unknown property {name!r}."
        )
    value = wire_string(raw.get("value"))
    high = wire_string(raw.get("highValue"))
    raw_values = raw.get("values")
    values = tuple(v for v in (wire_string(x) for x in raw_values or ()) if v is not None)
    if operator in {"IN", "NOT_IN"} and not values:
        raise ApiError.validation(f"Operator {operator} requires values.")
    if operator == "BETWEEN" and (value is None or high is None):
        raise ApiError.validation("Operator BETWEEN requires value and highValue.")
    needs_value = operator not in {"IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"}
    if needs_value and value is None:
        raise ApiError.validation(f"Operator {operator} requires a value.")
    return Filter(name, operator, value, values, high)


def parse_search(body: Any, defs: Mapping[str, PropertyDef]) -> SearchRequest:
    """Validate a search body against HubSpot's documented limits (raises ``ApiError``)."""
    if not isinstance(body, dict):
        raise ApiError.validation("Search request body must be a JSON object.")
    raw_groups = body.get("filterGroups") or []
    if not isinstance(raw_groups, list):
        raise ApiError.validation("filterGroups must be an array.")
    if len(raw_groups) > MAX_FILTER_GROUPS:
        raise ApiError.validation(
            f"Too many filter groups ({len(raw_groups)}); the limit is {MAX_FILTER_GROUPS}."
        )
    groups: list[tuple[Filter, ...]] = []
    total = 0
    for group in raw_groups:
        filters = group.get("filters") if isinstance(group, dict) else None
        if not isinstance(filters, list):
            raise ApiError.validation("Each filter group needs a filters array.")
        if len(filters) > MAX_FILTERS_PER_GROUP:
            raise ApiError.validation(
                f"Too many filters in a group ({len(filters)}); "
                f"the limit is {MAX_FILTERS_PER_GROUP}."
            )
        total += len(filters)
        groups.append(tuple(_parse_filter(f, defs) for f in filters))
    if total > MAX_FILTERS:
        raise ApiError.validation(
            f"Too many filters ({total}); the limit is {MAX_FILTERS} in total."
        )
    limit = _int(body.get("limit"), "limit", 10)
    if limit < 0 or limit > MAX_SEARCH_LIMIT:
        raise ApiError.validation(f"limit must be between 0 and {MAX_SEARCH_LIMIT}; got {limit}.")
    after = _int(body.get("after"), "after", 0)
    if after < 0 or after + limit > SEARCH_RESULT_CEILING:
        raise ApiError.validation(
            "There was a problem with the request: paging beyond 10000 results is not supported "
            f"(after={after}, limit={limit})."
        )
    query = body.get("query")
    if query is not None and (not isinstance(query, str) or len(query) > MAX_QUERY_LENGTH):
        raise ApiError.validation(
            f"query must be a string of at most {MAX_QUERY_LENGTH} characters."
        )
    properties = body.get("properties")
    props = None
    if isinstance(properties, list) and properties:
        props = tuple(str(p) for p in properties)
    sort = _parse_sorts(body.get("sorts"))
    if sort is not None and sort[0] not in defs:
        raise ApiError.validation(f"Cannot sort on unknown property {sort[0]!r}.")
    return SearchRequest(tuple(groups), sort, query or None, props, limit, after)


# ------------------------------------------------------------------------------------------
# Evaluation
# ------------------------------------------------------------------------------------------


def _key(definition: PropertyDef | None, raw: str) -> Any:
    kind = definition.type if definition is not None else "string"
    if kind == "number":
        if raw.isdigit():  # fast path: ids and whole numbers
            return int(raw)
        try:
            return Decimal(raw)
        except InvalidOperation:
            return None
    if kind in {"date", "datetime"}:
        instant = parse_instant(raw)
        return None if instant is None else int(instant.timestamp() * 1000)
    if kind in {"enumeration", "bool"}:
        return raw if kind == "enumeration" else raw.lower()
    return raw.lower()


def _tokens(text: str) -> set[str]:
    lowered = text.lower()
    words = set(re.split(r"[\s,;:/()\[\]\"]+", lowered))
    words |= set(re.findall(r"[^\W_]+", lowered))
    words.discard("")
    return words | {lowered}


def _contains_token(stored: str, token: str) -> bool:
    needle = token.lower()
    words = _tokens(stored)
    if "*" in needle:
        return any(fnmatch.fnmatchcase(w, needle) for w in words)
    return needle in words


_Predicate = Callable[[Mapping[str, "str | None"], Callable[[str, str], bool]], bool]
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "EQ": lambda a, b: bool(a == b),
    "NEQ": lambda a, b: bool(a != b),
    "LT": lambda a, b: bool(a < b),
    "LTE": lambda a, b: bool(a <= b),
    "GT": lambda a, b: bool(a > b),
    "GTE": lambda a, b: bool(a >= b),
}


def _compile(flt: Filter, defs: Mapping[str, PropertyDef]) -> _Predicate:
    """One filter as a predicate over (properties, associated); right-hand keys computed once."""
    op = flt.operator
    pseudo = _ASSOCIATION_PSEUDO.match(flt.property_name)
    if pseudo is not None:
        to_type = pseudo.group(1)
        ids = flt.values if op in {"IN", "NOT_IN"} else (flt.value or "",)
        negate = op in {"NEQ", "NOT_IN"}
        return lambda props, associated: negate != any(associated(to_type, i) for i in ids)
    name = flt.property_name
    definition = defs.get(name)
    kind = definition.type if definition is not None else "string"
    if op in {"HAS_PROPERTY", "NOT_HAS_PROPERTY"}:
        wanted = op == "HAS_PROPERTY"
        return lambda props, associated: bool(props.get(name)) == wanted
    absent_result = op in {"NEQ", "NOT_IN", "NOT_CONTAINS_TOKEN"}
    test: Callable[[str], bool]
    if op in {"CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}:
        token, positive = flt.value or "", op == "CONTAINS_TOKEN"

        def test(stored: str) -> bool:
            return _contains_token(stored, token) == positive

    elif op in {"IN", "NOT_IN"}:
        positive = op == "IN"
        if kind in {"string", "phone_number"}:
            # documented: string IN values must be lowercase; stored values compare lowercased
            candidates = set(flt.values)

            def test(stored: str) -> bool:
                return (stored.lower() in candidates) == positive

        elif definition is not None and definition.field_type == "checkbox":
            options = set(flt.values)

            def test(stored: str) -> bool:
                return bool(set(stored.split(";")) & options) == positive

        else:
            keys = {_key(definition, v) for v in flt.values}

            def test(stored: str) -> bool:
                return (_key(definition, stored) in keys) == positive

    else:
        right = _key(definition, flt.value or "")
        high = _key(definition, flt.high_value or "") if op == "BETWEEN" else None
        compare = _COMPARE.get(op)

        def test(stored: str) -> bool:
            left = _key(definition, stored)
            if left is None or right is None:
                return op == "NEQ"
            try:
                if op == "BETWEEN":
                    return high is not None and bool(right <= left <= high)
                return compare is not None and compare(left, right)
            except TypeError:
                return False

    def predicate(props: Mapping[str, str | None], associated: Callable[[str, str], bool]) -> bool:
        stored = props.get(name)
        if not stored:
            return absent_result
        return test(stored)

    return predicate


def _compile_request(
    request: SearchRequest, defs: Mapping[str, PropertyDef], query_properties: Sequence[str]
) -> _Predicate:
    groups = [[_compile(f, defs) for f in group] for group in request.groups]
    needle = request.query.lower() if request.query else None

    def predicate(props: Mapping[str, str | None], associated: Callable[[str, str], bool]) -> bool:
        if needle is not None and not any(
            needle in (props.get(p) or "").lower() for p in query_properties
        ):
            return False
        if not groups:
            return True
        return any(all(f(props, associated) for f in group) for group in groups)

    return predicate


def matches(
    request: SearchRequest,
    props: Mapping[str, str | None],
    defs: Mapping[str, PropertyDef],
    associated: Callable[[str, str], bool],
    query_properties: Sequence[str] = (),
) -> bool:
    """Whether a record's properties satisfy the filter groups (ORed groups of ANDed filters).

    Example:
        >>> defs = {"amount": PropertyDef("amount", "Amount", "number", "number", "g")}
        >>> gt = parse_search({"filterGroups": [{"filters": [
        ...     {"propertyName": "amount", "operator": "GT", "value": "9.5"}]}]}, defs)
        >>> matches(gt, {"amount": "10"}, defs, lambda t, i: False)
        True
    """
    return _compile_request(request, defs, query_properties)(props, associated)


def _no_association(to_type: str, to_id: str) -> bool:
    return False


def _bind(
    associated: Callable[[str, str, str], bool], record_id: str
) -> Callable[[str, str], bool]:
    return lambda to_type, to_id: associated(record_id, to_type, to_id)


def run_search(
    request: SearchRequest,
    records: Sequence[tuple[str, Mapping[str, str | None]]],
    defs: Mapping[str, PropertyDef],
    associated: Callable[[str, str, str], bool],
    query_properties: Sequence[str] = (),
) -> tuple[int, list[str], int | None]:
    """(total, ids of this page, next ``after`` or None) for ``records`` given as (id, props).

    ``records`` must come in id order (the store keeps them so); ties keep that order.
    """
    predicate = _compile_request(request, defs, query_properties)
    uses_associations = any(
        _ASSOCIATION_PSEUDO.match(f.property_name) for group in request.groups for f in group
    )
    never: Callable[[str, str], bool] = _no_association
    hits = [
        (record_id, props)
        for record_id, props in records
        if predicate(props, _bind(associated, record_id) if uses_associations else never)
    ]
    if request.sort is not None:
        name, descending = request.sort
        definition = defs.get(name)
        keyed = [(_key(definition, h[1].get(name) or ""), h) for h in hits]
        present = [(k, h) for k, h in keyed if k not in (None, "")]
        missing = [h for k, h in keyed if k in (None, "")]
        present.sort(key=lambda kh: kh[0], reverse=descending)
        hits = [h for _, h in present] + missing
    page = hits[request.after : request.after + request.limit]
    next_after = request.after + request.limit
    return len(hits), [h[0] for h in page], next_after if next_after < len(hits) else None
