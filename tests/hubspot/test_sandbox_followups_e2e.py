"""HubSpotClient against HubSpotSandbox for the sandbox follow-ups: 477 Migration in Progress,
paged association lists on record reads, quote discounts/fees/taxes and date properties. Every
exchange is validated by the strict OpenAPI contract harness when ``../shared`` is present."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hubqbo.errors import MigrationInProgressError
from hubqbo.hubspot import HubSpotClient
from hubqbo.models import CrmInvoice, CrmObjectType
from hubqbo.sandbox import Fault, FaultPlan, HubSpotSandbox, ManualClock
from tests.hubspot.conftest import validating

T = CrmObjectType
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)


def portal(**kw: Any) -> tuple[HubSpotSandbox, ManualClock]:
    clock = ManualClock(START)
    return HubSpotSandbox(clock=clock, **kw), clock


def connect(
    sandbox: HubSpotSandbox, clock: ManualClock, specs: object | None, **kw: Any
) -> HubSpotClient:
    return HubSpotClient(
        access_token="pat-na1-sandbox",
        transport=validating(sandbox, specs),
        clock=clock,
        sleep=clock.sleep,
        **kw,
    )


# ------------------------------------------------------------------ 477 Migration in Progress


def test_migration_in_progress_is_ridden_out_after_each_retry_after(
    hubspot_specs: object | None,
) -> None:
    """Two 477s (Retry-After 120 s, then 300 s) on a read: the client waits exactly what HubSpot
    asked, sends the read a third time and returns the deal."""
    faults = FaultPlan.scripted(
        [
            Fault.migration_in_progress(120, method="GET"),
            Fault.migration_in_progress(300, method="GET"),
        ]
    )
    sandbox, clock = portal(faults=faults)
    deal_id = sandbox.create("deals", {"dealname": "Boat", "amount": "1200"})
    client = connect(sandbox, clock, hubspot_specs)
    deal = client.get_deal(deal_id)
    assert ("Boat", 3, START + dt.timedelta(seconds=420)) == (
        deal.name,
        client.requests_sent,
        clock.now(),
    )
    assert [477, 477, 200] == [r.status for r in sandbox.requests]


def test_migration_in_progress_beyond_max_retry_after_raises_at_once(
    hubspot_specs: object | None,
) -> None:
    """A 477 asking for 24 h (beyond the default max_retry_after of 600 s) is raised as
    MigrationInProgressError carrying the wait, without sleeping and without applying the write."""
    faults = FaultPlan.scripted([Fault.migration_in_progress(86_400, method="POST")])
    sandbox, clock = portal(faults=faults)
    client = connect(sandbox, clock, hubspot_specs)
    with pytest.raises(MigrationInProgressError) as caught:
        client.batch_create(T.PRODUCT, [{"name": "A"}])
    assert (86_400.0, 477, 1, START, []) == (
        caught.value.retry_after,
        caught.value.status_code,
        client.requests_sent,
        clock.now(),
        sandbox.records("products"),
    )


# ------------------------------------------------------------------ date properties


def test_dates_round_trip_through_datetime_properties_as_midnight_utc(
    hubspot_specs: object | None,
) -> None:
    """hs_invoice_date/hs_due_date and quotes' hs_expiration_date are datetime properties: the
    client writes a date as YYYY-MM-DD (midnight UTC), HubSpot sends back ISO 8601 instants, and
    the client reads those instants as the same calendar dates."""
    sandbox, clock = portal()
    sandbox.create_property(
        "invoices",
        {
            "name": "qbo_invoice_id",
            "label": "QBO invoice id",
            "type": "string",
            "fieldType": "text",
            "groupName": "hubqbo",
            "hasUniqueValue": True,
        },
    )
    quote_id = sandbox.create("quotes", {"hs_title": "Q", "hs_expiration_date": "1798675200000"})
    client = connect(sandbox, clock, hubspot_specs)
    written = CrmInvoice(
        id=None,
        currency="USD",
        invoice_date=dt.date(2026, 11, 30),
        due_date=dt.date(2026, 12, 30),
        properties={"qbo_invoice_id": "130"},
    )
    client.upsert_invoice(written, id_property="qbo_invoice_id")
    stored = sandbox.records("invoices")[0]["properties"]
    read = client.find_invoice(id_property="qbo_invoice_id", value="130")
    assert read is not None
    assert (
        "2026-11-30T00:00:00.000Z",
        "2026-12-30T00:00:00.000Z",
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 30),
        dt.date(2026, 12, 31),
    ) == (
        stored["hs_invoice_date"],
        stored["hs_due_date"],
        read.invoice_date,
        read.due_date,
        client.get_quote(quote_id).expiration_date,
    )


# ------------------------------------------------------------------ paged association lists


def test_a_deals_long_line_item_list_is_completed_from_the_v4_read(
    hubspot_specs: object | None,
) -> None:
    """HubSpot lists 100 line items on the deal read and pages the rest (paging.next inside
    the association results); get_deal completes the list from the v4 association batch read,
    so all 601 line item ids come back, in order, in two requests."""
    sandbox, clock = portal()
    deal_id = sandbox.create("deals", {"dealname": "Fleet"})
    items = [
        sandbox.create("line_items", {"name": f"L{i}"}, associations=[("deals", deal_id)])
        for i in range(601)
    ]
    client = connect(sandbox, clock, hubspot_specs)
    deal = client.get_deal(deal_id)
    assert tuple(items) == tuple(deal.line_item_ids)
    assert [
        ("GET", f"/crm/objects/2026-03/deals/{deal_id}"),
        ("POST", "/crm/associations/2026-03/deals/line_items/batch/read"),
    ] == [(r.method, r.path) for r in sandbox.requests]


def test_a_short_association_list_costs_no_extra_request(hubspot_specs: object | None) -> None:
    """Exactly 100 line items fit on the record read: no paging, no v4 read."""
    sandbox, clock = portal()
    deal_id = sandbox.create("deals", {"dealname": "Fleet"})
    for i in range(100):
        sandbox.create("line_items", {"name": f"L{i}"}, associations=[("deals", deal_id)])
    client = connect(sandbox, clock, hubspot_specs)
    assert (100, 1) == (len(client.get_deal(deal_id).line_item_ids), client.requests_sent)


# ------------------------------------------------------------------ quote discounts, fees, taxes


INVERSE = {"discounts": 363, "fees": 365, "taxes": 367}
"""Discount/fee/tax → quote: the inverses of HubSpot's quote→discount 362, fee 364, tax 366."""


def seed_quote(sandbox: HubSpotSandbox, *adjustments: tuple[str, str, str]) -> str:
    """A deal's quote with two line items (300 + 100) and the given (kind, hs_type, hs_value)
    discounts/fees/taxes linked to it."""
    records: dict[str, Any] = {
        "deals": [{"key": "d", "properties": {"dealname": "Deal"}}],
        "quotes": [
            {
                "key": "q",
                "properties": {"hs_title": "Q", "hs_expiration_date": "2026-12-31"},
                "associations": {"deals": ["d"]},
            }
        ],
        "line_items": [
            {
                "key": f"l{price}",
                "properties": {"name": "x", "price": price},
                "associations": {"quotes": ["q"]},
            }
            for price in ("300", "100")
        ],
    }
    for n, (kind, hs_type, value) in enumerate(adjustments):
        records.setdefault(kind, []).append(
            {
                "key": f"{kind}{n}",
                "properties": {"hs_label": f"{kind} {n}", "hs_type": hs_type, "hs_value": value},
                "associations": {"quotes": [{"key": "q", "typeId": INVERSE[kind]}]},
            }
        )
    return sandbox.seed({"records": records})["q"]


def test_get_quote_reads_discounts_fees_and_taxes_end_to_end(
    hubspot_specs: object | None,
) -> None:
    """By default (quote_adjustments=True) against the sandbox: the quote read asks for
    discounts, fees and taxes; the two discounts and the two fees are batch-read (one request
    per kind) and summed by hs_type; the tax sets has_tax_objects. HubSpot's quote amount
    already applies them."""
    sandbox, clock = portal()
    quote_id = seed_quote(
        sandbox,
        ("discounts", "PERCENT", "10"),
        ("discounts", "FIXED", "20"),
        ("fees", "FIXED", "15.50"),
        ("fees", "PERCENT", "2"),
        ("taxes", "PERCENT", "8"),
    )
    client = connect(sandbox, clock, hubspot_specs)
    quote = client.get_quote(quote_id)
    assert (
        Decimal("20.0000"),
        Decimal("10.0000"),
        Decimal("15.5000"),
        Decimal("2.0000"),
        True,
    ) == (
        quote.discount_amount,
        quote.discount_percent,
        quote.fee_amount,
        quote.fee_percent,
        quote.has_tax_objects,
    )
    # 400 − (40 + 20) = 340; + (15.50 + 6.80) = 362.30; + 8% = 391.28
    assert (Decimal("391.28"), 2, 3) == (
        quote.amount,
        len(quote.line_item_ids),
        client.requests_sent,
    )
    assert [
        ("GET", f"/crm/objects/2026-03/quotes/{quote_id}"),
        ("POST", "/crm/objects/2026-03/discounts/batch/read"),
        ("POST", "/crm/objects/2026-03/fees/batch/read"),
    ] == [(r.method, r.path) for r in sandbox.requests]


def test_get_quote_without_adjustments_costs_one_request(hubspot_specs: object | None) -> None:
    """A quote with none: one request, every adjustment field empty."""
    sandbox, clock = portal()
    quote_id = seed_quote(sandbox)
    client = connect(sandbox, clock, hubspot_specs, quote_adjustments=True)
    quote = client.get_quote(quote_id)
    assert (None, None, None, None, False, Decimal("400"), 1) == (
        quote.discount_amount,
        quote.discount_percent,
        quote.fee_amount,
        quote.fee_percent,
        quote.has_tax_objects,
        quote.amount,
        client.requests_sent,
    )


def test_only_a_tax_costs_no_batch_read(hubspot_specs: object | None) -> None:
    """Taxes are only flagged (never read): a quote with just a tax costs one request."""
    sandbox, clock = portal()
    quote_id = seed_quote(sandbox, ("taxes", "FIXED", "30"))
    client = connect(sandbox, clock, hubspot_specs, quote_adjustments=True)
    quote = client.get_quote(quote_id)
    assert (True, None, Decimal("430"), 1) == (
        quote.has_tax_objects,
        quote.discount_amount,
        quote.amount,
        client.requests_sent,
    )


def test_opting_out_reads_the_quote_alone(hubspot_specs: object | None) -> None:
    """quote_adjustments=False: one read without the adjustment associations; the discount is
    not seen (the fields stay empty) although HubSpot's amount applies it."""
    sandbox, clock = portal()
    quote_id = seed_quote(sandbox, ("discounts", "FIXED", "40"))
    client = connect(sandbox, clock, hubspot_specs, quote_adjustments=False)
    quote = client.get_quote(quote_id)
    assert (None, False, Decimal("360"), 1) == (
        quote.discount_amount,
        quote.has_tax_objects,
        quote.amount,
        client.requests_sent,
    )
