"""What a sync run did: counts per object and action, quarantined records, errors, cursors.

Example:
    >>> r = SyncResult(tenant="acme", counts={"contacts": {"create": 2}}, applied=2)
    >>> print(r)
    Sync run for tenant 'acme': 2 applied, 0 failed, 0 quarantined
      contacts: 2 create
      cursors unmoved
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from hubqbo.sync._config import ObjectKind

__all__ = ["Quarantined", "SyncResult"]


@attrs.frozen
class Quarantined:
    """A record whose write kept failing: left out of runs until released, with its error."""

    kind: ObjectKind
    qbo_id: str
    error: str
    attempts: int = 0


def _counts(value: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    return {k: dict(v) for k, v in value.items()}


@attrs.frozen
class SyncResult:
    """The outcome of ``engine.apply(plan)`` / ``engine.run()``.

    Attributes:
        tenant: the tenant.
        counts: per object, per action, the operations applied.
        applied, failed: operation totals.
        quarantined: records left out after repeated failures (they never block others).
        errors: run-level errors in words (a failed batch, a held-back deletion).
        cursors_moved: whether the feed cursors advanced (only when every write landed).
        parked_until: HubSpot's daily limit was reached: the tenant waits until then.
        events: status events written to the outbox (invoices, C4).
        run_id: the store's run id.
        mapping_version: the mapping sets the run used (``SyncEngine.mapping_version``), as
            recorded on its run row.
    """

    tenant: str
    counts: Mapping[str, Mapping[str, int]] = attrs.field(
        factory=dict, converter=_counts, hash=False
    )
    applied: int = 0
    failed: int = 0
    quarantined: tuple[Quarantined, ...] = ()
    errors: tuple[str, ...] = ()
    cursors_moved: bool = False
    parked_until: dt.datetime | None = None
    events: int = 0
    run_id: str | None = None
    mapping_version: str | None = None

    @property
    def ok(self) -> bool:
        """True when every planned write landed."""
        return self.failed == 0 and not self.errors and self.parked_until is None

    def __str__(self) -> str:
        from hubqbo.sync._render import result_text

        return result_text(self)

    def _repr_html_(self) -> str:
        from hubqbo.sync._render import result_html

        return result_html(self)
