"""Change feeds behind the ports: what changed in QBO since a cursor, and the dirty inbox.

Why here and not in the adapter: what to do with QBO's change data capture limits is the
engine's decision, and it is the same whatever ledger adapter answers the three plain reads of
``LedgerFeed``. QBO's CDC takes only a start time, returns at most 1,000 objects across the
requested entities (grouped by entity, deletions after active objects: a full answer silently
drops what did not fit) and looks back at most 30 days. So:

* one entity per CDC call (a truncation then costs only that entity);
* an answer holding 1,000 objects is treated as truncated: the entity is re-read with paged
  ``MetaData.LastUpdatedTime`` queries, and its deletions confirmed by a sweep of the linked
  ids (an id the ledger no longer has is deleted);
* the next cursor is the answer's own ``time`` (the ledger's clock, not ours), minus nothing:
  each read starts ``overlap`` before the cursor, and records read twice cost no write;
* a cursor older than the feed keeps (30 days, with a margin) falls back to the queries and
  the sweep; no cursor at all is a backfill, whose cursor is the instant noted before reading.

Webhooks only mark records dirty (``engine.notify``); the next run re-reads them by id.

Example:
    >>> import datetime as dt
    >>> too_old(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    ...         now=dt.datetime(2026, 2, 15, tzinfo=dt.timezone.utc))
    True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from hubqbo.protocols import LedgerChange, LedgerFeed

__all__ = [
    "CDC_CAP",
    "CDC_MAX_AGE",
    "DirtyRecord",
    "FeedMode",
    "FeedRead",
    "dirty_from_events",
    "read_changes",
    "read_dirty",
    "too_old",
]

CDC_CAP = 1000
"""QBO returns at most this many objects per CDC answer (across all entities asked)."""
CDC_MAX_AGE = dt.timedelta(days=30)
CDC_MARGIN = dt.timedelta(hours=1)
"""Fall back to queries this long before the 30 days run out (clock skew, slow runs)."""
DELETABLE = frozenset({"Invoice", "Payment"})
"""QBO entities that can be deleted (customers and items are only made inactive)."""


class FeedMode(str, enum.Enum):
    """How an entity's changes were read."""

    BACKFILL = "backfill"
    CDC = "cdc"
    TRUNCATED = "truncated"
    FALLBACK = "fallback"


@attrs.frozen
class FeedRead:
    """What one entity's feed read returned.

    Attributes:
        entity: the QBO entity.
        changes: one change per record (the newest seen), deletions included.
        cursor: the next cursor (moved only once every write derived from these landed).
        mode: backfill, CDC, CDC truncated (re-read by query), or fallback (cursor too old).
        swept: linked ids checked by a sweep (a deletion among them is in ``changes``).
    """

    entity: str
    changes: tuple[LedgerChange, ...]
    cursor: dt.datetime
    mode: FeedMode
    swept: int = 0


def too_old(cursor: dt.datetime, *, now: dt.datetime) -> bool:
    """True when ``cursor`` is older than change data capture reaches (30 days, less a margin)."""
    return now - cursor > CDC_MAX_AGE - CDC_MARGIN


def _newest(changes: Iterable[LedgerChange]) -> list[LedgerChange]:
    """One change per id: the latest; a deletion wins a tie; first-seen order kept."""
    floor = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    best: dict[str, LedgerChange] = {}
    for change in changes:
        seen = best.get(change.id)
        if seen is None:
            best[change.id] = change
            continue
        new_at, old_at = change.updated_at or floor, seen.updated_at or floor
        if new_at > old_at or (new_at == old_at and change.deleted and not seen.deleted):
            best[change.id] = change
    return list(best.values())


def _sweep(
    feed: LedgerFeed, entity: str, linked_ids: Callable[[], Sequence[str]], seen: set[str]
) -> tuple[list[LedgerChange], int]:
    """Deletions among the linked ids not already seen: re-read them, the missing are gone."""
    if entity not in DELETABLE:
        return [], 0
    ask = [i for i in linked_ids() if i not in seen]
    if not ask:
        return [], 0
    found = feed.records_by_id(entity, ask)
    present = {c.id for c in found}
    gone = [LedgerChange(entity=entity, id=i, deleted=True) for i in ask if i not in present]
    return gone, len(ask)


def read_changes(
    feed: LedgerFeed,
    entity: str,
    cursor: dt.datetime | None,
    *,
    started: dt.datetime,
    linked_ids: Sequence[str] | Callable[[], Sequence[str]] = (),
    overlap: dt.timedelta = dt.timedelta(minutes=1),
) -> FeedRead:
    """The changes of ``entity`` since ``cursor`` (see the module rules).

    Args:
        feed: the ledger's feed port.
        entity: ``Customer``, ``Item``, ``Invoice`` ...
        cursor: where the last run ended (``None``: never synced: backfill).
        started: the instant noted before this run read anything (the backfill's cursor).
        linked_ids: QBO ids linked to HubSpot records (swept for deletions when CDC cannot
            confirm them), or a function giving them (called only when they are needed).
        overlap: how far before the cursor to start reading.
    """
    linked: Callable[[], Sequence[str]] = (
        linked_ids if callable(linked_ids) else (lambda: linked_ids)
    )
    if cursor is None:
        records = list(feed.updated_since(entity, None))
        present = {c.id for c in records}
        gone = [
            LedgerChange(entity=entity, id=i, deleted=True)
            for i in (linked() if entity in DELETABLE else ())
            if i not in present
        ]
        return FeedRead(entity, tuple(_newest([*records, *gone])), started, FeedMode.BACKFILL)
    since = cursor - overlap
    if too_old(since, now=started):
        records = list(feed.updated_since(entity, since))
        gone, swept = _sweep(feed, entity, linked, {c.id for c in records})
        return FeedRead(
            entity, tuple(_newest([*records, *gone])), started, FeedMode.FALLBACK, swept
        )
    answer = feed.change_data_capture(entity, since)
    if len(answer.changes) < CDC_CAP:
        return FeedRead(entity, tuple(_newest(answer.changes)), answer.time, FeedMode.CDC)
    records = list(feed.updated_since(entity, since))
    deleted = [c for c in answer.changes if c.deleted]
    seen = {c.id for c in records} | {c.id for c in deleted}
    gone, swept = _sweep(feed, entity, linked, seen)
    return FeedRead(
        entity,
        tuple(_newest([*records, *deleted, *gone])),
        answer.time,
        FeedMode.TRUNCATED,
        swept,
    )


# --------------------------------------------------------------------------- dirty inbox


@attrs.frozen
class DirtyRecord:
    """A record a webhook said changed (coalesced: one per record however many events).

    ``source`` is ``"qbo"`` or ``"hubspot"``; ``operation`` the last reported one (``Merge``,
    ``Delete``, ``privacyDeletion`` ...); ``merged_into`` a merge's surviving id.
    """

    source: str
    entity: str
    id: str
    operation: str = ""
    merged_into: str | None = None


_HUBSPOT_KINDS = {"contact": "contacts", "product": "products", "invoice": "invoices"}


def _qbo_event(event: object) -> DirtyRecord | None:
    entity = getattr(event, "entity", None)
    entity_id = getattr(event, "entity_id", None)
    if not entity or not entity_id:
        return None
    operation = str(getattr(event, "operation", "") or "")
    return DirtyRecord("qbo", str(entity).capitalize(), str(entity_id), operation)


def _hubspot_event(event: object) -> list[DirtyRecord]:
    kind_text = str(getattr(event, "event_type", "") or "")
    object_name, _, operation = kind_text.partition(".")
    entity = _HUBSPOT_KINDS.get(object_name)
    if entity is None:
        return []
    raw: Mapping[str, object] = getattr(event, "raw", None) or {}
    if operation == "merge":
        survivor = raw.get("primaryObjectId") or getattr(event, "object_id", None)
        merged = raw.get("mergedObjectIds") or []
        return [
            DirtyRecord("hubspot", entity, str(m), "merge", str(survivor))
            for m in (merged if isinstance(merged, list) else [])
            if str(m) != str(survivor)
        ]
    object_id = getattr(event, "object_id", None)
    if not object_id:
        return []
    return [DirtyRecord("hubspot", entity, str(object_id), operation)]


def dirty_from_events(events: Iterable[object]) -> list[DirtyRecord]:
    """Parsed webhook events (QBO's ``WebhookEvent`` with ``entity``/``entity_id``/
    ``operation``, or HubSpot's with ``event_type``/``object_id``) as dirty records, one per
    record (the last event wins), in first-seen order.

    Example:
        >>> class E:  # any object with QBO's webhook event attributes
        ...     entity, entity_id, operation = "Customer", "58", "Update"
        >>> [(d.entity, d.id) for d in dirty_from_events([E(), E()])]
        [('Customer', '58')]
    """
    out: dict[tuple[str, str, str], DirtyRecord] = {}
    for event in events:
        found = _hubspot_event(event) if hasattr(event, "event_type") else [_qbo_event(event)]
        for dirty in found:
            if dirty is not None:
                out[(dirty.source, dirty.entity, dirty.id)] = dirty
    return list(out.values())


def read_dirty(feed: LedgerFeed, entity: str, ids: Sequence[str]) -> list[LedgerChange]:
    """Re-read the QBO records webhooks reported (the webhook body is never trusted): the
    ones still there, and a deletion for each id that is gone."""
    if not ids:
        return []
    found = feed.records_by_id(entity, ids)
    present = {c.id for c in found}
    gone = [LedgerChange(entity=entity, id=i, deleted=True) for i in ids if i not in present]
    return _newest([*found, *gone])
