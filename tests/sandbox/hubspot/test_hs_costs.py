"""What reading and upserting 25,000 contacts costs in requests, against the sandbox, plain httpx.

The floor follows from HubSpot's limits: list pages hold at most 100 records (250 requests),
search pages 200 but stop at 10,000 results, so a full search read restarts above the last
``hs_object_id`` (125 requests), and upserts take 100 inputs a request (250 requests).
Run with ``-s`` to print the figures.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from hubqbo.sandbox import HubSpotSandbox, ManualClock
from tests.sandbox.hubspot.conftest import AUTH, BASE_URL

N = 25_000


def _list_all(client: httpx.Client) -> set[str]:
    seen: set[str] = set()
    params: dict[str, Any] = {"limit": 100, "properties": "email"}
    while True:
        body = client.get("/crm/v3/objects/contacts", params=params).json()
        seen |= {r["id"] for r in body["results"]}
        if "paging" not in body:
            return seen
        params["after"] = body["paging"]["next"]["after"]


def _search_all(client: httpx.Client) -> set[str]:
    seen: set[str] = set()
    floor, after = "0", None
    while True:
        body: dict[str, Any] = {
            "filterGroups": [
                {"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": floor}]}
            ],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "limit": 200,
            "properties": ["email"],
        }
        if after is not None:
            body["after"] = after
        page = client.post("/crm/v3/objects/contacts/search", json=body).json()
        seen |= {r["id"] for r in page["results"]}
        after = page.get("paging", {}).get("next", {}).get("after")
        if after is None:
            return seen
        if int(after) + 200 > 10_000:  # the ceiling: restart above the last id seen
            floor, after = page["results"][-1]["id"], None


def _upsert_all(client: httpx.Client) -> int:
    created = 0
    for start in range(0, N, 100):
        inputs = [
            {"id": str(i), "idProperty": "qbo_customer_id", "properties": {"firstname": f"C{i}"}}
            for i in range(start, start + 100)
        ]
        body = client.post("/crm/v3/objects/contacts/batch/upsert", json={"inputs": inputs}).json()
        created += sum(r["new"] for r in body["results"])
    return created


def test_request_cost_of_25000_contacts() -> None:
    """List 250 requests, search 125, upsert 250; every record read or written once."""
    sandbox = HubSpotSandbox(clock=ManualClock(), enforce_rate_limits=False)
    for i in range(N):
        sandbox.create("contacts", {"email": f"c{i}@example.test"})
    sandbox.create_property(
        "contacts",
        {
            "name": "qbo_customer_id",
            "label": "QBO id",
            "type": "string",
            "fieldType": "text",
            "groupName": "hubqbo",
            "hasUniqueValue": True,
        },
    )
    client = httpx.Client(transport=sandbox, base_url=BASE_URL, headers=AUTH)
    figures = {}
    for name, run in (("list", _list_all), ("search", _search_all), ("upsert", _upsert_all)):
        before, started = sandbox.count_requests(), time.process_time()
        result = run(client)
        count = len(result) if isinstance(result, set) else result
        figures[name] = (count, sandbox.count_requests() - before)
        cpu = time.process_time() - started
        print(f"{name:7} {count:6} records {figures[name][1]:4} requests {cpu:5.2f} s CPU")
    assert {"list": (N, 250), "search": (N, 125), "upsert": (N, 250)} == figures
