"""Both sandboxes served over loopback HTTP, so any process or language shares one world.

Why: crash tests kill a worker with SIGKILL while the providers' state must survive it; a Node
service, a curl or a second Python process must see the records the first one wrote. The
sandboxes stay ``httpx`` transports: each server here turns a socket request into an
``httpx.Request`` on the provider's real host and path (QuickBooks ``/v3/company/{realmId}/...``
and its OAuth token and revoke paths; HubSpot ``/crm/...``, ``/oauth/v1/token``...), hands it to
the sandbox and writes its answer back. Standard library only (``ThreadingHTTPServer``).

A fault that makes the in-process sandbox raise (an injected timeout, a connection reset after
the write was applied) closes the socket without an answer, which is what the client of a real
service sees.

Example:
    >>> import httpx
    >>> from hubqbo.sandbox import HubSpotSandbox, ManualClock
    >>> hubspot = HubSpotSandbox(clock=ManualClock())
    >>> deal = hubspot.create("deals", {"dealname": "Boat"})
    >>> with serve_sandboxes(hubspot=hubspot) as served:
    ...     answer = httpx.get(f"{served.hubspot_url}/crm/v3/objects/deals/{deal}",
    ...                        headers={"Authorization": "Bearer t"})
    >>> answer.json()["properties"]["dealname"]
    'Boat'
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

from hubqbo.sandbox.hubspot import HubSpotSandbox
from hubqbo.sandbox.quickbooks import QuickBooksSandbox

__all__ = ["ServedSandboxes", "serve_sandboxes"]

logger = logging.getLogger(__name__)

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
)
QBO_API = "https://quickbooks.api.intuit.com"
QBO_OAUTH = "https://oauth.platform.intuit.com"
QBO_REVOKE = "https://developer.api.intuit.com"


def quickbooks_origin(path: str) -> str:
    """The real QuickBooks host a served path belongs to (token and revoke endpoints live on
    their own hosts at Intuit; the served sandbox answers all three on one port).

    Example:
        >>> quickbooks_origin("/oauth2/v1/tokens/bearer"), quickbooks_origin("/v3/company/1/x")
        ('https://oauth.platform.intuit.com', 'https://quickbooks.api.intuit.com')
    """
    if path.startswith("/oauth2/"):
        return QBO_OAUTH
    if path.startswith(("/v2/oauth2/tokens/revoke", "/.well-known/")):
        return QBO_REVOKE
    return QBO_API


Origin = Callable[[str, str], str]
"""(path, the Host the client sent) -> the origin the sandbox is asked on."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        transport: httpx.BaseTransport,
        origin: Origin,
        latency: float,
    ) -> None:
        self.transport = transport
        self.origin = origin
        self.latency = latency
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse their connections
    # One segment per answer, sent at once: without these, headers and body leave in two
    # writes and a keep-alive client waits ~40 ms per request on delayed ACKs.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("sandbox server: " + format, *args)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-body (killed): as a real server,
            # never hand a cut-off request on (it would be refused, and a refusal of a
            # ``requestid`` is kept for its replay)
            logger.debug(
                "sandbox server: %d of %d body bytes, then EOF: dropped", len(body), length
            )
            self.close_connection = True
            return
        host = self.headers.get("Host", "")
        url = self.server.origin(self.path, host) + self.path
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
        headers.append(("X-Forwarded-Host", host))  # where the client reached us
        request = httpx.Request(self.command, url, headers=headers, content=body)
        if self.server.latency > 0:
            time.sleep(self.server.latency)
        try:
            response = self.server.transport.handle_request(request)
            content = response.read()
        except httpx.TransportError as exc:  # injected timeout or reset: no answer at all
            logger.debug("sandbox server: dropping the connection (%s)", exc)
            self.close_connection = True
            return
        self.send_response(response.status_code)
        for key, value in response.headers.multi_items():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve  # noqa: N815 - stdlib names


class ServedSandboxes:
    """Both sandboxes listening on loopback ports (a context manager; see ``serve_sandboxes``).

    Attributes:
        hubspot: the served ``HubSpotSandbox`` (mutate it directly in the serving process).
        quickbooks: the served ``QuickBooksSandbox``.
        hubspot_url: ``http://host:port``, for ``HubSpotClient(base_url=...)``.
        quickbooks_url: ``http://host:port``, for ``QuickBooksClient(base_url=...)``; the OAuth
            token and revoke endpoints answer on it at their real paths.
    """

    def __init__(
        self,
        hubspot: HubSpotSandbox,
        quickbooks: QuickBooksSandbox,
        *,
        host: str,
        hubspot_port: int,
        quickbooks_port: int,
        latency: float,
        webhook_interval: float,
    ) -> None:
        self.hubspot = hubspot
        self.quickbooks = quickbooks
        self.webhook_interval = webhook_interval
        self._servers = [
            _Server((host, hubspot_port), hubspot, _hubspot_origin, latency),
            _Server((host, quickbooks_port), quickbooks, _quickbooks_origin, latency),
        ]
        self._threads = [
            threading.Thread(
                target=s.serve_forever, args=(0.1,), name=f"sandbox-server-{i}", daemon=True
            )
            for i, s in enumerate(self._servers)
        ]
        self._closed = threading.Event()
        self._threads.append(
            threading.Thread(target=self._deliver_webhooks, name="sandbox-webhooks", daemon=True)
        )
        for thread in self._threads:
            thread.start()

    def _deliver_webhooks(self) -> None:
        """Every ``webhook_interval`` seconds, send what both sandboxes have due."""
        while not self._closed.wait(self.webhook_interval):
            for outbox in (self.hubspot.webhooks, self.quickbooks.webhooks):
                try:
                    outbox.deliver()
                except Exception:  # a delivery bug must not stop the servers
                    logger.exception("sandbox webhook delivery failed")

    @property
    def hubspot_url(self) -> str:
        """Where the HubSpot sandbox listens (``http://127.0.0.1:port``)."""
        return _url(self._servers[0])

    @property
    def quickbooks_url(self) -> str:
        """Where the QuickBooks sandbox listens (``http://127.0.0.1:port``)."""
        return _url(self._servers[1])

    def __repr__(self) -> str:
        return f"ServedSandboxes(hubspot={self.hubspot_url!r}, quickbooks={self.quickbooks_url!r})"

    def close(self) -> None:
        """Stop listening (idempotent); the sandboxes keep their state."""
        if self._closed.is_set():
            return
        self._closed.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ``close`` (from another thread) or ``timeout``; True once closed."""
        return self._closed.wait(timeout)

    def __enter__(self) -> ServedSandboxes:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _url(server: _Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


def _hubspot_origin(path: str, host: str) -> str:
    # HubSpot's paging links are built from the request's origin: keep the served one.
    return f"http://{host}" if host else "http://127.0.0.1"


def _quickbooks_origin(path: str, host: str) -> str:
    return quickbooks_origin(path)


def serve_sandboxes(
    hubspot: HubSpotSandbox | None = None,
    quickbooks: QuickBooksSandbox | None = None,
    *,
    host: str = "127.0.0.1",
    hubspot_port: int = 0,
    quickbooks_port: int = 0,
    latency: float = 0.0,
    webhook_interval: float = 1.0,
) -> ServedSandboxes:
    """Serve both sandboxes over HTTP on ``host`` (loopback by default), until closed.

    Args:
        hubspot: the portal to serve (a new ``HubSpotSandbox()`` when None).
        quickbooks: the companies to serve (a new ``QuickBooksSandbox()`` when None).
        host: the address to listen on; keep it on loopback (the sandboxes accept any token).
        hubspot_port: 0 picks a free port.
        quickbooks_port: 0 picks a free port.
        latency: seconds to wait before each answer (a simulated network; real time).
        webhook_interval: seconds between two deliveries of due webhook notifications
            (``sandbox.webhooks``), in real time; due-ness follows each sandbox's clock.

    Returns:
        The running servers; use as a context manager, or call ``close()``.
    """
    if latency < 0:
        raise ValueError("latency must be >= 0 seconds")
    if webhook_interval <= 0:
        raise ValueError("webhook_interval must be > 0 seconds")
    return ServedSandboxes(
        hubspot if hubspot is not None else HubSpotSandbox(),
        quickbooks if quickbooks is not None else QuickBooksSandbox(),
        host=host,
        hubspot_port=hubspot_port,
        quickbooks_port=quickbooks_port,
        latency=latency,
        webhook_interval=webhook_interval,
    )
