"""The periodic jobs in one process on the suite's PostgreSQL: the change-feed pass queues one
sync per tenant (never two waiting), a worker that stops when the queue is empty runs them,
the hourly sweep turns invoices overdue after the companies' midnight, each job writes its
log line, and old finished jobs are pruned."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import attrs
import psycopg
import pytest

from hubqbo.hubspot import HubSpotClient
from hubqbo.protocols import StateStore
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sync import ObjectSync, PostgresStateStore, SyncConfig, SyncEngine
from hubqbo.workers import Schedule, Workers
from tests._postgres import PostgresServer

START = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)


@attrs.define
class Account:
    hs: HubSpotSandbox
    qbo: QuickBooksSandbox
    realm: str
    invoice: str


@pytest.fixture
def dsn(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create_database()
    yield name
    postgres_server.drop_database(name.rsplit("/", 1)[1])


def _accounts(clock: ManualClock) -> dict[str, Account]:
    out = {}
    for i, zone in enumerate(["America/New_York", "Europe/Paris", "Pacific/Auckland"]):
        qbo = QuickBooksSandbox(clock=clock)
        realm = qbo.add_realm(country="US", time_zone=zone, realm_id=str(9130_0000_0000_0000 + i))
        customer = qbo.add_customer(realm, "Acme", PrimaryEmailAddr={"Address": "a@acme.example"})
        item = qbo.add_item(realm, "Audit", 100)
        invoice = qbo.add_invoice(realm, customer, [(item, 1, 100)], DueDate="2026-12-01")
        out[f"t{i}"] = Account(HubSpotSandbox(clock=clock), qbo, realm, invoice)
    return out


def _jobs(dsn: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT task_name, status::text, args->>'tenant' FROM procrastinate_jobs "
            "WHERE task_name IN ('hubqbo.sync', 'hubqbo.sweep') ORDER BY id"
        ).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def _call(workers: Workers, task: str) -> Any:
    async def go() -> Any:
        async with workers.app.open_async():
            return await workers.app.tasks[task].func(timestamp=0)

    return asyncio.run(go())


def test_periodic_syncs_and_sweeps(dsn: str, caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(START)
    accounts = _accounts(clock)
    store = PostgresStateStore(dsn)

    def engine(tenant: str, state: StateStore) -> SyncEngine:
        account = accounts[tenant]
        return SyncEngine(
            HubSpotClient(access_token="p", transport=account.hs, clock=clock),
            QuickBooksClient(
                realm_id=account.realm, access_token="t", transport=account.qbo, clock=clock
            ),
            state=state,
            tenant=tenant,
            config=SyncConfig(invoices=ObjectSync()),
            now=clock.now,
        )

    for name, account in accounts.items():
        store.connect_tenant(name, qbo_realm_id=account.realm)
    # no periodic pass: called by hand below (a real one at the top of the hour would add jobs)
    quiet = attrs.evolve(Schedule(), sync_every_minutes=None, sweep_cron=None)
    workers = Workers(dsn, engine, store=store, schedule=quiet)
    workers.migrate()
    assert _call(workers, "hubqbo.schedule_syncs") == 3
    assert _call(workers, "hubqbo.schedule_syncs") == 0  # each tenant's sync already waits
    assert [(t, s) for t, s, _ in _jobs(dsn)] == [("hubqbo.sync", "todo")] * 3
    caplog.set_level(logging.INFO, logger="hubqbo.workers")
    workers.run_worker(wait=False, install_signal_handlers=False)
    assert [(t, s) for t, s, _ in _jobs(dsn)] == [("hubqbo.sync", "succeeded")] * 3
    for account in accounts.values():
        (record,) = account.hs.records("invoices")
        assert record["properties"]["hubqbo_invoice_status"] == "awaiting_send"

    # 2 December 00:30 in Auckland (11:30 UTC on the 1st): only Auckland's invoice is overdue
    clock.advance(
        seconds=(dt.datetime(2026, 12, 1, 11, 30, tzinfo=dt.timezone.utc) - START).total_seconds()
    )
    assert _call(workers, "hubqbo.schedule_sweeps") == 3
    workers.run_worker(wait=False, install_signal_handlers=False)
    statuses = {
        name: a.hs.records("invoices")[0]["properties"]["hubqbo_invoice_status"]
        for name, a in accounts.items()
    }
    assert statuses == {"t0": "awaiting_send", "t1": "awaiting_send", "t2": "overdue"}
    assert [e.type for e in store.pending_events("t2")] == ["invoice_became_overdue"]
    lines = [r.getMessage() for r in caplog.records if r.name == "hubqbo.workers"]
    assert sum("kind=sync reason=schedule" in line for line in lines) == 3
    (overdue,) = [line for line in lines if "tenant=t2 kind=sweep" in line]
    assert "reason=schedule:due=1" in overdue
    assert "status=ok" in overdue
    assert "run_id=" in overdue
    assert "run_id=-" not in overdue
    fields = next(r for r in caplog.records if "tenant=t2 kind=sweep" in r.getMessage())
    assert fields.hubqbo["applied"] >= 1  # type: ignore[attr-defined]

    # prune: nothing is 72 hours old yet; with 0 hours kept, the succeeded jobs go
    _call(workers, "hubqbo.prune_jobs")
    assert len(_jobs(dsn)) == 6
    pruning = Workers(
        dsn, engine, store=store, schedule=attrs.evolve(workers.schedule, keep_jobs_hours=0)
    )
    _call(pruning, "hubqbo.prune_jobs")
    assert _jobs(dsn) == []
    store.close()
