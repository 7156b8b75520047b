"""Property: UK invoice totals are the line sum plus VAT per code, each rounded half-up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from hubqbo.sandbox import ManualClock, QuickBooksSandbox

UK_VAT = {"20.0% S": Decimal(20), "5.0% R": Decimal(5), "0.0% Z": Decimal(0), "Exempt": Decimal(0)}

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
lines = st.lists(st.tuples(amounts, st.sampled_from(sorted(UK_VAT))), min_size=1, max_size=6)


def cents(value: Decimal) -> Decimal:
    """Half-up to pennies."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=40)
@given(lines)
def test_uk_totals_and_vat(drawn: list[tuple[Decimal, str]]) -> None:
    """TotalAmt = Σ lines + Σ per-code VAT; TotalTax = Σ TaxLine; Balance = TotalAmt."""
    sandbox = QuickBooksSandbox(clock=ManualClock())
    realm = sandbox.add_realm(country="GB")
    customer = sandbox.add_customer(realm, "C")
    item = sandbox.add_item(realm, "I", 1)
    base = f"https://quickbooks.api.intuit.com/v3/company/{realm}"
    with httpx.Client(transport=sandbox, base_url=base, headers={"Authorization": "Bearer t"}) as c:
        codes = c.get("/query", params={"query": "select * from TaxCode"}).json()
        ids = {code["Name"]: code["Id"] for code in codes["QueryResponse"]["TaxCode"]}
        invoice = c.post(
            "/invoice",
            json={
                "CustomerRef": {"value": customer},
                "Line": [
                    {
                        "Amount": str(amount),
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {
                            "ItemRef": {"value": item},
                            "TaxCodeRef": {"value": ids[name]},
                        },
                    }
                    for amount, name in drawn
                ],
            },
        ).json()["Invoice"]
    per_code: dict[str, Decimal] = {}
    for amount, name in drawn:
        per_code[name] = per_code.get(name, Decimal(0)) + amount
    expected_tax = sum(
        (cents(net * UK_VAT[name] / 100) for name, net in per_code.items()), Decimal(0)
    )
    expected_total = sum((amount for amount, _ in drawn), Decimal(0)) + expected_tax
    tax = invoice["TxnTaxDetail"]
    assert (expected_tax, expected_total, expected_total) == (
        Decimal(str(tax["TotalTax"])),
        Decimal(str(invoice["TotalAmt"])),
        Decimal(str(invoice["Balance"])),
    )
    assert Decimal(str(tax["TotalTax"])) == sum(
        (Decimal(str(t["Amount"])) for t in tax.get("TaxLine", [])), Decimal(0)
    )
