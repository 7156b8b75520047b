"""Sales tax for sandbox invoices: ``TxnTaxDetail`` from line tax codes and the realm's rates.

Why: QBO computes tax on the server, and the numbers differ by country. US companies put only
the pseudo-codes ``TAX``/``NON`` on lines; with automated sales tax the service picks the rate
(here: the realm's ``sales_tax_percent``), without it the transaction's ``TxnTaxCodeRef`` decides.
Everywhere else each line names a real tax code whose ``SalesTaxRateList`` gives the rates
(UK VAT, Canadian GST/HST/QST, Australian GST). Each tax line is rounded half-up to the currency,
then summed.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from hubqbo.sandbox.quickbooks._store import Realm
    >>> realm = Realm("1", country="GB", now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    >>> standard = next(c["Id"] for c in realm.records("TaxCode") if c["Name"] == "20.0% S")
    >>> tax_detail(realm, [(Decimal("100.00"), standard)], currency="GBP")["TotalTax"]
    Decimal('20.00')
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hubqbo.money import round_money
from hubqbo.sandbox.quickbooks._store import Realm
from hubqbo.sandbox.quickbooks._wire import QboFault

__all__ = ["tax_detail"]


def _tax_lines(
    realm: Realm, code: dict[str, Any], base: Decimal, currency: str
) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    details = code.get("SalesTaxRateList", {}).get("TaxRateDetail", [])
    for detail in details:
        rate = realm.get("TaxRate", str(detail["TaxRateRef"]["value"]))
        if rate is None:
            continue
        percent = Decimal(rate["RateValue"])
        lines.append(
            {
                "Amount": round_money(base * percent / 100, currency),
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": {"value": rate["Id"]},
                    "PercentBased": True,
                    "TaxPercent": percent,
                    "NetAmountTaxable": round_money(base, currency),
                },
            }
        )
    return lines


def tax_detail(
    realm: Realm,
    lines: Sequence[tuple[Decimal, str]],
    *,
    currency: str,
    txn_tax_code: str | None = None,
    scale: Decimal = Decimal(1),
) -> dict[str, Any]:
    """``TxnTaxDetail`` for sales lines given as ``(amount, tax code id)``.

    Args:
        realm: the company (country, automated sales tax, rates).
        lines: each sales line's amount and tax code id (``TAX``/``NON`` in the US).
        currency: the transaction currency (rounding).
        txn_tax_code: the transaction's ``TxnTaxCodeRef`` (US without automated sales tax).
        scale: share of each amount that is taxable (tax after a discount).
    """
    tax_lines: list[dict[str, Any]] = []
    code_ref: str | None = None
    if realm.is_us:
        base = sum((amount for amount, code in lines if code == "TAX"), Decimal(0)) * scale
        if realm.automated_sales_tax:
            code_ref = next(
                c["Id"] for c in realm.records("TaxCode") if c["Id"] not in ("TAX", "NON")
            )
        else:
            code_ref = txn_tax_code
        if code_ref is not None:
            code = realm.get("TaxCode", code_ref)
            if code is None:
                raise QboFault.not_found()
            if base:
                tax_lines = _tax_lines(realm, code, base, currency)
    else:
        bases: dict[str, Decimal] = {}
        for amount, code_id in lines:
            bases[code_id] = bases.get(code_id, Decimal(0)) + amount * scale
        for code_id, base in bases.items():
            code = realm.get("TaxCode", code_id)
            if code is None:
                raise QboFault.not_found()
            tax_lines.extend(_tax_lines(realm, code, base, currency))
        if len(bases) == 1:
            code_ref = next(iter(bases))
    total = sum((line["Amount"] for line in tax_lines), Decimal(0))
    detail: dict[str, Any] = {}
    if code_ref is not None and (tax_lines or not realm.is_us):
        detail["TxnTaxCodeRef"] = {"value": code_ref}
    detail["TotalTax"] = round_money(total, currency) if tax_lines else Decimal(0)
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return detail
