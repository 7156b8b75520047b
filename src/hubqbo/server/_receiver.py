"""The receiver's logic without the web framework: verify, parse, drop repeats, mark dirty.

Why apart from the ASGI app: every decision a delivery meets (forged, expired, malformed,
duplicate, unknown account, marked) is a plain function of the request's bytes, the
secrets, the clock and the store, so it is tested as such; ``_app`` only turns requests into
calls and outcomes into status codes.

The request path makes no provider call: a delivery becomes rows in the store's dirty inbox
(``mark_dirty``, one transaction per tenant, no lease) and a call of the schedule hook; the
next engine run re-reads the records (the webhook body is never trusted).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import attrs

from hubqbo.errors import SignatureVerificationError, StateStoreError
from hubqbo.hubspot import SeenEvents
from hubqbo.hubspot import webhooks as hubspot_webhooks
from hubqbo.protocols import StateStore, Tenant
from hubqbo.quickbooks import WebhookEvent as QboEvent
from hubqbo.quickbooks import handle_webhook
from hubqbo.sync import webhook_marks

__all__ = ["SEEN_FOR", "Outcome", "Receiver", "TenantDirectory", "Verdict"]

_log = logging.getLogger("hubqbo.server")

SEEN_FOR = dt.timedelta(hours=25)
"""How long the receiver remembers an event: HubSpot retries for a day (Intuit for about two
hours); Intuit's signature has no timestamp, so a replay would verify at any time."""


class Verdict(str, enum.Enum):
    """What the receiver made of one delivery (and the HTTP status it answers)."""

    MARKED = "marked"  # 200: records marked dirty, work scheduled
    DUPLICATE = "duplicate"  # 200: every event seen before: dropped
    UNKNOWN_ACCOUNT = "unknown_account"  # 200: signed, but no tenant has that portal/realm
    FORGED = "forged"  # 401: signature missing, wrong, or (HubSpot v3) older than 5 minutes
    MALFORMED = "malformed"  # 400: signed, but not an event list
    NOT_CONFIGURED = "not_configured"  # 404: no secret for this provider
    UNAVAILABLE = "unavailable"  # 503: the store refused; the provider retries

    @property
    def status(self) -> int:
        """The HTTP status the receiver answers with."""
        return _STATUS[self]


_STATUS = {
    Verdict.MARKED: 200,
    Verdict.DUPLICATE: 200,
    Verdict.UNKNOWN_ACCOUNT: 200,
    Verdict.FORGED: 401,
    Verdict.MALFORMED: 400,
    Verdict.NOT_CONFIGURED: 404,
    Verdict.UNAVAILABLE: 503,
}


@attrs.frozen
class Outcome:
    """One delivery's verdict, with its counts (the JSON the receiver answers with).

    Attributes:
        verdict: what was decided.
        events: events in the delivery.
        duplicates: events dropped as seen before.
        marked: dirty marks written, over all tenants.
        tenants: the tenants whose work was scheduled.
        reason: why a delivery was refused (never a secret).
    """

    verdict: Verdict
    events: int = 0
    duplicates: int = 0
    marked: int = 0
    tenants: tuple[str, ...] = ()
    reason: str | None = None

    def as_json(self) -> dict[str, object]:
        """The answer body."""
        out: dict[str, object] = {
            "result": self.verdict.value,
            "events": self.events,
            "duplicates": self.duplicates,
            "marked": self.marked,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


class TenantDirectory:
    """Which tenants a HubSpot portal or a QBO company belongs to, from the store's tenants
    (``connect_tenant(name, hubspot_portal_id=..., qbo_realm_id=...)``), re-read when an
    unknown account shows up (at most every ``refresh`` seconds)."""

    def __init__(self, store: StateStore, *, refresh: float = 30.0) -> None:
        self._store = store
        self._refresh = refresh
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._portals: dict[str, tuple[str, ...]] = {}
        self._realms: dict[str, tuple[str, ...]] = {}

    def _load(self, tenants: Iterable[Tenant]) -> None:
        portals: dict[str, list[str]] = {}
        realms: dict[str, list[str]] = {}
        for tenant in tenants:
            if tenant.hubspot_portal_id:
                portals.setdefault(str(tenant.hubspot_portal_id), []).append(tenant.name)
            if tenant.qbo_realm_id:
                realms.setdefault(str(tenant.qbo_realm_id), []).append(tenant.name)
        self._portals = {k: tuple(v) for k, v in portals.items()}
        self._realms = {k: tuple(v) for k, v in realms.items()}

    def _lookup(self, table: str, key: str) -> tuple[str, ...]:
        with self._lock:
            found = getattr(self, table).get(key, ())
            if found or time.monotonic() - self._read_at < self._refresh:
                return tuple(found)
            self._load(self._store.tenants())
            self._read_at = time.monotonic()
            return tuple(getattr(self, table).get(key, ()))

    def for_portal(self, portal_id: str) -> tuple[str, ...]:
        """The tenants of a HubSpot portal."""
        return self._lookup("_portals", portal_id)

    def for_realm(self, realm_id: str) -> tuple[str, ...]:
        """The tenants of a QBO company."""
        return self._lookup("_realms", realm_id)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _qbo_key(event: QboEvent) -> Hashable:
    if event.event_id:
        return ("qbo", event.event_id)
    return (
        "qbo",
        event.realm_id,
        event.entity,
        event.entity_id,
        event.operation,
        event.occurred_at,
    )


class Receiver:
    """Turns webhook deliveries into dirty marks and scheduled work (framework-free).

    Args:
        store: the state store the workers read (``mark_dirty`` only; no lease).
        hubspot_client_secret: the HubSpot app's client secret (``None``: HubSpot refused).
        qbo_verifier_token: the Intuit app's webhook verifier token (``None``: QBO refused).
        on_dirty: called with a tenant's name after its records were marked (enqueue a
            job; ``hubqbo.workers.Workers.defer_dirty`` does); must not call a provider.
        seen: the repeats filter (default: the last 100,000 events of the last 25 hours; a
            repeat it has forgotten costs one more dirty mark, which coalesces).
        directory: tenant lookup (default: from the store).
        now: the clock (HubSpot's v3 signatures expire after five minutes).
    """

    def __init__(
        self,
        store: StateStore,
        *,
        hubspot_client_secret: str | None = None,
        qbo_verifier_token: str | None = None,
        on_dirty: Callable[[str], object] | None = None,
        seen: SeenEvents | None = None,
        directory: TenantDirectory | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._store = store
        self._hubspot_secret = hubspot_client_secret
        self._qbo_token = qbo_verifier_token
        self._on_dirty = on_dirty
        self._now = now or _utc_now
        self.seen = (
            seen if seen is not None else SeenEvents(max_size=100_000, ttl=SEEN_FOR, now=self._now)
        )
        self.directory = directory or TenantDirectory(store)

    def __repr__(self) -> str:  # never the secrets
        return (
            f"Receiver(hubspot={'on' if self._hubspot_secret else 'off'}, "
            f"quickbooks={'on' if self._qbo_token else 'off'})"
        )

    def health(self) -> bool:
        """True when the store answers."""
        try:
            self._store.tenants()
        except StateStoreError:
            return False
        return True

    def hubspot(self, *, method: str, uri: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        """One HubSpot delivery (``uri``: the full URL HubSpot called, as it signed it)."""
        if not self._hubspot_secret:
            return Outcome(Verdict.NOT_CONFIGURED, reason="no HubSpot client secret configured")
        try:
            hubspot_webhooks.verify_webhook(
                secret=self._hubspot_secret,
                method=method,
                uri=uri,
                body=body,
                headers=headers,
                now=self._now(),
            )
        except SignatureVerificationError as refused:
            return Outcome(Verdict.FORGED, reason=str(refused))
        try:
            events = hubspot_webhooks.parse_events(body)
        except ValueError as bad:
            return Outcome(Verdict.MALFORMED, reason=str(bad)[:200])
        by_tenant: dict[str, list[object]] = {}
        keyed = [(("hubspot", *e.dedupe_key), e) for e in events]
        for key, event in keyed:
            if key in self.seen:
                continue
            for tenant in self.directory.for_portal(event.portal_id):
                by_tenant.setdefault(tenant, []).append(event)
        return self._mark("hubspot", keyed, by_tenant)

    def quickbooks(self, *, body: bytes, headers: Mapping[str, str]) -> Outcome:
        """One QuickBooks delivery (legacy or CloudEvents body, ``intuit-signature``)."""
        if not self._qbo_token:
            return Outcome(Verdict.NOT_CONFIGURED, reason="no QuickBooks verifier token configured")
        signature = next((v for k, v in headers.items() if k.lower() == "intuit-signature"), None)
        try:
            events = handle_webhook(body, signature, self._qbo_token)
        except SignatureVerificationError as refused:
            return Outcome(Verdict.FORGED, reason=str(refused))
        except (ValueError, TypeError, AttributeError) as bad:
            return Outcome(Verdict.MALFORMED, reason=str(bad)[:200])
        by_tenant: dict[str, list[object]] = {}
        keyed = [(_qbo_key(e), e) for e in events]
        for key, event in keyed:
            if key in self.seen:
                continue
            for tenant in self.directory.for_realm(event.realm_id):
                by_tenant.setdefault(tenant, []).append(event)
        return self._mark("quickbooks", keyed, by_tenant)

    def _mark(
        self,
        provider: str,
        keyed: Sequence[tuple[Hashable, object]],
        by_tenant: Mapping[str, Sequence[object]],
    ) -> Outcome:
        fresh = list(dict.fromkeys(key for key, _ in keyed if key not in self.seen))
        duplicates = len(keyed) - len(fresh)
        at = self._now()
        marked = 0
        scheduled = []
        try:
            for tenant, events in by_tenant.items():
                marks = webhook_marks(events, at=at)
                if marks:
                    self._store.mark_dirty(tenant, marks)
                    marked += len(marks)
                    scheduled.append(tenant)
        except Exception as failed:  # noqa: BLE001 - any store failure: 503, the provider retries
            _log.warning(
                "webhook %s: the store refused the marks: %s", provider, type(failed).__name__
            )
            return Outcome(Verdict.UNAVAILABLE, events=len(keyed), reason="state store unavailable")
        # Seen only once stored: a delivery the store refused is retried, not dropped.
        for key in fresh:
            self.seen.add(key)
        for tenant in scheduled:
            if self._on_dirty is not None:
                try:
                    self._on_dirty(tenant)
                except Exception:  # noqa: BLE001 - the marks are stored; the schedule catches up
                    _log.exception("webhook %s: scheduling tenant %s failed", provider, tenant)
        if not fresh and keyed:
            verdict = Verdict.DUPLICATE
        elif fresh and not by_tenant:
            verdict = Verdict.UNKNOWN_ACCOUNT
        else:
            verdict = Verdict.MARKED
        outcome = Outcome(
            verdict,
            events=len(keyed),
            duplicates=duplicates,
            marked=marked,
            tenants=tuple(scheduled),
        )
        _log.info(
            "webhook provider=%s result=%s events=%d duplicates=%d marked=%d tenants=%s",
            provider,
            verdict.value,
            outcome.events,
            duplicates,
            marked,
            ",".join(scheduled) or "-",
        )
        return outcome
