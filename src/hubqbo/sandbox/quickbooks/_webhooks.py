"""Intuit's webhook notifications, as the sandbox sends them (``QuickBooksSandbox.webhooks``).

Sources (docs/sandbox-quickbooks.md, "Webhooks"): Intuit's webhooks guide (entity and
operation events: Create, Update, Delete, Merge, Void, Emailed; answer within 3 s; failed
deliveries retried at 20, 30 and 50 minutes, then dropped; events may arrive out of order);
the legacy body ``{"eventNotifications": [{"realmId", "dataChangeEvent": {"entities":
[{"name", "id", "operation", "lastUpdated", "deletedId"}]}}]}`` (``deletedId`` on a Merge);
the CloudEvents body (a JSON array of ``{specversion "1.0", id, source, type
"qbo.<entity>.<created|updated|deleted|merged|voided|emailed>.v1", datacontenttype, time,
intuitentityid, intuitaccountid, data}``, at most 100 events a notification, a Merge's
``data: {"deletedid": ...}``, per Intuit's "Data objects" page); ``intuit-signature`` =
base64(HMAC-SHA256(verifier token, raw body)).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from hubqbo.sandbox._common import Clock
from hubqbo.sandbox._webhooks import Subscription, WebhookCall, WebhookOutbox, WebhookTarget

__all__ = ["PAST_TENSE", "RETRY_DELAYS", "QuickBooksWebhooks"]

RETRY_DELAYS = (dt.timedelta(minutes=20), dt.timedelta(minutes=30), dt.timedelta(minutes=50))
MAX_EVENTS = 100
TIMEOUT_SECONDS = 3.0
DEFAULT_URL = "https://app.example/quickbooks/webhooks"
PAST_TENSE = {
    "Create": "created",
    "Update": "updated",
    "Delete": "deleted",
    "Merge": "merged",
    "Void": "voided",
    "Emailed": "emailed",
}

WebhookFormat = Literal["cloudevents", "legacy"]


def _utc(instant: dt.datetime, *, millis: bool) -> str:
    utc = instant.astimezone(dt.timezone.utc)
    if millis:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


class QuickBooksWebhooks(WebhookOutbox):
    """The app's webhook subscriptions for every realm of the sandbox.

    Example:
        >>> from hubqbo.sandbox import QuickBooksSandbox
        >>> sandbox = QuickBooksSandbox()
        >>> got = []
        >>> _ = sandbox.webhooks.subscribe(got.append, verifier_token="vt", format="legacy")
        >>> realm = sandbox.add_realm()
        >>> _ = sandbox.add_customer(realm, "Acme")
        >>> _ = sandbox.webhooks.deliver()
        >>> got[0].json()["eventNotifications"][0]["dataChangeEvent"]["entities"][0]["operation"]
        'Create'
    """

    def __init__(self, clock: Clock, *, seed: int = 0) -> None:
        super().__init__(
            clock,
            build=self._request,
            max_batch=MAX_EVENTS,
            retry_delays=RETRY_DELAYS,
            timeout=TIMEOUT_SECONDS,
        )
        self._ids = uuid.UUID(int=seed).int

    def subscribe(
        self,
        target: WebhookTarget,
        *,
        verifier_token: str,
        format: WebhookFormat = "cloudevents",
        entities: Iterable[str] | None = None,
        realms: Iterable[str] | None = None,
        url: str = DEFAULT_URL,
        delay: float = 0.0,
        duplicate: float = 0.0,
        reorder: bool = False,
        seed: int = 0,
    ) -> Subscription:
        """Send change events to ``target`` (a URL, or a callback given a ``WebhookCall`` and
        returning its HTTP status).

        Args:
            target: the endpoint.
            verifier_token: the app's verifier token (signs ``intuit-signature``).
            format: ``"cloudevents"`` (the format Intuit moved every app to in 2026) or
                ``"legacy"`` (``eventNotifications``).
            entities: entity names subscribed to (``"Invoice"``, ``"Customer"``...); None: all.
            realms: realm ids (None: every realm of the sandbox).
            url: the URL a callback is addressed as.
            delay: seconds each event waits before it is due.
            duplicate: probability that a notification is delivered twice.
            reorder: shuffle the events of each delivery round (seeded).
            seed: seeds ``duplicate`` and ``reorder``.
        """
        if format not in ("cloudevents", "legacy"):
            raise ValueError("format is 'cloudevents' or 'legacy'")
        names = None if entities is None else frozenset(e.lower() for e in entities)
        companies = None if realms is None else frozenset(str(r) for r in realms)

        def accepts(event: Mapping[str, Any]) -> bool:
            if names is not None and str(event["name"]).lower() not in names:
                return False
            return companies is None or event["realmId"] in companies

        return self._add(
            target,
            url=url,
            secret=verifier_token,
            accepts=accepts,
            delay=delay,
            duplicate=duplicate,
            reorder=reorder,
            seed=seed,
            options={"format": format},
        )

    def record(
        self,
        realm_id: str,
        entity: str,
        entity_id: str,
        operation: str,
        *,
        deleted_id: str | None = None,
    ) -> None:
        """Queue one entity event (``operation`` as Intuit names it: Create, Update...)."""
        if not self.subscriptions:
            return
        self._ids += 1
        event: dict[str, Any] = {
            "realmId": realm_id,
            "name": entity,
            "id": entity_id,
            "operation": operation,
            "at": self.clock.now(),
            "eventId": f"{uuid.UUID(int=self._ids)}-{entity}-{entity_id}",
        }
        if deleted_id is not None:
            event["deletedId"] = deleted_id
        self.emit(event)

    def _request(
        self,
        subscription: Subscription,
        events: Sequence[Mapping[str, Any]],
        attempt: int,
        now: dt.datetime,
    ) -> WebhookCall:
        if subscription.options["format"] == "legacy":
            data: Any = legacy_body(events)
        else:
            data = [cloud_event(e) for e in events]
        body = json.dumps(data, separators=(",", ":")).encode()
        signature = base64.b64encode(
            hmac.new(subscription.secret.encode(), body, hashlib.sha256).digest()
        ).decode()
        headers = {"Content-Type": "application/json", "intuit-signature": signature}
        return WebhookCall(subscription.url, headers, body)


def legacy_body(events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``{"eventNotifications": [...]}``: one notification per realm, events in order."""
    by_realm: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        entity: dict[str, Any] = {
            "name": event["name"],
            "id": event["id"],
            "operation": event["operation"],
            "lastUpdated": _utc(event["at"], millis=True),
        }
        if "deletedId" in event:
            entity["deletedId"] = event["deletedId"]
        by_realm.setdefault(str(event["realmId"]), []).append(entity)
    return {
        "eventNotifications": [
            {"realmId": realm, "dataChangeEvent": {"entities": entities}}
            for realm, entities in by_realm.items()
        ]
    }


def cloud_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """One CloudEvents entry (``qbo.<entity>.<past tense>.v1``).

    Example:
        >>> at = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
        >>> cloud_event({"realmId": "9", "name": "Customer", "id": "4", "operation": "Merge",
        ...              "at": at, "eventId": "e", "deletedId": "7"})["data"]
        {'deletedid': '7'}
    """
    body: dict[str, Any] = {
        "specversion": "1.0",
        "id": event["eventId"],
        "source": "intuit.hubqbo-sandbox",
        "type": f"qbo.{str(event['name']).lower()}.{PAST_TENSE[event['operation']]}.v1",
        "datacontenttype": "application/json",
        "time": _utc(event["at"], millis=False),
        "intuitentityid": event["id"],
        "intuitaccountid": event["realmId"],
        "data": {"deletedid": event["deletedId"]} if "deletedId" in event else {},
    }
    return body
