"""The adapter's converter: exact decimals both ways, round trips, voided detection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.models import Address, Customer, Invoice, InvoiceLine, LineDetailType, Ref
from hubqbo.quickbooks import _wire

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
money = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2)


@given(money)
def test_decimals_are_written_as_exact_json_numbers(amount: Decimal) -> None:
    """dumps writes a Decimal as a JSON number that loads back to the same Decimal."""
    assert amount == _wire.loads(_wire.dumps({"Amount": amount}))["Amount"]


@given(
    st.builds(
        Customer,
        id=st.from_regex(r"[1-9][0-9]{0,5}", fullmatch=True),
        sync_token=st.from_regex(r"[0-9]{1,3}", fullmatch=True),
        display_name=names,
        given_name=st.none() | names,
        email=st.none() | st.emails(),
        currency=st.sampled_from(["USD", "GBP", "EUR"]),
        active=st.booleans(),
        billing_address=st.none()
        | st.builds(Address, lines=st.lists(names, min_size=1, max_size=3), city=names),
        default_tax_code=st.none() | st.builds(Ref, st.from_regex(r"[0-9]{1,3}", fullmatch=True)),
        balance=st.none(),
    )
)
def test_customer_round_trip(customer: Customer) -> None:
    """Customer -> QBO JSON -> Customer is the identity on the fields QBO stores."""
    wire = _wire.loads(_wire.dumps(_wire.CONVERTER.unstructure(customer)))
    assert customer == _wire.CONVERTER.structure(wire, Customer)


def test_invoice_body_omits_subtotal_and_keeps_tax_codes() -> None:
    """Subtotal lines are not sent (QBO computes them); sales lines carry item, qty, price,
    tax code; a percent discount sends its percentage."""
    invoice = Invoice(
        customer=Ref("58"),
        currency="GBP",
        lines=[
            InvoiceLine.sales_item(
                item=Ref("1"),
                quantity=Decimal("2"),
                unit_price=Decimal("150"),
                currency="GBP",
                tax_code=Ref("3"),
            ),
            InvoiceLine(amount=Decimal("300"), detail_type=LineDetailType.SUBTOTAL),
            InvoiceLine.discount(percent=Decimal("10")),
        ],
    )
    body = _wire.CONVERTER.unstructure(invoice)
    assert [
        {
            "Amount": Decimal("300.00"),
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {
                "ItemRef": {"value": "1"},
                "Qty": Decimal("2"),
                "UnitPrice": Decimal("150"),
                "TaxCodeRef": {"value": "3"},
            },
        },
        {
            "DetailType": "DiscountLineDetail",
            "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": Decimal("10")},
        },
    ] == body["Line"]
    assert ({"value": "58"}, {"value": "GBP"}) == (body["CustomerRef"], body["CurrencyRef"])


def test_invoice_status_voided_is_recognised() -> None:
    """invoiceStatus VOIDED sets voided even before amounts are zeroed; deletions are marked."""
    voided = _wire.parse_entity(
        "Invoice",
        {"Id": "1", "CustomerRef": {"value": "1"}, "TotalAmt": 10, "invoiceStatus": "VOIDED"},
        home_currency=lambda: "USD",
    )
    deleted = _wire.parse_entity("Invoice", {"Id": "2", "status": "Deleted", "domain": "QBO"})
    assert (True, False, True) == (voided.voided, deleted.voided, deleted.deleted)
    assert "XXX" == deleted.currency  # a deletion stub carries no amounts and no CurrencyRef


def test_invoice_without_currency_ref_takes_the_home_currency_or_is_refused() -> None:
    """No CurrencyRef: the company's home currency when the caller gives it, else a clear
    ValueError — never a guessed USD. A CurrencyRef present wins over the home currency."""
    bare = {"Id": "7", "CustomerRef": {"value": "1"}, "TotalAmt": 12}
    asked: list[int] = []

    def home() -> str:
        asked.append(1)
        return "GBP"

    assert "GBP" == _wire.parse_entity("Invoice", bare, home_currency=home).currency
    with_ref = {**bare, "CurrencyRef": {"value": "EUR"}}
    assert "EUR" == _wire.parse_entity("Invoice", with_ref, home_currency=home).currency
    assert [1] == asked
    with pytest.raises(ValueError, match="no CurrencyRef"):
        _wire.parse_entity("Invoice", bare)


def test_invoice_global_tax_calculation_is_written_and_read() -> None:
    """GlobalTaxCalculation goes out when set (non-US: prices exclude tax), is left out when
    not, and is read back from QBO's answer."""
    base = Invoice(customer=Ref("58"), currency="GBP")
    excluded = Invoice(customer=Ref("58"), currency="GBP", global_tax_calculation="TaxExcluded")
    assert (None, "TaxExcluded") == (
        _wire.CONVERTER.unstructure(base).get("GlobalTaxCalculation"),
        _wire.CONVERTER.unstructure(excluded)["GlobalTaxCalculation"],
    )
    answer = {"Id": "1", "CustomerRef": {"value": "58"}, "CurrencyRef": {"value": "GBP"},
              "GlobalTaxCalculation": "TaxInclusive"}  # fmt: skip
    assert "TaxInclusive" == _wire.CONVERTER.structure(answer, Invoice).global_tax_calculation


def test_invoice_apply_tax_after_discount_is_written_and_read() -> None:
    """ApplyTaxAfterDiscount goes out when set (a discount line that lowers the taxable
    amount), is left out when not (QBO's default: tax first), and is read back."""
    plain = Invoice(customer=Ref("58"), currency="USD")
    after = Invoice(customer=Ref("58"), currency="USD", apply_tax_after_discount=True)
    assert (None, True) == (
        _wire.CONVERTER.unstructure(plain).get("ApplyTaxAfterDiscount"),
        _wire.CONVERTER.unstructure(after)["ApplyTaxAfterDiscount"],
    )
    answer = {"Id": "1", "CustomerRef": {"value": "58"}, "CurrencyRef": {"value": "USD"},
              "ApplyTaxAfterDiscount": False}  # fmt: skip
    assert False is _wire.CONVERTER.structure(answer, Invoice).apply_tax_after_discount
