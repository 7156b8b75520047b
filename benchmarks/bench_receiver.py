"""The webhook receiver's answer time over loopback HTTP, on PostgreSQL.

HubSpot wants an answer within 5 s and Intuit within 3 s. The receiver runs under uvicorn in a
child process (``hubqbo.server.create_app`` on a ``PostgresStateStore`` of a throwaway
PostgreSQL 15, tests/_postgres.py); the deliveries are the sandboxes' own signed requests
(HubSpot: 100 contact events each; QBO: CloudEvents of 1 to 30 customers), captured and then
sent one after the other by this process; half are sent twice (the repeat is dropped).
Reported: answer time percentiles per kind, measured by the client.

Usage::

    nice -n 10 python benchmarks/bench_receiver.py --deliveries 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from hubqbo.sandbox import HubSpotSandbox, QuickBooksSandbox  # noqa: E402
from hubqbo.sandbox._webhooks import WebhookCall  # noqa: E402
from hubqbo.sync import PostgresStateStore  # noqa: E402
from tests._postgres import running_server  # noqa: E402
from tests.server.conftest import free_port  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 - a benchmark app's secret
TOKEN = "bench-token"  # noqa: S105

SERVER = textwrap.dedent(
    """
    import os, uvicorn
    from hubqbo.server import create_app
    from hubqbo.sync import PostgresStateStore
    app = create_app(PostgresStateStore(os.environ["DSN"]), hubspot_client_secret="{secret}",
                     qbo_verifier_token="{token}", public_url=os.environ["URL"])
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning")
    """
).format(secret=SECRET, token=TOKEN)


def _capture(count: int, realm: str) -> list[tuple[str, WebhookCall]]:
    calls: list[tuple[str, WebhookCall]] = []
    hs = HubSpotSandbox(portal_id=62515, client_secret=SECRET)
    hs.webhooks.subscribe(lambda c: calls.append(("hubspot", c)) or 200, url="http://x/hubspot")
    qbo = QuickBooksSandbox()
    qrealm = qbo.add_realm(country="US", realm_id=realm)
    qbo.webhooks.subscribe(lambda c: calls.append(("quickbooks", c)) or 200, verifier_token=TOKEN)
    n = 0
    while len(calls) < count:
        for _ in range(100):
            hs.create("contacts", {"email": f"c{n}@bench.example"})
            n += 1
        hs.webhooks.deliver()
        for k in range(1 + n % 30):
            qbo.add_customer(qrealm, f"Customer {n}-{k}")
        qbo.webhooks.deliver()
    return calls[:count]


def _pcts(values: list[float]) -> str:
    ordered = sorted(values)
    p = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return f"p50 {p[49]:.1f} ms, p95 {p[94]:.1f} ms, max {ordered[-1]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=200)
    args = parser.parse_args()
    realm = "9130000000000001"
    with running_server() as server:
        dsn = server.create_database()
        store = PostgresStateStore(dsn)
        store.connect_tenant("acme", hubspot_portal_id="62515", qbo_realm_id=realm)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DSN": dsn,
            "PORT": str(port),
            "URL": "http://x",
            "PYTHONPATH": str(ROOT / "src"),
        }
        child = subprocess.Popen([sys.executable, "-c", SERVER], env=env)  # noqa: S603
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            calls = _capture(args.deliveries, realm)
            times: dict[str, list[float]] = {"hubspot": [], "quickbooks": [], "repeat": []}
            with httpx.Client(base_url=url) as client:
                for i, (kind, call) in enumerate(calls):
                    path = "/hubspot" if kind == "hubspot" else "/quickbooks"
                    for label in [kind, "repeat"] if i % 2 == 0 else [kind]:
                        started = time.perf_counter()
                        answer = client.post(path, content=call.body, headers=dict(call.headers))
                        times[label].append((time.perf_counter() - started) * 1000)
                        if answer.status_code != 200:
                            raise RuntimeError(f"{kind}: {answer.status_code} {answer.text}")
            print(f"{len(calls)} deliveries ({len(times['repeat'])} sent twice), PostgreSQL 15")
            for label, values in times.items():
                print(f"  {label:10} {len(values):4} answers: {_pcts(values)}")
            print(f"  dirty rows: {len(store.dirty('acme'))}")
        finally:
            child.terminate()
            child.wait()
            store.close()


if __name__ == "__main__":
    main()
