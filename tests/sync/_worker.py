"""Child processes of the concurrency and crash tests (``python -m tests.sync._worker ...``).

Each command opens its own store on the database the parent names, does its part, and reports
on stdout (one JSON line, or marker lines the parent waits for).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from typing import Any

from hubqbo import (
    Cursor,
    LeaseLost,
    Link,
    LinkConflict,
    Operation,
    OperationOutcome,
    OperationState,
    RunStatus,
    StateChange,
)
from hubqbo.sync import PostgresStateStore, SQLiteStateStore
from hubqbo.sync._sql import SqlStateStore


def open_store(backend: str, target: str) -> SqlStateStore:
    """The backend's store on ``target``."""
    if backend == "postgres":
        return PostgresStateStore(target)
    return SQLiteStateStore(target)


def batch_ops(tenant: str, n: int) -> list[Operation]:
    """The ``n`` operations the crash test journals (ids from their identity)."""
    return [
        Operation.plan(tenant, "customer", f"h{i}", "1", "create:Customer", target="quickbooks")
        for i in range(n)
    ]


def race(backend: str, target: str, tenant: str, worker: str, records: int) -> dict[str, Any]:
    """Three rounds of: lease, run, link every unlinked record to this worker's QBO ids."""
    store = open_store(backend, target)
    store.connect_tenant(tenant, hubspot_portal_id="1", qbo_realm_id="2")
    linked: list[str] = []
    epochs: list[int] = []
    conflicts = 0
    for _ in range(3):
        lease = store.acquire_lease(
            tenant, worker, ttl=dt.timedelta(seconds=60), wait=dt.timedelta(seconds=90)
        )
        epochs.append(lease.epoch)
        run = store.start_run(lease)
        for start in range(0, records, 10):
            # No look first: every worker claims every record; the store must refuse all but one.
            todo = [Link("customer", f"{worker}-h{i}", f"h{i}") for i in range(start, start + 10)]
            try:
                store.commit(lease, StateChange(links=todo))
                linked.extend(x.hubspot_id for x in todo)
            except LinkConflict:
                conflicts += 1
        store.finish_run(lease, run.run_id, status=RunStatus.SUCCEEDED, counts={"linked": 1})
        store.release_lease(lease)
        time.sleep(0.01)
    store.close()
    return {"worker": worker, "linked": linked, "epochs": epochs, "conflicts": conflicts}


def crash(backend: str, target: str, tenant: str, n: int) -> None:
    """Journal ``n`` operations in flight, then stop inside the commit transaction that
    applies them (after its links were written), printing MID for the parent's SIGKILL."""
    store = open_store(backend, target)
    store.connect_tenant(tenant)
    lease = store.acquire_lease(tenant, "doomed", ttl=dt.timedelta(seconds=2))
    ops = store.journal(lease, batch_ops(tenant, n), begin=True)
    original = store._cursors

    def stall(*args: Any) -> None:
        original(*args)
        print("MID", flush=True)
        time.sleep(120)

    store._cursors = stall  # type: ignore[method-assign]
    store.commit(
        lease,
        StateChange(
            outcomes=[
                OperationOutcome(o.op_id, OperationState.APPLIED, remote_id="x") for o in ops
            ],
            links=[Link("customer", f"q{o.source_id}", o.source_id) for o in ops],
            cursors=[Cursor("hubspot:contacts", "after-crash")],
        ),
    )
    print("NOT KILLED", flush=True)


def paused(backend: str, target: str, tenant: str) -> None:
    """Take the lease (1 s), say READY, wait for a line on stdin, then try to write."""
    store = open_store(backend, target)
    store.connect_tenant(tenant)
    lease = store.acquire_lease(tenant, "sleeper", ttl=dt.timedelta(seconds=1))
    print(f"READY {lease.epoch}", flush=True)
    sys.stdin.readline()
    try:
        store.commit(lease, StateChange(links=[Link("customer", "from-sleeper", "h1")]))
        print("WROTE", flush=True)
    except LeaseLost:
        print("LEASE_LOST", flush=True)
    store.close()


def main(argv: list[str]) -> None:
    """Dispatch one command."""
    command, backend, target, tenant, *rest = argv
    if command == "race":
        print(json.dumps(race(backend, target, tenant, rest[0], int(rest[1]))), flush=True)
    elif command == "crash":
        crash(backend, target, tenant, int(rest[0]))
    elif command == "paused":
        paused(backend, target, tenant)
    else:  # pragma: no cover - a test bug
        raise SystemExit(f"unknown command {command}")
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
