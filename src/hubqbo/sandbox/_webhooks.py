"""Webhooks out of the sandboxes: queue, batch, sign, deliver, retry (the shared machinery).

Why: code that reacts to HubSpot and QuickBooks webhooks must be tested against notifications
shaped, signed, batched and retried as the real services send them, including the bad days
(late, duplicated, out of order, an endpoint that fails). Each sandbox owns a ``WebhookOutbox``
(``sandbox.webhooks``); the provider modules say what an event looks like, how events are put
in one request body and how a request is signed. Delivery happens when ``deliver()`` is called
(a test, with a ``ManualClock``) or every ``webhook_interval`` seconds while the sandboxes are
served over HTTP; never inside a request the sandbox is answering, so a webhook handler may call
the sandbox back.

Retries follow the provider's schedule on the sandbox's clock: a failed request (a status
outside 2xx, an exception from a callback, a connection error, an answer slower than the
provider's timeout) is sent again after the next delay of the schedule, then dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import httpx

from hubqbo.sandbox._common import Clock

__all__ = ["Delivery", "WebhookCall", "WebhookOutbox", "WebhookTarget"]

logger = logging.getLogger(__name__)


@attrs.frozen
class WebhookCall:
    """One notification request as the provider would send it.

    Attributes:
        url: where it is addressed (the signed URI).
        headers: its headers (content type and signature headers).
        body: the raw body (what the signature covers).
    """

    url: str
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The parsed body."""
        return json.loads(self.body)


WebhookTarget = str | Callable[[WebhookCall], int | None]
"""A URL (POSTed to with httpx) or a Python callback returning the HTTP status it answers
(``None`` = 200); a callback that raises counts as a connection failure."""


@attrs.frozen
class Delivery:
    """One attempt to deliver a batch of events.

    Attributes:
        url: the subscription's URL.
        attempt: 1 for the first try, 2 for the first retry...
        status: the answer's HTTP status; 0 when there was none (error, timeout).
        at: the sandbox clock's time of the attempt.
        events: how many events the request carried.
        body: the request body.
        will_retry: False on success, and on a failure with no retry left (dropped).
    """

    url: str
    attempt: int
    status: int
    at: dt.datetime
    events: int
    body: bytes
    will_retry: bool

    @property
    def ok(self) -> bool:
        """A 2xx answer."""
        return 200 <= self.status < 300


Build = Callable[["Subscription", Sequence[Mapping[str, Any]], int, dt.datetime], WebhookCall]
"""(subscription, events, attempt, now) -> the request to send."""


@attrs.define
class Subscription:
    """Where and how one app receives a sandbox's events (made by ``subscribe``)."""

    target: WebhookTarget
    url: str
    secret: str
    accepts: Callable[[Mapping[str, Any]], bool]
    delay: dt.timedelta
    duplicate: float
    reorder: bool
    random: random.Random
    options: dict[str, Any] = attrs.field(factory=dict)
    pending: list[tuple[dt.datetime, dict[str, Any]]] = attrs.field(factory=list)


@attrs.define
class _Retry:
    subscription: Subscription
    events: list[dict[str, Any]]
    attempt: int
    due: dt.datetime


class WebhookOutbox:
    """A sandbox's webhook subscriptions, their queued events and their delivery log.

    Args:
        clock: the sandbox's clock (event times, delays and retries).
        build: turns a batch of events into a signed request (provider-specific).
        max_batch: events per request.
        retry_delays: waits before each retry (then the batch is dropped).
        timeout: seconds an endpoint has to answer before the attempt counts as failed.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        build: Build,
        max_batch: int,
        retry_delays: Sequence[dt.timedelta],
        timeout: float,
    ) -> None:
        self.clock = clock
        self._build = build
        self.max_batch = max_batch
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.subscriptions: list[Subscription] = []
        self.deliveries: list[Delivery] = []
        """Every attempt so far, oldest first."""
        self._retries: list[_Retry] = []
        self._lock = threading.RLock()
        self._http: httpx.Client | None = None

    def _add(
        self,
        target: WebhookTarget,
        *,
        url: str,
        secret: str,
        accepts: Callable[[Mapping[str, Any]], bool],
        delay: float,
        duplicate: float,
        reorder: bool,
        seed: int,
        options: Mapping[str, Any] | None = None,
    ) -> Subscription:
        if not 0 <= duplicate <= 1:
            raise ValueError("duplicate is a probability between 0 and 1")
        if delay < 0:
            raise ValueError("delay must be >= 0 seconds")
        if not secret:
            raise ValueError("a webhook subscription needs its signing secret")
        subscription = Subscription(
            target=target,
            url=target if isinstance(target, str) else url,
            secret=secret,
            accepts=accepts,
            delay=dt.timedelta(seconds=delay),
            duplicate=duplicate,
            reorder=reorder,
            random=random.Random(seed),  # noqa: S311 - test scheduling, not crypto
            options=dict(options or {}),
        )
        with self._lock:
            self.subscriptions.append(subscription)
        return subscription

    def unsubscribe_all(self) -> None:
        """Forget every subscription and everything queued for them."""
        with self._lock:
            self.subscriptions.clear()
            self._retries.clear()

    def emit(self, event: Mapping[str, Any]) -> None:
        """Queue ``event`` for every subscription that accepts it (called by the sandbox)."""
        now = self.clock.now()
        with self._lock:
            for subscription in self.subscriptions:
                if subscription.accepts(event):
                    subscription.pending.append((now + subscription.delay, dict(event)))

    def emit_all(self, events: Iterable[Mapping[str, Any]]) -> None:
        """``emit`` each event, in order."""
        for event in events:
            self.emit(event)

    def pending(self) -> int:
        """Events waiting (not yet due, due, or waiting for a retry)."""
        with self._lock:
            queued = sum(len(s.pending) for s in self.subscriptions)
            return queued + sum(len(r.events) for r in self._retries)

    def _due(self, now: dt.datetime) -> list[tuple[Subscription, list[dict[str, Any]], int]]:
        batches: list[tuple[Subscription, list[dict[str, Any]], int]] = []
        with self._lock:
            for subscription in self.subscriptions:
                ready = [event for due, event in subscription.pending if due <= now]
                subscription.pending = [(d, e) for d, e in subscription.pending if d > now]
                if subscription.reorder:
                    subscription.random.shuffle(ready)
                for start in range(0, len(ready), self.max_batch):
                    batches.append((subscription, ready[start : start + self.max_batch], 1))
            retries = [r for r in self._retries if r.due <= now]
            self._retries = [r for r in self._retries if r.due > now]
            batches.extend((r.subscription, r.events, r.attempt) for r in retries)
            for subscription, events, attempt in list(batches):
                if attempt == 1 and subscription.random.random() < subscription.duplicate:
                    batches.append((subscription, list(events), 1))
        return batches

    def deliver(self) -> list[Delivery]:
        """Send every batch due at the clock's time (first tries and retries); returns the
        attempts made. Call it from tests after the changes you expect notifications for."""
        now = self.clock.now()
        made: list[Delivery] = []
        for subscription, events, attempt in self._due(now):
            call = self._build(subscription, events, attempt, now)
            status = self._send(subscription, call)
            ok = 200 <= status < 300
            will_retry = not ok and attempt <= len(self.retry_delays)
            delivery = Delivery(call.url, attempt, status, now, len(events), call.body, will_retry)
            with self._lock:
                self.deliveries.append(delivery)
                if will_retry:
                    due = now + self.retry_delays[attempt - 1]
                    self._retries.append(_Retry(subscription, events, attempt + 1, due))
            made.append(delivery)
        return made

    def _send(self, subscription: Subscription, call: WebhookCall) -> int:
        started = time.monotonic()
        try:
            if isinstance(subscription.target, str):
                if self._http is None:
                    self._http = httpx.Client(timeout=self.timeout)
                response = self._http.post(call.url, content=call.body, headers=dict(call.headers))
                status = response.status_code
            else:
                answered = subscription.target(call)
                status = 200 if answered is None else int(answered)
        except Exception as exc:  # noqa: BLE001 - any failure of the endpoint is a failed attempt
            logger.debug("webhook to %s failed: %s", call.url, type(exc).__name__)
            return 0
        if time.monotonic() - started > self.timeout:
            return 0  # answered too late: the provider has given up on it
        return status
