"""The API both sandboxes share (issue 13): one name per thing, old names warn for one release."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox, SandboxRequest
from hubqbo.sandbox.hubspot import SandboxRequest as OldSandboxRequest

HS = "https://api.hubapi.com"
QBO = "https://quickbooks.api.intuit.com"


def test_both_count_requests_with_the_same_filters() -> None:
    """count_requests(method=, path_contains=, status=) and requests, on both sandboxes."""
    clock = ManualClock()
    hubspot, quickbooks = HubSpotSandbox(clock=clock), QuickBooksSandbox(clock=clock)
    realm = quickbooks.add_realm()
    hs = httpx.Client(transport=hubspot, base_url=HS, headers={"Authorization": "Bearer t"})
    qbo = httpx.Client(
        transport=quickbooks,
        base_url=f"{QBO}/v3/company/{realm}",
        headers={"Authorization": "Bearer t"},
    )
    hs.get("/crm/v3/objects/deals")
    hs.get("/crm/v3/objects/deals/999")
    qbo.get("/customer/1")
    qbo.get("/preferences")
    counts = [
        (s.count_requests(), s.count_requests(status=200), s.count_requests(method="get"))
        for s in (hubspot, quickbooks)
    ]
    assert [(2, 1, 2), (2, 1, 2)] == counts
    assert SandboxRequest("GET", "/crm/v3/objects/deals/999", 404) == hubspot.requests[-1]
    assert SandboxRequest("GET", f"/v3/company/{realm}/preferences", 200) == quickbooks.requests[-1]
    assert 1 == quickbooks.count_requests(path_contains="/customer/")
    assert OldSandboxRequest is SandboxRequest


def test_create_returns_an_id_and_get_a_copy_or_none() -> None:
    """create -> id (str); get -> dict or None; records -> list; update -> None, on both."""
    hubspot, quickbooks = HubSpotSandbox(clock=ManualClock()), QuickBooksSandbox()
    realm = quickbooks.add_realm()
    deal = hubspot.create("deals", {"dealname": "Boat"})
    customer = quickbooks.create(realm, "Customer", {"DisplayName": "Acme"})
    assert (str, str) == (type(deal), type(str(customer)))
    hubspot.update("deals", deal, {"dealname": "Ship"})
    quickbooks.update(realm, "Customer", customer, {"CompanyName": "Acme Ltd"})
    deal_body, customer_body = (
        hubspot.get("deals", deal),
        quickbooks.get(realm, "Customer", customer),
    )
    assert deal_body is not None
    assert customer_body is not None
    assert ("Ship", "Acme Ltd", "1") == (
        deal_body["properties"]["dealname"],
        customer_body["CompanyName"],
        customer_body["SyncToken"],
    )
    assert (None, None) == (hubspot.get("deals", "404"), quickbooks.get(realm, "Customer", "404"))
    assert [customer] == [c["Id"] for c in quickbooks.records(realm, "Customer")]
    assert [deal] == [d["id"] for d in hubspot.records("deals")]
    with pytest.raises(KeyError):
        quickbooks.update(realm, "Customer", "404", {"CompanyName": "x"})


def test_seed_takes_a_path_or_a_mapping_on_both(tmp_path: Path) -> None:
    """seed(path) and seed(mapping) on both sandboxes."""
    hs_seed = {"records": {"companies": [{"key": "acme", "properties": {"name": "Acme"}}]}}
    qbo_seed = {"realms": [{"country": "GB", "customers": [{"DisplayName": "Acme"}]}]}
    hs_path, qbo_path = tmp_path / "hs.json", tmp_path / "qbo.json"
    hs_path.write_text(json.dumps(hs_seed), encoding="utf-8")
    qbo_path.write_text(json.dumps(qbo_seed), encoding="utf-8")
    for source in (hs_seed, hs_path, str(hs_path)):
        ids = HubSpotSandbox(clock=ManualClock()).seed(source)
        assert ["acme"] == list(ids)
    for qbo_source in (qbo_seed, qbo_path, str(qbo_path)):
        created = QuickBooksSandbox().seed(qbo_source)
        assert [["1"]] == [by_entity["Customer"] for by_entity in created.values()]


def test_old_names_still_work_with_a_deprecation_warning(tmp_path: Path) -> None:
    """request_count, seed_file, record and create()[field] warn and answer as before."""
    hubspot, quickbooks = HubSpotSandbox(clock=ManualClock()), QuickBooksSandbox()
    realm = quickbooks.add_realm()
    deal = hubspot.create("deals", {"dealname": "Boat"})
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"records": {"deals": [{"key": "d", "properties": {}}]}}))
    with pytest.warns(DeprecationWarning, match="count_requests"):
        assert 0 == hubspot.request_count()
    with pytest.warns(DeprecationWarning, match="count_requests"):
        assert 0 == quickbooks.request_count
    with pytest.warns(DeprecationWarning, match=r"seed\(path\)"):
        assert ["d"] == list(hubspot.seed_file(path))
    with pytest.warns(DeprecationWarning, match=r"get\(\)"):
        assert "Boat" == hubspot.record("deals", deal)["properties"]["dealname"]
    created = quickbooks.create(realm, "Customer", {"DisplayName": "Acme"})
    with pytest.warns(DeprecationWarning, match="QuickBooksSandbox.create"):
        assert ("1", "Acme") == (created["Id"], created["DisplayName"])
