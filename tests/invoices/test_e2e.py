"""End to end through the public API, against both sandboxes: drafts, create, roll-ups, events.

Every test drives ``InvoiceBuilder`` with the real HTTP clients over the sandboxes' transports
and checks the outcome on the other side of the wire (what QBO and HubSpot now hold).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hubqbo import CrmObjectType, InvoiceStatus
from hubqbo.cli import DemoWorld
from hubqbo.errors import (
    ConfigurationError,
    CustomTransactionNumbersEnabled,
    DraftHasProblems,
    DuplicateDocNumberError,
    QuoteNotUsable,
)
from hubqbo.invoices import (
    DocNumberPolicy,
    InvoiceBuilder,
    LineDiscountMode,
    ProblemCode,
    ResolvedBy,
)
from hubqbo.protocols import InvoiceQuery
from tests.invoices.conftest import hubspot_invoice_ids, qbo_invoices


def codes(draft: object) -> list[str]:
    return [p.code.value for p in draft.problems()]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- drafts


def test_draft_from_deal_matches_customer_resolves_items_taxes_and_terms(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Acme's deal: customer matched by e-mail, items by SKU, US TAX/NON, Net 30 from today."""
    d = builder.from_deal(world.hs["deal-acme"], realm=world.us.realm_id)
    assert [] == codes(d)
    assert world.qbo["us:Acme Corporation"] == d.customer.id  # type: ignore[union-attr]
    assert [ResolvedBy.SKU] * 3 == [ln.resolution.via for ln in d.lines]
    assert ["NON", "TAX", "NON"] == [d.tax_code_for(ln).value for ln in d.lines]  # type: ignore[union-attr]
    assert [Decimal("4500"), Decimal("540"), Decimal("95")] == [
        d.unit_price_sent(ln) for ln in d.lines
    ]
    assert (dt.date(2026, 11, 25), dt.date(2026, 12, 25), "Net 30") == (
        d.txn_date,
        d.due_date,
        d.terms.name,
    )  # type: ignore[union-attr]
    assert Decimal("5990.00") == d.total


def test_draft_from_published_quote_and_refusal_of_an_expired_one(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A published quote gives a draft of its own line items, its 10% discount and its 25.00
    fee (on the configured fee item), adding up to the quote's amount; an expired quote is
    refused."""
    d = builder.from_quote(world.hs["quote-acme"], realm=world.us.realm_id)
    assert ("quote", ["Hosting (annual)", "Support hours", "Service fee"]) == (
        d.source.kind,
        [ln.item.name for ln in d.lines],  # type: ignore[union-attr]
    )
    assert (Decimal("167.50"), Decimal("1532.50"), Decimal("1532.5"), []) == (
        d.discount_total,
        d.total,
        d.expected_total,
        codes(d),
    )
    with pytest.raises(QuoteNotUsable, match="expired on 2026-04-30"):
        builder.from_quote(world.hs["quote-old"], realm=world.us.realm_id)


def test_invoice_from_quote_carries_discount_line_and_fee(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """QBO receives the fee as a sales line and the discount as a DiscountLineDetail; its
    total before tax is the quote's amount."""
    made = builder.create(builder.from_quote(world.hs["quote-acme"], realm=world.us.realm_id))
    inv = world.us.get_invoice(made.invoice.id or "")
    kinds = [
        (ln.detail_type.value, ln.amount)
        for ln in inv.lines
        if ln.detail_type.value != "SubTotalLineDetail"
    ]
    assert [
        ("SalesItemLineDetail", Decimal("1200.00")),
        ("SalesItemLineDetail", Decimal("475.00")),
        ("SalesItemLineDetail", Decimal("25.00")),
        ("DiscountLineDetail", Decimal("167.50")),
    ] == kinds
    assert Decimal("1532.50") == inv.total - inv.tax_detail.total_tax  # type: ignore[union-attr]


def test_quote_with_hubspot_taxes_is_a_problem(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """HubSpot tax objects on a quote cannot become a QBO invoice (QBO taxes by code)."""
    world.hubspot.create(
        "taxes",
        {"hs_label": "Sales tax", "hs_type": "PERCENT", "hs_value": "8"},
        associations=[("quotes", world.hs["quote-acme"])],
    )
    d = builder.from_quote(world.hs["quote-acme"], realm=world.us.realm_id)
    assert "quote_tax_objects" in codes(d)


def test_quote_expiry_is_judged_on_the_portals_calendar_day(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """The quote expires on 2026-12-31: still usable at 22:00 that day in New York (03:00 UTC
    on January 1st), refused once January 1st begins in New York."""
    world.clock.set(dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.timezone.utc))
    assert (
        "quote" == builder.from_quote(world.hs["quote-acme"], realm=world.us.realm_id).source.kind
    )
    world.clock.set(dt.datetime(2027, 1, 1, 6, 0, tzinfo=dt.timezone.utc))
    with pytest.raises(QuoteNotUsable, match="expired on 2026-12-31"):
        builder.from_quote(world.hs["quote-acme"], realm=world.us.realm_id)


def test_unpublished_quote_is_refused(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """A quote moved back to DRAFT cannot be invoiced."""
    world.hubspot.update("quotes", world.hs["quote-acme"], {"hs_status": "DRAFT"})
    with pytest.raises(QuoteNotUsable, match="not published"):
        builder.from_quote(world.hs["quote-acme"], realm=world.us.realm_id)


def test_ambiguous_and_no_match_buyers(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """Globex fits two QBO customers (ambiguous); Initech fits none (no match)."""
    globex = builder.from_deal(world.hs["deal-globex"], realm=world.us.realm_id)
    initech = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    assert ["ambiguous_customer"] == codes(globex)
    assert {world.qbo["us:Globex LLC"], world.qbo["us:Globex Corporation"]} <= {
        c.id
        for c in globex.match.candidates  # type: ignore[union-attr]
    }
    assert ["no_customer_match"] == codes(initech)
    assert [] == codes(globex.with_customer(world.qbo["us:Globex LLC"]))


def test_deal_with_several_contacts_and_no_company(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Two contacts, no company: the buyer is a choice; choosing one brings its match."""
    deal = world.hubspot.create(
        "deals",
        {"dealname": "Shared deal", "deal_currency_code": "USD"},
        associations=[("contacts", world.hs["wile"]), ("contacts", world.hs["peter"])],
    )
    world.hubspot.create(
        "line_items",
        {"name": "Support hours", "hs_sku": "SUP-H", "price": "95", "quantity": "2"},
        associations=[("deals", deal)],
    )
    d = builder.from_deal(deal, realm=world.us.realm_id)
    [problem] = d.problems()
    assert ProblemCode.SEVERAL_CONTACTS == problem.code
    assert {world.hs["wile"], world.hs["peter"]} == {c.split(":")[0] for c in problem.candidates}
    chosen = d.with_contact(world.hs["wile"])
    assert ((), world.qbo["us:Acme Corporation"]) == (chosen.problems(), chosen.customer.id)  # type: ignore[union-attr]
    direct = builder.from_deal(deal, realm=world.us.realm_id, contact_id=world.hs["peter"])
    assert ["no_customer_match"] == codes(direct)


def test_several_realms_need_a_choice(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """With two companies connected, the caller must pick one (A1)."""
    with pytest.raises(ConfigurationError, match="pick one with realm="):
        builder.from_deal(world.hs["deal-acme"])


def test_realm_registry_picks_the_company(world: DemoWorld) -> None:
    """The QuickBooks RealmRegistry plugs in as the accounting side (A1)."""
    from hubqbo.quickbooks import RealmRegistry

    b = InvoiceBuilder(world.crm, RealmRegistry([world.us, world.uk]), now=world.clock.now)
    with pytest.raises(ConfigurationError, match="name the realm_id"):
        b.from_deal(world.hs["deal-acme"])
    assert ("GB", "US") == (
        b.from_deal(world.hs["deal-harbour"], realm=world.uk.realm_id).profile.country,
        b.from_deal(world.hs["deal-acme"], realm=world.us.realm_id).profile.country,
    )


def test_foreign_currency_without_multicurrency_is_a_problem(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """The GBP deal invoiced to the US company (multi-currency off) is refused with a fix."""
    d = builder.from_deal(world.hs["deal-harbour"], realm=world.us.realm_id)
    assert "currency_not_enabled" in codes(d)


# --------------------------------------------------------------------------- create


def test_create_writes_qbo_invoice_hubspot_record_associations_and_rollup(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """One create: QBO invoice awaiting send; HubSpot invoice object linked to deal, contact,
    company; deal roll-up properties set (C1, J)."""
    made = builder.create(
        builder.from_deal(world.hs["deal-acme"], realm=world.us.realm_id, message="Thanks!")
    )
    inv = world.us.get_invoice(made.invoice.id or "")
    assert (InvoiceStatus.AWAITING_SEND, "NotSet", "Thanks!", 3) == (
        made.status,
        inv.email_status.value,
        inv.customer_memo,
        sum(1 for ln in inv.lines if ln.detail_type.value == "SalesItemLineDetail"),
    )
    record = world.hubspot.get("invoices", made.crm_invoice_id or "")["properties"]
    assert ("USD", "false", f"{world.us.realm_id}:{inv.id}", "awaiting_send", inv.doc_number) == (
        record["hs_currency"],
        record["hs_invoice_billable"],
        record["qbo_invoice_ref"],
        record["hubqbo_invoice_status"],
        record["qbo_invoice_number"],
    )
    linked = {
        t: [
            a.to_id
            for a in world.crm.associations(CrmObjectType.INVOICE, made.crm_invoice_id or "", t)
        ]
        for t in (CrmObjectType.DEAL, CrmObjectType.CONTACT, CrmObjectType.COMPANY)
    }
    assert {
        CrmObjectType.DEAL: [world.hs["deal-acme"]],
        CrmObjectType.CONTACT: [world.hs["wile"]],
        CrmObjectType.COMPANY: [world.hs["acme"]],
    } == linked
    deal = world.hubspot.get("deals", world.hs["deal-acme"])["properties"]
    assert (
        inv.doc_number,
        "awaiting_send",
        format(inv.total, "f"),
        "2026-12-25",
        "wile@acme.example",
    ) == (
        deal["qbo_invoice_number"],
        deal["qbo_invoice_status"],
        deal["qbo_invoice_amount_billed"],
        deal["qbo_invoice_due_date"],
        deal["qbo_invoice_recipient"],
    )


def test_create_refuses_a_draft_with_problems_before_writing(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A draft with problems raises DraftHasProblems and writes nothing anywhere."""
    before = world.quickbooks.count_requests(), world.hubspot.count_requests(method="POST")
    d = builder.from_deal(world.hs["deal-globex"], realm=world.us.realm_id)
    writes_before = world.hubspot.count_requests(method="POST")
    with pytest.raises(DraftHasProblems) as caught:
        builder.create(d)
    assert [ProblemCode.AMBIGUOUS_CUSTOMER] == [p.code for p in caught.value.problems]  # type: ignore[attr-defined]
    assert writes_before == world.hubspot.count_requests(method="POST")
    assert before[0] <= world.quickbooks.count_requests()
    assert 1 == len(qbo_invoices(world, world.us.realm_id))  # only the seeded legacy invoice


def test_create_is_idempotent_across_calls_and_builders(world: DemoWorld) -> None:
    """Twice with one builder, then again from a brand-new builder: one invoice, one record."""
    first = world.builder()
    draft = first.from_deal(world.hs["deal-acme"], realm=world.us.realm_id)
    a = first.create(draft)
    b = first.create(draft)
    fresh = world.builder()
    c = fresh.create(fresh.from_deal(world.hs["deal-acme"], realm=world.us.realm_id))
    assert (True, False, False) == (a.created, b.created, c.created)
    assert {a.invoice.id} == {b.invoice.id, c.invoice.id}
    assert {a.crm_invoice_id} == {b.crm_invoice_id, c.crm_invoice_id}
    assert 2 == len(qbo_invoices(world, world.us.realm_id))  # legacy + ours
    assert [a.crm_invoice_id] == hubspot_invoice_ids(world)


def test_a_new_attempt_id_makes_a_new_invoice(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """The idempotency key includes the attempt id: a new attempt is a new invoice."""
    d = builder.from_deal(world.hs["deal-acme"], realm=world.us.realm_id)
    a = builder.create(d)
    b = builder.create(d.with_attempt("second-order"))
    assert a.invoice.id != b.invoice.id
    assert 3 == len(qbo_invoices(world, world.us.realm_id))


def test_new_customer_created_once_from_hubspot_data(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """No match → with_new_customer(): the QBO customer carries the HubSpot company and
    contact; creating again neither duplicates the customer nor the invoice."""
    d = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id).with_new_customer()
    made = builder.create(d)
    again = builder.create(d)
    matches = world.us.find_customers(display_name="Initech")
    assert (True, False, 1) == (made.customer_created, again.customer_created, len(matches))
    assert ("peter@initech.example", "Peter", "Gibbons") == (
        matches[0].email,
        matches[0].given_name,
        matches[0].family_name,
    )
    assert made.invoice.id == again.invoice.id


def test_new_customer_name_checked_case_insensitively(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A new customer named like an existing one (other case) is a problem, not a duplicate."""
    d = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    assert ["customer_name_taken"] == codes(d.with_new_customer("ACME CORPORATION"))


def test_inactive_customer_is_never_matched_and_frees_its_name(world: DemoWorld) -> None:
    """QBO renames a deactivated customer 'Initech (deleted)': it is not a match, its
    original name is free again, and its new name is taken."""
    world.quickbooks.add_customer(
        world.us.realm_id,
        "Initech",
        Active=False,
        PrimaryEmailAddr={"Address": "peter@initech.example"},
    )
    builder = world.builder()
    d = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    assert ["no_customer_match"] == codes(d)
    assert [] == codes(d.with_new_customer())
    assert ["customer_name_taken"] == codes(d.with_new_customer("initech (DELETED)"))
    made = builder.create(d.with_new_customer())
    assert ("Initech", True) == (made.customer.display_name, made.customer_created)  # type: ignore[union-attr]


def test_uk_draft_lists_every_problem_then_creates_with_vat(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """UK: an item without a default VAT code and a line with no exact item match are both
    reported (the near name only as a candidate); fixed, QBO adds 20% VAT; the GBP invoice
    does not touch the USD portal's deal roll-up (C3)."""
    d = builder.from_deal(world.hs["deal-harbour"], realm=world.uk.realm_id)
    photo = world.qbo["uk:item:Photography (day rate)"]
    assert ["item_not_found", "tax_code_required"] == codes(d)
    [missing] = [p for p in d.problems() if p.code is ProblemCode.ITEM_NOT_FOUND]
    assert (3, f"{photo}: Photography (day rate)") == (missing.line, missing.candidates[0])
    fixed = d.with_tax_code(world.qbo["uk:tax:20.0% S"], line=1).with_item(3, photo)
    made = builder.create(fixed)
    assert (Decimal("4680.00"), "GBP", None) == (
        made.invoice.total,
        made.invoice.currency,
        made.rollup,
    )
    deal = world.hubspot.get("deals", world.hs["deal-harbour"])["properties"]
    assert deal.get("qbo_invoice_number") in (None, "")


def test_line_discount_as_net_price_is_taxed_on_the_discounted_amount(world: DemoWorld) -> None:
    """US automated sales tax: 8.25% of the hosting line after its 10% discount (540.00)."""
    b = world.builder()
    made = b.create(b.from_deal(world.hs["deal-acme"], realm=world.us.realm_id))
    inv = world.us.get_invoice(made.invoice.id or "")
    assert (Decimal("44.55"), Decimal("6034.55")) == (inv.tax_detail.total_tax, inv.total)  # type: ignore[union-attr]


def test_line_discount_as_discount_line_is_accepted_with_the_same_pretax_total(
    world: DemoWorld,
) -> None:
    """DISCOUNT_LINE mode: list prices plus one 60.00 discount line; QBO's total before tax
    equals the draft's total."""
    b = world.builder(line_discount_mode=LineDiscountMode.DISCOUNT_LINE)
    draft = b.from_deal(world.hs["deal-acme"], realm=world.us.realm_id)
    inv = world.us.get_invoice(b.create(draft).invoice.id or "")
    discounts = [ln.amount for ln in inv.lines if ln.detail_type.value == "DiscountLineDetail"]
    assert ([Decimal("60.00")], Decimal("5990.00")) == (
        discounts,
        inv.total - inv.tax_detail.total_tax,  # type: ignore[union-attr]
    )


# --------------------------------------------------------------------------- A10


def test_custom_transaction_numbers_refused_before_any_write(world: DemoWorld) -> None:
    """Default policy: CustomTransactionNumbersEnabled, and no write reached either API."""
    realm = world.quickbooks.add_realm(country="US", custom_txn_numbers=True)
    from hubqbo.cli import _ledger

    ledger = _ledger(world.quickbooks, realm, world.clock)
    posts = world.hubspot.count_requests(method="POST")
    with pytest.raises(CustomTransactionNumbersEnabled):
        InvoiceBuilder(world.crm, ledger, now=world.clock.now).from_deal(world.hs["deal-acme"])
    assert posts == world.hubspot.count_requests(method="POST")
    assert [] == list(ledger.find_invoices(InvoiceQuery()))


def test_caller_supplied_doc_number_and_duplicate_check(world: DemoWorld) -> None:
    """CALLER_SUPPLIES policy: the number is required, used, and a duplicate refused first."""
    from hubqbo.cli import _ledger

    realm = world.quickbooks.add_realm(country="US", custom_txn_numbers=True)
    ledger = _ledger(world.quickbooks, realm, world.clock)
    acme = ledger.create_customer(
        __import__("hubqbo").Customer(display_name="Acme Corporation", email="wile@acme.example")
    )
    for name, sku in (
        ("Website design", "WEB-01"),
        ("Hosting (annual)", "HOST-12"),
        ("Support hours", "SUP-H"),
    ):
        world.quickbooks.add_item(realm, name, 100, Sku=sku)
    b = InvoiceBuilder(
        world.crm, ledger, now=world.clock.now, doc_number_policy=DocNumberPolicy.CALLER_SUPPLIES
    )
    d = b.from_deal(world.hs["deal-acme"])
    assert ["doc_number_required"] == codes(d)
    made = b.create(d.with_doc_number("HS-2026-0042"))
    assert ("HS-2026-0042", acme.id) == (made.invoice.doc_number, made.invoice.customer.value)
    with pytest.raises(DuplicateDocNumberError, match="HS-2026-0042"):
        b.create(d.with_doc_number("HS-2026-0042").with_attempt("2"))
    assert 1 == len(list(ledger.find_invoices(InvoiceQuery())))
