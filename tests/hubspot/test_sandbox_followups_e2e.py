"""HubSpotClient against HubSpotSandbox for the sandbox follow-ups: 477 Migration in Progress,
paged association lists on record reads, quote discounts/fees/taxes and date properties. Every
exchange is validated by the strict OpenAPI contract harness when ``../shared`` is present."""

from __future__ import annotations

import datetime as dt
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
