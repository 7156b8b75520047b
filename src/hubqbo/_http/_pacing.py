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

import collections
import contextlib
import copy
import threading
from collections.abc import Iterator, Mapping, Sequence

import attrs

from hubqbo.clock import Clock, Sleep, real_sleep

__all__ = ["Pacer", "RateWindow"]


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
        self._sent: dict[tuple[str, str], collections.deque[float]] = {}
        self._in_flight: dict[str, threading.BoundedSemaphore] = {}
        self.waited = 0.0
        """Total seconds this pacer has asked ``sleep`` to wait (for measurements)."""

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _reserve(self, key: str, budgets: Sequence[str]) -> float:
        """Record a send now and return 0, or return how long to wait first."""
        with self._lock:
            now = self._now()
            wait = 0.0
            for name in budgets:
                window = self.windows[name]
                sent = self._sent.setdefault((key, name), collections.deque())
                while sent and sent[0] <= now - window.period:
                    sent.popleft()
                if len(sent) >= window.limit:
                    wait = max(wait, sent[0] + window.period - now)
            if wait > 0:
                return wait
            for name in budgets:
                self._sent[(key, name)].append(now)
            return 0.0

    def _semaphore(self, key: str) -> threading.BoundedSemaphore | None:
        if self.max_in_flight is None:
            return None
        with self._lock:
            return self._in_flight.setdefault(key, threading.BoundedSemaphore(self.max_in_flight))

    def sharing(self, *, sleep: Sleep | None = None) -> Pacer:
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
        """Wait until every named budget of ``key`` has room, then hold an in-flight slot."""
        unknown = [b for b in budgets if b not in self.windows]
        if unknown:
            raise KeyError(f"unknown pacing budgets: {unknown}")
        semaphore = self._semaphore(key)
        if semaphore is not None:
            semaphore.acquire()
        try:
            while (wait := self._reserve(key, budgets)) > 0:
                with self._lock:
                    self.waited += wait
                self._sleep(wait)
            yield
        finally:
            if semaphore is not None:
                semaphore.release()
