"""Seeding (Python and JSON), company currency, account details, and the layering rule."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import httpx

from hubqbo.sandbox import HubSpotSandbox, ManualClock
from hubqbo.sandbox.hubspot import demo_seed
from tests.sandbox.hubspot.conftest import AUTH, BASE_URL

SEED = {
    "portal": {
        "portalId": 777,
        "timeZone": "Europe/London",
        "companyCurrency": "GBP",
        "additionalCurrencies": ["EUR"],
    },
    "properties": {
        "invoices": [
            {
                "name": "qbo_invoice_id",
                "label": "QBO id",
                "type": "string",
                "fieldType": "text",
                "groupName": "hubqbo",
                "hasUniqueValue": True,
            }
        ]
    },
    "records": {
        "contacts": [{"key": "ada", "properties": {"email": "ada@example.com"}}],
        "line_items": [{"key": "l1", "product": "p1", "properties": {"quantity": "2"}}],
        "products": [{"key": "p1", "properties": {"name": "Widget", "price": "10"}}],
        "invoices": [
            {
                "key": "inv",
                "properties": {
                    "hs_currency": "GBP",
                    "hs_invoice_status": "open",
                    "qbo_invoice_id": "145",
                },
                "associations": {"contacts": ["ada"], "line_items": ["l1"]},
            }
        ],
    },
}


def test_seed_from_json_file_returns_ids_and_applies_rules(tmp_path: Path) -> None:
    """A JSON seed creates records by key, links them, then opens the invoice (rules pass)."""
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(SEED), encoding="utf-8")
    sandbox = HubSpotSandbox(clock=ManualClock())
    ids = sandbox.seed(path)
    invoice = sandbox.get("invoices", ids["inv"])["properties"]
    assert ["ada", "inv", "l1", "p1"] == sorted(ids)
    assert ("open", "20", "145") == (
        invoice["hs_invoice_status"],
        invoice["hs_amount_billed"],
        invoice["qbo_invoice_id"],
    )


def test_seed_sets_company_currency_and_account_details() -> None:
    """Portal settings from the seed are served by currency and account-info endpoints."""
    sandbox = HubSpotSandbox(clock=ManualClock())
    sandbox.seed(SEED)
    client = httpx.Client(transport=sandbox, base_url=BASE_URL, headers=AUTH)
    currency = client.get("/settings/v3/currencies/company-currency").json()
    dated = client.get("/settings/currencies/2026-03/company-currency").json()
    details = client.get("/account-info/v3/details").json()
    assert ("GBP", "GBP") == (currency["id"], dated["id"])
    assert (777, "Europe/London", "GBP", ["EUR"], "+00:00", 0) == (
        details["portalId"],
        details["timeZone"],
        details["companyCurrency"],
        details["additionalCurrencies"],
        details["utcOffset"],
        details["utcOffsetMilliseconds"],
    )


def test_company_currency_can_be_changed_with_put() -> None:
    """PUT company-currency changes what later reads return."""
    sandbox = HubSpotSandbox(clock=ManualClock())
    client = httpx.Client(transport=sandbox, base_url=BASE_URL, headers=AUTH)
    client.put("/settings/v3/currencies/company-currency", json={"currencyCode": "EUR"})
    assert "EUR" == client.get("/settings/v3/currencies/company-currency").json()["id"]


def test_demo_seed_portal() -> None:
    """The demo portal has deals with line items, a published quote with its own lines, contacts."""
    sandbox = HubSpotSandbox(clock=ManualClock())
    ids = sandbox.seed(demo_seed())
    client = httpx.Client(transport=sandbox, base_url=BASE_URL, headers=AUTH)
    deal = client.get(
        f"/crm/v3/objects/deals/{ids['deal-acme']}", params={"associations": "line_items,quotes"}
    ).json()
    quote = sandbox.get("quotes", ids["quote-acme"])["properties"]
    assert ([ids["li-acme-1"], ids["li-acme-2"]], [ids["quote-acme"]]) == (
        [r["id"] for r in deal["associations"]["line_items"]["results"]],
        [r["id"] for r in deal["associations"]["quotes"]["results"]],
    )
    assert ("APPROVAL_NOT_NEEDED", "1053", "true") == (
        quote["hs_status"],
        quote["hs_quote_amount"],
        quote["hs_locked"],
    )


def test_sandbox_never_imports_the_hubspot_adapter() -> None:
    """Layering: no module of the sandbox imports ``hubqbo.hubspot`` (independent reading)."""
    package = Path(__file__).resolve().parents[3] / "src" / "hubqbo" / "sandbox" / "hubspot"
    imported: set[str] = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert [] == sorted(
        m for m in imported if m == "hubqbo.hubspot" or m.startswith("hubqbo.hubspot.")
    )
    assert {m for m in imported if m.startswith("hubqbo.")} <= {
        "hubqbo.sandbox._common",
        "hubqbo.sandbox._state",
        "hubqbo.sandbox._webhooks",
        "hubqbo.timezones",
        *{m for m in imported if m.startswith("hubqbo.sandbox.hubspot")},
    }
