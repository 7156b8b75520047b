"""HubSpot's rate limits: tiers, a header-aware pacer, and the retry rules HubSpot adds.

Why: HubSpot counts requests per app in a rolling 10-second window (100/190/250 for private
apps by tier, 110 for a public OAuth app per installing account) and search separately at 5 per
second. The shared ``Pacer`` keeps our own count; this module also reads the
``X-HubSpot-RateLimit-Max``/``-Remaining`` headers HubSpot returns, so requests that other
processes of the same app sent are accounted for too, and a well-behaved run never sees a 429
while using the whole window. ``HubSpotRetryPolicy`` adds two rules to the shared policy,
both for answers that mean "not applied", so even non-idempotent writes are sent again: 423
Locked (after at least 2 s) and 477 Migration in Progress (after its ``Retry-After``; a wait
longer than ``max_retry_after`` raises at once instead of sleeping).

Example:
    >>> RateLimits.tier("professional").per_ten_seconds
    190
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from hubqbo._http import Clock, Pacer, RateWindow, RetryPolicy, Sleep
from hubqbo.errors import ConfigurationError, LockedError, MigrationInProgressError
from hubqbo.hubspot._errors import LOCKED_MIN_WAIT

__all__ = ["HeaderAwarePacer", "HubSpotRetryPolicy", "RateLimits"]

_TIERS = {
    "free": 100,
    "starter": 100,
    "professional": 190,
    "enterprise": 190,
    "api_add_on": 250,
    "public_oauth": 110,
}
WINDOW_SECONDS = 10.0


@attrs.frozen
class RateLimits:
    """Client-side budgets: requests per 10 s (per app) and searches per second.

    ``per_ten_seconds`` is HubSpot's burst limit for the app: 100 (private app, Free/Starter),
    190 (Professional/Enterprise), 250 (API limit increase), 110 (public OAuth app).

    Example:
        >>> RateLimits(per_ten_seconds=110).search_per_second
        5
    """

    per_ten_seconds: int = attrs.field(default=100, validator=attrs.validators.ge(1))
    search_per_second: int = attrs.field(default=5, validator=attrs.validators.ge(1))
    reserve: int = attrs.field(default=1, validator=attrs.validators.ge(0))
    """Requests left unused in HubSpot's reported window before pausing (shared headroom)."""

    @classmethod
    def tier(cls, name: str) -> RateLimits:
        """Limits for a named tier: free, starter, professional, enterprise, api_add_on,
        public_oauth."""
        try:
            return cls(per_ten_seconds=_TIERS[name])
        except KeyError:
            raise ConfigurationError(
                f"unknown HubSpot rate-limit tier {name!r}; use one of {sorted(_TIERS)}"
            ) from None

    def windows(self) -> dict[str, RateWindow]:
        """The shared ``Pacer``'s budgets: ``requests`` (10 s) and ``search`` (1 s)."""
        return {
            "requests": RateWindow(self.per_ten_seconds, WINDOW_SECONDS),
            "search": RateWindow(self.search_per_second, 1.0),
        }


def _int(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    text = (value or "").strip()
    # ASCII digits only ("²".isdigit() is true, int("²") fails), and no 4,300-digit number
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class HeaderAwarePacer(Pacer):
    """A ``Pacer`` that also counts what HubSpot reports of its 10-second window.

    Call :meth:`observe` with each response's headers: ``X-HubSpot-RateLimit-Max`` less
    ``-Remaining`` is what HubSpot counted in the window; requests this pacer did not send
    (other processes of the app) count from then on as if sent at that moment, and the window
    allows ``Max - reserve`` requests. So a request waits exactly until the window has room,
    never a whole interval after a busy answer, and several threads sharing the client all wait.
    """

    def __init__(
        self,
        limits: RateLimits,
        *,
        clock: Clock,
        sleep: Sleep | None = None,
    ) -> None:
        super().__init__(limits.windows(), clock=clock, sleep=sleep)
        self.limits = limits

    def observe(self, headers: Mapping[str, str], key: str = "app") -> None:
        """Note HubSpot's reported window (search answers carry no headers)."""
        lowered = {k.lower(): v for k, v in headers.items()}
        remaining = _int(lowered, "x-hubspot-ratelimit-remaining")
        if remaining is None:
            return
        reported = _int(lowered, "x-hubspot-ratelimit-max")
        most = reported if reported else self.limits.per_ten_seconds
        self.report(
            key,
            "requests",
            used=most - remaining,
            limit=max(1, min(most, self.limits.per_ten_seconds) - self.limits.reserve),
        )


@attrs.frozen
class HubSpotRetryPolicy(RetryPolicy):
    """The shared retry policy plus HubSpot's 423 and 477 rules (both mean "not applied").

    * 423 Locked: retry, even a write, after at least 2 s.
    * 477 Migration in Progress: retry, even a write, after ``Retry-After`` seconds (HubSpot
      sends up to 24 h); when that is longer than ``max_retry_after`` the error is raised at
      once, without sleeping. Without ``Retry-After`` the usual backoff applies.

    Example:
        >>> from hubqbo._http import no_jitter
        >>> from hubqbo.errors import LockedError
        >>> err = LockedError(provider="hubspot", status_code=423, code=None, message="locked")
        >>> p = HubSpotRetryPolicy(base_delay=0.2, jitter=no_jitter)
        >>> p.should_retry(err, idempotent=False), p.delay(err, 1)
        (True, 2.0)
    """

    throttle_delay: float = 10.0

    def should_retry(self, error: BaseException, *, idempotent: bool) -> bool:
        """As the shared policy, but a 423 is always worth another try, and so is a 477 whose
        ``Retry-After`` is within ``max_retry_after``."""
        if isinstance(error, LockedError):
            return True
        if isinstance(error, MigrationInProgressError):
            return error.retry_after is None or error.retry_after <= self.max_retry_after
        return super().should_retry(error, idempotent=idempotent)

    def delay(self, error: BaseException, attempt: int) -> float:
        """As the shared policy, but at least 2 s after a 423 Locked and ``Retry-After``
        after a 477."""
        if isinstance(error, MigrationInProgressError) and error.retry_after is not None:
            return error.retry_after
        seconds = super().delay(error, attempt)
        if isinstance(error, LockedError):
            return max(LOCKED_MIN_WAIT, seconds)
        return seconds
