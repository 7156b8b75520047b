"""pytest fixtures for testing your own integration against the sandboxes (opt-in plugin).

Why: every project that uses hubqbo writes the same fixtures (a manual clock, both sandboxes on
it, a realm and a portal with a few records, a fault plan, request counters, the world served
over HTTP for a worker process). Enable them in a ``conftest.py``::

    pytest_plugins = ["hubqbo.testing"]

Every fixture is function-scoped and named ``hubqbo_*``:

- ``hubqbo_clock``: a ``ManualClock`` at 2026-11-25 09:00 UTC, shared by all of these;
- ``hubqbo_faults``: ``Faults(hubspot=FaultPlan, quickbooks=FaultPlan)``, empty, already given
  to both sandboxes;
- ``hubqbo_hubspot``, ``hubqbo_quickbooks``: an empty ``HubSpotSandbox`` / ``QuickBooksSandbox``;
- ``hubqbo_realm``: a US company in ``hubqbo_quickbooks`` (its realm id);
- ``hubqbo_world``: a ``SmallWorld`` (a realm with customers, items and terms; a portal with
  companies, contacts, products and deals; clients for both);
- ``hubqbo_requests``: a ``RequestCounter`` of the requests each sandbox handled in the test;
- ``hubqbo_served``: ``ServedSandboxes``, both sandboxes on loopback ports, closed after the test.

This module wires the sandboxes to hubqbo's clients, so it sits at the top layer beside the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from hubqbo.hubspot import HubSpotClient
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import (
    FaultPlan,
    HubSpotSandbox,
    ManualClock,
    QuickBooksSandbox,
    ServedSandboxes,
    serve_sandboxes,
)

__all__ = [
    "START",
    "Faults",
    "RequestCounter",
    "SmallWorld",
    "hubqbo_clock",
    "hubqbo_faults",
    "hubqbo_hubspot",
    "hubqbo_quickbooks",
    "hubqbo_realm",
    "hubqbo_requests",
    "hubqbo_served",
    "hubqbo_world",
    "small_world",
]

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
"""Where ``hubqbo_clock`` starts."""


@attrs.frozen
class Faults:
    """One fault plan per sandbox (script them with ``plan.add(Fault...)``)."""

    hubspot: FaultPlan
    quickbooks: FaultPlan


@attrs.frozen
class RequestCounter:
    """Requests each sandbox handled since the counter was made (``mark()`` starts again)."""

    hubspot_sandbox: HubSpotSandbox
    quickbooks_sandbox: QuickBooksSandbox
    _start: dict[str, int] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        self.mark()

    def mark(self) -> None:
        """Count from now on."""
        self._start["hubspot"] = len(self.hubspot_sandbox.requests)
        self._start["quickbooks"] = len(self.quickbooks_sandbox.requests)

    def hubspot(
        self,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> int:
        """HubSpot requests since the mark, optionally only those matching."""
        start = self._start["hubspot"]
        return _since(self.hubspot_sandbox, start, method, path_contains, status)

    def quickbooks(
        self,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> int:
        """QuickBooks requests since the mark, optionally only those matching."""
        start = self._start["quickbooks"]
        return _since(self.quickbooks_sandbox, start, method, path_contains, status)


def _since(
    sandbox: HubSpotSandbox | QuickBooksSandbox,
    start: int,
    method: str | None,
    contains: str | None,
    status: int | None,
) -> int:
    return sum(
        1
        for r in sandbox.requests[start:]
        if (method is None or r.method == method.upper())
        and (contains is None or contains in r.path)
        and (status is None or r.status == status)
    )


@attrs.frozen
class SmallWorld:
    """A seeded realm and portal on one clock, with clients for both.

    Attributes:
        clock: the manual clock both sandboxes and clients use.
        hubspot: the portal (companies Acme and Globex, contacts Ada and Hans, products
            Consulting/Widget/Support, deals Acme rollout and Globex support).
        quickbooks: the sandbox holding ``realm_id``.
        realm_id: a US company with customers "Acme Corp" and "Globex GmbH", items
            "Consulting hour" (150) and "Widget" (25.50), and QBO's standard terms.
        hs: ``{key: id}`` of the seeded HubSpot records (``"deal-acme"``, ``"ada"``...).
        qbo: ``{"customer:Acme Corp": id, "item:Widget": id, "term:Net 30": id, ...}``.
    """

    clock: ManualClock
    hubspot: HubSpotSandbox
    quickbooks: QuickBooksSandbox
    realm_id: str
    hs: dict[str, str]
    qbo: dict[str, str]

    def hubspot_client(self, **kwargs: Any) -> HubSpotClient:
        """A ``HubSpotClient`` on the sandbox, the clock and its sleep (kwargs pass through)."""
        options: dict[str, Any] = {
            "access_token": "pat-test",
            "transport": self.hubspot,
            "clock": self.clock,
            "sleep": self.clock.sleep,
        }
        return HubSpotClient(**{**options, **kwargs})

    def quickbooks_client(self, **kwargs: Any) -> QuickBooksClient:
        """A ``QuickBooksClient`` for the realm, on the sandbox and the clock."""
        options: dict[str, Any] = {
            "realm_id": self.realm_id,
            "access_token": "test",
            "transport": self.quickbooks,
            "clock": self.clock,
            "sleep": self.clock.sleep,
        }
        return QuickBooksClient(**{**options, **kwargs})


def small_world(
    clock: ManualClock,
    hubspot: HubSpotSandbox,
    quickbooks: QuickBooksSandbox,
) -> SmallWorld:
    """Seed ``hubspot`` with the demo portal and ``quickbooks`` with a small US company."""
    from hubqbo.sandbox.hubspot import demo_seed

    hs = hubspot.seed(demo_seed())
    realm_id = quickbooks.add_realm(country="US", company_name="Small World Inc")
    qbo: dict[str, str] = {}
    for name in ("Acme Corp", "Globex GmbH"):
        qbo[f"customer:{name}"] = quickbooks.add_customer(realm_id, name)
    for name, price in (("Consulting hour", "150"), ("Widget", "25.50")):
        qbo[f"item:{name}"] = quickbooks.add_item(realm_id, name, price)
    for term in quickbooks.records(realm_id, "Term"):
        qbo[f"term:{term['Name']}"] = str(term["Id"])
    return SmallWorld(clock, hubspot, quickbooks, realm_id, hs, qbo)


@pytest.fixture
def hubqbo_clock() -> ManualClock:
    """A ``ManualClock`` at 2026-11-25 09:00 UTC; pass ``clock.sleep`` to clients."""
    return ManualClock(START)


@pytest.fixture
def hubqbo_faults() -> Faults:
    """Empty fault plans, one per sandbox, already given to both sandbox fixtures."""
    return Faults(hubspot=FaultPlan(), quickbooks=FaultPlan())


@pytest.fixture
def hubqbo_hubspot(hubqbo_clock: ManualClock, hubqbo_faults: Faults) -> HubSpotSandbox:
    """An empty HubSpot portal on the manual clock."""
    return HubSpotSandbox(clock=hubqbo_clock, faults=hubqbo_faults.hubspot)


@pytest.fixture
def hubqbo_quickbooks(hubqbo_clock: ManualClock, hubqbo_faults: Faults) -> QuickBooksSandbox:
    """An empty QuickBooks sandbox (no realm yet) on the manual clock."""
    return QuickBooksSandbox(clock=hubqbo_clock, faults=hubqbo_faults.quickbooks)


@pytest.fixture
def hubqbo_realm(hubqbo_quickbooks: QuickBooksSandbox) -> str:
    """A new US company in the QuickBooks sandbox; its realm id."""
    return hubqbo_quickbooks.add_realm(country="US")


@pytest.fixture
def hubqbo_world(
    hubqbo_clock: ManualClock,
    hubqbo_hubspot: HubSpotSandbox,
    hubqbo_quickbooks: QuickBooksSandbox,
) -> SmallWorld:
    """Both sandboxes seeded with a small world (see ``SmallWorld``)."""
    return small_world(hubqbo_clock, hubqbo_hubspot, hubqbo_quickbooks)


@pytest.fixture
def hubqbo_requests(
    hubqbo_hubspot: HubSpotSandbox, hubqbo_quickbooks: QuickBooksSandbox
) -> RequestCounter:
    """Counts the requests each sandbox handles from here on."""
    return RequestCounter(hubqbo_hubspot, hubqbo_quickbooks)


@pytest.fixture
def hubqbo_served(
    hubqbo_hubspot: HubSpotSandbox, hubqbo_quickbooks: QuickBooksSandbox
) -> Iterator[ServedSandboxes]:
    """Both sandboxes served on loopback ports (``.hubspot_url``, ``.quickbooks_url``) for
    another process or a non-Python client; webhooks due are delivered every 0.1 s."""
    with serve_sandboxes(hubqbo_hubspot, hubqbo_quickbooks, webhook_interval=0.1) as served:
        yield served
