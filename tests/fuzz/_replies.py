"""Bad replies, and a transport that puts one in place of the Nth real answer.

The sandboxes answer every request as the real services do; ``CorruptingTransport`` passes
each request on to them (so a write is applied, as when only the answer is lost on its way
back) and replaces the answer at one position with a reply of one bad class. Nothing is
patched: the clients see only what arrives at their transport.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import httpx

from hubqbo._http._replies import MAX_REPLY_BYTES

__all__ = [
    "ALWAYS_BAD",
    "Bad",
    "CorruptingTransport",
    "Log",
    "bad_reply",
    "is_write",
    "mutate",
]


class Bad(str, enum.Enum):
    """The classes of bad reply the issue lists."""

    NOT_JSON = "not_json"
    HTML = "html"
    XML_FAULT = "xml_fault"
    EMPTY = "empty"
    TRUNCATED = "truncated"
    WRONG_TOP_LEVEL = "wrong_top_level"
    MISSING_REQUIRED = "missing_required"
    MISTYPED = "mistyped"
    DEEPLY_NESTED = "deeply_nested"
    VERY_LARGE = "very_large"
    NON_FINITE = "non_finite"


ALWAYS_BAD = frozenset(
    {
        Bad.NOT_JSON,
        Bad.HTML,
        Bad.XML_FAULT,
        Bad.EMPTY,
        Bad.TRUNCATED,
        Bad.WRONG_TOP_LEVEL,
        Bad.DEEPLY_NESTED,
        Bad.VERY_LARGE,
    }
)
"""Classes no reading of the body can accept (for a reply whose body the call reads)."""

HTML_PAGE = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>" + (
    b"<h1>502 Bad Gateway</h1><p>The upstream answered badly.</p></body></html>"
)
XML_FAULT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse '
    b'xmlns="http://schema.intuit.com/finance/v3" time="2026-11-25T01:00:00.000-08:00">'
    b'<Fault type="SystemFault"><Error code="10000"><Message>An application error has '
    b"occurred while processing your request</Message><Detail>System Failure Error"
    b"</Detail></Error></Fault></IntuitResponse>"
)
ID_KEYS = frozenset({"Id", "id", "results"})
"""Keys a reply is not one without (QBO and HubSpot record ids, HubSpot's results lists)."""


def _json(value: Any) -> bytes:
    return json.dumps(value, default=str).encode()


def _body(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        return None


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ID_KEYS}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _ids_mistyped(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ({"unexpected": ["object"]} if k in ID_KEYS else _ids_mistyped(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_ids_mistyped(v) for v in value]
    return value


def _non_finite(value: Any) -> Any:
    """Every number (and numeric-looking HubSpot string) as NaN."""
    if isinstance(value, dict):
        return {k: _non_finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_non_finite(v) for v in value]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal("NaN")
    return value


def _dumps_nan(value: Any) -> bytes:
    def default(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            return float(obj)
        return str(obj)

    return json.dumps(value, default=default).encode()


def bad_reply(kind: Bad, real: httpx.Response) -> httpx.Response:
    """The reply of class ``kind`` replacing ``real`` (same status when 2xx, else 200)."""
    status = real.status_code if real.status_code < 300 and real.status_code != 204 else 200
    json_type = {"content-type": "application/json;charset=UTF-8"}
    body = _body(real)
    if kind is Bad.NOT_JSON:
        return httpx.Response(status, content=b"Service temporarily unavailable", headers=json_type)
    if kind is Bad.HTML:
        return httpx.Response(status, content=HTML_PAGE, headers={"content-type": "text/html"})
    if kind is Bad.XML_FAULT:
        return httpx.Response(
            status, content=XML_FAULT, headers={"content-type": "application/xml"}
        )
    if kind is Bad.EMPTY:
        return httpx.Response(200, content=b"", headers=json_type)
    if kind is Bad.TRUNCATED:
        content = real.content or b'{"results": [{"id": "1"}]}'
        return httpx.Response(
            status, content=content[: max(1, len(content) // 2)], headers=json_type
        )
    derived = (Bad.WRONG_TOP_LEVEL, Bad.MISSING_REQUIRED, Bad.MISTYPED, Bad.NON_FINITE)
    if kind in derived and body is None:
        return real  # nothing to corrupt in these classes (a PDF, a 204)
    if kind is Bad.WRONG_TOP_LEVEL:
        return httpx.Response(status, content=_json([body, body]), headers=json_type)
    if kind is Bad.MISSING_REQUIRED:
        return httpx.Response(status, content=_json(_without_ids(body)), headers=json_type)
    if kind is Bad.MISTYPED:
        return httpx.Response(status, content=_json(_ids_mistyped(body)), headers=json_type)
    if kind is Bad.NON_FINITE:
        return httpx.Response(status, content=_dumps_nan(_non_finite(body)), headers=json_type)
    if kind is Bad.DEEPLY_NESTED:
        depth = 100_000
        return httpx.Response(
            status, content=b'{"a":' * depth + b"1" + b"}" * depth, headers=json_type
        )
    if kind is Bad.VERY_LARGE:
        pad = b"x" * (MAX_REPLY_BYTES + 1)
        return httpx.Response(status, content=b'{"pad":"' + pad + b'"}', headers=json_type)
    raise AssertionError(kind)  # pragma: no cover


_OTHER_TYPES: tuple[Any, ...] = ({"unexpected": 1}, [1, {"x": None}], True, "NaN")


def mutate(value: Any, path: tuple[int, ...], pick: int) -> tuple[Any, bool]:
    """``value`` with the JSON node chosen by ``path`` replaced by a value of another JSON
    type (chosen by ``pick``), and whether anything was replaced."""
    nodes: list[tuple[Any, Any]] = []  # (container, key) of every scalar or container

    def walk(node: Any) -> None:
        items: Any = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in list(items):
            nodes.append((node, key))
            if isinstance(child, (dict, list)):
                walk(child)

    copy = json.loads(json.dumps(value, default=str), parse_float=Decimal)
    if not isinstance(copy, (dict, list)):
        return copy, False
    walk(copy)
    if not nodes:
        return copy, False
    container, key = nodes[path[0] % len(nodes)] if path else nodes[0]
    old = container[key]
    choices = [v for v in _OTHER_TYPES if type(v) is not type(old) and v != old]
    if isinstance(old, str):
        choices = [v for v in choices if not isinstance(v, str)]
    if old is None:  # null: optional, so any string is as good a value as null
        choices = [v for v in choices if not isinstance(v, str)]
    container[key] = choices[pick % len(choices)]
    return copy, True


def is_write(request: httpx.Request) -> bool:
    """Whether a request changes something at the provider (reads sent as POST excluded)."""
    if request.method in ("GET", "HEAD"):
        return False
    path = request.url.path
    reads = ("/search", "/batch/read", "/query")
    return not (request.method == "POST" and path.endswith(reads))


@attrs.define
class Log:
    """Every request the transports saw, in order, and which one was corrupted."""

    requests: list[httpx.Request] = attrs.Factory(list)
    corrupted_at: int | None = None
    corrupted_body_read: bool = False

    def writes_after_corruption(self) -> list[str]:
        if self.corrupted_at is None:
            return []
        later = self.requests[self.corrupted_at + 1 :]
        return [f"{r.method} {r.url.path}" for r in later if is_write(r)]


class CorruptingTransport(httpx.BaseTransport):
    """Passes requests to ``inner``; the answer to request number ``position`` (counted
    across every transport sharing ``log``) is replaced by ``corrupt(real answer)``."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        log: Log,
        *,
        position: int | None,
        corrupt: Callable[[httpx.Response], httpx.Response],
    ) -> None:
        self.inner = inner
        self.log = log
        self.position = position
        self.corrupt = corrupt
        self.enabled = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        number = len(self.log.requests)
        self.log.requests.append(request)
        response = self.inner.handle_request(request)
        response.read()
        if self.enabled and number == self.position:
            self.log.corrupted_at = number
            return self.corrupt(response)
        return response
