"""The sync engine's port over HubSpot (``hubqbo.protocols.CrmRecordStore``).

Why a module of its own: the batch calls already live on ``HubSpotClient`` (100 records per
request, 207 partial results mapped back by ``objectWriteTraceId``); the sync port speaks
domain terms (``CrmObject``, ``WriteOutcome`` per input) so the engine never sees wire types.
These functions translate; ``HubSpotClient`` exposes them as methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from hubqbo.hubspot._values import parse_datetime
from hubqbo.models import CrmObjectType
from hubqbo.protocols import AssociationOutcome, CrmObject, WriteOutcome

if TYPE_CHECKING:
    from hubqbo.hubspot._client import BatchResult, CrmRecord, HubSpotClient
    from hubqbo.hubspot._wire import WireObject

__all__ = [
    "FIND_CHUNK",
    "archive_records",
    "associate_records",
    "create_records",
    "find_records",
    "list_records",
    "read_records",
    "update_records",
    "upsert_records",
]


def _instant(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        return parse_datetime(raw)
    except ValueError:
        return None


def _object(record: CrmRecord | WireObject) -> CrmObject:
    return CrmObject(
        id=record.id,
        properties=dict(record.properties),
        updated_at=_instant(record.updated_at),
        archived=record.archived,
    )


def list_records(
    client: HubSpotClient, object_type: CrmObjectType, *, properties: Sequence[str] = ()
) -> Iterator[CrmObject]:
    """Every live record, 100 per page."""
    for record in client.iter_objects(object_type, properties=properties):
        yield _object(record)


def read_records(
    client: HubSpotClient,
    object_type: CrmObjectType,
    ids: Sequence[str],
    *,
    id_property: str | None = None,
    properties: Sequence[str] = (),
) -> list[CrmObject]:
    """Records by id or unique property, 100 per request (missing ones left out)."""
    if not ids:
        return []
    wanted = list(properties)
    if id_property and id_property not in wanted:
        wanted.append(id_property)
    return [
        _object(o)
        for o in client.batch_read(object_type, ids, properties=wanted, id_property=id_property)
    ]


def _outcomes(
    result: BatchResult, count: int, key_of: Sequence[str], record_key: Mapping[str, str]
) -> list[WriteOutcome]:
    """One outcome per input: failures by index, successes by the key each input carried."""
    failed = {f.index: f.error for f in result.failures}
    written: dict[str, tuple[str, bool | None]] = {}
    stored: dict[str, Mapping[str, str | None]] = {}
    for record in result.records:
        key = record_key.get(record.id) or ""
        written[key] = (record.id, record.new)
        stored[key] = dict(record.properties)
    out: list[WriteOutcome] = []
    fallback = result.unmatched_errors[0] if result.unmatched_errors else None
    for index in range(count):
        if index in failed:
            out.append(WriteOutcome(index, error=failed[index]))
            continue
        found = written.get(key_of[index])
        if found is None:
            from hubqbo.errors import ApiError

            error = fallback or ApiError(
                provider="hubspot",
                status_code=None,
                code=None,
                message=f"the batch answer does not mention input {index} ({key_of[index]})",
            )
            out.append(WriteOutcome(index, error=error))
        else:
            out.append(
                WriteOutcome(
                    index,
                    record_id=found[0],
                    created=found[1],
                    stored=stored.get(key_of[index], {}),
                )
            )
    return out


FIND_CHUNK = 100
"""Values per search in ``find_records`` (one ``IN`` filter; at most 200 results a page)."""


def find_records(
    client: HubSpotClient,
    object_type: CrmObjectType,
    property_name: str,
    values: Sequence[str],
    *,
    properties: Sequence[str] = (),
) -> list[CrmObject]:
    """Live records whose ``property_name`` is one of ``values``: one search (an ``IN``
    filter) per 100 values, oldest record first. For properties that are not unique, where a
    batch read by ``idProperty`` is refused. Search is eventually consistent: a record
    written moments ago may be missing."""
    from hubqbo.hubspot._search import Filter, FilterGroup, SearchQuery

    wanted = list(dict.fromkeys(v for v in values if v))
    shown = list(dict.fromkeys([property_name, *properties]))
    found: list[CrmObject] = []
    for start in range(0, len(wanted), FIND_CHUNK):
        chunk = tuple(v.lower() for v in wanted[start : start + FIND_CHUNK])
        query = SearchQuery(
            filter_groups=(FilterGroup((Filter(property_name, "IN", values=chunk),)),),
            properties=shown,
        )
        found.extend(_object(r) for r in client.search(object_type, query))
    return found


def create_records(
    client: HubSpotClient,
    object_type: CrmObjectType,
    records: Sequence[Mapping[str, str]],
    *,
    id_property: str,
) -> list[WriteOutcome]:
    """Batch create (not retried: a create is not idempotent); one outcome per input,
    matched by the value of ``id_property`` each input carries."""
    if not records:
        return []
    result = client.batch_create(object_type, records)
    keys = [str(r.get(id_property) or "") for r in records]
    by_id = {r.id: str(r.properties.get(id_property) or "") for r in result.records}
    return _outcomes(result, len(records), keys, by_id)


def upsert_records(
    client: HubSpotClient,
    object_type: CrmObjectType,
    records: Sequence[Mapping[str, str]],
    *,
    id_property: str,
) -> list[WriteOutcome]:
    """Batch upsert keyed by ``id_property``; one outcome per input."""
    if not records:
        return []
    result = client.batch_upsert(object_type, records, id_property=id_property)
    keys = [str(r.get(id_property) or "") for r in records]
    by_id = {r.id: str(r.properties.get(id_property) or "") for r in result.records}
    return _outcomes(result, len(records), keys, by_id)


def update_records(
    client: HubSpotClient,
    object_type: CrmObjectType,
    updates: Sequence[tuple[str, Mapping[str, str]]],
) -> list[WriteOutcome]:
    """Batch update by record id; one outcome per input."""
    if not updates:
        return []
    result = client.batch_update(object_type, {rid: dict(props) for rid, props in updates})
    keys = [rid for rid, _ in updates]
    by_id = {r.id: r.id for r in result.records}
    return _outcomes(result, len(updates), keys, by_id)


def archive_records(client: HubSpotClient, object_type: CrmObjectType, ids: Sequence[str]) -> None:
    """Batch archive (HubSpot answers 204, also for ids already archived)."""
    if ids:
        client.batch_archive(object_type, ids)


def associate_records(
    client: HubSpotClient,
    from_type: CrmObjectType,
    to_type: CrmObjectType,
    pairs: Sequence[tuple[str, str]],
) -> list[AssociationOutcome]:
    """Batch association with HubSpot's default type for the pair; one outcome per pair."""
    if not pairs:
        return []
    result = client.batch_associate(from_type, to_type, pairs)
    failed = {f.index: f.error for f in result.failures}
    return [AssociationOutcome(i, a, b, error=failed.get(i)) for i, (a, b) in enumerate(pairs)]
