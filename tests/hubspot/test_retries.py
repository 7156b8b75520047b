"""Retry and pacing decisions seen from the wire (scripted answers at the transport; no real
sleeping: ``ManualClock.sleep`` advances the clock)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from hubqbo._http import no_jitter
from hubqbo.errors import RateLimitedError, RequestTimeout, ServerError
from hubqbo.hubspot import HubSpotClient, HubSpotRetryPolicy, RateLimits, SearchQuery
from hubqbo.models import CrmObjectType
from hubqbo.sandbox import ManualClock
from tests.contract.hubspot_openapi import HubSpotSpecs, shared_specs_dir
from tests.hubspot.conftest import validating

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
SPECS = HubSpotSpecs(SHARED) if (SHARED := shared_specs_dir()) is not None else None
CURRENCY = {"id": "EUR", "createdAt": "2024-01-01T00:00:00Z"}
ACCOUNT = {
    "portalId": 62515,
    "accountType": "STANDARD",
    "timeZone": "Europe/Paris",
    "companyCurrency": "EUR",
    "additionalCurrencies": [],
    "utcOffset": "+01:00",
    "utcOffsetMilliseconds": 3600000,
    "uiDomain": "app-eu1.hubspot.com",
    "dataHostingLocation": "eu1",
}
CREATED = {
    "status": "COMPLETE",
    "startedAt": "2026-11-25T09:00:00Z",
    "completedAt": "2026-11-25T09:00:00Z",
    "results": [
        {
            "id": "1",
            "properties": {"name": "a"},
            "createdAt": "2026-11-25T09:00:00Z",
            "updatedAt": "2026-11-25T09:00:00Z",
            "archived": False,
        }
    ],
}


class Script:
    """Answers requests from a list (an exception instance is raised instead)."""

    def __init__(self, clock: ManualClock, answers: list[httpx.Response | Exception]) -> None:
        self.clock = clock
        self.answers = answers
        self.seen: list[tuple[dt.datetime, str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((self.clock.now(), request.method, request.url.path))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client_for(
    answers: list[httpx.Response | Exception], *, validate: bool = True, **kw: object
) -> tuple[HubSpotClient, Script, ManualClock]:
    clock = ManualClock(START)
    script = Script(clock, answers)
    client = HubSpotClient(
        access_token="pat-x",
        # scripted answers are held to HubSpot's published descriptions (when ../shared is there)
        transport=validating(httpx.MockTransport(script), SPECS if validate else None),
        clock=clock,
        sleep=clock.sleep,
        retry=HubSpotRetryPolicy(base_delay=0.5, jitter=no_jitter),
        **kw,  # type: ignore[arg-type]
    )
    return client, script, clock


def rate_limited(policy: str, message: str) -> httpx.Response:
    return httpx.Response(
        429,
        json={
            "status": "error",
            "message": message,
            "errorType": "RATE_LIMIT",
            "correlationId": "7d0c2b9e-3a54-4f6e-8b1d-5e9f0a2c4b61",
            "policyName": policy,
        },
    )


def test_ten_secondly_429_waits_the_window_then_succeeds() -> None:
    """TEN_SECONDLY_ROLLING: wait 10 s (clock), send again, succeed."""
    client, script, _ = client_for(
        [
            rate_limited(
                "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit."
            ),
            httpx.Response(200, json=CURRENCY),
        ]
    )
    assert "EUR" == client.company_currency()
    assert [START, START + dt.timedelta(seconds=10)] == [t for t, _, _ in script.seen]


def test_daily_429_raises_without_spinning() -> None:
    """DAILY: one request, no wait, RateLimitedError naming the policy."""
    client, script, clock = client_for(
        [rate_limited("DAILY", "You have reached your daily limit.")] * 3
    )
    with pytest.raises(RateLimitedError) as caught:
        client.company_currency()
    assert ("DAILY", 1, START) == (caught.value.policy, len(script.seen), clock.now())


def test_locked_423_retries_a_create_after_two_seconds() -> None:
    """423 means not applied: even a (non-idempotent) batch create is sent again, >= 2 s later."""
    client, script, _ = client_for(
        [
            httpx.Response(
                423,
                json={
                    "status": "error",
                    "message": "Locked",
                    "category": "LOCKED",
                    "correlationId": "2f1a9a41-5b7e-4c3d-9a51-0c4b6f1d2e73",
                },
            ),
            httpx.Response(201, json=CREATED),
        ]
    )
    result = client.batch_create(CrmObjectType.PRODUCT, [{"name": "a"}])
    assert (["1"], 2) == ([r.id for r in result.records], len(script.seen))
    assert dt.timedelta(seconds=2) <= script.seen[1][0] - script.seen[0][0]


def test_server_error_retries_reads_but_not_creates() -> None:
    """A 502 on a read is retried (backoff); on a batch create it is raised (may be applied)."""
    client, script, _ = client_for(
        [httpx.Response(502, text="Bad gateway"), httpx.Response(200, json=CURRENCY)],
        validate=False,  # a gateway's plain-text 502 is outside HubSpot's description on purpose
    )
    assert "EUR" == client.company_currency()
    assert 2 == len(script.seen)
    create, script, _ = client_for([httpx.Response(524, text="")] * 2, validate=False)
    with pytest.raises(ServerError):
        create.batch_create(CrmObjectType.PRODUCT, [{"name": "a"}])
    assert 1 == len(script.seen)


def test_timeouts_retry_idempotent_upserts_and_give_up_after_max_attempts() -> None:
    """A timeout on an upsert (idempotent by unique value) is retried up to max_attempts."""
    timeout = httpx.ReadTimeout("slow")
    upserted = {**CREATED, "results": [{**CREATED["results"][0], "new": True}]}  # type: ignore[index]
    client, script, _ = client_for([timeout, httpx.Response(200, json=upserted)])
    records = [{"sku": "A-1", "name": "a"}]
    assert client.batch_upsert(CrmObjectType.PRODUCT, records, id_property="sku").ok
    assert 2 == len(script.seen)
    failing, script, _ = client_for([timeout] * 5)
    with pytest.raises(RequestTimeout):
        failing.batch_upsert(CrmObjectType.PRODUCT, records, id_property="sku")
    assert 5 == len(script.seen)


def test_reported_remaining_zero_pauses_for_the_interval() -> None:
    """X-HubSpot-RateLimit-Remaining 0 with a 10,000 ms interval → the next request waits 10 s."""
    spent = {
        "X-HubSpot-RateLimit-Max": "100",
        "X-HubSpot-RateLimit-Remaining": "0",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    client, script, _ = client_for(
        [
            httpx.Response(200, json=CURRENCY, headers=spent),
            httpx.Response(200, json=ACCOUNT),
        ]
    )
    client.company_currency()
    client.portal_time_zone()
    assert dt.timedelta(seconds=10) == script.seen[1][0] - script.seen[0][0]


def test_tier_budget_paces_requests_in_the_ten_second_window() -> None:
    """With 110 per 10 s (public OAuth tier), request 111 waits for the window to roll."""
    record = CREATED["results"][0]  # type: ignore[index]
    answers: list[httpx.Response | Exception] = [httpx.Response(200, json=record)] * 111
    client, script, _ = client_for(answers, rate_limits="public_oauth")
    for _ in range(111):
        client.get_object(CrmObjectType.PRODUCT, "1")
    gaps = [t for t, _, _ in script.seen]
    assert (START, START, START + dt.timedelta(seconds=10)) == (gaps[0], gaps[109], gaps[110])


def test_search_is_paced_at_five_per_second() -> None:
    """Six searches: the sixth waits for the one-second search window."""
    page = {"total": 0, "results": []}
    client, script, _ = client_for([httpx.Response(200, json=page)] * 6)
    for _ in range(6):
        list(client.search(CrmObjectType.CONTACT, SearchQuery(limit=10)))
    times = [t for t, _, _ in script.seen]
    assert (START, START + dt.timedelta(seconds=1)) == (times[4], times[5])


def test_rate_limit_tiers() -> None:
    """Tier names give HubSpot's published 10-second budgets."""
    assert [100, 100, 190, 190, 250, 110] == [
        RateLimits.tier(t).per_ten_seconds
        for t in ("free", "starter", "professional", "enterprise", "api_add_on", "public_oauth")
    ]


def test_search_that_cannot_be_split_is_refused_before_any_record() -> None:
    """10,001 matches and a group already holding 6 filters (no room for the hs_object_id
    bound): ValidationError on the first page, not after 10,000 records were handed out."""
    from hubqbo.errors import ValidationError
    from hubqbo.hubspot import Filter, FilterGroup

    first = {
        "total": 10_001,
        "results": [
            {
                "id": "1",
                "properties": {},
                "createdAt": "2026-11-25T09:00:00Z",
                "updatedAt": "2026-11-25T09:00:00Z",
                "archived": False,
            }
        ],
        "paging": {"next": {"after": "1"}},
    }
    client, script, _ = client_for([httpx.Response(200, json=first)])
    full = FilterGroup([Filter(f"p{i}", "HAS_PROPERTY") for i in range(6)])
    found = client.search(CrmObjectType.CONTACT, SearchQuery(filter_groups=[full]))
    with pytest.raises(ValidationError, match="at most 6 per group"):
        next(found)
    assert 1 == len(script.seen)
