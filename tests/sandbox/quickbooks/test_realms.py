"""What a new sandbox company holds: terms, tax codes, preferences, company info; seeding."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from hubqbo.sandbox import QuickBooksSandbox
from tests.sandbox.quickbooks.conftest import ClientFactory, fault_codes, query


def test_new_company_has_the_four_standard_terms_and_net_30_default(
    sandbox: QuickBooksSandbox, connect: ClientFactory, us: str
) -> None:
    """Terms Due on receipt / Net 15 / Net 30 / Net 60 exist and Preferences points at Net 30."""
    client = connect(us)
    terms = query(client, "SELECT * FROM Term ORDERBY Id").json()["QueryResponse"]["Term"]
    assert [("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30), ("Net 60", 60)] == [
        (t["Name"], t["DueDays"]) for t in terms
    ]
    prefs = client.get("/preferences").json()["Preferences"]
    default = prefs["SalesFormsPrefs"]["DefaultTerms"]["value"]
    assert "Net 30" == client.get(f"/term/{default}").json()["Term"]["Name"]


def test_us_company_has_tax_and_non_pseudo_codes_and_partner_tax(
    connect: ClientFactory, us: str
) -> None:
    """US: TAX/NON pseudo tax codes; automated sales tax shows as TaxPrefs.PartnerTaxEnabled."""
    client = connect(us)
    codes = query(client, "select * from TaxCode").json()["QueryResponse"]["TaxCode"]
    assert {"TAX", "NON"} <= {c["Id"] for c in codes}
    prefs = client.get("/preferences").json()["Preferences"]
    assert prefs["TaxPrefs"]["PartnerTaxEnabled"] is True
    assert {"value": "USD"} == prefs["CurrencyPrefs"]["HomeCurrency"]


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("GB", {"20.0% S": "20", "5.0% R": "5", "0.0% Z": "0", "Exempt": "0"}),
        ("CA", {"GST": "5", "HST ON": "13"}),
        ("AU", {"GST": "10", "GST free": "0"}),
    ],
)
def test_non_us_company_has_its_countrys_tax_codes_and_rates(
    sandbox: QuickBooksSandbox, connect: ClientFactory, country: str, expected: dict[str, str]
) -> None:
    """UK VAT 20/5/0/exempt, Canadian GST/HST, Australian GST, each code pointing at its rate."""
    realm = sandbox.add_realm(country=country)
    client = connect(realm)
    codes = query(client, "select * from TaxCode maxresults 1000").json()["QueryResponse"]
    rates = {
        r["Id"]: r
        for r in query(client, "select * from TaxRate").json()["QueryResponse"]["TaxRate"]
    }
    seen = {}
    for code in codes["TaxCode"]:
        details = code["SalesTaxRateList"]["TaxRateDetail"]
        if len(details) == 1:
            seen[code["Name"]] = str(rates[details[0]["TaxRateRef"]["value"]]["RateValue"])
    assert expected == {name: seen[name] for name in expected}


def test_company_info_and_preferences_reflect_add_realm_options(
    sandbox: QuickBooksSandbox, connect: ClientFactory
) -> None:
    """Country, name, time zone, currency, multicurrency and custom numbers are readable."""
    realm = sandbox.add_realm(
        country="CA",
        company_name="Maple Ltd",
        time_zone="America/Vancouver",
        custom_txn_numbers=True,
        multi_currency=True,
    )
    client = connect(realm)
    info = client.get(f"/companyinfo/{realm}").json()["CompanyInfo"]
    assert ("CA", "Maple Ltd", "America/Vancouver") == (
        info["Country"],
        info["CompanyName"],
        info["DefaultTimeZone"],
    )
    prefs = client.get("/preferences").json()["Preferences"]
    assert prefs["SalesFormsPrefs"]["CustomTxnNumbers"] is True
    assert {"MultiCurrencyEnabled": True, "HomeCurrency": {"value": "CAD"}} == prefs[
        "CurrencyPrefs"
    ]


def test_an_income_account_exists_so_items_can_be_created(connect: ClientFactory, us: str) -> None:
    """A fresh company can create a Service item against its seeded income account."""
    client = connect(us)
    accounts = query(client, "select * from Account where AccountType = 'Income'").json()
    income = accounts["QueryResponse"]["Account"][0]["Id"]
    response = client.post(
        "/item",
        json={"Name": "Consulting", "Type": "Service", "IncomeAccountRef": {"value": income}},
    )
    assert 200 == response.status_code


def test_python_seeding_returns_ids_usable_over_http(
    sandbox: QuickBooksSandbox, connect: ClientFactory, gb: str
) -> None:
    """add_customer/add_item/add_invoice/add_payment return ids the API then serves."""
    customer = sandbox.add_customer(gb, "Bristol Widgets", PrimaryEmailAddr={"Address": "a@b.uk"})
    item = sandbox.add_item(gb, "Widget", "10.00")
    standard = next(c["Id"] for c in sandbox_codes(sandbox, gb) if c["Name"] == "20.0% S")
    invoice = sandbox.add_invoice(gb, customer, [(item, 3, "10.00")], tax_code=standard)
    sandbox.add_payment(gb, invoice, "6.00")
    body = connect(gb).get(f"/invoice/{invoice}").json()["Invoice"]
    assert (Decimal("36.00"), Decimal("30.00")) == (
        Decimal(str(body["TotalAmt"])),
        Decimal(str(body["Balance"])),
    )


def sandbox_codes(sandbox: QuickBooksSandbox, realm: str) -> list[dict[str, object]]:
    """The realm's tax codes, read through the transport."""
    import httpx

    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as client:
        url = f"https://quickbooks.api.intuit.com/v3/company/{realm}/query"
        payload = client.get(url, params={"query": "select * from TaxCode"}).json()
    codes: list[dict[str, object]] = payload["QueryResponse"]["TaxCode"]
    return codes


def test_seed_from_json_file_resolves_names_and_returns_ids(
    sandbox: QuickBooksSandbox, connect: ClientFactory, tmp_path: Path
) -> None:
    """A JSON seed file creates realms, customers, items and invoices (refs by name)."""
    seed = {
        "realms": [
            {
                "country": "US",
                "company_name": "Seeded",
                "customers": [{"DisplayName": "Acme"}],
                "items": [{"Name": "Hours", "UnitPrice": 50, "IncomeAccountRef": {"value": "1"}}],
                "invoices": [
                    {
                        "CustomerRef": {"name": "Acme"},
                        "Line": [
                            {
                                "Amount": 100,
                                "DetailType": "SalesItemLineDetail",
                                "SalesItemLineDetail": {
                                    "ItemRef": {"name": "Hours"},
                                    "Qty": 2,
                                    "UnitPrice": 50,
                                },
                            }
                        ],
                    }
                ],
            }
        ]
    }
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    created = sandbox.seed(path)
    [(realm, ids)] = created.items()
    assert {"Customer": ["1"], "Item": ["1"], "Invoice": ["1"]} == ids
    invoice = connect(realm).get("/invoice/1").json()["Invoice"]
    assert ("Acme", "1001") == (invoice["CustomerRef"]["name"], invoice["DocNumber"])


def test_seeding_refuses_what_qbo_refuses(sandbox: QuickBooksSandbox, us: str) -> None:
    """Python seeding goes through the same rules: a duplicate name is a ValueError with 6240."""
    sandbox.add_customer(us, "Acme")
    with pytest.raises(ValueError, match="6240"):
        sandbox.add_customer(us, "ACME")


def test_preferences_update_switches_custom_numbers_and_multicurrency(
    sandbox: QuickBooksSandbox, connect: ClientFactory, us: str
) -> None:
    """POST /preferences (SyncToken-checked) turns on custom numbers and multicurrency for good."""
    sandbox.add_customer(us, "C")
    sandbox.add_item(us, "I", 1)
    client = connect(us)
    changed = client.post(
        "/preferences",
        json={
            "SyncToken": "0",
            "sparse": True,
            "SalesFormsPrefs": {"CustomTxnNumbers": True},
            "CurrencyPrefs": {"MultiCurrencyEnabled": True},
        },
    ).json()["Preferences"]
    assert ("1", True, True, "Net 30") == (
        changed["SyncToken"],
        changed["SalesFormsPrefs"]["CustomTxnNumbers"],
        changed["CurrencyPrefs"]["MultiCurrencyEnabled"],
        client.get(f"/term/{changed['SalesFormsPrefs']['DefaultTerms']['value']}").json()["Term"][
            "Name"
        ],
    )
    invoice = client.post(
        "/invoice",
        json={
            "CustomerRef": {"value": "1"},
            "Line": [{"Amount": 1, "SalesItemLineDetail": {"ItemRef": {"value": "1"}}}],
        },
    ).json()["Invoice"]
    assert (None, 1) == (invoice.get("DocNumber"), invoice["ExchangeRate"])
    stale = client.post(
        "/preferences", json={"SyncToken": "0", "SalesFormsPrefs": {"AllowDiscount": False}}
    )
    off = client.post(
        "/preferences", json={"SyncToken": "1", "CurrencyPrefs": {"MultiCurrencyEnabled": False}}
    )
    assert (["5010"], ["6000"]) == (fault_codes(stale), fault_codes(off))
