"""Pieces both sandboxes share: an injectable clock and a fault plan.

Why: tests of retries, throttling, expiry and "the connection dropped after the write was
applied" must be deterministic and must never sleep. Both sandboxes take a ``clock`` and a
``faults`` plan; this module owns neither provider's wire format.

Example:
    >>> plan = FaultPlan.scripted([None, Fault.server_error(503)])
    >>> plan.next_fault("GET", "/v3/company/1/customer/1") is None
    True
    >>> plan.next_fault("GET", "/v3/company/1/customer/1").status
    503
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import re
import threading
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, SupportsIndex

import attrs

from hubqbo.clock import Clock, SystemClock

__all__ = [
    "Clock",
    "CreatedId",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "ManualClock",
    "SandboxRequest",
    "SystemClock",
    "count_matching",
    "deprecated",
]


def deprecated(old: str, new: str) -> None:
    """Warn that ``old`` is deprecated in favour of ``new`` (kept for one release)."""
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; use {new}",
        DeprecationWarning,
        stacklevel=3,
    )


@attrs.frozen
class SandboxRequest:
    """One request a sandbox handled: method, path (no host, no query) and the status it
    answered (0 when it raised instead: an injected timeout, an unknown host).

    Example:
        >>> SandboxRequest("GET", "/crm/v3/objects/deals", 200)
        SandboxRequest(method='GET', path='/crm/v3/objects/deals', status=200)
    """

    method: str
    path: str
    status: int


def count_matching(
    requests: Iterable[SandboxRequest],
    *,
    method: str | None = None,
    path_contains: str | None = None,
    status: int | None = None,
) -> int:
    """How many of ``requests`` match every filter given (the body of ``count_requests``).

    Example:
        >>> log = [SandboxRequest("GET", "/a", 200), SandboxRequest("POST", "/a/b", 429)]
        >>> count_matching(log), count_matching(log, method="post"), count_matching(log, status=200)
        (2, 1, 1)
    """
    wanted = method.upper() if method is not None else None
    return sum(
        1
        for r in requests
        if (wanted is None or r.method == wanted)
        and (path_contains is None or path_contains in r.path)
        and (status is None or r.status == status)
    )


class CreatedId(str):
    """The id a sandbox's ``create`` returns (a ``str``).

    ``QuickBooksSandbox.create`` returned the whole record before 0.x; indexing this id with a
    field name (``created["Id"]``) still answers from that record, with a DeprecationWarning.

    Example:
        >>> created = CreatedId("58", {"Id": "58", "DisplayName": "Acme"})
        >>> created == "58", created[0]
        (True, '5')
    """

    _record: dict[str, Any]

    def __new__(cls, value: str, record: dict[str, Any] | None = None) -> CreatedId:
        created = super().__new__(cls, value)
        created._record = record or {}
        return created

    def __getitem__(self, key: SupportsIndex | slice | str) -> Any:
        if isinstance(key, str):
            deprecated("indexing the result of QuickBooksSandbox.create", "sandbox.get(...)")
            return self._record[key]
        return str.__getitem__(self, key)


class ManualClock:
    """A clock that moves only when told to (thread-safe).

    Example:
        >>> clock = ManualClock(dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc))
        >>> clock.advance(seconds=90).isoformat()
        '2026-11-25T00:01:30+00:00'
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        start = start or dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        """The clock's current instant."""
        with self._lock:
            return self._now

    def advance(self, *, seconds: float = 0, days: float = 0) -> dt.datetime:
        """Move forward and return the new instant."""
        with self._lock:
            self._now += dt.timedelta(seconds=seconds, days=days)
            return self._now

    def set(self, instant: dt.datetime) -> None:
        """Jump to ``instant`` (aware)."""
        if instant.tzinfo is None:
            raise ValueError("ManualClock.set needs a timezone-aware instant")
        with self._lock:
            self._now = instant

    def sleep(self, seconds: float) -> None:
        """A ``sleep`` replacement for clients under test: advances the clock instead."""
        self.advance(seconds=seconds)


class FaultKind(str, enum.Enum):
    """What a sandbox does instead of (or after) answering normally."""

    RATE_LIMIT = "rate_limit"
    """Answer 429 in the provider's throttling shape (``retry_after`` header when set)."""
    SERVER_ERROR = "server_error"
    """Answer ``status`` (500/502/503/504) in the provider's error shape."""
    LOCKED = "locked"
    """Answer 423 Locked (HubSpot)."""
    TIMEOUT = "timeout"
    """Raise ``httpx.ReadTimeout`` without applying the request."""
    RESET_AFTER_APPLY = "reset_after_apply"
    """Apply the request, then raise ``httpx.RemoteProtocolError`` (the answer is lost)."""
    STALE = "stale"
    """Answer the provider's stale-object error (QBO 5010) for a write."""
    MIGRATION_IN_PROGRESS = "migration_in_progress"
    """Answer 477 Migration in Progress with ``Retry-After`` in seconds (HubSpot)."""
    PARTIAL_BATCH = "partial_batch"
    """Apply the first half of a HubSpot batch write's inputs and answer 207 with the rest
    failed (only for inputs carrying ``objectWriteTraceId``, as HubSpot does)."""


@attrs.frozen
class Fault:
    """One injected fault; ``method`` and ``path`` (a regex) limit which requests it hits.

    Example:
        >>> fault = Fault.rate_limit(retry_after=7, method="POST", path=r"/invoice$")
        >>> (fault.kind.value, fault.status, fault.retry_after)
        ('rate_limit', 429, 7)
    """

    kind: FaultKind
    status: int | None = None
    retry_after: float | None = None
    method: str | None = None
    path: str | None = None

    @classmethod
    def rate_limit(
        cls, retry_after: float | None = None, *, method: str | None = None, path: str | None = None
    ) -> Fault:
        """A 429, with ``Retry-After`` when given."""
        return cls(FaultKind.RATE_LIMIT, 429, retry_after, method, path)

    @classmethod
    def server_error(
        cls, status: int = 500, *, method: str | None = None, path: str | None = None
    ) -> Fault:
        """A 5xx answer."""
        return cls(FaultKind.SERVER_ERROR, status, None, method, path)

    @classmethod
    def locked(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        """A 423 Locked answer (HubSpot asks clients to wait at least 2 seconds)."""
        return cls(FaultKind.LOCKED, 423, None, method, path)

    @classmethod
    def migration_in_progress(
        cls, retry_after: float = 3600, *, method: str | None = None, path: str | None = None
    ) -> Fault:
        """A 477 Migration in Progress (HubSpot: the portal is moving between data hosting
        locations; ``Retry-After`` says how many seconds to wait, up to 24 hours)."""
        return cls(FaultKind.MIGRATION_IN_PROGRESS, 477, retry_after, method, path)

    @classmethod
    def timeout(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        """A read timeout before the request is applied."""
        return cls(FaultKind.TIMEOUT, None, None, method, path)

    @classmethod
    def reset_after_apply(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        """The request is applied, then the connection drops."""
        return cls(FaultKind.RESET_AFTER_APPLY, None, None, method, path)

    @classmethod
    def partial_batch(
        cls, *, method: str | None = "POST", path: str | None = r"/batch/(create|update|upsert)$"
    ) -> Fault:
        """A HubSpot batch write half applied: 207, the second half of its inputs failed."""
        return cls(FaultKind.PARTIAL_BATCH, 207, None, method, path)

    def applies_to(self, method: str, path: str) -> bool:
        """True when this fault targets a request with ``method`` and ``path``."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or re.search(self.path, path) is not None


class FaultPlan:
    """Decides, request by request, whether a sandbox misbehaves.

    Scripted: a sequence of ``Fault``/``None`` consumed one per matching request.
    Random: each request fails with probability ``rate`` with one of ``faults`` (seeded).

    Example:
        >>> plan = FaultPlan.random(rate=0.5, seed=3, faults=[Fault.timeout()])
        >>> [plan.next_fault("GET", "/x") is not None for _ in range(6)]
        [True, True, False, True, False, True]
    """

    def __init__(
        self,
        script: Iterable[Fault | None] = (),
        *,
        rate: float = 0.0,
        faults: Sequence[Fault] = (),
        seed: int | None = None,
    ) -> None:
        self._script = list(script)
        self._rate = rate
        self._faults = list(faults)
        self._random = random.Random(seed)  # noqa: S311 - test fault injection, not crypto
        self._lock = threading.Lock()
        self.injected: list[tuple[str, str, Fault]] = []

    @classmethod
    def none(cls) -> FaultPlan:
        """No faults."""
        return cls()

    @classmethod
    def scripted(cls, script: Iterable[Fault | None]) -> FaultPlan:
        """Faults in order; ``None`` lets a request through."""
        return cls(script)

    @classmethod
    def random(cls, *, rate: float, faults: Sequence[Fault], seed: int) -> FaultPlan:
        """Random faults at ``rate`` (0..1), reproducible from ``seed``."""
        return cls(rate=rate, faults=faults, seed=seed)

    def add(self, *faults: Fault | None) -> None:
        """Append to the script."""
        with self._lock:
            self._script.extend(faults)

    def next_fault(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any (records what was injected)."""
        with self._lock:
            fault: Fault | None = None
            for index, candidate in enumerate(self._script):
                if candidate is None or candidate.applies_to(method, path):
                    fault = self._script.pop(index)
                    break
            else:
                if self._faults and self._random.random() < self._rate:
                    choices = [f for f in self._faults if f.applies_to(method, path)]
                    fault = self._random.choice(choices) if choices else None
            if fault is not None:
                self.injected.append((method, path, fault))
            return fault
