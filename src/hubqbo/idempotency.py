"""Idempotency keys, as stripe-python users expect them.

Why: a write retried after a lost answer must not be applied twice. Providers dedupe on a key
(QBO ``requestid``, ≤ 50 chars and ≤ 36 on ``/batch``). Three sources, in this order:

* the caller's key (``request_id=``): the caller decides what counts as the same write;
* an operation that is naturally "ensure this exists" (the invoice for a deal, the customer
  made for it) derives its key from *what it is* — the source record and its version or
  attempt — never from the payload's content (``derive_request_id`` with such an identity);
* otherwise every call gets a fresh key (``fresh_request_id``), reused by that call's own
  retries: two separate identical writes (two equal payments on one day) are two writes.

Pure (layer 1): the adapters send these keys, and the services derive them for their own
multi-step operations without depending on an adapter.

Example:
    >>> a = derive_request_id("create:Customer", {"DisplayName": "Acme"}, namespace="9130")
    >>> a == derive_request_id("create:Customer", {"DisplayName": "Acme"}, namespace="9130")
    True
    >>> len(a)
    36
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal
from typing import Any

__all__ = [
    "canonical_json",
    "derive_request_id",
    "fresh_request_id",
    "operation_id",
    "validate_request_id",
]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=_default)
"""Made once: ``json.dumps`` with options builds a new encoder per call (the sync engine
canonicalises several payloads per record)."""


def canonical_json(payload: Any) -> str:
    """JSON with sorted keys and no whitespace (Decimals and dates as strings)."""
    return _CANONICAL.encode(payload)


def derive_request_id(operation: str, payload: Any, *, namespace: str = "") -> str:
    """A UUID-shaped (36-char) key from ``namespace``, ``operation`` and ``payload``.

    Args:
        operation: what the write does, e.g. ``"create:Invoice"`` or ``"void:Invoice:130"``.
        payload: the JSON body (or any JSON-able content identifying the write).
        namespace: the account the key is unique within (QBO realm id, HubSpot portal).
    """
    digest = hashlib.sha256(
        f"{namespace}\x1f{operation}\x1f{canonical_json(payload)}".encode()
    ).digest()
    return str(uuid.UUID(bytes=digest[:16], version=5))


def fresh_request_id() -> str:
    """A new random 36-char key for one call (its retries reuse it; another call does not).

    Example:
        >>> len(fresh_request_id()), fresh_request_id() != fresh_request_id()
        (36, True)
    """
    return str(uuid.uuid4())


def operation_id(tenant: str, kind: str, source_id: str, source_version: str, action: str) -> str:
    """The deterministic id of one intended write: journal key and provider idempotency key.

    Derived from *what the operation is* — tenant, object kind, source record id, the source
    version it acts on (e.g. HubSpot ``updatedAt``, QBO SyncToken) and the action — never from
    the payload, so two legitimate identical writes (another version, another action) stay two,
    and a re-sent write after a crash carries the same key. UUID-shaped, 36 characters: fits
    QBO ``requestid`` on ``/batch`` too.

    Example:
        >>> a = operation_id("acme", "contact", "501", "2026-01-05T10:00:00Z", "create:Customer")
        >>> a == operation_id("acme", "contact", "501", "2026-01-05T10:00:00Z", "create:Customer")
        True
        >>> a == operation_id("acme", "contact", "501", "2026-01-06T09:00:00Z", "create:Customer")
        False
    """
    return derive_request_id(
        "hubqbo:operation",
        [kind, source_id, source_version, action],
        namespace=tenant,
    )


def validate_request_id(request_id: str, *, max_length: int) -> str:
    """``request_id`` unchanged, or ``ValueError`` when it is empty or too long."""
    if not request_id or len(request_id) > max_length:
        raise ValueError(
            f"request id must be 1..{max_length} characters, got {len(request_id)}: {request_id!r}"
        )
    return request_id
