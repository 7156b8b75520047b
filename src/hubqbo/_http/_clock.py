"""Time, injectable: every retry, pacing and token-expiry decision reads this clock.

Why: tests of throttling, backoff and token expiry must never sleep. Clients take a ``clock``
(anything with ``now()`` returning an aware datetime — ``hubqbo.sandbox.ManualClock`` fits) and a
``sleep`` callable; this module holds the real ones.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["Clock", "Sleep", "SystemClock", "real_sleep"]

Sleep = Callable[[float], None]
"""A ``time.sleep``-like callable (seconds)."""


class Clock(Protocol):
    """Anything with ``now()`` returning a timezone-aware datetime."""

    def now(self) -> dt.datetime:
        """The current instant (timezone-aware)."""
        ...


class SystemClock:
    """The real clock (UTC).

    Example:
        >>> SystemClock().now().tzinfo is not None
        True
    """

    def now(self) -> dt.datetime:
        """``datetime.now(timezone.utc)``."""
        return dt.datetime.now(dt.timezone.utc)


def real_sleep(seconds: float) -> None:
    """``time.sleep`` that ignores non-positive durations."""
    if seconds > 0:
        time.sleep(seconds)
