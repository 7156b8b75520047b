"""Time, injectable: the one clock protocol of the pure core.

Why: retries, pacing, token expiry, caches and the sandboxes all ask "what time is it?" and
"wait this long"; tests must answer without sleeping. Every layer takes a ``Clock`` (anything with
``now()`` returning an aware datetime — ``hubqbo.sandbox.ManualClock`` fits) and a ``Sleep``
callable. Defined here, in layer 1, so adapters (``hubqbo._http``) and sandboxes share one
definition without importing each other.

Example:
    >>> SYSTEM_CLOCK.now().tzinfo is not None
    True
    >>> real_sleep(0)  # non-positive durations return at once
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["SYSTEM_CLOCK", "Clock", "Sleep", "SystemClock", "real_sleep"]

Sleep = Callable[[float], None]
"""A ``time.sleep``-like callable (seconds)."""


class Clock(Protocol):
    """Anything with ``now()`` returning a timezone-aware datetime.

    Example:
        >>> def stamp(clock: Clock) -> str:
        ...     return clock.now().isoformat()
        >>> stamp(SystemClock()).endswith("+00:00")
        True
    """

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

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK = SystemClock()
"""The process-wide real clock (the default wherever a ``clock`` is optional)."""


def real_sleep(seconds: float) -> None:
    """``time.sleep`` that ignores non-positive durations."""
    if seconds > 0:
        time.sleep(seconds)
