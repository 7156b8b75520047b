"""QBO error answers -> hubqbo's typed errors, in one pure function.

Why: QBO reports errors three ways — a ``Fault`` envelope with an HTTP error status, the
lower-case ``fault.error`` shape on 401, and a ``Fault`` inside an HTTP 200 (batch items, some
throttling) — and the same fault code means different things under different statuses (fault
*code* 500 "Unsupported Operation" arrives with HTTP 400 and is a validation error, not a server
error). Deciding it in one function keeps every path (single calls, batch items) consistent.

Example:
    >>> body = {"Fault": {"Error": [{"Message": "Stale Object Error", "Detail": "...",
    ...                              "code": "5010"}], "type": "ValidationFault"}}
    >>> err = fault_to_error(400, body, request_id="1-abc")
    >>> (type(err).__name__, err.code, err.request_id, err.retryable)
    ('StaleObjectError', '5010', '1-abc', False)
    >>> fault_to_error(200, {"Invoice": {"Id": "1"}}) is None
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from hubqbo.errors import (
    ApiError,
    AuthenticationError,
    DuplicateDocNumberError,
    DuplicateNameError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    StaleObjectError,
    ValidationError,
)

__all__ = ["FaultEntry", "fault_entries", "fault_to_error"]

PROVIDER = "quickbooks"

_BY_CODE: dict[str, type[ApiError]] = {
    "5010": StaleObjectError,
    "6240": DuplicateNameError,
    "6140": DuplicateDocNumberError,
    "610": NotFoundError,
    "6000": ValidationError,
    "2010": ValidationError,
    "2020": ValidationError,
    "2030": ValidationError,
    "2170": ValidationError,
    "2500": ValidationError,
    "4000": ValidationError,
    "4001": ValidationError,
    "500": ValidationError,  # "Unsupported Operation", sent with HTTP 400
    "6190": PermissionDeniedError,  # subscription ended / invalid company status
    "6210": ValidationError,  # account period closed
    "6540": ValidationError,  # deposited transaction cannot be changed
}
_THROTTLE_CODES = frozenset({"3001", "003001"})
_SERVER_STATUSES = frozenset({500, 502, 503, 504})
RECONNECT = (
    "QuickBooks refused the access token and it could not be refreshed: reconnect the app "
    "(authorize again) for this company"
)


@attrs.frozen
class FaultEntry:
    """One ``Fault.Error`` entry (either key case)."""

    code: str | None
    message: str
    detail: str | None = None
    element: str | None = None


def fault_entries(body: Any) -> tuple[list[FaultEntry], str | None]:
    """The error entries and fault type of a QBO body (``Fault`` or lower-case ``fault``)."""
    if not isinstance(body, Mapping):
        return [], None
    fault = body.get("Fault", body.get("fault"))
    if not isinstance(fault, Mapping):
        return [], None
    raw = fault.get("Error", fault.get("error")) or []
    entries = []
    for item in raw if isinstance(raw, list) else [raw]:
        if not isinstance(item, Mapping):
            continue
        code = item.get("code")
        entries.append(
            FaultEntry(
                code=None if code is None else str(code),
                message=str(item.get("Message") or item.get("message") or "QuickBooks error"),
                detail=item.get("Detail") or item.get("detail"),
                element=item.get("element") or None,
            )
        )
    kind = fault.get("type")
    return entries, None if kind is None else str(kind)


def fault_to_error(
    status_code: int,
    body: Any,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> ApiError | None:
    """The typed error for a QBO answer, or ``None`` when it is a success.

    Args:
        status_code: the HTTP status (200 for batch items and faults inside 200).
        body: the parsed JSON body (``None`` when it was not JSON).
        request_id: the ``intuit_tid`` response header.
        retry_after: seconds from ``Retry-After``, if sent.
    """
    entries, _kind = fault_entries(body)
    if status_code < 400 and not entries:
        return None
    first = entries[0] if entries else None
    code = first.code if first else None
    message = _message(first, status_code)
    details = tuple(_message(e, status_code) for e in entries[1:])
    common: dict[str, Any] = {
        "provider": PROVIDER,
        "status_code": status_code,
        "code": code,
        "request_id": request_id,
        "details": details,
    }
    if status_code == 429 or code in _THROTTLE_CODES:
        return RateLimitedError(
            **{**common, "code": code or "429"},
            message=message if first else "QuickBooks throttled the request (HTTP 429)",
            retry_after=retry_after,
        )
    if status_code == 401:
        # The 401 detail can echo part of the token: never put it in the message.
        return AuthenticationError(**common, message=RECONNECT)
    if status_code == 403:
        return PermissionDeniedError(**common, message=message)
    if status_code in _SERVER_STATUSES or (status_code >= 500 and not entries):
        return ServerError(**common, message=message)
    cls = _BY_CODE.get(code or "")
    if cls is not None:
        return cls(**common, message=message)
    if status_code == 404:
        return NotFoundError(**common, message=message)
    if 400 <= status_code < 500:
        return ValidationError(**common, message=message)
    if code == "10000":  # SystemFault inside a 200
        return ServerError(**common, message=message)
    return ApiError(**common, message=message)


def _message(entry: FaultEntry | None, status_code: int) -> str:
    if entry is None:
        return f"QuickBooks answered HTTP {status_code}"
    if status_code == 401:
        return RECONNECT
    text = entry.message
    if entry.detail and entry.detail not in text:
        text = f"{text}: {entry.detail}"
    if entry.element:
        text = f"{text} (element {entry.element})"
    return text
