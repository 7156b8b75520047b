"""Properties API: defaults, groups, custom properties, type checks, unique-value limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hubqbo.sandbox import HubSpotSandbox

BASE = "/crm/v3/properties"


def _prop(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "label": name,
        "type": "string",
        "fieldType": "text",
        "groupName": "dealinformation",
        **extra,
    }


@pytest.mark.parametrize(
    ("object_type", "names"),
    [
        (
            "deals",
            {"dealname", "amount", "deal_currency_code", "dealstage", "closedate", "pipeline"},
        ),
        (
            "contacts",
            {
                "firstname",
                "lastname",
                "email",
                "phone",
                "company",
                "address",
                "city",
                "zip",
                "country",
            },
        ),
        ("companies", {"name", "domain", "city", "country"}),
        ("products", {"name", "price", "hs_sku", "hs_recurring_billing_period"}),
        (
            "line_items",
            {"quantity", "price", "amount", "hs_product_id", "discount", "hs_discount_percentage"},
        ),
        (
            "quotes",
            {"hs_title", "hs_status", "hs_expiration_date", "hs_currency", "hs_quote_amount"},
        ),
        (
            "invoices",
            {
                "hs_invoice_status",
                "hs_due_date",
                "hs_invoice_date",
                "hs_amount_billed",
                "hs_balance_due",
            },
        ),
    ],
)
def test_default_properties_are_listed(
    client: httpx.Client, object_type: str, names: set[str]
) -> None:
    """Each object type lists HubSpot's default properties, marked hubspotDefined."""
    results = client.get(f"{BASE}/{object_type}").json()["results"]
    listed = {p["name"]: p for p in results}
    assert names <= set(listed)
    assert all(listed[n]["hubspotDefined"] for n in names)


def test_read_only_flags(client: httpx.Client) -> None:
    """System properties are read-only values; ordinary ones are not."""
    meta = {
        n: client.get(f"{BASE}/deals/{n}").json()["modificationMetadata"]["readOnlyValue"]
        for n in ("hs_object_id", "createdate", "hs_lastmodifieddate", "dealname")
    }
    assert {
        "hs_object_id": True,
        "createdate": True,
        "hs_lastmodifieddate": True,
        "dealname": False,
    } == meta


def test_group_and_property_creation_then_writable(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """A new group and property appear in listings and the property accepts values."""
    assert (
        201
        == client.post(
            f"{BASE}/deals/groups", json={"name": "hubqbo", "label": "hubqbo"}
        ).status_code
    )
    created = client.post(
        f"{BASE}/deals",
        json=_prop("qbo_balance", type="number", fieldType="number", groupName="hubqbo"),
    )
    deal = sandbox.create("deals", {"qbo_balance": "12.5"})
    assert (201, False, "12.5") == (
        created.status_code,
        created.json()["hubspotDefined"],
        sandbox.get("deals", deal)["properties"]["qbo_balance"],
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (_prop("x1", type="number", fieldType="text"), 400),
        (_prop("x2", type="datetime", fieldType="number"), 400),
        (_prop("x3", type="enumeration", fieldType="select"), 400),
        (_prop("x4", type="money"), 400),
        (_prop("x5", groupName="nogroup"), 400),
        ({"name": "x6", "label": "x"}, 400),
        (_prop("amount"), 409),
        (
            _prop(
                "x7", type="enumeration", fieldType="select", options=[{"label": "A", "value": "a"}]
            ),
            201,
        ),
        (_prop("x8", type="bool", fieldType="booleancheckbox"), 201),
        (_prop("x9", type="string", fieldType="textarea"), 201),
    ],
)
def test_type_and_field_type_validation(
    client: httpx.Client, body: dict[str, Any], status: int
) -> None:
    """Only documented type/fieldType pairs, existing groups and new names are accepted."""
    assert status == client.post(f"{BASE}/deals", json=body).status_code


def test_at_most_ten_unique_properties_per_object(client: httpx.Client) -> None:
    """The eleventh hasUniqueValue property on one object is refused."""
    statuses = [
        client.post(
            f"{BASE}/products",
            json={**_prop(f"u{i}", hasUniqueValue=True), "groupName": "productinformation"},
        ).status_code
        for i in range(11)
    ]
    assert [201] * 10 + [400] == statuses


def test_unique_value_is_enforced_and_freed_on_archive(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """A second record with the same unique value is refused until the first is archived."""
    sandbox.create_property(
        "invoices", _prop("qbo_invoice_id", hasUniqueValue=True, groupName="hubqbo")
    )
    first = sandbox.create("invoices", {"hs_currency": "USD", "qbo_invoice_id": "145"})
    clash = client.post(
        "/crm/v3/objects/invoices",
        json={"properties": {"hs_currency": "USD", "qbo_invoice_id": "145"}},
    )
    client.delete(f"/crm/v3/objects/invoices/{first}")
    again = client.post(
        "/crm/v3/objects/invoices",
        json={"properties": {"hs_currency": "USD", "qbo_invoice_id": "145"}},
    )
    assert (400, "CONFLICTING_UNIQUE_VALUE", 201) == (
        clash.status_code,
        clash.json()["errors"][0]["code"],
        again.status_code,
    )


def test_unique_flag_cannot_change_and_defaults_cannot_be_deleted(client: httpx.Client) -> None:
    """hasUniqueValue is fixed at creation; HubSpot-defined properties cannot be archived."""
    client.post(f"{BASE}/deals", json=_prop("ext"))
    patch = client.patch(f"{BASE}/deals/ext", json={"hasUniqueValue": True})
    delete = client.delete(f"{BASE}/deals/amount")
    assert (400, 400) == (patch.status_code, delete.status_code)


def test_archived_property_can_no_longer_be_written(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """After DELETE the property is gone from writes and listed only with archived=true."""
    client.post(f"{BASE}/deals", json=_prop("temp"))
    assert 204 == client.delete(f"{BASE}/deals/temp").status_code
    write = client.post("/crm/v3/objects/deals", json={"properties": {"temp": "x"}})
    archived = client.get(f"{BASE}/deals", params={"archived": "true"}).json()["results"]
    assert (400, ["temp"]) == (write.status_code, [p["name"] for p in archived])


def test_multi_checkbox_values_and_semicolon_append(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Multi-checkbox values are ``;``-joined options; a leading ``;`` appends."""
    options = [{"label": v, "value": v} for v in ("a", "b", "c")]
    client.post(
        f"{BASE}/deals",
        json=_prop("tags", type="enumeration", fieldType="checkbox", options=options),
    )
    deal = sandbox.create("deals", {"tags": "a;b"})
    appended = client.patch(
        f"/crm/v3/objects/deals/{deal}", json={"properties": {"tags": ";c"}}
    ).json()
    bad = client.patch(f"/crm/v3/objects/deals/{deal}", json={"properties": {"tags": "a;z"}})
    assert ("a;b;c", 400) == (appended["properties"]["tags"], bad.status_code)


def test_batch_read_properties_reports_missing_names(client: httpx.Client) -> None:
    """Batch read returns known definitions and a 207 error for unknown names."""
    response = client.post(
        f"{BASE}/deals/batch/read",
        json={"inputs": [{"name": "amount"}, {"name": "nope"}], "archived": False},
    )
    assert (207, ["amount"]) == (
        response.status_code,
        [p["name"] for p in response.json()["results"]],
    )


@pytest.mark.parametrize(
    ("object_type", "name"),
    [
        ("quotes", "hs_expiration_date"),
        ("invoices", "hs_invoice_date"),
        ("invoices", "hs_due_date"),
    ],
)
def test_quote_and_invoice_dates_are_datetime_properties(
    client: httpx.Client, object_type: str, name: str
) -> None:
    """HubSpot's invoice guide types hs_invoice_date/hs_due_date as Datetime (ISO 8601 or ms,
    autoset to the current datetime); quotes' hs_expiration_date takes end-of-day instants
    such as 2020-07-31T03:59:59.999Z, which a date property would refuse. So all three are
    datetime (fieldType date); a time other than midnight is kept and sent back as ISO 8601."""
    definition = client.get(f"{BASE}/{object_type}/{name}").json()
    assert ("datetime", "date") == (definition["type"], definition["fieldType"])
    required = (
        {"hs_title": "Q", "hs_expiration_date": "2026-12-31"}
        if object_type == "quotes"
        else {"hs_currency": "USD"}
    )
    created = client.post(
        f"/crm/v3/objects/{object_type}",
        json={"properties": {**required, name: "2027-01-01T04:59:59.999Z"}},
    )
    assert (201, "2027-01-01T04:59:59.999Z") == (
        created.status_code,
        created.json()["properties"][name],
    )
