"""QBO's throttling as the sandbox enforces it: rolling windows (500 requests and 40 batch
requests in any 60 s, 10 in any second when switched on) and 10 requests of a realm in flight,
each refused with HTTP 429 and Fault 3001 ``ThrottleExceeded`` of type ``SERVICE``."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.sandbox.quickbooks.conftest import PRODUCTION, ClientFactory


def _throttle_shape(response: httpx.Response) -> tuple[int, str, str, str]:
    error = response.json()["Fault"]["Error"][0]
    return response.status_code, error["code"], error["Message"], response.json()["Fault"]["type"]


THROTTLED = (429, "3001", "message=ThrottleExceeded; errorCode=003001; statusCode=429", "SERVICE")


def test_the_minute_window_rolls_instead_of_resetting_on_the_clock_minute(
    connect: ClientFactory, us: str, clock: ManualClock
) -> None:
    """250 requests at 09:00:00 and 250 at 09:00:30 fill the window; at 09:01:00 only the first
    250 have left it, so 250 more pass and the next is refused (a clock-minute counter would
    have let 500 pass at 09:01)."""
    client = connect(us)
    for _ in range(250):
        client.get("/preferences")
    clock.advance(seconds=30)
    for _ in range(250):
        client.get("/preferences")
    refused = client.get("/preferences")
    assert THROTTLED == _throttle_shape(refused)
    clock.advance(seconds=30)
    statuses = [client.get("/preferences").status_code for _ in range(251)]
    assert [200] * 250 + [429] == statuses


def test_ten_a_second_when_switched_on(clock: ManualClock) -> None:
    """With ``requests_per_second=10`` the 11th request of a second is refused; a second
    later there is room again; other realms are not affected."""
    sandbox = QuickBooksSandbox(clock=clock, requests_per_second=10)
    busy, calm = sandbox.add_realm(), sandbox.add_realm()
    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as client:
        url = f"{PRODUCTION}/v3/company/{{}}/preferences"
        statuses = [client.get(url.format(busy)).status_code for _ in range(11)]
        other = client.get(url.format(calm)).status_code
        clock.advance(seconds=1)
        again = client.get(url.format(busy)).status_code
    assert ([200] * 10 + [429], 200, 200) == (statuses, other, again)


class _Gate:
    """A clock whose ``now()`` blocks while the gate is shut: the request being answered
    stays in the sandbox, and the others queue behind it, in flight."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.open = threading.Event()
        self.open.set()

    def now(self) -> Any:
        self.open.wait(timeout=30)
        return self.clock.now()


def test_the_eleventh_request_in_flight_is_refused(clock: ManualClock) -> None:
    """Eleven requests of one realm in the sandbox at once: ten are answered, one gets 429."""
    gate = _Gate(clock)
    sandbox = QuickBooksSandbox(clock=gate)  # type: ignore[arg-type]
    realm = sandbox.add_realm()
    url = f"{PRODUCTION}/v3/company/{realm}/preferences"
    statuses: list[int] = []
    gate.open.clear()
    with httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"}) as client:
        threads = [
            threading.Thread(target=lambda: statuses.append(client.get(url).status_code))
            for _ in range(11)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while sandbox._in_flight[realm] < 11 and time.monotonic() < deadline:
            time.sleep(0.01)
        gate.open.set()
        for thread in threads:
            thread.join(timeout=30)
    assert [200] * 10 + [429] == sorted(statuses)


def test_a_client_used_by_twenty_threads_keeps_ten_in_flight(clock: ManualClock) -> None:
    """Twenty threads share one ``QuickBooksClient``: its pacer lets ten requests of the realm
    into the sandbox at once and holds the others back, so none is refused."""
    gate = _Gate(clock)
    sandbox = QuickBooksSandbox(clock=gate)  # type: ignore[arg-type]
    realm = sandbox.add_realm()
    customer = sandbox.add_customer(realm, "Busy")
    client = QuickBooksClient(
        realm_id=realm, access_token="t", transport=sandbox, clock=clock, sleep=clock.sleep
    )
    names: list[str] = []
    gate.open.clear()
    threads = [
        threading.Thread(target=lambda: names.append(client.get_customer(customer).display_name))
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while sandbox._in_flight[realm] < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # room for an eleventh to slip in, were the client not holding it back
    gate.open.set()
    for thread in threads:
        thread.join(timeout=30)
    assert (["Busy"] * 20, 0) == (names, sandbox.count_requests(status=429))
