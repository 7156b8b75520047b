"""InvoiceDraft: every problem at once, edits that return new drafts, lines, totals (A3–A8, A10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo import (
    Company,
    CompanyProfile,
    Contact,
    Customer,
    Item,
    LineDetailType,
    LineItem,
    Product,
    Quote,
    Ref,
    TaxCode,
    Term,
)
from hubqbo.invoices import (
    CustomerMatch,
    DocNumberPolicy,
    DraftSource,
    InvoiceDraft,
    LineDiscountMode,
    ProblemCode,
    RealmCatalog,
)

TODAY = dt.date(2026, 11, 25)
NET30 = Term(id="3", name="Net 30", due_days=30)
NET15 = Term(id="2", name="Net 15", due_days=15)
VAT20 = TaxCode(id="7", name="20.0% S")
VAT0 = TaxCode(id="9", name="0.0% Z")
CONSULT = Item(id="1", name="Consulting", sku="CON", unit_price=Decimal("120"), taxable=True)
LICENCE = Item(id="2", name="Licence", sku="LIC", sales_tax_code=Ref("7", "20.0% S"))
FEES = Item(id="8", name="Fees")
ACME = Customer(id="58", display_name="Acme Ltd", currency="GBP", sales_term=Ref("2"))
ACME_USD = Customer(id="59", display_name="Acme Inc", currency="USD")


def catalog(country: str = "GB", currency: str = "GBP", **profile: object) -> RealmCatalog:
    """A small realm: two items, a fee item, VAT codes, Net 15/30, and two customer names."""
    return RealmCatalog.of(
        CompanyProfile(
            realm_id="9", country=country, home_currency=currency, default_terms=Ref("3"), **profile
        ),  # type: ignore[arg-type]
        items=[CONSULT, LICENCE, FEES],
        tax_codes=[VAT20, VAT0] if country != "US" else [],
        terms=[NET30, NET15],
        customer_names=["Acme Ltd", "Acme Inc"],
    )


def line(name: str, qty: str = "1", price: str = "100", **kw: object) -> LineItem:
    return LineItem(name=name, quantity=Decimal(qty), unit_price=Decimal(price), **kw)  # type: ignore[arg-type]


def draft(
    cat: RealmCatalog | None = None, lines: list[LineItem] | None = None, **kw: object
) -> InvoiceDraft:
    cat = cat or catalog()
    kw.setdefault("customer", ACME)
    return InvoiceDraft.build(
        source=DraftSource(deal_id="7"),
        catalog=cat,
        currency=str(kw.pop("currency", cat.profile.home_currency)),
        txn_date=TODAY,
        line_items=lines if lines is not None else [line("Consulting", "3", "120")],
        **kw,  # type: ignore[arg-type]
    )


def codes(d: InvoiceDraft) -> list[str]:
    return [p.code.value for p in d.problems()]


# --------------------------------------------------------------------------- problems


def test_uk_draft_without_tax_codes_lists_the_problem_with_candidates_and_fix() -> None:
    """Non-US: a line whose item has no default tax code needs one; the fix names the edit."""
    d = draft()
    [problem] = d.problems()
    assert ProblemCode.TAX_CODE_REQUIRED == problem.code
    assert ("7: 20.0% S", "9: 0.0% Z") == problem.candidates
    assert "with_tax_code" in problem.fix
    assert () == d.with_tax_code("7").problems()
    assert () == d.with_tax_code("20.0% S", line=1).problems()


def test_unknown_tax_code_is_a_problem() -> None:
    """A tax code that is not an active code of the realm is reported per line."""
    assert ["tax_code_unknown"] == codes(draft().with_tax_code("99"))


def test_us_lines_accept_only_tax_or_non() -> None:
    """US: default from the taxable flag; a real code id is refused."""
    d = draft(catalog("US", "USD"), customer=ACME_USD)
    assert ("TAX", ()) == (d.tax_code_for(d.lines[0]).value, d.problems())  # type: ignore[union-attr]
    assert ["us_tax_code"] == codes(d.with_tax_code("7"))
    assert () == d.with_tax_code("NON").problems()


def test_every_problem_is_listed_at_once() -> None:
    """One review shows all problems (customer, currency, items, lines, totals, message...)."""
    quote = Quote(
        id="5",
        status="APPROVED",
        amount=Decimal("999"),
        has_tax_objects=True,
        fee_amount=Decimal("10"),
    )
    d = draft(
        lines=[
            line("Consulting"),
            line("Mystery box"),
            line("Licence", recurring_billing_frequency="monthly"),
            line("Licence", qty="0"),
        ],
        customer=None,
        match=CustomerMatch(customer=None, candidates=(ACME,), ambiguous=True),
        company=Company(id="4", name="Acme"),
        currency="EUR",
        quote=quote,
        message="x" * 1001,
        doc_number="INV-" + "9" * 20,
    )
    assert [
        "ambiguous_customer",
        "currency_not_enabled",
        "quote_tax_objects",
        "item_not_found",
        "recurring_line",
        "quantity_invalid",
        "fee_item_missing",
        "tax_code_required",
        "total_mismatch",
        "message_too_long",
        "doc_number_invalid",
    ] == codes(d)
    assert all(p.fix for p in d.problems())


def test_no_match_offers_candidates_and_both_ways_out() -> None:
    """No match: pick a candidate or create a customer from the HubSpot data."""
    d = draft(
        customer=None,
        match=CustomerMatch(customer=None, candidates=(ACME,)),
        contact=Contact(id="101", first_name="Ada", last_name="Lovelace", email="ada@example.com"),
    ).with_tax_code("7")
    [problem] = d.problems()
    assert (ProblemCode.NO_CUSTOMER_MATCH, ("58: Acme Ltd",)) == (problem.code, problem.candidates)
    assert "with_customer" in problem.fix
    assert "with_new_customer" in problem.fix
    assert ACME == d.with_customer("58").customer
    new = d.with_new_customer()
    assert (None, "Ada Lovelace", "GBP", "ada@example.com") == (
        new.customer,
        new.new_customer.display_name,
        new.new_customer.currency,  # type: ignore[union-attr]
        new.new_customer.email,  # type: ignore[union-attr]
    )
    assert () == new.problems()


def test_new_customer_name_checked_case_insensitively_and_without_colons() -> None:
    """A new customer may not reuse a DisplayName (any case) nor contain ':'."""
    d = draft(customer=None, company=Company(id="4", name="ACME LTD")).with_tax_code("7")
    assert ["customer_name_taken"] == codes(d.with_new_customer())
    assert ["customer_name_invalid"] == codes(d.with_new_customer("Acme: UK"))
    assert () == d.with_new_customer("Acme Ltd (UK)").problems()


def test_several_contacts_need_a_choice_and_the_match_follows_it() -> None:
    """Deal with several contacts and no company: choose; the customer comes from that match."""
    ada = Contact(id="1", first_name="Ada", email="ada@acme.co.uk")
    bob = Contact(id="2", first_name="Bob", email="bob@acme.co.uk")
    d = draft(
        customer=None,
        contact_choices=[ada, bob],
        contact_matches={"1": CustomerMatch(customer=ACME), "2": CustomerMatch(None)},
    ).with_tax_code("7")
    assert ["several_contacts"] == codes(d)
    chosen = d.with_contact("1")
    assert (ACME, "ada@acme.co.uk", ()) == (chosen.customer, chosen.bill_email, chosen.problems())
    assert ["no_customer_match"] == codes(d.with_contact("2"))
    with pytest.raises(ValueError, match="not among"):
        d.with_contact("3")


def test_currency_rules() -> None:
    """Foreign deal currency needs multi-currency; the customer's currency must match."""
    assert ["currency_not_enabled", "customer_currency"] == codes(
        draft(currency="USD").with_tax_code("7")
    )
    multi = draft(catalog(multi_currency=True), currency="USD").with_tax_code("7")
    assert ["customer_currency"] == codes(multi)
    assert (
        ()
        == multi.with_customer(Customer(id="70", display_name="Acme US", currency="USD")).problems()
    )


def test_inactive_customer_is_a_problem() -> None:
    """Billing an inactive customer is refused before writing."""
    d = draft(customer=Customer(id="5", display_name="Gone", active=False)).with_tax_code("7")
    assert ["customer_inactive"] == codes(d)


def test_custom_transaction_numbers_with_caller_supplied_number() -> None:
    """Policy CALLER_SUPPLIES: a number is required while QBO's custom numbers are on."""
    d = draft(
        catalog(custom_txn_numbers=True), doc_number_policy=DocNumberPolicy.CALLER_SUPPLIES
    ).with_tax_code("7")
    assert ["doc_number_required"] == codes(d)
    assert () == d.with_doc_number("HS-2026-0001").problems()


# --------------------------------------------------------------------------- edits, totals


def test_edits_return_new_drafts_and_leave_the_original_alone() -> None:
    """with_* never mutates: the reviewed draft stays what it was."""
    d = draft()
    e = (
        d.with_tax_code("7")
        .with_message("Thanks!")
        .with_terms("Net 15")
        .with_dates(txn_date=dt.date(2026, 12, 1))
        .with_doc_number("A-1")
        .with_item(1, "2")
    )
    assert (None, None, None, TODAY) == (d.message, d.doc_number, d.terms, d.txn_date)
    assert ("Thanks!", "A-1", dt.date(2026, 12, 16), LICENCE) == (
        e.message,
        e.doc_number,
        e.due_date,
        e.lines[0].item,
    )


def test_terms_default_to_the_customers_then_due_date_follows() -> None:
    """Acme's terms are Net 15 (customer), a buyer without terms gets Net 30 (company)."""
    from hubqbo.invoices import resolve_terms

    cat = catalog()
    assert NET15 == resolve_terms(ACME, cat.profile, cat.terms)
    d = draft(terms=NET15)
    assert dt.date(2026, 12, 10) == d.due_date
    assert dt.date(2026, 12, 1) == d.with_dates(due_date=dt.date(2026, 12, 1)).due_date
    assert ["due_before_invoice_date", "tax_code_required"] == sorted(
        codes(d.with_dates(due_date=dt.date(2026, 11, 1)))
    )


def test_unknown_item_and_term_edits_fail_loudly() -> None:
    """Edits naming things the realm does not have raise at once."""
    with pytest.raises(ValueError, match="no item 404"):
        draft().with_item(1, "404")
    with pytest.raises(ValueError, match="no active term"):
        draft().with_terms("Net 90")
    with pytest.raises(IndexError):
        draft().with_item(5, "1")


def test_item_resolution_uses_product_link_and_mapping() -> None:
    """Lines resolve through the mapping and the product's stored QBO id."""
    d = draft(
        lines=[LineItem(product_id="p1", name="Something"), LineItem(product_id="p2", name="X")],
        products={"p1": Product(id="p1", qbo_item_id="2"), "p2": Product(id="p2")},
        item_map={"p2": "1"},
    )
    assert [LICENCE, CONSULT] == [ln.item for ln in d.lines]


def test_quote_percent_discount_becomes_a_discount_line() -> None:
    """A quote-level percentage discount → one DiscountLineDetail line (percent based)."""
    quote = Quote(
        id="5", status="APPROVED", discount_percent=Decimal("10"), amount=Decimal("324.00")
    )
    d = draft(quote=quote).with_tax_code("7")
    assert (Decimal("360.00"), Decimal("36.00"), Decimal("324.00"), ()) == (
        d.subtotal,
        d.discount_total,
        d.total,
        d.problems(),
    )
    discount = d.invoice_lines()[-1]
    assert (LineDetailType.DISCOUNT, Decimal("10")) == (
        discount.detail_type,
        discount.discount_percent,
    )


def test_quote_fees_go_to_the_configured_item_and_are_not_discounted() -> None:
    """Fees become a line on the fee item; a percent discount is then sent as a fixed amount."""
    quote = Quote(
        id="5",
        status="APPROVED",
        discount_percent=Decimal("10"),
        fee_amount=Decimal("25"),
        amount=Decimal("349.00"),
    )
    d = draft(quote=quote, fee_item_id="8").with_tax_code("7")
    assert (FEES, Decimal("349.00"), ()) == (d.lines[-1].item, d.total, d.problems())
    discount = d.invoice_lines()[-1]
    assert (None, Decimal("36.00")) == (discount.discount_percent, discount.amount)


def test_total_mismatch_with_the_quote_amount() -> None:
    """The quote's amount must equal what QBO will compute."""
    quote = Quote(id="5", status="APPROVED", amount=Decimal("360.01"))
    [problem] = draft(quote=quote).with_tax_code("7").problems()
    assert "360.00 GBP" in problem.message
    assert "360.01 GBP" in problem.message


def test_unit_price_always_sent_and_amount_rounded() -> None:
    """Each sales line carries qty, unit price, amount (half-up), item and tax code."""
    d = draft(lines=[line("Consulting", "3", "33.335")]).with_tax_code("7")
    [sales] = d.to_invoice(Ref("58", "Acme Ltd"), private_note="n").lines
    assert (Decimal("3"), Decimal("33.335"), Decimal("100.01"), "1", "7") == (
        sales.quantity,
        sales.unit_price,
        sales.amount,
        sales.item.value,  # type: ignore[union-attr]
        sales.tax_code.value,
    )  # type: ignore[union-attr]


discount_lines = st.lists(
    st.tuples(
        st.decimals(min_value=Decimal("0.5"), max_value=Decimal("50"), places=1),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=3),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=1),
    ),
    min_size=1,
    max_size=5,
)


@given(discount_lines, st.sampled_from(["GBP", "JPY"]))
def test_line_discount_modes_give_the_same_total(
    rows: list[tuple[Decimal, Decimal, Decimal]], currency: str
) -> None:
    """Net unit prices and a discount line are two spellings of the same invoice total."""
    cat = catalog(currency=currency)
    items = [
        LineItem(name="Consulting", quantity=q, unit_price=p, discount_percentage=pct)
        for q, p, pct in rows
    ]
    net = draft(cat, items, customer=None)
    as_line = net.with_line_discount_mode(LineDiscountMode.DISCOUNT_LINE)
    assert net.total == as_line.total
    assert (
        sum(
            (
                ln.amount
                for ln in as_line.invoice_lines()
                if ln.detail_type is LineDetailType.SALES_ITEM
            ),
            Decimal(0),
        )
        - (as_line.discount_total)
        == as_line.total
    )


def test_invoice_is_built_awaiting_send_with_message_terms_and_key_note() -> None:
    """to_invoice carries the memo, dates, terms, bill email and the private note."""
    d = draft(terms=NET15, bill_email="ap@acme.co.uk").with_tax_code("7").with_message("Thanks")
    inv = d.to_invoice(Ref("58", "Acme Ltd"), private_note="hubqbo-key: k")
    assert (
        "Thanks",
        TODAY,
        dt.date(2026, 12, 10),
        Ref("2", "Net 15"),
        "ap@acme.co.uk",
        "hubqbo-key: k",
        "NotSet",
    ) == (
        inv.customer_memo,
        inv.txn_date,
        inv.due_date,
        inv.sales_term,
        inv.bill_email,
        inv.private_note,
        inv.email_status.value,
    )


# --------------------------------------------------------------------------- rendering


def test_text_and_html_show_lines_totals_and_problems() -> None:
    """A terminal sees a table and each problem; Jupyter gets escaped HTML."""
    d = draft(company=Company(id="4", name="<Acme & Co>"))
    text = str(d)
    assert "Consulting [1] (name)" in text
    assert "total before tax: 360.00 GBP" in text
    assert "[tax_code_required]" in text
    html = d._repr_html_()
    assert "&lt;Acme &amp; Co&gt;" in html
    assert "<Acme" not in html
    assert "Ready to create." in d.with_tax_code("7")._repr_html_()


def test_hubspot_line_amount_must_agree_with_quantity_times_net_price() -> None:
    """A line whose HubSpot amount disagrees with qty × net price is flagged, not billed."""
    ok = line("Consulting", "3", "120", discount=Decimal("20"), amount=Decimal("300"))
    off = line("Consulting", "3", "120", discount=Decimal("20"), amount=Decimal("340"))
    assert [] == codes(draft(lines=[ok]).with_tax_code("7"))
    [problem] = draft(lines=[off]).with_tax_code("7").problems()
    assert (ProblemCode.LINE_AMOUNT_MISMATCH, 1) == (problem.code, problem.line)
    assert "340.00 GBP" in problem.message


def test_us_invoice_sends_no_tax_detail() -> None:
    """US: QBO computes the tax (automated sales tax), so no TxnTaxDetail is sent."""
    d = draft(catalog("US", "USD", automated_sales_tax=True), customer=ACME_USD)
    inv = d.to_invoice(Ref("59"))
    assert (None, ["TAX"]) == (inv.tax_detail, [ln.tax_code.value for ln in inv.lines])  # type: ignore[union-attr]


def test_discount_larger_than_the_lines_is_a_problem() -> None:
    """A quote discount above the subtotal would make a negative invoice: refused."""
    quote = Quote(id="5", status="APPROVED", discount_amount=Decimal("500"))
    assert ["negative_total"] == codes(draft(quote=quote).with_tax_code("7"))


@given(
    st.lists(st.tuples(st.integers(1, 20), st.integers(0, 5000)), min_size=1, max_size=4),
    st.integers(0, 100),
)
def test_percent_discount_total_is_subtotal_minus_discount(
    rows: list[tuple[int, int]], pct: int
) -> None:
    """total = subtotal − round(subtotal × pct / 100), never negative, for any lines."""
    quote = Quote(id="5", status="APPROVED", discount_percent=Decimal(pct))
    d = draft(lines=[line("Consulting", str(q), str(p)) for q, p in rows], quote=quote)
    assert d.subtotal - d.discount_total == d.total
    assert Decimal(0) <= d.total <= d.subtotal


def test_quote_percent_and_fixed_discounts_add_up_and_percent_fees_follow_discounts() -> None:
    """HubSpot's order: discounts (10% of 360 = 36, plus 5 fixed), then a 2% fee of what is
    left (319 → 6.38); the discount goes to QBO as one fixed amount."""
    quote = Quote(
        id="5",
        status="APPROVED",
        discount_percent=Decimal("10"),
        discount_amount=Decimal("5"),
        fee_percent=Decimal("2"),
        amount=Decimal("325.38"),
    )
    d = draft(quote=quote, fee_item_id="8").with_tax_code("7")
    assert (Decimal("41.00"), Decimal("6.38"), Decimal("325.38"), ()) == (
        d.discount_total,
        d.amount_of(d.lines[-1]),
        d.total,
        d.problems(),
    )
    discount = d.invoice_lines()[-1]
    assert (None, Decimal("41.00")) == (discount.discount_percent, discount.amount)
