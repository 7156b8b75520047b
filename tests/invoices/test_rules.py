"""The pure invoicing rules: quotes (A2), items (A4), prices, tax (A5), terms (A6), names (A10)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo import CompanyProfile, Customer, Item, ItemType, LineItem, Product, Quote, Ref, Term
from hubqbo.errors import QuoteNotUsable
from hubqbo.invoices import ItemIndex, ResolvedBy, check_quote_usable, resolve_item, resolve_terms
from hubqbo.invoices._rules import (
    default_tax_code,
    doc_number_error,
    due_date_for,
    line_amount,
    net_unit_price,
    new_customer_name_error,
    percent_of,
)

TODAY = dt.date(2026, 11, 25)
US = CompanyProfile(realm_id="1", country="US", home_currency="USD")
GB = CompanyProfile(realm_id="2", country="GB", home_currency="GBP", default_terms=Ref("3"))

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10000"), places=3)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=4)


# --------------------------------------------------------------------------- quotes


@pytest.mark.parametrize("status", ["APPROVED", "APPROVAL_NOT_NEEDED", "ACCEPTED"])
def test_published_quotes_are_usable(status: str) -> None:
    """APPROVED, APPROVAL_NOT_NEEDED and (CPQ) ACCEPTED quotes can be invoiced."""
    assert check_quote_usable(Quote(id="5", status=status), today=TODAY) is None


@pytest.mark.parametrize("status", [None, "", "DRAFT", "PENDING_APPROVAL", "REJECTED", "approved"])
def test_unpublished_quotes_are_refused_with_the_reason(status: str | None) -> None:
    """Any other hs_status (states are case-sensitive) is refused, naming the status."""
    with pytest.raises(QuoteNotUsable) as caught:
        check_quote_usable(Quote(id="5", status=status), today=TODAY)
    assert ("5", True) == (
        caught.value.quote_id,
        caught.value.reason.startswith("it is not published"),
    )


def test_quote_expiring_today_is_usable_and_yesterday_is_not() -> None:
    """A quote expires at the end of its expiration date (on the portal's calendar)."""
    check_quote_usable(Quote(id="5", status="APPROVED", expiration_date=TODAY), today=TODAY)
    with pytest.raises(QuoteNotUsable, match="expired on 2026-11-24"):
        check_quote_usable(
            Quote(id="5", status="APPROVED", expiration_date=dt.date(2026, 11, 24)), today=TODAY
        )


# --------------------------------------------------------------------------- items

AUDIT = Item(id="1", name="Audit", sku="AUD-1")
OLD = Item(id="2", name="Old audit", sku="AUD-OLD", active=False)
CAT = Item(id="3", name="Services", type=ItemType.CATEGORY)
SUB = Item(id="4", name="Setup", fully_qualified_name="Services:Setup", sku="SET")
DUP_A = Item(id="5", name="Training A", sku="TRN")
DUP_B = Item(id="6", name="Training B", sku="TRN")
INDEX = ItemIndex.of([AUDIT, OLD, CAT, SUB, DUP_A, DUP_B])


def test_explicit_mapping_wins_over_everything() -> None:
    """The caller's product → item mapping is tried first."""
    res = resolve_item(
        LineItem(product_id="p1", sku="AUD-1", name="Audit"),
        Product(id="p1", qbo_item_id="4"),
        INDEX,
        {"p1": "5"},
    )
    assert (DUP_A, ResolvedBy.MAPPING) == (res.item, res.via)


def test_product_link_then_sku_then_name() -> None:
    """Without a mapping: the product's stored QBO id, then exact SKU, then exact name."""
    by_product = resolve_item(
        LineItem(product_id="p1", sku="AUD-1"), Product(id="p1", qbo_item_id="4"), INDEX
    )
    by_sku = resolve_item(LineItem(sku="SET", name="Audit"), None, INDEX)
    by_name = resolve_item(LineItem(name="  audit "), None, INDEX)
    by_qualified = resolve_item(LineItem(name="services:setup"), None, INDEX)
    assert [
        (SUB, ResolvedBy.PRODUCT),
        (SUB, ResolvedBy.SKU),
        (AUDIT, ResolvedBy.NAME),
        (SUB, ResolvedBy.NAME),
    ] == [(r.item, r.via) for r in (by_product, by_sku, by_name, by_qualified)]


def test_inactive_and_category_items_are_skipped_with_a_note() -> None:
    """A mapping to an inactive item falls through to the next rule, and says so."""
    res = resolve_item(LineItem(product_id="p", name="Audit"), None, INDEX, {"p": "2"})
    assert (AUDIT, ResolvedBy.NAME) == (res.item, res.via)
    assert ["mapping: item 2 (Old audit) is inactive"] == list(res.notes)
    cat = resolve_item(LineItem(name="Services"), None, INDEX)
    assert cat.item is None
    assert any("Category" in n for n in cat.notes)


def test_never_fuzzy_a_near_name_is_a_miss_with_candidates() -> None:
    """'Audits' does not resolve to 'Audit'; it is offered as a candidate instead."""
    res = resolve_item(LineItem(name="Audits"), None, INDEX)
    assert res.item is None
    assert AUDIT == res.candidates[0]
    assert all(c.sellable for c in res.candidates)


def test_duplicate_skus_are_ambiguous_not_guessed() -> None:
    """Two sellable items with one SKU: no item, both as candidates."""
    res = resolve_item(LineItem(sku="TRN"), None, INDEX)
    assert (None, True, (DUP_A, DUP_B)) == (res.item, res.ambiguous, res.candidates)


# --------------------------------------------------------------------------- prices


@given(quantities, prices, st.sampled_from(["USD", "JPY", "KWD"]))
def test_line_amount_is_quantity_times_price_rounded_half_up(
    qty: Decimal, price: Decimal, currency: str
) -> None:
    """Amount = qty × unit price rounded half-up to the currency's minor units."""
    places = {"USD": Decimal("0.01"), "JPY": Decimal("1"), "KWD": Decimal("0.001")}[currency]
    assert (qty * price).quantize(places, rounding=ROUND_HALF_UP) == line_amount(
        qty, price, currency
    )


def test_half_cent_rounds_up() -> None:
    """2.675 → 2.68 (binary floats would give 2.67)."""
    assert Decimal("2.68") == line_amount(Decimal("1"), Decimal("2.675"), "USD")


@given(prices, st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2))
def test_percentage_discount_gives_exact_net_price(price: Decimal, pct: Decimal) -> None:
    """A percentage line discount becomes price × (100 − pct) / 100, exactly; written without
    exponent from 10⁻⁶ up (below that Python's ``str`` of any Decimal uses one)."""
    net = net_unit_price(LineItem(unit_price=price, discount_percentage=pct))
    assert price * (100 - pct) / 100 == net
    if net == 0 or net >= Decimal("0.000001"):
        assert "E" not in str(net)


def test_fixed_discount_is_per_unit_and_percentage_wins() -> None:
    """HubSpot's `discount` is per unit; when both are set the percentage applies."""
    assert Decimal("90") == net_unit_price(LineItem(unit_price=Decimal(100), discount=Decimal(10)))
    both = LineItem(unit_price=Decimal(100), discount=Decimal(10), discount_percentage=Decimal(50))
    assert Decimal("50") == net_unit_price(both)


@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
)
def test_discount_never_exceeds_subtotal(subtotal: Decimal, pct: Decimal) -> None:
    """A percentage discount is between 0 and the subtotal, in cents."""
    amount = percent_of(subtotal, pct, "USD")
    assert Decimal(0) <= amount <= subtotal
    assert amount == amount.quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- tax


def test_us_lines_carry_only_tax_or_non_from_the_item() -> None:
    """US: TAX when the item is taxable, else NON; the item's own code is ignored."""
    taxable = Item(id="1", taxable=True, sales_tax_code=Ref("7"))
    assert [Ref("TAX"), Ref("NON"), Ref("NON")] == [
        default_tax_code(taxable, US),
        default_tax_code(Item(id="2", taxable=False), US),
        default_tax_code(None, US),
    ]


def test_non_us_lines_use_the_item_default_code_or_none() -> None:
    """Elsewhere the item's default sales tax code, or nothing (the draft then asks)."""
    assert [Ref("7", "20.0% S"), None] == [
        default_tax_code(Item(id="1", sales_tax_code=Ref("7", "20.0% S")), GB),
        default_tax_code(Item(id="2", taxable=True), GB),
    ]


# --------------------------------------------------------------------------- terms


NET30 = Term(id="3", name="Net 30", due_days=30)
NET15 = Term(id="2", name="Net 15", due_days=15)
GONE = Term(id="9", name="Old", due_days=5, active=False)


def test_customer_terms_then_company_default_then_none() -> None:
    """Customer's terms win; a missing/inactive term falls back to the company default."""
    terms = [NET30, NET15, GONE]
    assert [NET15, NET30, NET30, None] == [
        resolve_terms(Customer(sales_term=Ref("2")), GB, terms),
        resolve_terms(Customer(sales_term=Ref("9")), GB, terms),
        resolve_terms(None, GB, terms),
        resolve_terms(None, US, terms),
    ]


@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.integers(min_value=0, max_value=120),
)
def test_due_date_follows_the_term_unless_given(txn: dt.date, days: int) -> None:
    """Standard term: invoice date + due days; an explicit due date always wins."""
    term = Term(id="1", name="x", due_days=days)
    assert txn + dt.timedelta(days=days) == due_date_for(term, txn, None)
    assert TODAY == due_date_for(term, txn, TODAY)
    assert due_date_for(None, txn, None) is None


# --------------------------------------------------------------------------- names


def test_new_customer_name_rules() -> None:
    """Names are checked case-insensitively, and ':' is refused (QBO's sub-customer separator)."""
    taken = frozenset({"acme ltd"})
    assert new_customer_name_error("Globex", taken) is None
    assert "already exists" in (new_customer_name_error("ACME Ltd ", taken) or "")
    assert "':'" in (new_customer_name_error("Acme: UK", taken) or "")
    assert "no name" in (new_customer_name_error("  ", taken) or "")


def test_doc_number_at_most_21_characters() -> None:
    """DocNumber: None is fine (QBO numbers it), 21 chars fine, 22 refused, blank refused."""
    assert [None, None, True, True] == [
        doc_number_error(None),
        doc_number_error("X" * 21),
        doc_number_error("X" * 22) is not None,
        doc_number_error(" ") is not None,
    ]
