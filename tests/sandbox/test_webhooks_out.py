"""Webhooks out of both sandboxes, checked with hubqbo's own verifiers and parsers (from the
tests only: the sandbox package never imports the adapters)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from hubqbo.errors import SignatureVerificationError
from hubqbo.hubspot import webhooks as hubspot_webhooks
from hubqbo.quickbooks import handle_webhook
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox, serve_sandboxes
from hubqbo.sandbox._webhooks import WebhookCall

SECRET = "app-client-secret"
VERIFIER = "intuit-verifier-token"


class Inbox:
    """A webhook endpoint as a callback: keeps every call, answers from a script."""

    def __init__(self, *statuses: int) -> None:
        self.calls: list[WebhookCall] = []
        self.statuses = list(statuses)

    def __call__(self, call: WebhookCall) -> int:
        self.calls.append(call)
        return self.statuses.pop(0) if self.statuses else 200


def _hubspot_events(inbox: Inbox, clock: ManualClock) -> list[hubspot_webhooks.WebhookEvent]:
    events = []
    for call in inbox.calls:
        hubspot_webhooks.verify_webhook(
            secret=SECRET,
            method="POST",
            uri=call.url,
            body=call.body,
            headers=dict(call.headers),
            now=clock.now(),
        )
        events.extend(hubspot_webhooks.parse_events(call.body))
    return events


def test_hubspot_sends_signed_subscription_events_for_every_kind_of_change() -> None:
    """creation, propertyChange, associationChange, merge (with primaryObjectId,
    mergedObjectIds, newObjectId), deletion, restore and privacyDeletion (then deletion), each
    request verifying with the v3 signature of the app's client secret."""
    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock, client_secret=SECRET)
    inbox = Inbox()
    sandbox.webhooks.subscribe(inbox, properties=["firstname"])
    ada = sandbox.create("contacts", {"email": "ada@x.example", "firstname": "Ada"})
    dup = sandbox.create("contacts", {"email": "ada2@x.example", "phone": "123"})
    acme = sandbox.create("companies", {"name": "Acme"})
    sandbox.update("contacts", ada, {"firstname": "Augusta", "lastname": "King"})
    sandbox.associate("contacts", dup, "companies", acme)
    client = httpx.Client(
        transport=sandbox, base_url="https://api.hubapi.com", headers={"Authorization": "Bearer t"}
    )
    merged = client.post(
        "/crm/v3/objects/contacts/merge", json={"primaryObjectId": ada, "objectIdToMerge": dup}
    )
    client.delete(f"/crm/v3/objects/companies/{acme}")
    sandbox.restore("companies", acme)
    gone = client.post("/crm/v3/objects/contacts/gdpr-delete", json={"objectId": ada})
    sandbox.webhooks.deliver()
    events = _hubspot_events(inbox, clock)
    kinds = [(e.event_type, e.object_id) for e in events]
    assert [
        ("contact.creation", ada),
        ("contact.creation", dup),
        ("company.creation", acme),
        ("contact.propertyChange", ada),
        ("contact.associationChange", dup),
        ("company.associationChange", acme),
        ("contact.merge", ada),
        ("company.deletion", acme),
        ("company.restore", acme),
        ("contact.privacyDeletion", ada),
        ("contact.deletion", ada),
    ] == kinds
    merge = events[6].raw
    assert (200, 204) == (merged.status_code, gone.status_code)
    assert (int(ada), [int(dup)], int(ada)) == (
        merge["primaryObjectId"],
        merge["mergedObjectIds"],
        merge["newObjectId"],
    )
    assert ("firstname", "Augusta") == (events[3].property_name, events[3].property_value)
    assert "123" == merged.json()["properties"]["phone"]  # the merged record's values fill blanks
    assert None is sandbox.get("contacts", ada)
    assert {0} == {e.attempt_number for e in events}
    assert 1 == len(inbox.calls)  # one batch


def test_a_wrong_secret_or_an_altered_body_does_not_verify() -> None:
    """The signature really depends on the secret and the body."""
    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock, client_secret=SECRET)
    inbox = Inbox()
    sandbox.webhooks.subscribe(inbox)
    sandbox.create("deals", {"dealname": "Boat"})
    sandbox.webhooks.deliver()
    call = inbox.calls[0]
    for secret, body in (
        ("other-secret", call.body),
        (SECRET, call.body.replace(b"deal", b"Deal")),
    ):
        with pytest.raises(SignatureVerificationError):
            hubspot_webhooks.verify_webhook(
                secret=secret,
                method="POST",
                uri=call.url,
                body=body,
                headers=dict(call.headers),
                now=clock.now(),
            )


def test_hubspot_batches_up_to_100_events_and_generic_types_carry_object_type_id() -> None:
    """250 changes arrive as 100 + 100 + 50; invoices (no own event names) as object.*."""
    sandbox = HubSpotSandbox(clock=ManualClock(), client_secret=SECRET, enforce_rate_limits=False)
    inbox = Inbox()
    sandbox.webhooks.subscribe(inbox, event_types=["deal.creation", "object.creation"])
    for n in range(249):
        sandbox.create("deals", {"dealname": f"D{n}"})
    invoice = sandbox.create("invoices", {"hs_currency": "USD"})
    sandbox.webhooks.deliver()
    sizes = [len(json.loads(c.body)) for c in inbox.calls]
    last = json.loads(inbox.calls[-1].body)[-1]
    assert [100, 100, 50] == sizes
    assert ("object.creation", "0-52", int(invoice)) == (
        last["subscriptionType"],
        last["objectTypeId"],
        last["objectId"],
    )


def test_hubspot_retries_failures_then_drops_them_after_ten_retries() -> None:
    """A 500, a timeout-like failure (exception) and a 404 are retried on the sandbox clock,
    with attemptNumber counting up; after 10 retries the batch is dropped."""
    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock, client_secret=SECRET)
    flaky = Inbox(500, 404, 200)
    sandbox.webhooks.subscribe(flaky)
    sandbox.create("deals", {"dealname": "Boat"})
    attempts = [d.status for d in sandbox.webhooks.deliver()]
    for _ in range(3):
        clock.advance(seconds=3600)
        attempts += [d.status for d in sandbox.webhooks.deliver()]
    numbers = [json.loads(c.body)[0]["attemptNumber"] for c in flaky.calls]
    assert ([500, 404, 200], [0, 1, 2]) == (attempts, numbers)

    never = Inbox(*[503] * 20)
    sandbox.webhooks.unsubscribe_all()
    sandbox.webhooks.subscribe(never)
    sandbox.create("deals", {"dealname": "Ship"})
    made = list(sandbox.webhooks.deliver())
    for _ in range(30):
        clock.advance(seconds=24 * 3600 / 30)
        made += sandbox.webhooks.deliver()
    assert (11, False, 0) == (len(made), made[-1].will_retry, sandbox.webhooks.pending())
    assert made[-1].at - made[0].at <= dt.timedelta(hours=24)  # HubSpot: within 24 hours


def test_switches_delay_duplicate_and_reorder() -> None:
    """delay holds events back on the clock, duplicate sends a batch twice, reorder shuffles."""
    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock, client_secret=SECRET)
    late, twice, shuffled = Inbox(), Inbox(), Inbox()
    sandbox.webhooks.subscribe(late, delay=60)
    sandbox.webhooks.subscribe(twice, duplicate=1.0)
    sandbox.webhooks.subscribe(shuffled, reorder=True, seed=7)
    ids = [sandbox.create("deals", {"dealname": f"D{n}"}) for n in range(20)]
    sandbox.webhooks.deliver()
    early = len(late.calls)
    clock.advance(seconds=60)
    sandbox.webhooks.deliver()
    order = [str(e["objectId"]) for e in json.loads(shuffled.calls[0].body)]
    assert (0, 1, 2) == (early, len(late.calls), len(twice.calls))
    assert twice.calls[0].body == twice.calls[1].body
    assert sorted(order) == sorted(ids)
    assert order != ids


def _qbo_world(fmt: str) -> tuple[QuickBooksSandbox, Inbox, str]:
    sandbox = QuickBooksSandbox(clock=ManualClock())
    inbox = Inbox()
    sandbox.webhooks.subscribe(inbox, verifier_token=VERIFIER, format=fmt)  # type: ignore[arg-type]
    realm = sandbox.add_realm(country="US")
    return sandbox, inbox, realm


@pytest.mark.parametrize("fmt", ["cloudevents", "legacy"])
def test_quickbooks_sends_signed_entity_events_in_both_formats(fmt: str) -> None:
    """Create, Update, Void, Delete, Emailed and Merge (with the deleted id) verify with the
    verifier token and parse with hubqbo's own parser."""
    sandbox, inbox, realm = _qbo_world(fmt)
    acme = sandbox.add_customer(realm, "Acme")
    dup = sandbox.add_customer(realm, "Acme (duplicate)")
    item = sandbox.add_item(realm, "Widget", 10)
    invoice = sandbox.add_invoice(realm, dup, [(item, 1, 10)], BillEmail={"Address": "a@x.example"})
    other = sandbox.add_invoice(realm, acme, [(item, 2, 10)])
    sandbox.update(realm, "Customer", acme, {"CompanyName": "Acme Inc"})
    client = httpx.Client(
        transport=sandbox,
        base_url=f"https://quickbooks.api.intuit.com/v3/company/{realm}",
        headers={"Authorization": "Bearer t"},
    )
    client.post("/invoice?operation=void", json={"Id": other, "SyncToken": "0"})
    client.post(f"/invoice/{invoice}/send")
    sandbox.merge(realm, "Customer", dup, acme)
    client.post("/invoice?operation=delete", json={"Id": other, "SyncToken": "1"})
    sandbox.webhooks.deliver()
    events = [
        e
        for call in inbox.calls
        for e in handle_webhook(call.body, call.headers["intuit-signature"], VERIFIER)
    ]
    assert [
        ("Customer", acme, "Create"),
        ("Customer", dup, "Create"),
        ("Item", item, "Create"),
        ("Invoice", invoice, "Create"),
        ("Invoice", other, "Create"),
        ("Customer", acme, "Update"),
        ("Invoice", other, "Void"),
        ("Invoice", invoice, "Emailed"),
        ("Customer", acme, "Merge"),
        ("Invoice", other, "Delete"),
    ] == [(e.entity, e.entity_id, e.operation) for e in events]
    assert {realm} == {e.realm_id for e in events}
    body = json.loads(inbox.calls[0].body)
    if fmt == "legacy":
        merge = body["eventNotifications"][0]["dataChangeEvent"]["entities"][8]
        assert dup == merge["deletedId"]
    else:
        assert {"deletedid": dup} == body[8]["data"]
        assert "qbo.customer.merged.v1" == body[8]["type"]
    merged_invoice = sandbox.get(realm, "Invoice", invoice)
    assert merged_invoice is not None
    assert acme == merged_invoice["CustomerRef"]["value"]
    assert None is sandbox.get(realm, "Customer", dup)


def test_quickbooks_retries_at_20_30_and_50_minutes_then_drops() -> None:
    """Intuit's schedule, on the sandbox clock."""
    sandbox, _, realm = _qbo_world("cloudevents")
    sandbox.webhooks.unsubscribe_all()
    down = Inbox(*[500] * 10)
    sandbox.webhooks.subscribe(down, verifier_token=VERIFIER)
    sandbox.add_customer(realm, "Acme")
    clock = sandbox.clock
    assert isinstance(clock, ManualClock)
    start = clock.now()
    times = []
    for _ in range(200):
        times += [d.at - start for d in sandbox.webhooks.deliver()]
        clock.advance(seconds=60)
    minutes = [int(t.total_seconds() // 60) for t in times]
    assert [0, 20, 50, 100] == minutes
    assert 0 == sandbox.webhooks.pending()


class _Endpoint(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[tuple[str, dict[str, str], bytes]]]]:
    received: list[tuple[str, dict[str, str], bytes]] = []
    handler = type("Endpoint", (_Endpoint,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/hubspot?portal=1", received
    server.shutdown()
    server.server_close()


def test_served_sandboxes_post_webhooks_to_a_url(
    endpoint: tuple[str, list[tuple[str, dict[str, str], bytes]]],
) -> None:
    """Served over HTTP, the sandbox POSTs due notifications to a real URL on its own; the
    v3 signature covers that URL, query included."""
    url, received = endpoint
    hubspot = HubSpotSandbox(client_secret=SECRET)
    hubspot.webhooks.subscribe(url)
    with serve_sandboxes(hubspot=hubspot, webhook_interval=0.05) as served:
        httpx.post(
            f"{served.hubspot_url}/crm/v3/objects/deals",
            json={"properties": {"dealname": "Boat"}},
            headers={"Authorization": "Bearer t"},
        )
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
    path, headers, body = received[0]
    hubspot_webhooks.verify_webhook(
        secret=SECRET,
        method="POST",
        uri=url,
        body=body,
        headers=headers,
        now=dt.datetime.now(dt.timezone.utc),
    )
    assert "/hooks/hubspot?portal=1" == path
    assert "deal.creation" == json.loads(body)[0]["subscriptionType"]


def test_removing_an_association_notifies_both_records() -> None:
    """v4 batch archive: associationChange with associationRemoved true, from each side."""
    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock, client_secret=SECRET)
    deal = sandbox.create("deals", {"dealname": "Boat"})
    line = sandbox.create("line_items", {"name": "Sail", "quantity": "1"})
    sandbox.associate("deals", deal, "line_items", line)
    inbox = Inbox()
    sandbox.webhooks.subscribe(
        inbox, event_types=["deal.associationChange", "line_item.associationChange"]
    )
    httpx.Client(
        transport=sandbox, base_url="https://api.hubapi.com", headers={"Authorization": "Bearer t"}
    ).post(
        "/crm/v4/associations/deals/line_items/batch/archive",
        json={"inputs": [{"from": {"id": deal}, "to": [{"id": line}]}]},
    )
    sandbox.webhooks.deliver()
    events = [e.raw for e in _hubspot_events(inbox, clock)]
    assert [
        ("deal.associationChange", "DEAL_TO_LINE_ITEM", int(deal), int(line), True),
        ("line_item.associationChange", "LINE_ITEM_TO_DEAL", int(line), int(deal), True),
    ] == [
        (
            e["subscriptionType"],
            e["associationType"],
            e["fromObjectId"],
            e["toObjectId"],
            e["associationRemoved"],
        )
        for e in events
    ]
