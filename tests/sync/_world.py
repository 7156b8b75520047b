"""A small world for the sync engine's tests: both sandboxes on one manual clock, the real HTTP
adapters talking to them through their transports, and a SQLite state store in memory."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

from hubqbo.errors import HubQboError
from hubqbo.hubspot import HubSpotClient
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import Fault, FaultPlan, HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sync import SQLiteStateStore, SyncConfig, SyncEngine

START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)
SRC = Path(__file__).resolve().parents[2] / "src"
"""This checkout's sources: a child process imports hubqbo from here (``PYTHONPATH``)."""


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


FAULTS = [
    Fault.rate_limit(retry_after=1),
    Fault.server_error(503),
    Fault.timeout(),
    Fault.reset_after_apply(),
]
"""The faults of the fault-injection tests (a request fails with one of them)."""


def set_faults(world: World, faults: FaultPlan | None) -> None:
    """Both sandboxes fail requests by ``faults`` (one plan, seeded; ``None``: no faults)."""
    world.hs.faults = faults or FaultPlan.none()
    world.qbo.faults = faults or FaultPlan.none()


def until_clean(world: World, config: SyncConfig, attempts: int = 40) -> int:
    """Run until a run wrote everything, moved its cursors and leaves an empty plan (a fault
    in a run's or a dry run's reads: try again); returns the runs it took."""
    engine = world.engine(config, max_attempts=1_000)
    for run in range(1, attempts + 1):
        world.later(1)
        try:
            result = engine.run()
            settled = result.ok and result.cursors_moved and engine.plan().is_empty
        except HubQboError:
            continue
        if settled:
            return run
    raise AssertionError("the runs never settled")


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    """A child python running ``code`` with ``args`` on this checkout's hubqbo (the crash
    tests' processes); stdout and stderr are piped, as text."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
