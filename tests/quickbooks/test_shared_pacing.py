"""QBO's limits are per realm, not per client: clients of one realm share one pacing budget
(``realm_pacer``), each still waiting through its own injected ``sleep``."""

from __future__ import annotations

import httpx

from hubqbo.models import Customer
from hubqbo.quickbooks import BatchOperation, QuickBooksClient, RealmRegistry, realm_pacer
from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.quickbooks.conftest import make_client


class StatusRecorder(httpx.BaseTransport):
    """Passes requests to the sandbox and keeps every answer's status."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.statuses: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.statuses.append(response.status_code)
        return response


def test_two_clients_of_one_realm_share_the_500_per_minute_budget() -> None:
    """Client A spends the realm's 500 requests; client B (another object, same realm and
    clock) waits for the window instead of being throttled: no 429 ever reaches either."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US")
    customer_id = sandbox.add_customer(realm, "Busy")
    recorder = StatusRecorder(sandbox)
    first, _, slept_first = make_client(transport=recorder, clock=clock, realm_id=realm)
    second, _, slept_second = make_client(transport=recorder, clock=clock, realm_id=realm)
    for _ in range(500):
        first.get_customer(customer_id)
    assert "Busy" == second.get_customer(customer_id).display_name
    assert [] == [s for s in recorder.statuses if s == 429]
    assert (1, 501) == (len(slept_second), len(recorder.statuses))
    assert 60 == sum(slept_first) + sum(slept_second)  # the 501st waits for the minute to pass


def test_other_realms_and_other_clocks_have_their_own_budgets() -> None:
    """Budgets are per realm (a second realm on the same clock does not wait) and per clock
    (a test's ManualClock never shares with the process's real clock)."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    busy, quiet = sandbox.add_realm(country="US"), sandbox.add_realm(country="US")
    busy_client, _, _ = make_client(transport=sandbox, clock=clock, realm_id=busy)
    quiet_client, _, slept_quiet = make_client(transport=sandbox, clock=clock, realm_id=quiet)
    customer_id = sandbox.add_customer(busy, "Busy")
    for _ in range(500):
        busy_client.get_customer(customer_id)
    quiet_client.create_customer(Customer(display_name="Calm"))
    assert [] == slept_quiet
    assert realm_pacer(clock) is realm_pacer(clock)
    assert realm_pacer(clock) is not realm_pacer(ManualClock())
    assert realm_pacer() is realm_pacer()


def test_registry_clients_built_with_defaults_share_the_process_pacer() -> None:
    """Clients with the default clock draw on the one process-wide pacer (what a
    RealmRegistry of real companies gets), keyed by realm inside it."""
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={}))
    registry = RealmRegistry(
        [QuickBooksClient(realm_id=r, access_token="t", transport=transport) for r in "12"]
    )
    pacers = {registry.get(r).runner.pacer for r in registry.realm_ids}
    assert {realm_pacer()} == pacers


def test_a_burst_is_spread_to_ten_requests_a_second() -> None:
    """QBO also limits a realm to 10 requests a second: the 11th request of one instant waits
    one second; a batch request counts against that budget too."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US")
    customer_id = sandbox.add_customer(realm, "Burst")
    client, _, slept = make_client(transport=sandbox, clock=clock, realm_id=realm)
    for _ in range(10):
        client.get_customer(customer_id)
    assert [] == slept
    client.batch([BatchOperation.select("SELECT * FROM Customer")])
    assert [1.0] == slept
