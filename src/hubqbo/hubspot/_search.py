"""Search requests: filter groups within HubSpot's limits, and the 10,000-result ceiling.

Why: HubSpot's search takes at most 5 filter groups, 6 filters per group and 18 filters in
all (the docs; the OpenAPI description says "up to 6 groups"), at most 200 results per page,
and refuses to page past 10,000 results. A pull that may match more is split on
``hs_object_id``: results are sorted ascending by id and, when the next page would cross the
ceiling, the search restarts with ``hs_object_id GT <last id>`` added to every group. Both the
validation and the split are pure functions here, so they are tested without HTTP.

Example:
    >>> q = SearchQuery(filter_groups=(FilterGroup((Filter("email", "EQ", "a@b.co"),)),))
    >>> q.body(after=None)["filterGroups"][0]["filters"][0]
    {'propertyName': 'email', 'operator': 'EQ', 'value': 'a@b.co'}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from hubqbo.errors import ValidationError

__all__ = [
    "MAX_FILTERS_PER_GROUP",
    "MAX_FILTERS_TOTAL",
    "MAX_FILTER_GROUPS",
    "MAX_SEARCH_LIMIT",
    "SEARCH_CEILING",
    "Filter",
    "FilterGroup",
    "SearchQuery",
]

MAX_FILTER_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS_TOTAL = 18
MAX_SEARCH_LIMIT = 200
SEARCH_CEILING = 10_000
MAX_QUERY_CHARS = 3_000
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
_ID = "hs_object_id"


def _filters(value: Iterable[Filter]) -> tuple[Filter, ...]:
    return tuple(value)


def _groups(value: Iterable[FilterGroup]) -> tuple[FilterGroup, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _refuse(message: str) -> ValidationError:
    return ValidationError(
        provider="hubspot", status_code=None, code="VALIDATION_ERROR", message=message
    )


def _check_operator(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if value not in OPERATORS:
        raise _refuse(f"unknown search operator {value!r}; use one of {sorted(OPERATORS)}")


@attrs.frozen
class Filter:
    """One search filter: ``value`` for most operators, ``values`` for ``IN``/``NOT_IN``,
    ``value`` and ``high_value`` for ``BETWEEN``.

    Example:
        >>> Filter("amount", "BETWEEN", "10", high_value="20").as_wire()["highValue"]
        '20'
    """

    property_name: str
    operator: str = attrs.field(validator=_check_operator)
    value: str | None = None
    values: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    high_value: str | None = None

    def as_wire(self) -> dict[str, Any]:
        """The filter as HubSpot's JSON (``IN`` on string properties needs lower-case values)."""
        out: dict[str, Any] = {"propertyName": self.property_name, "operator": self.operator}
        if self.value is not None:
            out["value"] = self.value
        if self.values:
            out["values"] = list(self.values)
        if self.high_value is not None:
            out["highValue"] = self.high_value
        return out


@attrs.frozen
class FilterGroup:
    """Filters ANDed together; groups are ORed."""

    filters: tuple[Filter, ...] = attrs.field(default=(), converter=_filters)


def _sort(direction: str) -> dict[str, str]:
    return {"propertyName": _ID, "direction": direction}


@attrs.frozen
class SearchQuery:
    """A search: filter groups, optional full-text ``query``, properties and page size.

    ``sort_by``/``descending`` name the one sort HubSpot allows; the ceiling-safe iteration
    (``HubSpotClient.search``) always sorts by ``hs_object_id`` ascending.

    Raises:
        ValidationError: at construction, when a documented limit is exceeded.

    Example:
        >>> try:
        ...     SearchQuery(limit=500)
        ... except ValidationError as exc:
        ...     exc.message
        'search pages hold at most 200 results, not 500'
    """

    filter_groups: tuple[FilterGroup, ...] = attrs.field(default=(), converter=_groups)
    query: str | None = None
    properties: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    limit: int = MAX_SEARCH_LIMIT
    sort_by: str | None = None
    descending: bool = False

    def __attrs_post_init__(self) -> None:
        validate(self)

    def body(self, *, after: str | None) -> dict[str, Any]:
        """The JSON request body for one page."""
        body: dict[str, Any] = {
            "filterGroups": [
                {"filters": [f.as_wire() for f in g.filters]} for g in self.filter_groups
            ],
            "properties": list(self.properties),
            "limit": self.limit,
        }
        if self.sort_by:
            body["sorts"] = [
                {
                    "propertyName": self.sort_by,
                    "direction": "DESCENDING" if self.descending else "ASCENDING",
                }
            ]
        if self.query:
            body["query"] = self.query
        if after is not None:
            body["after"] = after
        return body

    def by_id_after(self, last_id: str | None) -> SearchQuery:
        """This query sorted by ``hs_object_id`` ascending, restricted to ids above ``last_id``.

        The restriction is added to every group (groups are ORed), so the limits are checked
        again: a query using all 6 filters of a group cannot be split.
        """
        groups = self.filter_groups or (FilterGroup(),)
        if last_id is not None:
            bound = Filter(_ID, "GT", last_id)
            groups = tuple(FilterGroup((*g.filters, bound)) for g in groups)
        return attrs.evolve(self, filter_groups=groups, sort_by=_ID, descending=False)


def validate(query: SearchQuery) -> None:
    """Refuse a search HubSpot would refuse (before sending it)."""
    groups = query.filter_groups
    if len(groups) > MAX_FILTER_GROUPS:
        raise _refuse(f"search takes at most {MAX_FILTER_GROUPS} filter groups, not {len(groups)}")
    for index, group in enumerate(groups):
        if len(group.filters) > MAX_FILTERS_PER_GROUP:
            raise _refuse(
                f"filter group {index} has {len(group.filters)} filters; at most "
                f"{MAX_FILTERS_PER_GROUP} per group"
            )
    total = sum(len(g.filters) for g in groups)
    if total > MAX_FILTERS_TOTAL:
        raise _refuse(f"search takes at most {MAX_FILTERS_TOTAL} filters in all, not {total}")
    if not 1 <= query.limit <= MAX_SEARCH_LIMIT:
        raise _refuse(f"search pages hold at most {MAX_SEARCH_LIMIT} results, not {query.limit}")
    if query.query is not None and len(query.query) > MAX_QUERY_CHARS:
        raise _refuse(f"search query strings are limited to {MAX_QUERY_CHARS} characters")


def must_restart(after: str | None, limit: int) -> bool:
    """True when fetching the page at ``after`` would page past the 10,000-result ceiling."""
    if after is None:
        return False
    try:
        offset = int(after)
    except ValueError:
        return False
    return offset + limit > SEARCH_CEILING


def ids_of(results: Sequence[Any]) -> list[str]:
    """The record ids of a page of wire objects (for the restart bound)."""
    return [str(r.id) for r in results]
