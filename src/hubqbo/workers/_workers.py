"""``Workers``: many tenants on many worker processes over one PostgreSQL (see the package
docstring)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from hubqbo.errors import ConfigurationError
from hubqbo.protocols import StateStore
from hubqbo.sync import PostgresStateStore, SyncEngine

if TYPE_CHECKING:
    import procrastinate

__all__ = ["EngineFactory", "Schedule", "Workers"]

_log = logging.getLogger("hubqbo.workers")

INSTALL_HINT = "hubqbo's workers need procrastinate: pip install 'hubqbo[workers]'"
_SCHEMA_LOCK = 0x48514231  # pg_advisory_lock key for procrastinate's schema

EngineFactory = Callable[[str, StateStore], SyncEngine]
"""Builds the ``SyncEngine`` of a tenant (its clients, tokens and config) on the given store."""


def _minutes_cron(minutes: int | None) -> str | None:
    if minutes is None:
        return None
    if minutes < 1 or minutes > 60 or 60 % minutes:
        raise ValueError(
            "sync_every_minutes must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)"
        )
    return "0 * * * *" if minutes == 60 else f"*/{minutes} * * * *"


@attrs.frozen
class Schedule:
    """When the periodic jobs run (cron strings in UTC; a sixth field counts seconds).

    The defaults are sized to the providers' budgets (docs/deploy.md states the
    arithmetic): webhooks first (a burst queues one job per tenant at most), a change-feed
    pass every hour as the safety net for missed deliveries (5 QBO reads and 1 HubSpot
    request when nothing changed: about 3,600 metered QBO reads a tenant a month), the
    sweep hourly (no provider call unless an invoice can be due somewhere; it writes only
    past midnight in the company's time zone).

    Attributes:
        sync_every_minutes: the change-feed pass per tenant (divides 60; ``None``: no
            pass, webhooks and ``defer_sync`` only).
        sweep_cron: when every tenant's sweep is queued (``None``: never by itself).
        stalled_cron: how often jobs of dead workers are looked for.
        stalled_after: seconds without a heartbeat before a worker counts as dead.
        lease_retry_wait: seconds before a job retries when the tenant's lease is held
            elsewhere (a notebook, Celery, a killed worker's lease until it expires).
        lease_retry_attempts: how many times it retries before failing.
        keep_jobs_hours: succeeded jobs are deleted from the queue's table after this long
            (daily at 03:23 UTC; failed jobs stay).

    Example:
        >>> Schedule().sync_cron, Schedule(sync_every_minutes=15).sync_cron
        ('0 * * * *', '*/15 * * * *')
    """

    sync_every_minutes: int | None = 60
    sweep_cron: str | None = "7 * * * *"
    stalled_cron: str = "* * * * *"
    stalled_after: float = 60.0
    lease_retry_wait: int = 30
    lease_retry_attempts: int = 20
    keep_jobs_hours: int = 72

    @property
    def sync_cron(self) -> str | None:
        """The cron of the change-feed pass."""
        return _minutes_cron(self.sync_every_minutes)


def _holder() -> str:
    return f"worker:{socket.gethostname()}:{os.getpid()}"


class Workers:
    """hubqbo's jobs on procrastinate, with the state store on the same PostgreSQL.

    Args:
        dsn: the PostgreSQL DSN (``postgresql://user:pass@host/db``) of the queue and the
            store (both in the same database; the password never appears in logs).
        engine: ``engine(tenant, store) -> SyncEngine``: your code builds each tenant's
            clients (tokens from your secret store) and config; called once per job, and
            the engine (with the clients you gave it) is closed when the job ends.
        tenants: the tenants the periodic jobs visit (default: every tenant in the store).
        schedule: when the periodic jobs run.
        queue: the procrastinate queue hubqbo's jobs use.
        store: the state store (default: ``PostgresStateStore(dsn)``, opened on first use).

    Example (``myapp/hubqbo_jobs.py``; run ``hubqbo worker --app myapp.hubqbo_jobs:workers``)::

        def engine(tenant: str, store: StateStore) -> SyncEngine:
            account = accounts[tenant]                 # your records
            return SyncEngine(HubSpotClient(access_token=account.hubspot_token),
                              QuickBooksClient(realm_id=account.realm, access_token=...),
                              state=store, tenant=tenant)

        workers = Workers(os.environ["HUBQBO_DSN"], engine)
    """

    def __init__(
        self,
        dsn: str,
        engine: EngineFactory,
        *,
        tenants: Callable[[], Iterable[str]] | None = None,
        schedule: Schedule | None = None,
        queue: str = "hubqbo",
        store: StateStore | None = None,
    ) -> None:
        self.dsn = dsn
        self.schedule = schedule or Schedule()
        self.queue = queue
        self._engine = engine
        self._tenants = tenants
        self._store = store
        self._app: procrastinate.App | None = None
        self._opened = False

    def __repr__(self) -> str:
        from hubqbo.sync import redact_dsn

        return f"Workers({redact_dsn(self.dsn)!r}, queue={self.queue!r})"

    # ------------------------------------------------------------------ parts

    @property
    def store(self) -> StateStore:
        """The state store (opened on first use)."""
        if self._store is None:
            self._store = PostgresStateStore(self.dsn)
        return self._store

    def tenants(self) -> list[str]:
        """The tenants the periodic jobs visit."""
        if self._tenants is not None:
            return list(self._tenants())
        return [t.name for t in self.store.tenants()]

    def engine_for(self, tenant: str) -> SyncEngine:
        """The tenant's engine on this process's store."""
        return self._engine(tenant, self.store)

    @property
    def app(self) -> procrastinate.App:
        """The procrastinate ``App`` with hubqbo's tasks."""
        if self._app is None:
            try:
                from procrastinate import PsycopgConnector

                from hubqbo.workers._jobs import build_app
            except ImportError as exc:
                if str(exc.name or "").partition(".")[0] != "procrastinate":
                    raise
                raise ConfigurationError(INSTALL_HINT) from exc
            self._app = build_app(
                PsycopgConnector(conninfo=self.dsn),
                engine_for=self.engine_for,
                tenants=self.tenants,
                queue=self.queue,
                sync_cron=self.schedule.sync_cron,
                sweep_cron=self.schedule.sweep_cron,
                stalled_cron=self.schedule.stalled_cron,
                stalled_after=self.schedule.stalled_after,
                lease_retry_wait=self.schedule.lease_retry_wait,
                lease_retry_attempts=self.schedule.lease_retry_attempts,
                keep_jobs_hours=self.schedule.keep_jobs_hours,
            )
        return self._app

    # ------------------------------------------------------------------ schema

    def migrate(self) -> bool:
        """Create procrastinate's tables if they are missing (once, under an advisory lock,
        so several processes may call it) and bring the state store's schema up to date.
        Returns True when procrastinate's schema was created."""
        import psycopg

        self.store.tenants()  # opening the store applies its migrations
        created = False
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
            try:
                row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
                if row is None or row[0] is None:
                    conn.execute(self.app.schema_manager.get_schema())
                    created = True
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
        return created

    # ------------------------------------------------------------------ deferring

    @contextlib.contextmanager
    def opened(self) -> Iterator[Workers]:
        """Open the queue for deferring from synchronous code (a web app, a script)."""
        self.app.open()
        self._opened = True
        try:
            yield self
        finally:
            self._opened = False
            self.app.close()

    def _defer(self, task: str, tenant: str, reason: str) -> bool:
        from procrastinate.exceptions import AlreadyEnqueued

        from hubqbo.workers._jobs import tenant_lock

        if not self._opened:
            self.app.open()
            self._opened = True
        try:
            self.app.configure_task(
                task,
                lock=tenant_lock(tenant),
                queueing_lock=f"{task}:{tenant}",
                queue=self.queue,
            ).defer(tenant=tenant, reason=reason)
        except AlreadyEnqueued:
            return False
        return True

    def defer_sync(self, tenant: str, *, reason: str = "demand") -> bool:
        """Queue a run of ``tenant``; False when one is already waiting (it will see the
        same changes)."""
        from hubqbo.workers._jobs import JobNames

        return self._defer(JobNames.SYNC, tenant, reason)

    def defer_dirty(self, tenant: str) -> bool:
        """The webhook receiver's ``on_dirty`` hook: queue a run for the marked records."""
        return self.defer_sync(tenant, reason="webhook")

    def defer_sweep(self, tenant: str) -> bool:
        """Queue the tenant's sweep."""
        from hubqbo.workers._jobs import JobNames

        return self._defer(JobNames.SWEEP, tenant, "demand")

    # ------------------------------------------------------------------ running

    def run_worker(
        self,
        *,
        name: str | None = None,
        concurrency: int = 1,
        wait: bool = True,
        heartbeat: float = 10.0,
        **options: Any,
    ) -> None:
        """Run a worker in this process until SIGINT/SIGTERM (``wait=False``: until the
        queue is empty). ``concurrency`` jobs at once (each in a thread)."""
        self.app.run_worker(
            queues=[self.queue],
            name=name or _holder(),
            concurrency=concurrency,
            wait=wait,
            update_heartbeat_interval=heartbeat,
            stalled_worker_timeout=max(self.schedule.stalled_after, heartbeat * 3),
            **options,
        )

    def close(self) -> None:
        """Close the store (and the queue when opened for deferring)."""
        if self._opened and self._app is not None:
            self._app.close()
            self._opened = False
        if self._store is not None:
            self._store.close()
