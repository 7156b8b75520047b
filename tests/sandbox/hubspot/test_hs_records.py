"""Records: CRUD, paging, lenient paths and parameters, property validation, uniqueness."""

from __future__ import annotations

import json

import httpx
import pytest

from hubqbo.sandbox import HubSpotSandbox, ManualClock

STAMP = "2026-11-25T09:00:00.000Z"
STAMPS = {"createdate": STAMP, "hs_lastmodifieddate": STAMP}


def test_create_returns_string_id_timestamps_and_system_properties(
    client: httpx.Client, clock: ManualClock
) -> None:
    """A create answers 201 with a string id, ISO timestamps from the clock, hs_object_id."""
    response = client.post(
        "/crm/v3/objects/deals", json={"properties": {"dealname": "Boat", "amount": 12}}
    )
    body = response.json()
    assert 201 == response.status_code
    assert isinstance(body["id"], str)
    assert "2026-11-25T09:00:00.000Z" == body["createdAt"] == body["properties"]["createdate"]
    assert (body["id"], "12", False) == (
        body["properties"]["hs_object_id"],
        body["properties"]["amount"],
        body["archived"],
    )


@pytest.mark.parametrize(
    "prefix", ["/crm/v3/objects/", "/crm/objects/2026-03/", "/crm/objects/2026-09/"]
)
@pytest.mark.parametrize("type_name", ["deals", "deal", "0-3", "DEALS"])
def test_object_type_names_and_ids_are_accepted_on_every_path_family(
    client: httpx.Client, sandbox: HubSpotSandbox, prefix: str, type_name: str
) -> None:
    """Plural, singular, type id and any case all reach the deals of one portal."""
    deal_id = sandbox.create("deals", {"dealname": "Boat"})
    response = client.get(f"{prefix}{type_name}/{deal_id}")
    assert (200, "Boat") == (response.status_code, response.json()["properties"]["dealname"])


def test_unknown_object_type_is_refused(client: httpx.Client) -> None:
    """HubSpot cannot infer an object type from an unknown name: 400 VALIDATION_ERROR."""
    response = client.get("/crm/v3/objects/widgets")
    assert (400, "VALIDATION_ERROR") == (response.status_code, response.json()["category"])
    assert "Unable to infer object type from: widgets" == response.json()["message"]


def test_properties_param_repeated_or_comma_joined(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """``properties=a,b`` and ``properties=a&properties=b`` return the same properties (plus
    hs_object_id, createdate and hs_lastmodifieddate, which HubSpot always sends)."""
    deal_id = sandbox.create("deals", {"dealname": "Boat", "amount": "5", "description": "x"})
    joined = client.get(f"/crm/v3/objects/deals/{deal_id}?properties=amount,description").json()
    repeated = client.get(
        f"/crm/v3/objects/deals/{deal_id}?properties=amount&properties=description"
    ).json()
    expected = {"amount": "5", "description": "x", "hs_object_id": deal_id, **STAMPS}
    assert expected == joined["properties"] == repeated["properties"]


def test_requested_unset_property_is_null_and_unknown_one_ignored(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """A requested property without value comes back null; an unknown name is left out."""
    deal_id = sandbox.create("deals", {"dealname": "Boat"})
    props = client.get(f"/crm/v3/objects/deals/{deal_id}?properties=amount,nope").json()[
        "properties"
    ]
    assert {"amount": None, "hs_object_id": deal_id, **STAMPS} == props


def test_list_pages_with_paging_next_after(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """Following ``paging.next.after`` visits every record once; the last page has no paging."""
    ids = [sandbox.create("contacts", {"firstname": f"C{i}"}) for i in range(7)]
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 3}
    pages = 0
    while True:
        body = client.get("/crm/v3/objects/contacts", params=params).json()
        pages += 1
        seen += [r["id"] for r in body["results"]]
        if "paging" not in body:
            break
        params = {"limit": 3, "after": body["paging"]["next"]["after"]}
    assert (ids, 3) == (seen, pages)


def test_list_limit_is_capped_at_100(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """A list page holds at most 100 records whatever limit is asked."""
    for i in range(105):
        sandbox.create("products", {"name": f"P{i}"})
    body = client.get("/crm/v3/objects/products", params={"limit": 500}).json()
    assert 100 == len(body["results"])


def test_patch_updates_and_moves_updated_at_with_the_clock(
    client: httpx.Client, sandbox: HubSpotSandbox, clock: ManualClock
) -> None:
    """PATCH changes values; an empty string clears one; updatedAt follows the clock."""
    deal_id = sandbox.create("deals", {"dealname": "Boat", "description": "old"})
    clock.advance(seconds=61)
    body = client.patch(
        f"/crm/v3/objects/deals/{deal_id}",
        json={"properties": {"amount": "7.50", "description": ""}},
    ).json()
    assert ("7.50", None, "2026-11-25T09:01:01.000Z") == (
        body["properties"]["amount"],
        body["properties"].get("description"),
        body["updatedAt"],
    )
    assert "2026-11-25T09:01:01.000Z" == body["properties"]["hs_lastmodifieddate"]


def test_delete_archives_and_archived_param_finds_it(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """DELETE answers 204; the record is then 404 unless ``archived=true``."""
    deal_id = sandbox.create("deals", {"dealname": "Boat"})
    assert 204 == client.delete(f"/crm/v3/objects/deals/{deal_id}").status_code
    assert 404 == client.get(f"/crm/v3/objects/deals/{deal_id}").status_code
    archived = client.get(f"/crm/v3/objects/deals/{deal_id}", params={"archived": "true"}).json()
    assert (True, "2026-11-25T09:00:00.000Z") == (archived["archived"], archived["archivedAt"])


def test_not_found_body(client: httpx.Client) -> None:
    """A missing id is 404 OBJECT_NOT_FOUND with a correlationId."""
    response = client.get("/crm/v3/objects/deals/424242")
    body = response.json()
    assert (404, "OBJECT_NOT_FOUND", "error") == (
        response.status_code,
        body["category"],
        body["status"],
    )
    assert 36 == len(body["correlationId"])


def test_unknown_and_read_only_properties_are_refused_with_validation_error(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Unknown or read-only properties: 400 VALIDATION_ERROR naming both; nothing changes."""
    deal_id = sandbox.create("deals", {"dealname": "Boat"})
    response = client.patch(
        f"/crm/v3/objects/deals/{deal_id}",
        json={"properties": {"dealname": "Ship", "not_a_prop": "1", "hs_object_id": "9"}},
    )
    body = response.json()
    assert (400, "VALIDATION_ERROR") == (response.status_code, body["category"])
    assert body["message"].startswith("Property values were not valid: ")
    details = json.loads(body["message"].removeprefix("Property values were not valid: "))
    assert [("not_a_prop", "PROPERTY_DOESNT_EXIST"), ("hs_object_id", "READ_ONLY_VALUE")] == [
        (d["name"], d["error"]) for d in details
    ]
    assert ["not_a_prop", "hs_object_id"] == [e["in"] for e in body["errors"]]
    assert {"propertyName": ["not_a_prop", "hs_object_id"]} == body["context"]
    assert "Boat" == sandbox.get("deals", deal_id)["properties"]["dealname"]


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("amount", "lots", "INVALID_DECIMAL"),
        ("dealstage", "ClosedWon", "INVALID_OPTION"),
        ("closedate", "yesterday", "INVALID_DATETIME"),
        ("deal_currency_code", "XYZ", "INVALID_OPTION"),
    ],
)
def test_invalid_values_are_refused(
    client: httpx.Client, name: str, value: str, error: str
) -> None:
    """Values are checked against type and options (enumerations are case-sensitive)."""
    response = client.post("/crm/v3/objects/deals", json={"properties": {name: value}})
    assert (400, [error]) == (response.status_code, [e["code"] for e in response.json()["errors"]])


def test_dates_must_be_midnight_utc_and_datetimes_normalize(client: httpx.Client) -> None:
    """A date property refuses a non-midnight instant; datetimes accept ms and come back ISO."""
    client.post(
        "/crm/v3/properties/deals",
        json={
            "name": "go_live",
            "label": "Go live",
            "type": "date",
            "fieldType": "date",
            "groupName": "dealinformation",
        },
    )
    bad = client.post("/crm/v3/objects/deals", json={"properties": {"go_live": "1764064800000"}})
    assert (
        "1764064800000 is at 10:00:00.000 UTC, not midnight!" == bad.json()["errors"][0]["message"]
    )
    good = client.post(
        "/crm/v3/objects/deals",
        json={"properties": {"go_live": "1764028800000", "closedate": "1764064800123"}},
    ).json()["properties"]
    assert ("2025-11-25", "2025-11-25T10:00:00.123Z") == (good["go_live"], good["closedate"])


def test_contact_email_is_unique_with_hubspot_conflict(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """A second contact with the same email (any case) is 409 CONFLICT naming the existing id."""
    existing = sandbox.create("contacts", {"email": "ada@example.com"})
    response = client.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": "ADA@example.com"}}
    )
    assert (409, "CONFLICT", f"Contact already exists. Existing ID: {existing}") == (
        response.status_code,
        response.json()["category"],
        response.json()["message"],
    )


def test_get_and_patch_by_unique_id_property(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """``idProperty`` reads and updates by a unique property; a non-unique one is refused."""
    sandbox.create_property(
        "contacts",
        {
            "name": "qbo_id",
            "label": "QBO id",
            "type": "string",
            "fieldType": "text",
            "groupName": "hubqbo",
            "hasUniqueValue": True,
        },
    )
    contact = sandbox.create("contacts", {"qbo_id": "Q-7", "firstname": "Ada"})
    got = client.get("/crm/v3/objects/contacts/Q-7", params={"idProperty": "qbo_id"}).json()
    patched = client.patch(
        "/crm/v3/objects/contacts/Q-7",
        params={"idProperty": "qbo_id"},
        json={"properties": {"lastname": "L"}},
    )
    refused = client.get("/crm/v3/objects/contacts/Ada", params={"idProperty": "firstname"})
    assert (contact, 200, 400) == (got["id"], patched.status_code, refused.status_code)


def test_invalid_json_is_a_validation_error(client: httpx.Client) -> None:
    """A body that is not JSON is refused with 400 VALIDATION_ERROR."""
    response = client.post(
        "/crm/v3/objects/deals", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert (400, "VALIDATION_ERROR") == (response.status_code, response.json()["category"])
