"""copy_tenant: everything of one tenant moves from SQLite to PostgreSQL (and back), as is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

from hubqbo import (
    Conflict,
    Cursor,
    DirtyMark,
    LeaseHeld,
    Link,
    MappingTally,
    Operation,
    OperationOutcome,
    OperationState,
    OutboxEvent,
    RunStatus,
    StateChange,
    TenantMismatch,
)
from hubqbo.sync import PostgresStateStore, SQLiteStateStore, copy_tenant
from hubqbo.sync._sql import SqlStateStore


def _fill(store: SqlStateStore) -> None:
    """One tenant with something in every table (and an open run), another left alone."""
    store.connect_tenant("acme", hubspot_portal_id="4471", qbo_realm_id="9130")
    store.connect_tenant("other")
    lease = store.acquire_lease("acme", "w1", ttl=dt.timedelta(minutes=5))
    store.start_run(lease)
    ops = [
        Operation.plan("acme", "customer", str(i), "1", "create", target="qbo") for i in range(5)
    ]
    store.journal(lease, ops[:3], begin=True)
    store.journal(lease, ops[3:])
    store.commit(
        lease,
        StateChange(
            outcomes=[OperationOutcome(ops[0].op_id, OperationState.APPLIED, remote_id="58")],
            links=[
                Link("customer", "58", "0", qbo_sync_token="3", base='{"a":1}'),
                Link(
                    "item",
                    "7",
                    "p7",
                    hubspot_updated_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
                ),
            ],
            cursors=[Cursor("quickbooks:cdc", "2026-11-01T00:00:00Z")],
            events=[OutboxEvent("e1", "invoice.overdue", "{}"), OutboxEvent("e2", "paid", "{}")],
            conflicts=[Conflict("c1", "customer", "58", "0", "email", '"a"', '"b"', '"c"')],
            tallies=[
                MappingTally(
                    "contacts", "Customer", 1, "email", written=2, refused=1, refusal="bad"
                )
            ],
        ),
    )
    store.mark_delivered("acme", ["e1"])
    store.mark_dirty(
        "acme",
        [DirtyMark("hubspot", "contact", "9", dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc))],
    )
    store.save_mapping_set("acme", "contacts", "Customer", '{"v":1}')
    store.save_mapping_set("acme", "contacts", "Customer", '{"v":2}')
    store.release_lease(lease)


@pytest.mark.parametrize("direction", ["sqlite-to-postgres", "postgres-to-sqlite"])
def test_copy_moves_everything(direction: str, tmp_path: Path, postgres_dsn: str) -> None:
    """The destination's export equals the source's, except the open run arrives abandoned."""
    sqlite = SQLiteStateStore(tmp_path / "state.sqlite3")
    postgres = PostgresStateStore(postgres_dsn)
    source, destination = (
        (sqlite, postgres) if direction == "sqlite-to-postgres" else (postgres, sqlite)
    )
    _fill(source)
    copied = copy_tenant(source, destination, "acme")
    moved = destination.export_tenant("acme")
    (open_run,) = copied.runs
    assert RunStatus.OPEN == open_run.status
    assert RunStatus.ABANDONED == moved.runs[0].status
    assert attrs.evolve(copied, runs=()) == attrs.evolve(moved, runs=())
    assert (5, 2, 2, 1, 1) == (
        len(moved.operations),
        len(moved.links),
        len(moved.events),
        len(moved.dirty),
        len(moved.mapping_statuses),
    )
    assert ["acme"] == [t.name for t in destination.tenants()]
    # the moved tenant works: a new lease starts at epoch 1 and may open a run
    lease = destination.acquire_lease("acme", "w2", ttl=dt.timedelta(minutes=5))
    assert RunStatus.OPEN == destination.start_run(lease).status
    with pytest.raises(TenantMismatch, match="already exists"):
        copy_tenant(source, destination, "acme")
    sqlite.close()
    postgres.close()


def test_copy_waits_for_a_running_sync(tmp_path: Path) -> None:
    """While a run holds the source's lease the copy is refused (nothing copied)."""
    source = SQLiteStateStore(tmp_path / "a.sqlite3")
    destination = SQLiteStateStore(tmp_path / "b.sqlite3")
    source.connect_tenant("acme")
    source.acquire_lease("acme", "sync", ttl=dt.timedelta(minutes=5))
    with pytest.raises(LeaseHeld):
        copy_tenant(source, destination, "acme")
    assert [] == destination.tenants()
