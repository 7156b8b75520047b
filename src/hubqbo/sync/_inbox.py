"""Webhook events as dirty-inbox marks: the one translation ``SyncEngine.notify`` and the
webhook receiver (``hubqbo.server``) share.

Why here: a receiver must mark records dirty without building a ``SyncEngine`` (no provider
client, no call on the request path), and it must mark them exactly as ``notify`` does, or the
next run would read them differently.

Example:
    >>> import datetime as dt
    >>> from hubqbo.quickbooks import WebhookEvent
    >>> at = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    >>> e = WebhookEvent(realm_id="9130", entity="Customer", entity_id="58", operation="Update")
    >>> [(m.side, m.kind, m.record_id) for m in webhook_marks([e, e], at=at)]
    [('qbo', 'Customer', '58')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hubqbo.protocols import DirtyMark
from hubqbo.sync._feeds import dirty_from_events

__all__ = ["webhook_marks"]


def webhook_marks(events: Iterable[object], *, at: dt.datetime) -> list[DirtyMark]:
    """One dirty mark per record the parsed webhook events name (QBO's or HubSpot's
    ``WebhookEvent``; duplicates coalesce, the last event of a record wins). HubSpot merges,
    deletions and privacy deletions keep their operation (``merge:12>34``) so the next run can
    update its links."""
    marks = []
    for dirty in dirty_from_events(events):
        if dirty.source == "qbo":
            marks.append(DirtyMark("qbo", dirty.entity, dirty.id, at))
        else:
            op = dirty.operation or "change"
            record = f"{op}:{dirty.id}" + (f">{dirty.merged_into}" if dirty.merged_into else "")
            marks.append(DirtyMark("hubspot", dirty.entity, record, at))
    return marks
