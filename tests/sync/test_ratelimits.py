"""Sync runs under the providers' enforced rate limits, on one simulated clock.

Both sandboxes enforce their limits (tightened so that a small world hits them), the clients
pace on the same ``ManualClock``, and their sleeps advance it: nothing really waits, and the
tests count events (429 answers, waits, requests), never timings."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import httpx
import pytest

from hubqbo._http import Pacer, RateWindow
from hubqbo.hubspot import HubSpotClient
from hubqbo.hubspot._limits import RateLimits
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sync import ObjectSync, SQLiteStateStore, SyncConfig
from tests.sync._world import START, World, props

HS_LIMIT = 10
"""HubSpot requests per 10 s (both the sandbox and the client's tier)."""
QBO_PER_MINUTE = 3
"""QBO requests per 60 s per realm (the sandbox and the client's pacer)."""
CUSTOMERS = 120
CONFIG = SyncConfig(invoices=ObjectSync())
RESET = dt.datetime(2026, 11, 3, 5, 0, tzinfo=dt.timezone.utc)  # midnight in New York


class Slow(httpx.BaseTransport):
    """Each request takes a while on the simulated clock (up to 1.5 s, seeded), and the
    sandbox counts it somewhere in between: pacing must hold whatever the latency."""

    def __init__(self, inner: httpx.BaseTransport, clock: ManualClock) -> None:
        self.inner, self.clock = inner, clock
        self.random = random.Random(7)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        took, arrives = self.random.uniform(0, 1.5), self.random.random()
        self.clock.advance(seconds=took * arrives)
        try:
            return self.inner.handle_request(request)
        finally:
            self.clock.advance(seconds=took * (1 - arrives))


class Limited(World):
    """A world whose sandboxes enforce tight limits; ``slept`` records every wait."""

    slept: list[float]
    customers: list[str]


def _limited(*, daily: int = 250_000) -> Limited:
    clock = ManualClock(START)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds=seconds)

    qbo = QuickBooksSandbox(clock=clock, requests_per_minute=QBO_PER_MINUTE, requests_per_second=10)
    realm = qbo.add_realm(country="US")
    hs = HubSpotSandbox(
        clock=clock,
        time_zone="America/New_York",
        company_currency="USD",
        rate_limit_per_ten_seconds=HS_LIMIT,
        daily_limit=daily,
    )
    item = qbo.add_item(realm, "Widget", 25, Sku="W-1")
    customers = []
    for i in range(CUSTOMERS):
        customer = qbo.add_customer(
            realm, f"Customer {i}", PrimaryEmailAddr={"Address": f"c{i}@example.com"}
        )
        customers.append(customer)
        if i % 3 == 0:
            qbo.add_invoice(realm, customer, [(item, 1, 25)])
    pacer = Pacer(
        {
            "requests": RateWindow(QBO_PER_MINUTE, 60.0),
            "second": RateWindow(10, 1.0),
            "batch": RateWindow(40, 60.0),
        },
        max_in_flight=10,
        clock=clock,
    )
    ledger = QuickBooksClient(
        realm_id=realm,
        access_token="t",
        transport=Slow(qbo, clock),
        clock=clock,
        sleep=sleep,
        pacer=pacer,
    )
    crm = HubSpotClient(
        access_token="pat",
        transport=Slow(hs, clock),
        clock=clock,
        sleep=sleep,
        rate_limits=RateLimits(per_ten_seconds=HS_LIMIT),
    )
    world = Limited(clock, qbo, hs, realm, ledger, crm, SQLiteStateStore(":memory:"))
    world.slept = slept
    world.customers = customers
    return world


@pytest.fixture
def limited() -> Iterator[Limited]:
    world = _limited()
    yield world
    world.store.close()


def _throttled(world: World) -> tuple[int, int]:
    """429 answers seen by (HubSpot, QBO)."""
    return world.hs.count_requests(status=429), world.qbo.count_requests(status=429)


def _emails(world: World) -> list[str]:
    return sorted(props(c).get("email") or "" for c in world.contacts())


EXPECTED = sorted(f"c{i}@example.com" for i in range(CUSTOMERS))


def test_a_full_and_an_incremental_run_under_enforced_limits_see_no_429(
    limited: Limited,
) -> None:
    """Both limits bind (the clients wait many times, the simulated clock moves) and yet
    neither sandbox ever answers 429; every customer arrives once, and the change too."""
    engine = limited.engine(CONFIG)
    assert engine.run().ok
    full_waits = len(limited.slept)
    assert full_waits > 0
    assert limited.hs.count_requests() > HS_LIMIT
    assert limited.qbo.count_requests() > QBO_PER_MINUTE
    assert EXPECTED == _emails(limited)
    limited.later()
    limited.edit("Customer", limited.customers[0], GivenName="Ann")
    assert engine.run().ok
    assert (0, 0) == _throttled(limited)
    assert EXPECTED == _emails(limited)
    assert ["Ann"] == [
        props(c)["firstname"] for c in limited.contacts() if props(c).get("firstname") == "Ann"
    ]


def test_a_429_after_another_client_spent_hubspot_window_is_retried_after_ten_seconds(
    limited: Limited,
) -> None:
    """Another process of the app spent the 10-second window just before the run: the run's
    first HubSpot request gets HubSpot's TEN_SECONDLY_ROLLING 429, waits the 10 s HubSpot's
    SDK waits, and the run then ends as a clean run does."""
    for _ in range(HS_LIMIT):
        limited.hs.limits.take(oauth=False)
    assert limited.engine(CONFIG).run().ok
    assert (1, 0) == _throttled(limited)
    assert 10.0 == limited.slept[0]
    assert EXPECTED == _emails(limited)


def test_a_429_after_another_client_spent_the_realm_minute_is_retried_after_sixty_seconds(
    limited: Limited,
) -> None:
    """Another app spent the realm's minute: the run's first QBO request gets 429 with
    Fault 3001, waits QBO's documented 60 s, and the run ends right."""
    other = QuickBooksClient(
        realm_id=limited.realm, access_token="t", transport=limited.qbo, pacing=False
    )
    for _ in range(QBO_PER_MINUTE):
        other.query("SELECT * FROM Item")
    assert limited.engine(CONFIG).run().ok
    assert (0, 1) == _throttled(limited)
    assert 60.0 in limited.slept
    assert EXPECTED == _emails(limited)


def test_the_daily_limit_parks_the_tenant_until_midnight_in_the_portal_zone() -> None:
    """Twelve requests left of the day: the run parks the tenant until midnight in New York
    (one DAILY 429, no retry), a run before then sends nothing, and the run after the reset
    finishes with every customer once."""
    world = _limited()
    left = world.hs.limits.spend_daily(world.hs.limits.daily - 12)
    assert 12 == left
    engine = world.engine(CONFIG)
    parked = engine.run()
    assert (RESET, 1) == (parked.parked_until, world.hs.count_requests(status=429))
    before = world.hs.count_requests()
    world.later(60)
    assert RESET == engine.run().parked_until
    assert before == world.hs.count_requests()
    world.clock.set(RESET + dt.timedelta(seconds=1))
    assert engine.run().ok
    assert EXPECTED == _emails(world)
    assert 1 == world.hs.count_requests(status=429)
    world.store.close()


def test_the_daily_limit_already_spent_parks_before_anything_is_written() -> None:
    """Nothing left of the day: the very first HubSpot read is refused; the run parks
    instead of failing, and writes nothing."""
    world = _limited()
    world.hs.limits.spend_daily(world.hs.limits.daily)
    result = world.engine(CONFIG).run()
    assert result.parked_until is not None
    assert result.parked_until > world.clock.now()
    assert ([], 0) == (world.contacts(), world.hubspot_writes())
    world.store.close()
