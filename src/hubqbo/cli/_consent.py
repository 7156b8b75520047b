"""The consent pages of served sandboxes, and their index (``hubqbo sandbox serve``).

Why: the sandboxes issue authorization codes from Python (``QuickBooksSandbox.authorize``,
``HubSpotSandbox.authorize``), but ``hubqbo auth`` runs in another process and sends a browser to
an authorize URL. This small server plays the providers' consent screens for the sandboxes it
serves: ``GET /authorize/quickbooks`` and ``GET /authorize/hubspot`` show a form (company to
connect, scopes to grant, Approve / Deny), and ``POST`` redirects to the app's ``redirect_uri``
with ``code``, ``state`` (and ``realmId``) — or ``error=access_denied`` — as Intuit and HubSpot
do. ``GET /`` answers JSON with both sandboxes' base URLs, realms and portal, which a tenant with
``sandbox = "http://127.0.0.1:PORT"`` reads to find them.
"""

from __future__ import annotations

import html
import http.server
import json
import threading
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

__all__ = ["ConsentServer"]


def _redirect(uri: str, params: dict[str, str]) -> str:
    joiner = "&" if urlsplit(uri).query else "?"
    return f"{uri}{joiner}{urlencode(params)}"


class ConsentServer:
    """A loopback HTTP server: the sandboxes' index and consent pages.

    Args:
        index: what ``GET /`` answers (JSON-able).
        realms: ``(realm id, company name)`` of the QuickBooks sandbox.
        authorize_qbo: ``realm id -> code`` (``QuickBooksSandbox.authorize``).
        authorize_hubspot: ``(redirect_uri, scopes) -> code`` (``HubSpotSandbox.authorize``).
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        index: Callable[[], dict[str, Any]],
        realms: Callable[[], Sequence[tuple[str, str]]],
        authorize_qbo: Callable[[str], str],
        authorize_hubspot: Callable[[str, Sequence[str]], str],
    ) -> None:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                if parts.path in ("", "/"):
                    self._send(200, "application/json", json.dumps(index()).encode())
                elif parts.path == "/authorize/quickbooks":
                    self._html(owner.qbo_form(query, realms()))
                elif parts.path == "/authorize/hubspot":
                    self._html(owner.hubspot_form(query))
                else:
                    self._send(404, "text/plain", b"not found")

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode("utf-8"))
                one = {k: v[-1] for k, v in form.items()}
                redirect_uri, state = one.get("redirect_uri", ""), one.get("state", "")
                if urlsplit(redirect_uri).scheme not in ("http", "https"):
                    self._send(400, "text/plain", b"redirect_uri is required")
                    return
                if one.get("decision") != "approve":
                    target = _redirect(redirect_uri, {"error": "access_denied", "state": state})
                elif parts.path == "/authorize/quickbooks":
                    realm = one.get("realm", "")
                    try:
                        code = authorize_qbo(realm)
                    except KeyError:
                        self._send(400, "text/plain", b"unknown realm")
                        return
                    target = _redirect(
                        redirect_uri, {"code": code, "state": state, "realmId": realm}
                    )
                elif parts.path == "/authorize/hubspot":
                    code = authorize_hubspot(redirect_uri, form.get("scope", []))
                    target = _redirect(redirect_uri, {"code": code, "state": state})
                else:
                    self._send(404, "text/plain", b"not found")
                    return
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _html(self, body: str) -> None:
                self._send(200, "text/html; charset=utf-8", body.encode())

            def _send(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # codes travel in these URLs: never log them

        self._server = http.server.ThreadingHTTPServer((host, port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://host:port`` of this server."""
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name}:{port}"

    def start(self) -> ConsentServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    @staticmethod
    def _hidden(query: dict[str, str]) -> str:
        keep = ("redirect_uri", "state", "client_id")
        return "".join(
            f"<input type=hidden name={k} value='{html.escape(query.get(k, ''), quote=True)}'>"
            for k in keep
        )

    @staticmethod
    def _page(title: str, body: str) -> str:
        return (
            f"<!doctype html><meta charset=utf-8><title>{title}</title>"
            "<body style='font-family:sans-serif;margin:3em'>"
            f"<h1>{title}</h1><p>hubqbo sandbox: nothing here is real.</p>{body}</body>"
        )

    @classmethod
    def qbo_form(cls, query: dict[str, str], realms: Sequence[tuple[str, str]]) -> str:
        """Intuit's consent screen, played: pick the company to connect."""
        options = "".join(
            f"<option value='{html.escape(r)}'>{html.escape(n)} ({html.escape(r)})</option>"
            for r, n in realms
        )
        return cls._page(
            "Connect to QuickBooks (sandbox)",
            "<form method=post action=/authorize/quickbooks>"
            f"{cls._hidden(query)}<p><select name=realm>{options}</select></p>"
            "<button name=decision value=approve>Connect</button> "
            "<button name=decision value=deny>Cancel</button></form>",
        )

    @classmethod
    def hubspot_form(cls, query: dict[str, str]) -> str:
        """HubSpot's consent screen, played: the scopes asked, each can be unticked."""
        scopes = [s for s in query.get("scope", "").split(" ") if s]
        boxes = "".join(
            f"<label><input type=checkbox name=scope value='{html.escape(s, quote=True)}' "
            f"checked> {html.escape(s)}</label><br>"
            for s in scopes
        )
        return cls._page(
            "Connect to HubSpot (sandbox)",
            "<form method=post action=/authorize/hubspot>"
            f"{cls._hidden(query)}<p>{boxes}</p>"
            "<button name=decision value=approve>Connect app</button> "
            "<button name=decision value=deny>Cancel</button></form>",
        )
