"""Invoice sync (I, J): QBO invoices into HubSpot invoice objects with their line items,
associated with the contact; payments, voids and deletions; deal roll-ups and events via the
code ``InvoiceBuilder`` uses."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from hubqbo.sync import Action, DeletePolicy, ObjectKind, ObjectSync, SyncConfig, SyncEngine
from tests.sync._world import World, props

ALL = SyncConfig(invoices=ObjectSync())


def _setup(world: World) -> tuple[str, str, str]:
    customer = world.customer(
        "Acme Inc", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@acme.example"}
    )
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    invoice = world.qbo.add_invoice(world.realm, customer, [(item, 2, 500)])
    return customer, item, invoice


def _invoices(world: World) -> list[dict[str, object]]:
    return [props(r) for r in world.hs.records("invoices")]


def _associated(world: World, object_type: str, record_id: str, to_type: str) -> list[str]:
    return [a.to_id for a in world.crm.associations(object_type, record_id, to_type)]  # type: ignore[arg-type]


def test_an_invoice_becomes_a_hubspot_invoice_with_its_line_items_and_contact(
    world: World,
) -> None:
    _, _, invoice = _setup(world)
    engine = world.engine(ALL)
    plan = engine.plan()
    assert plan.of(ObjectKind.INVOICES).count(Action.CREATE) == 1
    assert plan.of(ObjectKind.LINE_ITEMS).count(Action.CREATE) == 1
    result = engine.apply(plan)
    assert result.ok, result.errors
    (record,) = world.hs.records("invoices")
    values = props(record)
    assert values["qbo_invoice_ref"] == f"{world.realm}:{invoice}"
    assert Decimal(str(values["qbo_invoice_total"])) == Decimal(1000)
    assert values["hubqbo_invoice_status"] == "awaiting_send"
    (contact,) = world.contacts()
    assert _associated(world, "invoices", record["id"], "contacts") == [contact["id"]]
    (line,) = world.hs.records("line_items")
    assert props(line)["name"] == "Audit"
    assert Decimal(str(props(line)["quantity"])) == 2
    assert _associated(world, "invoices", record["id"], "line_items") == [line["id"]]
    assert engine.run().applied == 0


def test_a_payment_updates_the_invoice_and_writes_events_once(world: World) -> None:
    _, _, invoice = _setup(world)
    engine = world.engine(ALL)
    engine.run()
    world.later()
    world.qbo.add_payment(world.realm, invoice, 400)
    world.later()
    plan = engine.plan()
    (op,) = plan.of(ObjectKind.INVOICES).operations
    assert {c.name for c in op.changes} >= {"qbo_invoice_balance", "hubqbo_invoice_status"}
    result = engine.apply(plan)
    assert result.events == 1
    (event,) = world.store.pending_events("acme")
    assert event.type == "payment_received"
    assert Decimal(json.loads(event.payload)["amount"]) == 400
    assert _invoices(world)[0]["hubqbo_invoice_status"] == "partially_paid"
    world.later()
    assert engine.run().events == 0
    assert len(world.store.pending_events("acme")) == 1


def test_a_voided_invoice_is_an_update_to_zero_and_voided(world: World) -> None:
    _, _, invoice = _setup(world)
    engine = world.engine(ALL)
    engine.run()
    world.later()
    current = world.ledger.get_invoice(invoice)
    world.ledger.void_invoice(current)
    world.later()
    result = engine.run()
    assert result.ok
    values = _invoices(world)[0]
    assert values["hubqbo_invoice_status"] == "voided"
    assert Decimal(str(values["qbo_invoice_total"])) == 0
    assert [e.type for e in world.store.pending_events("acme")] == ["invoice_voided"]


def test_a_deleted_invoice_follows_the_delete_policy(world: World) -> None:
    _, _, invoice = _setup(world)
    engine = world.engine(SyncConfig(invoices=ObjectSync(delete=DeletePolicy.ARCHIVE)))
    engine.run()
    world.later()
    world.ledger.delete_invoice(world.ledger.get_invoice(invoice))
    world.later()
    held = engine.plan()  # one of one linked invoices: past the mass-delete guard
    assert held.operations == ()
    assert "held back" in str(held)
    result = engine.run(proceed=True)
    assert result.counts["invoices"] == {"archive": 1}
    assert world.hs.records("invoices") == []


def test_a_removed_line_is_archived_and_a_new_one_added(world: World) -> None:
    customer, item, _ = _setup(world)
    other = world.qbo.add_item(world.realm, "Training", 90)
    invoice = world.qbo.add_invoice(world.realm, customer, [(item, 1, 500), (other, 3, 90)])
    engine = world.engine(ALL)
    engine.run()
    assert len(world.hs.records("line_items")) == 3
    world.later()
    world.ledger.modify_invoice(
        invoice, lambda inv: __import__("attrs").evolve(inv, lines=inv.lines[:1])
    )
    world.later()
    result = engine.run()
    assert result.ok, result.errors
    assert result.counts["line_items"] == {"archive": 1}
    assert sorted(props(r)["name"] for r in world.hs.records("line_items")) == ["Audit", "Audit"]


def test_a_deal_gets_its_rollup_when_its_invoice_changes(world: World) -> None:
    _, _, invoice = _setup(world)
    engine = world.engine(ALL)
    engine.run()
    (record,) = world.hs.records("invoices")
    deal = world.hs.create("deals", {"dealname": "Audit"})
    world.crm.associate("invoices", record["id"], "deals", deal)  # type: ignore[arg-type]
    world.later()
    world.qbo.add_payment(world.realm, invoice, 1000)
    world.later()
    result = engine.run()
    assert result.ok, result.errors
    deal_props = props(world.hs.get("deals", deal) or {})
    assert deal_props["qbo_invoice_status"] == "paid"
    kinds = sorted(e.type for e in world.store.pending_events("acme"))
    assert kinds == ["deal_rollup_changed", "invoice_paid", "payment_received"]


def test_an_invoice_becoming_overdue_is_found_by_the_daily_sweep(world: World) -> None:
    customer, item, _ = _setup(world)
    due = (world.clock.now() + dt.timedelta(days=1)).date().isoformat()
    late = world.qbo.add_invoice(world.realm, customer, [(item, 1, 500)], DueDate=due)
    engine = world.engine(ALL)
    engine.run()
    world.clock.advance(seconds=dt.timedelta(days=3).total_seconds())
    result = engine.run()  # nothing changed in QBO: only the sweep can tell
    assert result.ok
    statuses = {r["qbo_invoice_ref"]: r["hubqbo_invoice_status"] for r in _invoices(world)}
    assert statuses[f"{world.realm}:{late}"] == "overdue"
    assert [e.type for e in world.store.pending_events("acme")] == ["invoice_became_overdue"]
    world.later()
    assert engine.run().applied == 0  # once a day: the next run does not sweep again


def test_the_overdue_check_marks_exactly_the_due_invoices_across_pages_of_links(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day's check reads the links a page at a time (here 2 a page, 6 invoices): it
    re-reads and marks overdue exactly the open invoices past due, whichever page they are
    on, and the plan still counts every linked invoice."""
    monkeypatch.setattr(SyncEngine, "_link_page", 2)
    customer, item, first = _setup(world)  # no due date: never overdue
    day = world.clock.now().date()
    due = {  # days from today -> invoice
        d: world.qbo.add_invoice(
            world.realm,
            customer,
            [(item, 1, 500)],
            DueDate=(day + dt.timedelta(days=d)).isoformat(),
        )
        for d in (1, 2, 5, 9)
    }
    paid = world.qbo.add_invoice(
        world.realm, customer, [(item, 1, 500)], DueDate=(day + dt.timedelta(days=1)).isoformat()
    )
    world.qbo.add_payment(world.realm, paid, 500)
    engine = world.engine(ALL)
    assert engine.run().ok
    world.clock.advance(seconds=dt.timedelta(days=3).total_seconds())
    plan = engine.plan()
    (invoices,) = [o for o in plan.objects if o.kind is ObjectKind.INVOICES]
    assert invoices.linked == 6  # five above plus the one of _setup
    assert sorted(op.qbo_id for op in invoices.operations if op.action is Action.UPDATE) == sorted(
        [due[1], due[2]]
    )
    assert engine.apply(plan).ok
    statuses = {r["qbo_invoice_ref"]: r["hubqbo_invoice_status"] for r in _invoices(world)}
    overdue = {ref for ref, status in statuses.items() if status == "overdue"}
    assert overdue == {f"{world.realm}:{due[1]}", f"{world.realm}:{due[2]}"}
    assert statuses[f"{world.realm}:{paid}"] == "paid"
    assert statuses[f"{world.realm}:{first}"] != "overdue"
    events = [e.type for e in world.store.pending_events("acme")]
    assert events.count("invoice_became_overdue") == 2
    world.clock.advance(seconds=dt.timedelta(days=3).total_seconds())
    swept = engine.sweep()  # the sweep pages the same way: the 5-day one is due now
    assert swept.due == (due[5],)
    assert swept.ok


def test_an_invoice_is_associated_with_its_contacts_primary_company(world: World) -> None:
    company = world.hs.create("companies", {"name": "Acme Inc"})
    contact = world.hs.create("contacts", {"email": "ann@acme.example"})
    world.crm.associate("contacts", contact, "companies", company, type_id=1)  # type: ignore[arg-type]
    _setup(world)
    engine = world.engine(ALL)
    engine.run()  # the contact is linked by e-mail: its company is known before any write
    (record,) = world.hs.records("invoices")
    assert _associated(world, "invoices", record["id"], "companies") == [company]
    assert engine.run().applied == 0
