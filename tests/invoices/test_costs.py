"""What one invoice from a deal costs in HTTP requests once the builder is warm (issue 6).

The floor the APIs allow, pinned so a regression fails: HubSpot deal read (its single company
taken as the buyer, no v4 association read), line items, products, contact, company, ONE
invoice-record create carrying its three associations, the deal roll-up write; QBO the
idempotency lookup and the invoice create.
"""

from __future__ import annotations

import re

from hubqbo import CrmObjectType
from hubqbo.cli import DemoWorld
from hubqbo.invoices import InvoiceBuilder

_ID = re.compile(r"/\d+(?=/|$)")


def add_deal(world: DemoWorld, i: int) -> str:
    """A deal with one company (primary), one contact, two line items with products, and an
    exactly matching QBO customer in the US company."""
    name, email = f"Client {i} Ltd", f"ap{i}@client{i}.example"
    world.quickbooks.add_customer(
        world.us.realm_id, name, CompanyName=name, PrimaryEmailAddr={"Address": email}
    )
    company = world.hubspot.create("companies", {"name": name, "domain": f"client{i}.example"})
    contact = world.hubspot.create(
        "contacts",
        {"firstname": "Pat", "lastname": f"Client{i}", "email": email},
        associations=[("companies", company)],
    )
    deal = world.hubspot.create(
        "deals",
        {"dealname": f"Deal {i}", "deal_currency_code": "USD"},
        associations=[("contacts", contact)],
    )
    world.hubspot.associate("deals", deal, "companies", company, 5)
    for product, sku, price in (("p-web", "WEB-01", "4500"), ("p-host", "HOST-12", "600")):
        world.hubspot.create(
            "line_items",
            {"hs_product_id": world.hs[product], "hs_sku": sku, "price": price, "quantity": "1"},
            associations=[("deals", deal)],
        )
    return deal


def test_a_warm_invoice_from_a_deal_costs_nine_requests(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Second invoice of a builder: 7 HubSpot requests (no association call, no v4 read) and
    2 QBO requests; the record is linked to the deal, contact and company all the same."""
    first, second = add_deal(world, 1), add_deal(world, 2)
    realm = world.us.realm_id
    builder.create(builder.from_deal(first, realm=realm))
    hs_before, qbo_before = len(world.hubspot.requests), world.quickbooks.count_requests()
    made = builder.create(builder.from_deal(second, realm=realm))
    calls = sorted(
        f"{r.method} {_ID.sub('/{id}', r.path)}" for r in world.hubspot.requests[hs_before:]
    )
    assert [
        "GET /crm/objects/2026-03/companies/{id}",
        "GET /crm/objects/2026-03/contacts/{id}",
        "GET /crm/objects/2026-03/deals/{id}",
        "PATCH /crm/objects/2026-03/deals/{id}",
        "POST /crm/objects/2026-03/invoices/batch/create",
        "POST /crm/objects/2026-03/line_items/batch/read",
        "POST /crm/objects/2026-03/products/batch/read",
    ] == calls
    assert 2 == world.quickbooks.count_requests() - qbo_before
    linked = {
        t: [
            a.to_id
            for a in world.crm.associations(CrmObjectType.INVOICE, made.crm_invoice_id or "", t)
        ]
        for t in (CrmObjectType.DEAL, CrmObjectType.CONTACT, CrmObjectType.COMPANY)
    }
    assert [second] == linked[CrmObjectType.DEAL]
    assert 1 == len(linked[CrmObjectType.CONTACT])
    assert 1 == len(linked[CrmObjectType.COMPANY])


def test_a_replay_finds_everything_in_four_requests(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """create() again with the same draft: QBO's idempotency lookup finds the invoice, the
    HubSpot create is refused by the unique QBO reference and the record read back with its
    links (none missing: no association request), the roll-up written again — the same
    invoice and record, still one of each."""
    deal = add_deal(world, 3)
    draft = builder.from_deal(deal, realm=world.us.realm_id)
    made = builder.create(draft)
    hs_before, qbo_before = len(world.hubspot.requests), world.quickbooks.count_requests()
    again = builder.create(draft)
    calls = sorted(
        f"{r.method} {_ID.sub('/{id}', r.path)}" for r in world.hubspot.requests[hs_before:]
    )
    assert [
        "GET /crm/objects/2026-03/invoices/{ref}",
        "PATCH /crm/objects/2026-03/deals/{id}",
        "POST /crm/objects/2026-03/invoices/batch/create",
    ] == [c.replace(f"/{made.realm_id}:{made.invoice.id}", "/{ref}") for c in calls]
    assert 1 == world.quickbooks.count_requests() - qbo_before
    assert (False, made.invoice.id, made.crm_invoice_id) == (
        again.created,
        again.invoice.id,
        again.crm_invoice_id,
    )
    ref = f"{made.realm_id}:{made.invoice.id}"
    records = world.crm.iter_objects(CrmObjectType.INVOICE, properties=["qbo_invoice_ref"])
    assert [made.crm_invoice_id] == [
        r.id for r in records if r.properties.get("qbo_invoice_ref") == ref
    ]
