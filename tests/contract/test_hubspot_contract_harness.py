"""The contract harness itself: it must accept what the descriptions allow and refuse the rest."""

from __future__ import annotations

import httpx
import pytest

from tests.contract.hubspot_openapi import (
    SPEC_DEFECTS,
    ContractViolation,
    ValidatingTransport,
    load_specs_or_skip,
)

RECORD = {
    "id": "512",
    "properties": {"dealname": "Big deal", "amount": None},
    "createdAt": "2026-11-25T09:00:00Z",
    "updatedAt": "2026-11-25T09:00:00Z",
    "archived": False,
}


def _client(
    handler: httpx.MockTransport, *, strict: bool = True
) -> tuple[httpx.Client, ValidatingTransport]:
    transport = ValidatingTransport(handler, load_specs_or_skip(), strict=strict)
    return httpx.Client(transport=transport, base_url="http://anything.invalid"), transport


def test_valid_exchange_is_recorded_with_its_operation() -> None:
    """A list response shaped as the description says passes and names its operation."""
    client, transport = _client(
        httpx.MockTransport(lambda r: httpx.Response(200, json={"results": [RECORD]}))
    )
    client.get("/crm/v3/objects/deals", params={"limit": "2", "properties": "dealname,amount"})
    assert ["GET /crm/v3/objects/{objectType}"] == [e.operation for e in transport.exchanges]


def test_invalid_response_is_a_violation() -> None:
    """A record with a numeric id and no timestamps is refused."""
    client, _ = _client(
        httpx.MockTransport(lambda r: httpx.Response(200, json={"results": [{"id": 1}]}))
    )
    with pytest.raises(ContractViolation, match="required property"):
        client.get("/crm/v3/objects/deals")


def test_invalid_request_is_a_violation_before_it_is_sent() -> None:
    """A non-integer ``limit`` is refused and never reaches the wrapped transport."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"results": []})

    client, _ = _client(httpx.MockTransport(handler))
    with pytest.raises(ContractViolation, match="limit"):
        client.get("/crm/v3/objects/deals", params={"limit": "ten"})
    assert [] == sent


def test_unknown_path_is_a_violation_in_lenient_mode_too() -> None:
    """A path no description has is recorded; ``assert_clean`` raises at the end."""
    client, transport = _client(httpx.MockTransport(lambda r: httpx.Response(204)), strict=False)
    client.get("/crm/v9/nothing")
    with pytest.raises(ContractViolation, match="no operation"):
        transport.assert_clean()


def test_documented_sort_objects_are_accepted_by_the_allowlist() -> None:
    """Search with the documented ``sorts`` objects and no ``after``/``limit`` is valid."""
    body = {"total": 0, "results": []}
    client, transport = _client(httpx.MockTransport(lambda r: httpx.Response(200, json=body)))
    client.post(
        "/crm/objects/2026-03/deals/search",
        json={"filterGroups": [], "sorts": [{"propertyName": "amount", "direction": "DESCENDING"}]},
    )
    assert 1 == len(transport.exchanges)


def test_rate_limit_body_is_checked_against_the_documented_shape() -> None:
    """A 429 must carry errorType RATE_LIMIT and a policyName, as usage-details documents."""
    wrong = {
        "status": "error",
        "message": "slow down",
        "correlationId": "x",
        "category": "RATE_LIMITS",
    }
    client, _ = _client(httpx.MockTransport(lambda r: httpx.Response(429, json=wrong)))
    with pytest.raises(ContractViolation, match="errorType"):
        client.get("/crm/v3/objects/deals")


def test_each_defect_is_listed_once_with_a_citation() -> None:
    """The allowlist has unique keys and every entry cites HubSpot's documentation."""
    keys = [d.key for d in SPEC_DEFECTS]
    assert len(keys) == len(set(keys))
    assert all(d.doc.startswith("https://developers.hubspot.com/") for d in SPEC_DEFECTS)


def test_missing_shared_directory_skips_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ../shared the harness skips (CI has it) and says where it looked."""
    from tests.contract import hubspot_openapi

    monkeypatch.setattr(hubspot_openapi, "shared_specs_dir", lambda: None)
    with pytest.raises(pytest.skip.Exception, match=r"\.\./shared/specs/hubspot"):
        hubspot_openapi.load_specs_or_skip()
