"""HubSpot's records changed since a point, read by search on the last-modified property.

Why this shape: search takes one sort, at most 5 filter groups and refuses to page past
10,000 results. The feed sorts by the last-modified property ascending and keeps a position
``(t, id)``: the records modified after ``t``, or modified at ``t`` with an id above ``id``
(two OR-ed filter groups — ties on the time are broken by the record id, which search
cannot sort by as well). Before a page would cross the ceiling the search restarts from the
position of the last record read, so any number of changes is read. The property is
``lastmodifieddate`` on contacts and ``hs_lastmodifieddate`` on the other objects (HubSpot's
property descriptions).

Example:
    >>> [g.filters[0].operator for g in changed_query("contacts", "1700", "5").filter_groups]
    ['GT', 'EQ']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from hubqbo.hubspot import _wire as wire
from hubqbo.hubspot._search import SEARCH_CEILING, Filter, FilterGroup, SearchQuery
from hubqbo.hubspot._values import parse_datetime
from hubqbo.protocols import CrmObject

if TYPE_CHECKING:
    from hubqbo.hubspot._client import HubSpotClient

__all__ = ["changed_query", "modified_property", "records_changed_since"]

_ID = "hs_object_id"


def modified_property(object_type: str) -> str:
    """The last-modified property of an object type.

    Example:
        >>> modified_property("contacts"), modified_property("products")
        ('lastmodifieddate', 'hs_lastmodifieddate')
    """
    return "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"


def _millis(at: dt.datetime) -> str:
    return str(int(at.timestamp() * 1000))


def changed_query(
    object_type: str,
    since_ms: str,
    after_id: str | None,
    *,
    properties: Sequence[str] = (),
    limit: int = 200,
) -> SearchQuery:
    """The search for records at position ``(since_ms, after_id)`` or later, sorted by
    last-modified ascending: modified after ``since_ms``, or at it with a higher id."""
    prop = modified_property(object_type)
    groups = [FilterGroup((Filter(prop, "GT", since_ms),))]
    if after_id is not None:
        groups.append(FilterGroup((Filter(prop, "EQ", since_ms), Filter(_ID, "GT", after_id))))
    else:
        groups = [FilterGroup((Filter(prop, "GTE", since_ms),))]
    return SearchQuery(
        filter_groups=tuple(groups),
        properties=(*properties, prop),
        limit=limit,
        sort_by=prop,
    )


def _instant(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        return parse_datetime(raw)
    except ValueError:
        return None


def records_changed_since(
    client: HubSpotClient,
    object_type: str,
    since: dt.datetime,
    *,
    after_id: str | None = None,
    properties: Sequence[str] = (),
) -> Iterator[CrmObject]:
    """Every record modified at ``since`` or later, oldest change first (``CrmObject`` with
    ``updated_at`` = its last-modified time). Restarts from the last record's position before
    paging past 10,000 results."""
    prop = modified_property(object_type)
    path = client.paths.search(object_type)
    since_ms, last_id = _millis(since), after_id
    query = changed_query(object_type, since_ms, last_id, properties=properties)
    after: str | None = None
    while True:
        if after is not None and int(after) + query.limit > SEARCH_CEILING:
            query = changed_query(object_type, since_ms, last_id, properties=properties)
            after = None
        data = client._request(
            "POST", path, json=query.body(after=after), idempotent=True, search=True
        )
        page = wire.parse_page(data)
        for obj in page.results:
            modified = _instant(obj.properties.get(prop)) or _instant(obj.updated_at)
            if modified is not None:
                since_ms, last_id = _millis(modified), obj.id
            yield CrmObject(
                id=obj.id,
                properties=dict(obj.properties),
                updated_at=modified,
                archived=obj.archived,
            )
        if page.after is None or not page.results:
            return
        after = page.after
