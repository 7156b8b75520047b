"""HubSpotClient against hand-written cassettes shaped after HubSpot's OpenAPI descriptions.

Each cassette is replayed with ``record_mode="none"`` and matched on method, URL, query and
JSON body, so a test fails if the client sends anything else; every exchange also passes the
OpenAPI contract harness (strict) when ``../shared`` is present.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from hubqbo.auth import ClientCredentials, MemoryTokenStore
from hubqbo.errors import ValidationError
from hubqbo.hubspot import HubSpotClient, HubSpotOAuth, hubspot_provider
from hubqbo.models import CrmObjectType, PropertyGroupSpec, PropertySpec
from hubqbo.sandbox import ManualClock
from tests.hubspot.conftest import replaying

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"


def make(transport: httpx.BaseTransport, **kw: object) -> HubSpotClient:
    clock = ManualClock()
    return HubSpotClient(
        access_token=TOKEN,
        transport=transport,
        clock=clock,
        sleep=clock.sleep,
        **kw,  # type: ignore[arg-type]
    )


def test_get_deal_reads_associations_and_primary_company(contract: httpx.BaseTransport) -> None:
    """get_deal: one record read with associations, one v4 read finds the primary company (5)."""
    with replaying("get_deal_2026_03"), make(contract) as client:
        deal = client.get_deal("9001")
    assert ("9001", "Website redesign", Decimal("1200.50"), "GBP") == (
        deal.id,
        deal.name,
        deal.amount,
        deal.currency,
    )
    assert ("101",) == deal.contact_ids
    assert ("301", "302") == deal.company_ids
    assert "301" == deal.primary_company_id
    assert ("501", "502") == deal.line_item_ids
    assert ("701",) == deal.quote_ids
    assert dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc) == deal.close_date
    assert 2 == client.requests_sent


def test_v3_paths_quote_and_currency(contract: httpx.BaseTransport) -> None:
    """api_version="v3" reads /crm/v3/objects and /settings/v3/currencies; currency is cached.
    quote_adjustments=False: the quote read asks for no discounts, fees or taxes."""
    with (
        replaying("get_quote_v3"),
        make(contract, api_version="v3", quote_adjustments=False) as client,
    ):
        quote = client.get_quote("701")
        currencies = [client.company_currency(), client.company_currency()]
    assert ("APPROVAL_NOT_NEEDED", dt.date(2026, 12, 31), "GBP") == (
        quote.status,
        quote.expiration_date,
        quote.currency,
    )
    assert (("101",), ("301",), "9001", ("601",)) == (
        quote.buyer_contact_ids,
        quote.buyer_company_ids,
        quote.deal_id,
        quote.line_item_ids,
    )
    assert ["GBP", "GBP"] == currencies
    assert 2 == client.requests_sent


def test_line_items_batch_read_keeps_asked_order(contract: httpx.BaseTransport) -> None:
    """get_line_items returns line items in the order asked, whatever order HubSpot answers."""
    with replaying("line_items_batch_read"), make(contract) as client:
        items = client.get_line_items(["501", "502"])
    assert [("501", Decimal("2"), Decimal("480.25"), Decimal("960.50"), "801")] == [
        (i.id, i.quantity, i.unit_price, i.amount, i.product_id) for i in items[:1]
    ]
    assert ["501", "502"] == [i.id for i in items]


def test_upsert_207_maps_failure_to_its_input(contract: httpx.BaseTransport) -> None:
    """A 207 error naming objectWriteTraceId hubqbo-1 becomes a typed failure of input 1."""
    records = [
        {"qbo_customer_id": "58", "email": "ada@example.com"},
        {"qbo_customer_id": "59", "email": "not-an-email"},
        {"qbo_customer_id": "60", "email": "grace@example.com"},
    ]
    with replaying("contacts_upsert_207"), make(contract) as client:
        result = client.batch_upsert(CrmObjectType.CONTACT, records, id_property="qbo_customer_id")
    assert [1] == [f.index for f in result.failures]
    failure = result.failures[0]
    assert isinstance(failure.error, ValidationError)
    assert "VALIDATION_ERROR" == failure.error.code
    assert records[1]["email"] == failure.input["properties"]["email"]
    assert [("1201", False), ("1250", True)] == [(r.id, r.new) for r in result.records]
    with pytest.raises(ValidationError):
        result.raise_for_failures()


def test_portal_currency_and_time_zone(contract: httpx.BaseTransport) -> None:
    """The dated currency path and the account-info details endpoint, each read once."""
    with replaying("portal_settings_2026_03"), make(contract) as client:
        got = (client.company_currency(), client.portal_time_zone(), client.portal_time_zone())
    assert ("GBP", "Europe/London", "Europe/London") == got
    assert 2 == client.requests_sent


def test_ensure_properties_creates_only_what_is_missing(contract: httpx.BaseTransport) -> None:
    """The hubqbo group and a missing property are created; an existing one is left alone."""
    groups = [PropertyGroupSpec(CrmObjectType.DEAL)]
    props = [
        PropertySpec(CrmObjectType.DEAL, "qbo_invoice_number", "QBO invoice number"),
        PropertySpec(
            CrmObjectType.DEAL, "qbo_amount_billed", "QBO amount billed", "number", "number"
        ),
    ]
    with replaying("ensure_properties_deals"), make(contract) as client:
        changes = client.ensure_properties(groups, props)
    assert ("deals/hubqbo",) == changes.groups_created
    assert ("deals/qbo_amount_billed",) == changes.properties_created
    assert ("deals/qbo_invoice_number",) == changes.properties_unchanged
    assert changes.changed


def test_find_invoice_by_unique_property(contract: httpx.BaseTransport) -> None:
    """find_invoice reads by idProperty; the answer is typed (ISO date and ms due date)."""
    with replaying("find_invoice_2026_03"), make(contract) as client:
        hit = client.find_invoice(id_property="qbo_invoice_id", value="130")
    assert hit is not None
    assert ("4401", "open", "INV-1003", Decimal("1200.50")) == (
        hit.id,
        hit.status,
        hit.number,
        hit.amount_billed,
    )
    assert (dt.date(2026, 11, 20), dt.date(2026, 12, 26), False) == (
        hit.invoice_date,
        hit.due_date,
        hit.billable,
    )


def test_oauth_code_exchange_refresh_and_use(contract: httpx.BaseTransport) -> None:
    """Code exchange on /oauth/2026-03/token captures hub_id; the client refreshes the
    30-minute token from expires_in and persists the rotated refresh token per portal."""
    clock = ManualClock(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc))
    store = MemoryTokenStore()
    oauth = HubSpotOAuth(
        hubspot_provider("2026-03"),
        ClientCredentials("cid-1", "sekret", "https://app.example/callback"),
        transport=contract,
        clock=clock,
    )
    request = oauth.authorization_url(["oauth", "crm.objects.deals.read"], state="st-1")
    with replaying("oauth_2026_03"):
        portal, token = oauth.connect(
            "https://app.example/callback?code=c0de&state=st-1", state=request.state, store=store
        )
        assert ("62515", clock.now() + dt.timedelta(seconds=1800)) == (portal, token.expires_at)
        clock.advance(seconds=1700)  # within the refresh margin of the 30-minute token
        client = HubSpotClient.from_oauth(
            oauth, store, portal, transport=contract, clock=clock, sleep=clock.sleep
        )
        assert "USD" == client.company_currency()
    saved = store.load("hubspot:62515")
    assert saved is not None
    assert ("na1-refresh-2", "62515") == (saved.refresh_token, saved.account_id)
    assert "state=st-1" in request.url


def test_find_invoice_miss_is_none() -> None:
    """A 404 OBJECT_NOT_FOUND on the unique-property read means "no such invoice".

    Not run through the contract harness: the descriptions declare error bodies as ``*/*``,
    which openapi-core does not parse as JSON.
    """
    with replaying("find_invoice_miss_2026_03"), make(httpx.HTTPTransport()) as client:
        assert client.find_invoice(id_property="qbo_invoice_id", value="131") is None


def test_quote_adjustments_read_discounts_fees_and_taxes(contract: httpx.BaseTransport) -> None:
    """quote_adjustments=True: one quote read asks for discounts, fees and taxes; the discounts
    and fees are batch-read (one request each) and summed by hs_type; a tax sets the flag."""
    with (
        replaying("get_quote_adjustments_2026_03"),
        make(contract, quote_adjustments=True) as client,
    ):
        quote = client.get_quote("702")
    assert (Decimal("50"), Decimal("10"), Decimal("25.00"), None, True) == (
        quote.discount_amount,
        quote.discount_percent,
        quote.fee_amount,
        quote.fee_percent,
        quote.has_tax_objects,
    )
    assert (("601",), "9001", 3) == (quote.line_item_ids, quote.deal_id, client.requests_sent)


def test_quote_without_adjustments_costs_one_request(contract: httpx.BaseTransport) -> None:
    """A quote with no discount, fee or tax associated: one request, nothing filled in."""
    with (
        replaying("get_quote_no_adjustments_2026_03"),
        make(contract, quote_adjustments=True) as client,
    ):
        quote = client.get_quote("703")
    assert (None, None, None, None, False, 1) == (
        quote.discount_amount,
        quote.discount_percent,
        quote.fee_amount,
        quote.fee_percent,
        quote.has_tax_objects,
        client.requests_sent,
    )


def test_association_list_cut_short_is_completed(contract: httpx.BaseTransport) -> None:
    """A record read whose line item list carries paging.next is completed from the v4
    associations read: the deal's third line item is not lost."""
    with replaying("get_deal_paged_line_items_2026_03"), make(contract) as client:
        deal = client.get_deal("9002")
    assert (("501", "502", "503"), 2) == (deal.line_item_ids, client.requests_sent)
