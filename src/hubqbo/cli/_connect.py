"""Getting the authorization code to the command: a loopback listener, or a pasted URL.

Why two ways: HubSpot and Intuit's development keys accept ``http://localhost:<port>/...``
redirect URIs, so the command listens there for the one redirect after consent (RFC 8252's
loopback redirect for native apps). Intuit's production keys redirect only to ``https://``
addresses the app owns, so the person copies the address their browser landed on (or just its
query) and pastes it. Either way ``hubqbo.auth.OAuthClient.parse_callback`` checks ``state``.

Example:
    >>> listens_on("http://localhost:8721/callback")
    ('127.0.0.1', 8721, '/callback')
    >>> listens_on("https://app.example/qbo/callback") is None
    True
"""

from __future__ import annotations

import http.server
import threading
from urllib.parse import urlsplit

__all__ = ["CallbackListener", "listens_on", "normalize_pasted"]

_PAGE = (
    "<!doctype html><meta charset=utf-8><title>hubqbo</title>"
    "<body style='font-family:sans-serif;margin:3em'><h1>hubqbo: {title}</h1>"
    "<p>{text}</p></body>"
)


def listens_on(redirect_uri: str) -> tuple[str, int, str] | None:
    """Where a loopback listener must wait for ``redirect_uri``: ``(host, port, path)``, or
    ``None`` when the redirect goes elsewhere (paste mode)."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        return None
    host = "::1" if parts.hostname == "::1" else "127.0.0.1"
    return host, parts.port or 80, parts.path or "/"


def normalize_pasted(text: str, redirect_uri: str) -> str:
    """The callback URL from what a person pasted: the whole address, or just ``?code=...``.

    Example:
        >>> normalize_pasted(" code=x&state=y ", "https://app.example/cb")
        'https://app.example/cb?code=x&state=y'
    """
    text = text.strip()
    if "://" in text:
        return text
    return f"{redirect_uri}?{text.lstrip('?')}"


class CallbackListener:
    """A one-shot HTTP server on the loopback interface that waits for the OAuth redirect.

    Only ``GET <path>`` is accepted; the first one carrying ``code`` or ``error`` ends the wait.
    """

    def __init__(self, host: str, port: int, path: str) -> None:
        self.path = path
        self.url: str | None = None
        self._done = threading.Event()
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != listener.path or not (
                    "code=" in parts.query or "error=" in parts.query
                ):
                    self.send_error(404)
                    return
                host_header = self.headers.get("Host", f"{host}:{port}")
                listener.url = f"http://{host_header}{self.path}"
                refused = "error=" in parts.query
                body = _PAGE.format(
                    title="refused" if refused else "connected",
                    text="The authorization was refused; see the terminal."
                    if refused
                    else "You can close this tab and go back to the terminal.",
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                listener._done.set()

            def log_message(self, format: str, *args: object) -> None:
                return  # the query holds the code: never log it

        server_class = http.server.HTTPServer
        if host == "::1":  # pragma: no cover - IPv6 loopback

            class V6(http.server.HTTPServer):
                address_family = __import__("socket").AF_INET6

            server_class = V6
        try:
            self._server = server_class((host, port), Handler)
        except OSError as exc:
            raise OSError(
                f"cannot listen on {host}:{port} for the OAuth redirect ({exc.strerror}); free "
                "the port or register another loopback redirect URI"
            ) from None
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> CallbackListener:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> str | None:
        """The redirected URL, or ``None`` after ``timeout`` seconds."""
        self._done.wait(timeout)
        return self.url
