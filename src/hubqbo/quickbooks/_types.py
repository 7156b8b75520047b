"""Result types of the QuickBooks client: batch items, change records, CDC results.

Why: batch and change-data-capture answers mix records, deletions and per-item faults; typed
results keep "which input failed and why" and "were deletions confirmed" explicit.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from hubqbo.errors import ApiError

__all__ = [
    "BatchItemResult",
    "BatchOperation",
    "CdcResult",
    "ChangeRecord",
    "Operation",
    "UnconfirmedWindow",
]


class Operation(str, enum.Enum):
    """A batch item's operation (QBO ``operation``).

    Example:
        >>> Operation("delete") is Operation.DELETE
        True
    """

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    QUERY = "query"


@attrs.frozen
class BatchOperation:
    """One input of :meth:`QuickBooksClient.batch`.

    Build with the named constructors; ``record`` is a model (``Customer``, ``Item``,
    ``Invoice``, ``Payment``) or, for other entities, ``(entity_name, wire_dict)``.

    Example:
        >>> from hubqbo.models import Customer
        >>> BatchOperation.create(Customer(display_name="Acme")).operation.value
        'create'
    """

    operation: Operation
    record: Any = None
    query: str | None = None
    sparse: bool = True

    @classmethod
    def create(cls, record: Any) -> BatchOperation:
        """Create ``record``."""
        return cls(Operation.CREATE, record)

    @classmethod
    def update(cls, record: Any, *, sparse: bool = True) -> BatchOperation:
        """Update ``record`` (needs id and sync token); sparse by default."""
        return cls(Operation.UPDATE, record, sparse=sparse)

    @classmethod
    def delete(cls, record: Any) -> BatchOperation:
        """Delete ``record`` (needs id and sync token)."""
        return cls(Operation.DELETE, record)

    @classmethod
    def select(cls, query: str) -> BatchOperation:
        """Run a query (text, e.g. ``select("Invoice").to_sql()``)."""
        return cls(Operation.QUERY, None, query=query)


@attrs.frozen
class BatchItemResult:
    """The outcome of one batch input, in input order.

    Attributes:
        index: position of the input in the list given to ``batch``.
        operation: the input.
        record: the created/updated record (model) or, for a delete, the deleted stub.
        records: a query item's records.
        error: the typed error when QBO answered this item with a Fault.

    Example:
        >>> BatchItemResult(0, BatchOperation.select("SELECT * FROM Item")).ok
        True
    """

    index: int
    operation: BatchOperation
    record: Any = None
    records: tuple[Any, ...] = ()
    error: ApiError | None = None

    @property
    def ok(self) -> bool:
        """True when the item succeeded."""
        return self.error is None


@attrs.frozen
class ChangeRecord:
    """One changed record from change data capture.

    Attributes:
        entity: QBO entity name (``Invoice``...).
        id: the record id.
        deleted: QBO reported ``status: "Deleted"``.
        updated_at: ``MetaData.LastUpdatedTime`` when present.
        record: the record as its model (``None`` for deletions and unmodelled entities).

    Example:
        >>> ChangeRecord(entity="Invoice", id="266", deleted=True).deleted
        True
    """

    entity: str
    id: str
    deleted: bool = False
    updated_at: dt.datetime | None = None
    record: Any = attrs.field(default=None, eq=False)


@attrs.frozen
class UnconfirmedWindow:
    """A time span in which an entity's deletions could not be confirmed by CDC.

    Deletions from ``end`` on were reported by CDC itself; between ``start`` and ``end`` the
    1,000-object cap hid part of them.

    Example:
        >>> import datetime as dt
        >>> utc = dt.timezone.utc
        >>> w = UnconfirmedWindow("Invoice", dt.datetime(2026, 11, 1, tzinfo=utc),
        ...                       dt.datetime(2026, 11, 20, tzinfo=utc))
        >>> w.end - w.start
        datetime.timedelta(days=19)
    """

    entity: str
    start: dt.datetime
    end: dt.datetime


@attrs.frozen
class CdcResult:
    """What changed since ``since``.

    Attributes:
        since: the lower bound asked for.
        changes: every change found (deduplicated by entity and id, newest kept).
        requests: HTTP requests spent.
        unconfirmed_deletions: entities whose deletions could not be confirmed because the
            1,000-object cap forced a fallback to queries (which never return deleted records):
            reconcile those entities another way (e.g. a full id scan).
        unconfirmed_windows: for each of those entities, the span whose deletions are
            unconfirmed; deletions after its ``end`` were confirmed by narrower CDC calls.

    Example:
        >>> import datetime as dt
        >>> since = dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)
        >>> CdcResult(since, (ChangeRecord("Invoice", "1"),), unconfirmed_deletions=("Invoice",)
        ...           ).deletions_confirmed
        False
    """

    since: dt.datetime
    changes: tuple[ChangeRecord, ...]
    requests: int = 0
    unconfirmed_deletions: tuple[str, ...] = ()
    unconfirmed_windows: tuple[UnconfirmedWindow, ...] = ()

    @property
    def deletions_confirmed(self) -> bool:
        """True when every entity's deletions were reported by CDC itself."""
        return not self.unconfirmed_deletions

    def of(self, entity: str) -> tuple[ChangeRecord, ...]:
        """The changes of one entity."""
        return tuple(c for c in self.changes if c.entity == entity)
