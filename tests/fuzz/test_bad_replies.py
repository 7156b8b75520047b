"""Bad replies at every request position of every public client method and of the builder.

For each scenario (``_scenarios.SCENARIOS``: every public method of ``QuickBooksClient`` and
``HubSpotClient`` that reads a reply, ``InvoiceBuilder.create`` and ``refresh_deal``), the
clean run gives the result, the number of requests N and the providers' end state. Then, for
each position 0..N-1 and each class of bad reply (``_replies.Bad``: not JSON, an HTML page, an
XML fault, empty, truncated, the wrong top-level type, required fields missing or mistyped,
non-finite numbers, nested 100,000 deep, larger than ``MAX_REPLY_BYTES``), a fresh world whose
Nth answer is replaced (the request itself reached the sandbox, so a write was applied) must:

1. raise a ``HubQboError`` (``UnexpectedResponseError`` for these) — never another exception —
   or, for a class the call cannot notice (no id in the reply to remove), return exactly the
   clean result;
2. send no write after the bad reply;
3. end, after a clean re-run of the same call, in the clean run's state (one invoice, one
   record, one roll-up: no duplicate, nothing lost) — except HubSpot's ``batch_create``,
   which has no idempotency key.

The sweep is exhaustive (every class at every position) and takes a few seconds. A second,
hypothesis-driven test replaces one random JSON node of one random reply by a value of another
type; ``HUBQBO_FUZZ_EXAMPLES`` sets its examples per scenario (default 5; a long run:
``HUBQBO_FUZZ_EXAMPLES=2000 python -m pytest -q -p no:cacheprovider tests/fuzz``).
"""

from __future__ import annotations

import functools
import os
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubqbo.cli import DemoWorld, build_demo_world
from hubqbo.errors import HubQboError, UnexpectedResponseError
from tests.fuzz._replies import (
    ALWAYS_BAD,
    Bad,
    CorruptingTransport,
    Log,
    bad_reply,
    is_write,
    mutate,
)
from tests.fuzz._scenarios import SCENARIOS, state_of

EXAMPLES = int(os.environ.get("HUBQBO_FUZZ_EXAMPLES", "5"))
FULL = os.environ.get("HUBQBO_FUZZ_FULL", "") not in ("", "0")
"""Every class at every position of every scenario (the CI run gives a scenario longer than
``ROTATE_AFTER`` requests three classes per position, rotating so each class meets many
positions; the full run is ``HUBQBO_FUZZ_FULL=1``)."""
ROTATE_AFTER = 8


def classes_at(position: int, count: int) -> list[Bad]:
    """The classes tried at ``position`` of a scenario of ``count`` requests."""
    kinds = list(Bad)
    if FULL or count <= ROTATE_AFTER:
        return kinds
    return [kinds[(position * 3 + i) % len(kinds)] for i in range(3)]


def _world(log: Log, position: int | None, corrupt: Any) -> tuple[DemoWorld, list[Any]]:
    wrappers: list[CorruptingTransport] = []

    def wrap(inner: httpx.BaseTransport) -> httpx.BaseTransport:
        wrapper = CorruptingTransport(inner, log, position=position, corrupt=corrupt)
        wrappers.append(wrapper)
        return wrapper

    return build_demo_world(wrap_transport=wrap), wrappers


@functools.cache
def clean_run(name: str) -> tuple[Any, int, bool, dict[str, Any] | None]:
    """The clean result, number of requests, whether it writes, and (if so) the end state."""
    log = Log()
    world, _ = _world(log, None, None)
    result = SCENARIOS[name].run(world)
    writes = any(is_write(r) for r in log.requests)
    return result, len(log.requests), writes, state_of(world) if writes else None


def check(name: str, position: int, corrupt: Any, *, must_fail: bool) -> str:
    """Run ``name`` with the answer at ``position`` replaced by ``corrupt(real answer)``;
    assert the three properties; return the outcome (for the figures)."""
    scenario = SCENARIOS[name]
    clean_result, _count, writes, clean_state = clean_run(name)
    seen: dict[str, httpx.Response] = {}

    def replace(real: httpx.Response) -> httpx.Response:
        seen["real"] = real
        bad = corrupt(real)
        seen["bad"] = bad
        return bad

    log = Log()
    world, wrappers = _world(log, position, replace)
    try:
        result = scenario.run(world)
    except HubQboError as error:
        outcome = type(error).__name__
        assert log.writes_after_corruption() == [], (name, position, outcome)
    else:
        outcome = "same result"
        real, bad = seen.get("real"), seen.get("bad")
        unnoticeable = (
            real is None  # the call stopped before this position (cannot happen, kept safe)
            or (real.status_code == 204 and not bad.content.strip())  # type: ignore[union-attr]
            or (bad is not None and bad.content == real.content)
        )
        assert not must_fail or unnoticeable, (name, position, "bad reply taken as success")
        if not scenario.raw or must_fail:
            assert result == clean_result, (name, position, "bad reply changed the result")
    for wrapper in wrappers:
        wrapper.enabled = False
    rerun_error: HubQboError | None = None
    try:
        scenario.run(world)
    except HubQboError as error:  # e.g. deleting an invoice already deleted
        rerun_error = error
    assert rerun_error is None or not name.startswith("builder."), (name, position, rerun_error)
    if not writes:  # a read: nothing may be written, whatever the replies
        assert not any(is_write(r) for r in log.requests), (name, position, "a read wrote")
    elif scenario.idempotent:
        assert state_of(world) == clean_state, (name, position, "re-run did not end right")
    return outcome


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_bad_reply_class_at_every_position(name: str) -> None:
    """Each class of bad reply at each request position: a typed error, no later write, and
    a re-run that ends in the clean state."""
    _result, count, _writes, _state = clean_run(name)
    assert count > 0
    outcomes: dict[str, int] = {}
    for position in range(count):
        for kind in classes_at(position, count):
            outcome = check(
                name,
                position,
                functools.partial(bad_reply, kind),
                must_fail=kind in ALWAYS_BAD,
            )
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert set(outcomes) <= {UnexpectedResponseError.__name__, "same result"} | {
        "NotFoundError",  # a deletion stub read back as a 404 (nothing applied twice)
    }, outcomes


def _mutated(path: int, pick: int) -> Any:
    def corrupt(real: httpx.Response) -> httpx.Response:
        try:
            import json
            from decimal import Decimal

            body = json.loads(real.content, parse_float=Decimal)
        except ValueError:
            return real
        value, _changed = mutate(body, (path,), pick)
        return httpx.Response(
            real.status_code if real.status_code < 300 else 200,
            content=json.dumps(value, default=str).encode(),
            headers={"content-type": "application/json"},
        )

    return corrupt


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 5,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(position=st.integers(0, 10_000), path=st.integers(0, 10_000), pick=st.integers(0, 3))
def test_one_node_of_another_type(name: str, position: int, path: int, pick: int) -> None:
    """One JSON node of one reply replaced by a value of another type: a typed error with no
    later write, or (the node was not read) the clean result; the re-run ends right."""
    _result, count, _writes, _state = clean_run(name)
    check(name, position % count, _mutated(path, pick), must_fail=False)
