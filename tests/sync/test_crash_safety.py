"""Crash safety beyond the record writes: a deal's roll-up interrupted after its invoice was
written is completed by the next run, with its event written once; an invoice moved to another
customer keeps one contact association; creates without a unique property are looked up when
they were sent before, never duplicated.

The seeded fault runs on a portal without unique properties run a CI-sized share; more with::

    HUBQBO_LOOKUP_SEEDS=200 python -m pytest -q -p no:cacheprovider tests/sync/test_crash_safety.py
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from hubqbo.errors import HubQboError
from hubqbo.sandbox import Fault, FaultPlan
from hubqbo.sync import Action, ObjectKind, ObjectSync, SyncConfig
from tests.sync._world import World, make_world, props

ALL = SyncConfig(invoices=ObjectSync())


def _invoice_with_a_deal(world: World) -> tuple[str, str]:
    customer = world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    invoice = world.qbo.add_invoice(world.realm, customer, [(item, 2, 500)])
    assert world.engine(ALL).run().ok
    (record,) = world.hs.records("invoices")
    deal = world.hs.create("deals", {"dealname": "Audit"})
    world.crm.associate("invoices", record["id"], "deals", deal)  # type: ignore[arg-type]
    return invoice, deal


def _rollup_events(world: World) -> int:
    return sum(1 for e in world.store.pending_events("acme") if e.type == "deal_rollup_changed")


@pytest.mark.parametrize(
    ("where", "fault"),
    [
        # the roll-up's deal update never lands (every retry times out): the run fails there
        ("the deal update", Fault.timeout(method="PATCH", path=r"/deals/")),
        # the deal update lands, its answer is lost every time: the roll-up is written, the
        # run ends before its event is stored
        ("the deal update's answer", Fault.reset_after_apply(method="PATCH", path=r"/deals/")),
        # the deals of the written invoice cannot be read: the roll-up is not even started
        ("the invoice's deals", Fault.server_error(503, path=r"/invoices/deals/batch/read")),
    ],
)
def test_a_rollup_interrupted_after_its_invoice_write_is_completed_by_the_next_run(
    world: World, where: str, fault: Fault
) -> None:
    invoice, deal = _invoice_with_a_deal(world)
    events = _rollup_events(world)
    world.later()
    world.qbo.add_payment(world.realm, invoice, 1000)
    world.later()
    world.hs.faults = FaultPlan.scripted([fault] * 10)
    try:
        interrupted = world.engine(ALL).run()
    except Exception:  # noqa: BLE001 - a crash is what this test injects
        interrupted = None
    assert interrupted is None or not interrupted.ok, where
    (record,) = world.hs.records("invoices")
    assert props(record)["hubqbo_invoice_status"] == "paid"  # the invoice write landed
    world.hs.faults = FaultPlan.none()
    world.later()
    result = world.engine(ALL).run()
    assert result.ok, (where, result.errors)
    assert props(world.hs.get("deals", deal) or {})["qbo_invoice_status"] == "paid", where
    assert _rollup_events(world) == events + 1, where
    world.later()
    again = world.engine(ALL).run()
    assert (again.applied, _rollup_events(world)) == (0, events + 1)


def _contacts_of_invoice(world: World, record_id: str) -> list[str]:
    return sorted(a.to_id for a in world.crm.associations("invoices", record_id, "contacts"))  # type: ignore[arg-type]


def _companies_of_invoice(world: World, record_id: str) -> list[str]:
    return sorted(a.to_id for a in world.crm.associations("invoices", record_id, "companies"))  # type: ignore[arg-type]


def test_an_invoice_moved_to_another_customer_keeps_only_the_new_contact_and_company(
    world: World,
) -> None:
    old_company = world.hs.create("companies", {"name": "Acme Inc"})
    new_company = world.hs.create("companies", {"name": "Globex"})
    for email, company in (("ann@acme.example", old_company), ("bob@globex.example", new_company)):
        contact = world.hs.create("contacts", {"email": email})
        world.crm.associate("contacts", contact, "companies", company, type_id=1)  # type: ignore[arg-type]
    acme = world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    globex = world.customer("Globex", PrimaryEmailAddr={"Address": "bob@globex.example"})
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    invoice = world.qbo.add_invoice(world.realm, acme, [(item, 2, 500)])
    engine = world.engine(ALL)
    assert engine.run().ok
    contacts = {props(c)["email"]: c["id"] for c in world.contacts()}
    (record,) = world.hs.records("invoices")
    assert _contacts_of_invoice(world, record["id"]) == [contacts["ann@acme.example"]]
    world.later()
    world.edit("Invoice", invoice, CustomerRef={"value": globex})
    world.later()
    plan = engine.plan()
    moved = [
        (op.action.value, op.to_type.value if op.to_type else "", op.to_id)
        for op in plan.of(ObjectKind.INVOICES).operations
        if op.action in (Action.ASSOCIATE, Action.DISSOCIATE)
    ]
    assert sorted(moved) == sorted(
        [
            ("dissociate", "contacts", acme),
            ("associate", "contacts", globex),
            ("dissociate", "companies", old_company),
            ("associate", "companies", new_company),
        ]
    )
    result = engine.apply(plan)
    assert result.ok, result.errors
    assert result.counts["invoices"]["dissociate"] == 2
    assert _contacts_of_invoice(world, record["id"]) == [contacts["bob@globex.example"]]
    assert _companies_of_invoice(world, record["id"]) == [new_company]
    world.later()
    assert engine.run().applied == 0


def test_a_failed_association_removal_is_retried_before_the_new_association(
    world: World,
) -> None:
    acme = world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    globex = world.customer("Globex", PrimaryEmailAddr={"Address": "bob@globex.example"})
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    invoice = world.qbo.add_invoice(world.realm, acme, [(item, 2, 500)])
    engine = world.engine(ALL)
    assert engine.run().ok
    world.later()
    world.edit("Invoice", invoice, CustomerRef={"value": globex})
    world.later()
    world.hs.faults = FaultPlan.scripted(
        [Fault.server_error(503, path=r"/invoices/contacts/batch/archive")] * 10
    )
    for _ in range(2):  # twice: the waiting association stays failed, nothing breaks
        failed = engine.run()
        assert not failed.ok
        world.later()
    (record,) = world.hs.records("invoices")
    contacts = {props(c)["email"]: c["id"] for c in world.contacts()}
    # nothing half-done: the old contact stays until its removal lands, the new one waits
    assert _contacts_of_invoice(world, record["id"]) == [contacts["ann@acme.example"]]
    world.hs.faults = FaultPlan.none()
    world.later()
    assert engine.run().ok
    assert _contacts_of_invoice(world, record["id"]) == [contacts["bob@globex.example"]]


# --------------------------------------------------------------------- look-up before create

_ID_PROPERTY = {
    "products": "hubqbo_id",
    "line_items": "hubqbo_id",
    "invoices": "qbo_invoice_ref",
}


def _strict_world() -> tuple[World, str]:
    """A portal that refuses unique-value properties where HubSpot does not document them
    (products, line items, invoices), already synced once (so the product is not found by
    the first run's initial linking), then one new item and invoice in QBO."""
    world = make_world(strict_unique_properties=True)
    customer = world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    assert world.engine(ALL).run().ok
    world.later()
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    invoice = world.qbo.add_invoice(world.realm, customer, [(item, 2, 500)])
    world.later()
    return world, invoice


def _by_id_property(world: World, object_type: str) -> Counter[str]:
    prop = _ID_PROPERTY[object_type]
    return Counter(str(props(r).get(prop)) for r in world.hs.records(object_type))


@pytest.mark.parametrize("object_type", ["products", "invoices", "line_items"])
def test_a_create_whose_answer_was_lost_is_adopted_by_the_next_run(object_type: str) -> None:
    world, invoice = _strict_world()
    world.hs.faults = FaultPlan.scripted(
        [Fault.reset_after_apply(method="POST", path=rf"/{object_type}/batch/create$")]
    )
    first = world.engine(ALL).run()
    assert not first.ok  # the create landed, its answer did not
    assert len(world.hs.records(object_type)) == 1
    world.later()
    again = world.engine(ALL).run()
    assert again.ok, again.errors
    for each in ("products", "invoices", "line_items"):
        counts = _by_id_property(world, each)
        assert list(counts.values()) == [1], (each, counts)
    (record,) = world.hs.records("invoices")
    assert props(record)["qbo_invoice_ref"] == f"{world.realm}:{invoice}"
    (contact,) = world.contacts()
    assert _contacts_of_invoice(world, record["id"]) == [contact["id"]]
    (line,) = world.hs.records("line_items")
    lines = world.crm.associations("invoices", record["id"], "line_items")  # type: ignore[arg-type]
    assert [a.to_id for a in lines] == [line["id"]]
    world.later()
    assert world.engine(ALL).run().applied == 0


def test_creates_without_unique_properties_cost_no_search_on_the_normal_path() -> None:
    world, _ = _strict_world()
    assert world.engine(ALL).run().ok
    searches = [r.path for r in world.hs.requests if r.path.endswith("/search")]
    assert searches == []
    assert [len(world.hs.records(t)) for t in ("products", "invoices", "line_items")] == [1] * 3


def test_an_invoice_whose_write_failed_gets_its_associations_with_the_retry(
    world: World,
) -> None:
    customer = world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    world.qbo.add_invoice(world.realm, customer, [(item, 2, 500)])
    world.hs.faults = FaultPlan.scripted(
        [Fault.server_error(503, method="POST", path=r"/invoices/batch/upsert$")] * 10
    )
    assert not world.engine(ALL).run().ok
    assert world.hs.records("invoices") == []
    world.hs.faults = FaultPlan.none()
    world.later()
    assert world.engine(ALL).run().ok
    (record,) = world.hs.records("invoices")
    (contact,) = world.contacts()
    assert _contacts_of_invoice(world, record["id"]) == [contact["id"]]
    (line,) = world.hs.records("line_items")
    lines = world.crm.associations("invoices", record["id"], "line_items")  # type: ignore[arg-type]
    assert [a.to_id for a in lines] == [line["id"]]


LOOKUP_SEEDS = int(os.environ.get("HUBQBO_LOOKUP_SEEDS", "12"))


@pytest.mark.parametrize("seed", range(LOOKUP_SEEDS))
def test_faulty_runs_without_unique_properties_create_each_record_once(seed: int) -> None:
    """20% of HubSpot's requests fail (429, 5xx, timeouts, resets after the write applied):
    once the runs settle, one product, invoice and line item per QBO record."""
    world = make_world(strict_unique_properties=True)
    customers = [
        world.customer(f"C{n}", PrimaryEmailAddr={"Address": f"c{n}@example.test"})
        for n in range(6)
    ]
    assert world.engine(ALL).run().ok
    world.later()
    items = [world.qbo.add_item(world.realm, f"Item {n}", 10 + n, Sku=f"S{n}") for n in range(8)]
    for n in range(10):
        world.qbo.add_invoice(world.realm, customers[n % 6], [(items[n % 8], 1 + n % 3, 10 + n)])
    world.hs.faults = FaultPlan.random(
        rate=0.2,
        seed=seed,
        faults=[
            Fault.rate_limit(retry_after=1),
            Fault.server_error(503),
            Fault.timeout(),
            Fault.reset_after_apply(),
        ],
    )
    engine = world.engine(ALL, max_attempts=1_000)
    for _ in range(40):
        world.later(1)
        try:
            result = engine.run()
        except HubQboError:  # a fault in a run's reads: try again
            continue
        if result.ok and result.cursors_moved:
            break
    else:
        raise AssertionError("the runs never settled")
    world.hs.faults = FaultPlan.none()
    expected = {"products": 8, "invoices": 10, "line_items": 10}
    for object_type, count in expected.items():
        found = _by_id_property(world, object_type)
        assert (len(found), max(found.values())) == (count, 1), (object_type, found)
