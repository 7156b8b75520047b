"""Two-way sync creating QBO customers from new HubSpot contacts, against the sandboxes: the
policy and the contact sync filter (the invoicing rules), the DisplayName rule when QBO says a
name is taken (6240, across customers, vendors and employees), a create whose answer was lost
re-run to exactly one customer, merged contacts keeping one link, and no echo afterwards."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from hubqbo.errors import ConfigurationError
from hubqbo.invoices import CustomerCreationPolicy
from hubqbo.mapping import Direction
from hubqbo.models import Contact
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import Fault, FaultPlan
from hubqbo.sync import ObjectKind, ObjectSync, SyncConfig, unique_display_name
from tests.sync._world import World, props


def creating(
    policy: CustomerCreationPolicy = CustomerCreationPolicy.ALWAYS,
    contact_filter: Any = None,
) -> SyncConfig:
    return SyncConfig(
        contacts=ObjectSync(
            direction=Direction.BOTH, create_in_qbo=policy, contact_filter=contact_filter
        ),
        products=ObjectSync.off(),
    )


def customers(world: World) -> list[dict[str, Any]]:
    return world.qbo.records(world.realm, "Customer")


def qbo_posts(world: World, path: str = "/customer") -> int:
    return sum(1 for r in world.qbo.requests if r.method == "POST" and r.path.endswith(path))


def qbo_queries(world: World) -> int:
    return sum(1 for r in world.qbo.requests if r.path.endswith("/query"))


def started(world: World, config: SyncConfig) -> Any:
    """Ann in QBO, backfilled to HubSpot (the first run follows HubSpot from then on)."""
    world.customer("Ann Lee", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@acme.example"})
    engine = world.engine(config)
    assert engine.run().counts == {"contacts": {"create": 1}}
    world.later()
    return engine


def new_contact(world: World, **properties: str) -> str:
    contact = world.hs.create("contacts", properties)
    world.later(1)
    return contact


def settles(world: World, engine: Any, runs: int = 3) -> None:
    """The next runs write nothing anywhere: no echo of the create, no loop."""
    for _ in range(runs):
        world.later(1)
        hs, qbo = world.hubspot_writes(), len(world.qbo.requests)
        posts = qbo_posts(world)
        assert engine.run().applied == 0
        assert world.hubspot_writes() == hs
        assert qbo_posts(world) == posts
        assert len(world.qbo.requests) >= qbo


def test_a_new_hubspot_contact_creates_one_qbo_customer_and_nothing_echoes(world: World) -> None:
    engine = started(world, creating())
    bob = new_contact(
        world, firstname="Bob", lastname="Stone", email="bob@stone.example", phone="555-0142"
    )
    plan = engine.plan()
    (create,) = plan.qbo_creates
    assert (create.hubspot_id, create.customer.display_name) == (bob, "Bob Stone")
    text = str(plan)
    assert "1 to QBO" in text
    assert (
        f"create QBO customer 'Bob Stone' from HubSpot contact {bob} "
        "(HubSpot → QBO; new HubSpot contact; policy always)"
    ) in text
    assert not plan.is_empty
    result = engine.apply(plan)
    assert result.ok, result.errors
    assert result.counts == {"contacts": {"qbo_create": 1}}
    made = [c for c in customers(world) if c["DisplayName"] == "Bob Stone"]
    assert len(made) == 1
    assert made[0]["PrimaryEmailAddr"]["Address"] == "bob@stone.example"
    assert made[0]["PrimaryPhone"]["FreeFormNumber"] == "555-0142"
    link = world.store.link("acme", "contacts", hubspot_id=bob)
    assert link is not None
    assert link.qbo_id == made[0]["Id"]
    # the next run gives the contact hubqbo's id (the key of later upserts), once
    world.later(1)
    assert engine.run().counts == {"contacts": {"update": 1}}
    contact = props(world.hs.get("contacts", bob) or {})
    assert contact["hubqbo_id"] == f"{world.realm}:{made[0]['Id']}"
    assert (contact["firstname"], contact["phone"]) == ("Bob", "555-0142")
    settles(world, engine)
    assert len(customers(world)) == 2
    # later edits flow as for any linked contact
    world.hs.update("contacts", bob, {"phone": "555-0199"})
    world.later(1)
    assert engine.run().counts == {"contacts": {"qbo_update": 1}}
    assert world.qbo.get(world.realm, "Customer", made[0]["Id"])["PrimaryPhone"] == {
        "FreeFormNumber": "555-0199"
    }
    settles(world, engine)


def test_no_policy_creates_nothing(world: World) -> None:
    engine = started(world, SyncConfig(contacts=ObjectSync(direction=Direction.BOTH)))
    new_contact(world, firstname="Bob", email="bob@stone.example")
    plan = engine.plan()
    assert plan.qbo_creates == ()
    engine.apply(plan)
    assert len(customers(world)) == 1


def test_only_eligible_contacts_are_created_and_the_plan_says_why_not(world: World) -> None:
    def synced(contact: Contact) -> bool:
        return (contact.email or "").endswith("@partner.example")

    engine = started(world, creating(CustomerCreationPolicy.ONLY_IF_ELIGIBLE, synced))
    eve = new_contact(world, firstname="Eve", lastname="Stone", email="eve@partner.example")
    tom = new_contact(world, firstname="Tom", lastname="Hill", email="tom@elsewhere.example")
    plan = engine.plan()
    assert [c.hubspot_id for c in plan.qbo_creates] == [eve]
    text = str(plan)
    assert "meeting the contact sync filter; policy only_if_eligible" in text
    assert (
        f"contact {tom} 'Tom Hill': not created in QBO (it does not meet the contact sync "
        "filter; policy only_if_eligible)"
    ) in text
    assert engine.apply(plan).ok
    assert sorted(c["DisplayName"] for c in customers(world)) == ["Ann Lee", "Eve Stone"]
    world.later(1)
    assert engine.run().counts == {"contacts": {"update": 1}}  # hubqbo's id onto Eve
    settles(world, engine)


def test_the_company_names_the_customer_as_in_invoicing(world: World) -> None:
    engine = started(world, creating())
    new_contact(world, firstname="Kim", lastname="Park", email="kim@k.example", company="Park: Co")
    (create,) = engine.plan().qbo_creates
    assert create.customer.display_name == "Park- Co"  # QBO refuses ':' in names
    assert (create.customer.given_name, create.customer.family_name) == ("Kim", "Park")


@pytest.mark.parametrize("holder", ["vendor", "employee", "customer"])
def test_a_name_taken_in_qbo_gets_the_documented_unique_name(world: World, holder: str) -> None:
    engine = started(world, creating())
    seed = {
        "vendor": world.qbo.add_vendor,
        "employee": world.qbo.add_employee,
        "customer": world.qbo.add_customer,
    }[holder]
    seed(world.realm, "Bob Stone", PrimaryEmailAddr={"Address": "accounts@stone.example"})
    bob = new_contact(world, firstname="Bob", lastname="Stone", email="bob@stone.example")
    result = engine.run()
    assert result.ok, result.errors
    assert result.counts["contacts"]["qbo_create"] == 1
    name = unique_display_name("Bob Stone", bob)
    assert name == f"Bob Stone (HubSpot {bob})"
    (made,) = [c for c in customers(world) if c["DisplayName"] == name]
    link = world.store.link("acme", "contacts", hubspot_id=bob)
    assert link is not None
    assert link.qbo_id == made["Id"]
    world.later(1)
    engine.run()
    settles(world, engine)
    assert sum(1 for c in customers(world) if "Bob Stone" in c["DisplayName"]) == (
        2 if holder == "customer" else 1
    )


def test_a_contact_the_qbo_side_links_by_email_in_the_same_run_is_not_created(
    world: World,
) -> None:
    engine = started(world, creating())
    same = world.customer("Bob Stone", PrimaryEmailAddr={"Address": "BOB@stone.example"})
    bob = new_contact(world, firstname="Bob", lastname="Stone", email="bob@stone.example")
    plan = engine.plan()
    assert plan.qbo_creates == ()
    assert engine.apply(plan).ok
    link = world.store.link("acme", "contacts", qbo_id=same)
    assert link is not None
    assert link.hubspot_id == bob
    assert len(customers(world)) == 2
    assert len(world.contacts()) == 2
    world.later(1)  # the contact's names fill the customer's blank ones, once
    assert engine.run().counts == {"contacts": {"qbo_update": 1}}
    settles(world, engine)


def lossy(world: World, faults: FaultPlan) -> None:
    world.qbo.faults = faults
    world.ledger = QuickBooksClient(
        realm_id=world.realm,
        access_token="t",
        transport=world.qbo,
        clock=world.clock,
        sleep=world.clock.sleep,
    )


@pytest.mark.parametrize("email", ["bob@stone.example", ""])
def test_a_create_whose_answer_was_lost_ends_with_exactly_one_customer(
    world: World, email: str
) -> None:
    engine = started(world, creating())
    bob = new_contact(world, firstname="Bob", lastname="Stone", email=email, phone="555-0142")
    # the create is applied, its answer lost; every re-send times out; then QBO forgets
    post = {"method": "POST", "path": r"/customer$"}
    lossy(
        world,
        FaultPlan.scripted([Fault.reset_after_apply(**post)] + [Fault.timeout(**post)] * 10),
    )
    engine = world.engine(creating())
    failed = engine.run()
    assert not failed.ok
    assert [c["DisplayName"] for c in customers(world)] == ["Ann Lee", "Bob Stone"]
    assert world.store.link("acme", "contacts", hubspot_id=bob) is None
    world.qbo.faults = FaultPlan.none()
    world.qbo.forget_request_ids()
    world.later(1)
    posts, queries = qbo_posts(world), qbo_queries(world)
    again = engine.run()
    assert again.ok, again.errors
    if email:  # QBO's side finds it first: its new customer is linked to the contact by e-mail
        assert again.counts == {"contacts": {"update": 1}}
    else:  # looked up by DisplayName, not sent again
        assert again.counts == {"contacts": {"qbo_create": 1}}
        assert qbo_queries(world) > queries
    assert qbo_posts(world) == posts
    (made,) = [c for c in customers(world) if c["DisplayName"] == "Bob Stone"]
    link = world.store.link("acme", "contacts", hubspot_id=bob)
    assert link is not None
    assert link.qbo_id == made["Id"]
    world.later(1)
    engine.run()
    settles(world, engine)
    assert len(customers(world)) == 2
    assert len(world.contacts()) == 2  # and no second contact for it in HubSpot


def _merge_event(survivor: str, merged: str) -> SimpleNamespace:
    return SimpleNamespace(
        event_type="contact.merge",
        object_id=survivor,
        raw={"primaryObjectId": survivor, "mergedObjectIds": [merged]},
    )


def test_merged_contacts_keep_one_link_and_create_nothing(world: World) -> None:
    engine = started(world, creating())
    (ann,) = world.contacts()
    other = new_contact(world, firstname="Ann", lastname="L.", email="ann.lee@b.example")
    world.hs.merge("contacts", other, ann["id"])
    engine.notify([_merge_event(other, ann["id"])])
    world.later(1)
    plan = engine.plan()
    assert plan.qbo_creates == ()
    assert engine.apply(plan).ok
    links = world.store.links("acme", "contacts")
    assert [link.hubspot_id for link in links] == [other]
    assert len(customers(world)) == 1
    world.hs.update("contacts", other, {"phone": "555-0177"})
    world.later(1)
    assert engine.run().counts == {"contacts": {"qbo_update": 1}}
    assert customers(world)[0]["PrimaryPhone"] == {"FreeFormNumber": "555-0177"}
    settles(world, engine)


def test_two_new_contacts_merged_make_one_customer(world: World) -> None:
    engine = started(world, creating())
    bob = new_contact(world, firstname="Bob", lastname="Stone", email="bob@stone.example")
    assert engine.run().counts == {"contacts": {"qbo_create": 1}}
    world.later(1)
    engine.run()
    dup = new_contact(world, firstname="Bobby", email="bobby@stone.example")
    world.hs.merge("contacts", bob, dup)
    engine.notify([_merge_event(bob, dup)])
    world.later(1)
    assert engine.plan().qbo_creates == ()
    engine.run()
    settles(world, engine)
    assert len(customers(world)) == 2
    assert [link.hubspot_id for link in world.store.links("acme", "contacts")].count(bob) == 1


def test_creation_is_configured_for_two_way_contacts_only() -> None:
    with pytest.raises(ConfigurationError, match="contact_filter"):
        SyncConfig(
            contacts=ObjectSync(
                direction=Direction.BOTH, create_in_qbo=CustomerCreationPolicy.ONLY_IF_ELIGIBLE
            )
        )
    with pytest.raises(ConfigurationError, match="two-way"):
        SyncConfig(contacts=ObjectSync(create_in_qbo=CustomerCreationPolicy.ALWAYS))
    with pytest.raises(ConfigurationError, match="items"):
        SyncConfig(
            products=ObjectSync(
                direction=Direction.BOTH, create_in_qbo=CustomerCreationPolicy.ALWAYS
            )
        )
    assert ObjectKind.CONTACTS.entity == "Customer"


def test_a_new_contact_merged_before_it_got_hubqbos_id_keeps_its_one_customer(
    world: World,
) -> None:
    engine = started(world, creating())
    bob = new_contact(world, firstname="Bob", lastname="Stone", email="bob@stone.example")
    assert engine.run().counts == {"contacts": {"qbo_create": 1}}
    survivor = new_contact(world, firstname="Robert", email="robert@stone.example")
    world.hs.merge("contacts", survivor, bob)  # the survivor has no hubqbo id to inherit
    engine.notify([_merge_event(survivor, bob)])
    world.later(1)
    plan = engine.plan()
    assert plan.qbo_creates == ()
    assert engine.apply(plan).ok
    assert len(customers(world)) == 2
    (link,) = [x for x in world.store.links("acme", "contacts") if x.hubspot_id == survivor]
    world.later(1)
    engine.run()
    world.later(1)
    engine.run()
    settles(world, engine)
    assert len(customers(world)) == 2
    assert props(world.hs.get("contacts", survivor) or {})["hubqbo_id"] == (
        f"{world.realm}:{link.qbo_id}"
    )


class StoresEmailsLowercased(httpx.BaseTransport):
    """HubSpot, storing contact e-mail addresses lower-cased (a value the CRM normalises on
    write: the answer and every later read show the stored form, not the one sent)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and "contacts/batch/" in path and request.content:
            body = json.loads(request.content)
            for item in body.get("inputs", []) if isinstance(body, dict) else []:
                props = item.get("properties") or {}
                if isinstance(props.get("email"), str):
                    props["email"] = props["email"].lower()
            request = httpx.Request(
                request.method,
                request.url,
                headers={k: v for k, v in request.headers.items() if k != "content-length"},
                json=body,
            )
        return self.inner.handle_request(request)


def test_a_value_hubspot_normalises_is_not_written_back_as_a_change(world: World) -> None:
    from hubqbo.hubspot import HubSpotClient

    world.crm = HubSpotClient(
        access_token="pat",
        transport=StoresEmailsLowercased(world.hs),
        clock=world.clock,
        sleep=world.clock.sleep,
    )
    ann = world.customer("Ann Lee", PrimaryEmailAddr={"Address": "ann@acme.example"})
    engine = world.engine(SyncConfig(contacts=ObjectSync(direction=Direction.BOTH)))
    engine.run()
    world.later()
    world.edit("Customer", ann, PrimaryEmailAddr={"Address": "Ann.Lee@Acme.example"})
    world.later(1)
    assert engine.run().counts == {"contacts": {"update": 1}}
    (contact,) = world.contacts()
    assert props(contact)["email"] == "ann.lee@acme.example"  # as HubSpot stored it
    link = world.store.link("acme", "contacts", qbo_id=ann)
    assert link is not None
    base = json.loads(link.base or "{}")
    assert (base["email"], base["#hs:email"]) == ("Ann.Lee@Acme.example", "ann.lee@acme.example")
    settles(world, engine)  # no echo: QBO keeps the address as its user typed it
    assert world.qbo.get(world.realm, "Customer", ann)["PrimaryEmailAddr"] == {
        "Address": "Ann.Lee@Acme.example"
    }


def test_both_names_taken_fails_the_contact_for_a_person_and_creates_nothing(
    world: World,
) -> None:
    engine = started(world, creating())
    world.qbo.add_vendor(world.realm, "Bob Stone")
    bob = new_contact(world, firstname="Bob", lastname="Stone", email="bob@stone.example")
    world.qbo.add_employee(world.realm, unique_display_name("Bob Stone", bob))
    for _ in range(3):
        result = engine.run()
        assert (result.failed, result.cursors_moved) == (1, False)
        assert "both names are taken in QBO; rename" in result.errors[0]
        world.later(1)
    plan = engine.plan()  # three failed attempts: held back until released
    assert plan.qbo_creates == ()
    assert f"engine.release(ObjectKind.CONTACTS, 'hs:{bob}')" in str(plan)
    assert engine.run().ok
    assert len(customers(world)) == 1
