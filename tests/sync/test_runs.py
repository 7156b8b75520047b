"""The run history: each run's row records the mapping sets it used (both backends)."""

from __future__ import annotations

import re

from hubqbo.sandbox import ManualClock
from hubqbo.sync import ObjectKind, SyncConfig, SyncEngine
from hubqbo.sync._sql import SqlStateStore
from tests.sync._world import make_world

_PART = re.compile(r"^(contacts|products|invoices):v\d+:[0-9a-f]{12}$")


def test_a_run_row_records_the_mapping_sets_it_used(
    store: SqlStateStore, clock: ManualClock
) -> None:
    world = make_world()
    world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    config = SyncConfig()
    engine = SyncEngine(world.crm, world.ledger, state=store, tenant="runs", config=config)
    first = engine.run()
    assert first.ok
    assert first.mapping_version is not None
    parts = first.mapping_version.split(" ")
    assert all(_PART.match(p) for p in parts), parts
    assert [p.split(":")[0] for p in parts] == [k.value for k in config.enabled_kinds]
    (row,) = store.runs("runs")
    assert (row.run_id, row.kind, row.mapping_version) == (
        first.run_id,
        "sync",
        first.mapping_version,
    )
    assert f"mappings {first.mapping_version}" in str(first)

    # a new version of the contacts' mappings: the next run's row says so, the old row stays
    contacts = config.mapping_set(ObjectKind.CONTACTS)
    changed = contacts.delete(contacts.keys[-1])
    clock.advance(seconds=60)  # the store's clock: runs are listed newest first
    edited = SyncConfig(mappings={ObjectKind.CONTACTS: changed})
    again = SyncEngine(world.crm, world.ledger, state=store, tenant="runs", config=edited).run()
    assert again.mapping_version is not None
    assert again.mapping_version != first.mapping_version
    assert f"contacts:v{changed.version}:{changed.digest[:12]}" in again.mapping_version
    newest, oldest = store.runs("runs")
    assert (newest.mapping_version, oldest.mapping_version) == (
        again.mapping_version,
        first.mapping_version,
    )
