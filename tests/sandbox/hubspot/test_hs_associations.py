"""Associations v4, HubSpot-defined type ids, and the quote, line-item and invoice rules."""

from __future__ import annotations

import httpx
import pytest

from hubqbo.sandbox import HubSpotSandbox

HS = "HUBSPOT_DEFINED"


@pytest.mark.parametrize(
    ("from_type", "to_type", "forward", "backward"),
    [
        ("deals", "line_items", 19, 20),
        ("deals", "quotes", 63, 64),
        ("quotes", "line_items", 67, 68),
        ("quotes", "contacts", 69, 70),
        ("quotes", "companies", 71, 72),
        ("invoices", "contacts", 177, 178),
        ("invoices", "companies", 179, 180),
        ("invoices", "deals", 175, 176),
        ("invoices", "line_items", 409, 410),
        ("invoices", "quotes", 407, 408),
        ("contacts", "companies", 279, 280),
        ("deals", "contacts", 3, 4),
        ("deals", "companies", 341, 342),
    ],
)
def test_default_association_type_ids_both_directions(  # noqa: PLR0917
    client: httpx.Client,
    sandbox: HubSpotSandbox,
    from_type: str,
    to_type: str,
    forward: int,
    backward: int,
) -> None:
    """PUT .../associations/default/... links both ways with HubSpot's unlabelled type ids."""
    a = _make(sandbox, from_type)
    b = _make(sandbox, to_type)
    body = client.put(f"/crm/v4/objects/{from_type}/{a}/associations/default/{to_type}/{b}").json()
    assert [(a, b, forward), (b, a, backward)] == [
        (r["from"]["id"], r["to"]["id"], r["associationSpec"]["associationTypeId"])
        for r in body["results"]
    ]
    back = client.get(f"/crm/v4/objects/{to_type}/{b}/associations/{from_type}").json()
    assert [{"toObjectId": a, "associationTypes": [{"category": HS, "typeId": backward}]}] == back[
        "results"
    ]


def _make(sandbox: HubSpotSandbox, object_type: str) -> str:
    props = {
        "quotes": {"hs_title": "Q", "hs_expiration_date": "2026-12-31T00:00:00Z"},
        "invoices": {"hs_currency": "USD"},
    }.get(object_type, {})
    return sandbox.create(object_type, props)


def test_primary_label_and_v3_association_names(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """A labelled PUT (primary, 1) keeps the unlabelled 279; GET ?associations= names both."""
    contact, company = sandbox.create("contacts", {}), sandbox.create("companies", {})
    spec = [{"associationCategory": HS, "associationTypeId": 1}]
    put = client.put(
        f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=spec
    )
    assert (201, ["Primary"], "0-1", "0-2") == (
        put.status_code,
        put.json()["labels"],
        put.json()["fromObjectTypeId"],
        put.json()["toObjectTypeId"],
    )
    listed = client.get(f"/crm/v4/objects/contacts/{contact}/associations/companies").json()
    assert [
        {"category": HS, "typeId": 1, "label": "Primary"},
        {"category": HS, "typeId": 279},
    ] == listed["results"][0]["associationTypes"]
    got = client.get(
        f"/crm/v3/objects/contacts/{contact}", params={"associations": "companies"}
    ).json()
    assert [(company, "contact_to_company"), (company, "contact_to_company_unlabeled")] == [
        (r["id"], r["type"]) for r in got["associations"]["companies"]["results"]
    ]


def test_unknown_type_id_is_refused(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """A type id HubSpot does not define between the two types is a 400."""
    deal, item = sandbox.create("deals", {}), sandbox.create("line_items", {})
    spec = [{"associationCategory": HS, "associationTypeId": 279}]
    assert (
        400
        == client.put(
            f"/crm/v4/objects/deals/{deal}/associations/line_items/{item}", json=spec
        ).status_code
    )


def test_create_with_associations_in_body(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """A create body's associations[] (type id only) link to the type the id implies."""
    deal = sandbox.create("deals", {})
    created = client.post(
        "/crm/v3/objects/line_items",
        json={
            "properties": {"name": "Seat", "price": "10", "quantity": "3"},
            "associations": [
                {
                    "to": {"id": deal},
                    "types": [{"associationCategory": HS, "associationTypeId": 20}],
                }
            ],
        },
    ).json()
    listed = client.get(f"/crm/v4/objects/deals/{deal}/associations/line_items").json()
    assert ("30", [created["id"]]) == (
        created["properties"]["amount"],
        [r["toObjectId"] for r in listed["results"]],
    )


def test_association_list_pages(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """The per-record list pages with limit/after."""
    deal = sandbox.create("deals", {})
    items = [sandbox.create("line_items", {}) for _ in range(3)]
    for item in items:
        sandbox.associate("deals", deal, "line_items", item)
    first = client.get(
        f"/crm/v4/objects/deals/{deal}/associations/line_items", params={"limit": 2}
    ).json()
    rest = client.get(
        f"/crm/v4/objects/deals/{deal}/associations/line_items",
        params={"after": first["paging"]["next"]["after"]},
    ).json()
    assert items == [r["toObjectId"] for r in first["results"] + rest["results"]]


def test_batch_limits(client: httpx.Client) -> None:
    """More than 2,000 association creates or 1,000 reads is a 400."""
    one = {
        "from": {"id": "1"},
        "to": {"id": "2"},
        "types": [{"associationCategory": HS, "associationTypeId": 19}],
    }
    create = client.post(
        "/crm/v4/associations/deals/line_items/batch/create", json={"inputs": [one] * 2001}
    )
    read = client.post(
        "/crm/v4/associations/deals/line_items/batch/read", json={"inputs": [{"id": "1"}] * 1001}
    )
    assert (400, 400) == (create.status_code, read.status_code)


def test_batch_create_read_archive(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """Batch create links, batch read returns them by source id, batch archive removes them."""
    deal = sandbox.create("deals", {})
    item = sandbox.create("line_items", {})
    spec = [{"associationCategory": HS, "associationTypeId": 19}]
    created = client.post(
        "/crm/v4/associations/deals/line_items/batch/create",
        json={"inputs": [{"from": {"id": deal}, "to": {"id": item}, "types": spec}]},
    )
    read = client.post(
        "/crm/v4/associations/deals/line_items/batch/read", json={"inputs": [{"id": deal}]}
    ).json()
    archived = client.post(
        "/crm/v4/associations/deals/line_items/batch/archive",
        json={"inputs": [{"from": {"id": deal}, "to": [{"id": item}]}]},
    )
    after = client.post(
        "/crm/v4/associations/deals/line_items/batch/read", json={"inputs": [{"id": deal}]}
    )
    assert 201 == created.status_code
    assert [(deal, [item])] == [
        (r["from"]["id"], [t["toObjectId"] for t in r["to"]]) for r in read["results"]
    ]
    assert (204, 207, "OBJECT_NOT_FOUND") == (
        archived.status_code,
        after.status_code,
        after.json()["errors"][0]["category"],
    )


def test_line_item_inherits_product_and_computes_amount(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """``hs_product_id`` copies name/price/sku; amount = quantity x price less discounts."""
    product = sandbox.create("products", {"name": "Widget", "price": "20", "hs_sku": "W-1"})
    line = client.post(
        "/crm/v3/objects/line_items",
        json={
            "properties": {
                "hs_product_id": product,
                "quantity": "3",
                "hs_discount_percentage": "10",
            }
        },
    ).json()["properties"]
    assert ("Widget", "20", "W-1", "54") == (
        line["name"],
        line["price"],
        line["hs_sku"],
        line["amount"],
    )


def test_quote_needs_title_and_expiration_and_locks_when_published(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Quotes need a title and expiration, start DRAFT, total their lines, lock on publish."""
    missing = client.post("/crm/v3/objects/quotes", json={"properties": {"hs_title": "Q"}})
    quote = client.post(
        "/crm/v3/objects/quotes",
        json={"properties": {"hs_title": "Q", "hs_expiration_date": "2026-12-31"}},
    ).json()
    line = sandbox.create("line_items", {"price": "99.5", "quantity": "2"})
    sandbox.associate("quotes", quote["id"], "line_items", line)
    published = client.patch(
        f"/crm/v3/objects/quotes/{quote['id']}",
        json={"properties": {"hs_status": "APPROVAL_NOT_NEEDED"}},
    ).json()["properties"]
    locked = client.patch(
        f"/crm/v3/objects/quotes/{quote['id']}", json={"properties": {"hs_title": "New"}}
    )
    bad_status = client.patch(
        f"/crm/v3/objects/quotes/{quote['id']}", json={"properties": {"hs_status": "PUBLISHED"}}
    )
    assert (400, "DRAFT", "USD") == (
        missing.status_code,
        quote["properties"]["hs_status"],
        quote["properties"]["hs_currency"],
    )
    assert ("199", "true") == (published["hs_quote_amount"], published["hs_locked"])
    assert (400, 400) == (locked.status_code, bad_status.status_code)


def test_invoice_moves_to_open_only_with_one_contact_and_a_line_item(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Draft needs hs_currency; open needs one contact and a line item; totals follow the lines."""
    no_currency = client.post("/crm/v3/objects/invoices", json={"properties": {}})
    invoice = client.post(
        "/crm/v3/objects/invoices", json={"properties": {"hs_currency": "USD"}}
    ).json()
    url = f"/crm/v3/objects/invoices/{invoice['id']}"
    early = client.patch(url, json={"properties": {"hs_invoice_status": "open"}})
    sandbox.associate("invoices", invoice["id"], "contacts", sandbox.create("contacts", {}))
    sandbox.associate(
        "invoices", invoice["id"], "line_items", sandbox.create("line_items", {"price": "40"})
    )
    opened = client.patch(url, json={"properties": {"hs_invoice_status": "open"}}).json()[
        "properties"
    ]
    paid = client.patch(url, json={"properties": {"hs_invoice_status": "paid"}}).json()[
        "properties"
    ]
    assert (400, "draft", 400) == (
        no_currency.status_code,
        invoice["properties"]["hs_invoice_status"],
        early.status_code,
    )
    assert ("open", "40", "40") == (
        opened["hs_invoice_status"],
        opened["hs_amount_billed"],
        opened["hs_balance_due"],
    )
    assert ("paid", "0") == (paid["hs_invoice_status"], paid["hs_balance_due"])


def test_record_read_pages_long_association_lists(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """A record read lists at most 100 associated records per type; a longer list carries
    paging.next (after, link) inside that association's results, and the link continues the
    record's v4 association list where the record read stopped. Short lists carry no paging."""
    deal = sandbox.create("deals", {"dealname": "Big"})
    contact = sandbox.create("contacts", {"email": "a@b.test"}, associations=[("deals", deal)])
    items = [
        sandbox.create("line_items", {"name": f"L{i}"}, associations=[("deals", deal)])
        for i in range(130)
    ]
    body = client.get(
        f"/crm/v3/objects/deals/{deal}", params={"associations": "line_items,contacts"}
    ).json()["associations"]
    first = body["line_items"]
    shown = [r["id"] for r in first["results"]]
    after = first["paging"]["next"]["after"]
    rest = client.get(first["paging"]["next"]["link"]).json()
    assert (items[:100], "100", {"deal_to_line_item"}) == (
        shown,
        after,
        {r["type"] for r in first["results"]},
    )
    assert items[100:] == [r["toObjectId"] for r in rest["results"]]
    assert "paging" not in rest
    assert ({"results": [{"id": contact, "type": "deal_to_contact"}]}) == body["contacts"]


def test_record_list_pages_each_records_associations(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """The list endpoint pages each record's association list the same way."""
    deal = sandbox.create("deals", {"dealname": "Big"})
    for i in range(101):
        sandbox.create("line_items", {"name": f"L{i}"}, associations=[("deals", deal)])
    record = client.get("/crm/objects/2026-03/deals", params={"associations": "line_items"}).json()[
        "results"
    ][0]
    collection = record["associations"]["line_items"]
    assert (100, "100") == (len(collection["results"]), collection["paging"]["next"]["after"])
    assert collection["paging"]["next"]["link"].startswith(
        f"https://api.hubapi.com/crm/v4/objects/deals/{deal}/associations/line_items?after="
    )
