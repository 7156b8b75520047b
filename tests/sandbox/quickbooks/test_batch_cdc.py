"""/batch (per-item results and Faults, HTTP 200) and /cdc (changes and deletions)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.sandbox.quickbooks.conftest import ClientFactory, fault_codes


@pytest.fixture
def client(sandbox: QuickBooksSandbox, connect: ClientFactory, us: str) -> httpx.Client:
    """US realm with customer 1, item 1 and invoice 1 (SyncToken 0)."""
    customer = sandbox.add_customer(us, "Amy")
    item = sandbox.add_item(us, "Services", 100)
    sandbox.add_invoice(us, customer, [(item, 1, 100)])
    return connect(us)


def test_batch_mixes_create_update_delete_query_with_per_item_faults(
    client: httpx.Client,
) -> None:
    """As recorded: HTTP 200, bIds echoed in order, 610 and 5010 as item Faults."""
    response = client.post(
        "/batch",
        json={
            "BatchItemRequest": [
                {"bId": "bid1", "operation": "create", "Customer": {"DisplayName": "Boraski"}},
                {"bId": "bid2", "operation": "delete", "Invoice": {"Id": "129", "SyncToken": "0"}},
                {
                    "bId": "bid3",
                    "operation": "update",
                    "Invoice": {"sparse": True, "Id": "1", "SyncToken": "3", "PrivateNote": "x"},
                },
                {"bId": "bid4", "Query": "select * from Invoice where TotalAmt > '50.00'"},
            ]
        },
    )
    items = response.json()["BatchItemResponse"]
    assert 200 == response.status_code
    assert ["bid1", "bid2", "bid3", "bid4"] == [item["bId"] for item in items]
    assert "Boraski" == items[0]["Customer"]["DisplayName"]
    assert [["610"], ["5010"]] == [
        [e["code"] for e in item["Fault"]["Error"]] for item in items[1:3]
    ]
    assert "ValidationFault" == items[1]["Fault"]["type"]
    assert ["1"] == [inv["Id"] for inv in items[3]["QueryResponse"]["Invoice"]]


def test_batch_delete_and_update_succeed_with_current_tokens(client: httpx.Client) -> None:
    """Update then delete in one batch, each seeing the previous item's effect."""
    items = client.post(
        "/batch",
        json={
            "BatchItemRequest": [
                {
                    "bId": "u",
                    "operation": "update",
                    "Invoice": {"sparse": True, "Id": "1", "SyncToken": "0", "PrivateNote": "n"},
                },
                {"bId": "d", "operation": "delete", "Invoice": {"Id": "1", "SyncToken": "1"}},
            ]
        },
    ).json()["BatchItemResponse"]
    assert ("n", {"domain": "QBO", "status": "Deleted", "Id": "1"}) == (
        items[0]["Invoice"]["PrivateNote"],
        items[1]["Invoice"],
    )


def test_batch_of_more_than_30_is_refused(client: httpx.Client) -> None:
    """31 operations: the whole request is refused (400) and nothing is applied."""
    operations = [
        {"bId": str(n), "operation": "create", "Customer": {"DisplayName": f"C{n}"}}
        for n in range(31)
    ]
    response = client.post("/batch", json={"BatchItemRequest": operations})
    assert 400 == response.status_code
    assert fault_codes(response)
    assert ["610"] == fault_codes(client.get("/customer/2"))


def cdc(client: httpx.Client, entities: str, since: str) -> httpx.Response:
    """GET /cdc."""
    return client.get("/cdc", params={"entities": entities, "changedSince": since})


def test_cdc_returns_changes_and_deletions_in_the_recorded_shape(
    sandbox: QuickBooksSandbox, us: str, client: httpx.Client, clock: ManualClock
) -> None:
    """CDCResponse[QueryResponse[{Invoice:[...]}, {Customer:[...]}]]; deleted as status Deleted."""
    clock.advance(seconds=3600)
    since = "2026-11-25T01:30:00-08:00"
    client.post("/invoice?operation=delete", json={"Id": "1", "SyncToken": "0"})
    client.post("/customer", json={"DisplayName": "Later"})
    body = cdc(client, "Invoice,Customer", since).json()
    [invoices, customers] = body["CDCResponse"][0]["QueryResponse"]
    assert [
        {
            "domain": "QBO",
            "status": "Deleted",
            "Id": "1",
            "MetaData": {"LastUpdatedTime": "2026-11-25T02:00:00-08:00"},
        }
    ] == invoices["Invoice"]
    # Amy's balance changed when her invoice was deleted; Later is new.
    assert ["Amy", "Later"] == [c["DisplayName"] for c in customers["Customer"]]
    assert (1, 2) == (customers["startPosition"], customers["maxResults"])
    assert isinstance(body["time"], str)


def test_cdc_entity_without_changes_is_an_empty_object(
    client: httpx.Client, clock: ManualClock
) -> None:
    """An entity with nothing changed answers {} in its slot."""
    clock.advance(days=1)
    body = cdc(client, "Item", "2026-11-25T12:00:00Z").json()
    assert [{}] == body["CDCResponse"][0]["QueryResponse"]


def test_cdc_refuses_more_than_30_days_back(client: httpx.Client) -> None:
    """changedSince older than 30 days is a validation Fault (400)."""
    response = cdc(client, "Invoice", "2026-10-01T00:00:00Z")
    assert (400, "ValidationFault") == (response.status_code, response.json()["Fault"]["type"])


def test_cdc_caps_a_response_at_1000_objects(
    sandbox: QuickBooksSandbox, connect: ClientFactory
) -> None:
    """1,005 changed customers: the response holds 1,000."""
    realm = sandbox.add_realm()
    for number in range(1005):
        sandbox.add_customer(realm, f"C{number}")
    body: dict[str, Any] = cdc(connect(realm), "Customer", "2026-11-24T00:00:00Z").json()
    assert 1000 == len(body["CDCResponse"][0]["QueryResponse"][0]["Customer"])


def test_cdc_requires_its_parameters(client: httpx.Client) -> None:
    """Missing changedSince -> 2020."""
    response = client.get("/cdc", params={"entities": "Invoice"})
    assert ["2020"] == fault_codes(response)
