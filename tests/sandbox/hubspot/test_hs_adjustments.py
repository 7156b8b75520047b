"""Quote- and invoice-level discounts, fees and taxes: object types, default properties,
associations to quotes and invoices, totals, and seeding (plain httpx against the sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from hubqbo.sandbox import HubSpotSandbox

QUOTE = {"hs_title": "Q", "hs_expiration_date": "2026-12-31"}


def _quote_with_lines(sandbox: HubSpotSandbox, *amounts: str) -> str:
    quote = sandbox.create("quotes", QUOTE)
    for amount in amounts:
        sandbox.create(
            "line_items",
            {"name": "x", "price": amount, "quantity": "1"},
            associations=[("quotes", quote)],
        )
    return quote


@pytest.mark.parametrize(
    ("path_type", "name", "type_id"),
    [
        ("discount", "discounts", "0-84"),
        ("discounts", "discounts", "0-84"),
        ("0-84", "discounts", "0-84"),
        ("fee", "fees", "0-85"),
        ("0-85", "fees", "0-85"),
        ("tax", "taxes", "0-86"),
        ("0-86", "taxes", "0-86"),
    ],
)
def test_adjustment_objects_are_served_by_name_singular_and_type_id(
    client: httpx.Client, path_type: str, name: str, type_id: str
) -> None:
    """The guides create at /crm/v3/objects/discount (singular); plural names and type ids
    reach the same records. A create answers every set property; hs_value comes back with
    four decimals and a default read sends hs_type and hs_value."""
    created = client.post(
        f"/crm/v3/objects/{path_type}",
        json={"properties": {"hs_label": "Ten", "hs_type": "PERCENT", "hs_value": "10"}},
    )
    record_id = created.json()["id"]
    again = client.get(f"/crm/objects/2026-03/{type_id}/{record_id}").json()["properties"]
    listed = client.get(f"/crm/v3/objects/{name}").json()["results"]
    assert (201, "10.0000", "Ten") == (
        created.status_code,
        created.json()["properties"]["hs_value"],
        created.json()["properties"]["hs_label"],
    )
    assert {
        "hs_createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
        "hs_type",
        "hs_value",
    } == set(again)
    assert [record_id] == [r["id"] for r in listed]


def test_discount_guide_example_is_accepted_and_bad_values_refused(client: httpx.Client) -> None:
    """The discounts guide's body (hs_label, hs_duration ONCE, hs_type, hs_value,
    hs_sort_order) is accepted; hs_type other than PERCENT/FIXED and a non-number hs_value
    are HubSpot's 400 VALIDATION_ERROR with per-property codes."""
    example = {
        "hs_label": "A fixed, one-time discount",
        "hs_duration": "ONCE",
        "hs_type": "PERCENT",
        "hs_value": "50",
        "hs_sort_order": "2",
    }
    ok = client.post("/crm/v3/objects/discount", json={"properties": example})
    bad = client.post(
        "/crm/v3/objects/discount",
        json={"properties": {"hs_type": "AMOUNT", "hs_value": "half"}},
    )
    codes = {e["in"]: e["code"] for e in bad.json()["errors"]}
    assert (201, 400, "VALIDATION_ERROR") == (
        ok.status_code,
        bad.status_code,
        bad.json()["category"],
    )
    assert {"hs_type": "INVALID_OPTION", "hs_value": "INVALID_DECIMAL"} == codes


def test_property_definitions_of_adjustments(client: httpx.Client) -> None:
    """hs_type is an enumeration of PERCENT and FIXED; hs_value and hs_sort_order are numbers."""
    listed = {p["name"]: p for p in client.get("/crm/v3/properties/fees").json()["results"]}
    assert (["PERCENT", "FIXED"], "number", "number", "string") == (
        [o["value"] for o in listed["hs_type"]["options"]],
        listed["hs_value"]["type"],
        listed["hs_sort_order"]["type"],
        listed["hs_label"]["type"],
    )


@pytest.mark.parametrize(
    ("kind", "type_id", "inverse", "name"),
    [
        ("discounts", 362, 363, "quote_to_discount"),
        ("fees", 364, 365, "quote_to_fee"),
        ("taxes", 366, 367, "quote_to_tax"),
    ],
)
def test_quote_associations_use_hubspots_type_ids(
    client: httpx.Client, kind: str, type_id: int, inverse: int, name: str
) -> None:
    """Created with associations[] (HUBSPOT_DEFINED quote→kind id on the quote side is the
    guide's; here from the adjustment side via the default PUT): the quote's v4 list shows
    the documented id, the adjustment's the inverse, and the record read the v3 name."""
    quote = client.post("/crm/v3/objects/quotes", json={"properties": QUOTE}).json()["id"]
    created = client.post(
        f"/crm/v3/objects/{kind}",
        json={"properties": {"hs_type": "FIXED", "hs_value": "5"}},
    ).json()["id"]
    linked = client.put(f"/crm/v4/objects/quotes/{quote}/associations/default/{kind}/{created}")
    forward = client.get(f"/crm/v4/objects/quotes/{quote}/associations/{kind}").json()
    backward = client.get(f"/crm/v4/objects/{kind}/{created}/associations/quotes").json()
    read = client.get(f"/crm/v3/objects/quotes/{quote}", params={"associations": kind}).json()
    assert 200 == linked.status_code
    assert ([type_id], [inverse]) == (
        [t["typeId"] for t in forward["results"][0]["associationTypes"]],
        [t["typeId"] for t in backward["results"][0]["associationTypes"]],
    )
    assert [{"id": created, "type": name}] == read["associations"][kind]["results"]


def test_quote_create_body_links_a_discount_with_362(client: httpx.Client) -> None:
    """A quote created with associations[] typeId 362 (HUBSPOT_DEFINED) is linked to the
    discount, seen from the discount's side."""
    discount = client.post(
        "/crm/v3/objects/discounts", json={"properties": {"hs_type": "FIXED", "hs_value": "1"}}
    ).json()["id"]
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 362}]
    quote = client.post(
        "/crm/v3/objects/quotes",
        json={"properties": QUOTE, "associations": [{"to": {"id": discount}, "types": spec}]},
    ).json()["id"]
    listed = client.get(f"/crm/v4/objects/discounts/{discount}/associations/quotes").json()
    assert [quote] == [r["toObjectId"] for r in listed["results"]]


def test_quote_amount_applies_discounts_then_fees_then_taxes(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Lines 150 + 50 = 200; a 10% and a 5 fixed discount (−25: percentages of the amount
    before discounts) → 175; a 15 fee → 190; a 5% tax on 190 → 199.50."""
    quote = _quote_with_lines(sandbox, "150", "50")
    for kind, hs_type, value in (
        ("discounts", "PERCENT", "10"),
        ("discounts", "FIXED", "5"),
        ("fees", "FIXED", "15"),
        ("taxes", "PERCENT", "5"),
    ):
        sandbox.create(
            kind, {"hs_type": hs_type, "hs_value": value}, associations=[("quotes", quote)]
        )
    read = client.get(f"/crm/v3/objects/quotes/{quote}").json()["properties"]
    assert "199.5" == read["hs_quote_amount"]


def test_invoice_amount_billed_applies_its_adjustments(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """The invoice guide: discounts, then fees, then taxes also make the invoice total."""
    invoice = sandbox.create("invoices", {"hs_currency": "USD"})
    sandbox.create(
        "line_items",
        {"name": "x", "price": "100", "quantity": "2"},
        associations=[("invoices", invoice)],
    )
    sandbox.create(
        "discounts", {"hs_type": "PERCENT", "hs_value": "25"}, associations=[("invoices", invoice)]
    )
    sandbox.create(
        "fees", {"hs_type": "PERCENT", "hs_value": "10"}, associations=[("invoices", invoice)]
    )
    read = client.get(
        f"/crm/v3/objects/invoices/{invoice}", params={"properties": "hs_amount_billed"}
    ).json()["properties"]
    assert "165" == read["hs_amount_billed"]  # 200 - 25% = 150, + 10% = 165


def test_archived_adjustment_no_longer_counts(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Archiving a discount drops it from the quote's associations and amount."""
    quote = _quote_with_lines(sandbox, "100")
    discount = sandbox.create(
        "discounts", {"hs_type": "FIXED", "hs_value": "30"}, associations=[("quotes", quote)]
    )
    before = client.get(f"/crm/v3/objects/quotes/{quote}").json()["properties"]["hs_quote_amount"]
    assert 204 == client.delete(f"/crm/v3/objects/discounts/{discount}").status_code
    after = client.get(
        f"/crm/v3/objects/quotes/{quote}", params={"associations": "discounts"}
    ).json()
    assert ("70", "100", None) == (
        before,
        after["properties"]["hs_quote_amount"],
        after.get("associations"),
    )


def test_seeding_quote_adjustments_from_a_description(sandbox: HubSpotSandbox) -> None:
    """A seed names discounts, fees and taxes like other records and links them to its quote
    by key; the quote is published after the links (hs_status applied last)."""
    ids = sandbox.seed(
        {
            "records": {
                "quotes": [
                    {
                        "key": "q",
                        "properties": {**QUOTE, "hs_status": "APPROVAL_NOT_NEEDED"},
                    }
                ],
                "line_items": [
                    {
                        "key": "l",
                        "properties": {"name": "x", "price": "80"},
                        "associations": {"quotes": ["q"]},
                    }
                ],
                "discounts": [
                    {
                        "key": "d",
                        "properties": {
                            "hs_label": "Launch",
                            "hs_type": "PERCENT",
                            "hs_value": "25",
                        },
                        "associations": {"quotes": ["q"]},
                    }
                ],
                "fees": [
                    {
                        "key": "f",
                        "properties": {"hs_type": "FIXED", "hs_value": "12.5"},
                        "associations": {"quotes": ["q"]},
                    }
                ],
                "taxes": [
                    {
                        "key": "t",
                        "properties": {"hs_type": "PERCENT", "hs_value": "0"},
                        "associations": {"quotes": ["q"]},
                    }
                ],
            }
        }
    )
    quote = sandbox.get("quotes", ids["q"])["properties"]
    assert ("APPROVAL_NOT_NEEDED", "72.5", "25.0000") == (
        quote["hs_status"],
        quote["hs_quote_amount"],
        sandbox.get("discounts", ids["d"])["properties"]["hs_value"],
    )


@pytest.mark.parametrize(
    ("kind", "type_id", "inverse"),
    [("discounts", 411, 412), ("fees", 413, 414), ("taxes", 415, 416)],
)
def test_invoice_associations_use_hubspots_type_ids(
    client: httpx.Client, sandbox: HubSpotSandbox, kind: str, type_id: int, inverse: int
) -> None:
    """Invoice→discount 411, →fee 413, →tax 415 (HubSpot's table); inverses 412/414/416."""
    invoice = sandbox.create("invoices", {"hs_currency": "USD"})
    created = sandbox.create(
        kind, {"hs_type": "FIXED", "hs_value": "1"}, associations=[("invoices", invoice)]
    )
    forward = client.get(f"/crm/v4/objects/invoices/{invoice}/associations/{kind}").json()
    backward = client.get(f"/crm/v4/objects/{kind}/{created}/associations/invoices").json()
    assert ([type_id], [inverse]) == (
        [t["typeId"] for t in forward["results"][0]["associationTypes"]],
        [t["typeId"] for t in backward["results"][0]["associationTypes"]],
    )


def test_seeding_adjustments_from_a_json_file(sandbox: HubSpotSandbox, tmp_path: Path) -> None:
    """seed(path) reads the same description from JSON: a fee linked to its quote by key."""
    path = tmp_path / "portal.json"
    path.write_text(
        json.dumps(
            {
                "records": {
                    "quotes": [{"key": "q", "properties": QUOTE}],
                    "fees": [
                        {
                            "key": "f",
                            "properties": {"hs_type": "FIXED", "hs_value": "9.99"},
                            "associations": {"quotes": ["q"]},
                        }
                    ],
                }
            }
        ),
        encoding="utf-8",
    )
    ids = sandbox.seed(path)
    assert ("9.99", "9.9900") == (
        sandbox.get("quotes", ids["q"])["properties"]["hs_quote_amount"],
        sandbox.get("fees", ids["f"])["properties"]["hs_value"],
    )
