"""Several real processes on one tenant, SIGKILL inside a transaction, a paused lease holder.

Both backends. The children (``tests/sync/_worker.py``) open their own stores on the database
the test names; the parent checks the store afterwards through the public API.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from hubqbo import LeaseHeld, Link, OperationOutcome, OperationState, RunStatus, StateChange
from hubqbo.sync._sql import SqlStateStore
from tests.sync._worker import batch_ops, open_store

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


def _child(*args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sync._worker", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=stdin,
        text=True,
        env=ENV,
        cwd=ROOT,
    )


def _wait_for(proc: subprocess.Popen[str], marker: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith(marker):
        proc.kill()
        raise AssertionError(
            f"child said {line!r}, stderr: {proc.stderr.read() if proc.stderr else ''}"
        )
    return line


def test_racing_processes_make_one_link_per_record_and_one_run_at_a_time(
    backend: str, store_target: str
) -> None:
    """Four processes claim the same 50 records, three rounds each: one link per record, no
    two runs ever open together, every lease epoch handed out once."""
    workers = [_child("race", backend, store_target, "acme", f"w{i}", "50") for i in range(4)]
    reports = []
    for proc in workers:
        out, err = proc.communicate(timeout=300)
        assert 0 == proc.returncode, err
        reports.append(json.loads(out))
    store = open_store(backend, store_target)
    links = store.links("acme", "customer")
    assert [f"h{i}" for i in range(50)] == sorted(
        (x.hubspot_id for x in links), key=lambda h: int(h[1:])
    )
    assert len(links) == len({x.qbo_id for x in links})
    owners = {x.qbo_id.split("-")[0] for x in links}
    claimed = {r["worker"] for r in reports if r["linked"]}
    assert owners == claimed
    assert sum(r["conflicts"] for r in reports) > 0  # the others' claims were refused
    epochs = [e for r in reports for e in r["epochs"]]
    assert sorted(epochs) == sorted(set(epochs))  # no epoch given to two holders
    runs = sorted(store.runs("acme", limit=100), key=lambda r: r.started_at)
    assert 12 == len(runs)
    assert {RunStatus.SUCCEEDED} == {r.status for r in runs}
    for earlier, later in itertools.pairwise(runs):
        assert earlier.ended_at is not None
        assert earlier.ended_at <= later.started_at  # never two open runs at once
    store.close()


def test_sigkill_inside_a_transaction_leaves_a_store_the_next_run_continues(
    backend: str, store_target: str
) -> None:
    """Killed after writing links inside the commit: none of it is stored; the operations are
    still in flight; after the lease expires the next holder re-sends them and applies."""
    child = _child("crash", backend, store_target, "acme", "100")
    _wait_for(child, "MID")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    store = open_store(backend, store_target)
    ops = store.operations("acme")
    assert (100, {(OperationState.IN_FLIGHT, 1)}) == (
        len(ops),
        {(o.state, o.attempts) for o in ops},
    )
    assert [] == store.links("acme", "customer")
    assert store.cursor("acme", "hubspot:contacts") is None
    if backend == "sqlite":
        with sqlite3.connect(store_target) as conn:
            assert [("ok",)] == conn.execute("PRAGMA integrity_check").fetchall()
    with pytest.raises(LeaseHeld):  # the dead holder's lease runs out first
        store.acquire_lease("acme", "next", ttl=dt.timedelta(seconds=60))
    lease = store.acquire_lease(
        "acme", "next", ttl=dt.timedelta(seconds=60), wait=dt.timedelta(seconds=30)
    )
    assert 2 == lease.epoch
    pending = store.operations("acme", states=[OperationState.IN_FLIGHT])
    assert [o.op_id for o in batch_ops("acme", 100)] == [o.op_id for o in pending]  # same keys
    resent = store.begin_operations(lease, [o.op_id for o in pending])
    store.commit(
        lease,
        StateChange(
            outcomes=[
                OperationOutcome(o.op_id, OperationState.APPLIED, remote_id="q") for o in resent
            ],
            links=[Link("customer", f"q{o.source_id}", o.source_id) for o in resent],
        ),
    )
    ops = store.operations("acme")
    assert {(OperationState.APPLIED, 2)} == {(o.state, o.attempts) for o in ops}
    assert 100 == len(store.links("acme", "customer"))
    store.close()


def test_a_paused_holder_cannot_write_after_a_take_over(backend: str, store_target: str) -> None:
    """SIGSTOP a holder past its lease, take the lease over, SIGCONT it: its write is refused."""
    child = _child("paused", backend, store_target, "acme", stdin=subprocess.PIPE)
    assert "READY 1" == _wait_for(child, "READY").strip()
    child.send_signal(signal.SIGSTOP)
    try:
        store: SqlStateStore = open_store(backend, store_target)
        lease = store.acquire_lease(
            "acme", "successor", ttl=dt.timedelta(seconds=60), wait=dt.timedelta(seconds=10)
        )
        assert 2 == lease.epoch
        store.commit(lease, StateChange(links=[Link("customer", "from-successor", "h1")]))
    finally:
        child.send_signal(signal.SIGCONT)
    assert child.stdin is not None
    child.stdin.write("go\n")
    child.stdin.flush()
    assert "LEASE_LOST" == _wait_for(child, "LEASE_LOST").strip()
    child.wait(timeout=30)
    assert ["from-successor"] == [x.qbo_id for x in store.links("acme", "customer")]
    store.close()
