"""Fixtures: a sandbox on a manual clock, realms, and plain httpx clients pointed at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import httpx
import pytest

from hubqbo.sandbox import ManualClock, QuickBooksSandbox

PRODUCTION = "https://quickbooks.api.intuit.com"
SANDBOX_HOST = "https://sandbox-quickbooks.api.intuit.com"

ClientFactory = Callable[..., httpx.Client]


@pytest.fixture
def clock() -> ManualClock:
    """09:00 UTC on 2026-11-25 (01:00 Pacific)."""
    return ManualClock(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def sandbox(clock: ManualClock) -> QuickBooksSandbox:
    """An empty sandbox on the manual clock."""
    return QuickBooksSandbox(clock=clock)


@pytest.fixture
def connect(sandbox: QuickBooksSandbox) -> Iterator[ClientFactory]:
    """``connect(realm_id)`` -> an httpx client whose base URL is the realm's company path."""
    clients: list[httpx.Client] = []

    def factory(realm_id: str, *, host: str = PRODUCTION, token: str | None = "t") -> httpx.Client:  # noqa: S107
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        client = httpx.Client(
            transport=sandbox,
            base_url=f"{host}/v3/company/{realm_id}",
            headers=headers,
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def us(sandbox: QuickBooksSandbox) -> str:
    """A US realm (automated sales tax at 8.25%)."""
    return sandbox.add_realm(country="US", company_name="Sandbox US")


@pytest.fixture
def gb(sandbox: QuickBooksSandbox) -> str:
    """A UK realm (VAT)."""
    return sandbox.add_realm(country="GB", company_name="Sandbox UK")


def query(client: httpx.Client, text: str) -> httpx.Response:
    """GET /query?query=... (httpx URL-encodes the text)."""
    return client.get("/query", params={"query": text, "minorversion": "75"})


def fault_codes(response: httpx.Response) -> list[str]:
    """The ``Fault.Error[].code`` values of a Fault body."""
    return [error["code"] for error in response.json()["Fault"]["Error"]]
