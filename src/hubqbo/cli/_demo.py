"""The ``hubqbo`` command: ``hubqbo demo`` runs the main job end to end on embedded sandboxes.

Why a demo command: a new user should see, in seconds and with no credentials or network,
what hubqbo does with a real-looking small business — customer matching, drafts from deals
and quotes, problems and their fixes, idempotent creation, deal roll-ups, payments, time
passing, attaching invoices, and sync runs that write only what changed. Everything runs
against the wire-faithful sandboxes through the real HTTP clients, so the demo exercises the
same code a production run does.

Example:
    >>> world = build_demo_world()          # what ``hubqbo demo`` runs on
    >>> world.us.company_profile().country, world.uk.company_profile().home_currency
    ('US', 'GBP')

Run it with ``hubqbo demo`` (or ``python -m hubqbo.cli demo``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TextIO

import attrs
import httpx

from hubqbo.errors import ContactNotEligible, CustomTransactionNumbersEnabled, QuoteNotUsable
from hubqbo.hubspot import HubSpotClient
from hubqbo.invoices import CustomerCreationPolicy, InvoiceBuilder, create_invoice_for_deal
from hubqbo.models import CrmObjectType
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox

__all__ = ["DemoWorld", "build_demo_world", "main", "run_demo"]

DEMO_START = dt.datetime(2026, 11, 25, 14, 0, tzinfo=dt.timezone.utc)
"""The demo's "now": a Wednesday afternoon (09:00 in New York, 14:00 in London)."""


@attrs.define
class DemoWorld:
    """Both sandboxes seeded with a small business, and clients wired to them.

    Attributes:
        clock: the shared manual clock (advance it to let time pass).
        hubspot: the HubSpot sandbox (portal in USD, New York time).
        quickbooks: the QBO sandbox with a US and a UK company.
        crm: a ``HubSpotClient`` on the HubSpot sandbox.
        us: a ``QuickBooksClient`` on the US company ("Northwind Studio Inc").
        uk: a ``QuickBooksClient`` on the UK company ("Northwind Studio Ltd").
        hs: HubSpot record ids by seed key (``deal-acme``, ``quote-acme``...).
        qbo: QBO ids by name (``us:Acme Corporation``, ``uk:item:Brand workshop``...).
    """

    clock: ManualClock
    hubspot: HubSpotSandbox
    quickbooks: QuickBooksSandbox
    crm: HubSpotClient
    us: QuickBooksClient
    uk: QuickBooksClient
    hs: dict[str, str]
    qbo: dict[str, str]

    def builder(self, **options: Any) -> InvoiceBuilder:
        """An ``InvoiceBuilder`` over both companies, on the demo clock; quote fees go to the
        US company's "Service fee" item."""
        options.setdefault("fee_item_id", self.qbo["us:item:Service fee"])
        return InvoiceBuilder(
            self.crm,
            {self.us.realm_id: self.us, self.uk.realm_id: self.uk},
            now=self.clock.now,
            **options,
        )


def _email(address: str) -> dict[str, str]:
    return {"Address": address}


def _ledger(
    qbo: httpx.BaseTransport, realm: str, clock: ManualClock | None = None
) -> QuickBooksClient:
    """A QuickBooks client on the sandbox (it accepts any bearer token)."""
    clock = clock or ManualClock(DEMO_START)
    return QuickBooksClient(
        realm_id=realm,
        access_token="sandbox",  # noqa: S106 - the sandbox accepts any token
        transport=qbo,
        clock=clock,
        sleep=clock.sleep,
    )


def _seed_quickbooks(qbo: QuickBooksSandbox) -> tuple[str, str, dict[str, str]]:
    ids: dict[str, str] = {}
    us = qbo.add_realm(
        country="US", company_name="Northwind Studio Inc", time_zone="America/New_York"
    )
    uk = qbo.add_realm(country="GB", company_name="Northwind Studio Ltd", time_zone="Europe/London")
    customers: list[tuple[str, str, dict[str, Any]]] = [
        (
            us,
            "Acme Corporation",
            {
                "CompanyName": "Acme Corporation",
                "GivenName": "Wile",
                "FamilyName": "Coyote",
                "PrimaryEmailAddr": _email("wile@acme.example"),
            },
        ),
        (
            us,
            "Acme Corp Europe",
            {
                "CompanyName": "Acme Corp Europe",
                "PrimaryEmailAddr": _email("eu@acme-europe.example"),
            },
        ),
        (
            us,
            "Globex LLC",
            {"CompanyName": "Globex LLC", "GivenName": "Hank", "FamilyName": "Scorpio"},
        ),
        (
            us,
            "Globex Corporation",
            {"CompanyName": "Globex Corporation", "GivenName": "Hank", "FamilyName": "Scorpio"},
        ),
        (
            uk,
            "Harbour & Co Ltd",
            {
                "CompanyName": "Harbour & Co Ltd",
                "GivenName": "Mary",
                "FamilyName": "Poppins",
                "PrimaryEmailAddr": _email("mary@harbour.example"),
            },
        ),
    ]
    for realm, name, fields in customers:
        prefix = "us" if realm == us else "uk"
        ids[f"{prefix}:{name}"] = qbo.add_customer(realm, name, **fields)
    us_items: list[tuple[str, str, dict[str, Any]]] = [
        ("Website design", "4500", {"Sku": "WEB-01", "Taxable": False}),
        ("Hosting (annual)", "600", {"Sku": "HOST-12", "Taxable": True}),
        ("Support hours", "95", {"Sku": "SUP-H", "Taxable": False}),
        ("Legacy support", "80", {"Sku": "SUP-OLD", "Active": False}),
    ]
    us_items.append(("Service fee", "0", {"Taxable": False}))
    for name, price, fields in us_items:
        ids[f"us:item:{name}"] = qbo.add_item(us, name, price, **fields)
    vat20 = next(c.id for c in _ledger(qbo, uk).list_tax_codes() if c.name == "20.0% S")
    ids["uk:tax:20.0% S"] = vat20
    ids["uk:item:Brand workshop"] = qbo.add_item(uk, "Brand workshop", "1200", Sku="BRAND-WS")
    ids["uk:item:Photography (day rate)"] = qbo.add_item(
        uk, "Photography (day rate)", "800", SalesTaxCodeRef={"value": vat20}
    )
    ids["uk:item:Print run"] = qbo.add_item(
        uk, "Print run", "350", Sku="PRINT-1", SalesTaxCodeRef={"value": vat20}
    )
    # An invoice made directly in QuickBooks (not through hubqbo), to attach later.
    ids["us:invoice:legacy"] = qbo.add_invoice(
        us,
        ids["us:Acme Corporation"],
        [(ids["us:item:Support hours"], 4, 95)],
        DocNumber="A-0999",
        TxnDate="2026-10-01",
        DueDate="2026-10-31",
    )
    return us, uk, ids


def _line(
    key: str, product: str, qty: str, parent: tuple[str, str], **props: str
) -> dict[str, Any]:
    return {
        "key": key,
        "product": product,
        "properties": {"quantity": qty, **props},
        "associations": {parent[0]: [parent[1]]},
    }


def _acme_quote(key: str, title: str, expires: str) -> dict[str, Any]:
    """A published (APPROVED) USD quote on Acme's deal, to Wile at Acme."""
    return {
        "key": key,
        "properties": {
            "hs_title": title,
            "hs_expiration_date": f"{expires}T00:00:00Z",
            "hs_currency": "USD",
            "hs_status": "APPROVED",
        },
        "associations": {"deals": ["deal-acme"], "contacts": ["wile"], "companies": ["acme"]},
    }


def _hubspot_seed() -> dict[str, Any]:
    group = {"name": "hubqbo", "label": "QuickBooks Online (hubqbo)"}
    products = [
        ("p-web", "Website design", "4500", "WEB-01"),
        ("p-host", "Hosting (annual)", "600", "HOST-12"),
        ("p-support", "Support hours", "95", "SUP-H"),
        ("p-brand", "Brand workshop", "1200", "BRAND-WS"),
        ("p-print", "Print run", "350", "PRINT-1"),
        ("p-photo", "Photography day", "800", "PHOTO-D"),
    ]
    company = [
        ("acme", "Acme Corporation", "acme.example", "Phoenix", "United States"),
        ("globex", "Globex", "globex.example", "Springfield", "United States"),
        ("initech", "Initech", "initech.example", "Austin", "United States"),
        ("harbour", "Harbour & Co", "harbour.example", "Bristol", "United Kingdom"),
    ]
    contacts = [
        ("wile", "Wile", "Coyote", "wile@acme.example", "acme"),
        ("hank", "Hank", "Scorpio", "hank@globex.example", "globex"),
        ("peter", "Peter", "Gibbons", "peter@initech.example", "initech"),
        ("mary", "Mary", "Poppins", "mary@harbour.example", "harbour"),
    ]
    deals = [
        ("deal-acme", "Acme website relaunch", "6035", "USD", "wile", "acme"),
        ("deal-globex", "Globex support retainer", "1900", "USD", "hank", "globex"),
        ("deal-initech", "Initech intranet", "4500", "USD", "peter", "initech"),
        ("deal-harbour", "Harbour rebrand", "3900", "GBP", "mary", "harbour"),
    ]
    line_items = [
        _line(
            "li-acme-1",
            "p-web",
            "1",
            ("deals", "deal-acme"),
            name="Website design",
            price="4500",
            hs_sku="WEB-01",
        ),
        _line(
            "li-acme-2",
            "p-host",
            "1",
            ("deals", "deal-acme"),
            name="Hosting (annual)",
            price="600",
            hs_sku="HOST-12",
            hs_discount_percentage="10",
        ),
        _line(
            "li-acme-3",
            "p-support",
            "10",
            ("deals", "deal-acme"),
            name="Support hours",
            price="95",
            hs_sku="SUP-H",
        ),
        _line(
            "li-globex-1",
            "p-support",
            "20",
            ("deals", "deal-globex"),
            name="Support hours",
            price="95",
            hs_sku="SUP-H",
        ),
        _line(
            "li-initech-1",
            "p-web",
            "1",
            ("deals", "deal-initech"),
            name="Website design",
            price="4500",
            hs_sku="WEB-01",
        ),
        _line(
            "li-harbour-1",
            "p-brand",
            "2",
            ("deals", "deal-harbour"),
            name="Brand workshop",
            price="1200",
            hs_sku="BRAND-WS",
        ),
        _line(
            "li-harbour-2",
            "p-print",
            "2",
            ("deals", "deal-harbour"),
            name="Print run",
            price="350",
            hs_sku="PRINT-1",
        ),
        _line(
            "li-harbour-3",
            "p-photo",
            "1",
            ("deals", "deal-harbour"),
            name="Photography day",
            price="800",
            hs_sku="PHOTO-D",
        ),
        _line(
            "li-q1",
            "p-host",
            "2",
            ("quotes", "quote-acme"),
            name="Hosting (annual)",
            price="600",
            hs_sku="HOST-12",
        ),
        _line(
            "li-q2",
            "p-support",
            "5",
            ("quotes", "quote-acme"),
            name="Support hours",
            price="95",
            hs_sku="SUP-H",
        ),
        _line(
            "li-q3",
            "p-host",
            "1",
            ("quotes", "quote-old"),
            name="Hosting (annual)",
            price="600",
            hs_sku="HOST-12",
        ),
    ]
    return {
        "portal": {
            "portalId": 4242,
            "timeZone": "America/New_York",
            "companyCurrency": "USD",
            "additionalCurrencies": ["GBP"],
        },
        "propertyGroups": {"products": [group]},
        "properties": {
            "products": [
                {
                    "name": "qbo_item_id",
                    "label": "QuickBooks item id",
                    "type": "string",
                    "fieldType": "text",
                    "groupName": "hubqbo",
                }
            ],
        },
        "records": {
            "products": [
                {"key": k, "properties": {"name": n, "price": p, "hs_sku": s}}
                for k, n, p, s in products
            ],
            "companies": [
                {"key": k, "properties": {"name": n, "domain": d, "city": c, "country": co}}
                for k, n, d, c, co in company
            ],
            "contacts": [
                {
                    "key": k,
                    "properties": {"firstname": f, "lastname": la, "email": e},
                    "associations": {"companies": [c]},
                }
                for k, f, la, e, c in contacts
            ],
            "deals": [
                {
                    "key": k,
                    "properties": {
                        "dealname": n,
                        "amount": a,
                        "deal_currency_code": cur,
                        "dealstage": "closedwon",
                        "pipeline": "default",
                    },
                    "associations": {"contacts": [ct], "companies": [{"key": co, "typeId": 5}]},
                }
                for k, n, a, cur, ct, co in deals
            ],
            "line_items": line_items,
            "quotes": [
                _acme_quote("quote-acme", "Acme hosting renewal", "2026-12-31"),
                _acme_quote("quote-old", "Acme hosting (spring offer)", "2026-04-30"),
            ],
            "discounts": [
                {
                    "key": "disc-loyalty",
                    "properties": {"hs_label": "Loyalty", "hs_type": "PERCENT", "hs_value": "10"},
                    "associations": {"quotes": ["quote-acme"]},
                }
            ],
            "fees": [
                {
                    "key": "fee-setup",
                    "properties": {"hs_label": "Setup fee", "hs_type": "FIXED", "hs_value": "25"},
                    "associations": {"quotes": ["quote-acme"]},
                }
            ],
        },
    }


def build_demo_world(
    clock: ManualClock | None = None,
    *,
    wrap_transport: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
) -> DemoWorld:
    """Seed both sandboxes with the demo business and connect clients to them.

    Args:
        clock: the manual clock (``DEMO_START`` by default).
        wrap_transport: wraps each sandbox transport the clients use (e.g. to count requests).

    Example:
        >>> world = build_demo_world()
        >>> sorted(k for k in world.hs if k.startswith("deal-"))
        ['deal-acme', 'deal-globex', 'deal-harbour', 'deal-initech']
    """
    clock = clock or ManualClock(DEMO_START)
    qbo_sandbox = QuickBooksSandbox(clock=clock)
    us, uk, qbo_ids = _seed_quickbooks(qbo_sandbox)
    hs_sandbox = HubSpotSandbox(clock=clock, time_zone="America/New_York", company_currency="USD")
    hs_ids = hs_sandbox.seed(_hubspot_seed())
    wrap = wrap_transport or (lambda transport: transport)
    qbo_transport = wrap(qbo_sandbox)
    crm = HubSpotClient(
        access_token="pat-sandbox",  # noqa: S106 - the sandbox accepts any token
        transport=wrap(hs_sandbox),
        quote_adjustments=True,
        clock=clock,
        sleep=clock.sleep,
    )

    return DemoWorld(
        clock=clock,
        hubspot=hs_sandbox,
        quickbooks=qbo_sandbox,
        crm=crm,
        us=_ledger(qbo_transport, us, clock),
        uk=_ledger(qbo_transport, uk, clock),
        hs=hs_ids,
        qbo=qbo_ids,
    )


# --------------------------------------------------------------------------- the story


class _Story:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.step = 0

    def title(self, text: str) -> None:
        self.step += 1
        self.out.write(f"\n== {self.step}. {text}\n")

    def say(self, text: str = "") -> None:
        self.out.write(f"{text}\n")

    def block(self, text: object) -> None:
        for line in str(text).splitlines():
            self.out.write(f"   {line}\n")


def run_demo(out: TextIO) -> int:
    """Walk through the main job on the demo business, printing what happens."""
    s = _Story(out)
    world = build_demo_world()
    hs, qbo = world.hs, world.qbo
    builder = world.builder()
    us, uk = world.us.realm_id, world.uk.realm_id
    s.say(
        "hubqbo demo: HubSpot portal (USD, New York) + QuickBooks Online companies "
        f"Northwind Studio Inc (US, realm {us}) and Northwind Studio Ltd (UK, realm {uk})."
    )
    s.say(f"Now is {world.clock.now():%Y-%m-%d %H:%M} UTC. No network, no credentials.")

    s.title("Customer matching")
    for key, realm in (("deal-acme", us), ("deal-globex", us), ("deal-initech", us)):
        d = builder.from_deal(hs[key], realm=realm)
        name = d.company.name if d.company else "?"
        s.say(f"   {name:<18} → {d.match.describe() if d.match else 'no buyer'}")

    s.title("A draft from a deal: Acme website relaunch")
    draft = builder.from_deal(hs["deal-acme"], realm=us, message="Thank you for your business!")
    s.block(draft)

    s.title("A draft from a quote (its discount and fee too); an expired one is refused")
    quote_draft = builder.from_quote(hs["quote-acme"], realm=us)
    s.block(quote_draft)
    try:
        builder.from_quote(hs["quote-old"], realm=us)
    except QuoteNotUsable as exc:
        s.say(f"   refused: {exc}")

    s.title("A UK draft: every problem at once, each with its fix")
    uk_draft = builder.from_deal(hs["deal-harbour"], realm=uk)
    s.block(uk_draft)
    vat, photo = qbo["uk:tax:20.0% S"], qbo["uk:item:Photography (day rate)"]
    fixed = uk_draft.with_tax_code(vat, line=1).with_item(3, photo)
    s.say(
        f"   after .with_tax_code('{vat}', line=1)  # 20.0% S\n"
        f"         .with_item(3, '{photo}')          # Photography (day rate)\n"
        f"   → {len(fixed.problems())} problem(s)"
    )
    uk_invoice = builder.create(fixed)
    s.block(uk_invoice)
    s.say("   (GBP invoice, USD portal: the deal roll-up is not written)")

    s.title("No match → create the customer from HubSpot data")
    initech = builder.from_deal(hs["deal-initech"], realm=us).with_new_customer()
    made = builder.create(initech)
    s.say(
        f"   created QBO customer {made.customer.display_name if made.customer else '?'} "
        f"and invoice {made.invoice.doc_number}"
    )

    s.title("Create twice: idempotent")
    first = builder.create(draft)
    again = builder.create(
        builder.from_deal(hs["deal-acme"], realm=us, message="Thank you for your business!")
    )
    s.block(first)
    s.say(
        f"   second create: created={again.created}, same invoice: "
        f"{again.invoice.id == first.invoice.id} (idempotent)"
    )

    s.title("The deal roll-up in HubSpot")
    s.block(_rollup(world, hs["deal-acme"]))

    s.title("Preview the PDF and send it from QuickBooks")
    pdf = builder.preview_pdf(first)
    s.say(f"   PDF preview: {len(pdf):,} bytes ({pdf[:8].decode('latin-1')}...)")
    sent = builder.send(first)
    s.say(f"   sent to {sent.invoice.bill_email or 'the customer'}: status {sent.status.label}")

    s.title("A payment arrives, then time passes")
    world.quickbooks.add_payment(us, first.invoice.id or "", Decimal("2000"))
    refresh = builder.refresh_deal(hs["deal-acme"])
    s.say("   after a 2,000.00 payment, refresh_deal():")
    s.block(refresh)
    s.block(_rollup(world, hs["deal-acme"]))
    world.clock.advance(days=45)
    refresh = builder.refresh_deal(hs["deal-acme"])
    s.say(f"   45 days later ({world.clock.now():%Y-%m-%d}), refresh_deal():")
    s.block(refresh)
    s.block(_rollup(world, hs["deal-acme"]))

    s.title("Attach an invoice made directly in QuickBooks")
    found = builder.search_invoices(realm=us, doc_number="A-0999")
    s.say(f"   search by number A-0999: {len(found)} found")
    attached = builder.attach_existing(CrmObjectType.DEAL, hs["deal-acme"], found)
    s.block(attached[0])
    s.say("   the deal keeps the most recently updated invoice in its roll-up:")
    s.block(_rollup(world, hs["deal-acme"]))

    s.title("Workflow action with the newer customer policy")
    try:
        create_invoice_for_deal(
            builder,
            hs["deal-globex"],
            policy=CustomerCreationPolicy.ONLY_IF_ELIGIBLE,
            is_eligible=lambda contact: (contact.email or "").endswith("@acme.example"),
            realm=us,
        )
    except ContactNotEligible as exc:
        s.say(f"   refused: {exc}")

    s.title("Custom transaction numbers on: refused before any write")
    strict = world.quickbooks.add_realm(
        country="US", custom_txn_numbers=True, company_name="Numbered Inc"
    )
    other = _ledger(world.quickbooks, strict, world.clock)
    try:
        InvoiceBuilder(world.crm, other, now=world.clock.now).from_deal(hs["deal-acme"])
    except CustomTransactionNumbersEnabled as exc:
        s.say(f"   refused: {exc}")

    s.title("Sync QuickBooks into HubSpot: a backfill, then only what changed")
    _sync_story(s, world)

    s.say(
        f"\nDone: {world.quickbooks.count_requests()} QuickBooks and "
        f"{world.hubspot.count_requests()} HubSpot requests, all served by the sandboxes."
    )
    return 0


def _written(result: Any) -> str:
    """``14 written (contacts 2 create, 1 update; products 4 update)``."""
    parts = "; ".join(
        f"{kind} " + ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
        for kind, counts in result.counts.items()
    )
    return f"{result.applied} written" + (f" ({parts})" if parts else "")


def _sync_story(s: _Story, world: DemoWorld) -> None:
    """The sync engine on the US company: a backfill, one QuickBooks change, an incremental
    run that writes only it, a re-run that writes nothing (the sync state in memory)."""
    from hubqbo.sync import SQLiteStateStore, SyncEngine

    with SQLiteStateStore(":memory:") as store:
        engine = SyncEngine(world.crm, world.us, state=store, tenant="demo", now=world.clock.now)
        s.say(f"   backfill: {_written(engine.run())}")
        acme = world.us.get_customer(world.qbo["us:Acme Corporation"])
        world.clock.advance(seconds=300)
        world.us.update_fields(
            "Customer",
            acme.id or "",
            acme.sync_token or "",
            {"PrimaryPhone": {"FreeFormNumber": "+1 212-555-0187"}},
        )
        world.clock.advance(seconds=300)
        s.say(f"   {acme.display_name}'s phone changed in QuickBooks")
        s.say(f"   incremental run: {_written(engine.run())}")
        world.clock.advance(seconds=300)
        s.say(f"   re-run: {_written(engine.run())}")


def _rollup(world: DemoWorld, deal_id: str) -> str:
    record = (world.hubspot.get("deals", deal_id) or {})["properties"]
    names = (
        "qbo_invoice_number",
        "qbo_invoice_status",
        "qbo_invoice_amount_billed",
        "qbo_invoice_due_date",
        "qbo_invoice_recipient",
    )
    return "\n".join(f"{n}: {record.get(n) or ''}" for n in names)


# --------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the ``hubqbo`` command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="hubqbo", description="HubSpot CRM ↔ QuickBooks Online, as a typed Python SDK."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "demo",
        help="run the main job on embedded sandboxes (no network, no credentials)",
    )
    args = parser.parse_args(argv)
    stream = out or sys.stdout
    if args.command == "demo":
        return run_demo(stream)
    return 2  # pragma: no cover - argparse refuses unknown commands


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
