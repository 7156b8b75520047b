"""The sync engine's port over QBO's change feed (``hubqbo.protocols.LedgerFeed``).

Why a module of its own: the engine decides what to do with a truncated or too old change
feed (``hubqbo.sync``); the adapter only answers three plain reads in domain terms — one
``/cdc`` call for one entity with the answer's own ``time``, a paged
``MetaData.LastUpdatedTime`` query, and an ``Id IN (...)`` sweep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from hubqbo.protocols import LedgerChange, LedgerChanges
from hubqbo.quickbooks import _wire
from hubqbo.quickbooks._query import select

if TYPE_CHECKING:
    from hubqbo.quickbooks._client import QuickBooksClient

__all__ = ["change_data_capture", "records_by_id", "updated_since"]

_NAME_LISTS = frozenset({"Customer", "Item", "Term", "TaxCode", "Vendor", "Employee"})
_SWEEP_CHUNK = 300
"""Ids per ``Id IN (...)`` query (long queries go as POST; 300 ids stay far below limits)."""


def _answer_time(body: Any, fallback: dt.datetime) -> dt.datetime:
    """The envelope's ``time`` (ISO 8601, or epoch milliseconds in some answers)."""
    raw = body.get("time") if isinstance(body, dict) else None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return dt.datetime.fromtimestamp(raw / 1000, tz=dt.timezone.utc)
    if isinstance(raw, str) and raw:
        try:
            parsed = _wire._when(raw)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    return fallback


def _change(entity: str, record: Any) -> LedgerChange:
    return LedgerChange(
        entity=entity,
        id=str(record.id),
        deleted=bool(getattr(record, "deleted", False)),
        updated_at=getattr(record, "updated_at", None),
        record=record,
    )


def change_data_capture(client: QuickBooksClient, entity: str, since: dt.datetime) -> LedgerChanges:
    """One ``GET /cdc?entities=<entity>&changedSince=<since>``; the answer as QBO ordered it."""
    params = {"entities": entity, "changedSince": since.isoformat(timespec="seconds")}
    body = client._get("cdc", params).object()
    parsed = _wire.parse_cdc(body, home_currency=client._home_currency)
    changes = [
        LedgerChange(
            entity=c.entity, id=c.id, deleted=c.deleted, updated_at=c.updated_at, record=c.record
        )
        for c in parsed.get(entity, [])
    ]
    return LedgerChanges(
        entity=entity, time=_answer_time(body, client.clock.now()), changes=changes
    )


def updated_since(
    client: QuickBooksClient, entity: str, since: dt.datetime | None
) -> Iterator[LedgerChange]:
    """Records updated at or after ``since`` (all for ``None``), 1,000 per page, oldest
    first; name-list entities include inactive records."""
    query = select(entity)
    if since is not None:
        query = query.where("MetaData.LastUpdatedTime", ">=", since)
    if entity in _NAME_LISTS:
        query = query.where("Active", "IN", [True, False])
    query = query.order_by("MetaData.LastUpdatedTime")
    for record in client.iter_query(query):
        yield _change(entity, record)


def records_by_id(client: QuickBooksClient, entity: str, ids: Sequence[str]) -> list[LedgerChange]:
    """The records of ``ids`` that exist (inactive ones too): ``Id IN (...)`` in chunks."""
    found: list[LedgerChange] = []
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), _SWEEP_CHUNK):
        chunk = unique[start : start + _SWEEP_CHUNK]
        query = select(entity).where("Id", "IN", chunk)
        if entity in _NAME_LISTS:
            query = query.where("Active", "IN", [True, False])
        found.extend(_change(entity, r) for r in client.iter_query(query))
    return found
