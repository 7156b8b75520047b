"""Per-call timeouts for the clients' public calls (``timeout=``, as httpx and stripe take it).

Why: one slow report read may deserve two minutes while a webhook-driven lookup must give up
after five seconds, on the same client. A public method decorated with :func:`takes_timeout`
accepts ``timeout=`` (seconds, or an ``httpx.Timeout``); every request it sends — its pages
too, for the methods that return an iterator — carries that timeout instead of the client's.

Example:
    >>> import httpx
    >>> from hubqbo._http import HttpRunner
    >>> seen = []
    >>> class Client:
    ...     def __init__(self):
    ...         self.runner = HttpRunner(
    ...             client=httpx.Client(transport=httpx.MockTransport(
    ...                 lambda r: seen.append(r.extensions["timeout"]) or httpx.Response(200))),
    ...             provider="demo", raise_for_response=lambda r: None, request_id_header="x")
    ...     @takes_timeout
    ...     def ping(self, *, timeout: TimeoutArg = None) -> int:
    ...         request = httpx.Request("GET", "https://api.test/ping")
    ...         return self.runner.send(request, idempotent=True).status_code
    >>> Client().ping(timeout=2.5), seen[-1]["read"]
    (200, 2.5)
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx

__all__ = ["TimeoutArg", "call_timeout", "takes_timeout"]

TimeoutArg = float | httpx.Timeout | None
"""What ``timeout=`` takes: seconds for every phase, an ``httpx.Timeout``, or ``None`` (the
client's own timeout)."""

F = TypeVar("F", bound=Callable[..., Any])
_CURRENT: contextvars.ContextVar[httpx.Timeout | None] = contextvars.ContextVar(
    "hubqbo_call_timeout", default=None
)


def call_timeout() -> httpx.Timeout | None:
    """The timeout of the public call in progress (``None``: the client's own)."""
    return _CURRENT.get()


def _as_timeout(value: object) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise TypeError(f"timeout= takes seconds (> 0) or an httpx.Timeout, got {value!r}")
    return httpx.Timeout(float(value))


@contextlib.contextmanager
def _using(timeout: httpx.Timeout | None) -> Iterator[None]:
    if timeout is None:
        yield
        return
    token = _CURRENT.set(timeout)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def _lazily(items: Iterator[Any], timeout: httpx.Timeout) -> Iterator[Any]:
    while True:
        with _using(timeout):
            try:
                item = next(items)
            except StopIteration:
                return
        yield item


def takes_timeout(method: F) -> F:
    """Let ``method`` take ``timeout=`` (declared in its signature, read here)."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        raw = kwargs.pop("timeout", None)
        timeout = None if raw is None else _as_timeout(raw)
        with _using(timeout):
            result = method(*args, **kwargs)
        if timeout is not None and isinstance(result, Iterator):
            return _lazily(result, timeout)
        return result

    return wrapper  # type: ignore[return-value]
