"""Invoices: numbering, line maths, tax, due dates, currency, void, delete, payments, send, PDF."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.sandbox.quickbooks.conftest import ClientFactory, fault_codes, query


def line(amount: Any, item: str = "1", **detail: Any) -> dict[str, Any]:
    """A SalesItemLineDetail line."""
    return {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": item}, **detail},
    }


@pytest.fixture
def us_client(sandbox: QuickBooksSandbox, connect: ClientFactory, us: str) -> httpx.Client:
    """US realm with customer 1 'Amy' and taxable item 1 'Services' (100) and 2 'Design'."""
    sandbox.add_customer(us, "Amy's Bird Sanctuary", PrimaryEmailAddr={"Address": "a@b.com"})
    sandbox.add_item(us, "Services", 100)
    sandbox.add_item(us, "Design", 75, Taxable=True)
    return connect(us)


@pytest.fixture
def gb_client(sandbox: QuickBooksSandbox, connect: ClientFactory, gb: str) -> httpx.Client:
    """UK realm with customer 1 and item 1."""
    sandbox.add_customer(gb, "Bristol Widgets")
    sandbox.add_item(gb, "Widget", 10)
    return connect(gb)


def vat_code(client: httpx.Client, name: str) -> str:
    """The id of a UK VAT code by name."""
    text = f"select * from TaxCode where Name = '{name}'"  # noqa: S608 - a QBO query
    found = query(client, text).json()
    code_id: str = found["QueryResponse"]["TaxCode"][0]["Id"]
    return code_id


def test_minimal_create_matches_the_recorded_invoice(us_client: httpx.Client) -> None:
    """The recorded minimal POST: DocNumber 1001, TxnDate today, Net 30 DueDate, NON, subtotal."""
    response = us_client.post(
        "/invoice",
        content=b'{"Line":[{"Amount":100.0,"DetailType":"SalesItemLineDetail",'
        b'"SalesItemLineDetail":{"ItemRef":{"value":"1","name":"Services"}}}],'
        b'"CustomerRef":{"value":"1"}}',
        headers={"Content-Type": "application/json;charset=UTF-8"},
    )
    invoice = response.json()["Invoice"]
    assert {
        "DocNumber": "1001",
        "TxnDate": "2026-11-25",
        "DueDate": "2026-12-25",
        "TotalAmt": 100,
        "Balance": 100,
        "EmailStatus": "NotSet",
        "PrintStatus": "NeedToPrint",
        "TxnTaxDetail": {"TotalTax": 0},
        "LinkedTxn": [],
        "CustomerRef": {"value": "1", "name": "Amy's Bird Sanctuary"},
    } == {key: invoice[key] for key in (
        "DocNumber", "TxnDate", "DueDate", "TotalAmt", "Balance", "EmailStatus", "PrintStatus",
        "TxnTaxDetail", "LinkedTxn", "CustomerRef",
    )}  # fmt: skip
    assert [
        {
            "Id": "1",
            "LineNum": 1,
            "Amount": 100,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {
                "ItemRef": {"value": "1", "name": "Services"},
                "TaxCodeRef": {"value": "NON"},
            },
        },
        {"Amount": 100, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}},
    ] == invoice["Line"]
    assert "BillEmail" not in invoice
    assert "100.00" in response.text


def test_doc_numbers_are_sequential_and_unique(us_client: httpx.Client) -> None:
    """Auto numbers follow on; a DocNumber already used is refused with 6140."""
    first = us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(5)]})
    second = us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(5)]})
    assert ["1001", "1002"] == [r.json()["Invoice"]["DocNumber"] for r in (first, second)]
    dup = us_client.post(
        "/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(5)], "DocNumber": "1001"}
    )
    assert (400, ["6140"]) == (dup.status_code, fault_codes(dup))


def test_custom_transaction_numbers_leave_doc_number_empty(
    sandbox: QuickBooksSandbox, connect: ClientFactory
) -> None:
    """With CustomTxnNumbers on, no DocNumber is assigned unless given (or AUTO_GENERATE)."""
    realm = sandbox.add_realm(country="US", custom_txn_numbers=True)
    sandbox.add_customer(realm, "C")
    sandbox.add_item(realm, "I", 1)
    client = connect(realm)
    bare = client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(1)]})
    given = client.post(
        "/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(1)], "DocNumber": "INV-7"}
    )
    auto = client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line(1)], "DocNumber": "AUTO_GENERATE"},
    )
    assert [None, "INV-7", "1001"] == [
        r.json()["Invoice"].get("DocNumber") for r in (bare, given, auto)
    ]


def test_line_amount_must_equal_qty_times_unit_price(us_client: httpx.Client) -> None:
    """Amount 100 with 3 × 30 is refused (6070); 90 is accepted and echoed with Qty/UnitPrice."""
    wrong = us_client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line(100, Qty=3, UnitPrice=30)]},
    )
    assert (400, ["6070"]) == (wrong.status_code, fault_codes(wrong))
    right = us_client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line("90", Qty="3", UnitPrice=30)]},
    ).json()["Invoice"]
    assert (3, 30, 90) == (
        right["Line"][0]["SalesItemLineDetail"]["Qty"],
        right["Line"][0]["SalesItemLineDetail"]["UnitPrice"],
        right["TotalAmt"],
    )


def test_us_automated_sales_tax_taxes_only_tax_lines(us_client: httpx.Client) -> None:
    """TAX lines are taxed at the realm rate (8.25%); NON lines are not."""
    invoice = us_client.post(
        "/invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [line(100, "2"), line(50, "1", TaxCodeRef={"value": "NON"})],
        },
    ).json()["Invoice"]
    tax = invoice["TxnTaxDetail"]
    assert (Decimal("8.25"), Decimal("158.25")) == (
        Decimal(str(tax["TotalTax"])),
        Decimal(str(invoice["TotalAmt"])),
    )
    assert 100 == tax["TaxLine"][0]["TaxLineDetail"]["NetAmountTaxable"]
    assert ["TAX", "NON"] == [
        entry["SalesItemLineDetail"]["TaxCodeRef"]["value"] for entry in invoice["Line"][:2]
    ]


def test_us_line_tax_code_must_be_tax_or_non(us_client: httpx.Client) -> None:
    """A US line carries only TAX/NON."""
    response = us_client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line(1, TaxCodeRef={"value": "5"})]},
    )
    assert ["6000"] == fault_codes(response)


def test_uk_line_without_vat_code_is_refused(gb_client: httpx.Client) -> None:
    """Non-US: a sales line without TaxCodeRef is a 6000 business validation error."""
    response = gb_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(10)]})
    assert (400, ["6000"]) == (response.status_code, fault_codes(response))
    assert "VAT" in response.json()["Fault"]["Error"][0]["Detail"]


def test_uk_vat_is_computed_per_code(gb_client: httpx.Client) -> None:
    """20% on 100 and 5% on 10: TotalTax 20.50, TotalAmt 130.50, one TaxLine per rate."""
    standard, reduced = vat_code(gb_client, "20.0% S"), vat_code(gb_client, "5.0% R")
    invoice = gb_client.post(
        "/invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [
                line(100, TaxCodeRef={"value": standard}),
                line(10, TaxCodeRef={"value": reduced}),
            ],
        },
    ).json()["Invoice"]
    tax = invoice["TxnTaxDetail"]
    assert (Decimal("20.50"), Decimal("130.50"), Decimal("130.50")) == (
        Decimal(str(tax["TotalTax"])),
        Decimal(str(invoice["TotalAmt"])),
        Decimal(str(invoice["Balance"])),
    )
    assert [(20, 100), (5, 10)] == [
        (t["TaxLineDetail"]["TaxPercent"], t["TaxLineDetail"]["NetAmountTaxable"])
        for t in tax["TaxLine"]
    ]
    assert ("GBP", "TaxExcluded") == (
        invoice["CurrencyRef"]["value"],
        invoice["GlobalTaxCalculation"],
    )


def test_references_to_missing_or_inactive_records_are_610(
    us_client: httpx.Client,
) -> None:
    """Unknown customer, unknown item and a deactivated customer all answer 610."""
    missing_customer = us_client.post(
        "/invoice", json={"CustomerRef": {"value": "77"}, "Line": [line(1)]}
    )
    missing_item = us_client.post(
        "/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(1, "77")]}
    )
    us_client.post("/customer", json={"Id": "1", "SyncToken": "0", "sparse": True, "Active": False})
    inactive = us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(1)]})
    assert [["610"], ["610"], ["610"]] == [
        fault_codes(r) for r in (missing_customer, missing_item, inactive)
    ]


def test_required_fields(us_client: httpx.Client) -> None:
    """CustomerRef and Line are required (2020 with the element named)."""
    no_customer = us_client.post("/invoice", json={"Line": [line(1)]})
    no_lines = us_client.post("/invoice", json={"CustomerRef": {"value": "1"}})
    no_amount = us_client.post(
        "/invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [{"DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
        },
    )
    assert ["CustomerRef", "Line", "Line.Amount"] == [
        r.json()["Fault"]["Error"][0]["element"] for r in (no_customer, no_lines, no_amount)
    ]


def test_due_date_from_sales_term_then_customer_terms_then_default(
    sandbox: QuickBooksSandbox, us: str, us_client: httpx.Client
) -> None:
    """SalesTermRef wins; else the customer's terms; else the default (Net 30); DueDate wins."""
    sandbox.add_customer(us, "Fifteen", SalesTermRef={"value": "2"})
    explicit = us_client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line(1)], "SalesTermRef": {"value": "4"}},
    ).json()["Invoice"]
    from_customer = us_client.post(
        "/invoice", json={"CustomerRef": {"value": "2"}, "Line": [line(1)]}
    ).json()["Invoice"]
    given = us_client.post(
        "/invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [line(1)],
            "TxnDate": "2026-01-31",
            "DueDate": "2026-02-02",
        },
    ).json()["Invoice"]
    assert ["2027-01-24", "2026-12-10", "2026-02-02"] == [
        inv["DueDate"] for inv in (explicit, from_customer, given)
    ]
    assert {"value": "2", "name": "Net 15"} == from_customer["SalesTermRef"]


def test_foreign_currency_needs_multicurrency_and_uses_the_exchange_rate(
    sandbox: QuickBooksSandbox, connect: ClientFactory, us: str, us_client: httpx.Client
) -> None:
    """EUR refused when multicurrency is off; when on, ExchangeRate and Home amounts appear."""
    refused = us_client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line(1)], "CurrencyRef": {"value": "EUR"}},
    )
    assert ["6000"] == fault_codes(refused)
    realm = sandbox.add_realm(country="US", multi_currency=True)
    sandbox.set_exchange_rate(realm, "EUR", "1.10")
    sandbox.add_customer(realm, "Euro", CurrencyRef={"value": "EUR"})
    sandbox.add_item(realm, "I", 1)
    invoice = (
        connect(realm)
        .post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(100)]})
        .json()["Invoice"]
    )
    assert ("EUR", Decimal("1.10"), Decimal("110.00")) == (
        invoice["CurrencyRef"]["value"],
        Decimal(str(invoice["ExchangeRate"])),
        Decimal(str(invoice["HomeTotalAmt"])),
    )


def test_discount_line_reduces_total(us_client: httpx.Client) -> None:
    """A 10% DiscountLineDetail on 200 gives TotalAmt 180 and follows the subtotal line."""
    invoice = us_client.post(
        "/invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [
                line(200),
                {
                    "DetailType": "DiscountLineDetail",
                    "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10},
                },
            ],
        },
    ).json()["Invoice"]
    assert (180, ["SalesItemLineDetail", "SubTotalLineDetail", "DiscountLineDetail"]) == (
        invoice["TotalAmt"],
        [entry["DetailType"] for entry in invoice["Line"]],
    )


def test_void_zeroes_amounts_and_marks_the_note(
    us_client: httpx.Client, clock: ManualClock
) -> None:
    """operation=void: SyncToken+1, amounts 0, Balance 0, PrivateNote 'Voided' (as recorded)."""
    us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(100)]})
    clock.advance(seconds=5)
    voided = us_client.post("/invoice?operation=void", json={"Id": "1", "SyncToken": "0"}).json()[
        "Invoice"
    ]
    assert ("1", 0, 0, "Voided", [0, 0]) == (
        voided["SyncToken"],
        voided["TotalAmt"],
        voided["Balance"],
        voided["PrivateNote"],
        [entry["Amount"] for entry in voided["Line"]],
    )
    assert "1001" == voided["DocNumber"]
    assert 0 == us_client.get("/customer/1").json()["Customer"]["Balance"]


def test_delete_answers_status_deleted_and_the_invoice_is_gone(
    us_client: httpx.Client,
) -> None:
    """operation=delete returns {"Invoice":{"domain","status":"Deleted","Id"}}; reads are 610."""
    us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(100)]})
    stale = us_client.post("/invoice?operation=delete", json={"Id": "1", "SyncToken": "7"})
    assert ["5010"] == fault_codes(stale)
    deleted = us_client.post("/invoice?operation=delete", json={"Id": "1", "SyncToken": "0"})
    assert {"domain": "QBO", "status": "Deleted", "Id": "1"} == deleted.json()["Invoice"]
    assert ["610"] == fault_codes(us_client.get("/invoice/1"))


def test_payment_reduces_balance_and_links_both_ways(us_client: httpx.Client) -> None:
    """A 40 payment on a 100 invoice: Balance 60, LinkedTxn Payment, customer Balance 60."""
    us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(100)]})
    payment = us_client.post(
        "/payment",
        json={
            "CustomerRef": {"value": "1"},
            "TotalAmt": 40,
            "Line": [{"Amount": 40, "LinkedTxn": [{"TxnId": "1", "TxnType": "Invoice"}]}],
        },
    ).json()["Payment"]
    invoice = us_client.get("/invoice/1").json()["Invoice"]
    assert (60, [{"TxnId": payment["Id"], "TxnType": "Payment"}], "1") == (
        invoice["Balance"],
        invoice["LinkedTxn"],
        invoice["SyncToken"],
    )
    assert (0, 60) == (
        payment["UnappliedAmt"],
        us_client.get("/customer/1").json()["Customer"]["Balance"],
    )
    too_much = us_client.post(
        "/payment",
        json={
            "CustomerRef": {"value": "1"},
            "TotalAmt": 61,
            "Line": [{"Amount": 61, "LinkedTxn": [{"TxnId": "1", "TxnType": "Invoice"}]}],
        },
    )
    assert ["6000"] == fault_codes(too_much)


def test_send_sets_email_status_delivery_info_and_bill_email(
    us_client: httpx.Client, clock: ManualClock
) -> None:
    """POST /invoice/1/send?sendTo= -> EmailSent, DeliveryInfo Email at the clock's time."""
    us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(100)]})
    no_address = us_client.post("/invoice/1/send")
    assert ["6000"] == fault_codes(no_address)
    clock.advance(seconds=30)
    sent = us_client.post(
        "/invoice/1/send",
        params={"sendTo": "billing@example.com"},
        headers={"Content-Type": "application/octet-stream"},
    ).json()["Invoice"]
    assert (
        "EmailSent",
        {"DeliveryType": "Email", "DeliveryTime": "2026-11-25T01:00:30-08:00"},
        {"Address": "billing@example.com"},
    ) == (sent["EmailStatus"], sent["DeliveryInfo"], sent["BillEmail"])


def test_pdf_is_a_real_pdf(us_client: httpx.Client) -> None:
    """GET /invoice/1/pdf answers application/pdf with a parseable one-page PDF."""
    us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(100)]})
    response = us_client.get("/invoice/1/pdf", headers={"Accept": "application/pdf"})
    body = response.content
    assert ("application/pdf", True, True) == (
        response.headers["Content-Type"],
        body.startswith(b"%PDF-1.4"),
        body.rstrip().endswith(b"%%EOF"),
    )
    xref_at = int(body.rsplit(b"startxref", 1)[1].split()[0])
    assert body[xref_at : xref_at + 4] == b"xref"
    assert b"Invoice 1001" in body


def test_sparse_update_recomputes_totals_and_keeps_doc_number(us_client: httpx.Client) -> None:
    """Replacing the lines with a sparse update recomputes TotalAmt/Balance; DocNumber stays."""
    us_client.post("/invoice", json={"CustomerRef": {"value": "1"}, "Line": [line(100)]})
    updated = us_client.post(
        "/invoice",
        json={"Id": "1", "SyncToken": "0", "sparse": True, "Line": [line(30), line(20)]},
    ).json()["Invoice"]
    assert ("1001", 50, 50, "1") == (
        updated["DocNumber"],
        updated["TotalAmt"],
        updated["Balance"],
        updated["SyncToken"],
    )


def test_deleting_a_payment_restores_the_invoice_balance(
    sandbox: QuickBooksSandbox, us: str, us_client: httpx.Client
) -> None:
    """Payment delete takes its amount back: Balance 100 again, LinkedTxn empty."""
    invoice = sandbox.add_invoice(us, "1", [("1", 1, 100)])
    payment = sandbox.add_payment(us, invoice, 100)
    paid = us_client.get(f"/invoice/{invoice}").json()["Invoice"]
    deleted = us_client.post(
        "/payment?operation=delete", json={"Id": payment, "SyncToken": "0"}
    ).json()["Payment"]
    restored = us_client.get(f"/invoice/{invoice}").json()["Invoice"]
    assert (0, "Deleted", 100, []) == (
        paid["Balance"],
        deleted["status"],
        restored["Balance"],
        restored["LinkedTxn"],
    )


def test_voiding_or_deleting_a_paid_invoice_is_refused(
    sandbox: QuickBooksSandbox, us: str, us_client: httpx.Client
) -> None:
    """An invoice with a payment linked cannot be voided or deleted until the payment goes."""
    invoice = sandbox.add_invoice(us, "1", [("1", 1, 100)])
    sandbox.add_payment(us, invoice, 10)
    token = us_client.get(f"/invoice/{invoice}").json()["Invoice"]["SyncToken"]
    body = {"Id": invoice, "SyncToken": token}
    void = us_client.post("/invoice?operation=void", json=body)
    delete = us_client.post("/invoice?operation=delete", json=body)
    assert (["6000"], ["6000"]) == (fault_codes(void), fault_codes(delete))


def test_a_voided_invoice_stays_at_zero_when_updated(us_client: httpx.Client) -> None:
    """A sparse update of a voided invoice (Qty × UnitPrice kept on its lines) stays voided."""
    us_client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line(90, Qty=3, UnitPrice=30)]},
    )
    us_client.post("/invoice?operation=void", json={"Id": "1", "SyncToken": "0"})
    updated = us_client.post(
        "/invoice",
        json={"Id": "1", "SyncToken": "1", "sparse": True, "CustomerMemo": {"value": "m"}},
    )
    body = updated.json()["Invoice"]
    assert (200, 0, 0, 3) == (
        updated.status_code,
        body["TotalAmt"],
        body["Balance"],
        body["Line"][0]["SalesItemLineDetail"]["Qty"],
    )


def test_quebec_group_code_charges_gst_and_qst(
    sandbox: QuickBooksSandbox, connect: ClientFactory
) -> None:
    """A CA group code (GST 5% + QST 9.975%) gives two TaxLines: 5.00 and 9.98 on 100."""
    realm = sandbox.add_realm(country="CA")
    sandbox.add_customer(realm, "Montreal Co")
    sandbox.add_item(realm, "Hours", 100)
    client = connect(realm)
    code = vat_code(client, "GST/QST QC - 9.975")
    invoice = client.post(
        "/invoice",
        json={"CustomerRef": {"value": "1"}, "Line": [line(100, TaxCodeRef={"value": code})]},
    ).json()["Invoice"]
    assert ([Decimal("5.00"), Decimal("9.98")], Decimal("114.98")) == (
        [Decimal(str(t["Amount"])) for t in invoice["TxnTaxDetail"]["TaxLine"]],
        Decimal(str(invoice["TotalAmt"])),
    )


def test_date_driven_term_due_date(
    sandbox: QuickBooksSandbox, us: str, us_client: httpx.Client
) -> None:
    """A date-driven term (due the 10th, next month if within 5 days) sets DueDate that way."""
    term_id = sandbox.create(
        us, "Term", {"Name": "10th", "DayOfMonthDue": 10, "DueNextMonthDays": 5}
    )
    term = sandbox.get(us, "Term", term_id)
    assert term is not None
    assert "DATE_DRIVEN" == term["Type"]
    early, late = (
        us_client.post(
            "/invoice",
            json={
                "CustomerRef": {"value": "1"},
                "Line": [line(1)],
                "TxnDate": txn_date,
                "SalesTermRef": {"value": term["Id"]},
            },
        ).json()["Invoice"]["DueDate"]
        for txn_date in ("2026-03-02", "2026-03-07")
    )
    assert ("2026-03-10", "2026-04-10") == (early, late)


def test_unemulated_line_type_says_so(us_client: httpx.Client) -> None:
    """A GroupLineDetail line gets fault 500 naming the sandbox; it is not silently dropped."""
    response = us_client.post(
        "/invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [{"Amount": 1, "DetailType": "GroupLineDetail", "GroupLineDetail": {}}],
        },
    )
    assert (["500"], True) == (
        fault_codes(response),
        "QuickBooksSandbox" in response.json()["Fault"]["Error"][0]["Detail"],
    )


def test_us_pseudo_tax_codes_read_by_id(us_client: httpx.Client) -> None:
    """GET /taxcode/TAX answers the pseudo-code."""
    body = us_client.get("/taxcode/TAX").json()["TaxCode"]
    assert ("TAX", True) == (body["Name"], body["Taxable"])
