"""The state store's cost at 100,000 records, in the batch sizes the engine uses (issue 10).

For each backend (SQLite file; PostgreSQL started here with fsync on, as in production) and
100 records per transaction, as one provider batch:

* links upsert: ``commit(StateChange(links=100 links))`` (a ~120-byte base snapshot each);
* links read: ``links(tenant, kind, hubspot_ids=100 ids)``;
* journal: ``journal(100 operations, begin=True)`` then ``commit`` of their 100 outcomes —
  the two transactions a batch costs (in flight before the call, applied after);
* engine batch: the same plus the 100 links and the cursor in the applying commit (what a full
  sync of 100,000 records costs the store: 2 transactions per 100 records);
* journal read: the whole journal once (the scan a crashed run's successor starts with).

Figures: wall time, rows per second, CPU seconds of the client (``time.process_time``) and of
the PostgreSQL server processes (``/proc``), CPU per row (both), and the client's peak Python
memory (``tracemalloc``, measured in a second pass so it does not slow the timed one). On a
shared, loaded machine the wall time mostly measures waiting for a CPU; the CPU figures are
what the store itself costs.

Usage::

    nice -n 10 python benchmarks/bench_state.py                 # 100,000 rows, both backends
    nice -n 10 python benchmarks/bench_state.py --rows 20000 --backend sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from hubqbo import (  # noqa: E402
    Cursor,
    Link,
    Operation,
    OperationOutcome,
    OperationState,
    StateChange,
)
from hubqbo.idempotency import canonical_json  # noqa: E402
from hubqbo.sync import PostgresStateStore, SQLiteStateStore  # noqa: E402
from hubqbo.sync._sql import SqlStateStore  # noqa: E402

BATCH = 100
TENANT = "bench"


def _base(i: int) -> str:
    return canonical_json(
        {
            "email": f"person{i}@example.com",
            "firstname": f"First{i}",
            "lastname": f"Last{i}",
            "phone": f"+1 555 {i:07d}",
        }
    )


def _batches(rows: int) -> Iterator[range]:
    for start in range(0, rows, BATCH):
        yield range(start, min(rows, start + BATCH))


def links_upsert(store: SqlStateStore, rows: int, kind: str = "contact") -> None:
    lease = store.acquire_lease(TENANT, "bench", ttl=dt.timedelta(hours=1))
    for batch in _batches(rows):
        sync_version = "0"  # the QBO SyncToken last seen
        links = [Link(kind, f"q{i}", f"h{i}", sync_version, base=_base(i)) for i in batch]
        store.commit(lease, StateChange(links=links))


def links_read(store: SqlStateStore, rows: int, kind: str = "contact") -> None:
    for batch in _batches(rows):
        found = store.links(TENANT, kind, hubspot_ids=[f"h{i}" for i in batch])
        assert len(found) == len(batch)


def _ops(batch: range, tag: str) -> list[Operation]:
    return [
        Operation.plan(TENANT, "customer", f"h{i}", tag, "create:Customer", target="quickbooks")
        for i in batch
    ]


def journal(store: SqlStateStore, rows: int, tag: str = "j") -> None:
    lease = store.acquire_lease(TENANT, "bench", ttl=dt.timedelta(hours=1))
    for batch in _batches(rows):
        ops = store.journal(lease, _ops(batch, tag), begin=True)
        outcomes = [
            OperationOutcome(o.op_id, OperationState.APPLIED, remote_id=f"r{o.source_id}")
            for o in ops
        ]
        store.commit(lease, StateChange(outcomes=outcomes))


def engine_batches(store: SqlStateStore, rows: int) -> None:
    lease = store.acquire_lease(TENANT, "bench", ttl=dt.timedelta(hours=1))
    for n, batch in enumerate(_batches(rows)):
        ops = store.journal(lease, _ops(batch, "e"), begin=True)
        store.commit(
            lease,
            StateChange(
                outcomes=[
                    OperationOutcome(o.op_id, OperationState.APPLIED, remote_id=f"c{o.source_id}")
                    for o in ops
                ],
                links=[Link("customer", f"c{i}", f"h{i}", base=_base(i)) for i in batch],
                cursors=[Cursor("hubspot:contacts", f"{n:08d}")],
            ),
        )


def journal_read(store: SqlStateStore, rows: int) -> None:
    assert len(store.operations(TENANT)) >= rows


PHASES: list[tuple[str, Callable[[SqlStateStore, int], None], int]] = [
    ("links upsert", links_upsert, 1),
    ("links read", links_read, 1),
    ("journal (plan+begin, apply)", journal, 2),
    ("engine batch (journal + outcomes, links, cursor)", engine_batches, 2),
    ("journal read (all rows)", journal_read, 0),
]


@contextmanager
def _backend(
    name: str, workdir: Path
) -> Iterator[tuple[Callable[[], SqlStateStore], Callable[[], float]]]:
    """A factory of fresh stores, and a clock of the server's CPU seconds (0 for SQLite)."""
    if name == "sqlite":
        counter = iter(range(1000))
        yield (lambda: SQLiteStateStore(workdir / f"state-{next(counter)}.sqlite3")), float
        return
    from tests._postgres import PostgresServer

    server = PostgresServer.start(fsync=True)
    try:
        yield (lambda: PostgresStateStore(server.create_database())), server.cpu_seconds
    finally:
        server.stop()


def _fresh(factory: Callable[[], SqlStateStore]) -> SqlStateStore:
    store = factory()
    store.connect_tenant(TENANT)
    return store


Result = tuple[str, float, float, float, float, float, int, int]


def run(backend: str, rows: int) -> list[Result]:
    """(phase, wall s, rows/s, client CPU s, server CPU s, CPU µs per row, transactions,
    peak bytes)."""
    results: list[Result] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-state-") as tmp,
        _backend(backend, Path(tmp)) as (factory, server_cpu),
    ):
        timed, traced = _fresh(factory), _fresh(factory)
        for label, phase, per_batch in PHASES:
            wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
            phase(timed, rows)
            wall = time.perf_counter() - wall
            cpu, server = time.process_time() - cpu, server_cpu() - server
            tracemalloc.start()
            phase(traced, rows)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            txs = per_batch * -(-rows // BATCH) if per_batch else 1
            per_row = (cpu + server) / rows * 1e6
            results.append((label, wall, rows / wall, cpu, server, per_row, txs, peak))
        timed.close()
        traced.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"{args.rows:,} rows, {BATCH} per transaction, Python {sys.version.split()[0]}\n")
    print(
        "| backend | phase | wall s | rows/s (wall) | client CPU s | server CPU s "
        "| CPU µs/row | transactions | peak MiB |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in backends:
        for label, wall, rate, cpu, server, per_row, txs, peak in run(backend, args.rows):
            print(
                f"| {backend} | {label} | {wall:.2f} | {rate:,.0f} | {cpu:.2f} | {server:.2f} "
                f"| {per_row:.1f} | {txs:,} | {peak / 2**20:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
