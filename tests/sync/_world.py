"""A small world for the sync engine's tests: both sandboxes on one manual clock, the real HTTP
adapters talking to them through their transports, and a SQLite state store in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from hubqbo.hubspot import HubSpotClient
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sync import SQLiteStateStore, SyncConfig, SyncEngine

START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)


@attrs.define
class World:
    """Both sandboxes, their clients, a store, and an engine factory."""

    clock: ManualClock
    qbo: QuickBooksSandbox
    hs: HubSpotSandbox
    realm: str
    ledger: QuickBooksClient
    crm: HubSpotClient
    store: SQLiteStateStore

    def engine(self, config: SyncConfig | None = None, **kwargs: Any) -> SyncEngine:
        return SyncEngine(
            self.crm,
            self.ledger,
            state=self.store,
            tenant="acme",
            config=config,
            now=self.clock.now,
            **kwargs,
        )

    def customer(self, name: str, **fields: Any) -> str:
        return self.qbo.add_customer(self.realm, name, **fields)

    def edit(self, entity: str, record_id: str, **fields: Any) -> None:
        self.qbo.update(self.realm, entity, record_id, fields)

    def later(self, minutes: float = 5) -> None:
        self.clock.advance(seconds=minutes * 60)

    def contacts(self) -> list[dict[str, Any]]:
        return self.hs.records("contacts")

    def products(self) -> list[dict[str, Any]]:
        return self.hs.records("products")

    def hubspot_writes(self) -> int:
        """HubSpot requests that write (POST/PUT/PATCH/DELETE, reads by POST excluded)."""
        return sum(
            1
            for r in self.hs.requests
            if r.method in {"PUT", "PATCH", "DELETE"}
            or (r.method == "POST" and not r.path.endswith(("/read", "/search")))
        )


def make_world(clock: ManualClock | None = None, **hubspot: Any) -> World:
    """The world; ``hubspot``: more ``HubSpotSandbox`` settings (``strict_unique_properties``)."""
    clock = clock or ManualClock(START)
    qbo = QuickBooksSandbox(clock=clock)
    realm = qbo.add_realm(country="US")
    hs = HubSpotSandbox(
        clock=clock, time_zone="America/New_York", company_currency="USD", **hubspot
    )
    ledger = QuickBooksClient(
        realm_id=realm, access_token="t", transport=qbo, clock=clock, sleep=clock.sleep
    )
    crm = HubSpotClient(access_token="pat", transport=hs, clock=clock, sleep=clock.sleep)
    return World(clock, qbo, hs, realm, ledger, crm, SQLiteStateStore(":memory:"))


def props(record: dict[str, Any]) -> dict[str, Any]:
    """A sandbox record's properties."""
    return dict(record.get("properties") or {})


def by_email(world: World) -> dict[str, dict[str, Any]]:
    return {props(c).get("email") or "": props(c) for c in world.contacts()}
