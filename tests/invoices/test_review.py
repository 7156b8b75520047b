"""Review fixes (issue 6): each test failed before its fix, through the public API against
both sandboxes (the real HTTP adapters over the sandboxes' transports)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest

from hubqbo import CrmObjectType, Customer
from hubqbo.cli import DemoWorld, _ledger
from hubqbo.errors import DraftHasProblems, DuplicateDocNumberError, QuoteNotUsable
from hubqbo.invoices import DocNumberPolicy, InvoiceBuilder
from hubqbo.protocols import InvoiceQuery


def _term_id(world: DemoWorld, name: str) -> str:
    return next(t.id for t in world.us.list_terms() if t.name == name and t.id)


def test_terms_follow_the_customer_chosen_in_review(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A6: Initech matches no customer, so the draft starts on the company's Net 30; choosing
    a customer whose own terms are Net 15 moves the terms and the due date with it, and the
    QBO invoice carries Net 15 (before: the company default stayed, overriding the
    customer's terms in QBO)."""
    net15 = _term_id(world, "Net 15")
    initech = world.quickbooks.add_customer(
        world.us.realm_id, "Initech Inc", SalesTermRef={"value": net15}
    )
    d = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    assert ("Net 30", None) == (d.terms.name if d.terms else None, d.customer)
    chosen = d.with_customer(world.us.get_customer(initech))
    assert ("Net 15", d.txn_date + dt.timedelta(days=15)) == (
        chosen.terms.name if chosen.terms else None,
        chosen.due_date,
    )
    made = builder.create(chosen)
    assert (net15, d.txn_date + dt.timedelta(days=15)) == (
        made.invoice.sales_term.value if made.invoice.sales_term else None,
        made.invoice.due_date,
    )


def test_customer_chosen_by_id_alone_gets_its_own_terms_on_create(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A6: ``with_customer('<id>')`` of a customer the draft has never seen is read on create
    and its own terms (Net 15) are used, not the company default the draft started with."""
    net15 = _term_id(world, "Net 15")
    initech = world.quickbooks.add_customer(
        world.us.realm_id, "Initech Inc", SalesTermRef={"value": net15}
    )
    d = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    made = builder.create(d.with_customer(initech))
    assert (initech, net15, d.txn_date + dt.timedelta(days=15)) == (
        made.invoice.customer.value,
        made.invoice.sales_term.value if made.invoice.sales_term else None,
        made.invoice.due_date,
    )


def test_terms_chosen_in_review_stay_when_the_customer_changes(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A6: terms pinned with ``with_terms`` are not replaced by a later customer choice."""
    net15 = _term_id(world, "Net 15")
    initech = world.quickbooks.add_customer(
        world.us.realm_id, "Initech Inc", SalesTermRef={"value": net15}
    )
    d = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    pinned = d.with_terms("Net 30").with_customer(world.us.get_customer(initech))
    assert "Net 30" == (pinned.terms.name if pinned.terms else None)


def test_duplicate_doc_number_is_refused_before_the_new_customer_is_created(
    world: DemoWorld,
) -> None:
    """A10 and "validate before any write": a caller's DocNumber already used in QBO is
    refused before the draft's new customer is created (before: the customer was created,
    then the number refused), and a retry after the customer and invoice were made returns
    that invoice rather than calling its own number a duplicate."""
    realm = world.quickbooks.add_realm(country="US", custom_txn_numbers=True)
    ledger = _ledger(world.quickbooks, realm, world.clock)
    other = ledger.create_customer(Customer(display_name="Someone Else"))
    item = world.quickbooks.add_item(realm, "Website design", 100, Sku="WEB-01")
    world.quickbooks.add_invoice(realm, other.id or "", [(item, 1, 100)], DocNumber="HS-7")
    for name, sku in (("Hosting (annual)", "HOST-12"), ("Support hours", "SUP-H")):
        world.quickbooks.add_item(realm, name, 100, Sku=sku)
    b = InvoiceBuilder(
        world.crm, ledger, now=world.clock.now, doc_number_policy=DocNumberPolicy.CALLER_SUPPLIES
    )
    d = b.from_deal(world.hs["deal-acme"]).with_new_customer()
    names_before = sorted(c.display_name or "" for c in ledger.iter_customers())
    with pytest.raises(DuplicateDocNumberError, match="HS-7"):
        b.create(d.with_doc_number("HS-7"))
    assert names_before == sorted(c.display_name or "" for c in ledger.iter_customers())
    first = b.create(d.with_doc_number("HS-8"))
    again = b.create(d.with_doc_number("HS-8"))
    assert (True, False, first.invoice.id) == (first.created, again.created, again.invoice.id)
    assert 2 == len(list(ledger.find_invoices(InvoiceQuery())))


def test_invoice_deleted_in_quickbooks_is_reported_once(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """C4: an invoice deleted in QBO gives InvoiceVoided on the next refresh and never again
    (before: its HubSpot record was never updated, so every refresh reported it anew); the
    record then reads voided and the deal roll-up is cleared."""
    made = builder.create(builder.from_deal(world.hs["deal-acme"], realm=world.us.realm_id))
    world.us.delete_invoice(world.us.get_invoice(made.invoice.id or ""))
    first = builder.refresh_deal(world.hs["deal-acme"])
    second = builder.refresh_deal(world.hs["deal-acme"])
    assert (["invoice_voided", "deal_rollup_changed"], []) == (
        [e.kind for e in first.events],
        [e.kind for e in second.events],
    )
    record = world.hubspot.get("invoices", made.crm_invoice_id or "")["properties"]
    deal = world.hubspot.get("deals", world.hs["deal-acme"])["properties"]
    assert ("voided", "") == (
        record["hubqbo_invoice_status"],
        deal.get("qbo_invoice_status") or "",
    )


def _deal_for_new_buyer(world: DemoWorld, first: str, last: str) -> str:
    """A HubSpot deal whose only buyer is a new contact (no company), one known SKU."""
    hs = world.hubspot
    person = hs.create(
        "contacts", {"email": "pat@example.org", "firstname": first, "lastname": last}
    )
    deal = hs.create(
        "deals",
        {"dealname": "Website", "deal_currency_code": "USD"},
        associations=[("contacts", person)],
    )
    hs.create(
        "line_items",
        {"name": "Website design", "hs_sku": "WEB-01", "price": "4500", "quantity": "1"},
        associations=[("deals", deal)],
    )
    return deal


def test_new_customer_from_long_hubspot_names_fits_quickbooks_limits(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A3: a new customer made from a contact keeps the whole name as DisplayName, while
    GivenName and FamilyName are cut to QBO's 25 and 15 characters (IntuitNamesTypes.xsd);
    before, HubSpot's names were sent whole and QBO's limits were left to fail the write."""
    first, last = "Maximiliana-Konstantina", "Featherstonehaugh-Smythe"
    d = builder.from_deal(_deal_for_new_buyer(world, first, last), realm=world.us.realm_id)
    made = builder.create(d.with_new_customer())
    customer = world.us.get_customer(made.invoice.customer.value)
    assert (f"{first} {last}", first[:25], "Featherstonehau") == (
        customer.display_name,
        customer.given_name,
        customer.family_name,
    )


def test_new_customer_name_with_a_tab_or_line_break_is_a_problem_before_any_write(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A3: QBO refuses tabs and line breaks in DisplayName (like ':'); the draft says so and
    create writes nothing (before: no problem, and QBO's refusal came from the write)."""
    d = builder.from_deal(_deal_for_new_buyer(world, "Pat", "Lee"), realm=world.us.realm_id)
    before = len(list(world.us.iter_customers()))
    for name in ("Pat\tLee", "Pat Lee\nAccounts"):
        bad = d.with_new_customer(display_name=name)
        assert ["customer_name_invalid"] == [p.code.value for p in bad.problems()]
        with pytest.raises(DraftHasProblems):
            builder.create(bad)
    assert before == len(list(world.us.iter_customers()))


class _Recording(httpx.BaseTransport):
    """The QBO sandbox, keeping each request's method, path and body (nothing is changed)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[tuple[str, str, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path, request.read()))
        return self.inner.handle_request(request)


def test_uk_invoice_says_its_prices_exclude_tax(world: DemoWorld) -> None:
    """A5: outside the US the invoice is sent with GlobalTaxCalculation TaxExcluded, since
    HubSpot prices are net of tax; without it QBO uses the company's sales-form default,
    which for many UK and Australian companies is "inclusive of tax" (before: not sent)."""
    recording = _Recording(world.quickbooks)
    uk = _ledger(recording, world.uk.realm_id, world.clock)
    b = InvoiceBuilder(world.crm, uk, now=world.clock.now)
    d = b.from_deal(world.hs["deal-harbour"])
    photo = world.qbo["uk:item:Photography (day rate)"]
    made = b.create(d.with_tax_code(world.qbo["uk:tax:20.0% S"], line=1).with_item(3, photo))
    [body] = [
        json.loads(content)
        for method, path, content in recording.requests
        if method == "POST" and path.endswith("/invoice")
    ]
    assert ("TaxExcluded", "TaxExcluded") == (
        body.get("GlobalTaxCalculation"),
        made.invoice.global_tax_calculation,
    )


def test_quote_expiry_is_judged_on_the_portals_calendar(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A2: it is Wednesday 25 November, 09:00 in New York (the portal's zone). A quote whose
    stored expiry instant is 03:00 UTC on the 25th (22:00 on the 24th in New York) expired
    yesterday (before: its UTC date, the 25th, let it through); one expiring at the end of
    the 25th in New York (04:59:59.999 UTC on the 26th) is still usable today."""
    hs, deal = world.hubspot, world.hs["deal-acme"]
    expired, current = (
        hs.create(
            "quotes",
            {"hs_title": title, "hs_expiration_date": when, "hs_status": "APPROVED"},
            associations=[("deals", deal)],
        )
        for title, when in (
            ("late", "2026-11-25T03:00:00Z"),
            ("today", "2026-11-26T04:59:59.999Z"),
        )
    )
    with pytest.raises(QuoteNotUsable, match="expired on 2026-11-24"):
        builder.from_quote(expired, realm=world.us.realm_id)
    assert current == builder.from_quote(current, realm=world.us.realm_id).source.quote_id


def test_quote_discount_lowers_the_taxable_amount(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """A4/A5: HubSpot applies a quote's discount before tax, so the invoice's discount line
    must too (ApplyTaxAfterDiscount). Before, QBO's default taxed Acme's 1,200.00 of taxable
    hosting in full despite the quote's 10% discount."""
    made = builder.create(builder.from_quote(world.hs["quote-acme"], realm=world.us.realm_id))
    read = world.us.get_invoice(made.invoice.id or "")
    assert read.tax_detail is not None
    [tax_line] = read.tax_detail.lines
    assert True is read.apply_tax_after_discount
    assert tax_line.net_amount_taxable is not None
    assert tax_line.net_amount_taxable < Decimal("1200.00")


def test_new_customer_in_another_currency_than_the_deal_is_a_problem(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Currency: a new customer the caller specifies in EUR for a USD deal is a draft problem
    and nothing is written (before: only an existing customer's currency was checked, and
    QBO's refusal came from the customer write)."""
    d = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    euro = d.with_new_customer(customer=Customer(display_name="Initech GmbH", currency="EUR"))
    assert ["customer_currency"] == [p.code.value for p in euro.problems()]
    before = len(list(world.us.iter_customers()))
    with pytest.raises(DraftHasProblems, match="EUR"):
        builder.create(euro)
    assert before == len(list(world.us.iter_customers()))


def test_a_foreign_currency_invoice_does_not_freeze_the_deal_rollup(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """C2/C3: Acme's deal has its USD invoice and, attached later, a GBP one. The USD invoice
    is paid, then the GBP one is sent (so it is the most recently updated). The GBP invoice
    must not update the deal — and must not stop the USD payment from doing so (before: the
    foreign "winner" meant nothing was written, and the deal still read awaiting send)."""
    deal = world.hs["deal-acme"]
    usd = builder.create(builder.from_deal(deal, realm=world.us.realm_id))
    harbour = builder.from_deal(world.hs["deal-harbour"], realm=world.uk.realm_id)
    gbp = builder.create(
        harbour.with_tax_code(world.qbo["uk:tax:20.0% S"]).with_item(
            3, world.qbo["uk:item:Photography (day rate)"]
        )
    )
    builder.attach_existing(CrmObjectType.DEAL, deal, [gbp])
    world.clock.advance(seconds=60)
    world.quickbooks.add_payment(world.us.realm_id, usd.invoice.id or "", usd.invoice.total)
    world.clock.advance(seconds=60)
    builder.send(gbp)
    refreshed = builder.refresh_deal(deal)
    props = world.hubspot.get("deals", deal)["properties"]
    assert ("paid", usd.invoice.doc_number, str(usd.invoice.total)) == (
        props["qbo_invoice_status"],
        props["qbo_invoice_number"],
        props["qbo_invoice_amount_billed"],
    )
    assert refreshed.rollup is not None


def test_create_again_with_another_customer_returns_the_invoice_the_key_made(
    world: DemoWorld,
) -> None:
    """A9: Initech's deal was invoiced (a new customer). A later run — a new builder, the
    draft rebuilt, and another customer picked — has the same key (realm, deal, no attempt):
    it finds that invoice on the deal before writing and returns it (before: it looked for
    the key only among the other customer's invoices, reported ``created=True`` and sent a
    second create, kept from duplicating only by QBO's requestid replay, which QBO does not
    keep forever)."""
    deal = world.hs["deal-initech"]
    first = world.builder().create(
        world.builder().from_deal(deal, realm=world.us.realm_id).with_new_customer()
    )
    later = world.builder()
    draft = later.from_deal(deal, realm=world.us.realm_id).with_customer(world.qbo["us:Globex LLC"])
    again = later.create(draft)
    assert (False, first.invoice.id, first.crm_invoice_id) == (
        again.created,
        again.invoice.id,
        again.crm_invoice_id,
    )
    globex = world.us.find_invoices(InvoiceQuery(customer_id=world.qbo["us:Globex LLC"]))
    assert [] == [i.id for i in globex]
