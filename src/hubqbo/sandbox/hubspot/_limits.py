"""HubSpot's request budgets: the 10-second rolling window, the daily budget and search's 5/s.

Why: a client that paces itself must see what a real portal does: ``X-HubSpot-RateLimit-*``
headers on ordinary calls, none on search, and a 429 with ``errorType: RATE_LIMIT`` and the
``policyName`` that was spent. Requests refused with 429 do not consume budget.
"""

from __future__ import annotations

import collections
import datetime as dt

from hubqbo.sandbox._common import Clock
from hubqbo.sandbox.hubspot._errors import ApiError
from hubqbo.timezones import local_date

__all__ = ["RateLimiter"]

_WINDOW = dt.timedelta(seconds=10)
_SECOND = dt.timedelta(seconds=1)


def _rate_limit_error(policy: str, message: str, headers: dict[str, str]) -> ApiError:
    body = {
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "policyName": policy,
    }
    return ApiError(429, message, "RATE_LIMIT", body=body, headers=headers)


class RateLimiter:
    """Counts requests per portal and refuses them as HubSpot does when a budget is spent.

    Example:
        >>> from hubqbo.sandbox import ManualClock
        >>> limiter = RateLimiter(ManualClock(), per_ten_seconds=2, daily=100, time_zone="UTC")
        >>> limiter.take(oauth=False)["X-HubSpot-RateLimit-Remaining"]
        '1'
    """

    def __init__(
        self,
        clock: Clock,
        *,
        per_ten_seconds: int = 100,
        daily: int = 250_000,
        search_per_second: int = 5,
        time_zone: str = "US/Eastern",
        enabled: bool = True,
    ) -> None:
        self.clock = clock
        self.per_ten_seconds = per_ten_seconds
        self.daily = daily
        self.search_per_second = search_per_second
        self.time_zone = time_zone
        self.enabled = enabled
        self._window: collections.deque[dt.datetime] = collections.deque()
        self._search: collections.deque[dt.datetime] = collections.deque()
        self._day: dt.date | None = None
        self._day_count = 0

    def _purge(self, now: dt.datetime) -> None:
        while self._window and now - self._window[0] >= _WINDOW:
            self._window.popleft()
        while self._search and now - self._search[0] >= _SECOND:
            self._search.popleft()
        today = local_date(now, self.time_zone)
        if today != self._day:
            self._day, self._day_count = today, 0

    def _headers(self, *, oauth: bool) -> dict[str, str]:
        headers = {
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": str(self.per_ten_seconds),
            "X-HubSpot-RateLimit-Remaining": str(max(0, self.per_ten_seconds - len(self._window))),
        }
        if not oauth:  # the daily headers are absent on OAuth-authenticated calls
            headers["X-HubSpot-RateLimit-Daily"] = str(self.daily)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(
                max(0, self.daily - self._day_count)
            )
        return headers

    def _start(self, headers: dict[str, str]) -> dt.datetime:
        """Roll the windows forward; a DAILY 429 once the day's budget is spent."""
        now = self.clock.now()
        self._purge(now)
        if self.enabled and self._day_count >= self.daily:
            raise _rate_limit_error("DAILY", "You have reached your daily limit.", headers)
        return now

    def take(self, *, oauth: bool) -> dict[str, str]:
        """Count an ordinary request; its rate-limit headers, or a 429 ``ApiError``."""
        now = self._start(self._headers(oauth=oauth))
        if self.enabled and len(self._window) >= self.per_ten_seconds:
            raise _rate_limit_error(
                "TEN_SECONDLY_ROLLING",
                "You have reached your ten_secondly_rolling limit.",
                self._headers(oauth=oauth),
            )
        self._window.append(now)
        self._day_count += 1
        return self._headers(oauth=oauth)

    def take_search(self) -> None:
        """Count a search request (its own 5/s limit; daily budget; no headers)."""
        now = self._start({})
        if self.enabled and len(self._search) >= self.search_per_second:
            raise _rate_limit_error("SECONDLY", "You have reached your secondly limit.", {})
        self._search.append(now)
        self._day_count += 1

    def spend_daily(self, count: int) -> int:
        """Count ``count`` requests against today's budget as if other apps of the account
        had sent them (the daily limit is shared by every app of an account); returns what is
        left of the day.

        Example:
            >>> from hubqbo.sandbox import ManualClock
            >>> RateLimiter(ManualClock(), daily=1_000, time_zone="UTC").spend_daily(990)
            10
        """
        self._purge(self.clock.now())
        self._day_count += max(0, count)
        return max(0, self.daily - self._day_count)

    def take_exempt(self) -> None:
        """Count a request exempt from the 10-second window (association batches)."""
        self._start({})
        self._day_count += 1
