"""The shared HTTP machinery (``hubqbo._http``) both adapters are built on: retry
decisions, Retry-After, jitter bounds, pacing windows, redaction and request ids."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo._http import (
    Pacer,
    RateWindow,
    RetryPolicy,
    derive_request_id,
    equal_jitter,
    no_jitter,
    parse_retry_after,
    redact_headers,
    redact_mapping,
    redact_url,
)
from hubqbo.errors import (
    RateLimitedError,
    RequestTimeout,
    ServerError,
    TransportError,
    ValidationError,
)
from hubqbo.sandbox import ManualClock

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)


def api(cls: type, **kw: object) -> object:
    return cls(
        provider="quickbooks", status_code=kw.pop("status", 400), code=None, message="m", **kw
    )


@pytest.mark.parametrize(
    ("error", "idempotent", "expected"),
    [
        (api(RateLimitedError, status=429), False, True),
        (api(ServerError, status=503), True, True),
        (api(ServerError, status=503), False, False),
        (TransportError("reset"), True, True),
        (RequestTimeout("slow"), False, False),
        (api(ValidationError), True, False),
        (api(RateLimitedError, status=429, retry_after=3600.0), True, False),
    ],
)
def test_retry_decisions(error: BaseException, idempotent: bool, expected: bool) -> None:
    """Throttling always; 5xx/transport only when idempotent; never validation; give up on an
    absurd Retry-After."""
    assert expected == RetryPolicy().should_retry(error, idempotent=idempotent)


def test_call_retries_through_injected_sleep() -> None:
    """RetryPolicy.call retries with capped backoff and re-raises the last error."""
    attempts: list[int] = []
    slept: list[float] = []

    def flaky() -> str:
        attempts.append(1)
        raise api(ServerError, status=502)  # type: ignore[misc]

    policy = RetryPolicy(max_attempts=5, base_delay=1.0, max_delay=3.0, jitter=no_jitter)
    with pytest.raises(ServerError):
        policy.call(flaky, idempotent=True, sleep=slept.append)
    assert (5, [1.0, 2.0, 3.0, 3.0]) == (len(attempts), slept)


@given(st.floats(min_value=0.001, max_value=1e6))
def test_equal_jitter_stays_within_half_and_full_delay(delay: float) -> None:
    """Jitter never waits less than half, nor more than the whole, backoff."""
    assert delay / 2 <= equal_jitter(delay) <= delay


def test_retry_after_forms() -> None:
    """Delta-seconds, HTTP-date, past dates and garbage."""
    assert [5.0, 30.0, 0.0, None, None] == [
        parse_retry_after("5", now=NOW),
        parse_retry_after("Wed, 25 Nov 2026 09:00:30 GMT", now=NOW),
        parse_retry_after("Wed, 25 Nov 2026 08:00:00 GMT", now=NOW),
        parse_retry_after("soon", now=NOW),
        parse_retry_after(None, now=NOW),
    ]


def test_pacer_waits_for_the_window_to_slide() -> None:
    """The 4th request in a 3-per-60-s window waits until the first leaves the window."""
    clock = ManualClock(NOW)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds=seconds)

    pacer = Pacer({"requests": RateWindow(3, 60.0)}, clock=clock, sleep=sleep)
    for second in range(4):
        with pacer.slot("realm"):
            pass
        clock.advance(seconds=1 if second < 2 else 0)
    assert [58.0] == slept
    with pacer.slot("other-realm"):
        pass
    assert [58.0] == slept


def test_pacer_budgets_are_separate_and_combined() -> None:
    """A batch slot counts against both budgets; a plain slot only against requests."""
    clock = ManualClock(NOW)
    slept: list[float] = []
    pacer = Pacer(
        {"requests": RateWindow(10, 60.0), "batch": RateWindow(1, 60.0)},
        clock=clock,
        sleep=lambda s: (slept.append(s), clock.advance(seconds=s)),  # type: ignore[func-returns-value]
    )
    with pacer.slot("r", ("requests", "batch")):
        pass
    with pacer.slot("r"):
        pass
    assert [] == slept
    with pacer.slot("r", ("requests", "batch")):
        pass
    assert [60.0] == slept


def test_pacer_caps_requests_in_flight() -> None:
    """With max_in_flight=2 a third concurrent slot waits until one is released."""
    pacer = Pacer({"requests": RateWindow(100, 60.0)}, clock=ManualClock(NOW), max_in_flight=2)
    entered = threading.Semaphore(0)
    release = threading.Event()
    inside: list[int] = []
    lock = threading.Lock()
    peak = [0]

    def work() -> None:
        with pacer.slot("r"):
            with lock:
                inside.append(1)
                peak[0] = max(peak[0], len(inside))
            entered.release()
            release.wait(5)
            with lock:
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    entered.acquire(timeout=5)
    entered.acquire(timeout=5)
    assert not entered.acquire(timeout=0.2)
    release.set()
    for thread in threads:
        thread.join(5)
    assert 2 == peak[0]


def test_redaction_of_headers_urls_and_bodies() -> None:
    """Tokens, secrets and codes are redacted; other values stay."""
    assert {"Authorization": "[REDACTED]", "intuit_tid": "1-a"} == redact_headers(
        {"Authorization": "Bearer x", "intuit_tid": "1-a"}
    )
    assert "refresh_token=%5BREDACTED%5D" in redact_url("https://x/t?refresh_token=r&a=1")
    assert {"a": {"client_secret": "[REDACTED]", "b": 1}} == redact_mapping(
        {"a": {"client_secret": "s", "b": 1}}
    )


@given(st.text(max_size=20), st.dictionaries(st.text(max_size=5), st.integers(), max_size=4))
def test_request_ids_are_deterministic_short_and_content_bound(
    op: str, body: dict[str, int]
) -> None:
    """Same content -> same id (<= 36 chars, valid on /batch); other content -> other id."""
    first = derive_request_id(op, body, namespace="9130")
    assert first == derive_request_id(op, dict(reversed(list(body.items()))), namespace="9130")
    assert len(first) == 36
    assert first != derive_request_id(op, {**body, "\x00extra": 1}, namespace="9130")
    assert first != derive_request_id(op, body, namespace="9131")


def test_pacer_views_share_budgets_but_wait_with_their_own_sleep() -> None:
    """``Pacer.sharing(sleep=...)``: two views draw on one window per key; the view that must
    wait calls its own sleep; another key is unaffected."""
    clock = ManualClock(NOW)
    shared = Pacer({"requests": RateWindow(2, 60.0)}, clock=clock, sleep=lambda s: None)
    slept_a: list[float] = []
    slept_b: list[float] = []

    def sleeper(log: list[float]) -> Callable[[float], None]:
        def sleep(seconds: float) -> None:
            log.append(seconds)
            clock.advance(seconds=seconds)

        return sleep

    view_a, view_b = shared.sharing(sleep=sleeper(slept_a)), shared.sharing(sleep=sleeper(slept_b))
    for view in (view_a, view_b, view_b):
        with view.slot("realm"):
            pass
    with view_a.slot("other"):
        pass
    assert ([], [60.0]) == (slept_a, slept_b)
    assert (0.0, 60.0) == (view_a.waited, view_b.waited)
