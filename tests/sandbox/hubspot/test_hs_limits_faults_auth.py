"""Rate limits (10-second window, daily budget), the fault plan, authentication and OAuth."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from hubqbo.sandbox import Fault, FaultKind, FaultPlan, HubSpotSandbox, ManualClock
from tests.sandbox.hubspot.conftest import AUTH, BASE_URL

CLIENT = {"client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret"}
REDIRECT = "https://app.example/oauth/callback"


def _client(sandbox: HubSpotSandbox, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(
        transport=sandbox, base_url=BASE_URL, headers=AUTH if headers is None else headers
    )


@pytest.mark.parametrize("tier", [100, 190])
def test_ten_second_budget_headers_then_429(tier: int) -> None:
    """Headers count down the tier's window; the next request is a TEN_SECONDLY_ROLLING 429."""
    clock = ManualClock()
    client = _client(HubSpotSandbox(clock=clock, rate_limit_per_ten_seconds=tier))
    last = None
    for _ in range(tier):
        last = client.get("/crm/v3/objects/deals")
    assert last is not None
    assert (str(tier), "0", "10000") == (
        last.headers["X-HubSpot-RateLimit-Max"],
        last.headers["X-HubSpot-RateLimit-Remaining"],
        last.headers["X-HubSpot-RateLimit-Interval-Milliseconds"],
    )
    refused = client.get("/crm/v3/objects/deals")
    body = refused.json()
    assert (429, "RATE_LIMIT", "TEN_SECONDLY_ROLLING") == (
        refused.status_code,
        body["errorType"],
        body["policyName"],
    )
    assert {"status", "message", "errorType", "correlationId", "policyName", "requestId"} == set(
        body
    )
    clock.advance(seconds=10)
    assert 200 == client.get("/crm/v3/objects/deals").status_code


def test_daily_budget_then_daily_429_until_midnight_in_portal_time_zone() -> None:
    """The daily budget is spent for the portal's calendar day (US/Eastern), not UTC's."""
    clock = ManualClock(
        dt.datetime(2026, 11, 25, 23, 0, tzinfo=dt.timezone.utc)
    )  # 18:00 in New York
    client = _client(HubSpotSandbox(clock=clock, daily_limit=3))
    statuses = [client.get("/crm/v3/objects/deals").status_code for _ in range(3)]
    refused = client.get("/crm/v3/objects/deals")
    clock.advance(seconds=3600 * 2)  # 01:00 UTC, still the 25th in New York
    still = client.get("/crm/v3/objects/deals").status_code
    clock.advance(seconds=3600 * 4)  # 05:00 UTC = midnight in New York
    assert ([200] * 3, "DAILY", 429, 200) == (
        statuses,
        refused.json()["policyName"],
        still,
        client.get("/crm/v3/objects/deals").status_code,
    )


def test_rate_limits_can_be_switched_off() -> None:
    """``enforce_rate_limits=False`` never answers 429 (bulk seeding, benchmarks)."""
    client = _client(
        HubSpotSandbox(clock=ManualClock(), rate_limit_per_ten_seconds=1, enforce_rate_limits=False)
    )
    assert {200} == {client.get("/crm/v3/objects/deals").status_code for _ in range(5)}


def test_timeout_fault_raises_and_applies_nothing(sandbox: HubSpotSandbox) -> None:
    """A TIMEOUT fault raises httpx.ReadTimeout before the write."""
    sandbox.faults = FaultPlan.scripted([Fault.timeout(method="POST")])
    with pytest.raises(httpx.ReadTimeout):
        _client(sandbox).post("/crm/v3/objects/deals", json={"properties": {"dealname": "x"}})
    assert [] == sandbox.records("deals")


def test_reset_after_apply_writes_then_drops_the_answer(sandbox: HubSpotSandbox) -> None:
    """RESET_AFTER_APPLY writes the record, then raises RemoteProtocolError."""
    sandbox.faults = FaultPlan.scripted([Fault.reset_after_apply()])
    with pytest.raises(httpx.RemoteProtocolError):
        _client(sandbox).post("/crm/v3/objects/deals", json={"properties": {"dealname": "x"}})
    assert ["x"] == [r["properties"]["dealname"] for r in sandbox.records("deals")]


@pytest.mark.parametrize(
    ("fault", "status", "category"),
    [
        (Fault.locked(), 423, "LOCKED"),
        (Fault.server_error(503), 503, "INTERNAL_ERROR"),
        (Fault.rate_limit(retry_after=2), 429, None),
    ],
)
def test_answer_faults(
    sandbox: HubSpotSandbox, fault: Fault, status: int, category: str | None
) -> None:
    """423, 5xx and 429 faults answer in HubSpot's shapes; the next request goes through."""
    sandbox.faults = FaultPlan.scripted([fault])
    client = _client(sandbox)
    response = client.get("/crm/v3/objects/deals")
    assert (status, category) == (response.status_code, response.json().get("category"))
    if status == 429:
        assert ("2", "TEN_SECONDLY_ROLLING") == (
            response.headers["Retry-After"],
            response.json()["policyName"],
        )
    assert 200 == client.get("/crm/v3/objects/deals").status_code


def test_migration_in_progress_answers_477_with_retry_after(sandbox: HubSpotSandbox) -> None:
    """Fault.migration_in_progress answers HubSpot's 477 with Retry-After in whole seconds and
    the error shape; the write is not applied and the next request goes through."""
    sandbox.faults = FaultPlan.scripted([Fault.migration_in_progress(retry_after=90.5)])
    client = _client(sandbox)
    refused = client.post("/crm/v3/objects/deals", json={"properties": {"dealname": "x"}})
    body = refused.json()
    assert (477, "91", "error", "MIGRATION_IN_PROGRESS") == (
        refused.status_code,
        refused.headers["Retry-After"],
        body["status"],
        body["category"],
    )
    assert {"status", "message", "category", "correlationId"} == set(body)
    assert [] == sandbox.records("deals")
    assert 201 == client.post("/crm/v3/objects/deals", json={"properties": {}}).status_code


def test_a_server_error_fault_with_status_477_is_rendered_as_migration(
    sandbox: HubSpotSandbox,
) -> None:
    """Fault(SERVER_ERROR, 477, ...) (the generic form) gets the same 477 body as the helper."""
    sandbox.faults = FaultPlan.scripted([Fault(FaultKind.SERVER_ERROR, 477, 30.0)])
    refused = _client(sandbox).get("/crm/v3/objects/deals")
    assert (477, "30", "MIGRATION_IN_PROGRESS") == (
        refused.status_code,
        refused.headers["Retry-After"],
        refused.json()["category"],
    )


def test_missing_or_unknown_token_is_401(clock: ManualClock) -> None:
    """No bearer token is 401; with ``access_tokens`` set, only those are accepted."""
    sandbox = HubSpotSandbox(clock=clock, access_tokens=["pat-good"])
    anonymous = _client(sandbox, {}).get("/crm/v3/objects/deals")
    wrong = _client(sandbox, {"Authorization": "Bearer pat-bad"}).get("/crm/v3/objects/deals")
    right = _client(sandbox, {"Authorization": "Bearer pat-good"}).get("/crm/v3/objects/deals")
    assert (401, "INVALID_AUTHENTICATION", 401, 200) == (
        anonymous.status_code,
        anonymous.json()["category"],
        wrong.status_code,
        right.status_code,
    )


def test_oauth_code_exchange_refresh_rotation_and_expiry(clock: ManualClock) -> None:
    """Code -> tokens with hub_id and 1800 s; refresh rotates; old refresh token is invalid_grant;
    the access token expires after 30 minutes and OAuth calls carry no daily headers."""
    sandbox = HubSpotSandbox(clock=clock, portal_id=4242)
    code = sandbox.authorize(redirect_uri=REDIRECT, scopes=["crm.objects.deals.read"])
    http = _client(sandbox, {})
    form = {**CLIENT, "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    tokens = http.post("/oauth/v1/token", data=form).json()
    assert (4242, 1800, "bearer", ["crm.objects.deals.read"]) == (
        tokens["hub_id"],
        tokens["expires_in"],
        tokens["token_type"],
        tokens["scopes"],
    )
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    used = http.get("/crm/v3/objects/deals", headers=bearer)
    assert "x-hubspot-ratelimit-daily" not in used.headers
    refresh = {**CLIENT, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    rotated = http.post("/oauth/v1/token", data=refresh).json()
    replay = http.post("/oauth/v1/token", data=refresh)
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert (400, "invalid_grant", "BAD_REFRESH_TOKEN") == (
        replay.status_code,
        replay.json()["error"],
        replay.json()["status"],
    )
    clock.advance(seconds=1800)
    expired = http.get("/crm/v3/objects/deals", headers=bearer)
    assert (401, "EXPIRED_AUTHENTICATION") == (expired.status_code, expired.json()["category"])


@pytest.mark.parametrize("path", ["/oauth/v1/token", "/oauth/v3/token", "/oauth/2026-03/token"])
def test_oauth_errors(clock: ManualClock, path: str) -> None:
    """Wrong secret is invalid_client; a wrong redirect_uri or unknown code is invalid_grant."""
    sandbox = HubSpotSandbox(clock=clock)
    http = _client(sandbox, {})
    code = sandbox.authorize(redirect_uri=REDIRECT)
    base = {**CLIENT, "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    secret = http.post(path, data={**base, "client_secret": "nope"}).json()["error"]
    redirect = http.post(path, data={**base, "redirect_uri": "https://evil.example"}).json()[
        "error"
    ]
    unknown = http.post(path, data=base).json()["error"]  # consumed by the previous attempt
    grant = http.post(path, data={**base, "grant_type": "password"}).json()["error"]
    assert ("invalid_client", "invalid_grant", "invalid_grant", "unsupported_grant_type") == (
        secret,
        redirect,
        unknown,
        grant,
    )


def test_request_log_counts(sandbox: HubSpotSandbox) -> None:
    """``count_requests`` counts handled requests, filterable by method and path."""
    client = _client(sandbox)
    client.get("/crm/v3/objects/deals")
    client.post("/crm/v3/objects/deals/search", json={})
    assert (2, 1) == (sandbox.count_requests(), sandbox.count_requests(path_contains="/search"))


def test_partial_batch_applies_half_and_answers_207(sandbox: HubSpotSandbox) -> None:
    """PARTIAL_BATCH writes the first half of a batch whose inputs carry objectWriteTraceId
    and fails the rest in a 207; without trace ids (all or nothing) it changes nothing."""
    sandbox.faults = FaultPlan.scripted([Fault.partial_batch(), Fault.partial_batch()])
    inputs = [
        {"properties": {"dealname": f"d{n}"}, "objectWriteTraceId": f"t{n}"} for n in range(4)
    ]
    response = _client(sandbox).post("/crm/v3/objects/deals/batch/create", json={"inputs": inputs})
    assert response.status_code == 207
    body = response.json()
    assert sorted(r["objectWriteTraceId"] for r in body["results"]) == ["t0", "t1"]
    assert sorted(e["context"]["objectWriteTraceId"][0] for e in body["errors"]) == ["t2", "t3"]
    assert {e["category"] for e in body["errors"]} == {"INTERNAL_ERROR"}
    assert sorted(r["properties"]["dealname"] for r in sandbox.records("deals")) == ["d0", "d1"]
    plain = [{"properties": {"dealname": "e"}}]
    response = _client(sandbox).post("/crm/v3/objects/deals/batch/create", json={"inputs": plain})
    assert response.status_code == 201
    assert len(sandbox.records("deals")) == 3
