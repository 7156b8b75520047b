"""HTTP requests and CPU time per invoice made from a HubSpot deal (issue 6).

Runs ``InvoiceBuilder.from_deal`` + ``create`` for N deals against both sandboxes, through the
real HTTP clients, and counts every request at the transport (method + endpoint, ids folded).

* cold: a new builder's first invoice (realm profile, items, terms, customers, matcher index,
  HubSpot properties and company currency all loaded);
* warm: the following invoices with the same builder (realm catalog and matcher index cached);
* replay: ``create`` called again with a draft whose invoice exists (the idempotent path);
* deals with two companies (the primary one labelled): ``get_deal`` then spends the v4
  association read that a single company does not need.

CPU time is ``time.process_time`` per warm invoice, split into the SDK (builder + clients) and
the in-process sandboxes (measured inside the transports).

Usage::

    python benchmarks/bench_invoicing.py            # 50 deals
    python benchmarks/bench_invoicing.py --deals 200
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from hubqbo.cli import DemoWorld, build_demo_world
from hubqbo.invoices import InvoiceBuilder, InvoiceDraft

_ID = re.compile(r"/(?:[^/]*:)?\d+(?=/|$)")  # record ids and unique values "realm:id"
_ENTITY = re.compile(r"(?i)\bfrom\s+(\w+)")


class CountingTransport(httpx.BaseTransport):
    """Wraps a transport: counts requests per endpoint and the CPU time spent inside it."""

    def __init__(self, inner: httpx.BaseTransport, label: str) -> None:
        self.inner = inner
        self.label = label
        self.counts: collections.Counter[str] = collections.Counter()
        self.cpu = 0.0

    def endpoint(self, request: httpx.Request) -> str:
        path = _ID.sub("/{id}", request.url.path)
        path = re.sub(r"/v3/company/\{id\}", "", path)
        if path.endswith("/query"):
            query = request.url.params.get("query") or request.content.decode(errors="ignore")
            found = _ENTITY.search(query)
            path += f" ({found.group(1) if found else '?'})"
        return f"{self.label} {request.method} {path}"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counts[self.endpoint(request)] += 1
        started = time.process_time()
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        finally:
            self.cpu += time.process_time() - started

    def reset(self) -> None:
        self.counts.clear()
        self.cpu = 0.0


def add_deals(world: DemoWorld, count: int, *, companies: int = 1) -> list[str]:
    """``count`` more deals, each with its own company, contact, 3 line items and an exactly
    matching QBO customer (so every draft is ready to create); with ``companies=2`` each deal
    is also linked (unlabelled) to a second company."""
    us = world.us.realm_id
    deals = []
    for i in range(count):
        name = f"Client {i:04d} Ltd"
        email = f"ap{i}@client{i}.example"
        world.quickbooks.add_customer(
            us, name, CompanyName=name, PrimaryEmailAddr={"Address": email}
        )
        company = world.hubspot.create("companies", {"name": name, "domain": f"client{i}.example"})
        contact = world.hubspot.create(
            "contacts",
            {"firstname": "Pat", "lastname": f"Client{i}", "email": email},
            associations=[("companies", company)],
        )
        deal = world.hubspot.create(
            "deals",
            {"dealname": f"Deal {i}", "amount": "5000", "deal_currency_code": "USD"},
            associations=[("contacts", contact)],
        )
        world.hubspot.associate("deals", deal, "companies", company, 5)
        if companies > 1:
            other = world.hubspot.create("companies", {"name": f"{name} (reseller)"})
            world.hubspot.associate("deals", deal, "companies", other, 341)
        for product, sku, price, qty in (
            ("p-web", "WEB-01", "4500", "1"),
            ("p-host", "HOST-12", "600", "1"),
            ("p-support", "SUP-H", "95", "3"),
        ):
            world.hubspot.create(
                "line_items",
                {
                    "hs_product_id": world.hs[product],
                    "hs_sku": sku,
                    "price": price,
                    "quantity": qty,
                    "name": sku,
                },
                associations=[("deals", deal)],
            )
        deals.append(deal)
    return deals


def run(deals: int, *, mapped: bool = False, companies: int = 1) -> dict[str, Any]:
    counters: list[CountingTransport] = []

    def count(transport: httpx.BaseTransport) -> httpx.BaseTransport:
        label = "HubSpot" if "HubSpot" in type(transport).__name__ else "QBO"
        counters.append(CountingTransport(transport, label))
        return counters[-1]

    world = build_demo_world(wrap_transport=count)
    hs, qbo = (next(c for c in counters if c.label == name) for name in ("HubSpot", "QBO"))
    ids = add_deals(world, deals, companies=companies)
    hs.reset()
    qbo.reset()
    item_map = (
        {
            world.hs[p]: world.qbo[f"us:item:{n}"]
            for p, n in (
                ("p-web", "Website design"),
                ("p-host", "Hosting (annual)"),
                ("p-support", "Support hours"),
            )
        }
        if mapped
        else None
    )
    builder: InvoiceBuilder = world.builder(item_map=item_map)
    realm = world.us.realm_id

    def one(deal_id: str) -> InvoiceDraft:
        draft = builder.from_deal(deal_id, realm=realm)
        builder.create(draft)
        return draft

    first = one(ids[0])
    cold = hs.counts + qbo.counts
    hs.reset()
    qbo.reset()
    started = time.process_time()
    for deal_id in ids[1:-1]:
        one(deal_id)
    cpu = time.process_time() - started
    warm = hs.counts + qbo.counts
    sandbox_cpu = hs.cpu + qbo.cpu
    n = len(ids) - 2
    # A new builder on the same clients (their profile/currency caches kept); hubqbo's HubSpot
    # properties already exist.
    hs.reset()
    qbo.reset()
    builder = world.builder(item_map=item_map)
    one(ids[-1])
    restart = hs.counts + qbo.counts
    hs.reset()
    qbo.reset()
    builder.create(first)
    replay = hs.counts + qbo.counts
    return {
        "deals": deals,
        "cold": cold,
        "restart": restart,
        "replay": replay,
        "warm": {k: v / n for k, v in warm.items()},
        "cpu_ms_total": cpu / n * 1000,
        "cpu_ms_sandboxes": sandbox_cpu / n * 1000,
    }


def table(counts: dict[str, float] | collections.Counter[str]) -> str:
    rows = sorted(counts.items())
    width = max(len(k) for k, _ in rows)
    lines = [
        f"  {k:<{width}}  {v:5.2f}" if isinstance(v, float) else f"  {k:<{width}}  {v:5d}"
        for k, v in rows
    ]
    lines.append(f"  {'total':<{width}}  {sum(counts.values()):5.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=50)
    args = parser.parse_args()
    result = run(max(args.deals, 2))
    mapped = run(max(args.deals, 2), mapped=True)
    two = run(max(args.deals, 2), companies=2)
    print(f"Invoices from deals: {result['deals']} deals, 3 line items each, US company\n")
    print("Cold (first invoice of a new builder), requests:")
    print(table(result["cold"]))
    print(
        f"\nNew builder on the same clients, properties already in HubSpot: "
        f"{sum(result['restart'].values())} requests"
    )
    print("\nWarm (per invoice, realm catalog + matcher index cached), requests:")
    print(table(result["warm"]))
    print(
        f"  (with item_map= covering every product: {sum(mapped['warm'].values()):.2f} "
        "per invoice; no product read)"
    )
    print(
        f"  (deals with two companies: {sum(two['warm'].values()):.2f} per invoice; "
        "+ the v4 deal→company read for the primary one)"
    )
    print("\nReplay (create() again with the first draft; its invoice exists), requests:")
    print(table(result["replay"]))
    sdk = result["cpu_ms_total"] - result["cpu_ms_sandboxes"]
    print(
        f"\nCPU per warm invoice: {result['cpu_ms_total']:.1f} ms in-process total, of which "
        f"{result['cpu_ms_sandboxes']:.1f} ms in the sandboxes and {sdk:.1f} ms in hubqbo "
        "(builder + HTTP clients)"
    )


if __name__ == "__main__":
    main()
