"""Two-way sync of contacts and products against the sandboxes: one scenario per rule, echo
suppression, empty values, money one way, a lost QBO answer re-sent with its requestid."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hubqbo.mapping import Direction
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sync import ConflictRule, ObjectSync, SyncConfig
from tests.sync._world import World, props


def two_way(rule: ConflictRule = ConflictRule.QBO_WINS, *, products: bool = False) -> SyncConfig:
    return SyncConfig(
        contacts=ObjectSync(direction=Direction.BOTH),
        products=ObjectSync(direction=Direction.BOTH) if products else ObjectSync.off(),
        conflict_rule=rule,
    )


def qbo_writes(world: World) -> int:
    """QBO requests that write (entity POSTs; queries are GETs)."""
    return sum(1 for r in world.qbo.requests if r.method == "POST" and "/query" not in r.path)


def customer(world: World, qbo_id: str) -> dict[str, Any]:
    found = world.qbo.get(world.realm, "Customer", qbo_id)
    assert found is not None
    return found


def linked_world(world: World, rule: ConflictRule = ConflictRule.QBO_WINS) -> tuple[Any, str, str]:
    """Ann in QBO, synced once to HubSpot (the backfill), both sides agreeing."""
    ann = world.customer(
        "Acme Inc",
        GivenName="Ann",
        FamilyName="Lee",
        PrimaryEmailAddr={"Address": "ann@acme.example"},
        PrimaryPhone={"FreeFormNumber": "555-0100"},
    )
    engine = world.engine(two_way(rule))
    assert engine.run().counts == {"contacts": {"create": 1}}
    (contact,) = world.contacts()
    world.later()
    return engine, ann, contact["id"]


def test_a_hubspot_change_goes_to_qbo_once_and_its_echo_costs_nothing(world: World) -> None:
    engine, ann, contact = linked_world(world)
    world.hs.update("contacts", contact, {"phone": "555-0199"})
    world.later(1)
    plan = engine.plan()
    assert plan.operations == ()  # nothing for HubSpot
    (write,) = plan.qbo_writes
    assert [(c.name, c.before, c.after) for c in write.changes] == [
        ("phone", "555-0100", "555-0199")
    ]
    assert "phone: '555-0100' → '555-0199' (HubSpot → QBO; changed in HubSpot only)" in str(plan)
    hs_before, qbo_before = world.hubspot_writes(), qbo_writes(world)
    result = engine.apply(plan)
    assert result.ok
    assert result.counts == {"contacts": {"qbo_update": 1}}
    assert customer(world, ann)["PrimaryPhone"]["FreeFormNumber"] == "555-0199"
    assert (world.hubspot_writes() - hs_before, qbo_writes(world) - qbo_before) == (0, 1)
    # QBO's change data capture now reports hubqbo's own write: equal to the base, no echo
    for _ in range(3):
        world.later(1)
        assert engine.run().applied == 0
    assert (world.hubspot_writes() - hs_before, qbo_writes(world) - qbo_before) == (0, 1)


def test_each_side_changed_field_goes_to_the_other_side(world: World) -> None:
    engine, ann, contact = linked_world(world)
    world.edit("Customer", ann, FamilyName="Lee-Smith")
    world.hs.update("contacts", contact, {"phone": "555-0199"})
    world.later(1)
    plan = engine.plan()
    (op,) = plan.operations
    assert dict(op.properties) == {"lastname": "Lee-Smith"}  # only the field HubSpot must take
    (write,) = plan.qbo_writes
    assert [c.name for c in write.changes] == ["phone"]
    assert engine.apply(plan).ok
    assert props(world.hs.get("contacts", contact) or {})["lastname"] == "Lee-Smith"
    assert customer(world, ann)["PrimaryPhone"]["FreeFormNumber"] == "555-0199"
    world.later(1)
    assert engine.run().applied == 0


@pytest.mark.parametrize(
    ("rule", "hubspot_last", "qbo_name", "hubspot_name"),
    [
        (ConflictRule.QBO_WINS, True, "Anne", "Anne"),
        (ConflictRule.HUBSPOT_WINS, False, "Annie", "Annie"),
        (ConflictRule.NEWEST_WINS, True, "Annie", "Annie"),
        (ConflictRule.NEWEST_WINS, False, "Anne", "Anne"),
        (ConflictRule.MANUAL, True, "Anne", "Annie"),
    ],
)
def test_a_conflict_follows_the_rule(
    world: World, rule: ConflictRule, hubspot_last: bool, qbo_name: str, hubspot_name: str
) -> None:
    engine, ann, contact = linked_world(world, rule)
    edits = [
        lambda: world.edit("Customer", ann, GivenName="Anne"),
        lambda: world.hs.update("contacts", contact, {"firstname": "Annie"}),
    ]
    for edit in edits if hubspot_last else reversed(edits):
        edit()
        world.later(1)
    plan = engine.plan()
    assert "conflict" in str(plan)
    assert engine.apply(plan).ok
    assert customer(world, ann)["GivenName"] == qbo_name
    assert props(world.hs.get("contacts", contact) or {})["firstname"] == hubspot_name
    world.later(1)
    assert engine.run().applied == 0  # settled (or waiting for a person): nothing loops


def test_a_manual_conflict_waits_for_a_person_then_the_winner_is_written(world: World) -> None:
    engine, ann, contact = linked_world(world, ConflictRule.MANUAL)
    world.edit("Customer", ann, GivenName="Anne")
    world.hs.update("contacts", contact, {"firstname": "Annie"})
    world.later(1)
    assert engine.run().applied == 0
    (conflict,) = engine.conflicts()
    assert (conflict.field, conflict.qbo_value, conflict.hubspot_value) == (
        "firstname",
        "Anne",
        "Annie",
    )
    assert "engine.resolve" in str(engine.plan())
    engine.resolve(conflict.conflict_id, "hubspot")
    world.later(1)
    assert engine.run().counts == {"contacts": {"qbo_update": 1}}
    assert customer(world, ann)["GivenName"] == "Annie"
    assert world.store.conflicts("acme") == []
    world.later(1)
    assert engine.run().applied == 0
    with pytest.raises(ValueError, match="winner"):
        engine.resolve(conflict.conflict_id, "both")


def test_an_empty_value_never_clears_the_other_side(world: World) -> None:
    engine, ann, contact = linked_world(world, ConflictRule.HUBSPOT_WINS)
    world.hs.update("contacts", contact, {"phone": ""})
    world.later(1)
    plan = engine.plan()
    assert plan.is_empty
    assert "phone: nothing written (the value to copy is empty" in str(plan)
    engine.apply(plan)
    assert customer(world, ann)["PrimaryPhone"]["FreeFormNumber"] == "555-0100"
    world.later(1)
    assert engine.run().applied == 0


def test_money_goes_from_qbo_to_hubspot_only(world: World) -> None:
    audit = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    engine = world.engine(two_way(products=True))
    engine.run()
    (product,) = world.products()
    world.later()
    world.hs.update("products", product["id"], {"price": "1", "description": "Yearly audit"})
    world.later(1)
    plan = engine.plan()
    (op,) = plan.operations
    assert dict(op.properties) == {"price": "500"}  # HubSpot shows the ledger's price again
    (write,) = plan.qbo_writes
    assert dict(write.fields) == {"Description": "Yearly audit"}
    assert engine.apply(plan).ok
    item = world.qbo.get(world.realm, "Item", audit) or {}
    assert (str(item["UnitPrice"]), item["Description"]) == ("500", "Yearly audit")
    assert props(world.hs.get("products", product["id"]) or {})["price"] == "500"
    world.later(1)
    assert engine.run().applied == 0


class LosesAnswers(httpx.BaseTransport):
    """QBO, except that the first customer update's answer is lost after QBO applied it."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/customer") and not self.lost:
            self.lost += 1
            raise httpx.ReadError("connection reset after the write", request=request)
        return answer


def test_a_lost_qbo_answer_is_resent_with_its_requestid_and_applied_once(world: World) -> None:
    engine, ann, contact = linked_world(world)
    lossy = LosesAnswers(world.qbo)
    world.ledger = QuickBooksClient(
        realm_id=world.realm,
        access_token="t",
        transport=lossy,
        clock=world.clock,
        sleep=world.clock.sleep,
    )
    engine = world.engine(two_way())
    world.hs.update("contacts", contact, {"phone": "555-0199"})
    world.later(1)
    result = engine.run()
    assert lossy.lost == 1
    assert customer(world, ann)["PrimaryPhone"]["FreeFormNumber"] == "555-0199"
    assert customer(world, ann)["SyncToken"] == "1"  # one update, however often sent
    world.later(1)
    again = engine.run()
    assert result.ok or again.ok
    world.later(1)
    assert engine.run().applied == 0
    assert customer(world, ann)["SyncToken"] == "1"


class SearchLags(httpx.BaseTransport):
    """HubSpot, except that search has not indexed anything yet (it is eventually
    consistent): only a webhook can tell the engine a contact changed."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/search"):
            return httpx.Response(200, json={"total": 0, "results": []})
        return self.inner.handle_request(request)


def test_a_hubspot_webhook_marks_a_contact_search_has_not_indexed_yet(world: World) -> None:
    import datetime as dt

    from hubqbo.hubspot import HubSpotClient
    from hubqbo.hubspot.webhooks import WebhookEvent

    engine, ann, contact = linked_world(world)
    world.crm = HubSpotClient(
        access_token="pat",
        transport=SearchLags(world.hs),
        clock=world.clock,
        sleep=world.clock.sleep,
    )
    engine = world.engine(two_way())
    world.hs.update("contacts", contact, {"phone": "555-0199"})
    world.later(1)
    assert engine.run().applied == 0  # search does not show it yet
    event = WebhookEvent(
        event_id="1",
        subscription_id="9",
        portal_id="62515",
        occurred_at=dt.datetime(2026, 11, 2, 15, 6, tzinfo=dt.timezone.utc),
        event_type="contact.propertyChange",
        object_id=contact,
        property_name="phone",
        property_value="555-0199",
    )
    assert engine.notify([event, event]) == 1
    world.later(1)
    assert engine.run().counts == {"contacts": {"qbo_update": 1}}
    assert customer(world, ann)["PrimaryPhone"]["FreeFormNumber"] == "555-0199"
    world.later(1)
    assert engine.run().applied == 0


def test_invoices_cannot_be_configured_two_way() -> None:
    from hubqbo.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="one way"):
        SyncConfig(invoices=ObjectSync(direction=Direction.BOTH))
    assert SyncConfig(contacts=ObjectSync(direction=Direction.BOTH)).contacts.direction is (
        Direction.BOTH
    )
