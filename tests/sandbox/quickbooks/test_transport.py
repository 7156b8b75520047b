"""Cross-cutting: hosts, auth, headers, requestid replay, throttling, fault plan, OAuth."""

from __future__ import annotations

import base64

import httpx
import pytest

from hubqbo.sandbox import Fault, FaultPlan, ManualClock, QuickBooksSandbox
from tests.sandbox.quickbooks.conftest import (
    PRODUCTION,
    SANDBOX_HOST,
    ClientFactory,
    fault_codes,
    query,
)

NEW_CUSTOMER = {"DisplayName": "Replay Ltd"}


@pytest.mark.parametrize("host", [PRODUCTION, SANDBOX_HOST])
def test_both_base_urls_answer_with_intuit_tid(connect: ClientFactory, us: str, host: str) -> None:
    """Production and sandbox hosts both serve /v3/company/{realm}; every answer has intuit_tid."""
    response = connect(us, host=host).get(f"/companyinfo/{us}")
    assert (200, True) == (response.status_code, response.headers["intuit_tid"].startswith("1-"))
    assert (
        response.headers["intuit_tid"]
        != connect(us, host=host).get("/preferences").headers["intuit_tid"]
    )


def test_missing_token_is_401_with_the_lowercase_fault_shape(
    connect: ClientFactory, us: str
) -> None:
    """No Authorization: 401, `fault.error[]` lower-case, type AUTHENTICATION, code 3200."""
    response = connect(us, token=None).get("/preferences")
    body = response.json()
    assert (401, "AUTHENTICATION", "3200") == (
        response.status_code,
        body["fault"]["type"],
        body["fault"]["error"][0]["code"],
    )
    assert isinstance(body["time"], int)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert "intuit_tid" in response.headers


def test_configured_tokens_only(clock: ManualClock, connect: ClientFactory) -> None:
    """With access_tokens given, other bearers get 401 and the configured one is accepted."""
    sandbox = QuickBooksSandbox(clock=clock, access_tokens={"good"})
    realm = sandbox.add_realm()
    url = f"{PRODUCTION}/v3/company/{realm}/preferences"
    with httpx.Client(transport=sandbox) as client:
        bad = client.get(url, headers={"Authorization": "Bearer nope"})
        good = client.get(url, headers={"Authorization": "Bearer good"})
    assert (401, 200) == (bad.status_code, good.status_code)
    assert "nope" not in bad.text


def test_unknown_realm_is_403_and_unknown_resource_is_fault_500(
    connect: ClientFactory, us: str
) -> None:
    """A realm the token cannot reach -> 403 (3100); /customer/1/5 -> HTTP 400 code 500."""
    assert 403 == connect("123").get("/preferences").status_code
    odd = connect(us).get("/customer/1/5")
    assert (400, ["500"], "Unsupported Operation") == (
        odd.status_code,
        fault_codes(odd),
        odd.json()["Fault"]["Error"][0]["Message"],
    )


def test_other_hosts_are_not_served(sandbox: QuickBooksSandbox) -> None:
    """The transport refuses hosts it does not emulate (a connect error, as with no network)."""
    with httpx.Client(transport=sandbox) as client, pytest.raises(httpx.ConnectError):
        client.get("https://example.com/v3/company/1/preferences")


def test_requestid_replays_the_original_response_without_reapplying(
    connect: ClientFactory, us: str, clock: ManualClock
) -> None:
    """Same requestid twice: same body, one customer; a new requestid then hits 6240."""
    client = connect(us)
    first = client.post("/customer?requestid=abc-1", json=NEW_CUSTOMER)
    clock.advance(seconds=10)
    again = client.post("/customer?requestid=abc-1", json=NEW_CUSTOMER)
    assert first.content == again.content
    assert {"totalCount": 1} == query(client, "select count(*) from Customer").json()[
        "QueryResponse"
    ]
    other = client.post("/customer?requestid=abc-2", json=NEW_CUSTOMER)
    assert ["6240"] == fault_codes(other)


def test_requestid_longer_than_50_is_refused(connect: ClientFactory, us: str) -> None:
    """requestid is limited to 50 characters (36 on /batch)."""
    client = connect(us)
    assert ["6000"] == fault_codes(
        client.post("/customer", params={"requestid": "x" * 51}, json=NEW_CUSTOMER)
    )
    batch = client.post("/batch", params={"requestid": "y" * 37}, json={"BatchItemRequest": []})
    assert ["6000"] == fault_codes(batch)


def test_throttling_past_500_requests_per_clock_minute(
    connect: ClientFactory, us: str, clock: ManualClock
) -> None:
    """Request 501 in a minute is 429 + Fault 3001 type SERVICE; the next minute is fine again."""
    client = connect(us)
    statuses = [client.get("/preferences").status_code for _ in range(501)]
    assert ([200] * 500 + [429]) == statuses
    throttled = client.get("/preferences")
    assert (["3001"], "SERVICE") == (fault_codes(throttled), throttled.json()["Fault"]["type"])
    clock.advance(seconds=60)
    assert 200 == client.get("/preferences").status_code


def test_batch_throttle_is_40_per_minute(connect: ClientFactory, us: str) -> None:
    """The 41st /batch in a minute is 429."""
    client = connect(us)
    statuses = [client.post("/batch", json={"BatchItemRequest": []}).status_code for _ in range(41)]
    assert [200] * 40 + [429] == statuses


def test_fault_plan_429_with_and_without_retry_after(
    clock: ManualClock, connect: ClientFactory
) -> None:
    """Scripted 429s carry Retry-After only when the fault says so, in the 3001 shape."""
    plan = FaultPlan.scripted([Fault.rate_limit(retry_after=7), Fault.rate_limit()])
    sandbox = QuickBooksSandbox(clock=clock, faults=plan)
    realm = sandbox.add_realm()
    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as client:
        url = f"{PRODUCTION}/v3/company/{realm}/preferences"
        first, second, third = client.get(url), client.get(url), client.get(url)
    assert (429, "7", 429, None, 200) == (
        first.status_code,
        first.headers.get("Retry-After"),
        second.status_code,
        second.headers.get("Retry-After"),
        third.status_code,
    )
    assert ["3001"] == fault_codes(first)


@pytest.mark.parametrize("status", [500, 503])
def test_fault_plan_server_errors(clock: ManualClock, status: int) -> None:
    """5xx faults answer a SystemFault body with that status, and nothing is applied."""
    sandbox = QuickBooksSandbox(
        clock=clock, faults=FaultPlan.scripted([Fault.server_error(status)])
    )
    realm = sandbox.add_realm()
    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as client:
        url = f"{PRODUCTION}/v3/company/{realm}/customer"
        response = client.post(url, json=NEW_CUSTOMER)
    assert (status, "SystemFault") == (response.status_code, response.json()["Fault"]["type"])
    assert sandbox.get(realm, "Customer", "1") is None


def test_fault_plan_timeout_is_not_applied(clock: ManualClock) -> None:
    """A timeout raises httpx.ReadTimeout and the write did not happen."""
    sandbox = QuickBooksSandbox(clock=clock, faults=FaultPlan.scripted([Fault.timeout()]))
    realm = sandbox.add_realm()
    client = httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"})
    with client, pytest.raises(httpx.ReadTimeout):
        client.post(f"{PRODUCTION}/v3/company/{realm}/customer", json=NEW_CUSTOMER)
    assert sandbox.get(realm, "Customer", "1") is None


def test_reset_after_apply_applies_then_drops_and_requestid_recovers(clock: ManualClock) -> None:
    """The write lands, the answer is lost; retrying with the same requestid returns it once."""
    sandbox = QuickBooksSandbox(
        clock=clock, faults=FaultPlan.scripted([Fault.reset_after_apply(method="POST")])
    )
    realm = sandbox.add_realm()
    url = f"{PRODUCTION}/v3/company/{realm}/customer?requestid=r-1"
    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(url, json=NEW_CUSTOMER)
        retried = client.post(url, json=NEW_CUSTOMER)
    assert ("1", "Replay Ltd") == (
        retried.json()["Customer"]["Id"],
        retried.json()["Customer"]["DisplayName"],
    )
    assert sandbox.get(realm, "Customer", "2") is None


def test_fault_plan_stale_sync_token(clock: ManualClock) -> None:
    """A STALE fault answers 5010 to a write even with the right SyncToken."""
    from hubqbo.sandbox import FaultKind

    sandbox = QuickBooksSandbox(
        clock=clock, faults=FaultPlan.scripted([Fault(FaultKind.STALE, method="POST")])
    )
    realm = sandbox.add_realm()
    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as client:
        response = client.post(f"{PRODUCTION}/v3/company/{realm}/customer", json=NEW_CUSTOMER)
    assert ["5010"] == fault_codes(response)


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"


def test_oauth_code_exchange_refresh_rotation_and_expiry(clock: ManualClock) -> None:
    """Code -> tokens; refresh rotates the refresh token; old ones are invalid_grant; 1 h expiry."""
    sandbox = QuickBooksSandbox(clock=clock, client_id="cid", client_secret="sec")
    realm = sandbox.add_realm()
    code = sandbox.authorize(realm)
    auth = {"Authorization": _basic("cid", "sec")}
    with httpx.Client(transport=sandbox) as client:
        tokens = client.post(
            TOKEN_URL, data={"grant_type": "authorization_code", "code": code}, headers=auth
        ).json()
        reused = client.post(
            TOKEN_URL, data={"grant_type": "authorization_code", "code": code}, headers=auth
        )
        refreshed = client.post(
            TOKEN_URL,
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            headers=auth,
        ).json()
        old = client.post(
            TOKEN_URL,
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            headers=auth,
        )
        bad_client = client.post(
            TOKEN_URL,
            data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]},
            headers={"Authorization": _basic("cid", "wrong")},
        )
        api = f"{PRODUCTION}/v3/company/{realm}/preferences"
        bearer = {"Authorization": f"Bearer {refreshed['access_token']}"}
        fresh = client.get(api, headers=bearer).status_code
        clock.advance(seconds=3601)
        expired = client.get(api, headers=bearer).status_code
    assert (3600, True) == (tokens["expires_in"], "x_refresh_token_expires_in" in tokens)
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    assert ({"error": "invalid_grant"}, {"error": "invalid_grant"}) == (reused.json(), old.json())
    assert (401, 200, 401) == (bad_client.status_code, fresh, expired)


def test_oauth_tokens_are_bound_to_their_realm(clock: ManualClock) -> None:
    """A token granted for one company gets 403 (3100) on another company's path."""
    sandbox = QuickBooksSandbox(clock=clock, client_id="cid", client_secret="sec")
    mine, other = sandbox.add_realm(), sandbox.add_realm()
    with httpx.Client(transport=sandbox) as client:
        tokens = client.post(
            TOKEN_URL,
            data={
                "grant_type": "authorization_code",
                "code": sandbox.authorize(mine),
                "client_id": "cid",
                "client_secret": "sec",
            },
        ).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        own = client.get(f"{PRODUCTION}/v3/company/{mine}/preferences", headers=bearer)
        foreign = client.get(f"{PRODUCTION}/v3/company/{other}/preferences", headers=bearer)
    assert (200, 403, ["3100"]) == (own.status_code, foreign.status_code, fault_codes(foreign))


def test_revoked_refresh_token_revokes_its_access_token(clock: ManualClock) -> None:
    """POST .../tokens/revoke with the refresh token: both stop working."""
    sandbox = QuickBooksSandbox(clock=clock, client_id="cid", client_secret="sec")
    realm = sandbox.add_realm()
    auth = {"Authorization": _basic("cid", "sec")}
    with httpx.Client(transport=sandbox) as client:
        tokens = client.post(
            TOKEN_URL,
            data={"grant_type": "authorization_code", "code": sandbox.authorize(realm)},
            headers=auth,
        ).json()
        revoked = client.post(
            "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
            json={"token": tokens["refresh_token"]},
            headers=auth,
        )
        api = client.get(
            f"{PRODUCTION}/v3/company/{realm}/preferences",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        refresh = client.post(
            TOKEN_URL,
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            headers=auth,
        )
    assert (200, 401, 400) == (revoked.status_code, api.status_code, refresh.status_code)
