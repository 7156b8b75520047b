"""Token answers that go wrong: lost, malformed, not JSON — recovered where the provider
allows it, else a typed error that says re-consent is needed; never a token in an exception.

Provider facts (docs/errors.md "Lost refresh answers"): Intuit rotates refresh tokens ("use the
latest refresh_token returned to you from the previous request", Intuit's OAuth FAQ); HubSpot
does not ("store the refresh token you get when initiating your OAuth integration and use it
to generate a new access token", HubSpot's refresh-access-token reference).
"""

from __future__ import annotations

import json
import os
import traceback
import urllib.parse
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubqbo import AuthenticationError, OAuthToken, ReauthorizationRequired
from hubqbo.auth import ClientCredentials, FileTokenStore, OAuthClient
from hubqbo.hubspot import hubspot_provider
from hubqbo.quickbooks import intuit_provider

CREDS = ClientCredentials("client-id", "client-secret-xyz", "https://app.example/callback")
TOKEN_TEXT = "eyJhbGciOiJSUzI1NiJ9.SECRET-ACCESS.sig"
REFRESH_TEXT = "AB11SECRETREFRESHVALUE"


class RotatingEndpoint:
    """A token endpoint that rotates refresh tokens (as Intuit does): each refresh issues a
    new one and retires the old; ``lose`` answers are dropped after the rotation."""

    def __init__(self, *, rotates: bool = True, lose: int = 0) -> None:
        self.current = "r0"
        self.rotates = rotates
        self.lose = lose
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        form = dict(urllib.parse.parse_qsl(request.content.decode()))
        if form.get("refresh_token") != self.current:
            return httpx.Response(400, json={"error": "invalid_grant"})
        if self.rotates:
            self.current = f"r{self.calls}"
        if self.lose > 0:
            self.lose -= 1
            raise httpx.ReadError("connection reset after the answer was sent", request=request)
        return httpx.Response(
            200,
            json={
                "access_token": f"a{self.calls}",
                "refresh_token": self.current,
                "expires_in": 3600,
                "token_type": "bearer",
            },
        )


def test_intuit_lost_answer_after_rotation_asks_for_reconsent() -> None:
    endpoint = RotatingEndpoint(rotates=True, lose=1)
    oauth = OAuthClient(intuit_provider(), CREDS, transport=httpx.MockTransport(endpoint))
    with pytest.raises(ReauthorizationRequired, match="lost after the provider rotated"):
        oauth.refresh(OAuthToken(access_token="a", refresh_token="r0"))
    assert endpoint.calls == 2  # sent once more with the same token: refused


def test_hubspot_lost_answer_is_recovered() -> None:
    endpoint = RotatingEndpoint(rotates=False, lose=1)
    oauth = OAuthClient(hubspot_provider(), CREDS, transport=httpx.MockTransport(endpoint))
    token = oauth.refresh(OAuthToken(access_token="a", refresh_token="r0"))
    assert (token.refresh_token, endpoint.calls) == ("r0", 2)


def test_a_refused_refresh_token_is_reauthorization_required() -> None:
    endpoint = RotatingEndpoint()
    oauth = OAuthClient(intuit_provider(), CREDS, transport=httpx.MockTransport(endpoint))
    with pytest.raises(ReauthorizationRequired, match="reconnect") as caught:
        oauth.refresh(OAuthToken(access_token="a", refresh_token="stale"))
    assert isinstance(caught.value, AuthenticationError)


def _secrets_in(error: BaseException) -> list[str]:
    text = "".join(traceback.format_exception(error)) + repr(error) + str(error)
    chain: BaseException | None = error
    while chain is not None:
        text += repr(chain) + repr(getattr(chain, "doc", ""))
        chain = chain.__cause__ or chain.__context__
    return [s for s in (TOKEN_TEXT, REFRESH_TEXT) if s in text]


@pytest.mark.parametrize(
    "body",
    [
        f"access_token={TOKEN_TEXT}&refresh_token={REFRESH_TEXT}",
        f'{{"access_token": "{TOKEN_TEXT}", "refresh_token": "{REFRESH_TEXT}"',  # truncated
        f"<html>{TOKEN_TEXT} {REFRESH_TEXT}</html>",
    ],
)
def test_a_token_answer_that_is_not_json_never_shows_the_tokens(body: str) -> None:
    def endpoint(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=body)

    oauth = OAuthClient(intuit_provider(), CREDS, transport=httpx.MockTransport(endpoint))
    with pytest.raises(AuthenticationError) as caught:
        oauth.refresh(OAuthToken(access_token="a", refresh_token="r0"))
    assert caught.value.code == "bad_token_response"
    assert _secrets_in(caught.value) == []


@settings(max_examples=100, deadline=None)
@given(
    lifetime=st.one_of(
        st.text(max_size=12),
        st.floats(allow_nan=True),
        st.lists(st.integers(), max_size=2),
        st.integers(min_value=10**11),
        st.booleans(),
    )
)
def test_a_malformed_lifetime_keeps_the_rotated_tokens(lifetime: object) -> None:
    """expires_in not a number raised an untyped ValueError and lost the rotated token."""

    def endpoint(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=json.dumps(
                {"access_token": TOKEN_TEXT, "refresh_token": REFRESH_TEXT, "expires_in": lifetime}
            ).encode(),
        )

    oauth = OAuthClient(intuit_provider(), CREDS, transport=httpx.MockTransport(endpoint))
    token = oauth.refresh(OAuthToken(access_token="a", refresh_token="r0"))
    assert (token.access_token, token.refresh_token) == (TOKEN_TEXT, REFRESH_TEXT)
    assert token.expires_at is not None or lifetime == ""  # "" reads as no lifetime given


def test_file_token_store_fsyncs_the_file_and_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename was not made durable: a crash could bring back the old refresh token."""
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    store = FileTokenStore(tmp_path)
    store.save("quickbooks:9130", OAuthToken(access_token="a", refresh_token="r1"))
    assert len(synced) == 2
    assert synced[0].endswith(".json")  # the temp file, before the rename
    assert synced[1] == str(tmp_path)  # the directory, after it
    assert store.load("quickbooks:9130").refresh_token == "r1"  # type: ignore[union-attr]
    assert oct(store.path("quickbooks:9130").stat().st_mode & 0o777) == "0o600"
