"""Batch endpoints: limits, 207 Multi-Status with objectWriteTraceId, upserts, reads."""

from __future__ import annotations

import httpx

from hubqbo.sandbox import HubSpotSandbox

UNIQUE = {
    "name": "qbo_id",
    "label": "QBO id",
    "type": "string",
    "fieldType": "text",
    "groupName": "hubqbo",
    "hasUniqueValue": True,
}


def test_more_than_100_inputs_is_400_and_nothing_is_written(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """101 inputs are refused with VALIDATION_ERROR before any write."""
    inputs = [{"properties": {"name": f"P{i}"}} for i in range(101)]
    response = client.post("/crm/v3/objects/products/batch/create", json={"inputs": inputs})
    assert (400, "VALIDATION_ERROR") == (response.status_code, response.json()["category"])
    assert [] == sandbox.records("products")


def test_batch_create_with_trace_ids_reports_partial_failure_as_207(client: httpx.Client) -> None:
    """With a unique objectWriteTraceId per input, good inputs are written; errors name theirs."""
    response = client.post(
        "/crm/v3/objects/products/batch/create",
        json={
            "inputs": [
                {"properties": {"name": "A"}, "objectWriteTraceId": "a"},
                {"properties": {"price": "cheap"}, "objectWriteTraceId": "b"},
                {"properties": {"name": "C"}, "objectWriteTraceId": "c"},
            ]
        },
    )
    body = response.json()
    assert (207, "COMPLETE", 1) == (response.status_code, body["status"], body["numErrors"])
    assert ["a", "c"] == [r["objectWriteTraceId"] for r in body["results"]]
    assert [("VALIDATION_ERROR", ["b"])] == [
        (e["category"], e["context"]["objectWriteTraceId"]) for e in body["errors"]
    ]


def test_batch_create_without_trace_ids_fails_whole(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Without trace ids one bad input fails the batch with 400 and nothing is written."""
    response = client.post(
        "/crm/v3/objects/products/batch/create",
        json={"inputs": [{"properties": {"name": "A"}}, {"properties": {"price": "cheap"}}]},
    )
    assert 400 == response.status_code
    assert [] == sandbox.records("products")


def test_batch_update_refuses_duplicate_ids(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """The same id twice in one update is refused."""
    product = sandbox.create("products", {"name": "A"})
    inputs = [{"id": product, "properties": {"name": "B"}}] * 2
    response = client.post("/crm/v3/objects/products/batch/update", json={"inputs": inputs})
    assert 400 == response.status_code
    assert response.json()["message"].startswith("Duplicate IDs found in batch input")


def test_upsert_by_unique_property_flags_new_records(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Upsert creates unknown ids (``new: true``, unique value set) and updates known ones."""
    sandbox.create_property("products", UNIQUE)
    known = sandbox.create("products", {"name": "Old", "qbo_id": "7"})
    body = client.post(
        "/crm/v3/objects/products/batch/upsert",
        json={
            "inputs": [
                {"id": "7", "idProperty": "qbo_id", "properties": {"name": "Renamed"}},
                {"id": "8", "idProperty": "qbo_id", "properties": {"name": "Fresh"}},
            ]
        },
    ).json()
    assert [(known, False, "Renamed"), (body["results"][1]["id"], True, "Fresh")] == [
        (r["id"], r["new"], r["properties"]["name"]) for r in body["results"]
    ]
    assert "8" == body["results"][1]["properties"]["qbo_id"]


def test_upsert_id_property_may_come_as_query_parameter(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Lenient: ``idProperty`` as a query parameter works like the per-input field."""
    sandbox.create_property("products", UNIQUE)
    response = client.post(
        "/crm/v3/objects/products/batch/upsert",
        params={"idProperty": "qbo_id"},
        json={"inputs": [{"id": "9", "properties": {"name": "X"}}]},
    )
    assert (200, True) == (response.status_code, response.json()["results"][0]["new"])


def test_upsert_on_non_unique_property_is_refused(client: httpx.Client) -> None:
    """``idProperty`` must name a unique-value property."""
    response = client.post(
        "/crm/v3/objects/products/batch/upsert",
        json={"inputs": [{"id": "x", "idProperty": "name", "properties": {}}]},
    )
    assert 400 == response.status_code


def test_batch_read_reports_missing_ids_in_a_207(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """Found records come with the asked properties; missing ids make one OBJECT_NOT_FOUND."""
    product = sandbox.create("products", {"name": "A", "price": "3"})
    response = client.post(
        "/crm/v3/objects/products/batch/read",
        json={"inputs": [{"id": product}, {"id": "5"}, {"id": "6"}], "properties": ["price"]},
    )
    body = response.json()
    assert 207 == response.status_code
    stamp = "2026-11-25T09:00:00.000Z"
    expected = {
        "price": "3",
        "hs_object_id": product,
        "createdate": stamp,
        "hs_lastmodifieddate": stamp,
    }
    assert [expected] == [r["properties"] for r in body["results"]]
    assert [("OBJECT_NOT_FOUND", ["5", "6"])] == [
        (e["category"], e["context"]["ids"]) for e in body["errors"]
    ]


def test_batch_archive_answers_204(client: httpx.Client, sandbox: HubSpotSandbox) -> None:
    """Archived records leave the live set; unknown ids are ignored."""
    product = sandbox.create("products", {"name": "A"})
    response = client.post(
        "/crm/v3/objects/products/batch/archive", json={"inputs": [{"id": product}, {"id": "1"}]}
    )
    assert (204, []) == (response.status_code, sandbox.records("products"))
