"""The engine on PostgreSQL: the same scenario as on SQLite, end to end (a backfill with an
existing contact linked by e-mail, an incremental update, a re-run that writes nothing)."""

from __future__ import annotations

from hubqbo.sync import Action, ObjectKind, ObjectSync, PostgresStateStore, SyncConfig
from tests.sync.conftest import World, by_email, make_world


def test_the_engine_runs_on_postgresql(postgres_dsn: str) -> None:
    world: World = make_world()
    world.store.close()
    with PostgresStateStore(postgres_dsn) as store:
        world.store = store  # type: ignore[assignment]
        existing = world.hs.create("contacts", {"email": "ann@acme.example"})
        ann = world.customer(
            "Acme", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@acme.example"}
        )
        world.customer("Globex", GivenName="Hank", PrimaryEmailAddr={"Address": "h@globex.example"})
        engine = world.engine(SyncConfig(invoices=ObjectSync()))
        plan = engine.plan()
        actions = sorted(
            (op.action, op.hubspot_id or "") for op in plan.of(ObjectKind.CONTACTS).operations
        )
        assert actions == [(Action.CREATE, ""), (Action.UPDATE, existing)]
        assert engine.apply(plan).ok
        world.later()
        world.edit("Customer", ann, GivenName="Annie")
        world.later()
        assert engine.run().applied == 1
        assert by_email(world)["ann@acme.example"]["firstname"] == "Annie"
        world.later()
        assert engine.run().applied == 0
