"""Each job closes the clients its factory built: a worker runs for weeks, and an engine per
job that kept its two connection pools open would leak sockets until the process died."""

from __future__ import annotations

import httpx
from procrastinate.testing import InMemoryConnector

from hubqbo.hubspot import HubSpotClient
from hubqbo.protocols import StateStore
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import HubSpotSandbox, QuickBooksSandbox
from hubqbo.sync import SQLiteStateStore, SyncEngine
from hubqbo.workers._jobs import JobNames, build_app


class Closing(httpx.BaseTransport):
    """A sandbox transport that notes when its client closes it."""

    def __init__(self, inner: httpx.BaseTransport, closed: list[str], name: str) -> None:
        self.inner, self.closed, self.name = inner, closed, name

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.closed.append(self.name)


def test_every_job_closes_the_clients_its_engine_was_built_with() -> None:
    qbo, hubspot = QuickBooksSandbox(), HubSpotSandbox()
    realm = qbo.add_realm(country="US")
    qbo.add_customer(realm, "Acme Inc", PrimaryEmailAddr={"Address": "ann@acme.example"})
    store = SQLiteStateStore(":memory:")
    closed: list[str] = []
    built: list[SyncEngine] = []

    def engine(tenant: str) -> SyncEngine:
        built.append(
            SyncEngine(
                HubSpotClient(access_token="pat", transport=Closing(hubspot, closed, "hubspot")),
                QuickBooksClient(
                    realm_id=realm, access_token="t", transport=Closing(qbo, closed, "qbo")
                ),
                state=store,
                tenant=tenant,
            )
        )
        return built[-1]

    def engine_for(tenant: str, _store: StateStore = store) -> SyncEngine:
        return engine(tenant)

    app = build_app(
        InMemoryConnector(),
        engine_for=engine_for,
        tenants=lambda: ["acme"],
        queue="hubqbo",
        sync_cron=None,
        sweep_cron=None,
        stalled_cron="*/5 * * * *",
        stalled_after=60.0,
        lease_retry_wait=1,
        lease_retry_attempts=1,
        keep_jobs_hours=24,
    )
    with app.open():
        for reason in ("first", "second"):
            app.configure_task(JobNames.SYNC, queue="hubqbo").defer(tenant="acme", reason=reason)
        app.run_worker(queues=["hubqbo"], wait=False)
    assert len(built) == 2  # one engine per job
    assert sorted(closed) == ["hubspot", "hubspot", "qbo", "qbo"]
    assert [c["properties"]["email"] for c in hubspot.records("contacts")] == ["ann@acme.example"]
    store.close()
