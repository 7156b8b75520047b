"""InvoiceBuilder with a state store: the two failures of issue 10, through the public API.

1. A person edits the invoice's private note in QuickBooks and QBO's ``requestid`` replay
   window (undocumented) has passed: a re-run of ``create`` must still end with exactly one
   invoice in QBO and one invoice record in HubSpot — it finds its own work in the store.
2. The QBO invoice is deleted (or voided): a re-run of the same attempt raises ``InvoiceGone``
   and writes nothing anywhere; a new attempt, asked for explicitly, makes exactly one invoice.

Both sandboxes, the real HTTP clients; the store is SQLite (and PostgreSQL for the first).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest

from hubqbo import (
    InvoiceGone,
    LeaseHeld,
    OperationState,
    SQLiteStateStore,
)
from hubqbo.cli import DemoWorld
from hubqbo.errors import ConfigurationError
from hubqbo.invoices import InvoiceBuilder, InvoiceDraft
from hubqbo.protocols import StateStore
from hubqbo.sandbox import ManualClock
from hubqbo.sync import PostgresStateStore
from tests.invoices.conftest import hubspot_invoice_ids, qbo_invoices


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStateStore:
    """A fresh SQLite store file."""
    return SQLiteStateStore(tmp_path / "state.sqlite3")


def _builder(world: DemoWorld, store: StateStore) -> InvoiceBuilder:
    return world.builder(state=store, tenant={world.us.realm_id: "northwind-us"})


def _acme_draft(world: DemoWorld, builder: InvoiceBuilder) -> InvoiceDraft:
    return builder.from_deal(world.hs["deal-acme"], realm=world.us.realm_id)


def _world_state(world: DemoWorld) -> tuple[Any, ...]:
    """What both providers hold that create could change: QBO invoices and customers, HubSpot
    invoice records and the deal's properties."""
    deal = world.hubspot.get("deals", world.hs["deal-acme"])["properties"]
    return (
        sorted((i.id, i.private_note, i.total) for i in qbo_invoices(world, world.us.realm_id)),
        sorted(c.id or "" for c in world.us.iter_customers(include_inactive=True)),
        sorted(hubspot_invoice_ids(world)),
        deal,
    )


def _edit_private_note(world: DemoWorld, invoice_id: str, note: str) -> None:
    """A person edits the note in QuickBooks (a sparse update by another API client)."""
    realm = world.us.realm_id
    current = world.us.get_invoice(invoice_id)
    with httpx.Client(
        transport=world.quickbooks,
        base_url=world.us.base_url,
        headers={"Authorization": f"Bearer {world.quickbooks.authorize(realm)}"},
    ) as http:
        answer = http.post(
            f"/v3/company/{realm}/invoice",
            params={"minorversion": "75"},
            json={
                "Id": invoice_id,
                "SyncToken": current.sync_token,
                "sparse": True,
                "PrivateNote": note,
            },
        )
    assert 200 == answer.status_code, answer.text
    assert note == world.us.get_invoice(invoice_id).private_note


def _replay_window_passes(world: DemoWorld) -> None:
    """QBO forgets the request ids it saw (Intuit does not document when): the sandbox keeps
    them in its realm state, which this clears."""
    world.quickbooks._realm(world.us.realm_id).replays.clear()


def test_note_edited_and_replay_window_over_still_one_invoice(
    world: DemoWorld, store: SQLiteStateStore
) -> None:
    """The re-run finds its invoice through the store: no second QBO invoice or record."""
    builder = _builder(world, store)
    first = builder.create(_acme_draft(world, builder))
    assert first.created
    _edit_private_note(world, first.invoice.id or "", "Customer asked for a PO number")
    _replay_window_passes(world)
    before = _world_state(world)
    again = _builder(world, store).create(_acme_draft(world, builder))
    assert (False, first.invoice.id, first.crm_invoice_id) == (
        again.created,
        again.invoice.id,
        again.crm_invoice_id,
    )
    after = _world_state(world)
    assert (before[0], before[1], before[2]) == (after[0], after[1], after[2])
    made = [i for i in qbo_invoices(world, world.us.realm_id) if i.id == first.invoice.id]
    assert 1 == len(made)


def test_the_journal_records_each_step_and_the_invoice_link(
    world: DemoWorld, store: SQLiteStateStore
) -> None:
    """create:Invoice applied with QBO's id, the record with HubSpot's, the deal roll-up; the
    link invoice QBO id ↔ HubSpot id; the lease released; ids from what the steps are."""
    builder = _builder(world, store)
    made = builder.create(_acme_draft(world, builder))
    ops = {o.action: o for o in store.operations("northwind-us")}
    assert {"create:Invoice", "record:HubSpotInvoice", "rollup:Deal"} == set(ops)
    assert {OperationState.APPLIED} == {o.state for o in ops.values()}
    assert 1 == ops["create:Invoice"].attempts  # sent once: begun once, applied without a 2nd
    assert (made.invoice.id, made.crm_invoice_id) == (
        ops["create:Invoice"].remote_id,
        ops["record:HubSpotInvoice"].remote_id,
    )
    assert f"deal:{world.hs['deal-acme']}" == ops["create:Invoice"].source_id
    link = store.link("northwind-us", "invoice", qbo_id=made.invoice.id or "")
    assert made.crm_invoice_id == (link.hubspot_id if link else None)
    assert store.current_lease("northwind-us") is None
    assert world.us.realm_id == store.tenant("northwind-us").qbo_realm_id  # type: ignore[union-attr]


def test_deleted_invoice_rerun_refuses_and_writes_nothing_then_new_attempt(
    world: DemoWorld, store: SQLiteStateStore
) -> None:
    """Deleted in QBO: the same attempt raises InvoiceGone (nothing written on either side,
    even after the replay window); ``with_attempt`` makes exactly one new invoice."""
    builder = _builder(world, store)
    draft = _acme_draft(world, builder)
    first = builder.create(draft)
    world.us.delete_invoice(world.us.get_invoice(first.invoice.id or ""))
    before = _world_state(world)
    with pytest.raises(InvoiceGone, match=r"was deleted in QuickBooks.*with_attempt") as gone:
        builder.create(draft)
    assert (first.invoice.id, "deleted") == (gone.value.invoice_id, gone.value.reason)
    _replay_window_passes(world)
    with pytest.raises(InvoiceGone):
        _builder(world, store).create(_acme_draft(world, builder))
    assert before == _world_state(world)

    second = builder.create(draft.with_attempt("after-delete"))
    assert second.created
    assert second.invoice.id != first.invoice.id
    live = qbo_invoices(world, world.us.realm_id)
    assert 1 == len(live) - len(before[0])
    assert second.invoice.id in {i.id for i in live}
    again = builder.create(draft.with_attempt("after-delete"))
    assert (False, second.invoice.id) == (again.created, again.invoice.id)
    assert len(live) == len(qbo_invoices(world, world.us.realm_id))


def test_voided_invoice_rerun_refuses(world: DemoWorld, store: SQLiteStateStore) -> None:
    """Voided in QBO: the same attempt is refused as voided, nothing written."""
    builder = _builder(world, store)
    draft = _acme_draft(world, builder)
    first = builder.create(draft)
    world.us.void_invoice(world.us.get_invoice(first.invoice.id or ""))
    before = _world_state(world)
    with pytest.raises(InvoiceGone, match="was voided"):
        builder.create(draft)
    assert before == _world_state(world)


def test_create_waits_for_the_tenant_lease(world: DemoWorld, store: SQLiteStateStore) -> None:
    """A sync run holding the tenant's lease keeps create out; nothing is written."""
    store.connect_tenant("northwind-us", qbo_realm_id=world.us.realm_id)
    store.acquire_lease("northwind-us", "sync-run", ttl=dt.timedelta(minutes=10))
    builder = world.builder(state=store, tenant="northwind-us")
    builder._journal._wait = dt.timedelta(0)  # type: ignore[union-attr]
    before = _world_state(world)
    with pytest.raises(LeaseHeld, match="sync-run"):
        builder.create(_acme_draft(world, builder))
    assert before == _world_state(world)


def test_state_needs_a_tenant_and_realms_need_theirs(
    world: DemoWorld, store: SQLiteStateStore
) -> None:
    """A store without a tenant name is a configuration error; so is a realm without one."""
    with pytest.raises(ConfigurationError, match="tenant"):
        world.builder(state=store)
    builder = world.builder(state=store, tenant={world.uk.realm_id: "northwind-uk"})
    with pytest.raises(ConfigurationError, match=world.us.realm_id):
        builder.create(_acme_draft(world, builder))


def test_on_postgres_too(world: DemoWorld, postgres_dsn: str) -> None:
    """The note-edited case with the PostgreSQL store."""
    store = PostgresStateStore(postgres_dsn)
    builder = _builder(world, store)
    first = builder.create(_acme_draft(world, builder))
    _edit_private_note(world, first.invoice.id or "", "edited")
    _replay_window_passes(world)
    again = _builder(world, store).create(_acme_draft(world, builder))
    assert (False, first.invoice.id) == (again.created, again.invoice.id)
    store.close()


class _SlowProvider:
    """The store as ``create`` sees it when each step takes minutes (a provider retrying):
    the clock moves two minutes before every journal write, and another holder tries to take
    the tenant each time."""

    def __init__(self, store: StateStore, clock: Any) -> None:
        self._store, self._clock = store, clock
        self.takeovers: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _step(self) -> None:
        self._clock.advance(seconds=120)
        try:
            self._store.acquire_lease("northwind-us", "sync-run", ttl=dt.timedelta(minutes=5))
        except LeaseHeld:
            return
        self.takeovers.append(str(self._clock.now()))

    def journal(self, *args: Any, **kwargs: Any) -> Any:
        self._step()
        return self._store.journal(*args, **kwargs)

    def commit(self, *args: Any, **kwargs: Any) -> Any:
        self._step()
        return self._store.commit(*args, **kwargs)


def test_a_slow_create_keeps_its_lease_while_it_makes_progress(
    world: DemoWorld, tmp_path: Path
) -> None:
    """Every step renews the 5-minute lease: at two minutes per journal write no other holder
    gets the tenant before ``create`` is done (without renewal the lease lapsed during the
    invoice step and a sync run took the tenant over mid-invoice: ``LeaseLost``)."""
    clock = ManualClock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc))
    slow = _SlowProvider(SQLiteStateStore(tmp_path / "state.sqlite3", clock=clock), clock)
    builder = world.builder(state=slow, tenant="northwind-us")  # type: ignore[arg-type]
    made = builder.create(_acme_draft(world, builder))
    assert made.created
    assert slow.takeovers == []
    assert clock.now() > dt.datetime(2026, 12, 1, 9, 5, tzinfo=dt.timezone.utc)  # past one TTL
    assert slow.current_lease("northwind-us") is None  # released at the end
