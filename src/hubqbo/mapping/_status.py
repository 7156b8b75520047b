"""The sync status of each mapped property: the "status of the properties being synced" view.

Why pure and duck-typed: the state store keeps one status row per mapping (``StateStore``'s
``MappingStatus`` record, added up from ``MappingTally`` increments); its fields are the ones
:class:`StatusLike` names, so the views render the store's rows as they are. Without a store
(a notebook, a test), :class:`FieldStatus` is the same status as a pure value and :func:`tally`
folds each :class:`MappedRecord` into it. :meth:`MappedRecord.counts` gives the increments the
sync engine turns into ``MappingTally`` records. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import attrs

if TYPE_CHECKING:
    from hubqbo.mapping._record import MappedRecord

__all__ = ["FieldStatus", "MappingHealth", "StatusLike", "health_of", "tally"]


def _aware(_inst: object, attribute: attrs.Attribute[Any], value: dt.datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{attribute.name} must be timezone-aware, got naive {value!r}")


class StatusLike(Protocol):
    """What the status views read: :class:`FieldStatus` or the state store's rows."""

    @property
    def mapping(self) -> str: ...  # pragma: no cover - protocol

    @property
    def written(self) -> int: ...  # pragma: no cover - protocol

    @property
    def refused(self) -> int: ...  # pragma: no cover - protocol

    @property
    def last_refusal(self) -> str | None: ...  # pragma: no cover - protocol

    @property
    def last_refusal_at(self) -> dt.datetime | None: ...  # pragma: no cover - protocol

    @property
    def last_success_at(self) -> dt.datetime | None: ...  # pragma: no cover - protocol


class MappingHealth(str, enum.Enum):
    """A mapping's state as the status view shows it."""

    NOT_SYNCED = "not synced"
    OK = "ok"
    FAILING = "failing"
    """The latest value was refused (the last refusal is not older than the last success)."""


def health_of(status: StatusLike) -> MappingHealth:
    """``failing`` when the newest event is a refusal, ``ok`` after a success."""
    refused, success = status.last_refusal_at, status.last_success_at
    if refused is None and success is None:
        return MappingHealth.NOT_SYNCED
    if refused is not None and (success is None or refused >= success):
        return MappingHealth.FAILING
    return MappingHealth.OK


@attrs.frozen
class FieldStatus:
    """How one mapping has fared: records written and refused, the last refusal's reason.

    The fields are the state store's ``MappingStatus`` fields, less the object pair and version.

    Example:
        >>> import datetime as dt
        >>> t = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        >>> s = FieldStatus("lastname:FamilyName").wrote(t).refused_with("too long", t)
        >>> (s.written, s.refused, s.health.value)
        (1, 1, 'failing')
    """

    mapping: str
    written: int = 0
    refused: int = 0
    last_refusal: str | None = None
    last_refusal_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    last_success_at: dt.datetime | None = attrs.field(default=None, validator=_aware)

    def wrote(self, at: dt.datetime, records: int = 1) -> FieldStatus:
        """``records`` more written at ``at``."""
        return attrs.evolve(self, written=self.written + records, last_success_at=at)

    def refused_with(self, reason: str, at: dt.datetime, records: int = 1) -> FieldStatus:
        """``records`` more refused at ``at`` for ``reason``."""
        return attrs.evolve(
            self, refused=self.refused + records, last_refusal=reason, last_refusal_at=at
        )

    @property
    def health(self) -> MappingHealth:
        """See :func:`health_of`."""
        return health_of(self)

    @classmethod
    def of(cls, status: StatusLike) -> FieldStatus:
        """The pure value of any status row (a state store's, for instance)."""
        return cls(
            status.mapping,
            status.written,
            status.refused,
            status.last_refusal,
            status.last_refusal_at,
            status.last_success_at,
        )


def tally(
    statuses: Mapping[str, StatusLike] | Iterable[StatusLike],
    record: MappedRecord,
    at: dt.datetime,
) -> dict[str, FieldStatus]:
    """The statuses after ``record`` was written at ``at`` (its refused values included).

    Call it once the write of ``record.values`` has landed.

    Example:
        >>> import datetime as dt
        >>> from hubqbo.mapping import Direction, ObjectPair, default_mapping_set, map_record
        >>> t = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        >>> done = map_record(default_mapping_set(ObjectPair.PRODUCT), Direction.QBO_TO_HUBSPOT,
        ...                   {"Name": "Audit"})
        >>> tally({}, done, t)["name:Name"].written
        1
    """
    rows = statuses.values() if isinstance(statuses, Mapping) else statuses
    out = {s.mapping: FieldStatus.of(s) for s in rows}
    for key, (written, refused, reason) in record.counts().items():
        status = out.get(key, FieldStatus(key))
        if written:
            status = status.wrote(at, written)
        if refused:
            status = status.refused_with(reason or "refused", at, refused)
        out[key] = status
    return out
