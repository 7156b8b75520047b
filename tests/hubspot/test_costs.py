"""What a full read and a full upsert of 25,000 contacts cost in requests, against the sandbox.

By default the suite measures 2,500 contacts (fast); the documented figures come from::

    HUBQBO_COST_CONTACTS=25000 python -m pytest -q -p no:cacheprovider \
        tests/hubspot/test_costs.py -s

(``-s`` prints them; docs/hubspot.md quotes them).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time

from hubqbo.hubspot import HubSpotClient, SearchQuery
from hubqbo.models import CrmObjectType, PropertySpec
from hubqbo.sandbox import HubSpotSandbox, ManualClock

N = int(os.environ.get("HUBQBO_COST_CONTACTS", "2500"))
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)


def expected_requests(n: int) -> dict[str, int]:
    """List pages hold 100; search pages 200 within windows of 10,000; upserts 100 each."""
    windows = [min(10_000, n - start) for start in range(0, n, 10_000)]
    return {
        "list (limit 100)": math.ceil(n / 100),
        "search (limit 200)": sum(math.ceil(w / 200) for w in windows),
        "upsert (100 per request)": math.ceil(n / 100),
    }


def test_full_read_and_upsert_of_many_contacts() -> None:
    """For 25,000: list 250 requests (100 a page); search 125 (200 a page, restarting on
    hs_object_id at each 10,000); upsert 250 (100 a request, the floor) — none throttled."""
    clock = ManualClock(START)
    sandbox = HubSpotSandbox(clock=clock)
    for i in range(N):
        sandbox.create("contacts", {"email": f"c{i}@example.test", "firstname": f"C{i}"})
    client = HubSpotClient(
        access_token="pat-na1-sandbox", transport=sandbox, clock=clock, sleep=clock.sleep
    )
    client.ensure_properties(
        [],
        [PropertySpec(CrmObjectType.CONTACT, "qbo_customer_id", "QBO id", has_unique_value=True)],
    )
    figures: dict[str, tuple[int, int, float, float]] = {}

    def measure(name: str, run: object) -> int:
        sent, t0, c0 = client.requests_sent, time.perf_counter(), clock.now()
        count = run()  # type: ignore[operator]
        figures[name] = (
            count,
            client.requests_sent - sent,
            (clock.now() - c0).total_seconds(),
            time.perf_counter() - t0,
        )
        return count  # type: ignore[no-any-return]

    listed = measure(
        "list (limit 100)",
        lambda: len({r.id for r in client.iter_objects("contacts", properties=["email"])}),
    )
    searched = measure(
        "search (limit 200)",
        lambda: len({r.id for r in client.search("contacts", SearchQuery(properties=["email"]))}),
    )
    records = [{"email": f"c{i}@example.test", "qbo_customer_id": str(i)} for i in range(N)]
    created = measure(
        "upsert (100 per request)",
        lambda: len(client.batch_upsert("contacts", records, id_property="email").records),
    )

    for name, (count, requests, paced, cpu) in figures.items():
        print(
            f"{name:26} {count:6} records  {requests:4} requests  "
            f"{paced:5.0f} s paced  {cpu:5.2f} s CPU"
        )
    assert (N, N, N) == (listed, searched, created)
    assert expected_requests(N) == {name: f[1] for name, f in figures.items()}
    assert [] == [r for r in sandbox.requests if r.status == 429]
