"""The webhook receiver over real HTTP on loopback, fed by the sandboxes' own webhooks out:
correctly and wrongly signed, expired, duplicated, reordered and in bursts. It answers, marks
records dirty in the PostgreSQL state store and schedules work — and makes no provider call."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
from collections.abc import Iterator

import attrs
import httpx
import pytest

from hubqbo.hubspot import HubSpotClient
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox
from hubqbo.sandbox._webhooks import WebhookCall
from hubqbo.server import Receiver, create_app
from hubqbo.sync import PostgresStateStore, SyncEngine
from tests.server.conftest import served

SECRET = "hs-client-secret"
TOKEN = "intuit-verifier-token"
START = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.timezone.utc)


@attrs.define
class Setup:
    clock: ManualClock
    hs: HubSpotSandbox
    qbo: QuickBooksSandbox
    realm: str
    store: PostgresStateStore
    url: str
    scheduled: list[str]

    def dirty(self, tenant: str = "acme") -> set[tuple[str, str, str]]:
        return {(d.side, d.kind, d.record_id) for d in self.store.dirty(tenant)}


@pytest.fixture
def setup(postgres_dsn: str) -> Iterator[Setup]:
    clock = ManualClock(START)
    hs = HubSpotSandbox(clock=clock, portal_id=62515, client_secret=SECRET)
    qbo = QuickBooksSandbox(clock=clock)
    realm = qbo.add_realm(country="US")
    store = PostgresStateStore(postgres_dsn)
    store.connect_tenant("acme", hubspot_portal_id="62515", qbo_realm_id=realm)
    scheduled: list[str] = []
    lock = threading.Lock()

    def on_dirty(tenant: str) -> None:
        with lock:
            scheduled.append(tenant)

    app = create_app(
        store,
        hubspot_client_secret=SECRET,
        qbo_verifier_token=TOKEN,
        on_dirty=on_dirty,
        now=clock.now,
    )
    with served(app) as url:
        yield Setup(clock, hs, qbo, realm, store, url, scheduled)
    store.close()


def test_health(setup: Setup) -> None:
    answer = httpx.get(f"{setup.url}/health")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


def test_hubspot_deliveries_mark_records_dirty_and_schedule_the_tenant(setup: Setup) -> None:
    setup.hs.webhooks.subscribe(f"{setup.url}/hubspot")
    ann = setup.hs.create("contacts", {"email": "ann@acme.example"})
    setup.hs.update("contacts", ann, {"firstname": "Ann"})
    before = (len(setup.hs.requests), len(setup.qbo.requests))
    deliveries = setup.hs.webhooks.deliver()
    assert [d.status for d in deliveries] == [200]
    ((side, kind, record),) = setup.dirty()  # creation + change: one row, the last event
    assert (side, kind, record.split(":")[1]) == ("hubspot", "contacts", ann)
    assert setup.scheduled == ["acme"]
    assert (len(setup.hs.requests), len(setup.qbo.requests)) == before  # no provider call


def test_quickbooks_deliveries_in_both_formats(setup: Setup) -> None:
    setup.qbo.webhooks.subscribe(f"{setup.url}/quickbooks", verifier_token=TOKEN)
    setup.qbo.webhooks.subscribe(f"{setup.url}/quickbooks", verifier_token=TOKEN, format="legacy")
    acme = setup.qbo.add_customer(setup.realm, "Acme Inc")
    item = setup.qbo.add_item(setup.realm, "Audit", 500)
    deliveries = setup.qbo.webhooks.deliver()
    assert deliveries
    assert all(d.status == 200 for d in deliveries)
    assert setup.dirty() == {("qbo", "Customer", acme), ("qbo", "Item", item)}


def test_forged_and_wrongly_signed_deliveries_are_refused(setup: Setup) -> None:
    setup.hs.webhooks.subscribe(f"{setup.url}/hubspot", client_secret="not-the-secret")
    setup.qbo.webhooks.subscribe(f"{setup.url}/quickbooks", verifier_token="not-the-token")
    setup.hs.create("contacts", {"email": "eve@evil.example"})
    setup.qbo.add_customer(setup.realm, "Eve")
    statuses = [d.status for d in setup.hs.webhooks.deliver() + setup.qbo.webhooks.deliver()]
    assert statuses == [401, 401]
    assert setup.dirty() == set()
    assert setup.scheduled == []
    unsigned = httpx.post(f"{setup.url}/quickbooks", content=b"[]")
    assert unsigned.status_code == 401
    assert "intuit-signature" in unsigned.json()["reason"]


def test_an_expired_hubspot_delivery_is_refused_and_a_replay_dropped(setup: Setup) -> None:
    calls: list[WebhookCall] = []
    setup.hs.webhooks.subscribe(lambda call: calls.append(call) or 200, url=f"{setup.url}/hubspot")
    ann = setup.hs.create("contacts", {"email": "ann@acme.example"})
    setup.hs.webhooks.deliver()
    (call,) = calls

    def replay() -> httpx.Response:
        return httpx.post(call.url, content=call.body, headers=dict(call.headers))

    first = replay()
    assert (first.status_code, first.json()["result"]) == (200, "marked")
    again = replay()  # HubSpot retries, or a replay inside the 5-minute window
    assert (again.status_code, again.json()["result"]) == (200, "duplicate")
    assert setup.dirty() == {("hubspot", "contacts", f"creation:{ann}")}
    setup.clock.advance(seconds=301)
    late = replay()
    assert late.status_code == 401
    assert "timestamp" in late.json()["reason"].lower() or "old" in late.json()["reason"]


def test_a_signed_body_that_is_not_events_is_a_400(setup: Setup) -> None:
    body = b'{"not": "events"}'
    sig = base64.b64encode(hmac.new(TOKEN.encode(), body, hashlib.sha256).digest()).decode()
    answer = httpx.post(f"{setup.url}/quickbooks", content=body, headers={"intuit-signature": sig})
    assert answer.status_code == 400


def test_duplicated_reordered_bursts_end_with_one_mark_per_record(setup: Setup) -> None:
    setup.hs.webhooks.subscribe(f"{setup.url}/hubspot", duplicate=0.5, reorder=True, seed=7)
    setup.qbo.webhooks.subscribe(
        f"{setup.url}/quickbooks", verifier_token=TOKEN, duplicate=0.5, reorder=True, seed=7
    )
    contacts = [setup.hs.create("contacts", {"email": f"c{i}@x.example"}) for i in range(250)]
    customers = [setup.qbo.add_customer(setup.realm, f"Customer {i}") for i in range(120)]
    for cid in contacts[:40]:
        setup.hs.update("contacts", cid, {"firstname": "Changed"})
    deliveries = setup.hs.webhooks.deliver() + setup.qbo.webhooks.deliver()
    assert all(d.ok for d in deliveries)
    assert len(deliveries) > 4  # HubSpot sends at most 100 events a request
    dirty = setup.dirty()
    assert {r for s, _, r in dirty if s == "qbo"} == set(customers)
    hubspot_ids = {r.split(":", 1)[1] for s, _, r in dirty if s == "hubspot"}
    assert hubspot_ids == set(contacts)
    assert len({d.body for d in deliveries}) < len(deliveries)  # duplicates were sent
    rows = [(r.side, r.record_id) for r in setup.store.dirty("acme")]
    assert len(rows) == len(set(rows))  # one row per record and operation
    for cid in contacts[40:]:
        assert ("hubspot", f"creation:{cid}") in rows
    assert len(rows) <= len(customers) + len(contacts) + 40
    assert set(setup.scheduled) == {"acme"}


def test_unknown_accounts_are_acknowledged_and_dropped(setup: Setup) -> None:
    other = HubSpotSandbox(clock=setup.clock, portal_id=999, client_secret=SECRET)
    other.webhooks.subscribe(f"{setup.url}/hubspot")
    other.create("contacts", {"email": "x@y.example"})
    (delivery,) = other.webhooks.deliver()
    assert delivery.status == 200
    assert setup.dirty() == set()
    assert setup.scheduled == []


def test_the_next_run_reads_what_the_receiver_marked(setup: Setup) -> None:
    setup.qbo.webhooks.subscribe(f"{setup.url}/quickbooks", verifier_token=TOKEN)
    engine = SyncEngine(
        HubSpotClient(access_token="pat", transport=setup.hs, clock=setup.clock),
        QuickBooksClient(
            realm_id=setup.realm, access_token="t", transport=setup.qbo, clock=setup.clock
        ),
        state=setup.store,
        tenant="acme",
        now=setup.clock.now,
    )
    assert engine.run().ok
    acme = setup.qbo.add_customer(
        setup.realm, "Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"}
    )
    setup.qbo.webhooks.deliver()
    assert setup.dirty() == {("qbo", "Customer", acme)}
    setup.clock.advance(seconds=60)
    result = engine.run()
    assert result.counts["contacts"] == {"create": 1}
    assert setup.dirty() == set()


def test_the_receiver_hides_its_secrets() -> None:
    from hubqbo.sync import SQLiteStateStore

    receiver = Receiver(SQLiteStateStore(":memory:"), hubspot_client_secret=SECRET)
    assert SECRET not in repr(receiver)


def test_an_intuit_replay_is_dropped_while_remembered_and_coalesces_after(setup: Setup) -> None:
    calls: list[WebhookCall] = []
    setup.qbo.webhooks.subscribe(lambda call: calls.append(call) or 200, verifier_token=TOKEN)
    acme = setup.qbo.add_customer(setup.realm, "Acme Inc")
    setup.qbo.webhooks.deliver()
    (call,) = calls

    def replay() -> httpx.Response:
        return httpx.post(f"{setup.url}/quickbooks", content=call.body, headers=dict(call.headers))

    assert replay().json()["result"] == "marked"
    setup.clock.advance(seconds=3600 * 20)
    assert replay().json()["result"] == "duplicate"  # Intuit's signature never expires
    setup.clock.advance(seconds=3600 * 6)  # forgotten after 25 hours: marked again...
    assert replay().json()["result"] == "marked"
    (row,) = setup.store.dirty("acme")  # ...into the same row
    assert (row.record_id, row.events) == (acme, 2)


def test_mounted_behind_a_proxy_hubspot_signatures_still_verify(setup: Setup) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    public = "https://hooks.example.com"
    receiver = create_app(
        setup.store, hubspot_client_secret=SECRET, public_url=public, now=setup.clock.now
    )
    service = Starlette(routes=[Mount("/webhooks", app=receiver)])
    with served(service) as url:

        def forward(call: WebhookCall) -> int:  # the proxy: public URL in, local URL out
            local = call.url.replace(public, url)
            return httpx.post(local, content=call.body, headers=dict(call.headers)).status_code

        setup.hs.webhooks.subscribe(forward, url=f"{public}/webhooks/hubspot")
        ann = setup.hs.create("contacts", {"email": "ann@acme.example"})
        (delivery,) = setup.hs.webhooks.deliver()
        assert delivery.status == 200
        assert {r.split(":")[1] for _, _, r in setup.dirty()} == {ann}
        assert httpx.get(f"{url}/webhooks/health").status_code == 200
