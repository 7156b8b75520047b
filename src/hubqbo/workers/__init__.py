"""Many tenants on many workers: hubqbo's jobs on procrastinate, a PostgreSQL task queue
(``pip install 'hubqbo[workers]'``).

Why this shape: a service syncing many portal + company pairs needs them spread over
several processes and machines, on a schedule and on webhook demand, without ever syncing
one tenant twice at once. procrastinate keeps the jobs in the PostgreSQL that holds the state
store; a procrastinate ``lock`` per tenant runs its jobs one at a time, and the store's lease
with its epoch makes a second run impossible anyway (a killed worker's lease expires, the
next run takes over with a higher epoch, and anything the dead one still tried to write is
refused). Users with Celery, cron or another scheduler skip this package and call
``engine.run()`` / ``engine.sweep()``: the lease keeps that just as safe.

Jobs (queue ``hubqbo``): ``hubqbo.sync`` (a tenant's run: its dirty records, then the
change feed), ``hubqbo.sweep`` (the daily overdue sweep), and the periodic
``hubqbo.schedule_syncs``, ``hubqbo.schedule_sweeps`` and ``hubqbo.retry_stalled``. Each
finished job writes one structured log line (``log_run``).

Example:
    >>> workers = Workers("postgresql://hubqbo:secret@db/hubqbo", lambda t, s: None)
    >>> workers
    Workers('postgresql://hubqbo:***@db/hubqbo', queue='hubqbo')
    >>> workers.schedule.sync_cron
    '0 * * * *'
"""

from hubqbo.workers._log import log_run
from hubqbo.workers._workers import EngineFactory, Schedule, Workers

__all__ = ["EngineFactory", "Schedule", "Workers", "log_run"]
