"""create() under injected faults: timeouts and connections reset after the write was applied.

Whatever fails and however often create() is retried, QBO ends with one customer and one
invoice, and HubSpot with one invoice record.
"""

from __future__ import annotations

import pytest

from hubqbo import CrmObjectType
from hubqbo.cli import DemoWorld
from hubqbo.errors import HubQboError, TransportError
from hubqbo.invoices import InvoiceBuilder, InvoiceDraft, LinkedInvoice
from hubqbo.sandbox import Fault, FaultPlan
from tests.invoices.conftest import hubspot_invoice_ids, qbo_invoices

QBO_WRITE_PATHS = [r"/customer$", r"/invoice$"]


def initech_draft(world: DemoWorld, builder: InvoiceBuilder):  # type: ignore[no-untyped-def]
    return builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id).with_new_customer()


def create_until_done(builder: InvoiceBuilder, draft: object, attempts: int = 10) -> LinkedInvoice:
    """What a caller does after a transport failure: call create() again with the same draft."""
    for _ in range(attempts):
        try:
            return builder.create(draft)  # type: ignore[arg-type]
        except TransportError:
            continue
    raise AssertionError("create never succeeded")


def assert_single(world: DemoWorld, made: LinkedInvoice) -> None:
    assert 1 == len(world.us.find_customers(display_name="Initech"))
    ours = [
        i
        for i in qbo_invoices(world, world.us.realm_id)
        if i.customer.value == made.invoice.customer.value
    ]
    assert [made.invoice.id] == [i.id for i in ours]
    assert [made.crm_invoice_id] == hubspot_invoice_ids(world)


@pytest.mark.parametrize("path", QBO_WRITE_PATHS)
@pytest.mark.parametrize("kind", ["timeout", "reset_after_apply"])
def test_one_fault_on_each_qbo_write_is_absorbed(
    world: DemoWorld, builder: InvoiceBuilder, path: str, kind: str
) -> None:
    """A single timeout or reset on the customer or invoice write: retried with the same
    requestid inside the client, one customer and one invoice result."""
    draft = initech_draft(world, builder)
    world.quickbooks.faults.add(getattr(Fault, kind)(method="POST", path=path))
    made = create_until_done(builder, draft)
    assert 1 == len(world.quickbooks.faults.injected)
    assert_single(world, made)


@pytest.mark.parametrize("path", QBO_WRITE_PATHS)
def test_every_retry_reset_after_apply_then_caller_retries(
    world: DemoWorld, builder: InvoiceBuilder, path: str
) -> None:
    """The write is applied but every answer is lost until the client gives up; the caller's
    next create() finds what was made instead of making it again."""
    draft = initech_draft(world, builder)
    world.quickbooks.faults.add(*[Fault.reset_after_apply(method="POST", path=path)] * 12)
    made = create_until_done(builder, draft)
    assert len(world.quickbooks.faults.injected) >= 5
    assert_single(world, made)


def assert_linked(world: DemoWorld, draft: InvoiceDraft, made: LinkedInvoice) -> None:
    """The one HubSpot record is associated with the deal, the contact and the company, once
    each, with the HubSpot-defined types (invoice→deal 175, →contact 177, →company 179)."""
    assert draft.contact is not None
    assert draft.company is not None
    expected = {
        CrmObjectType.DEAL: [(world.hs["deal-initech"], (175,))],
        CrmObjectType.CONTACT: [(draft.contact.id, (177,))],
        CrmObjectType.COMPANY: [(draft.company.id, (179,))],
    }
    actual = {
        t: [
            (a.to_id, a.type_ids)
            for a in world.crm.associations(CrmObjectType.INVOICE, made.crm_invoice_id or "", t)
        ]
        for t in expected
    }
    assert expected == actual


def test_hubspot_record_create_lost_after_apply(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """The invoice-record create (record + associations in one request) is applied but its
    answer lost: the client's retry meets the unique QBO reference, reads the record, and
    create() ends with exactly one HubSpot record with its three associations — in one
    create() call, no association request spent."""
    draft = initech_draft(world, builder)
    world.hubspot.faults.add(Fault.reset_after_apply(method="POST", path=r"invoices/batch/create"))
    made = builder.create(draft)
    assert 1 == len(world.hubspot.faults.injected)
    assert 0 == world.hubspot.count_requests(method="PUT", path_contains="/invoices/")
    assert_single(world, made)
    assert_linked(world, draft, made)


def test_hubspot_write_lost_after_apply(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """The HubSpot invoice create is applied but its answer lost, every time until the
    client gives up: the caller's next create() finds the QBO invoice and the HubSpot record
    by its unique QBO reference — still one record, with its three associations."""
    draft = initech_draft(world, builder)
    world.hubspot.faults.add(
        *[Fault.reset_after_apply(method="POST", path=r"invoices/batch/create")] * 12
    )
    made = create_until_done(builder, draft)
    assert len(world.hubspot.faults.injected) >= 2
    assert_single(world, made)
    assert_linked(world, draft, made)


def test_random_faults_everywhere_never_duplicate(world: DemoWorld) -> None:
    """Seeded random timeouts, resets and 503s on both APIs, create() retried by the caller:
    the end state is exactly one customer, one invoice, one HubSpot record."""
    qbo_plan = FaultPlan.random(
        rate=0.3,
        seed=7,
        faults=[Fault.timeout(), Fault.reset_after_apply(), Fault.server_error(503)],
    )
    hubspot_plan = FaultPlan.random(
        rate=0.3,
        seed=11,
        faults=[Fault.timeout(), Fault.reset_after_apply(), Fault.server_error(503)],
    )
    world.quickbooks.faults, world.hubspot.faults = qbo_plan, hubspot_plan
    builder = world.builder()
    draft = None
    for _ in range(20):
        try:
            draft = draft or initech_draft(world, builder)
            made = builder.create(draft)
            break
        except HubQboError:
            continue
    else:
        raise AssertionError("never succeeded")
    world.quickbooks.faults = FaultPlan.none()
    world.hubspot.faults = FaultPlan.none()
    resets = [
        f
        for _, _, f in qbo_plan.injected + hubspot_plan.injected
        if f.kind.value == "reset_after_apply"
    ]
    assert len(resets) >= 3
    assert_single(world, made)
