"""OAuth 2.0 machinery against an ``httpx.MockTransport`` token endpoint (the one odd case)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx
import pytest

from hubqbo._http import RetryPolicy, no_jitter
from hubqbo.auth import (
    ClientAuthMethod,
    ClientCredentials,
    FileTokenStore,
    MemoryTokenStore,
    OAuth2Auth,
    OAuthClient,
    OAuthProvider,
    RevokeStyle,
    StaticToken,
)
from hubqbo.errors import AuthenticationError, TransportError
from hubqbo.hubspot import HubSpotOAuth, hubspot_provider
from hubqbo.models import OAuthToken
from hubqbo.sandbox import ManualClock

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
INTUITISH = OAuthProvider(
    name="quickbooks",
    authorize_url="https://appcenter.intuit.com/connect/oauth2",
    token_url="https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
    revoke_url="https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
    account_param="realmId",
)
CREDS = ClientCredentials("client-id", "client-secret-xyz", "https://app.example/callback")


class TokenEndpoint:
    """A fake token endpoint issuing a1/r1, a2/r2, ... and recording every form it received."""

    def __init__(self, *, fail_with: str | None = None, gate: threading.Event | None = None):
        self.forms: list[dict[str, str]] = []
        self.headers: list[httpx.Headers] = []
        self.fail_with = fail_with
        self.gate = gate
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.gate is not None:
            self.gate.wait(5)
        with self._lock:
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            self.forms.append(form)
            self.headers.append(request.headers)
            n = len(self.forms)
        if self.fail_with:
            return httpx.Response(400, json={"error": self.fail_with, "error_description": "x"})
        return httpx.Response(
            200,
            json={
                "token_type": "bearer",
                "expires_in": 3600,
                "refresh_token": f"r{n + 1}",
                "x_refresh_token_expires_in": 8726400,
                "access_token": f"a{n + 1}",
            },
        )


def oauth_with(
    endpoint: Callable[[httpx.Request], httpx.Response], clock: ManualClock
) -> OAuthClient:
    return OAuthClient(INTUITISH, CREDS, transport=httpx.MockTransport(endpoint), clock=clock)


def expiring_token(clock: ManualClock, seconds: float = 3600) -> OAuthToken:
    return OAuthToken(
        access_token="a1",
        refresh_token="r1",
        expires_at=clock.now() + dt.timedelta(seconds=seconds),
        account_id="9130",
    )


def test_authorize_url_carries_state_and_callback_yields_code_and_realm() -> None:
    """The authorize URL names client, scope, redirect and state; the callback gives the realm."""
    oauth = oauth_with(TokenEndpoint(), ManualClock(NOW))
    request = oauth.authorization_url(["com.intuit.quickbooks.accounting"])
    query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
    assert {
        "client_id": "client-id",
        "response_type": "code",
        "scope": "com.intuit.quickbooks.accounting",
        "redirect_uri": "https://app.example/callback",
        "state": request.state,
    } == query
    assert 20 <= len(request.state)
    answer = oauth.parse_callback(
        f"https://app.example/callback?code=c-1&state={request.state}&realmId=9130",
        state=request.state,
    )
    assert ("c-1", "9130") == (answer.code, answer.account_id)


def test_callback_with_wrong_state_or_denial_is_refused() -> None:
    """A forged state or an access_denied callback raises AuthenticationError."""
    oauth = oauth_with(TokenEndpoint(), ManualClock(NOW))
    with pytest.raises(AuthenticationError, match="state"):
        oauth.parse_callback("https://app.example/callback?code=c&state=evil", state="good")
    with pytest.raises(AuthenticationError, match="access_denied"):
        oauth.parse_callback("https://app.example/callback?error=access_denied&state=s", state="s")


def test_code_exchange_uses_basic_auth_and_exposes_refresh_expiry() -> None:
    """Intuit-style exchange: Basic client auth, form body, expiries from the answer."""
    endpoint = TokenEndpoint()
    clock = ManualClock(NOW)
    token = oauth_with(endpoint, clock).exchange_code("code-1", account_id="9130")
    basic = base64.b64encode(b"client-id:client-secret-xyz").decode()
    assert f"Basic {basic}" == endpoint.headers[0]["authorization"]
    assert {
        "grant_type": "authorization_code",
        "code": "code-1",
        "redirect_uri": "https://app.example/callback",
    } == endpoint.forms[0]
    assert (NOW + dt.timedelta(hours=1)) == token.expires_at
    assert (NOW + dt.timedelta(seconds=8726400)) == token.refresh_expires_at
    assert ("a2", "r2", "9130") == (token.access_token, token.refresh_token, token.account_id)


def test_post_client_auth_puts_credentials_in_the_body() -> None:
    """HubSpot-style providers send client_id/client_secret in the form, no Basic header."""
    endpoint = TokenEndpoint()
    provider = OAuthProvider(
        name="hubspot",
        authorize_url="https://app.hubspot.com/oauth/authorize",
        token_url="https://api.hubapi.com/oauth/v1/token",
        client_auth=ClientAuthMethod.POST,
    )
    oauth = OAuthClient(provider, CREDS, transport=httpx.MockTransport(endpoint))
    oauth.refresh(OAuthToken(access_token="old", refresh_token="r0"))
    assert "authorization" not in endpoint.headers[0]
    assert {
        "grant_type": "refresh_token",
        "refresh_token": "r0",
        "client_id": "client-id",
        "client_secret": "client-secret-xyz",
    } == endpoint.forms[0]


def test_token_is_refreshed_before_expiry_and_persisted_before_use() -> None:
    """An access token expiring within the margin is refreshed first; the API sees the new
    token only after the store already holds the rotated refresh token."""
    clock = ManualClock(NOW)
    store = MemoryTokenStore()
    store.save("quickbooks:9130", expiring_token(clock, seconds=60))
    seen: list[tuple[str, str | None]] = []

    def api(request: httpx.Request) -> httpx.Response:
        stored = store.load("quickbooks:9130")
        assert stored is not None
        seen.append((request.headers["authorization"], stored.refresh_token))
        return httpx.Response(200, json={})

    auth = OAuth2Auth(oauth_with(TokenEndpoint(), clock), store, "quickbooks:9130")
    with httpx.Client(transport=httpx.MockTransport(api), auth=auth) as client:
        client.get("https://api.test/x")
    assert [("Bearer a2", "r2")] == seen
    assert 1 == auth.refreshes


def test_fresh_token_is_not_refreshed() -> None:
    """A token valid for longer than the margin is used as is."""
    clock = ManualClock(NOW)
    store = MemoryTokenStore()
    store.save("k", expiring_token(clock))
    endpoint = TokenEndpoint()
    auth = OAuth2Auth(oauth_with(endpoint, clock), store, "k")
    assert "a1" == auth.current_token().access_token
    assert [] == endpoint.forms


def test_401_refreshes_once_then_gives_up() -> None:
    """On 401 the flow refreshes once and resends; a second 401 is returned, not looped."""
    clock = ManualClock(NOW)
    store = MemoryTokenStore()
    store.save("k", expiring_token(clock))
    calls: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["authorization"])
        return httpx.Response(401, json={"fault": {"error": [{"code": "3200"}]}})

    endpoint = TokenEndpoint()
    auth = OAuth2Auth(oauth_with(endpoint, clock), store, "k")
    with httpx.Client(transport=httpx.MockTransport(api), auth=auth) as client:
        response = client.get("https://api.test/x")
    assert 401 == response.status_code
    assert ["Bearer a1", "Bearer a2"] == calls
    assert 1 == len(endpoint.forms)


def test_invalid_grant_says_reconnect() -> None:
    """A refused refresh token raises AuthenticationError telling the user to reconnect."""
    clock = ManualClock(NOW)
    store = MemoryTokenStore()
    store.save("k", expiring_token(clock, seconds=0))
    auth = OAuth2Auth(oauth_with(TokenEndpoint(fail_with="invalid_grant"), clock), store, "k")
    with pytest.raises(AuthenticationError, match="reconnect") as info:
        auth.current_token()
    assert "invalid_grant" == info.value.code


def test_missing_token_says_connect_first() -> None:
    """No stored token: AuthenticationError before any HTTP."""
    auth = OAuth2Auth(oauth_with(TokenEndpoint(), ManualClock(NOW)), MemoryTokenStore(), "k")
    with pytest.raises(AuthenticationError, match="connect the app"):
        auth.current_token()


def test_concurrent_refreshes_are_single_flight() -> None:
    """Eight threads finding the token expired cause exactly one refresh; all get its token."""
    clock = ManualClock(NOW)
    store = MemoryTokenStore()
    store.save("k", expiring_token(clock, seconds=10))
    gate = threading.Event()
    endpoint = TokenEndpoint(gate=gate)
    auth = OAuth2Auth(oauth_with(endpoint, clock), store, "k")
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(auth.current_token().access_token))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert ["a2"] * 8 == results
    assert 1 == len(endpoint.forms)


def test_revoke_posts_json_token_with_basic_auth() -> None:
    """Intuit revoke: POST JSON {"token": refresh token} with client Basic auth."""
    received: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    oauth = OAuthClient(INTUITISH, CREDS, transport=httpx.MockTransport(endpoint))
    oauth.revoke(OAuthToken(access_token="a", refresh_token="r-9"))
    assert "https://developer.api.intuit.com/v2/oauth2/tokens/revoke" == str(received[0].url)
    assert {"token": "r-9"} == json.loads(received[0].content)
    assert received[0].headers["authorization"].startswith("Basic ")


def test_revoke_by_path_deletes_the_token_url() -> None:
    """HubSpot v1 revoke: DELETE <revoke_url>/<refresh token>."""
    received: list[httpx.Request] = []
    provider = OAuthProvider(
        name="hubspot",
        authorize_url="https://app.hubspot.com/oauth/authorize",
        token_url="https://api.hubapi.com/oauth/v1/token",
        revoke_url="https://api.hubapi.com/oauth/v1/refresh-tokens",
        revoke_style=RevokeStyle.PATH,
    )

    def endpoint(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(204)

    OAuthClient(provider, CREDS, transport=httpx.MockTransport(endpoint)).revoke(
        OAuthToken(access_token="a", refresh_token="r-7")
    )
    assert ("DELETE", "https://api.hubapi.com/oauth/v1/refresh-tokens/r-7") == (
        received[0].method,
        str(received[0].url),
    )


def test_secrets_never_reach_logs_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    """Refresh plus an API call at DEBUG: no token or client secret in logs or reprs."""
    caplog.set_level(logging.DEBUG)
    clock = ManualClock(NOW)
    store = MemoryTokenStore()
    store.save("k", expiring_token(clock, seconds=0))
    oauth = oauth_with(TokenEndpoint(), clock)
    auth = OAuth2Auth(oauth, store, "k")
    token = auth.current_token()
    text = caplog.text + repr(oauth) + repr(auth) + repr(CREDS) + repr(token) + repr(store)
    text += repr(StaticToken("a1"))
    for secret in ("client-secret-xyz", "a1", "a2", "r1", "r2"):
        assert secret not in text.replace("quickbooks", "")


def test_file_store_round_trip_is_private(tmp_path: Path) -> None:
    """The file store keeps every field, writes mode 0600 and forgets on delete."""
    store = FileTokenStore(tmp_path)
    token = OAuthToken(
        access_token="a",
        refresh_token="r",
        expires_at=NOW,
        refresh_expires_at=NOW + dt.timedelta(days=100),
        scope="com.intuit.quickbooks.accounting",
        account_id="9130",
    )
    store.save("quickbooks:9130", token)
    assert token == store.load("quickbooks:9130")
    assert 0o600 == os.stat(store.path("quickbooks:9130")).st_mode & 0o777
    store.delete("quickbooks:9130")
    assert store.load("quickbooks:9130") is None


def test_file_store_lock_excludes_other_processes(tmp_path: Path) -> None:
    """While this process holds the lock, another process's lock+save waits for it."""
    store = FileTokenStore(tmp_path)
    store.save("k", OAuthToken(access_token="mine", refresh_token="r"))
    src = Path(__file__).resolve().parents[2] / "src"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from hubqbo.auth import FileTokenStore\n"
        "from hubqbo.models import OAuthToken\n"
        "s = FileTokenStore(sys.argv[2])\n"
        "with s.lock('k'):\n"
        "    s.save('k', OAuthToken(access_token='theirs', refresh_token='r'))\n"
    )
    with store.lock("k"):
        proc = subprocess.Popen([sys.executable, "-c", script, str(src), str(tmp_path)])
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=1.0)
        loaded = store.load("k")
        assert loaded is not None
        assert "mine" == loaded.access_token
    assert 0 == proc.wait(timeout=20)
    loaded = store.load("k")
    assert loaded is not None
    assert "theirs" == loaded.access_token


class PortalEndpoint(TokenEndpoint):
    """A HubSpot-like token endpoint: the answer also names the portal (``hub_id``) and scopes."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = super().__call__(request)
        body = json.loads(answer.content)
        return httpx.Response(200, json={**body, "hub_id": 62515, "scopes": ["oauth", "crm"]})


def test_token_response_hook_sees_the_raw_answer_of_exchange_and_refresh() -> None:
    """``OAuthProvider(on_token_response=...)`` gets the parsed token and the raw JSON of every
    code exchange and refresh; what it returns is the token OAuth2Auth persists."""
    seen: list[tuple[str, object]] = []

    def hook(token: OAuthToken, raw: Mapping[str, object]) -> OAuthToken:
        seen.append((token.access_token, raw.get("hub_id")))
        return attrs.evolve(token, account_id=f"portal-{raw['hub_id']}")

    clock = ManualClock(NOW)
    provider = attrs.evolve(INTUITISH, on_token_response=hook)
    oauth = OAuthClient(
        provider, CREDS, transport=httpx.MockTransport(PortalEndpoint()), clock=clock
    )
    first = oauth.exchange_code("code-1")
    store = MemoryTokenStore()
    store.save("k", attrs.evolve(first, expires_at=NOW))
    OAuth2Auth(oauth, store, "k", clock=clock).current_token()
    stored = store.load("k")
    assert stored is not None
    assert [("a2", 62515), ("a3", 62515)] == seen
    assert ("portal-62515", "portal-62515") == (first.account_id, stored.account_id)
    assert "on_token_response" not in repr(provider)


def test_hubspot_provider_captures_the_portal_through_the_public_hook() -> None:
    """A plain ``OAuthClient`` on ``hubspot_provider()`` keeps ``hub_id`` as account_id and the
    ``scopes`` list as scope, on exchange and on refresh (no HubSpot subclass needed)."""
    oauth = OAuthClient(
        hubspot_provider("v3"), CREDS, transport=httpx.MockTransport(PortalEndpoint())
    )
    token = oauth.exchange_code("code-1")
    refreshed = oauth.refresh(attrs.evolve(token, account_id=None))
    assert [("62515", "oauth crm"), ("62515", "oauth crm")] == [
        (t.account_id, t.scope) for t in (token, refreshed)
    ]


def test_hubspot_oauth_uses_no_private_oauth_client_member() -> None:
    """``hubqbo.hubspot._oauth`` calls only public ``OAuthClient`` API (no ``._token_request``),
    and a HubSpotOAuth on a hand-built provider still captures the portal."""
    source = (Path(__file__).resolve().parents[2] / "src/hubqbo/hubspot/_oauth.py").read_text()
    assert "_token_request" not in source
    bare = attrs.evolve(hubspot_provider("v3"), on_token_response=None)
    oauth = HubSpotOAuth(bare, CREDS, transport=httpx.MockTransport(PortalEndpoint()))
    assert "62515" == oauth.exchange_code("code-1").account_id


def test_revoke_by_path_keeps_the_token_out_of_httpx_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """HubSpot v1 revocation puts the refresh token in the URL; httpx logs request URLs at
    INFO, so the token is masked there (the request itself still carries it)."""
    caplog.set_level(logging.DEBUG)
    received: list[str] = []
    provider = OAuthProvider(
        name="hubspot",
        authorize_url="https://app.hubspot.com/oauth/authorize",
        token_url="https://api.hubapi.com/oauth/v1/token",
        revoke_url="https://api.hubapi.com/oauth/v1/refresh-tokens",
        revoke_style=RevokeStyle.PATH,
    )

    def endpoint(request: httpx.Request) -> httpx.Response:
        received.append(str(request.url))
        return httpx.Response(204)

    oauth = OAuthClient(provider, CREDS, transport=httpx.MockTransport(endpoint))
    oauth.revoke(OAuthToken(access_token="a", refresh_token="r-secret-77"))
    assert ["https://api.hubapi.com/oauth/v1/refresh-tokens/r-secret-77"] == received
    assert "refresh-tokens/[REDACTED]" in caplog.text
    assert "r-secret-77" not in caplog.text


class Unreachable:
    """Fails the first ``failures`` token requests with ``error`` (raised by the transport),
    then answers like TokenEndpoint."""

    def __init__(self, failures: int, error: type[httpx.TransportError]) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0
        self.endpoint = TokenEndpoint()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error("down", request=request)
        return self.endpoint(request)


def test_refresh_is_retried_when_the_token_endpoint_cannot_be_reached() -> None:
    """Connection refused twice (nothing sent): the refresh is sent again after backoff through
    the injected sleep and succeeds; the refreshed token is persisted."""
    slept: list[float] = []
    clock = ManualClock(NOW)
    endpoint = Unreachable(2, httpx.ConnectError)
    oauth = OAuthClient(
        INTUITISH,
        CREDS,
        transport=httpx.MockTransport(endpoint),
        clock=clock,
        retry=RetryPolicy(base_delay=0.5, jitter=no_jitter),
        sleep=slept.append,
    )
    store = MemoryTokenStore()
    store.save("k", expiring_token(clock, seconds=0))
    token = OAuth2Auth(oauth, store, "k", clock=clock).current_token()
    assert (3, [0.5, 1.0], "a2") == (endpoint.calls, slept, token.access_token)
    stored = store.load("k")
    assert stored is not None
    assert "r2" == stored.refresh_token


def test_token_request_lost_after_sending_is_not_resent() -> None:
    """A code exchange whose answer was lost (a read timeout) is not sent again: the code is
    single-use. One attempt, TransportError, nothing slept."""
    slept: list[float] = []
    endpoint = Unreachable(1, httpx.ReadTimeout)
    oauth = OAuthClient(
        INTUITISH, CREDS, transport=httpx.MockTransport(endpoint), sleep=slept.append
    )
    with pytest.raises(TransportError, match="may have been processed"):
        oauth.exchange_code("code-1")
    assert (1, []) == (endpoint.calls, slept)


def test_a_lost_refresh_answer_is_recovered_by_sending_the_refresh_again() -> None:
    """The refresh answer lost after sending (the endpoint may have rotated the token): the
    same refresh token is sent once more, which recovers while the provider takes it."""
    endpoint = Unreachable(1, httpx.ReadTimeout)
    oauth = OAuthClient(INTUITISH, CREDS, transport=httpx.MockTransport(endpoint))
    token = oauth.refresh(OAuthToken(access_token="a", refresh_token="r"))
    assert endpoint.calls == 2
    assert token.access_token


def test_connection_failures_give_up_after_the_policy_attempts() -> None:
    """Always unreachable: max_attempts tries, then TransportError naming the endpoint."""
    slept: list[float] = []
    endpoint = Unreachable(99, httpx.ConnectTimeout)
    oauth = OAuthClient(
        INTUITISH,
        CREDS,
        transport=httpx.MockTransport(endpoint),
        retry=RetryPolicy(max_attempts=3, base_delay=1.0, jitter=no_jitter),
        sleep=slept.append,
    )
    with pytest.raises(TransportError, match="unreachable"):
        oauth.exchange_code("code-1")
    assert (3, [1.0, 2.0]) == (endpoint.calls, slept)
