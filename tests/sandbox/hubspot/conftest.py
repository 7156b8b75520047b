"""Fixtures for the HubSpot sandbox tests: a manual clock, a sandbox, a plain httpx client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from hubqbo.sandbox import HubSpotSandbox, ManualClock

BASE_URL = "https://api.hubapi.com"
AUTH = {"Authorization": "Bearer pat-na1-test"}


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when the test says so."""
    return ManualClock()


@pytest.fixture
def sandbox(clock: ManualClock) -> HubSpotSandbox:
    """An empty portal (USD, US/Eastern) with default limits."""
    return HubSpotSandbox(clock=clock)


@pytest.fixture
def client(sandbox: HubSpotSandbox) -> Iterator[httpx.Client]:
    """Plain httpx talking to the sandbox with a private-app token."""
    with httpx.Client(transport=sandbox, base_url=BASE_URL, headers=AUTH) as http:
        yield http
