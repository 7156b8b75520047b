"""Construction: credentials, caller-supplied httpx clients, tiers, and secrets kept out of
reprs and logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from hubqbo.auth import StaticToken
from hubqbo.errors import AuthenticationError, ConfigurationError
from hubqbo.hubspot import HubSpotClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock

TOKEN = "pat-na1-secret-0000"


def test_exactly_one_credential() -> None:
    """Neither or both of auth= / access_token= is a configuration error."""
    with pytest.raises(ConfigurationError):
        HubSpotClient()
    with pytest.raises(ConfigurationError):
        HubSpotClient(auth=StaticToken(TOKEN), access_token=TOKEN)
    with pytest.raises(ConfigurationError):
        HubSpotClient(access_token=TOKEN, rate_limits="platinum")
    with pytest.raises(ConfigurationError):
        HubSpotClient(access_token=TOKEN, api_version="v4")


def test_callers_http_client_gets_auth_and_absolute_urls() -> None:
    """A caller's httpx.Client (own base URL ignored) is used with the bearer token applied."""
    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock, access_tokens=[TOKEN], company_currency="CHF")
    with httpx.Client(transport=sandbox, base_url="https://elsewhere.test") as http:
        client = HubSpotClient(access_token=TOKEN, http_client=http, clock=clock, sleep=clock.sleep)
        assert "CHF" == client.company_currency()
    assert ["/settings/currencies/2026-03/company-currency"] == [r.path for r in sandbox.requests]


def test_refused_token_is_authentication_error_and_never_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 401 raises AuthenticationError; the token is in no message, repr or log line."""
    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock, access_tokens=["pat-other"])
    client = HubSpotClient(access_token=TOKEN, transport=sandbox, clock=clock, sleep=clock.sleep)
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as caught:
        client.company_currency()
    shown = [str(caught.value), repr(caught.value), repr(client), caplog.text]
    assert [False] * 4 == [TOKEN in text for text in shown]
    assert 401 == caught.value.status_code
