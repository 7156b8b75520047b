"""SyncEngine under the providers' rate limits, on a simulated clock: wall time, achieved rate
against the allowed rate (goal >= 90 %), 429 answers (goal 0).

A world like ``bench_sync``'s (N QBO customers with an e-mail, N/10 items, N/2 invoices of one
line) is synced into an empty HubSpot portal through the real HTTP clients and the in-process
sandboxes, both enforcing their providers' documented limits: HubSpot's rolling 10-second
window of the chosen tier, search's 5 a second and the daily budget; QBO's 500 requests a
minute, 10 a second, 40 batch requests a minute and 10 in flight per realm. One ``ManualClock``
is shared by the sandboxes, the clients' pacers and their sleeps, so simulated time moves only
when a pacer or a retry waits, and by ``--latency`` seconds per request (half before the
sandbox sees it, half after), hubqbo being the only client.

Per provider and run: requests, 429s, simulated seconds, and the achieved rate of the budget
that bounds the run. A rolling window lets a whole window's budget go at once, so the rate is
measured after that first burst: ``(requests - limit) / (last send - first send)``, which a
pacer that never leaves a slot unused brings to 100 % of ``limit / period``. A provider whose
requests fit in one window is not rate-bound ("-").

Three runs per N: full (backfill, linking, every create and association); incremental (N/10
customers changed); and a full run with HubSpot's daily budget nearly spent, which must park
the tenant until midnight in the portal's time zone instead of retrying, then finish after the
reset.

Usage (a minute at 10,000 on a quiet machine)::

    nice -n 10 python benchmarks/bench_ratelimit.py --size 10000 --tier free
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hubqbo.hubspot import HubSpotClient
from hubqbo.hubspot._limits import RateLimits
from hubqbo.mapping import Direction
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sync import ObjectSync, SQLiteStateStore, SyncConfig, SyncEngine

START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)
TOKEN = "sandbox"  # noqa: S105 - the sandboxes take any token


@attrs.frozen
class Sent:
    """One request on the simulated clock."""

    provider: str
    at: float
    budget: str
    status: int


class Meter(httpx.BaseTransport):
    """Times every request on the simulated clock (plus ``latency``) into a shared log."""

    def __init__(
        self,
        provider: str,
        inner: httpx.BaseTransport,
        clock: ManualClock,
        latency: float,
        log: list[Sent],
    ) -> None:
        self.provider = provider
        self.inner = inner
        self.clock = clock
        self.latency = latency
        self.log = log

    def budget(self, request: httpx.Request) -> str:
        path = request.url.path
        if "/v3/company/" in path:
            return "batch" if path.rstrip("/").endswith("/batch") else "requests"
        if request.method == "POST" and path.endswith("/search"):
            return "search"
        if "/associations/" in path and "/batch/" in path:
            return "exempt"  # HubSpot's spec exempts association batches from the window
        return "requests"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent = self.clock.now().timestamp()
        self.clock.advance(seconds=self.latency / 2)
        try:
            response = self.inner.handle_request(request)
        finally:
            self.clock.advance(seconds=self.latency / 2)
        self.log.append(Sent(self.provider, sent, self.budget(request), response.status_code))
        return response


def _windows(tier: str) -> tuple[dict[str, tuple[int, float]], dict[tuple[str, str], list[str]]]:
    """The documented windows (limit, period), and which of them each (provider, budget)
    counts against."""
    windows = {
        "hubspot 10 s": (RateLimits.tier(tier).per_ten_seconds, 10.0),
        "hubspot search": (5, 1.0),
        "qbo minute": (500, 60.0),
        "qbo second": (10, 1.0),
        "qbo batch": (40, 60.0),
    }
    counts = {
        ("hubspot", "requests"): ["hubspot 10 s"],
        ("hubspot", "search"): ["hubspot search"],
        ("hubspot", "exempt"): [],
        ("quickbooks", "requests"): ["qbo minute", "qbo second"],
        ("quickbooks", "batch"): ["qbo minute", "qbo second", "qbo batch"],
    }
    return windows, counts


def fastest(log: list[Sent], tier: str, latency: float) -> float:
    """The shortest simulated time in which one thread could send ``log``'s requests, in
    that order, without breaking a documented window: request k goes ``latency`` after
    request k-1, and ``period`` after the request ``limit`` places before it in each window
    it counts against (a rolling window: at most ``limit`` in any ``period``)."""
    windows, counts = _windows(tier)
    sent: dict[str, list[float]] = collections.defaultdict(list)
    t = -latency
    for r in log:
        names = counts[(r.provider, r.budget)]
        t += latency
        for name in names:
            limit, period = windows[name]
            if len(sent[name]) >= limit:
                t = max(t, sent[name][-limit] + period)
        for name in names:
            sent[name].append(t)
    return t + latency if log else 0.0


def _provider(log: list[Sent], provider: str, tier: str) -> dict[str, Any]:
    mine = [r for r in log if r.provider == provider]
    windows, counts = _windows(tier)
    main = "hubspot 10 s" if provider == "hubspot" else "qbo minute"
    limit, period = windows[main]
    in_main = [r for r in mine if main in counts[(r.provider, r.budget)]]
    return {
        "requests": len(mine),
        "429": sum(1 for r in mine if r.status == 429),
        "by_budget": dict(collections.Counter(r.budget for r in mine)),
        "window": main,
        "allowed_per_s": round(limit / period, 3),
        "window_requests": len(in_main),
        "rate_bound": len(in_main) > limit,
    }


def _world(n: int, tier: str, latency: float) -> tuple[Any, ...]:
    clock = ManualClock(START)
    qbo = QuickBooksSandbox(clock=clock, requests_per_second=10)
    realm = qbo.add_realm(country="US")
    hs = HubSpotSandbox(
        clock=clock,
        time_zone="America/New_York",
        company_currency="USD",
        rate_limit_per_ten_seconds=RateLimits.tier(tier).per_ten_seconds,
    )
    items = [qbo.add_item(realm, f"Item {i}", 10 + i % 90, Sku=f"SKU-{i}") for i in range(n // 10)]
    customers = []
    for i in range(n):
        c = qbo.add_customer(
            realm, f"Customer {i}", GivenName=f"G{i}", PrimaryEmailAddr={"Address": f"c{i}@b.ex"}
        )
        customers.append(c)
        if i % 2 == 0:
            qbo.add_invoice(realm, c, [(items[i % len(items)], 1 + i % 3, 10 + i % 50)])
    log: list[Sent] = []
    q = Meter("quickbooks", qbo, clock, latency, log)
    h = Meter("hubspot", hs, clock, latency, log)
    ledger = QuickBooksClient(
        realm_id=realm, access_token=TOKEN, transport=q, clock=clock, sleep=clock.sleep
    )
    crm = HubSpotClient(
        access_token=TOKEN, transport=h, clock=clock, sleep=clock.sleep, rate_limits=tier
    )
    engine_args = {"tenant": "bench", "config": SyncConfig(invoices=ObjectSync()), "now": clock.now}
    return clock, qbo, hs, realm, log, ledger, crm, customers, engine_args


def _run(
    engine: SyncEngine, clock: ManualClock, log: list[Sent], tier: str, latency: float
) -> dict[str, Any]:
    since = len(log)
    began = clock.now()
    cpu = time.process_time()
    result = engine.run()
    mine = log[since:]
    took = (clock.now() - began).total_seconds()
    best = fastest(mine, tier, latency)
    return {
        "ok": result.ok,
        "applied": result.applied,
        "parked_until": result.parked_until.isoformat() if result.parked_until else None,
        "errors": list(result.errors)[:3],
        "simulated_s": round(took, 2),
        "fastest_s": round(best, 2),
        "of_allowed": round(best / took, 4) if took > 0 else None,
        "cpu_s": round(time.process_time() - cpu, 2),
        "hubspot": _provider(mine, "hubspot", tier),
        "quickbooks": _provider(mine, "quickbooks", tier),
    }


def measure(n: int, tier: str, latency: float, twoway: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"n": n, "tier": tier, "latency_s": latency}
    clock, qbo, _, realm, log, ledger, crm, customers, args = _world(n, tier, latency)
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStateStore(Path(tmp) / "state.db")
        engine = SyncEngine(crm, ledger, state=store, **args)
        out["full"] = _run(engine, clock, log, tier, latency)
        for c in customers[: max(1, n // 10)]:
            qbo.update(realm, "Customer", c, {"GivenName": "Changed"})
        clock.advance(seconds=300)
        out["incremental"] = _run(engine, clock, log, tier, latency)
        store.close()
    out["daily"] = measure_daily(n, tier, latency)
    if twoway:
        out["two-way"] = measure_twoway(n, twoway, tier, latency)
    return out


def measure_twoway(n: int, k: int, tier: str, latency: float) -> dict[str, Any]:
    """A QBO-bound run: contacts two-way, k contacts' phones changed in HubSpot after the
    full sync, so the run writes k customers to QBO, one sparse update each."""
    clock, _, hs, _, log, ledger, crm, _, args = _world(n, tier, latency)
    args["config"] = SyncConfig(
        contacts=ObjectSync(direction=Direction.BOTH), products=ObjectSync.off()
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStateStore(Path(tmp) / "state.db")
        engine = SyncEngine(crm, ledger, state=store, **args)
        engine.run()
        clock.advance(seconds=600)
        for contact in hs.records("contacts")[:k]:
            hs.update("contacts", contact["id"], {"phone": f"555-{contact['id'][-6:]}"})
        clock.advance(seconds=60)
        out = _run(engine, clock, log, tier, latency)
        store.close()
    return out


def measure_daily(n: int, tier: str, latency: float, left: int = 100) -> dict[str, Any]:
    """A full run with only ``left`` requests of the day's budget: it parks the tenant, a run
    before the reset sends nothing, a run after it (midnight in New York) finishes."""
    clock, _, hs, _, log, ledger, crm, _, args = _world(n, tier, latency)
    hs.limits.spend_daily(hs.limits.daily - left)  # the account's other apps spent the rest
    out: dict[str, Any] = {"left_of_day": left}
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStateStore(Path(tmp) / "state.db")
        engine = SyncEngine(crm, ledger, state=store, **args)
        for step in ("first", "before_reset", "after_reset"):
            if step == "after_reset":
                parked = out["first"].get("parked_until")
                if parked:
                    clock.set(dt.datetime.fromisoformat(parked) + dt.timedelta(seconds=1))
            else:
                clock.advance(seconds=60)
            try:
                out[step] = _run(engine, clock, log, tier, latency)
            except Exception as exc:  # noqa: BLE001 - what happened is the measurement
                out[step] = {"raised": f"{type(exc).__name__}: {exc}"[:300]}
        store.close()
    return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--tier", default="free", help="HubSpot tier: free, professional, ...")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument(
        "--twoway", type=int, default=0, help="also a two-way run with this many HubSpot edits"
    )
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = parser.parse_args()
    row = measure(args.size, args.tier, args.latency, args.twoway)
    if args.json:
        print(json.dumps(row, indent=2))
        return
    print(
        f"N={row['n']}, HubSpot tier {row['tier']}, {row['latency_s']} s a request\n"
        f"{'run':<12} {'provider':<10} {'requests':>8} {'429s':>5} {'in window':>9} "
        f"{'allowed/s':>9} {'achieved/s':>10} {'sim s':>7} {'fastest s':>9} {'% allowed':>9}"
    )
    for phase in ("full", "incremental", "two-way"):
        if phase not in row:
            continue
        r = row[phase]
        for provider in ("hubspot", "quickbooks"):
            p = r[provider]
            took = r["simulated_s"]
            rate = f"{p['window_requests'] / took:.2f}" if took else "-"
            print(
                f"{phase:<12} {provider:<10} {p['requests']:>8} {p['429']:>5} "
                f"{p['window_requests']:>9} {p['allowed_per_s']:>9} {rate:>10} {took:>7} "
                f"{r['fastest_s']:>9} {_pct(r['of_allowed']):>9}"
            )
    d = row["daily"]
    for step in ("first", "before_reset", "after_reset"):
        r = d[step]
        if "raised" in r:
            print(f"daily/{step}: raised {r['raised']}")
            continue
        print(
            f"daily/{step}: ok={r['ok']} applied={r['applied']} parked_until={r['parked_until']}"
            f" hubspot requests={r['hubspot']['requests']} 429s={r['hubspot']['429']}"
            f" sim s={r['simulated_s']} errors={r['errors']}"
        )


if __name__ == "__main__":
    main()
