"""The sync status of each mapped property: the "status of the properties being synced" view.

Why a pure value: the store (``StateStore``) keeps one ``MappingStatus`` per mapping key and
tenant; the sync engine folds each :class:`MappedRecord` into them with :func:`tally` and saves
the result. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from hubqbo.mapping._record import MappedRecord

__all__ = ["MappingHealth", "MappingStatus", "tally"]


def _aware(_inst: object, attribute: attrs.Attribute[Any], value: dt.datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{attribute.name} must be timezone-aware, got naive {value!r}")


class MappingHealth(str, enum.Enum):
    """A mapping's state as the status view shows it."""

    NOT_SYNCED = "not synced"
    OK = "ok"
    FAILING = "failing"
    """The latest value was refused (the last refusal is newer than the last success)."""


@attrs.frozen
class MappingStatus:
    """How one mapping has fared: records written and refused, the last refusal's reason.

    Example:
        >>> import datetime as dt
        >>> t = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        >>> s = MappingStatus("lastname:FamilyName").wrote(t).refused_with("too long", t)
        >>> (s.records_written, s.records_refused, s.health.value)
        (1, 1, 'failing')
    """

    mapping: str
    records_written: int = 0
    records_refused: int = 0
    last_refusal: str | None = None
    last_refused_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    last_success_at: dt.datetime | None = attrs.field(default=None, validator=_aware)

    def wrote(self, at: dt.datetime) -> MappingStatus:
        """One more record written at ``at``."""
        return attrs.evolve(self, records_written=self.records_written + 1, last_success_at=at)

    def refused_with(self, reason: str, at: dt.datetime) -> MappingStatus:
        """One more record refused at ``at`` for ``reason``."""
        return attrs.evolve(
            self,
            records_refused=self.records_refused + 1,
            last_refusal=reason,
            last_refused_at=at,
        )

    @property
    def health(self) -> MappingHealth:
        """``failing`` when the newest event is a refusal, ``ok`` after a success."""
        if self.last_refused_at is None and self.last_success_at is None:
            return MappingHealth.NOT_SYNCED
        if self.last_refused_at is not None and (
            self.last_success_at is None or self.last_refused_at >= self.last_success_at
        ):
            return MappingHealth.FAILING
        return MappingHealth.OK

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (instants as ISO 8601)."""
        return {
            "mapping": self.mapping,
            "records_written": self.records_written,
            "records_refused": self.records_refused,
            "last_refusal": self.last_refusal,
            "last_refused_at": _iso(self.last_refused_at),
            "last_success_at": _iso(self.last_success_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MappingStatus:
        """The status :meth:`to_dict` wrote."""
        return cls(
            mapping=str(data["mapping"]),
            records_written=int(data.get("records_written") or 0),
            records_refused=int(data.get("records_refused") or 0),
            last_refusal=data.get("last_refusal"),
            last_refused_at=_when(data.get("last_refused_at")),
            last_success_at=_when(data.get("last_success_at")),
        )


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(value: Any) -> dt.datetime | None:
    return None if not value else dt.datetime.fromisoformat(str(value))


def tally(
    statuses: Mapping[str, MappingStatus] | Iterable[MappingStatus],
    record: MappedRecord,
    at: dt.datetime,
) -> dict[str, MappingStatus]:
    """The statuses after ``record`` was written at ``at`` (its refused values included).

    Call it once the write of ``record.values`` has landed; a mapping whose value was refused
    counts a refusal with the problem's message.

    Example:
        >>> import datetime as dt
        >>> from hubqbo.mapping import Direction, ObjectPair, default_mapping_set, map_record
        >>> t = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        >>> done = map_record(default_mapping_set(ObjectPair.PRODUCT), Direction.QBO_TO_HUBSPOT,
        ...                   {"Name": "Audit"})
        >>> tally({}, done, t)["name:Name"].records_written
        1
    """
    current = dict(statuses) if isinstance(statuses, Mapping) else {s.mapping: s for s in statuses}
    out = dict(current)
    for key in record.written:
        out[key] = out.get(key, MappingStatus(key)).wrote(at)
    for problem in record.problems:
        if problem.mapping is None:
            continue
        key = problem.mapping
        out[key] = out.get(key, MappingStatus(key)).refused_with(problem.message, at)
    return out
