"""HubSpot's webhook notifications, as the sandbox sends them (``HubSpotSandbox.webhooks``).

Sources (docs/sandbox-hubspot.md, "Webhooks"): HubSpot's webhooks guide (a JSON array of up to
100 events; ``eventId``, ``subscriptionId``, ``portalId``, ``appId``, ``occurredAt`` in ms,
``subscriptionType``, ``attemptNumber``, ``objectId``, ``changeSource``, ``propertyName`` /
``propertyValue``; retried up to 10 times over 24 hours on a connection failure, an answer
slower than 5 s or any 4xx/5xx); "Validating requests" (v3: base64 HMAC-SHA256 of
``method + URI + body + timestamp`` with the app's client secret, in ``X-HubSpot-Signature-v3``
with ``X-HubSpot-Request-Timestamp``; v1: hex SHA-256 of ``secret + body`` in
``X-HubSpot-Signature``); the changelog "New subscription types for webhooks" (merge:
``primaryObjectId``, ``mergedObjectIds``, ``newObjectId``; restore: no extra field;
associationChange: ``associationType``, ``fromObjectId``, ``toObjectId``,
``associationRemoved``, ``isPrimaryAssociation``) and "Webhooks now support privacy-compliant
contact deletions" (``contact.privacyDeletion``, also followed by the normal
``contact.deletion``). Object types without their own event names (quotes, invoices...) use the
generic ``object.*`` types with ``objectTypeId``.

Not documented, so the sandbox's own choice: the exact retry times (1, 2, 4... 512 minutes:
ten retries within 24 hours) and that a merge keeps the primary record's id
(``newObjectId`` = ``primaryObjectId``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from hubqbo.sandbox._common import Clock
from hubqbo.sandbox._webhooks import (
    Subscription,
    WebhookCall,
    WebhookOutbox,
    WebhookTarget,
)

__all__ = ["EVENT_NAMES", "RETRY_DELAYS", "HubSpotWebhooks"]

EVENT_NAMES = {
    "contacts": "contact",
    "companies": "company",
    "deals": "deal",
    "tickets": "ticket",
    "products": "product",
    "line_items": "line_item",
}
"""Object types with their own subscription type names (others use ``object.*``)."""

RETRY_DELAYS = tuple(dt.timedelta(minutes=2**n) for n in range(10))
MAX_EVENTS = 100
TIMEOUT_SECONDS = 5.0
DEFAULT_URL = "https://app.example/hubspot/webhooks"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _ms(instant: dt.datetime) -> int:
    return int((instant - _EPOCH).total_seconds() * 1000)


def subscription_type(object_type: str, action: str) -> tuple[str, str | None]:
    """``("contact.creation", None)`` or ``("object.creation", "0-52")``-style names need the
    object type id: this returns the name and whether ``objectTypeId`` must be added (the
    caller passes the id).

    Example:
        >>> subscription_type("contacts", "merge"), subscription_type("invoices", "creation")
        (('contact.merge', None), ('object.creation', 'invoices'))
    """
    name = EVENT_NAMES.get(object_type)
    if name is not None:
        return f"{name}.{action}", None
    return f"object.{action}", object_type


class HubSpotWebhooks(WebhookOutbox):
    """The portal's webhook subscriptions (``HubSpotSandbox.webhooks``).

    Example:
        >>> from hubqbo.sandbox import HubSpotSandbox, ManualClock
        >>> sandbox = HubSpotSandbox(clock=ManualClock())
        >>> got = []
        >>> _ = sandbox.webhooks.subscribe(lambda call: got.append(call.json()) or 200,
        ...                                event_types=["deal.creation"])
        >>> deal = sandbox.create("deals", {"dealname": "Boat"})
        >>> [d.status for d in sandbox.webhooks.deliver()], got[0][0]["subscriptionType"]
        ([200], 'deal.creation')
    """

    def __init__(
        self,
        clock: Clock,
        *,
        portal_id: Callable[[], int],
        client_secret: Callable[[], str],
        app_id: Callable[[], int],
    ) -> None:
        super().__init__(
            clock,
            build=self._request,
            max_batch=MAX_EVENTS,
            retry_delays=RETRY_DELAYS,
            timeout=TIMEOUT_SECONDS,
        )
        self._portal_id = portal_id
        self._client_secret = client_secret
        self._app_id = app_id
        self._event_ids = 100
        self._ids_lock = threading.Lock()

    def subscribe(
        self,
        target: WebhookTarget,
        *,
        client_secret: str | None = None,
        app_id: int | None = None,
        event_types: Iterable[str] | None = None,
        properties: Iterable[str] | None = None,
        url: str = DEFAULT_URL,
        delay: float = 0.0,
        duplicate: float = 0.0,
        reorder: bool = False,
        seed: int = 0,
    ) -> Subscription:
        """Send this portal's events to ``target`` (a URL, or a callback given a
        ``WebhookCall`` and returning its HTTP status).

        Args:
            target: the endpoint.
            client_secret: signs the requests (default: the sandbox's OAuth client secret).
            app_id: ``appId`` in the events (default: the sandbox's).
            event_types: subscription types to send (``"contact.creation"``,
                ``"deal.propertyChange"``, ``"object.creation"``...); None sends all.
            properties: for ``*.propertyChange``, the properties subscribed to; None: all.
            url: the URL a callback is addressed as (it is signed into ``v3``).
            delay: seconds each event waits before it is due.
            duplicate: probability that a batch is delivered twice.
            reorder: shuffle the events of each delivery round (seeded).
            seed: seeds ``duplicate`` and ``reorder``.
        """
        wanted = None if event_types is None else frozenset(event_types)
        watched = None if properties is None else frozenset(properties)

        def accepts(event: Mapping[str, Any]) -> bool:
            kind = str(event["subscriptionType"])
            if wanted is not None and kind not in wanted:
                return False
            return not (
                kind.endswith(".propertyChange")
                and watched is not None
                and event.get("propertyName") not in watched
            )

        return self._add(
            target,
            url=url,
            secret=client_secret or self._client_secret(),
            accepts=accepts,
            delay=delay,
            duplicate=duplicate,
            reorder=reorder,
            seed=seed,
            options={
                "app_id": self._app_id() if app_id is None else app_id,
                "subscription": 1000 + len(self.subscriptions),
            },
        )

    def _next_event_id(self) -> int:
        with self._ids_lock:
            self._event_ids += 1
            return self._event_ids

    def record(
        self,
        object_type: str,
        type_id: str,
        action: str,
        object_id: str,
        **fields: Any,
    ) -> None:
        """Queue one event of ``action`` (creation, deletion, propertyChange, merge, restore,
        privacyDeletion, associationChange) for a record."""
        if not self.subscriptions:
            return
        name, generic = subscription_type(object_type, action)
        event: dict[str, Any] = {
            "eventId": self._next_event_id(),
            "portalId": self._portal_id(),
            "occurredAt": _ms(self.clock.now()),
            "subscriptionType": name,
            "objectId": int(object_id) if object_id.isdigit() else object_id,
            "changeSource": "API",
            **fields,
        }
        if generic is not None:
            event["objectTypeId"] = type_id
        self.emit(event)

    def _request(
        self,
        subscription: Subscription,
        events: Sequence[Mapping[str, Any]],
        attempt: int,
        now: dt.datetime,
    ) -> WebhookCall:
        body = json.dumps(
            [
                {
                    **event,
                    "subscriptionId": subscription.options["subscription"],
                    "appId": subscription.options["app_id"],
                    "attemptNumber": attempt - 1,
                }
                for event in events
            ],
            separators=(",", ":"),
        ).encode()
        return WebhookCall(
            subscription.url,
            sign(subscription.secret, subscription.url, body, now),
            body,
        )


def sign(secret: str, url: str, body: bytes, now: dt.datetime) -> dict[str, str]:
    """The headers HubSpot sends with a webhook request: v3 (method, URI, body, timestamp)
    and v1 (secret + body).

    Example:
        >>> headers = sign("secret", "https://a.example/h", b"[]", _EPOCH)
        >>> headers["X-HubSpot-Request-Timestamp"], headers["X-HubSpot-Signature-Version"]
        ('0', 'v1')
    """
    timestamp = str(_ms(now))
    message = b"POST" + url.encode() + body + timestamp.encode()
    v3 = base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": v3,
        "X-HubSpot-Request-Timestamp": timestamp,
        "X-HubSpot-Signature": hashlib.sha256(secret.encode() + body).hexdigest(),
        "X-HubSpot-Signature-Version": "v1",
    }
