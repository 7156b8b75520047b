"""Many tenants on sandboxes served over HTTP by one parent process, and the ``Workers`` the
worker processes load (``hubqbo worker --app tests.workers._world:workers``).

The parent (a test or benchmarks/bench_workers.py) builds the world with ``start_world``
and hands it to the workers through the environment: ``HUBQBO_TEST_DSN`` (the queue and
store) and ``HUBQBO_TEST_WORLD`` (each tenant's served URLs and realm). Every tenant has its
own HubSpot portal and QBO company with real per-portal and per-realm rate limits, latency
on every answer, and random 429s with Retry-After from QBO.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from hubqbo.hubspot import HubSpotClient
from hubqbo.protocols import Run, RunStatus, StateStore
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import (
    Fault,
    FaultPlan,
    HubSpotSandbox,
    QuickBooksSandbox,
    ServedSandboxes,
    serve_sandboxes,
)
from hubqbo.sync import ObjectSync, SyncConfig, SyncEngine
from hubqbo.workers import Schedule, Workers

ROOT = Path(__file__).resolve().parents[2]
CONFIG = SyncConfig(invoices=ObjectSync())
# Seconds, small so a killed worker's tenant is taken over quickly in tests.
LEASE_TTL = dt.timedelta(seconds=4)
# No periodic pass or sweep: the tests queue what they want (a pass at the top of the hour would
# add jobs to count).
TEST_SCHEDULE = Schedule(
    sync_every_minutes=None,
    sweep_cron=None,
    stalled_cron="* * * * * */1",
    stalled_after=3.0,
    lease_retry_wait=1,
    lease_retry_attempts=120,
)


def _world() -> dict[str, dict[str, str]]:
    return dict(json.loads(os.environ.get("HUBQBO_TEST_WORLD", "{}")))


def engine(tenant: str, store: StateStore) -> SyncEngine:
    """A tenant's engine over HTTP to its served sandboxes (what a service's factory does
    with real credentials)."""
    where = _world()[tenant]
    return SyncEngine(
        HubSpotClient(access_token="pat-test", base_url=where["hubspot"]),
        QuickBooksClient(realm_id=where["realm"], access_token="t", base_url=where["quickbooks"]),
        state=store,
        tenant=tenant,
        config=CONFIG,
        holder=f"worker:{os.getpid()}",
        lease_ttl=LEASE_TTL,
    )


def workers() -> Workers:
    """What ``hubqbo worker --app tests.workers._world:workers`` runs."""
    return Workers(
        os.environ["HUBQBO_TEST_DSN"],
        engine,
        tenants=lambda: sorted(_world()),
        schedule=TEST_SCHEDULE,
    )


# --------------------------------------------------------------------------- the parent


@attrs.define
class Tenant:
    name: str
    hubspot: HubSpotSandbox
    quickbooks: QuickBooksSandbox
    realm: str
    served: ServedSandboxes
    customers: list[str]


def _seed(qbo: QuickBooksSandbox, realm: str, index: int, customers: int) -> list[str]:
    ids = []
    items = [qbo.add_item(realm, f"Service {k}", 100 + k, Sku=f"S{index}-{k}") for k in range(2)]
    for k in range(customers):
        cid = qbo.add_customer(
            realm,
            f"Customer {index}-{k}",
            GivenName=f"Given{k}",
            PrimaryEmailAddr={"Address": f"c{k}@t{index}.example"},
        )
        ids.append(cid)
        if k < 2:
            qbo.add_invoice(realm, cid, [(items[k], 1, 100 + k)])
    return ids


@contextlib.contextmanager
def start_world(
    count: int,
    *,
    customers: int = 4,
    latency: float = 0.002,
    qbo_429_rate: float = 0.03,
    hubspot_per_ten_seconds: int = 100,
    seed: int = 0,
) -> Iterator[list[Tenant]]:
    """``count`` tenants, each with its own served portal and company."""
    tenants: list[Tenant] = []
    try:
        for i in range(count):
            hs = HubSpotSandbox(
                rate_limit_per_ten_seconds=hubspot_per_ten_seconds, portal_id=70000 + i
            )
            qbo = QuickBooksSandbox(
                faults=FaultPlan.random(
                    rate=qbo_429_rate, faults=[Fault.rate_limit(retry_after=0.2)], seed=seed + i
                )
            )
            realm = qbo.add_realm(country="US", realm_id=str(9130_0000_0000_0000 + i))
            qbo.faults = FaultPlan.none()
            ids = _seed(qbo, realm, i, customers)
            qbo.faults = FaultPlan.random(
                rate=qbo_429_rate, faults=[Fault.rate_limit(retry_after=0.2)], seed=seed + i
            )
            served = serve_sandboxes(hs, qbo, latency=latency, webhook_interval=60.0)
            tenants.append(Tenant(f"t{i:02d}", hs, qbo, realm, served, ids))
        yield tenants
    finally:
        for tenant in tenants:
            tenant.served.close()


def world_env(tenants: Sequence[Tenant], dsn: str) -> dict[str, str]:
    """The environment of a worker process."""
    world = {
        t.name: {
            "hubspot": t.served.hubspot_url,
            "quickbooks": t.served.quickbooks_url,
            "realm": t.realm,
        }
        for t in tenants
    }
    env = dict(os.environ)
    env["HUBQBO_TEST_WORLD"] = json.dumps(world)
    env["HUBQBO_TEST_DSN"] = dsn
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return env


def start_worker(env: Mapping[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    """One ``hubqbo worker`` process."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hubqbo.cli",
                "worker",
                "--app",
                "tests.workers._world:workers",
                "--name",
                name,
                "--heartbeat",
                "0.5",
            ],
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )


def stop_workers(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (the current job finishes), then SIGKILL after 20 s."""
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for p in processes:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def job_states(dsn: str, task: str = "hubqbo.sync") -> dict[str, int]:
    """procrastinate's jobs of ``task`` by status."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT status::text, count(*) FROM procrastinate_jobs WHERE task_name = %s "
            "GROUP BY status",
            (task,),
        ).fetchall()
    return {str(status): int(n) for status, n in rows}


def overlapping(runs: Sequence[Run]) -> list[tuple[str, str]]:
    """Pairs of one tenant's runs whose [started, ended] intervals overlap."""
    spans = sorted(
        (r.started_at, r.ended_at or dt.datetime.max.replace(tzinfo=dt.timezone.utc), r.run_id)
        for r in runs
    )
    return [(a[2], b[2]) for a, b in itertools.pairwise(spans) if b[0] < a[1]]


def synced(tenant: Tenant) -> list[str]:
    """What is wrong with a tenant's portal (empty: every customer is one contact, every
    invoice one HubSpot invoice, no duplicate)."""
    problems: list[str] = []
    contacts = tenant.hubspot.records("contacts")
    refs = [str((c.get("properties") or {}).get("hubqbo_id") or "") for c in contacts]
    wanted = {f"{tenant.realm}:{cid}" for cid in tenant.customers}
    if sorted(refs) != sorted(wanted):
        problems.append(f"{tenant.name}: contacts {sorted(refs)} != {sorted(wanted)}")
    invoices = tenant.hubspot.records("invoices")
    inv_refs = [str((r.get("properties") or {}).get("qbo_invoice_ref") or "") for r in invoices]
    if len(inv_refs) != len(set(inv_refs)) or len(inv_refs) != 2:
        problems.append(f"{tenant.name}: invoices {inv_refs}")
    products = tenant.hubspot.records("products")
    if len(products) != 2:
        problems.append(f"{tenant.name}: {len(products)} products")
    return problems


def last_status(runs: Sequence[Run]) -> RunStatus | None:
    """The newest run's status."""
    return runs[0].status if runs else None


def kill_one_mid_run(
    store: StateStore,
    tenants: Sequence[str],
    processes: Mapping[int, subprocess.Popen[bytes]],
    *,
    after: float = 0.0,
    timeout: float = 60.0,
) -> tuple[int, str] | None:
    """After ``after`` seconds, SIGKILL the worker holding an open run (found by its lease
    holder, ``worker:pid``); returns (pid, tenant), None when no run was caught open."""
    time.sleep(after)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name in tenants:
            run: Any = store.open_run(name)
            if run is None:
                continue
            pid = int(str(run.holder).rsplit(":", 1)[1])
            process = processes.get(pid)
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return pid, name
        time.sleep(0.01)
    return None
