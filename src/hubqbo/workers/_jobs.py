"""hubqbo's jobs on procrastinate: a tenant's sync, its dirty records, the daily sweep, and
the periodic jobs that schedule them (imported only with ``pip install 'hubqbo[workers]'``).

Why procrastinate: a PostgreSQL task queue already does what we need — jobs survive
restarts in the database the state store uses, ``lock`` runs no two jobs of one tenant at
once, ``queueing_lock`` keeps a burst of webhooks from queueing more than one job per
tenant, periodic jobs are deferred once however many workers run, and stalled jobs of a
killed worker can be found by its missing heartbeat. Correctness does not rest on it: every
run takes the tenant's lease in the store, and each state write checks the lease's epoch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import procrastinate
from procrastinate import RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued

from hubqbo.errors import LeaseHeld, StateStoreError
from hubqbo.sync import SyncEngine, SyncResult
from hubqbo.sync._sweep import SweepResult
from hubqbo.workers._log import log_run

__all__ = ["JobNames", "build_app", "tenant_lock"]

_log = logging.getLogger("hubqbo.workers")
# Housekeeping jobs jump the queue: a dead worker's tenant must not wait behind a backlog.
_HOUSEKEEPING = 10


class JobNames:
    """The task names in procrastinate's tables."""

    SYNC = "hubqbo.sync"
    SWEEP = "hubqbo.sweep"
    SCHEDULE_SYNCS = "hubqbo.schedule_syncs"
    SCHEDULE_SWEEPS = "hubqbo.schedule_sweeps"
    RETRY_STALLED = "hubqbo.retry_stalled"
    PRUNE_JOBS = "hubqbo.prune_jobs"


def tenant_lock(tenant: str) -> str:
    """The procrastinate lock every job of one tenant shares (one at a time)."""
    return f"hubqbo:tenant:{tenant}"


def _periodic(app: procrastinate.App, cron: str | None, periodic_id: str) -> Callable[[Any], Any]:
    """``app.periodic`` when ``cron`` is set; without it the task exists (to defer or call by
    hand) but nothing schedules it."""

    def register(task: Any) -> Any:
        if cron is None:
            return task
        return app.periodic(cron=cron, periodic_id=periodic_id)(task)

    return register


def build_app(
    connector: Any,
    *,
    engine_for: Callable[[str], SyncEngine],
    tenants: Callable[[], Iterable[str]],
    queue: str,
    sync_cron: str | None,
    sweep_cron: str | None,
    stalled_cron: str,
    stalled_after: float,
    lease_retry_wait: int,
    lease_retry_attempts: int,
    keep_jobs_hours: int,
) -> procrastinate.App:
    """The procrastinate ``App`` with hubqbo's tasks (see ``hubqbo.workers.Workers``)."""
    app = procrastinate.App(connector=connector)
    retry = RetryStrategy(
        max_attempts=lease_retry_attempts,
        wait=lease_retry_wait,
        retry_exceptions={LeaseHeld, StateStoreError},
    )

    def run_job(tenant: str, kind: str, reason: str, worker: str | None) -> None:
        started = time.monotonic()
        result: SyncResult | None = None
        try:
            # The factory builds the tenant's clients for this job; closing the engine closes
            # them, so a long-lived worker does not keep two connection pools per job.
            with engine_for(tenant) as engine:
                if kind == "sweep":
                    swept: SweepResult = engine.sweep()
                    result = swept.result
                    reason = f"{reason}:due={len(swept.due)}"
                else:
                    result = engine.run()
        except BaseException as exc:
            log_run(
                tenant=tenant,
                kind=kind,
                reason=reason,
                result=result,
                duration=time.monotonic() - started,
                error=exc,
                worker=worker,
            )
            raise
        log_run(
            tenant=tenant,
            kind=kind,
            reason=reason,
            result=result,
            duration=time.monotonic() - started,
            worker=worker,
        )

    @app.task(name=JobNames.SYNC, queue=queue, retry=retry, pass_context=True)
    def sync(context: procrastinate.JobContext, tenant: str, reason: str = "schedule") -> None:
        """One engine run for a tenant: what webhooks marked dirty, then the change feed."""
        run_job(tenant, "sync", reason, context.worker_name)

    @app.task(name=JobNames.SWEEP, queue=queue, retry=retry, pass_context=True)
    def sweep(context: procrastinate.JobContext, tenant: str, reason: str = "schedule") -> None:
        """The daily sweep for a tenant (invoices overdue by the date alone)."""
        run_job(tenant, "sweep", reason, context.worker_name)

    async def defer_each(task_name: str, reason: str) -> int:
        deferred = 0
        for tenant in tenants():
            try:
                await app.configure_task(
                    task_name,
                    lock=tenant_lock(tenant),
                    queueing_lock=f"{task_name}:{tenant}",
                    queue=queue,
                ).defer_async(tenant=tenant, reason=reason)
                deferred += 1
            except AlreadyEnqueued:
                continue
        return deferred

    @_periodic(app, sync_cron, "syncs")
    @app.task(
        name=JobNames.SCHEDULE_SYNCS,
        queue=queue,
        queueing_lock=JobNames.SCHEDULE_SYNCS,
        priority=_HOUSEKEEPING,
    )
    async def schedule_syncs(timestamp: int) -> int:
        """Queue a sync of every tenant (at most one per tenant waits in the queue)."""
        del timestamp
        return await defer_each(JobNames.SYNC, "schedule")

    @_periodic(app, sweep_cron, "sweeps")
    @app.task(
        name=JobNames.SCHEDULE_SWEEPS,
        queue=queue,
        queueing_lock=JobNames.SCHEDULE_SWEEPS,
        priority=_HOUSEKEEPING,
    )
    async def schedule_sweeps(timestamp: int) -> int:
        """Queue the sweep of every tenant (it does nothing before the company's midnight)."""
        del timestamp
        return await defer_each(JobNames.SWEEP, "schedule")

    @app.periodic(cron=stalled_cron, periodic_id="stalled")
    @app.task(
        name=JobNames.RETRY_STALLED,
        queue=queue,
        queueing_lock=JobNames.RETRY_STALLED,
        priority=_HOUSEKEEPING,
    )
    async def retry_stalled(timestamp: int) -> int:
        """Put back in the queue the jobs of workers whose heartbeat stopped (killed)."""
        del timestamp
        stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after)
        count = 0
        for job in stalled:
            if job.task_name in (JobNames.SYNC, JobNames.SWEEP):
                await app.job_manager.retry_job(job)
                count += 1
                _log.warning(
                    "job %s of %s was stalled (worker gone): queued again",
                    job.id,
                    job.task_kwargs.get("tenant"),
                )
        return count

    @app.periodic(cron="23 3 * * *", periodic_id="prune")
    @app.task(
        name=JobNames.PRUNE_JOBS,
        queue=queue,
        queueing_lock=JobNames.PRUNE_JOBS,
        priority=_HOUSEKEEPING,
    )
    async def prune_jobs(timestamp: int) -> None:
        """Delete finished jobs older than ``keep_jobs_hours`` (the run history stays in the
        state store; failed jobs are kept for a person to look at)."""
        del timestamp
        await app.job_manager.delete_old_jobs(nb_hours=keep_jobs_hours, queue=queue)

    del sync, sweep, schedule_syncs, schedule_sweeps, retry_stalled, prune_jobs
    return app
