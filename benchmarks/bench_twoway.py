"""Two-way sync: writes per changed field (goal: one write per side that must change, zero
echoes) and the requests of an incremental two-way run with k changes on each side.

A world of N QBO customers is synced once into an empty HubSpot portal (contacts two-way,
products off). Then k customers get a new family name in QBO and k other contacts a new phone
in HubSpot, and one run syncs them; then the run after it (which reads hubqbo's own writes
back through both feeds) and a run with nothing changed. Requests are counted at the
transports (the one-time property set-up and settings reads apart).

With ``--new-contacts M``, M new HubSpot contacts also appear before the changes run and
become QBO customers (``create_in_qbo=ALWAYS``): one create each, and in the run after it one
batched HubSpot update puts hubqbo's id on them (the "echo" run's HubSpot writes).

Usage::

    nice -n 10 python benchmarks/bench_twoway.py --size 1000 --changes 10 100
    nice -n 10 python benchmarks/bench_twoway.py --size 1000 --changes 10 --new-contacts 10
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hubqbo.hubspot import HubSpotClient
from hubqbo.invoices import CustomerCreationPolicy
from hubqbo.mapping import Direction
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sync import ObjectSync, SQLiteStateStore, SyncConfig, SyncEngine

START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)
TOKEN = "sandbox"  # noqa: S105 - the sandboxes take any token
SETUP = ("/crm/properties/", "/account-info/", "/settings/", "/preferences", "/companyinfo")


def _counts(requests: list[Any], since: int) -> dict[str, int]:
    out = {"reads": 0, "writes": 0}
    for r in requests[since:]:
        if any(s in r.path for s in SETUP):
            continue
        write = r.method in {"PUT", "PATCH", "DELETE"} or (
            r.method == "POST" and not r.path.endswith(("/read", "/search", "/query", "/cdc"))
        )
        out["writes" if write else "reads"] += 1
    return out


def measure(size: int, k: int, new: int = 0) -> dict[str, Any]:
    clock = ManualClock(START)
    books = QuickBooksSandbox(clock=clock)
    realm = books.add_realm(country="US")
    ids = [
        books.add_customer(
            realm,
            f"Customer {n}",
            GivenName=f"G{n}",
            FamilyName=f"F{n}",
            PrimaryEmailAddr={"Address": f"c{n}@bench.example"},
            PrimaryPhone={"FreeFormNumber": f"555-{n:05d}"},
        )
        for n in range(size)
    ]
    portal = HubSpotSandbox(clock=clock)
    with tempfile.TemporaryDirectory() as tmp:
        engine = SyncEngine(
            HubSpotClient(access_token=TOKEN, transport=portal, clock=clock, sleep=clock.sleep),
            QuickBooksClient(
                realm_id=realm, access_token=TOKEN, transport=books, clock=clock, sleep=clock.sleep
            ),
            state=SQLiteStateStore(Path(tmp) / "bench.db"),
            tenant="bench",
            config=SyncConfig(
                contacts=ObjectSync(
                    direction=Direction.BOTH,
                    create_in_qbo=CustomerCreationPolicy.ALWAYS if new else None,
                ),
                products=ObjectSync.off(),
            ),
            now=clock.now,
        )
        engine.run()
        contacts = {
            c["properties"]["hubqbo_id"].split(":")[1]: c["id"] for c in portal.records("contacts")
        }
        clock.advance(seconds=600)
        for qid in ids[:k]:
            books.update(realm, "Customer", qid, {"FamilyName": f"Changed {qid}"})
        for qid in ids[k : 2 * k]:
            portal.update("contacts", contacts[qid], {"phone": f"999-{qid}"})
        for n in range(new):
            portal.create(
                "contacts", {"firstname": "New", "lastname": f"N{n}", "email": f"n{n}@new.example"}
            )
        clock.advance(seconds=60)
        runs = {}
        for name in ("changes", "echo", "idle"):
            hs0, qb0 = len(portal.requests), len(books.requests)
            started = time.process_time()
            result = engine.run()
            cpu = time.process_time() - started
            assert result.ok, result.errors
            runs[name] = {
                "hubspot": _counts(portal.requests, hs0),
                "qbo": _counts(books.requests, qb0),
                "cpu_s": round(cpu, 3),
                "counts": result.counts,
            }
            clock.advance(seconds=60)
    return {"size": size, "k": k, "new": new, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--changes", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--new-contacts", type=int, default=0)
    args = parser.parse_args()
    sys.stdout.write(
        "| N | k per side | run | HubSpot reads | HubSpot writes | QBO reads | QBO writes "
        "| SDK+sandbox CPU |\n|---:|---:|---|---:|---:|---:|---:|---:|\n"
    )
    for k in args.changes:
        out = measure(args.size, k, args.new_contacts)
        for name, run in out["runs"].items():
            hs, qb = run["hubspot"], run["qbo"]
            sys.stdout.write(
                f"| {args.size:,} | {k} | {name} | {hs['reads']} | {hs['writes']} | "
                f"{qb['reads']} | {qb['writes']} | {run['cpu_s']} s |\n"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
