"""Failures the applier must survive: a 207 partial batch (only the refused records fail and
are retried, then quarantined), HubSpot's daily limit (the tenant is parked until the reset),
HubSpot merges and privacy deletions reported by webhooks, a QBO customer merge."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import httpx

from hubqbo.hubspot import HubSpotClient
from hubqbo.sync import ObjectKind, ObjectSync, SyncConfig
from tests.sync.conftest import World, by_email, props

CONTACTS_ONLY = SyncConfig(products=ObjectSync.off())


class Refusing(httpx.BaseTransport):
    """The HubSpot sandbox, except that contact upserts whose e-mail starts with ``bad`` are
    refused inside a 207 (as HubSpot does for an invalid record), and, when ``daily`` is set,
    every contact write gets HubSpot's daily-limit 429."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.daily = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if "/contacts/batch/" not in path or request.method != "POST" or path.endswith("/read"):
            return self.inner.handle_request(request)
        if self.daily:
            return httpx.Response(
                429,
                json={
                    "status": "error",
                    "message": "You have reached your daily limit.",
                    "errorType": "RATE_LIMIT",
                    "correlationId": "c-1",
                    "policyName": "DAILY",
                },
            )
        body = json.loads(request.content)
        bad = [i for i in body["inputs"] if i["properties"].get("email", "").startswith("bad")]
        good = [i for i in body["inputs"] if i not in bad]
        if not bad:
            return self.inner.handle_request(request)
        results: list[Any] = []
        if good:
            forwarded = httpx.Request(
                request.method,
                request.url,
                headers=request.headers,
                json={**body, "inputs": good},
            )
            answer = self.inner.handle_request(forwarded)
            answer.read()
            results = answer.json().get("results", [])
        errors = [
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": f"Property values were not valid: {i['properties']['email']}",
                "context": {"objectWriteTraceId": [i["objectWriteTraceId"]]},
            }
            for i in bad
        ]
        return httpx.Response(
            207,
            json={
                "status": "COMPLETE",
                "results": results,
                "numErrors": len(errors),
                "errors": errors,
                "startedAt": "2026-11-02T15:00:00Z",
                "completedAt": "2026-11-02T15:00:01Z",
            },
        )


def _refusing(world: World) -> Refusing:
    transport = Refusing(world.hs)
    world.crm = HubSpotClient(
        access_token="pat", transport=transport, clock=world.clock, sleep=world.clock.sleep
    )
    return transport


def test_a_partial_batch_fails_only_its_refused_record_which_is_quarantined(world: World) -> None:
    _refusing(world)
    for n in range(5):
        world.customer(f"Good {n}", PrimaryEmailAddr={"Address": f"good{n}@x.example"})
    bad = world.customer("Bad", PrimaryEmailAddr={"Address": "bad@x.example"})
    engine = world.engine(CONTACTS_ONLY)

    first = engine.run()
    assert first.applied == 5
    assert first.failed == 1
    assert not first.cursors_moved  # the refused record will be read again
    assert len(world.contacts()) == 5
    for _ in range(2):
        world.later()
        result = engine.run()
    assert [q.qbo_id for q in result.quarantined] == [bad]
    assert "not valid" in result.quarantined[0].error
    assert result.cursors_moved  # a quarantined record no longer holds the others back
    world.later()
    plan = engine.plan()
    assert [x.qbo_id for x in plan.needs_attention] == [bad]  # listed until released
    assert engine.apply(plan).ok
    engine.release(ObjectKind.CONTACTS, bad)  # released unchanged: tried again, refused again
    world.later()
    again = engine.run()
    assert again.failed == 1
    assert again.quarantined == ()
    world.edit("Customer", bad, PrimaryEmailAddr={"Address": "fixed@x.example"})
    world.later()
    assert engine.run().applied == 1
    assert len(world.contacts()) == 6


def test_the_daily_limit_parks_the_tenant_until_midnight_in_the_portal(world: World) -> None:
    transport = _refusing(world)
    world.customer("Acme", PrimaryEmailAddr={"Address": "ann@acme.example"})
    engine = world.engine(CONTACTS_ONLY)
    transport.daily = True
    result = engine.run()
    assert result.parked_until is not None
    assert result.parked_until.astimezone(dt.timezone.utc) == dt.datetime(
        2026,
        11,
        3,
        5,
        0,
        tzinfo=dt.timezone.utc,  # midnight in New York
    )
    transport.daily = False
    before = len(world.hs.requests)
    world.later(60)
    parked = engine.run()
    assert parked.parked_until == result.parked_until
    assert len(world.hs.requests) == before  # no request while parked
    world.clock.advance(seconds=dt.timedelta(hours=14).total_seconds())
    done = engine.run()
    assert done.ok
    assert list(by_email(world)) == ["ann@acme.example"]


def _hubspot_event(kind: str, object_id: str, **raw: Any) -> SimpleNamespace:
    return SimpleNamespace(event_type=f"contact.{kind}", object_id=object_id, raw=raw)


def test_a_contact_deleted_for_privacy_is_never_recreated(world: World) -> None:
    cid = world.customer("Ann", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@a.example"})
    engine = world.engine(CONTACTS_ONLY)
    engine.run()
    (contact,) = world.contacts()
    world.hs.gdpr_delete(contact["id"])
    engine.notify([_hubspot_event("privacyDeletion", contact["id"])])
    world.later()
    engine.run()
    world.edit("Customer", cid, GivenName="Annie")
    world.later()
    plan = engine.plan()
    assert [s.reason.value for s in plan.of(ObjectKind.CONTACTS).skipped] == ["privacy_deleted"]
    engine.apply(plan)
    assert world.contacts() == []


def test_a_hubspot_merge_keeps_one_link_on_the_surviving_contact(world: World) -> None:
    a = world.customer("Ann", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@a.example"})
    engine = world.engine(CONTACTS_ONLY)
    engine.run()
    (linked,) = world.contacts()
    other = world.hs.create("contacts", {"email": "ann.lee@b.example", "firstname": "Ann L."})
    world.hs.merge("contacts", other, linked["id"])
    engine.notify(
        [_hubspot_event("merge", other, primaryObjectId=other, mergedObjectIds=[linked["id"]])]
    )
    world.later()
    engine.run()
    world.edit("Customer", a, GivenName="Annie")
    world.later()
    engine.run()
    survivor = props(world.hs.get("contacts", other) or {})
    assert survivor["firstname"] == "Annie"
    assert survivor["hubqbo_id"] == f"{world.realm}:{a}"
    assert len(world.contacts()) == 1


def test_a_qbo_customer_merge_keeps_one_link(world: World) -> None:
    keep = world.customer("Acme", GivenName="Ann", PrimaryEmailAddr={"Address": "ann@a.example"})
    gone = world.customer("Acme Ltd", GivenName="Ann", PrimaryEmailAddr={"Address": "al@a.example"})
    item = world.qbo.add_item(world.realm, "Audit", 100)
    invoice = world.qbo.add_invoice(world.realm, gone, [(item, 1, 100)])
    engine = world.engine(SyncConfig(invoices=ObjectSync()))
    engine.run()
    world.later()
    world.qbo.merge(world.realm, "Customer", gone, keep)
    world.later()
    assert engine.run().ok
    assert world.store.link("acme", "contacts", qbo_id=gone) is None
    kept = world.store.link("acme", "contacts", qbo_id=keep)
    assert kept is not None
    (record,) = world.hs.records("invoices")
    associated = world.crm.associated_ids("invoices", [record["id"]], "contacts")  # type: ignore[arg-type]
    assert kept.hubspot_id in associated[record["id"]]
    assert invoice
