"""HubSpot's error answers mapped to hubqbo's exception classes, by one pure function.

Why: every HubSpot error body (``{status, message, correlationId, category, subCategory,
errors[], context, links}``; the 429 body adds ``policyName`` and ``errorType``) may lack any of
its fields, and the status code alone decides most of the class. Keeping the mapping pure makes
it testable without HTTP and shared by the client, batch 207 parsing and the OAuth exchange.

Status → class:

* 400 → ``ValidationError`` (``VALIDATION_ERROR``), 401 → ``AuthenticationError``,
  403 → ``PermissionDeniedError``, 404 → ``NotFoundError``;
* 409 → ``DuplicateNameError`` for "already exists"/unique-value conflicts, else
  ``ConflictError``; a 400 ``VALIDATION_ERROR`` whose only problems are unique-value conflicts
  (an ``errors[]`` code ``CONFLICTING_UNIQUE_VALUE``, or "already has that value") →
  ``DuplicateNameError`` too; 423 → ``LockedError`` (retry after >= 2 s);
* 429 → ``RateLimitedError``: ``TEN_SECONDLY_ROLLING`` waits out the window (``Retry-After`` or
  ``X-HubSpot-RateLimit-Interval-Milliseconds``, else 10 s), the search secondly limit 1 s,
  ``DAILY`` is not retryable (the budget resets at midnight in the portal's time zone);
* 477 Migration in Progress → ``MigrationInProgressError`` (a ``ServerError``) carrying
  ``Retry-After`` (seconds, up to 24 h) as ``retry_after``; nothing was applied;
* 5xx (502/503/504/521/523/524 ...) → ``ServerError`` (retryable when idempotent).

Example:
    >>> err = error_from_response(429, b'{"status":"error","message":"You have reached your '
    ...     b'daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}', {})
    >>> type(err).__name__, err.policy, err.retryable
    ('RateLimitedError', 'DAILY', False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hubqbo._http import parse_retry_after
from hubqbo._http._replies import excerpt, lenient_json
from hubqbo.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    DuplicateNameError,
    LockedError,
    MigrationInProgressError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    ValidationError,
)

__all__ = [
    "LOCKED_MIN_WAIT",
    "MIGRATION_IN_PROGRESS",
    "PROVIDER",
    "TEN_SECONDLY_WAIT",
    "error_from_body",
    "error_from_response",
    "header_value",
    "parse_error_body",
]

PROVIDER = "hubspot"
LOCKED_MIN_WAIT = 2.0
"""HubSpot: after 423 Locked wait at least two seconds."""
TEN_SECONDLY_WAIT = 10.0
"""HubSpot's rolling window length, the wait after a ten-secondly 429 without headers."""
SECONDLY_WAIT = 1.0
"""Search's per-second limit: wait one second."""
MIGRATION_IN_PROGRESS = 477
"""HubSpot's "Migration in Progress" status (answered with ``Retry-After`` in seconds)."""

_BY_STATUS: dict[int, type[ApiError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    423: LockedError,
}
_BY_CATEGORY: dict[str, int] = {
    "VALIDATION_ERROR": 400,
    "INVALID_AUTHENTICATION": 401,
    "EXPIRED_AUTHENTICATION": 401,
    "MISSING_SCOPES": 403,
    "OBJECT_NOT_FOUND": 404,
    "CONFLICT": 409,
    "OBJECT_ALREADY_EXISTS": 409,
    "RATE_LIMIT": 429,
    "RATE_LIMITS": 429,
}
"""Batch ``errors[]`` entries carry ``status: "error"``, not a number: the category decides."""
_DUPLICATE_HINTS = ("already exist", "unique", "duplicate")
_UNIQUE_CONFLICT_CODE = "CONFLICTING_UNIQUE_VALUE"
_UNIQUE_CONFLICT_HINT = "already has that value"


def _only_unique_conflicts(data: Mapping[str, Any]) -> bool:
    """True when every ``errors[]`` entry of a 400 is a unique-value conflict (and there is
    one): the value belongs to another record, the write itself was valid."""
    entries = [e for e in data.get("errors") or () if isinstance(e, Mapping)]
    return bool(entries) and all(
        str(e.get("code") or "").upper() == _UNIQUE_CONFLICT_CODE
        or _UNIQUE_CONFLICT_HINT in str(e.get("message") or "").lower()
        for e in entries
    )


def parse_error_body(body: bytes | str | Mapping[str, Any] | None) -> dict[str, Any]:
    """The error JSON as a dict (``{}`` when absent or not a JSON object)."""
    if body is None:
        return {}
    if isinstance(body, Mapping):
        return dict(body)
    raw = body.encode() if isinstance(body, str) else body
    data = lenient_json(raw)
    if data is None:
        text = excerpt(raw, 500)
        return {"message": text} if text else {}
    return dict(data) if isinstance(data, dict) else {}


def _details(data: Mapping[str, Any]) -> list[str]:
    details: list[str] = []
    for entry in data.get("errors") or ():
        if not isinstance(entry, Mapping):
            continue
        message = str(entry.get("message") or "")
        where = entry.get("in")
        code = entry.get("code")
        prefix = ", ".join(str(p) for p in (where, code) if p)
        details.append(f"{prefix}: {message}" if prefix else message)
    context = data.get("context")
    if isinstance(context, Mapping):
        for key, values in context.items():
            if key == "objectWriteTraceId":
                continue
            if isinstance(values, list):
                details.append(f"{key}: {', '.join(str(v) for v in values)}")
    return details


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A header from any mapping (a plain dict included), case-insensitively."""
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def _throttle_wait(
    data: Mapping[str, Any], headers: Mapping[str, str], now: dt.datetime
) -> float | None:
    retry_after = parse_retry_after(header_value(headers, "Retry-After"), now=now)
    if retry_after is not None:
        return retry_after
    message = str(data.get("message") or "").lower()
    if "secondly" in message and "ten" not in message:
        return SECONDLY_WAIT
    interval = header_value(headers, "X-HubSpot-RateLimit-Interval-Milliseconds")
    if interval and interval.strip().isascii() and interval.strip().isdigit():
        return int(interval) / 1000
    return TEN_SECONDLY_WAIT


def error_from_body(
    status: int | None,
    body: bytes | str | Mapping[str, Any] | None,
    headers: Mapping[str, str] | None = None,
    *,
    now: dt.datetime | None = None,
) -> ApiError:
    """The typed error for a HubSpot error JSON (one batch ``errors[]`` entry or a response).

    ``status`` may be ``None`` (batch entries carry it as a string in the body).
    """
    data = parse_error_body(body)
    headers = headers or {}
    category = data.get("category") or data.get("errorType")
    category = str(category) if category else None
    if status is None:
        raw_status = str(data.get("status") or "")
        status = int(raw_status) if raw_status.isascii() and raw_status.isdigit() else None
    kind = status if status is not None else _BY_CATEGORY.get(category or "")
    request_id = data.get("correlationId") or header_value(headers, "X-HubSpot-Correlation-Id")
    message = str(data.get("message") or data.get("error_description") or "").strip()
    if not message:
        message = f"HTTP {status}" if status else "error"
    common: dict[str, Any] = {
        "provider": PROVIDER,
        "status_code": status,
        "code": category,
        "message": message,
        "request_id": str(request_id) if request_id else None,
        "details": _details(data),
    }
    if kind == 429:
        policy = data.get("policyName")
        policy = str(policy) if policy else None
        wait = _throttle_wait(data, headers, now or dt.datetime.now(dt.timezone.utc))
        return RateLimitedError(
            **common, retry_after=wait, policy=policy, retryable=policy != "DAILY"
        )
    if kind == MIGRATION_IN_PROGRESS:
        wait = parse_retry_after(
            header_value(headers, "Retry-After"), now=now or dt.datetime.now(dt.timezone.utc)
        )
        return MigrationInProgressError(**common, retry_after=wait)
    if kind is not None and kind >= 500:
        return ServerError(**common)
    if kind == 409 and any(h in message.lower() for h in _DUPLICATE_HINTS):
        return DuplicateNameError(**common)
    if kind == 400 and _only_unique_conflicts(data):
        return DuplicateNameError(**common)
    if kind == 400 and data.get("error") == "invalid_grant":
        return AuthenticationError(**common)
    cls = _BY_STATUS.get(kind or 0)
    if cls is None:
        cls = ValidationError if kind is not None and 400 <= kind < 500 else ApiError
    return cls(**common)


def error_from_response(
    status: int,
    body: bytes | str | Mapping[str, Any] | None,
    headers: Mapping[str, str] | None = None,
    *,
    now: dt.datetime | None = None,
) -> ApiError:
    """The typed error for an HTTP error answer (``status`` >= 400)."""
    return error_from_body(status, body, headers, now=now)
