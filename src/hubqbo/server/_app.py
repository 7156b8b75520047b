"""The Starlette application around :class:`~hubqbo.server.Receiver` (imported only when
Starlette is installed: ``pip install 'hubqbo[server]'``).

Three routes, relative to where it is mounted: ``POST /hubspot``, ``POST /quickbooks``,
``GET /health``. Store calls are blocking (psycopg, sqlite3), so each runs in Starlette's
thread pool; nothing else happens on the request path.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hubqbo.server._receiver import Outcome, Receiver

__all__ = ["build_app"]


def _answer(outcome: Outcome) -> JSONResponse:
    return JSONResponse(outcome.as_json(), status_code=outcome.verdict.status)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {"result": "too_large", "reason": f"bodies over {limit} bytes are refused"},
        status_code=413,
    )


def build_app(receiver: Receiver, *, public_url: str | None, max_body: int) -> Starlette:
    """The ASGI app (see ``hubqbo.server.create_app``)."""

    def signed_uri(request: Request) -> str:
        if public_url is None:
            return str(request.url)
        query = f"?{request.url.query}" if request.url.query else ""
        return public_url.rstrip("/") + request.url.path + query

    async def hubspot(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > max_body:
            return _too_large(max_body)
        outcome = await run_in_threadpool(
            receiver.hubspot,
            method=request.method,
            uri=signed_uri(request),
            body=body,
            headers=dict(request.headers),
        )
        return _answer(outcome)

    async def quickbooks(request: Request) -> JSONResponse:
        body = await request.body()
        if len(body) > max_body:
            return _too_large(max_body)
        outcome = await run_in_threadpool(
            receiver.quickbooks, body=body, headers=dict(request.headers)
        )
        return _answer(outcome)

    async def health(request: Request) -> JSONResponse:
        del request
        ok = await run_in_threadpool(receiver.health)
        return JSONResponse(
            {"status": "ok" if ok else "store unavailable"}, status_code=200 if ok else 503
        )

    app = Starlette(
        routes=[
            Route("/hubspot", hubspot, methods=["POST"]),
            Route("/quickbooks", quickbooks, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )
    app.state.receiver = receiver
    return app
