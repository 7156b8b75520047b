"""A bounded memory of webhook deliveries already handled, shared by both providers.

Why: HubSpot and QuickBooks both deliver the same event more than once (retries after a slow
answer, at-least-once delivery). A redelivery is harmless — hubqbo's webhook handling only
marks records dirty and the sync re-reads them — but it costs a re-read, so a receiver drops
what it has just seen. The memory is bounded (oldest keys forgotten first, and keys older than
``ttl``) so a flood of forged or distinct events cannot grow it without limit; it is per
process, which is enough for a cheap first filter (the sync's own de-duplication stays the
guarantee).

Example:
    >>> seen = SeenEvents(max_size=2)
    >>> [seen.first_time(k) for k in ("a", "b", "a", "c", "a")]  # "a" forgotten for "c"
    [True, True, False, True, True]
    >>> len(seen)
    2
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
from collections.abc import Callable, Hashable

__all__ = ["SeenEvents"]


class SeenEvents:
    """Keys of recently handled webhook events, at most ``max_size``, each kept ``ttl``.

    Supports ``key in seen`` and ``seen.add(key)`` (so it can stand where a ``set`` did) and
    :meth:`first_time`, which checks and records in one step under a lock (thread-safe).

    Args:
        max_size: the most keys kept (the oldest are forgotten first).
        ttl: how long a key is remembered (``None``: until pushed out by newer ones).
        now: the clock (``ManualClock().now`` in tests).
    """

    def __init__(
        self,
        *,
        max_size: int = 10_000,
        ttl: dt.timedelta | None = dt.timedelta(hours=1),
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < 1:
            raise ValueError(f"max_size must be a positive int, got {max_size!r}")
        self.max_size = max_size
        self.ttl = ttl
        self._now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self._keys: collections.OrderedDict[Hashable, dt.datetime] = collections.OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: dt.datetime) -> None:
        if self.ttl is None:
            return
        while self._keys:
            oldest, seen_at = next(iter(self._keys.items()))
            if now - seen_at <= self.ttl:
                return
            del self._keys[oldest]

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._expire(self._now())
            return key in self._keys

    def add(self, key: Hashable) -> None:
        """Remember ``key`` (as just seen)."""
        with self._lock:
            self._remember(key, self._now())

    def _remember(self, key: Hashable, now: dt.datetime) -> None:
        self._keys.pop(key, None)
        self._keys[key] = now
        while len(self._keys) > self.max_size:
            self._keys.popitem(last=False)

    def first_time(self, key: Hashable) -> bool:
        """``True`` (and remember it) unless ``key`` was seen within ``ttl``."""
        with self._lock:
            now = self._now()
            self._expire(now)
            if key in self._keys:
                return False
            self._remember(key, now)
            return True

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._now())
            return len(self._keys)

    def __repr__(self) -> str:
        return f"SeenEvents(max_size={self.max_size}, ttl={self.ttl!r}, size={len(self._keys)})"
