"""Fidelity items the sync work leans on (issue 13); each test names its source.

Sources are listed again in docs/sandbox-quickbooks.md and docs/sandbox-hubspot.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox

QBO = "https://quickbooks.api.intuit.com"
HS = "https://api.hubapi.com"
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)


def _qbo(sandbox: QuickBooksSandbox, realm: str) -> httpx.Client:
    return httpx.Client(
        transport=sandbox,
        base_url=f"{QBO}/v3/company/{realm}",
        headers={"Authorization": "Bearer t", "Accept": "application/json"},
    )


def _hs(sandbox: HubSpotSandbox, token: str = "pat-t") -> httpx.Client:  # noqa: S107
    return httpx.Client(
        transport=sandbox, base_url=HS, headers={"Authorization": f"Bearer {token}"}
    )


# --- QuickBooks CDC (Intuit, "Change data capture operation"; blogs.intuit.com 2023-08-24) ---


def _cdc(client: httpx.Client, entities: str, since: str) -> dict[str, Any]:
    answer = client.get("/cdc", params={"entities": entities, "changedSince": since})
    assert 200 == answer.status_code, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_cdc_groups_by_entity_in_request_order_with_deletions_after_changes() -> None:
    """One group per requested entity, in the order asked; inside a group the changed
    records (oldest first), then the deleted ones; ``time`` is the server's clock."""
    clock = ManualClock(START)
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm()
    customer = sandbox.add_customer(realm, "Acme")
    item = sandbox.add_item(realm, "Widget", 5)
    first = sandbox.add_invoice(realm, customer, [(item, 1, 5)])
    clock.advance(seconds=60)
    second = sandbox.add_invoice(realm, customer, [(item, 2, 5)])
    client = _qbo(sandbox, realm)
    clock.advance(seconds=60)
    client.post("/invoice?operation=delete", json={"Id": first, "SyncToken": "0"})
    clock.advance(seconds=60)
    third = sandbox.add_invoice(realm, customer, [(item, 3, 5)])
    body = _cdc(client, "Invoice,Customer", "2026-11-25T00:00:00Z")
    invoices, customers = body["CDCResponse"][0]["QueryResponse"]
    assert [second, third, first] == [i["Id"] for i in invoices["Invoice"]]
    assert "Deleted" == invoices["Invoice"][-1]["status"]
    assert [customer] == [c["Id"] for c in customers["Customer"]]
    assert body["time"].startswith("2026-11-25T01:03:00")  # 09:03 UTC in Pacific time


def test_cdc_stops_at_1000_objects_across_entities_dropping_the_last_groups() -> None:
    """At most 1,000 objects in all: the first group fills the answer, the next is cut."""
    sandbox = QuickBooksSandbox(clock=ManualClock(START), requests_per_minute=10_000)
    realm = sandbox.add_realm()
    for n in range(990):
        sandbox.add_customer(realm, f"C{n:04d}")
    for n in range(30):
        sandbox.add_item(realm, f"I{n:02d}", 1)
    body = _cdc(_qbo(sandbox, realm), "Customer,Item,Term", "2026-11-25T00:00:00Z")
    groups = body["CDCResponse"][0]["QueryResponse"]
    assert [990, 10] == [len(g.get("Customer") or g.get("Item") or []) for g in groups]
    assert 2 == len(groups)  # Term had changes (seeded at creation) but no room was left


def test_cdc_looks_back_at_most_30_days() -> None:
    """changedSince more than 30 days back is refused (Intuit: changes within 30 days)."""
    sandbox = QuickBooksSandbox(clock=ManualClock(START))
    realm = sandbox.add_realm()
    answer = _qbo(sandbox, realm).get(
        "/cdc", params={"entities": "Invoice", "changedSince": "2026-10-25T08:59:00Z"}
    )
    inside = _qbo(sandbox, realm).get(
        "/cdc", params={"entities": "Invoice", "changedSince": "2026-10-26T09:00:00Z"}
    )
    assert (400, 200) == (answer.status_code, inside.status_code)


def test_a_void_is_an_update_with_zeroed_amounts_in_cdc() -> None:
    """Intuit (invoice void): the invoice stays, amounts zero, a new SyncToken; CDC lists it as
    a changed record, not a deletion."""
    clock = ManualClock(START)
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="GB")
    customer = sandbox.add_customer(realm, "Acme")
    item = sandbox.add_item(realm, "Widget", 5)
    invoice = sandbox.add_invoice(realm, customer, [(item, 2, 5)], tax_code="1")
    client = _qbo(sandbox, realm)
    clock.advance(seconds=60)
    client.post("/invoice?operation=void", json={"Id": invoice, "SyncToken": "0"})
    [group] = _cdc(client, "Invoice", "2026-11-25T09:00:30Z")["CDCResponse"][0]["QueryResponse"]
    [voided] = group["Invoice"]
    assert ("1", 0, 0, "Voided") == (
        voided["SyncToken"],
        voided["TotalAmt"],
        voided["Line"][0]["Amount"],
        voided["PrivateNote"],
    )
    assert "status" not in voided


# --- QuickBooks names: deactivate, never delete (Intuit: "make it inactive instead") --------


def test_customers_and_items_cannot_be_deleted_only_made_inactive() -> None:
    """operation=delete on a customer or an item is refused; Active=false works for an item
    and for a customer without a balance."""
    sandbox = QuickBooksSandbox(clock=ManualClock(START))
    realm = sandbox.add_realm()
    customer = sandbox.add_customer(realm, "Acme")
    item = sandbox.add_item(realm, "Widget", 5)
    client = _qbo(sandbox, realm)
    refused = [
        client.post(f"/{entity}?operation=delete", json={"Id": rid, "SyncToken": "0"}).status_code
        for entity, rid in (("customer", customer), ("item", item))
    ]
    sandbox.update(realm, "Item", item, {"Active": False})
    sandbox.update(realm, "Customer", customer, {"Active": False})
    states = [
        (sandbox.get(realm, e, rid) or {}).get("Active")
        for e, rid in (("Customer", customer), ("Item", item))
    ]
    assert ([400, 400], [False, False]) == (refused, states)


def test_a_customer_with_an_open_balance_cannot_be_made_inactive() -> None:
    """Refused (6000) while an invoice is open (Bill.com's support article on QBO sync: "Customer
    has a non-zero balance in QBO"); accepted once it is paid."""
    sandbox = QuickBooksSandbox(clock=ManualClock(START))
    realm = sandbox.add_realm()
    customer = sandbox.add_customer(realm, "Acme")
    item = sandbox.add_item(realm, "Widget", 5)
    invoice = sandbox.add_invoice(realm, customer, [(item, 2, 5)])
    answer = _qbo(sandbox, realm).post(
        "/customer",
        json={"Id": customer, "SyncToken": "0", "sparse": True, "Active": False},
    )
    total = (sandbox.get(realm, "Invoice", invoice) or {})["TotalAmt"]
    sandbox.add_payment(realm, invoice, total)
    sandbox.update(realm, "Customer", customer, {"Active": False})
    fault = answer.json()["Fault"]["Error"][0]
    assert (400, "6000") == (answer.status_code, fault["code"])
    assert "open balance" in fault["Detail"]
    assert False is (sandbox.get(realm, "Customer", customer) or {})["Active"]


# --- HubSpot limits (HubSpot "API usage guidelines": daily limit resets at midnight in the
# --- account's time zone; the 10-second limit beside it) ------------------------------------


def test_hubspot_daily_limit_resets_at_midnight_in_the_portal_time_zone() -> None:
    """Spent at 23:00 in Los Angeles: still spent at UTC midnight (16:00 LA... next day UTC),
    fresh again at midnight Los Angeles time."""
    clock = ManualClock(
        dt.datetime(2026, 11, 25, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    )
    sandbox = HubSpotSandbox(clock=clock, time_zone="America/Los_Angeles", daily_limit=3)
    client = _hs(sandbox)
    statuses = [client.get("/crm/v3/objects/deals").status_code for _ in range(4)]
    policy = client.get("/crm/v3/objects/deals").json().get("policyName")
    clock.advance(seconds=59 * 60)  # 23:59 LA = 07:59 UTC next day: a new UTC day already
    still = client.get("/crm/v3/objects/deals").status_code
    clock.advance(seconds=60)  # 00:00 LA
    fresh = client.get("/crm/v3/objects/deals")
    assert ([200, 200, 200, 429], "DAILY", 429, 200) == (
        statuses,
        policy,
        still,
        fresh.status_code,
    )
    assert "2" == fresh.headers["X-HubSpot-RateLimit-Daily-Remaining"]


def test_hubspot_ten_second_window_is_separate_from_the_daily_budget() -> None:
    """The 10-second window refuses with TEN_SECONDLY_ROLLING and frees up after 10 s."""
    clock = ManualClock(START)
    sandbox = HubSpotSandbox(clock=clock, rate_limit_per_ten_seconds=2, daily_limit=100)
    client = _hs(sandbox)
    first = [client.get("/crm/v3/objects/deals").status_code for _ in range(3)]
    refused = client.get("/crm/v3/objects/deals").json()["policyName"]
    clock.advance(seconds=10)
    again = client.get("/crm/v3/objects/deals")
    assert ([200, 200, 429], "TEN_SECONDLY_ROLLING", 200) == (first, refused, again.status_code)
    assert "97" == again.headers["X-HubSpot-RateLimit-Daily-Remaining"]


# --- HubSpot unique properties (changelog "Unique Properties support for newly created Contact
# --- properties": companies, deals, tickets, custom objects, and now contacts) -------------


def _unique(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": name,
        "type": "string",
        "fieldType": "text",
        "groupName": "hubqbo",
        "hasUniqueValue": True,
    }


@pytest.mark.parametrize("strict", [False, True])
def test_unique_properties_where_documented_and_a_switch_where_hubspot_is_silent(
    strict: bool,
) -> None:
    """Documented objects always accept hasUniqueValue; products, line items and invoices
    (undocumented) only without strict_unique_properties."""
    sandbox = HubSpotSandbox(clock=ManualClock(START), strict_unique_properties=strict)
    client = _hs(sandbox)
    answers = {}
    for kind in ("contacts", "companies", "deals", "products", "line_items", "invoices"):
        client.post(f"/crm/v3/properties/{kind}/groups", json={"name": "hubqbo", "label": "h"})
        made = client.post(f"/crm/v3/properties/{kind}", json=_unique("qbo_id"))
        answers[kind] = made.status_code
    undocumented = 400 if strict else 201
    assert {
        "contacts": 201,
        "companies": 201,
        "deals": 201,
        "products": undocumented,
        "line_items": undocumented,
        "invoices": undocumented,
    } == answers


# --- HubSpot batch upsert by idProperty and v4 association batches (what sync relies on) ----


@pytest.fixture
def portal() -> HubSpotSandbox:
    sandbox = HubSpotSandbox(clock=ManualClock(START))
    for kind in ("products", "line_items", "invoices"):
        sandbox.create_property(kind, _unique("qbo_id"))
    return sandbox


def _upsert(
    client: httpx.Client, kind: str, rows: list[dict[str, Any]], key: str
) -> httpx.Response:
    inputs = [{"id": row[key], "idProperty": key, "properties": row} for row in rows]
    return client.post(f"/crm/v3/objects/{kind}/batch/upsert", json={"inputs": inputs})


def test_batch_upsert_by_id_property_creates_then_updates(portal: HubSpotSandbox) -> None:
    """Contacts by email, products, line items and invoices by a unique qbo_id: a first upsert
    creates (new: true), the same keys again update in place (new: false), no duplicates."""
    client = _hs(portal)
    rows = {
        "contacts": ("email", [{"email": "ada@x.example", "firstname": "Ada"}]),
        "products": ("qbo_id", [{"qbo_id": "I-1", "name": "Widget", "price": "5"}]),
        "line_items": ("qbo_id", [{"qbo_id": "L-1", "name": "Widget", "quantity": "2"}]),
        "invoices": ("qbo_id", [{"qbo_id": "V-1", "hs_currency": "USD"}]),
    }
    flags = {}
    for kind, (key, data) in rows.items():
        first = _upsert(client, kind, data, key).json()["results"]
        again = _upsert(client, kind, data, key)
        flags[kind] = (
            first[0]["new"],
            again.json()["results"][0]["new"],
            len(portal.records(kind)),
        )
    assert dict.fromkeys(rows, (True, False, 1)) == flags


def test_v4_association_batches_link_line_items_invoices_and_contacts(
    portal: HubSpotSandbox,
) -> None:
    """batch/associate/default and batch/create, then batch/read from either side and
    batch/archive: invoice<->line items, invoice<->contact."""
    client = _hs(portal)
    invoice = portal.create("invoices", {"hs_currency": "USD", "qbo_id": "V-1"})
    lines = [portal.create("line_items", {"name": f"L{n}", "quantity": "1"}) for n in range(3)]
    contact = portal.create("contacts", {"email": "ada@x.example"})
    default = client.post(
        "/crm/v4/associations/invoices/line_items/batch/associate/default",
        json={"inputs": [{"from": {"id": invoice}, "to": {"id": line}} for line in lines]},
    )
    labelled = client.post(
        "/crm/v4/associations/invoices/contacts/batch/create",
        json={
            "inputs": [
                {
                    "from": {"id": invoice},
                    "to": {"id": contact},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 177}],
                }
            ]
        },
    )
    read = client.post(
        "/crm/v4/associations/line_items/invoices/batch/read",
        json={"inputs": [{"id": line} for line in lines]},
    ).json()["results"]
    archived = client.post(
        "/crm/v4/associations/invoices/line_items/batch/archive",
        json={"inputs": [{"from": {"id": invoice}, "to": [{"id": lines[0]}]}]},
    )
    left = client.post(
        "/crm/v4/associations/invoices/line_items/batch/read",
        json={"inputs": [{"id": invoice}]},
    ).json()["results"][0]["to"]
    assert (200, 201, 204) == (default.status_code, labelled.status_code, archived.status_code)
    assert [[invoice]] * 3 == [[t["toObjectId"] for t in r["to"]] for r in read]
    assert sorted(lines[1:]) == sorted(t["toObjectId"] for t in left)


# --- HubSpot scopes (hand-written table, hubqbo.sandbox.hubspot._scopes) -------------------


def test_a_token_without_the_scope_gets_hubspots_403_missing_scopes() -> None:
    """A private-app token with contacts read only: reads work; a write, a deal read and an
    association to deals are refused with MISSING_SCOPES naming the scope to add."""
    sandbox = HubSpotSandbox(
        clock=ManualClock(START), token_scopes={"pat-read": ["crm.objects.contacts.read"]}
    )
    contact = sandbox.create("contacts", {"email": "ada@x.example"})
    deal = sandbox.create("deals", {"dealname": "Boat"})
    client = _hs(sandbox, "pat-read")
    read = client.get(f"/crm/v3/objects/contacts/{contact}")
    searched = client.post("/crm/v3/objects/contacts/search", json={})
    write = client.patch(f"/crm/v3/objects/contacts/{contact}", json={"properties": {}})
    deals = client.get("/crm/v3/objects/deals")
    linked = client.get(f"/crm/v4/objects/contacts/{contact}/associations/deals")
    props = client.get("/crm/v3/properties/contacts")
    other = _hs(sandbox, "pat-anything").patch(  # tokens without a table keep every scope
        f"/crm/v3/objects/deals/{deal}", json={"properties": {"dealname": "Ship"}}
    )
    assert [200, 200, 403, 403, 403, 200, 200] == [
        r.status_code for r in (read, searched, write, deals, linked, props, other)
    ]
    body = write.json()
    assert ("MISSING_SCOPES", ["crm.objects.contacts.write"]) == (
        body["category"],
        body["errors"][0]["context"]["requiredGranularScopes"],
    )
    assert ["crm.objects.deals.read"] == deals.json()["errors"][0]["context"][
        "requiredGranularScopes"
    ]


def test_oauth_tokens_carry_the_scopes_the_user_granted() -> None:
    """authorize(scopes=[deals.read]) -> the issued token reads deals, cannot write them."""
    sandbox = HubSpotSandbox(clock=ManualClock(START))
    deal = sandbox.create("deals", {"dealname": "Boat"})
    code = sandbox.authorize(
        redirect_uri="https://app.example/cb", scopes=["crm.objects.deals.read"]
    )
    token = (
        _hs(sandbox, "x")
        .post(
            "/oauth/v1/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "https://app.example/cb",
                "client_id": "sandbox-client-id",
                "client_secret": "sandbox-client-secret",
            },
        )
        .json()["access_token"]
    )
    client = _hs(sandbox, token)
    assert (200, 403) == (
        client.get(f"/crm/v3/objects/deals/{deal}").status_code,
        client.patch(f"/crm/v3/objects/deals/{deal}", json={"properties": {}}).status_code,
    )


def test_contacts_are_found_by_email_whatever_its_case(portal: HubSpotSandbox) -> None:
    """HubSpot's e-mail identity is case-insensitive: an upsert or a read by email in other
    letters finds the same contact instead of failing on the unique e-mail."""
    client = _hs(portal)
    contact = portal.create("contacts", {"email": "ada@x.example"})
    upserted = _upsert(
        client, "contacts", [{"email": "ADA@X.example", "firstname": "Ada"}], "email"
    )
    read = client.get("/crm/v3/objects/contacts/Ada@x.example", params={"idProperty": "email"})
    assert (200, [False], [contact]) == (
        upserted.status_code,
        [r["new"] for r in upserted.json()["results"]],
        [r["id"] for r in upserted.json()["results"]],
    )
    assert contact == read.json()["id"]
