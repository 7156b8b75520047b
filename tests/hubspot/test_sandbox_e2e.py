"""HubSpotClient against HubSpotSandbox, end to end through the public API, every exchange
validated by the OpenAPI contract harness (strict) when ``../shared`` is present."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hubqbo._http import no_jitter
from hubqbo.errors import (
    MigrationInProgressError,
    NotFoundError,
    RateLimitedError,
    RequestTimeout,
    ServerError,
    ValidationError,
)
from hubqbo.hubspot import Filter, FilterGroup, HubSpotClient, HubSpotRetryPolicy, SearchQuery
from hubqbo.models import CrmInvoice, CrmObjectType, PropertyGroupSpec, PropertySpec
from hubqbo.protocols import CrmClient
from hubqbo.sandbox import Fault, FaultKind, FaultPlan, HubSpotSandbox, ManualClock
from tests.hubspot.conftest import validating

T = CrmObjectType
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
GROUPS = [PropertyGroupSpec(T.PRODUCT), PropertyGroupSpec(T.INVOICE), PropertyGroupSpec(T.DEAL)]
PROPS = [
    PropertySpec(T.PRODUCT, "qbo_item_id", "QBO item id", has_unique_value=True),
    PropertySpec(T.INVOICE, "qbo_invoice_id", "QBO invoice id", has_unique_value=True),
    PropertySpec(T.CONTACT, "qbo_customer_id", "QBO customer id", has_unique_value=True),
    PropertySpec(T.DEAL, "qbo_amount_billed", "QBO amount billed", "number", "number"),
]


def portal(**kw: Any) -> tuple[HubSpotSandbox, ManualClock]:
    clock = ManualClock(START)
    return HubSpotSandbox(
        clock=clock, time_zone="Europe/London", company_currency="GBP", **kw
    ), clock


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


def seed_deal(sandbox: HubSpotSandbox) -> dict[str, str]:
    return sandbox.seed(
        {
            "records": {
                "products": [
                    {
                        "key": "p1",
                        "properties": {"name": "Audit", "hs_sku": "AUD-1", "price": "480.25"},
                    }
                ],
                "companies": [
                    {
                        "key": "acme",
                        "properties": {"name": "Acme Ltd", "city": "Leeds", "zip": "LS1 4AP"},
                    },
                    {"key": "other", "properties": {"name": "Other plc"}},
                ],
                "contacts": [
                    {
                        "key": "ada",
                        "properties": {
                            "firstname": "Ada",
                            "lastname": "Lovelace",
                            "email": "ada@acme.test",
                        },
                        "associations": {"companies": ["acme"]},
                    },
                ],
                "deals": [
                    {
                        "key": "d1",
                        "properties": {
                            "dealname": "Website",
                            "amount": "960.50",
                            "deal_currency_code": "GBP",
                            "closedate": "2026-11-30T00:00:00Z",
                        },
                        "associations": {
                            "contacts": ["ada"],
                            "companies": [{"key": "acme", "typeId": 5}, "other"],
                        },
                    },
                ],
                "line_items": [
                    {
                        "key": "l1",
                        "product": "p1",
                        "properties": {"quantity": "2", "price": "480.25"},
                        "associations": {"deals": ["d1"]},
                    },
                ],
                "quotes": [
                    {
                        "key": "q1",
                        "properties": {
                            "hs_title": "Website quote",
                            "hs_expiration_date": "2026-12-31",
                            "hs_currency": "GBP",
                            "hs_status": "APPROVAL_NOT_NEEDED",
                        },
                        "associations": {
                            "deals": ["d1"],
                            "contacts": ["ada"],
                            "companies": ["acme"],
                        },
                    },
                ],
            }
        }
    )


@pytest.mark.parametrize("version", ["2026-03", "v3"])
def test_reads_writes_and_settings_end_to_end(version: str, hubspot_specs: object | None) -> None:
    """Deal, quote, line items, products, properties, invoice upsert/find, associations,
    currency and time zone — both path families, every exchange contract-checked."""
    sandbox, clock = portal()
    ids = seed_deal(sandbox)
    client = connect(sandbox, clock, hubspot_specs, api_version=version)
    assert isinstance(client, CrmClient)

    first = client.ensure_properties(GROUPS, PROPS)
    again = client.ensure_properties(GROUPS, PROPS)
    assert {
        "products/qbo_item_id",
        "invoices/qbo_invoice_id",
        "contacts/qbo_customer_id",
        "deals/qbo_amount_billed",
    } == set(first.properties_created)
    assert (False, set(first.properties_created)) == (
        again.changed,
        set(again.properties_unchanged),
    )

    deal = client.get_deal(ids["d1"])
    assert (Decimal("960.50"), "GBP", (ids["ada"],), ids["acme"], (ids["l1"],), (ids["q1"],)) == (
        deal.amount,
        deal.currency,
        deal.contact_ids,
        deal.primary_company_id,
        deal.line_item_ids,
        deal.quote_ids,
    )
    assert {ids["acme"], ids["other"]} == set(deal.company_ids)

    quote = client.get_quote(ids["q1"])
    assert ("APPROVAL_NOT_NEEDED", dt.date(2026, 12, 31), ids["d1"], (ids["ada"],)) == (
        quote.status,
        quote.expiration_date,
        quote.deal_id,
        quote.buyer_contact_ids,
    )
    [line] = client.get_line_items([ids["l1"]])
    assert (ids["p1"], Decimal("2"), Decimal("480.25")) == (
        line.product_id,
        line.quantity,
        line.unit_price,
    )

    client.update_properties(T.PRODUCT, ids["p1"], {"qbo_item_id": "77"})
    [product] = client.get_products([ids["p1"]])
    assert ("AUD-1", "77") == (product.sku, product.qbo_item_id)
    with pytest.raises(NotFoundError):
        client.get_products(["999999999"])

    contact = client.get_contact(ids["ada"])
    company = client.get_company(ids["acme"])
    assert ("Ada Lovelace", (ids["acme"],), "Leeds") == (
        contact.full_name,
        contact.company_ids,
        company.address.city if company.address else None,
    )

    assert client.find_invoice(id_property="qbo_invoice_id", value="130") is None
    draft = CrmInvoice(
        id=None,
        currency="GBP",
        status="draft",
        invoice_date=dt.date(2026, 11, 25),
        properties={"qbo_invoice_id": "130"},
    )
    created = client.upsert_invoice(draft, id_property="qbo_invoice_id")
    updated = client.upsert_invoice(
        CrmInvoice(
            id=None,
            currency="GBP",
            due_date=dt.date(2026, 12, 25),
            properties={"qbo_invoice_id": "130"},
        ),
        id_property="qbo_invoice_id",
    )
    found = client.find_invoice(id_property="qbo_invoice_id", value="130")
    assert found is not None
    assert created.id == updated.id == found.id
    assert (dt.date(2026, 11, 25), dt.date(2026, 12, 25), "draft") == (
        found.invoice_date,
        found.due_date,
        found.status,
    )

    client.associate(T.INVOICE, found.id or "", T.DEAL, ids["d1"], type_id=175)
    client.associate(T.INVOICE, found.id or "", T.CONTACT, ids["ada"])
    links = client.associations(T.INVOICE, found.id or "", T.DEAL)
    assert [(ids["d1"], True)] == [(a.to_id, 175 in a.type_ids) for a in links]
    assert [ids["ada"]] == [
        a.to_id for a in client.associations(T.INVOICE, found.id or "", T.CONTACT)
    ]

    assert ("GBP", "Europe/London") == (client.company_currency(), client.portal_time_zone())
    assert [] == [r for r in sandbox.requests if r.status == 429]


def test_batches_are_chunked_to_the_documented_limits(hubspot_specs: object | None) -> None:
    """250 reads → 3 requests of <= 100; 2,500 association creates → 2 requests of <= 2,000;
    1,500 association reads → 2 requests of <= 1,000."""
    sandbox, clock = portal()
    client = connect(sandbox, clock, hubspot_specs)
    products = client.batch_create(T.PRODUCT, [{"name": f"P{i}"} for i in range(250)])
    assert (250, True) == (len(products.records), products.ok)
    deals = client.batch_create(T.DEAL, [{"dealname": f"D{i}"} for i in range(25)])
    items = client.batch_create(
        T.LINE_ITEM, [{"name": f"L{i}", "quantity": "1", "price": "1"} for i in range(2500)]
    )
    before = len(sandbox.requests)
    got = client.batch_read(T.PRODUCT, [r.id for r in products.records], properties=["name"])
    assert (250, 3) == (len(got), len(sandbox.requests) - before)

    pairs = [(items.records[i].id, deals.records[i % 25].id) for i in range(2500)]
    before = len(sandbox.requests)
    client.batch_associate(T.LINE_ITEM, T.DEAL, pairs)
    assert 2 == len(sandbox.requests) - before
    before = len(sandbox.requests)
    read = client.batch_read_associations(T.LINE_ITEM, [i.id for i in items.records[:1500]], T.DEAL)
    assert (2, 1500) == (len(sandbox.requests) - before, sum(len(v) for v in read.values()))
    assert all(20 in links[0].type_ids for links in read.values())


def test_207_failures_map_back_to_inputs(hubspot_specs: object | None) -> None:
    """A duplicate unique value in a batch create fails only that input (mapped by trace id)."""
    sandbox, clock = portal()
    client = connect(sandbox, clock, hubspot_specs)
    client.ensure_properties([], PROPS[:1])
    result = client.batch_create(
        T.PRODUCT,
        [
            {"name": "A", "qbo_item_id": "1"},
            {"name": "B", "qbo_item_id": "2"},
            {"name": "C", "qbo_item_id": "1"},
            {"name": "D", "qbo_item_id": "4"},
        ],
    )
    assert ([2], 3) == ([f.index for f in result.failures], len(result.records))
    assert "C" == result.failures[0].input["properties"]["name"]


def test_fault_plan_is_ridden_out(hubspot_specs: object | None) -> None:
    """429, 423, 503 and a read timeout each cost one retry; the reads still succeed."""
    faults = FaultPlan.scripted(
        [
            Fault.rate_limit(),
            None,
            Fault(FaultKind.LOCKED, 423),
            None,
            Fault.server_error(503),
            None,
            Fault.timeout(),
            None,
        ]
    )
    sandbox, clock = portal(faults=faults)
    ids = seed_deal(sandbox)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.sleep(seconds)

    client = HubSpotClient(
        access_token="pat-na1-sandbox",
        transport=validating(sandbox, hubspot_specs),
        clock=clock,
        sleep=sleep,
        retry=HubSpotRetryPolicy(base_delay=0.5, jitter=no_jitter),
    )
    for _ in range(4):
        assert "Acme Ltd" == client.get_company(ids["acme"]).name
    assert 8 == client.requests_sent
    # the ten-second window, >= 2 s after 423, then the first backoff step for 503 and timeout
    assert [10.0, 2.0, 0.5, 0.5] == slept


def test_writes_that_may_have_been_applied_are_not_retried(hubspot_specs: object | None) -> None:
    """A 503 or a timeout on a batch create is raised (HubSpot has no idempotency key)."""
    faults = FaultPlan.scripted(
        [Fault.server_error(503, method="POST"), Fault.timeout(method="POST")]
    )
    sandbox, clock = portal(faults=faults)
    client = connect(sandbox, clock, hubspot_specs)
    with pytest.raises(ServerError):
        client.batch_create(T.PRODUCT, [{"name": "A"}])
    with pytest.raises(RequestTimeout):
        client.batch_create(T.PRODUCT, [{"name": "A"}])
    assert 2 == client.requests_sent


def test_daily_limit_raises_at_once(hubspot_specs: object | None) -> None:
    """When the portal's daily budget is spent the client raises DAILY without waiting."""
    sandbox, clock = portal(daily_limit=3)
    client = connect(sandbox, clock, hubspot_specs)
    for _ in range(3):
        list(client.iter_objects(T.CONTACT))
    with pytest.raises(RateLimitedError) as caught:
        list(client.iter_objects(T.CONTACT))
    assert ("DAILY", START) == (caught.value.policy, clock.now())


def test_search_filters_and_ceiling(hubspot_specs: object | None) -> None:
    """A search matching 10,450 records returns all of them once, via an hs_object_id restart."""
    sandbox, clock = portal()
    client = connect(sandbox, clock, hubspot_specs, rate_limits="api_add_on")
    for chunk in range(0, 10_500, 100):
        client.batch_create(
            T.CONTACT,
            [
                {"email": f"c{i}@x.test", "lifecyclestage": "lead" if i % 100 else "customer"}
                for i in range(chunk, chunk + 100)
            ],
        )
    query = SearchQuery(
        filter_groups=[FilterGroup([Filter("lifecyclestage", "EQ", "lead")])], properties=["email"]
    )
    before = len(sandbox.requests)
    found = list(client.search(T.CONTACT, query))
    assert (10_395, 10_395) == (len(found), len({r.id for r in found}))
    assert 52 == len(sandbox.requests) - before  # 50 pages to the ceiling, 2 after the restart
    assert [] == [r for r in sandbox.requests if r.status >= 400]


@pytest.mark.parametrize("version", ["2026-03", "v3"])
def test_oauth_connect_refresh_and_rotation(version: str, hubspot_specs: object | None) -> None:
    """Authorize → callback → code exchange (hub_id captured) → 30-minute token refreshed
    before expiry → the rotated refresh token is persisted under the portal's key."""
    from hubqbo.auth import ClientCredentials, MemoryTokenStore
    from hubqbo.hubspot import HubSpotOAuth, hubspot_provider

    sandbox, clock = portal(portal_id=62515)
    redirect = "https://app.example/hubspot/callback"
    oauth = HubSpotOAuth(
        hubspot_provider(version),
        ClientCredentials("sandbox-client-id", "sandbox-client-secret", redirect),
        transport=validating(sandbox, hubspot_specs),
        clock=clock,
    )
    request = oauth.authorization_url(["oauth", "crm.objects.contacts.read"])
    code = sandbox.authorize(redirect_uri=redirect, scopes=["oauth", "crm.objects.contacts.read"])
    store = MemoryTokenStore()
    portal_id, token = oauth.connect(
        f"{redirect}?code={code}&state={request.state}", state=request.state, store=store
    )
    assert ("62515", START + dt.timedelta(minutes=30)) == (portal_id, token.expires_at)

    client = HubSpotClient.from_oauth(
        oauth,
        store,
        portal_id,
        transport=validating(sandbox, hubspot_specs),
        clock=clock,
        sleep=clock.sleep,
        api_version=version,
    )
    assert "GBP" == client.company_currency()
    clock.advance(seconds=29 * 60)  # inside the refresh margin: refreshed before use
    assert "Europe/London" == client.portal_time_zone()
    saved = store.load("hubspot:62515")
    assert saved is not None
    assert saved.refresh_token != token.refresh_token
    assert saved.expires_at == clock.now() + dt.timedelta(minutes=30)
    assert [] == [r for r in sandbox.requests if r.status == 401]


def test_migration_in_progress_waits_retry_after_even_for_a_create(
    hubspot_specs: object | None,
) -> None:
    """477 with Retry-After: 30 means nothing was applied: the batch create is sent again 30 s
    later and creates the product once."""
    faults = FaultPlan.scripted([Fault(FaultKind.SERVER_ERROR, 477, 30.0, method="POST")])
    sandbox, clock = portal(faults=faults)
    client = connect(sandbox, clock, hubspot_specs)
    result = client.batch_create(T.PRODUCT, [{"name": "A"}])
    assert (True, 2, START + dt.timedelta(seconds=30)) == (
        result.ok,
        client.requests_sent,
        clock.now(),
    )
    assert ["A"] == [r.properties["name"] for r in client.iter_objects(T.PRODUCT)]


def test_migration_wait_beyond_the_maximum_raises_without_sleeping(
    hubspot_specs: object | None,
) -> None:
    """A 477 asking for 24 h (more than the policy's max_retry_after) is raised at once."""
    faults = FaultPlan.scripted([Fault(FaultKind.SERVER_ERROR, 477, 86_400.0)])
    sandbox, clock = portal(faults=faults)
    client = connect(sandbox, clock, hubspot_specs)
    with pytest.raises(MigrationInProgressError) as caught:
        client.company_currency()
    assert (86_400.0, 1, START) == (caught.value.retry_after, client.requests_sent, clock.now())


def test_batch_associate_reports_each_failed_pair(hubspot_specs: object | None) -> None:
    """A 207 fails only the pair whose line item does not exist: the result names that input
    (by its position in the call) with HubSpot's typed error; the others are linked."""
    sandbox, clock = portal()
    client = connect(sandbox, clock, hubspot_specs)
    deal = client.batch_create(T.DEAL, [{"dealname": "D"}]).records[0].id
    items = [r.id for r in client.batch_create(T.LINE_ITEM, [{"name": "a"}, {"name": "b"}]).records]
    pairs = [(items[0], deal), ("999999999", deal), (items[1], deal)]
    result = client.batch_associate(T.LINE_ITEM, T.DEAL, pairs)
    assert ([1], NotFoundError) == (
        [f.index for f in result.failures],
        type(result.failures[0].error),
    )
    assert (False, {(items[0], deal), (items[1], deal)}) == (result.ok, set(result.created))
    assert {items[0], items[1]} == {a.to_id for a in client.associations(T.DEAL, deal, T.LINE_ITEM)}
    with pytest.raises(NotFoundError):
        result.raise_for_failures()


def test_batch_associate_chunk_refused_whole_fails_each_pair(
    hubspot_specs: object | None,
) -> None:
    """When every pair of a request fails HubSpot answers 4xx, not 207: each pair of that
    request is reported as failed instead of the call raising midway."""
    sandbox, clock = portal()
    client = connect(sandbox, clock, hubspot_specs)
    deal = client.batch_create(T.DEAL, [{"dealname": "D"}]).records[0].id
    result = client.batch_associate(T.LINE_ITEM, T.DEAL, [("999999998", deal), ("999999999", deal)])
    assert ([0, 1], (), ()) == (
        [f.index for f in result.failures],
        result.created,
        result.unmatched_errors,
    )


def test_upsert_with_a_repeated_key_is_refused_before_any_write(
    hubspot_specs: object | None,
) -> None:
    """Two of 150 records share an email (in different requests of 100): ValidationError
    before anything is sent, rather than one chunk written and the winner left to chance."""
    sandbox, clock = portal()
    client = connect(sandbox, clock, hubspot_specs)
    records = [{"email": f"c{i}@x.test"} for i in range(150)]
    records[120] = {"email": "c0@x.test", "firstname": "Other"}
    with pytest.raises(ValidationError, match=r"c0@x\.test"):
        client.batch_upsert(T.CONTACT, records, id_property="email")
    assert 0 == client.requests_sent
