"""save(path) / load(path): a world saved and reloaded answers every request as before."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.errors import HubQboError
from hubqbo.sandbox import (
    HubSpotSandbox,
    ManualClock,
    QuickBooksSandbox,
    SandboxStateError,
)
from hubqbo.sandbox._state import decode, encode
from hubqbo.sandbox.hubspot import demo_seed

HS = "https://api.hubapi.com"
QBO = "https://quickbooks.api.intuit.com"

Exchange = Callable[[httpx.Client], list[httpx.Response]]


def _answers(transport: httpx.BaseTransport, base: str, script: Exchange) -> list[tuple[int, str]]:
    client = httpx.Client(transport=transport, base_url=base, headers={"Authorization": "Bearer t"})
    return [(r.status_code, r.text) for r in script(client)]


def _hubspot_world(clock: ManualClock) -> tuple[HubSpotSandbox, dict[str, str]]:
    sandbox = HubSpotSandbox(clock=clock)
    ids = sandbox.seed(demo_seed())
    client = httpx.Client(transport=sandbox, base_url=HS, headers={"Authorization": "Bearer t"})
    clock.advance(seconds=30)
    client.patch(f"/crm/v3/objects/deals/{ids['deal-acme']}", json={"properties": {"amount": "9"}})
    client.delete(f"/crm/v3/objects/contacts/{ids['hans']}")
    client.post(
        "/crm/v3/objects/contacts/batch/upsert",
        json={"inputs": [{"id": "new@x.example", "idProperty": "email", "properties": {}}]},
    )
    sandbox.authorize(redirect_uri="https://app.example/cb")
    return sandbox, ids


def _hubspot_script(ids: dict[str, str]) -> Exchange:
    def script(client: httpx.Client) -> list[httpx.Response]:
        return [
            client.get("/crm/v3/objects/deals?limit=1&associations=line_items"),
            client.get(f"/crm/v3/objects/deals/{ids['deal-acme']}?propertiesWithHistory=amount"),
            client.get("/crm/v3/objects/contacts?archived=true"),
            client.post(
                "/crm/v3/objects/contacts/search",
                json={
                    "filterGroups": [
                        {"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}
                    ]
                },
            ),
            client.get(f"/crm/v4/objects/quotes/{ids['quote-acme']}/associations/line_items"),
            client.get("/crm/v3/properties/contacts/qbo_customer_id"),
            client.post(
                "/crm/v3/objects/contacts", json={"properties": {"email": "ada@acme.example"}}
            ),
            client.post("/crm/v3/objects/companies", json={"properties": {"name": "Initech"}}),
            client.get("/crm/v3/objects/companies?limit=100"),
            client.get("/account-info/v3/details"),
            client.get("/crm/v3/objects/deals/1"),
        ]

    return script


def test_a_hubspot_portal_saved_and_loaded_answers_the_same(tmp_path: Path) -> None:
    """Same status and body, byte for byte (ids, history, unique values, links, the bin,
    correlation ids, the next ids handed out) from the original and from the reloaded portal."""
    clock = ManualClock()
    original, ids = _hubspot_world(clock)
    path = tmp_path / "portal.json"
    original.save(path)
    loaded = HubSpotSandbox.load(path, clock=clock)
    script = _hubspot_script(ids)
    assert _answers(original, HS, script) == _answers(loaded, HS, script)
    assert json.loads(path.read_text())["format"] == "hubqbo.sandbox.hubspot"


def _quickbooks_world(clock: ManualClock) -> tuple[QuickBooksSandbox, str]:
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="GB", realm_id="4620816365257778210")
    customer = sandbox.add_customer(realm, "Acme Ltd")
    item = sandbox.add_item(realm, "Widget", "12.50", IncomeAccountRef={"value": "1"})
    invoice = sandbox.add_invoice(realm, customer, [(item, 3, "12.50")], tax_code="1")
    sandbox.add_payment(realm, invoice, "10.00")
    client = httpx.Client(
        transport=sandbox,
        base_url=f"{QBO}/v3/company/{realm}",
        headers={"Authorization": "Bearer t"},
    )
    clock.advance(seconds=60)
    client.post("/customer?requestid=r-1", json={"DisplayName": "Replay Co"})
    second = sandbox.add_invoice(realm, customer, [(item, 1, 5)], tax_code="1")
    client.post("/invoice?operation=void", json={"Id": second, "SyncToken": "0"})
    return sandbox, realm


def _quickbooks_script(client: httpx.Client) -> list[httpx.Response]:
    return [
        client.get("/query", params={"query": "select * from Invoice"}),
        client.get(
            "/cdc", params={"entities": "Invoice,Customer,Payment", "changedSince": "2026-11-01"}
        ),
        client.post("/customer?requestid=r-1", json={"DisplayName": "Replay Co"}),
        client.post("/customer", json={"DisplayName": "Acme Ltd"}),
        client.post("/customer", json={"DisplayName": "Fresh Co"}),
        client.get("/invoice/1"),
        client.get("/preferences"),
        client.post("/invoice?operation=delete", json={"Id": "1", "SyncToken": "1"}),
        client.get("/cdc", params={"entities": "Invoice", "changedSince": "2026-11-01"}),
    ]


def test_a_quickbooks_world_saved_and_loaded_answers_the_same(tmp_path: Path) -> None:
    """Same status, body and intuit_tid sequence from the original and the reloaded world:
    records, balances, voids, requestid replays, tombstones and the next ids."""
    clock = ManualClock()
    original, realm = _quickbooks_world(clock)
    path = tmp_path / "qbo.json"
    original.save(path)
    loaded = QuickBooksSandbox.load(path, clock=clock)
    base = f"{QBO}/v3/company/{realm}"
    first, again = (
        _answers(original, base, _quickbooks_script),
        _answers(loaded, base, _quickbooks_script),
    )
    assert first == again
    assert [200, 200, 200, 400, 200, 200, 200, 400, 200] == [status for status, _ in first]


def test_a_file_of_another_kind_or_layout_is_refused(tmp_path: Path) -> None:
    """Another sandbox's file, a newer layout or not JSON: SandboxStateError (a HubQboError)."""
    hubspot_file, newer, garbage = tmp_path / "hs.json", tmp_path / "newer.json", tmp_path / "x"
    HubSpotSandbox(clock=ManualClock()).save(hubspot_file)
    document = json.loads(hubspot_file.read_text())
    newer.write_text(json.dumps({**document, "version": 99}))
    garbage.write_text("not json")
    with pytest.raises(SandboxStateError, match=r"not a hubqbo\.sandbox\.quickbooks state"):
        QuickBooksSandbox.load(hubspot_file)
    with pytest.raises(SandboxStateError, match="layout version 99"):
        HubSpotSandbox.load(newer)
    with pytest.raises(HubQboError, match="cannot read"):
        HubSpotSandbox.load(garbage)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2)
    | st.datetimes(timezones=st.just(dt.timezone.utc))
    | st.binary(max_size=8)
)
_keys = st.text(max_size=6) | st.tuples(st.text(max_size=3), st.integers())
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.frozensets(st.integers() | st.text(max_size=4), max_size=4)
        | st.dictionaries(_keys, inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_values)
def test_the_state_codec_gives_back_what_it_was_given(value: object) -> None:
    """encode -> JSON text -> decode is the identity on the kinds of values a world holds
    (Decimal scale, aware datetimes, bytes, tuples, sets, tuple keys, '$' keys included)."""
    again = decode(json.loads(json.dumps(encode(value))))
    assert _normal(value) == _normal(again)


def _normal(value: object) -> object:
    """Sets come back as sets, frozensets as sets; Decimals compare with their exponent."""
    if isinstance(value, frozenset | set):
        return ("set", sorted(map(repr, value)))
    if isinstance(value, Decimal):
        return ("dec", value.as_tuple())
    if isinstance(value, tuple):
        return ("tuple", [_normal(v) for v in value])
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return sorted((repr(k), _normal(v)) for k, v in value.items())
    return value


def test_a_reloaded_portal_signs_webhooks_with_its_saved_app(tmp_path: Path) -> None:
    """The app's client secret and id survive a reload (subscriptions do not: subscribe again)."""
    clock = ManualClock()
    HubSpotSandbox(clock=clock, client_secret="s3cret", app_id=77).save(tmp_path / "p.json")
    loaded = HubSpotSandbox.load(tmp_path / "p.json", clock=clock)
    calls: list[Any] = []
    loaded.webhooks.subscribe(calls.append)
    loaded.create("deals", {"dealname": "Boat"})
    loaded.webhooks.deliver()
    body = calls[0].body
    expected = hashlib.sha256(b"s3cret" + body).hexdigest()
    assert (expected, 77) == (calls[0].headers["X-HubSpot-Signature"], json.loads(body)[0]["appId"])
