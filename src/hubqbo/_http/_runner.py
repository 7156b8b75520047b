"""Sending one logical request: pacing, retries, transport-error mapping, debug logging.

Why: both adapters need the same loop — wait for a pacing slot, send, turn httpx transport
exceptions into hubqbo's ``TransportError``/``RequestTimeout``, let the provider turn an error
response into a typed ``ApiError``, retry what the ``RetryPolicy`` allows — and the same debug
log line (method, redacted URL, status, provider request id, never a token). The provider plugs
in only what differs: ``raise_for_response`` and the name of its request-id header.
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Callable, Mapping, Sequence

import httpx

from hubqbo._http._pacing import Pacer
from hubqbo._http._redact import redact_url
from hubqbo._http._retry import RetryPolicy
from hubqbo._http._timeouts import call_timeout
from hubqbo._version import __version__
from hubqbo.clock import Sleep, real_sleep
from hubqbo.errors import ConfigurationError, RequestTimeout, TransportError

__all__ = ["HttpRunner", "build_http_client", "user_agent"]

_log = logging.getLogger("hubqbo.http")


def user_agent() -> str:
    """``hubqbo/<version>`` plus the Python and httpx versions.

    Example:
        >>> user_agent().startswith("hubqbo/")
        True
    """
    return f"hubqbo/{__version__} (python {platform.python_version()}; httpx {httpx.__version__})"


def build_http_client(
    *,
    base_url: str,
    transport: httpx.BaseTransport | None = None,
    http_client: httpx.Client | None = None,
    auth: httpx.Auth | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> tuple[httpx.Client, bool]:
    """The ``httpx.Client`` an adapter uses, and whether the adapter owns (must close) it.

    A caller's ``http_client`` is used as is (its base URL is ignored: adapters send absolute
    URLs) with ``auth`` applied per request by the adapter; otherwise a new client is built on
    ``transport`` (the network seam: a sandbox or an ``httpx.MockTransport``).
    """
    if http_client is not None and transport is not None:
        raise ConfigurationError("pass either transport= or http_client=, not both")
    if http_client is not None:
        return http_client, False
    client = httpx.Client(
        base_url=base_url,
        transport=transport,
        auth=auth,
        headers={"User-Agent": user_agent(), **(headers or {})},
        timeout=timeout,
    )
    return client, True


class HttpRunner:
    """Sends requests for one provider with pacing, retries and typed errors.

    Args:
        client: the httpx client (carries auth, base URL, headers).
        provider: ``"quickbooks"`` or ``"hubspot"`` (used in log lines).
        raise_for_response: raises the provider's typed ``ApiError`` for an error answer
            (including errors hidden in a 2xx body) and returns ``None`` otherwise.
        request_id_header: the response header naming the provider's transaction id (or
            several spellings, the first present is logged).
        retry: the retry policy.
        pacer: client-side pacing, or ``None``.
        sleep: how to wait between retries.
        auth: per-request auth, used when the client was supplied by the caller.

    Example:
        >>> client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
        >>> runner = HttpRunner(client=client, provider="demo", raise_for_response=lambda r: None,
        ...                     request_id_header="x-request-id")
        >>> runner.send(httpx.Request("GET", "https://api.test/ping"), idempotent=True).status_code
        200
    """

    def __init__(
        self,
        *,
        client: httpx.Client,
        provider: str,
        raise_for_response: Callable[[httpx.Response], None],
        request_id_header: str | Sequence[str],
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        sleep: Sleep | None = None,
        auth: httpx.Auth | None = None,
    ) -> None:
        self.client = client
        self.provider = provider
        self.raise_for_response = raise_for_response
        self.request_id_headers = (
            (request_id_header,) if isinstance(request_id_header, str) else tuple(request_id_header)
        )
        self.retry = retry or RetryPolicy()
        self.pacer = pacer
        self.sleep = sleep or real_sleep
        self.auth = auth
        self.requests_sent = 0
        """Number of HTTP requests sent (attempts, including retries), for measurements."""

    def request_id(self, response: httpx.Response) -> str | None:
        """The provider's transaction id from ``response``'s headers, if any."""
        for name in self.request_id_headers:
            value: str | None = response.headers.get(name)
            if value:
                return value
        return None

    def send(
        self,
        request: httpx.Request,
        *,
        idempotent: bool,
        pace_key: str | None = None,
        budgets: Sequence[str] = ("requests",),
    ) -> httpx.Response:
        """Send ``request`` (again on retryable failures) and return the successful response.

        Raises:
            ApiError: the provider's typed error (after retries, when retryable).
            TransportError: no usable response (``RequestTimeout`` for timeouts).
        """
        describe = f"{request.method} {request.url.path}"
        return self.retry.call(
            lambda: self._attempt(
                request, pace_key=pace_key, budgets=budgets, idempotent=idempotent
            ),
            idempotent=idempotent,
            sleep=self.sleep,
            describe=describe,
        )

    def _attempt(
        self,
        request: httpx.Request,
        *,
        pace_key: str | None,
        budgets: Sequence[str],
        idempotent: bool = False,
    ) -> httpx.Response:
        if self.pacer is not None and pace_key is not None:
            with self.pacer.slot(pace_key, budgets):
                return self._send_once(request, idempotent=idempotent)
        return self._send_once(request, idempotent=idempotent)

    def _send_once(self, request: httpx.Request, *, idempotent: bool = False) -> httpx.Response:
        url = redact_url(str(request.url))
        started = time.perf_counter()
        self.requests_sent += 1
        timeout = call_timeout()
        if timeout is not None:  # the public call's timeout= (see _timeouts)
            request.extensions["timeout"] = timeout.as_dict()
        try:
            if self.auth is not None:
                response = self.client.send(request, auth=self.auth)
            else:
                response = self.client.send(request)
            response.read()
        except httpx.TimeoutException as exc:
            _log.debug("%s %s %s timed out", self.provider, request.method, url)
            sent = not isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout))
            outcome = "whether it was applied is unknown" if sent else "nothing was sent"
            raise RequestTimeout(
                f"{self.provider}: {request.method} {url} timed out; {outcome}",
                sent=sent,
                retryable=idempotent or not sent,
            ) from exc
        except httpx.TransportError as exc:
            _log.debug(
                "%s %s %s failed: %s", self.provider, request.method, url, type(exc).__name__
            )
            sent = not isinstance(exc, httpx.ConnectError)
            outcome = "whether it was applied is unknown" if sent else "nothing was sent"
            raise TransportError(
                f"{self.provider}: {request.method} {url} failed without a response "
                f"({type(exc).__name__}); {outcome}",
                sent=sent,
                retryable=idempotent or not sent,
            ) from exc
        _log.debug(
            "%s %s %s -> %d (%s=%s, %.0f ms)",
            self.provider,
            request.method,
            url,
            response.status_code,
            self.request_id_headers[0],
            self.request_id(response) or "-",
            (time.perf_counter() - started) * 1000,
        )
        self.raise_for_response(response)
        return response
