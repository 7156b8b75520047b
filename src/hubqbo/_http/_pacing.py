"""Client-side pacing: stay under a provider's published limits so a well-behaved run never
sees a 429.

Why: QBO allows 500 requests/min and 40 batch requests/min per realm with at most 10 in flight;
HubSpot has its own per-10-second windows. Waiting a little before sending is cheaper than being
throttled and waiting 60 s. A ``Pacer`` keeps, per key (realm, portal), one sliding window per
named budget and a cap on concurrent requests. Time and sleep are injected.

Example:
    >>> from hubqbo.clock import SystemClock
    >>> slept: list[float] = []
    >>> pacer = Pacer({"requests": RateWindow(limit=2, period=60.0)}, clock=SystemClock(),
    ...               sleep=slept.append)
    >>> for _ in range(2):
    ...     with pacer.slot("realm-1"):
    ...         pass
    >>> slept
    []
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar

import attrs

from hubqbo.clock import Clock, Sleep, real_sleep

__all__ = ["Pacer", "RateWindow"]

P = TypeVar("P", bound="Pacer")


@attrs.frozen
class RateWindow:
    """At most ``limit`` requests in any ``period`` seconds.

    Example:
        >>> RateWindow(limit=500, period=60.0).limit
        500
    """

    limit: int = attrs.field(validator=attrs.validators.ge(1))
    period: float = attrs.field(validator=attrs.validators.gt(0))


class Pacer:
    """Sliding-window budgets plus an in-flight cap, per key; thread-safe.

    A request counts in its windows from the moment it is sent until ``period`` after its
    answer came back: the provider counted it somewhere in between, so timing the window from
    the answer never lets a slow request make the next one early. Requests of other clients
    that the provider reports (:meth:`report`) count too, as if sent at the moment of the
    report, and a smaller limit the provider reports replaces the configured one.

    Args:
        windows: named budgets, e.g. ``{"requests": RateWindow(500, 60), "batch": ...}``.
        max_in_flight: concurrent requests allowed per key (``None``: no cap).
        clock: the time source (``now()``).
        sleep: how to wait (inject a fake in tests).

    Example:
        >>> from hubqbo.clock import SystemClock
        >>> Pacer({"requests": RateWindow(500, 60.0)}, clock=SystemClock()).max_in_flight
    """

    def __init__(
        self,
        windows: Mapping[str, RateWindow],
        *,
        clock: Clock,
        sleep: Sleep | None = None,
        max_in_flight: int | None = None,
    ) -> None:
        self.windows = dict(windows)
        self.max_in_flight = max_in_flight
        self._clock = clock
        self._sleep = sleep or real_sleep
        self._lock = threading.Lock()
        self._sent: dict[tuple[str, str], list[float]] = {}
        """Per (key, budget): when our requests in the window were sent or answered, sorted."""
        self._foreign: dict[tuple[str, str], list[float]] = {}
        """Per (key, budget): requests of other clients the provider reported, sorted."""
        self._limits: dict[tuple[str, str], int] = {}
        """Per (key, budget): the limit the provider reported, when it did."""
        self._in_flight: dict[str, threading.BoundedSemaphore] = {}
        self.waited = 0.0
        """Total seconds this pacer has asked ``sleep`` to wait (for measurements)."""

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _live(self, slot: tuple[str, str], now: float) -> tuple[list[float], list[float]]:
        """Our and the others' requests still in ``slot``'s window at ``now`` (lock held)."""
        period = self.windows[slot[1]].period
        lists = (self._sent.setdefault(slot, []), self._foreign.setdefault(slot, []))
        for times in lists:
            expired = bisect.bisect_right(times, now - period)
            del times[:expired]
        return lists

    def limit(self, key: str, budget: str) -> int:
        """The requests allowed in ``budget``'s window for ``key``: the configured limit, or
        the smaller one the provider reported."""
        configured = self.windows[budget].limit
        return min(configured, self._limits.get((key, budget), configured))

    def _reserve(self, key: str, budgets: Sequence[str]) -> tuple[float, float]:
        """Record a send now and return ``(0, now)``, or return how long to wait first."""
        with self._lock:
            now = self._now()
            wait = 0.0
            for name in budgets:
                ours, others = self._live((key, name), now)
                count, limit = len(ours) + len(others), self.limit(key, name)
                if count >= limit:
                    oldest = sorted(ours + others)[count - limit]
                    wait = max(wait, oldest + self.windows[name].period - now)
            if wait > 0:
                return wait, now
            for name in budgets:
                self._sent[(key, name)].append(now)
            return 0.0, now

    def _settle(self, key: str, budgets: Sequence[str], sent: float) -> None:
        """Move a request's mark from when it was sent to now, when its answer came back."""
        with self._lock:
            now = self._now()
            for name in budgets:
                times = self._sent.setdefault((key, name), [])
                where = bisect.bisect_left(times, sent)
                if where < len(times) and times[where] == sent:
                    del times[where]
                bisect.insort(times, now)

    def report(self, key: str, budget: str, *, used: int, limit: int | None = None) -> None:
        """What the provider says of ``budget``'s current window: ``used`` requests counted
        (ours and other clients'), and its ``limit``. Requests we do not know of count from
        now on as other clients' (the conservative guess: they expire last).

        Example:
            >>> from hubqbo.clock import SystemClock
            >>> pacer = Pacer({"requests": RateWindow(100, 10.0)}, clock=SystemClock())
            >>> pacer.report("app", "requests", used=90, limit=90)
            >>> pacer.limit("app", "requests")
            90
        """
        with self._lock:
            if limit is not None and limit >= 1:
                self._limits[(key, budget)] = limit
            ours, others = self._live((key, budget), self._now())
            missing = used - len(ours) - len(others)
            if missing > 0:
                others.extend([self._now()] * missing)

    def _semaphore(self, key: str) -> threading.BoundedSemaphore | None:
        if self.max_in_flight is None:
            return None
        with self._lock:
            return self._in_flight.setdefault(key, threading.BoundedSemaphore(self.max_in_flight))

    def sharing(self: P, *, sleep: Sleep | None = None) -> P:
        """A pacer that shares this one's budgets and in-flight slots but waits with ``sleep``.

        Several clients of one account (QBO realm) must draw on one budget, yet each keeps its
        own injected ``sleep``. ``waited`` is counted per returned pacer.

        Example:
            >>> from hubqbo.clock import SystemClock
            >>> shared = Pacer({"requests": RateWindow(1, 60.0)}, clock=SystemClock())
            >>> slept: list[float] = []
            >>> mine = shared.sharing(sleep=slept.append)
            >>> with shared.slot("realm-1"):
            ...     pass
            >>> mine.windows is shared.windows
            True
        """
        twin = copy.copy(self)
        twin._sleep = sleep or self._sleep
        twin.waited = 0.0
        return twin

    @contextlib.contextmanager
    def slot(self, key: str, budgets: Sequence[str] = ("requests",)) -> Iterator[None]:
        """Wait until every named budget of ``key`` has room, then hold an in-flight slot;
        the request counts in the windows until ``period`` after the block ends."""
        unknown = [b for b in budgets if b not in self.windows]
        if unknown:
            raise KeyError(f"unknown pacing budgets: {unknown}")
        semaphore = self._semaphore(key)
        if semaphore is not None:
            semaphore.acquire()
        try:
            while True:
                wait, sent = self._reserve(key, budgets)
                if wait <= 0:
                    break
                with self._lock:
                    self.waited += wait
                self._sleep(wait)
            try:
                yield
            finally:
                self._settle(key, budgets, sent)
        finally:
            if semaphore is not None:
                semaphore.release()
