"""Crash and resume: a sync run in a child process, against sandboxes served over HTTP by this
process, killed with SIGKILL at random points and resumed by a new process: zero duplicates,
nothing lost.

The suite runs a CI-sized share; the full count (200 kills) is::

    HUBQBO_CRASH_KILLS=200 python -m pytest -q -p no:cacheprovider tests/sync/test_crash.py
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import textwrap
import time
from collections import Counter
from pathlib import Path

from hubqbo.sandbox import HubSpotSandbox, QuickBooksSandbox, serve_sandboxes
from tests.sync._world import spawn

KILLS = int(os.environ.get("HUBQBO_CRASH_KILLS", "4"))

CHILD = textwrap.dedent(
    """
    import datetime as dt, sys
    from hubqbo.hubspot import HubSpotClient
    from hubqbo.quickbooks import QuickBooksClient
    from hubqbo.sync import ObjectSync, SQLiteStateStore, SyncConfig, SyncEngine

    hubspot_url, quickbooks_url, realm, db = sys.argv[1:5]
    engine = SyncEngine(
        HubSpotClient(access_token="pat", base_url=hubspot_url),
        QuickBooksClient(realm_id=realm, access_token="t", base_url=quickbooks_url),
        state=SQLiteStateStore(db), tenant="crash",
        config=SyncConfig(invoices=ObjectSync()),
        lease_ttl=dt.timedelta(seconds=1), lease_wait=dt.timedelta(seconds=10),
    )
    result = engine.run()
    print("applied", result.applied, "ok", result.ok, flush=True)
    """
)


def _child(hubspot: str, quickbooks: str, realm: str, db: Path) -> subprocess.Popen[str]:
    return spawn(CHILD, hubspot, quickbooks, realm, str(db))


def _seed(qbo: QuickBooksSandbox, realm: str, size: int, batch: int = 0) -> None:
    items = [
        qbo.add_item(realm, f"Item {batch}-{n}", 10 + n, Sku=f"SKU-{batch}-{n}")
        for n in range(size // 2)
    ]
    for n in range(size):
        customer = qbo.add_customer(
            realm,
            f"Customer {batch}-{n}",
            PrimaryEmailAddr={"Address": f"c{batch}-{n}@crash.example"},
        )
        if n % 3 == 0:
            qbo.add_invoice(realm, customer, [(items[n % len(items)], 1 + n % 4, 10 + n)])


def _writes(hs: HubSpotSandbox) -> int:
    """HubSpot batch requests (record upserts, updates, archives, associations) answered so far;
    the one-time property set-up and the reads are left out."""
    return sum(1 for r in hs.requests if "/batch/" in r.path and not r.path.endswith("/read"))


def _hubqbo_ids(hs: HubSpotSandbox, object_type: str, prop: str) -> Counter[str]:
    return Counter(str((r.get("properties") or {}).get(prop)) for r in hs.records(object_type))


def test_runs_killed_at_random_points_leave_no_duplicate(tmp_path: Path) -> None:
    hs, qbo = HubSpotSandbox(), QuickBooksSandbox()
    realm = qbo.add_realm(country="US")
    _seed(qbo, realm, 240)
    db = tmp_path / "state.db"
    rng = random.Random(20261207)
    killed = 0
    batches = 0
    midway = 0  # kills that hit a run with some but not all of its writes done
    with serve_sandboxes(hs, qbo, latency=0.002) as served:
        urls = (served.hubspot_url, served.quickbooks_url, realm)
        typical = 8  # HubSpot batch writes a run sends; the backfill sends the most
        while killed < KILLS:
            child = _child(*urls, db)
            # The kill point is counted in HubSpot batch writes, not seconds (a loaded machine
            # makes a child's start-up slow): right after a random one of them was answered,
            # when the child may not have journaled it yet.
            first = _writes(hs)
            target = first + rng.randint(1, typical)
            started = time.monotonic()
            while child.poll() is None and _writes(hs) < target:
                if time.monotonic() - started > 300:
                    child.kill()
                    raise AssertionError("a sync run made no progress for 300 s")
                time.sleep(0.002)
            if child.returncode is None:
                child.send_signal(signal.SIGKILL)
                child.wait(timeout=30)
                killed += 1
                written = len(hs.records("contacts")) + len(hs.records("invoices"))
                wanted = len(qbo.records(realm, "Customer")) + len(qbo.records(realm, "Invoice"))
                midway += 0 < written < wanted
            else:
                typical = max(1, _writes(hs) - first)  # aim inside such a run next
                child.communicate(timeout=30)
                # finished before the kill: add work so the next child has some
                batches += 1
                _seed(qbo, realm, 30, batches)
        last = _child(*urls, db)
        out, err = last.communicate(timeout=300)
        assert last.returncode == 0, err
        again = _child(*urls, db)
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
        assert out.split()[:2] == ["applied", "0"], out
    customers = qbo.records(realm, "Customer")
    contacts = _hubqbo_ids(hs, "contacts", "hubqbo_id")
    assert max(contacts.values()) == 1
    assert set(contacts) == {f"{realm}:{c['Id']}" for c in customers}
    products = _hubqbo_ids(hs, "products", "hubqbo_id")
    assert max(products.values()) == 1
    assert len(products) == len(qbo.records(realm, "Item"))
    invoices = _hubqbo_ids(hs, "invoices", "qbo_invoice_ref")
    assert max(invoices.values()) == 1
    assert len(invoices) == len(qbo.records(realm, "Invoice"))
    lines = _hubqbo_ids(hs, "line_items", "hubqbo_id")
    assert max(lines.values()) == 1
    assert len(lines) == len(invoices)
    assert killed == KILLS
    assert midway >= 1  # the kills did land inside runs
