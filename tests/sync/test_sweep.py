"""The daily sweep: an unpaid invoice that passes its due date becomes overdue in HubSpot,
its deal's roll-up follows and the event reaches the outbox — after midnight in the QBO
company's time zone, from the store's snapshots alone, once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.protocols import Link, RunStatus
from hubqbo.sandbox import ManualClock
from hubqbo.sync import ObjectSync, SyncConfig, due_by_date
from tests.sync._world import World, make_world, props

ALL = SyncConfig(invoices=ObjectSync())
# 2026-11-05 23:30 in Los Angeles (UTC-8): the invoice due on the 5th is not overdue yet.
EVENING = dt.datetime(2026, 11, 6, 7, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def la_world() -> World:
    world = make_world(ManualClock(dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)))
    world.realm = world.qbo.add_realm(country="US", time_zone="America/Los_Angeles")
    from hubqbo.quickbooks import QuickBooksClient

    world.ledger = QuickBooksClient(
        realm_id=world.realm,
        access_token="t",
        transport=world.qbo,
        clock=world.clock,
        sleep=world.clock.sleep,
    )
    return world


def _invoice_and_deal(world: World, *, due: str) -> tuple[str, str]:
    customer = world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    invoice = world.qbo.add_invoice(world.realm, customer, [(item, 2, 500)], DueDate=due)
    engine = world.engine(ALL)
    assert engine.run().ok
    (record,) = world.hs.records("invoices")
    deal = world.hs.create("deals", {"dealname": "Audit"})
    world.crm.associate("invoices", record["id"], "deals", deal)  # type: ignore[arg-type]
    return invoice, deal


def test_an_invoice_becomes_overdue_after_local_midnight_once(la_world: World) -> None:
    world = la_world
    invoice, deal = _invoice_and_deal(world, due="2026-11-05")
    engine = world.engine(ALL)
    world.clock.advance(seconds=(EVENING - world.clock.now()).total_seconds())
    before = len(world.qbo.requests)
    swept = engine.sweep()
    assert swept.due == ()
    assert swept.result is None
    # the company's profile (CompanyInfo, Preferences), no change feed, no invoice read
    read = [r.path.rsplit("/", 1)[1] for r in world.qbo.requests[before:]]
    assert set(read) <= {"preferences", "companyinfo", world.realm}, read
    before = len(world.qbo.requests)
    world.clock.advance(seconds=3600)  # 00:30 on the 6th in Los Angeles
    swept = engine.sweep()
    assert swept.due == (invoice,)
    assert swept.ok
    assert swept.result is not None
    (record,) = world.hs.records("invoices")
    assert props(record)["hubqbo_invoice_status"] == "overdue"
    assert props(world.hs.get("deals", deal) or {})["qbo_invoice_status"] == "overdue"
    kinds = sorted(e.type for e in world.store.pending_events("acme"))
    assert kinds == ["deal_rollup_changed", "invoice_became_overdue"]
    # the invoice was the only record read again (by id), under a run of the tenant's lease
    reads = [r.path for r in world.qbo.requests[before:] if "/invoice/" in r.path.lower()]
    assert all(invoice in p for p in reads)
    last = world.store.runs("acme", limit=1)[0]
    assert (last.status, last.kind) == (RunStatus.SUCCEEDED, "sweep")
    again = engine.sweep()
    assert again.due == ()
    assert again.result is None
    assert len(world.store.pending_events("acme")) == 2


def test_paid_and_not_yet_due_invoices_are_left_alone(world: World) -> None:
    customer = world.customer("Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    item = world.qbo.add_item(world.realm, "Audit", 500, Sku="AUD")
    paid = world.qbo.add_invoice(world.realm, customer, [(item, 1, 500)], DueDate="2026-11-03")
    world.qbo.add_invoice(world.realm, customer, [(item, 1, 500)], DueDate="2026-12-31")
    world.qbo.add_payment(world.realm, paid, 500)
    engine = world.engine(ALL)
    assert engine.run().ok
    world.later(60 * 24 * 5)
    before = len(world.qbo.requests)
    swept = engine.sweep()
    assert len(world.qbo.requests) == before  # nothing could be due: no provider call
    assert swept.due == ()
    assert swept.result is None
    assert "nothing due" in str(swept)


_STATUSES = st.sampled_from(
    ["awaiting_send", "sent", "partially_paid", "paid", "overdue", "voided", ""]
)


@given(
    status=_STATUSES,
    due=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    today=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    balance=st.sampled_from(["0", "0.00", "10.50", "-3", ""]),
)
def test_due_by_date_is_exactly_open_with_balance_and_past_due(
    status: str, due: dt.date, today: dt.date, balance: str
) -> None:
    base = {"hubqbo_invoice_status": status, "hs_due_date": due.isoformat()}
    base["qbo_invoice_balance"] = balance
    link = Link(kind="invoice", qbo_id="1", hubspot_id="2", base=json.dumps(base))
    expected = (
        status in {"awaiting_send", "sent", "partially_paid"}
        and balance not in {"", "0", "0.00", "-3"}
        and due < today
    )
    assert due_by_date([link], today=today) == (["1"] if expected else [])
