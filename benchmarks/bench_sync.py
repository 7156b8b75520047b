"""SyncEngine: HTTP requests against the documented minimum, CPU per record, peak memory.

A world of N QBO customers (every one with an e-mail), N/10 items and N/2 invoices of one line
each is synced into an empty HubSpot portal through the real HTTP clients and the in-process
sandboxes, with a SQLite state store in a temporary file. Three runs per N:

* full: the first run (backfill, initial linking, every create and association);
* incremental: k = N/100 customers changed, then a run (CDC per entity, k updates);
* idle: a run with nothing changed (zero writes).

Requests are counted at the transports. The documented minimum of a run is what the APIs'
limits force for the work it does: QBO reads at 1,000 records a page (plus the closing page a
page of exactly 1,000 needs), HubSpot record writes at 100 a batch, association creates at
2,000 a batch, the initial linking's contact and product listing at 100 a page; the one-time
property set-up and company/portal settings (a few dozen requests, independent of N) are
counted apart. CPU is ``time.process_time`` of the run, split into the SDK (engine + clients)
and the in-process sandboxes (measured inside their transports); peak memory is the process's
peak resident set (sandboxes included; each N in a fresh process).

Usage (about a minute at 10,000 on a quiet machine)::

    nice -n 10 python benchmarks/bench_sync.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hubqbo.hubspot import HubSpotClient
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sync import ObjectSync, SQLiteStateStore, SyncConfig, SyncEngine

START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)
SETUP_PATHS = ("/crm/properties/", "/account-info/", "/settings/", "/preferences", "/companyinfo")


class Counting(httpx.BaseTransport):
    """Counts requests (set-up apart) and the CPU spent inside the wrapped sandbox."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.work = 0
        self.setup = 0
        self.by: collections.Counter[str] = collections.Counter()
        self.cpu = 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if any(p in path for p in SETUP_PATHS):
            self.setup += 1
        else:
            self.work += 1
            self.by[f"{request.method} {path.rsplit('/', 2)[-2]}/{path.rsplit('/', 1)[-1]}"] += 1
        started = time.process_time()
        try:
            return self.inner.handle_request(request)
        finally:
            self.cpu += time.process_time() - started

    def reset(self) -> None:
        self.work = self.setup = 0
        self.cpu = 0.0
        self.by.clear()


def _pages(n: int, size: int) -> int:
    """Pages to read n records when a full last page needs one more (empty) page."""
    return n // size + 1


def _world(n: int) -> tuple[Any, ...]:
    clock = ManualClock(START)
    qbo = QuickBooksSandbox(clock=clock)
    realm = qbo.add_realm(country="US")
    hs = HubSpotSandbox(clock=clock, time_zone="America/New_York", company_currency="USD")
    items = [qbo.add_item(realm, f"Item {i}", 10 + i % 90, Sku=f"SKU-{i}") for i in range(n // 10)]
    customers = []
    for i in range(n):
        c = qbo.add_customer(
            realm,
            f"Customer {i}",
            GivenName=f"G{i}",
            PrimaryEmailAddr={"Address": f"c{i}@b.example"},
        )
        customers.append(c)
        if i % 2 == 0:
            qbo.add_invoice(realm, c, [(items[i % len(items)], 1 + i % 3, 10 + i % 50)])
    q, h = Counting(qbo), Counting(hs)
    token = "sandbox"  # noqa: S105 - the sandboxes accept any token
    ledger = QuickBooksClient(
        realm_id=realm, access_token=token, transport=q, clock=clock, sleep=clock.sleep
    )
    crm = HubSpotClient(
        access_token=token, transport=h, clock=clock, sleep=clock.sleep, rate_limits="api_add_on"
    )
    return clock, qbo, realm, q, h, ledger, crm, customers


def _minimum_full(n: int) -> dict[str, int]:
    items, invoices = n // 10, n // 2
    return {
        "qbo reads": _pages(n, 1000) + _pages(items, 1000) + _pages(invoices, 1000),
        "hubspot linking reads": 2,  # empty portal: one page of contacts, one of products
        "hubspot record writes": sum(math.ceil(x / 100) for x in (n, items, invoices, invoices)),
        "hubspot association writes": 2 * math.ceil(invoices / 2000),
        "hubspot deal lookups": math.ceil(invoices / 1000),
    }


def _minimum_incremental(k: int) -> dict[str, int]:
    return {
        "qbo cdc": 3,  # one per entity
        "hubspot record writes": math.ceil(k / 100),
        "hubspot linking reads": 0,
    }


def measure(n: int) -> dict[str, Any]:
    clock, qbo, realm, q, h, ledger, crm, customers = _world(n)
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStateStore(Path(tmp) / "state.db")
        engine = SyncEngine(
            crm,
            ledger,
            state=store,
            tenant="bench",
            config=SyncConfig(invoices=ObjectSync()),
            now=clock.now,
        )
        out: dict[str, Any] = {"n": n}
        for phase in ("full", "incremental", "idle"):
            if phase == "incremental":
                for c in customers[: max(1, n // 100)]:
                    qbo.update(realm, "Customer", c, {"GivenName": "Changed"})
            clock.advance(seconds=300)
            q.reset()
            h.reset()
            started = time.process_time()
            result = engine.run()
            cpu = time.process_time() - started
            assert result.ok, result.errors
            sandbox = q.cpu + h.cpu
            out[phase] = {
                "applied": result.applied,
                "requests": q.work + h.work,
                "setup_requests": q.setup + h.setup,
                "qbo": dict(q.by),
                "hubspot": dict(h.by),
                "cpu_total_s": round(cpu, 3),
                "cpu_sdk_s": round(cpu - sandbox, 3),
                "cpu_sdk_us_per_record": round((cpu - sandbox) / max(1, result.applied) * 1e6, 1),
            }
        store.close()
    full_min = _minimum_full(n)
    out["full"]["minimum"] = sum(full_min.values())
    out["full"]["minimum_parts"] = full_min
    inc_min = _minimum_incremental(max(1, n // 100))
    out["incremental"]["minimum"] = sum(inc_min.values())
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    print(
        f"{'N':>7} {'phase':<12} {'applied':>8} {'requests':>9} {'minimum':>8} {'ratio':>6} "
        f"{'setup':>6} {'SDK CPU s':>10} {'µs/record':>10} {'peak MB':>8}"
    )
    for n in args.sizes:
        done = subprocess.run(  # noqa: S603 - this script, this interpreter
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        row = json.loads(done.stdout)
        for phase in ("full", "incremental", "idle"):
            r = row[phase]
            minimum = r.get("minimum")
            ratio = f"{r['requests'] / minimum:.2f}" if minimum else "-"
            print(
                f"{n:>7} {phase:<12} {r['applied']:>8} {r['requests']:>9} "
                f"{minimum if minimum is not None else '-':>8} {ratio:>6} {r['setup_requests']:>6} "
                f"{r['cpu_sdk_s']:>10} {r['cpu_sdk_us_per_record']:>10} "
                f"{row['peak_rss_mb'] if phase == 'full' else '':>8}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
