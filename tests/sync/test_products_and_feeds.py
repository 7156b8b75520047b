"""Product sync (G), and the change feeds: CDC per entity, truncation, the 30-day fallback,
webhooks marking records dirty."""

from __future__ import annotations

import datetime as dt

from hubqbo.sync import Action, ObjectKind, ObjectSync, SkipReason, SyncConfig
from tests.sync._world import World, props

PRODUCTS_ONLY = SyncConfig(contacts=ObjectSync.off())


def _products(world: World) -> dict[str, dict[str, object]]:
    return {str(props(p).get("name")): props(p) for p in world.products()}


def test_products_link_by_sku_then_name_and_create_the_rest(world: World) -> None:
    by_sku = world.hs.create("products", {"name": "Old name", "hs_sku": "aud-1", "price": "1"})
    by_name = world.hs.create("products", {"name": "Consulting", "price": "2"})
    world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD-1")
    world.qbo.add_item(world.realm, "consulting", 150)
    world.qbo.add_item(world.realm, "Training", 90, Description="One day")
    engine = world.engine(PRODUCTS_ONLY)

    ops = engine.plan().of(ObjectKind.PRODUCTS).operations
    assert sorted((op.action.value, op.hubspot_id or "") for op in ops) == sorted(
        [("update", by_sku), ("update", by_name), ("create", "")]
    )
    engine.run()
    products = _products(world)
    assert len(products) == 3
    assert products["Audit"]["price"] == "500"
    assert products["Audit"]["hs_sku"] == "AUD-1"
    assert products["Training"]["description"] == "One day"
    assert engine.run().applied == 0


def test_a_price_change_is_one_update(world: World) -> None:
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD-1")
    engine = world.engine(PRODUCTS_ONLY)
    engine.run()
    world.later()
    world.edit("Item", item, UnitPrice="550")
    world.later()
    plan = engine.plan()
    assert [(op.action, [c.name for c in op.changes]) for op in plan.operations] == [
        (Action.UPDATE, ["price"])
    ]
    engine.apply(plan)
    assert _products(world)["Audit"]["price"] == "550"


def test_categories_are_never_products(world: World) -> None:
    world.qbo.add_item(world.realm, "Hardware", 0, Type="Category")
    plan = world.engine(PRODUCTS_ONLY).plan()
    assert plan.of(ObjectKind.PRODUCTS).skipped_for(SkipReason.FILTERED) == 1


def test_a_truncated_change_feed_is_reread_by_query(world: World) -> None:
    engine = world.engine(PRODUCTS_ONLY)
    engine.run()  # backfill of nothing: the cursor is set
    world.later()
    for n in range(1_005):
        world.qbo.add_item(world.realm, f"Item {n:04d}", n)
    world.later()
    before = world.qbo.count_requests(path_contains="/query")
    result = engine.run()
    assert result.ok
    assert result.counts["products"] == {"create": 1_005}
    assert world.qbo.count_requests(path_contains="/query") - before >= 2  # paged re-read
    assert len(world.products()) == 1_005
    assert engine.run().applied == 0


def test_a_cursor_older_than_30_days_falls_back_to_queries(world: World) -> None:
    item = world.qbo.add_item(world.realm, "Audit", 500)
    engine = world.engine(PRODUCTS_ONLY)
    engine.run()
    world.clock.advance(seconds=dt.timedelta(days=40).total_seconds())
    world.edit("Item", item, UnitPrice="700")
    cdc_before = world.qbo.count_requests(path_contains="/cdc")
    result = engine.run()
    assert result.counts["products"] == {"update": 1}
    assert world.qbo.count_requests(path_contains="/cdc") == cdc_before  # CDC would refuse
    assert _products(world)["Audit"]["price"] == "700"
    world.later()
    assert engine.run().applied == 0  # the next run is incremental again


def test_webhooks_mark_records_dirty_once_however_often_they_arrive(world: World) -> None:
    class QboEvent:  # what hubqbo.quickbooks.parse_webhook returns, as attributes
        def __init__(self, entity_id: str) -> None:
            self.realm_id, self.entity, self.entity_id, self.operation = (
                world.realm,
                "Item",
                entity_id,
                "Update",
            )

    item = world.qbo.add_item(world.realm, "Audit", 500)
    engine = world.engine(PRODUCTS_ONLY)
    engine.run()
    world.later()
    world.edit("Item", item, UnitPrice="650")
    assert engine.notify([QboEvent(item), QboEvent(item), QboEvent(item)]) == 1
    assert len(world.store.dirty("acme")) == 1
    result = engine.run()
    assert result.counts["products"] == {"update": 1}
    assert world.store.dirty("acme") == []
