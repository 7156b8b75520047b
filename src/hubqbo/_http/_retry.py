"""When to retry a request, and how long to wait: one policy, used by every adapter.

Why: retry decisions belong in one place (stripe-python's habit). The rules:

* throttled (``RateLimitedError``: HTTP 429, QBO fault 3001) — always safe, the request was not
  applied — wait ``Retry-After`` when the provider sent it, else the provider's documented
  pause (``throttle_delay``, 60 s for QBO);
* server errors (5xx) and transport errors (timeout, reset) — only when the request is
  idempotent (a read, or a write carrying an idempotency key such as QBO ``requestid``), because
  the write may have been applied; wait a capped exponential backoff with jitter;
* everything else (validation, auth, not found, stale object) — never.

Jitter is a separate, injectable function so tests can make delays exact; the ``sleep`` is
injected too, so no test ever sleeps.

Example:
    >>> from hubqbo.errors import ServerError
    >>> policy = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=no_jitter)
    >>> err = ServerError(provider="quickbooks", status_code=503, code=None, message="down")
    >>> [policy.delay(err, attempt) for attempt in (1, 2, 3, 4, 5)]
    [1.0, 2.0, 4.0, 8.0, 8.0]
    >>> policy.should_retry(err, idempotent=False)
    False
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
from collections.abc import Callable
from typing import TypeVar

import attrs
import tenacity

from hubqbo.clock import Sleep
from hubqbo.errors import ApiError, RateLimitedError, ServerError, TransportError

__all__ = ["RetryPolicy", "equal_jitter", "no_jitter", "parse_retry_after"]

T = TypeVar("T")
_log = logging.getLogger("hubqbo.http")


def equal_jitter(delay: float) -> float:
    """Half the delay fixed, half random: spreads retries without ever waiting ~0 s."""
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not crypto


def no_jitter(delay: float) -> float:
    """The delay unchanged (for tests and deterministic runs)."""
    return delay


def parse_retry_after(value: str | None, *, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or ``None``.

    Example:
        >>> now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
        >>> parse_retry_after("7", now=now)
        7.0
        >>> parse_retry_after("Wed, 25 Nov 2026 09:00:30 GMT", now=now)
        30.0
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


@attrs.frozen
class RetryPolicy:
    """How many times to try, and how long to wait between tries.

    Attributes:
        max_attempts: total tries including the first (1 disables retries).
        base_delay: first backoff in seconds for server/transport errors (doubles each try).
        max_delay: cap on that backoff.
        throttle_delay: the wait after a throttle answer without ``Retry-After``.
        max_retry_after: give up instead of waiting longer than this on a throttle.
        jitter: maps a backoff to the delay actually slept (not applied to throttle waits).

    Example:
        >>> RetryPolicy(max_attempts=3).max_attempts
        3
    """

    max_attempts: int = attrs.field(default=5, validator=attrs.validators.ge(1))
    base_delay: float = 0.5
    max_delay: float = 30.0
    throttle_delay: float = 60.0
    max_retry_after: float = 600.0
    jitter: Callable[[float], float] = equal_jitter

    def should_retry(self, error: BaseException, *, idempotent: bool) -> bool:
        """Whether ``error`` is worth another try (see the module docstring)."""
        if isinstance(error, RateLimitedError):
            wait = error.retry_after if error.retry_after is not None else self.throttle_delay
            return error.retryable and wait <= self.max_retry_after
        if isinstance(error, TransportError):
            return idempotent or not error.sent  # nothing sent: nothing can be applied twice
        if isinstance(error, ServerError):
            return idempotent
        if isinstance(error, ApiError):
            return idempotent and error.retryable
        return False

    def delay(self, error: BaseException, attempt: int) -> float:
        """Seconds to wait after failed try number ``attempt`` (1-based) with ``error``."""
        if isinstance(error, RateLimitedError):
            return error.retry_after if error.retry_after is not None else self.throttle_delay
        backoff = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return max(0.0, self.jitter(backoff))

    def call(
        self,
        fn: Callable[[], T],
        *,
        idempotent: bool,
        sleep: Sleep,
        describe: str = "request",
    ) -> T:
        """Run ``fn`` with retries (tenacity), sleeping via ``sleep``; re-raise the last error."""

        def wait(state: tenacity.RetryCallState) -> float:
            assert state.outcome is not None
            error = state.outcome.exception()
            assert error is not None
            return self.delay(error, state.attempt_number)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            seconds = state.next_action.sleep if state.next_action else 0.0
            _log.info(
                "retrying %s after attempt %d failed (%s); waiting %.1f s",
                describe,
                state.attempt_number,
                type(error).__name__,
                seconds,
            )

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts),
            retry=tenacity.retry_if_exception(
                lambda e: self.should_retry(e, idempotent=idempotent)
            ),
            wait=wait,
            sleep=sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        return retrying(fn)
