"""The shared ``Pacer`` on a simulated clock: it uses (nearly) the whole window over a long run,
and the provider never counts more than the limit in any window, whatever each request takes.

Nothing here measures real time: requests take time by advancing a ``ManualClock``, and the
figures are counts of events on it."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st

from hubqbo._http import Pacer, RateWindow
from hubqbo.hubspot._limits import HeaderAwarePacer, RateLimits
from hubqbo.sandbox import ManualClock

LIMIT, PERIOD = 100, 10.0


def _send(pacer: Pacer, clock: ManualClock, took: float, arrives: float) -> float:
    """One request: the provider counts it ``arrives`` (0..1) of the way through the
    ``took`` seconds it takes; returns that moment."""
    with pacer.slot("app"):
        clock.advance(seconds=took * arrives)
        counted = clock.now().timestamp()
        clock.advance(seconds=took * (1 - arrives))
    return counted


def _most_in_any_window(times: list[float], period: float) -> int:
    """The most of ``times`` (sorted) in any half-open window ``(t - period, t]``."""
    return max(
        (i + 1 - bisect.bisect_right(times, t - period) for i, t in enumerate(times)), default=0
    )


def test_a_long_run_uses_at_least_90_percent_of_the_window() -> None:
    """3,000 requests of 50 ms each under 100 per 10 s: after the first window's burst the
    rate is at least 90 % of 10 a second, and no window of the provider holds more than 100."""
    clock = ManualClock()
    pacer = Pacer({"requests": RateWindow(LIMIT, PERIOD)}, clock=clock, sleep=clock.sleep)
    counted = [_send(pacer, clock, 0.05, 0.5) for _ in range(3_000)]
    rate = (len(counted) - LIMIT) / (counted[-1] - counted[0])
    assert rate >= 0.9 * LIMIT / PERIOD
    assert LIMIT == _most_in_any_window(counted, PERIOD)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 3.0), st.floats(0, 1.0)),
        min_size=1,
        max_size=60,
    )
)
def test_the_provider_never_counts_more_than_the_limit(requests: list[tuple[float, float]]) -> None:
    """Whatever each request takes and whenever in it the provider counts it, no window of
    the provider holds more than the limit: a request is timed in the window until its answer."""
    clock = ManualClock()
    pacer = Pacer({"requests": RateWindow(5, 2.0)}, clock=clock, sleep=clock.sleep)
    counted = [_send(pacer, clock, took, arrives) for took, arrives in requests * 3]
    assert _most_in_any_window(counted, 2.0) <= 5


def test_other_clients_reported_by_hubspot_are_waited_for_until_they_leave_the_window() -> None:
    """HubSpot reports 60 of 100 used after our first request: the 59 others count from now,
    so with the reserve of 1 our next 39 go at once and the one after waits exactly until the
    reported ones leave the window (10 s), not longer."""
    clock = ManualClock()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds=seconds)

    pacer = HeaderAwarePacer(RateLimits(per_ten_seconds=100), clock=clock, sleep=sleep)
    with pacer.slot("app"):
        pacer.observe({"X-HubSpot-RateLimit-Max": "100", "X-HubSpot-RateLimit-Remaining": "40"})
    clock.advance(seconds=4)
    for _ in range(39):
        with pacer.slot("app"):
            pass
    assert [] == slept
    with pacer.slot("app"):
        pass
    assert [6.0] == slept


def test_a_smaller_limit_reported_by_hubspot_replaces_the_configured_tier() -> None:
    """Configured for 250 a window but the portal says 100: the pacer keeps to 99 (reserve 1)."""
    clock = ManualClock()
    slept: list[float] = []
    pacer = HeaderAwarePacer(RateLimits(per_ten_seconds=250), clock=clock, sleep=slept.append)
    with pacer.slot("app"):
        pacer.observe({"X-HubSpot-RateLimit-Max": "100", "X-HubSpot-RateLimit-Remaining": "99"})
    assert 99 == pacer.limit("app", "requests")
    for _ in range(98):
        with pacer.slot("app"):
            pass
    assert [] == slept
    clock.advance(seconds=10)  # the window rolled: room again
    with pacer.slot("app"):
        pass
    assert [] == slept
