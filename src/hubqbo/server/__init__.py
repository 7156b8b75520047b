"""The webhook receiver: HubSpot's and Intuit's deliveries turned into dirty records and work.

Why a separate unit (layer 5): a service that embeds hubqbo needs one endpoint for both
providers that trusts nothing unsigned, answers within the providers' time limits (HubSpot:
5 s, Intuit: 3 s) and never calls a provider API on the request path. ``create_app`` returns
a Starlette (ASGI) application to mount in FastAPI, Starlette or any ASGI server (Django via
its ASGI router); ``hubqbo webhooks serve`` runs it under uvicorn.

=========================  ===========================================================
delivery                   answer
=========================  ===========================================================
signed, new events         200, records marked dirty in the store, ``on_dirty(tenant)``
every event seen before    200, dropped (HubSpot retries any 4xx for a day; Intuit's
                           signature has no timestamp, so a replay verifies forever)
signed, unknown account    200, dropped (no tenant has that portal or company)
forged / unsigned          401
HubSpot v3 over 5 minutes  401 (expired)
signed, not an event list  400
store unavailable          503 (the provider retries)
=========================  ===========================================================

Example:
    >>> from hubqbo.sync import SQLiteStateStore
    >>> store = SQLiteStateStore(":memory:")
    >>> _ = store.connect_tenant("acme", hubspot_portal_id="62515", qbo_realm_id="9130")
    >>> app = create_app(store, hubspot_client_secret="hs-secret",
    ...                  qbo_verifier_token="intuit-token")
    >>> sorted(r.path for r in app.routes)
    ['/health', '/hubspot', '/quickbooks']

Mount it (FastAPI): ``api.mount("/webhooks", create_app(store, ...))``; subscribe HubSpot to
``https://your.host/webhooks/hubspot`` and Intuit to ``https://your.host/webhooks/quickbooks``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from hubqbo.errors import ConfigurationError
from hubqbo.hubspot import SeenEvents
from hubqbo.protocols import StateStore
from hubqbo.server._receiver import SEEN_FOR, Outcome, Receiver, TenantDirectory, Verdict

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = [
    "INSTALL_HINT",
    "SEEN_FOR",
    "Outcome",
    "Receiver",
    "TenantDirectory",
    "Verdict",
    "create_app",
]

INSTALL_HINT = "the webhook receiver needs Starlette: pip install 'hubqbo[server]'"


def create_app(
    store: StateStore,
    *,
    hubspot_client_secret: str | None = None,
    qbo_verifier_token: str | None = None,
    on_dirty: Callable[[str], object] | None = None,
    public_url: str | None = None,
    seen_size: int = 100_000,
    max_body: int = 1_000_000,
    now: Callable[[], dt.datetime] | None = None,
) -> Starlette:
    """The receiver as an ASGI application.

    Args:
        store: where records are marked dirty (the workers' store; PostgreSQL for many
            processes). Tenants are found by portal and company id from
            ``store.tenants()`` (register them with ``connect_tenant(name,
            hubspot_portal_id=..., qbo_realm_id=...)``).
        hubspot_client_secret: the HubSpot app's client secret (v3, v2 and v1 signatures).
        qbo_verifier_token: the Intuit app's webhook verifier token.
        on_dirty: called (in a worker thread) with each tenant whose records were marked:
            enqueue its job here (``Workers.defer_dirty``). Failures are logged; the marks
            stay in the store for the next scheduled run.
        public_url: the scheme and host HubSpot calls (``https://hooks.example.com``) when a
            proxy changes them: v3 signatures cover the full URL.
        seen_size: how many event keys the repeats filter remembers (for 25 hours).
        max_body: larger bodies are refused with 413 (HubSpot sends at most 100 events).
        now: the clock (tests).

    Raises:
        ConfigurationError: Starlette is not installed (``pip install 'hubqbo[server]'``).
    """
    try:
        from hubqbo.server._app import build_app
    except ImportError as exc:
        if str(exc.name or "").partition(".")[0] != "starlette":
            raise
        raise ConfigurationError(INSTALL_HINT) from exc
    receiver = Receiver(
        store,
        hubspot_client_secret=hubspot_client_secret,
        qbo_verifier_token=qbo_verifier_token,
        on_dirty=on_dirty,
        seen=SeenEvents(max_size=seen_size, ttl=SEEN_FOR, now=now),
        now=now,
    )
    return build_app(receiver, public_url=public_url, max_body=max_body)
