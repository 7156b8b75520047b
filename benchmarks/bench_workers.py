"""Workers: tenants synced per minute with 1, 2 and 3 ``hubqbo worker`` processes.

Each round starts a throwaway PostgreSQL database (tests/_postgres.py), N tenants each with
its own HubSpot portal and QBO company served over loopback HTTP by this process (4
customers, 2 items, 2 invoices each: a first sync of 14 writes; 2 ms latency per answer;
HubSpot's per-portal limit; 3% of QBO requests answered 429 with Retry-After 0.2 s), queues
one sync per tenant, starts W worker processes and measures from the first job started to the
last job finished (procrastinate's job events). Every tenant is checked synced afterwards.

Usage (a few minutes on a quiet machine)::

    nice -n 10 python benchmarks/bench_workers.py --tenants 20 --workers 1 2 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from hubqbo.sync import PostgresStateStore  # noqa: E402
from hubqbo.workers import Workers  # noqa: E402
from tests._postgres import PostgresServer, running_server  # noqa: E402
from tests.workers import _world  # noqa: E402


def _span(dsn: str) -> float:
    """Seconds from the first sync job started to the last one finished."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT extract(epoch FROM max(e.at) FILTER (WHERE e.type = 'succeeded') "
            "- min(e.at) FILTER (WHERE e.type = 'started')) "
            "FROM procrastinate_events e JOIN procrastinate_jobs j ON j.id = e.job_id "
            "WHERE j.task_name = 'hubqbo.sync'"
        ).fetchone()
    return float(row[0]) if row and row[0] is not None else float("nan")


def one_round(server: PostgresServer, tenants: int, workers: int, log: Path) -> float:
    dsn = server.create_database()
    store = PostgresStateStore(dsn)
    try:
        with _world.start_world(tenants) as world:
            names = [t.name for t in world]
            env = _world.world_env(world, dsn)
            for t in world:
                store.connect_tenant(t.name, qbo_realm_id=t.realm)
            parent = Workers(dsn, _world.engine, tenants=lambda: names)
            parent.migrate()
            with parent.opened():
                for name in names:
                    parent.defer_sync(name)
            processes = [_world.start_worker(env, f"w{i}", log) for i in range(workers)]
            try:
                deadline = time.monotonic() + 900
                while _world.job_states(dsn).get("succeeded", 0) < tenants:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"not done: {_world.job_states(dsn)}")
                    time.sleep(0.2)
            finally:
                _world.stop_workers(processes)
            problems = [p for t in world for p in _world.synced(t)]
            if problems:
                raise RuntimeError(f"not synced: {problems}")
            return _span(dsn)
    finally:
        store.close()
        server.drop_database(dsn.rsplit("/", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp(prefix="bench-workers-")) / "workers.log"
    print(f"{args.tenants} tenants (first sync, 14 writes each); log: {log}")
    print("| workers | seconds | tenants per minute |")
    print("|---:|---:|---:|")
    with running_server() as server:
        for count in args.workers:
            seconds = one_round(server, args.tenants, count, log)
            rate = args.tenants / seconds * 60
            print(f"| {count} | {seconds:.1f} | {rate:.0f} |", flush=True)


if __name__ == "__main__":
    main()
