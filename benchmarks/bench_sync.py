"""SyncEngine: HTTP requests against the documented minimum, CPU per record, peak memory, and
the SDK's CPU as a share of the wall time the providers' rate limits force.

A world of N QBO customers (every one with an e-mail), N/10 items and N/2 invoices of one line
each is synced into an empty HubSpot portal through the real HTTP clients and a SQLite state
store in a temporary file. Three runs per N, **each in a fresh process of its own**:

* full: the first run (backfill, initial linking, every create and association);
* incremental: k = N/100 customers changed, then a run (CDC per entity, k updates);
* idle: a run with nothing changed (zero writes).

By default the bench's own process holds both sandboxes and serves them over loopback HTTP
(``serve_sandboxes``); the run's process holds only the SDK (engine, mapping, clients, HTTP,
store), so its CPU (``time.process_time``) and its peak RSS (``VmHWM``, reset before the run)
are the SDK's alone. The served sandboxes' clock stands still during a run and their own rate
limits are off: the clients pace on a manual clock of their own, and the answers are counted
(no 429 expected). ``--in-process`` runs the sandboxes inside the SDK's process instead, as
this bench first did (their CPU measured inside their transports and taken off; their world
``gc.freeze()``-d before each run; RSS then includes their N records).

Requests are counted at the transports. The documented minimum of a run is what the APIs'
limits force for the work it does: QBO reads at 1,000 records a page (plus the closing page a
page of exactly 1,000 needs), HubSpot record writes at 100 a batch, association creates at
2,000 a batch, the initial linking's contact and product listing at 100 a page; the one-time
property set-up and company/portal settings (a few dozen requests, independent of N) are
counted apart.

Rate-limited time: from each run's request counts (set-up left out) and the windows the
clients pace with (``hubqbo.quickbooks`` ``PACING_WINDOWS``: 500 requests a minute, 10 a
second, 40 batches a minute per realm; HubSpot ``RateLimits``: per 10 s, by tier, and 5
searches a second), per provider, the larger of the two: *sustained* is the requests at the
windows' steady rate, *burst* lets every window start empty (``limit`` requests at once). The
bench's HubSpot client uses the ``api_add_on`` tier (250 / 10 s); figures for ``free``
(100 / 10 s, the client's default) are given too.

Usage (about a minute at 10,000 on a quiet machine; N = 100,000 takes several minutes and
about 2 GB for the served world)::

    nice -n 10 python benchmarks/bench_sync.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import gc
import json
import math
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hubqbo._http import RateWindow
from hubqbo.hubspot import HubSpotClient, RateLimits
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.quickbooks._client import PACING_WINDOWS as QBO_WINDOWS
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox, serve_sandboxes
from hubqbo.sync import ObjectSync, SQLiteStateStore, SyncConfig, SyncEngine

START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)
BENCH_TIER = "api_add_on"
"""The HubSpot tier the clients pace for (250 requests / 10 s); figures for ``free`` (the
default, 100 / 10 s) are given too."""
FREEZE = True
"""``gc.freeze()`` what exists before each run (the sandboxes' N records, ``--no-freeze`` to
keep them): otherwise the collector's full passes over the sandboxes' world are billed to the
SDK (about a fifth of its CPU at 10,000)."""
SETUP_PATHS = ("/crm/properties/", "/account-info/", "/settings/", "/preferences", "/companyinfo")


class Counting(httpx.BaseTransport):
    """Counts requests (set-up apart) and the CPU spent inside the wrapped sandbox."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.work = 0
        self.setup = 0
        self.by: collections.Counter[str] = collections.Counter()
        self.cpu = 0.0
        self.searches = 0
        self.batches = 0
        self.statuses: collections.Counter[int] = collections.Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if any(p in path for p in SETUP_PATHS):
            self.setup += 1
        else:
            self.work += 1
            self.by[f"{request.method} {path.rsplit('/', 2)[-2]}/{path.rsplit('/', 1)[-1]}"] += 1
        self.searches += path.endswith("/search")
        self.batches += path.endswith("/batch")
        started = time.process_time()
        try:
            answer = self.inner.handle_request(request)
        finally:
            self.cpu += time.process_time() - started
        self.statuses[answer.status_code] += 1
        return answer

    def reset(self) -> None:
        self.work = self.setup = self.searches = self.batches = 0
        self.cpu = 0.0
        self.statuses.clear()
        self.by.clear()


def _pages(n: int, size: int) -> int:
    """Pages to read n records when a full last page needs one more (empty) page."""
    return n // size + 1


def _clients(clock: ManualClock, qbo: QuickBooksSandbox, realm: str, hs: HubSpotSandbox) -> Any:
    q, h = Counting(qbo), Counting(hs)
    token = "sandbox"  # noqa: S105 - the sandboxes accept any token
    ledger = QuickBooksClient(
        realm_id=realm, access_token=token, transport=q, clock=clock, sleep=clock.sleep
    )
    crm = HubSpotClient(
        access_token=token, transport=h, clock=clock, sleep=clock.sleep, rate_limits=BENCH_TIER
    )
    return q, h, ledger, crm


def _world(n: int, *, served: bool = False) -> tuple[Any, ...]:
    """N customers with e-mails, N/10 items, N/2 one-line invoices. Served, the sandboxes'
    clock stands still during a run (the client's pacer keeps its own): their own limits are
    off, the client paces for them (and is checked to get no 429)."""
    clock = ManualClock(START)
    qbo = QuickBooksSandbox(clock=clock, requests_per_minute=10**9 if served else 500)
    realm = qbo.add_realm(country="US")
    hs = HubSpotSandbox(
        clock=clock,
        time_zone="America/New_York",
        company_currency="USD",
        enforce_rate_limits=not served,
    )
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
    return clock, qbo, realm, hs, customers


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


# --------------------------------------------------------------------------- rate limits


def _forced(requests: int, window: RateWindow) -> float:
    """Seconds a sliding window forces on ``requests`` sent as fast as it allows: the first
    ``limit`` go at once, each later one waits for the request ``limit`` before it to age out
    (the (j*limit + 1)-th request goes ``j * period`` after the first)."""
    return (requests - 1) // window.limit * window.period if requests > 0 else 0.0


def _sustained(requests: int, window: RateWindow) -> float:
    """Seconds ``requests`` take at the window's steady rate (``limit`` per ``period``): what
    the limits cost a tenant synced again and again, or a run long enough to use many windows."""
    return requests * window.period / window.limit


def _limit_seconds(
    qbo_requests: int, qbo_batches: int, hs_requests: int, hs_searches: int, tier: str
) -> dict[str, float]:
    """The least wall time the providers' limits force on a run's requests (the clients' own
    pacing windows; the one-time set-up requests left out), per provider; the two are paced
    independently, so a run needs at least the larger. ``forced``: every window starting
    empty (a burst of ``limit`` at once); ``sustained``: at the steady rate."""
    qbo_w = QBO_WINDOWS
    hs_w = RateLimits.tier(tier).windows()
    out: dict[str, float] = {}
    for how, f in (("forced", _forced), ("sustained", _sustained)):
        qbo_s = max(
            f(qbo_requests, qbo_w["requests"]),
            f(qbo_requests, qbo_w["second"]),
            f(qbo_batches, qbo_w["batch"]),
        )
        hs_s = max(f(hs_requests, hs_w["requests"]), f(hs_searches, hs_w["search"]))
        out[f"{how}_qbo_s"] = round(qbo_s, 2)
        out[f"{how}_hubspot_s"] = round(hs_s, 2)
        out[f"{how}_s"] = round(max(qbo_s, hs_s), 2)
    return out


# --------------------------------------------------------------------------- memory


def _rss_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) of this process, in MB."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    if found is None:  # not Linux: the process's lifetime peak
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(found.group(1)) / 1024


def _reset_peak() -> None:
    """Start a new peak (Linux: ``clear_refs`` 5 resets ``VmHWM`` to the current RSS)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


# --------------------------------------------------------------------------- one run


class GcTimer:
    """CPU spent in the garbage collector while counting (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started


def _run(
    engine: SyncEngine, clock: ManualClock, q: Counting, h: Counting, *, served: bool = False
) -> dict[str, Any]:
    if not served:
        clock.advance(seconds=300)
    q.reset()
    h.reset()
    gc.collect()
    if FREEZE and not served:
        gc.freeze()  # the sandboxes' world, which a real SDK process does not hold
    _reset_peak()
    rss_before = _rss_mb("VmRSS")
    collector = GcTimer()
    gc.callbacks.append(collector)
    started = time.process_time()
    try:
        result = engine.run()
    finally:
        cpu = time.process_time() - started
        gc.callbacks.remove(collector)
    peak = _rss_mb("VmHWM")
    assert result.ok, result.errors
    sandbox = 0.0 if served else q.cpu + h.cpu
    out: dict[str, Any] = {
        "statuses": dict(q.statuses + h.statuses),
        "applied": result.applied,
        "requests": q.work + h.work,
        "setup_requests": q.setup + h.setup,
        "qbo": dict(q.by),
        "hubspot": dict(h.by),
        "cpu_total_s": round(cpu, 3),
        "cpu_sdk_s": round(cpu - sandbox, 3),
        "cpu_sdk_us_per_record": round((cpu - sandbox) / max(1, result.applied) * 1e6, 1),
        "cpu_gc_s": round(collector.seconds, 3),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
    }
    for tier in (BENCH_TIER, "free"):
        out[f"limits_{tier}"] = _limit_seconds(q.work, q.batches, h.work, h.searches, tier)
    return out


def _engine(
    store: SQLiteStateStore, crm: HubSpotClient, ledger: QuickBooksClient, clock: Any
) -> Any:
    return SyncEngine(
        crm,
        ledger,
        state=store,
        tenant="bench",
        config=SyncConfig(invoices=ObjectSync()),
        now=clock.now,
    )


def measure_full(n: int, folder: Path) -> dict[str, Any]:
    """Build the world, run the full sync, save both sandboxes and the state for the next
    process."""
    clock, qbo, realm, hs, customers = _world(n)
    q, h, ledger, crm = _clients(clock, qbo, realm, hs)
    store = SQLiteStateStore(folder / "state.db")
    out = {"n": n, "full": _run(_engine(store, crm, ledger, clock), clock, q, h)}
    store.close()
    out["full"]["minimum_parts"] = _minimum_full(n)
    out["full"]["minimum"] = sum(out["full"]["minimum_parts"].values())
    qbo.save(folder / "qbo.json")
    hs.save(folder / "hubspot.json")
    (folder / "world.json").write_text(
        json.dumps({"now": clock.now().isoformat(), "realm": realm, "customers": customers}),
        encoding="utf-8",
    )
    return out


def measure_incremental(n: int, folder: Path) -> dict[str, Any]:
    """In a fresh process: load what ``measure_full`` saved, change k = N/100 customers, run
    (incremental), then run again with nothing changed (idle)."""
    world = json.loads((folder / "world.json").read_text(encoding="utf-8"))
    clock = ManualClock(dt.datetime.fromisoformat(world["now"]))
    qbo = QuickBooksSandbox.load(folder / "qbo.json", clock=clock)
    hs = HubSpotSandbox.load(folder / "hubspot.json", clock=clock)
    realm = world["realm"]
    q, h, ledger, crm = _clients(clock, qbo, realm, hs)
    store = SQLiteStateStore(folder / "state.db")
    engine = _engine(store, crm, ledger, clock)
    k = max(1, n // 100)
    for c in world["customers"][:k]:
        qbo.update(realm, "Customer", c, {"GivenName": "Changed"})
    out: dict[str, Any] = {"n": n, "incremental": _run(engine, clock, q, h)}
    out["idle"] = _run(engine, clock, q, h)
    store.close()
    out["incremental"]["minimum_parts"] = _minimum_incremental(k)
    out["incremental"]["minimum"] = sum(out["incremental"]["minimum_parts"].values())
    out["idle"]["minimum"] = 3  # one CDC call per entity
    return out


def _child(phase: str, n: int, folder: str) -> dict[str, Any]:
    freeze = [] if FREEZE else ["--no-freeze"]
    done = subprocess.run(  # noqa: S603 - this script, this interpreter
        [sys.executable, __file__, "--phase", phase, "--n", str(n), "--dir", folder, *freeze],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_in_process(n: int) -> dict[str, Any]:
    """``--in-process``: the sandboxes in the SDK's process (their CPU measured inside their
    transports and taken off; their N records in its memory): the full run, then incremental
    and idle in a second process from the saved state."""
    with tempfile.TemporaryDirectory() as tmp:
        row = _child("full", n, tmp)
        row.update(_child("incremental", n, tmp))
    return row


# --------------------------------------------------------------------------- served


def measure_served_run(args: argparse.Namespace) -> dict[str, Any]:
    """One run in this (fresh) process against the sandboxes the parent serves over loopback
    HTTP: everything this process spends is the SDK's (engine, mapping, clients, store, HTTP)."""
    clock = ManualClock(dt.datetime.fromisoformat(args.now))
    q, h = Counting(httpx.HTTPTransport()), Counting(httpx.HTTPTransport())
    token = "sandbox"  # noqa: S105 - the sandboxes accept any token
    ledger = QuickBooksClient(
        realm_id=args.realm,
        access_token=token,
        base_url=args.quickbooks,
        transport=q,
        clock=clock,
        sleep=clock.sleep,
    )
    crm = HubSpotClient(
        access_token=token,
        base_url=args.hubspot,
        transport=h,
        clock=clock,
        sleep=clock.sleep,
        rate_limits=BENCH_TIER,
    )
    store = SQLiteStateStore(Path(args.db))
    out = _run(_engine(store, crm, ledger, clock), clock, q, h, served=True)
    store.close()
    return out


def measure_served(n: int) -> dict[str, Any]:
    """The world in this process, served over loopback HTTP; each run in its own process."""
    clock, qbo, realm, hs, customers = _world(n, served=True)
    row: dict[str, Any] = {"n": n}
    with serve_sandboxes(hs, qbo) as served, tempfile.TemporaryDirectory() as tmp:
        for phase in ("full", "incremental", "idle"):
            if phase == "incremental":
                for c in customers[: max(1, n // 100)]:
                    qbo.update(realm, "Customer", c, {"GivenName": "Changed"})
            clock.advance(seconds=300)
            command = [sys.executable, __file__, "--run", phase, "--now", clock.now().isoformat()]
            command += ["--hubspot", served.hubspot_url, "--quickbooks", served.quickbooks_url]
            command += ["--realm", realm, "--db", str(Path(tmp) / "state.db")]
            done = subprocess.run(  # noqa: S603 - this script, this interpreter
                command, capture_output=True, text=True, check=True
            )
            row[phase] = json.loads(done.stdout)
    row["full"]["minimum_parts"] = _minimum_full(n)
    row["full"]["minimum"] = sum(row["full"]["minimum_parts"].values())
    row["incremental"]["minimum_parts"] = _minimum_incremental(max(1, n // 100))
    row["incremental"]["minimum"] = sum(row["incremental"]["minimum_parts"].values())
    row["idle"]["minimum"] = 3
    return row


def _pct(cpu: float, seconds: float) -> str:
    return f"{100 * cpu / seconds:.1f}%" if seconds > 0 else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--json", action="store_true", help="print each N's figures as JSON")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave the sandboxes' world to the collector"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="sandboxes in the SDK's process (their CPU measured and taken off), as before",
    )
    parser.add_argument("--phase", choices=("full", "incremental"), help=argparse.SUPPRESS)
    parser.add_argument("--run", choices=("full", "incremental", "idle"), help=argparse.SUPPRESS)
    for hidden in ("--now", "--hubspot", "--quickbooks", "--realm", "--db"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global FREEZE  # noqa: PLW0603 - a switch of this script, read by _run
    FREEZE = not args.no_freeze
    if args.phase:
        how = measure_full if args.phase == "full" else measure_incremental
        print(json.dumps(how(args.n, Path(args.dir))))
        return
    if args.run:
        print(json.dumps(measure_served_run(args)))
        return
    print(
        f"{'N':>7} {'phase':<12} {'applied':>8} {'requests':>9} {'minimum':>8} {'ratio':>6} "
        f"{'setup':>6} {'SDK CPU s':>10} {'µs/write':>9} "
        f"{'limits s':>17} {'CPU/limits':>17} {'burst s':>17} {'peak MB':>8} {'start MB':>8}"
    )
    tiers = f"{BENCH_TIER} | free"
    print(f"{'':>84}{tiers:>17} {tiers:>17} {tiers:>17}")
    for n in args.sizes:
        row = measure_in_process(n) if args.in_process else measure_served(n)
        if args.json:
            print(json.dumps(row))
        for phase in ("full", "incremental", "idle"):
            r = row[phase]
            minimum = r.get("minimum")
            ratio = f"{r['requests'] / minimum:.2f}" if minimum else "-"
            fast, slow = r[f"limits_{BENCH_TIER}"], r["limits_free"]
            limits = f"{fast['sustained_s']:g} | {slow['sustained_s']:g}"
            burst = f"{fast['forced_s']:g} | {slow['forced_s']:g}"
            share = (
                f"{_pct(r['cpu_sdk_s'], fast['sustained_s'])} | "
                f"{_pct(r['cpu_sdk_s'], slow['sustained_s'])}"
            )
            per = r["cpu_sdk_us_per_record"] if r["applied"] else "-"
            print(
                f"{n:>7} {phase:<12} {r['applied']:>8} {r['requests']:>9} "
                f"{minimum if minimum is not None else '-':>8} {ratio:>6} {r['setup_requests']:>6} "
                f"{r['cpu_sdk_s']:>10} {per:>9} {limits:>17} {share:>17} {burst:>17} "
                f"{r['peak_rss_mb']:>8} {r['rss_before_mb']:>8}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
