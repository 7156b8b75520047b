"""Every kind of response the HubSpot sandbox sends validates against HubSpot's descriptions.

Each scenario runs through ``ValidatingTransport`` (strict): a request or response that does
not match the published OpenAPI description (patched only by the cited ``SPEC_DEFECTS``)
fails the test. Both path families are exercised: numbered (``/crm/v3``, ``/crm/v4``,
``/settings/v3``) and dated (``/crm/objects/2026-03`` ...).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hubqbo.sandbox import Fault, FaultPlan, HubSpotSandbox, ManualClock
from hubqbo.sandbox.hubspot import demo_seed
from tests.contract.hubspot_openapi import HubSpotSpecs, ValidatingTransport, load_specs_or_skip

FAMILIES = {
    "v3": {
        "objects": "/crm/v3/objects",
        "record_assoc": "/crm/v4/objects",
        "assoc": "/crm/v4/associations",
        "properties": "/crm/v3/properties",
        "currency": "/settings/v3/currencies",
    },
    "2026-03": {
        "objects": "/crm/objects/2026-03",
        "record_assoc": "/crm/objects/2026-03",
        "assoc": "/crm/associations/2026-03",
        "properties": "/crm/properties/2026-03",
        "currency": "/settings/currencies/2026-03",
    },
}


@pytest.fixture(scope="module")
def specs() -> HubSpotSpecs:
    """The published descriptions (skips with a reason when ../shared is absent)."""
    return load_specs_or_skip()


class Harness:
    """A seeded sandbox behind a strict validating transport, with a status-checking caller."""

    def __init__(self, specs: HubSpotSpecs, **sandbox_options: Any) -> None:
        self.clock = ManualClock()
        self.sandbox = HubSpotSandbox(clock=self.clock, **sandbox_options)
        self.ids = self.sandbox.seed(demo_seed())
        self.transport = ValidatingTransport(self.sandbox, specs)
        self.client = httpx.Client(
            transport=self.transport,
            base_url="https://api.hubapi.com",
            headers={"Authorization": "Bearer pat-na1-sandbox"},
        )

    def call(self, expected: int, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request; assert the status; return the JSON body (None when empty)."""
        response = self.client.request(method, path, **kwargs)
        assert expected == response.status_code, response.text
        return response.json() if response.content else None

    def operations(self) -> set[tuple[str, int]]:
        """(operation template, status) pairs seen so far."""
        return {(e.operation, e.status) for e in self.transport.exchanges}


@pytest.fixture(params=sorted(FAMILIES))
def family(request: pytest.FixtureRequest) -> tuple[str, dict[str, str]]:
    """Each path family in turn."""
    return request.param, FAMILIES[request.param]


def test_record_endpoints_validate(specs: HubSpotSpecs, family: tuple[str, dict[str, str]]) -> None:
    """List, get (with associations), create, patch, delete and their errors match the spec."""
    _, paths = family
    h = Harness(specs)
    objects = paths["objects"]
    deal = h.ids["deal-acme"]
    listed = h.call(
        200, "GET", f"{objects}/deals", params={"limit": 1, "properties": "dealname,amount"}
    )
    h.call(200, "GET", f"{objects}/deals", params={"after": listed["paging"]["next"]["after"]})
    got = h.call(
        200, "GET", f"{objects}/0-3/{deal}", params={"associations": "line_items,contacts"}
    )
    assert {"line_items", "contacts"} == set(got["associations"])
    created = h.call(
        201, "POST", f"{objects}/contacts", json={"properties": {"email": "new@x.test"}}
    )
    h.call(
        200, "PATCH", f"{objects}/contacts/{created['id']}", json={"properties": {"firstname": "N"}}
    )
    h.call(409, "POST", f"{objects}/contacts", json={"properties": {"email": "NEW@x.test"}})
    h.call(400, "PATCH", f"{objects}/contacts/{created['id']}", json={"properties": {"nope": "1"}})
    h.call(204, "DELETE", f"{objects}/contacts/{created['id']}")
    h.call(404, "GET", f"{objects}/contacts/{created['id']}")
    h.call(200, "GET", f"{objects}/contacts/{created['id']}", params={"archived": "true"})
    h.call(
        200,
        "GET",
        f"{objects}/deals/{deal}",
        params={"propertiesWithHistory": "dealname", "properties": ["amount", "missing_prop"]},
    )
    h.call(400, "GET", f"{objects}/widgets/1")


def test_batch_endpoints_validate(specs: HubSpotSpecs, family: tuple[str, dict[str, str]]) -> None:
    """Batch read/create/update/upsert/archive, their 207s and their 400s match the spec."""
    _, paths = family
    h = Harness(specs)
    base = f"{paths['objects']}/contacts/batch"
    ada, hans = h.ids["ada"], h.ids["hans"]
    h.call(200, "POST", f"{base}/read", json={"inputs": [{"id": ada}], "properties": ["email"]})
    h.call(207, "POST", f"{base}/read", json={"inputs": [{"id": ada}, {"id": "999999"}]})
    h.call(
        200,
        "POST",
        f"{base}/read",
        json={"inputs": [{"id": "ada@acme.example"}], "idProperty": "email", "properties": []},
    )
    h.call(201, "POST", f"{base}/create", json={"inputs": [{"properties": {"firstname": "A"}}]})
    partial = h.call(
        207,
        "POST",
        f"{base}/create",
        json={
            "inputs": [
                {"properties": {"firstname": "B"}, "objectWriteTraceId": "t1"},
                {"properties": {"bogus": "x"}, "objectWriteTraceId": "t2"},
            ]
        },
    )
    assert [["t2"]] == [e["context"]["objectWriteTraceId"] for e in partial["errors"]]
    h.call(
        200,
        "POST",
        f"{base}/update",
        json={"inputs": [{"id": hans, "properties": {"city": "Bonn"}}]},
    )
    upserted = h.call(
        200,
        "POST",
        f"{base}/upsert",
        json={
            "inputs": [
                {"id": "C-1", "idProperty": "qbo_customer_id", "properties": {"firstname": "Q"}},
                {
                    "id": "ada@acme.example",
                    "idProperty": "email",
                    "properties": {"jobtitle": "CTO"},
                },
            ]
        },
    )
    assert [True, False] == [r["new"] for r in upserted["results"]]
    traced = [
        {"id": hans, "properties": {"city": "Köln"}, "objectWriteTraceId": "u1"},
        {"id": "404404", "properties": {"city": "x"}, "objectWriteTraceId": "u2"},
    ]
    h.call(207, "POST", f"{base}/update", json={"inputs": traced})
    upsert_traced = [
        {
            "id": "C-2",
            "idProperty": "qbo_customer_id",
            "properties": {},
            "objectWriteTraceId": "v1",
        },
        {
            "id": "C-3",
            "idProperty": "qbo_customer_id",
            "properties": {"x": "1"},
            "objectWriteTraceId": "v2",
        },
    ]
    h.call(207, "POST", f"{base}/upsert", json={"inputs": upsert_traced})
    h.call(204, "POST", f"{base}/archive", json={"inputs": [{"id": hans}]})
    h.call(400, "POST", f"{base}/create", json={"inputs": [{"properties": {}}] * 101})


def test_search_validates(specs: HubSpotSpecs, family: tuple[str, dict[str, str]]) -> None:
    """Search answers (with total and paging) and its limit errors match the spec."""
    _, paths = family
    h = Harness(specs)
    url = f"{paths['objects']}/line_items/search"
    page = h.call(
        200,
        "POST",
        url,
        json={
            "filterGroups": [
                {"filters": [{"propertyName": "quantity", "operator": "GTE", "value": "1"}]}
            ],
            "sorts": [{"propertyName": "amount", "direction": "DESCENDING"}],
            "properties": ["amount"],
            "limit": 2,
        },
    )
    assert 5 == page["total"]
    h.clock.advance(seconds=1)
    h.call(
        200, "POST", url, json={"filterGroups": [], "sorts": ["-amount"], "after": "2", "limit": 2}
    )
    six = [{"filters": [{"propertyName": "name", "operator": "HAS_PROPERTY"}]}] * 6
    h.call(400, "POST", url, json={"filterGroups": six})
    h.call(400, "POST", url, json={"filterGroups": [], "after": "9950", "limit": 100})
    h.call(400, "POST", url, json={"filterGroups": [], "limit": 201})


def test_association_endpoints_validate(
    specs: HubSpotSpecs, family: tuple[str, dict[str, str]]
) -> None:
    """Per-record and batch association calls (v4 / dated) match the spec."""
    name, paths = family
    h = Harness(specs)
    rec, batch = paths["record_assoc"], paths["assoc"]
    deal, acme, hans = h.ids["deal-acme"], h.ids["acme"], h.ids["hans"]
    h.call(200, "PUT", f"{rec}/deals/{deal}/associations/default/contacts/{hans}")
    spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}]
    labelled = h.call(201, "PUT", f"{rec}/deals/{deal}/associations/companies/{acme}", json=spec)
    assert ["Primary"] == labelled["labels"]
    listed = h.call(200, "GET", f"{rec}/deals/{deal}/associations/contacts", params={"limit": 1})
    assert "1" == listed["paging"]["next"]["after"]
    h.call(204, "DELETE", f"{rec}/deals/{deal}/associations/contacts/{hans}")
    create = {
        "inputs": [
            {
                "from": {"id": deal},
                "to": {"id": hans},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}],
            }
        ]
    }
    h.call(201, "POST", f"{batch}/deals/contacts/batch/create", json=create)
    bad = {"inputs": [*create["inputs"], {**create["inputs"][0], "to": {"id": "424242"}}]}
    h.call(207, "POST", f"{batch}/deals/contacts/batch/create", json=bad)
    h.call(200, "POST", f"{batch}/deals/contacts/batch/read", json={"inputs": [{"id": deal}]})
    h.call(
        207,
        "POST",
        f"{batch}/deals/contacts/batch/read",
        json={"inputs": [{"id": deal}, {"id": acme}]},
    )
    h.call(
        200,
        "POST",
        f"{batch}/deals/contacts/batch/associate/default",
        json={"inputs": [{"from": {"id": deal}, "to": {"id": hans}}]},
    )
    archived = 204 if name == "v3" else 200  # the dated version answers archives with a body
    primary = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}]
    h.call(
        archived,
        "POST",
        f"{batch}/deals/companies/batch/labels/archive",
        json={"inputs": [{"from": {"id": deal}, "to": {"id": acme}, "types": primary}]},
    )
    h.call(
        archived,
        "POST",
        f"{batch}/deals/contacts/batch/archive",
        json={"inputs": [{"from": {"id": deal}, "to": [{"id": hans}]}]},
    )
    too_many = {"inputs": [create["inputs"][0]] * 2001}
    h.call(400, "POST", f"{batch}/deals/contacts/batch/create", json=too_many)


def test_property_endpoints_validate(
    specs: HubSpotSpecs, family: tuple[str, dict[str, str]]
) -> None:
    """Property and group reads, creation, conflicts and batch reads match the spec."""
    _, paths = family
    h = Harness(specs)
    base = f"{paths['properties']}/deals"
    h.call(200, "GET", base)
    h.call(200, "GET", f"{base}/amount")
    h.call(404, "GET", f"{base}/not_a_property")
    h.call(200, "GET", f"{base}/groups")
    h.call(201, "POST", f"{base}/groups", json={"name": "billing", "label": "Billing"})
    h.call(200, "GET", f"{base}/groups/billing")
    definition = {
        "name": "qbo_invoice_total",
        "label": "QBO invoice total",
        "type": "number",
        "fieldType": "number",
        "groupName": "billing",
    }
    h.call(201, "POST", base, json=definition)
    h.call(409, "POST", base, json=definition)
    h.call(400, "POST", base, json={**definition, "name": "x2", "fieldType": "textarea"})
    h.call(200, "PATCH", f"{base}/qbo_invoice_total", json={"label": "Billed in QBO"})
    h.call(
        200, "POST", f"{base}/batch/read", json={"inputs": [{"name": "amount"}], "archived": False}
    )
    h.call(204, "DELETE", f"{base}/qbo_invoice_total")
    more = {**definition, "name": "qbo_status"}
    h.call(201, "POST", f"{base}/batch/create", json={"inputs": [more]})
    h.call(207, "POST", f"{base}/batch/create", json={"inputs": [{**more, "name": "q2"}, more]})
    h.call(204, "POST", f"{base}/batch/archive", json={"inputs": [{"name": "q2"}]})
    h.call(200, "PATCH", f"{base}/groups/billing", json={"label": "Billing (QBO)"})
    h.call(204, "DELETE", f"{base}/groups/billing")


def test_settings_account_and_oauth_validate(
    specs: HubSpotSpecs, family: tuple[str, dict[str, str]]
) -> None:
    """Company currency, account details and the OAuth token endpoint match the spec."""
    _, paths = family
    h = Harness(specs)
    assert "USD" == h.call(200, "GET", f"{paths['currency']}/company-currency")["id"]
    changed = h.call(
        200, "PUT", f"{paths['currency']}/company-currency", json={"currencyCode": "EUR"}
    )
    assert "EUR" == changed["id"]
    details = h.call(200, "GET", "/account-info/v3/details")
    assert ("America/New_York", "EUR") == (details["timeZone"], details["companyCurrency"])
    code = h.sandbox.authorize(redirect_uri="https://app.example/callback")
    form = {
        "grant_type": "authorization_code",
        "client_id": "sandbox-client-id",
        "client_secret": "sandbox-client-secret",
        "redirect_uri": "https://app.example/callback",
        "code": code,
    }
    tokens = h.call(200, "POST", "/oauth/v1/token", data=form)
    h.call(400, "POST", "/oauth/v1/token", data=form)  # the code is single-use
    refresh = {**form, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    h.call(200, "POST", "/oauth/v1/token", data=refresh)
    h.call(400, "POST", "/oauth/v1/token", data=refresh)  # rotated: the old one is gone
    code = h.sandbox.authorize(redirect_uri="https://app.example/callback")
    h.call(200, "POST", "/oauth/v3/token", data={**form, "code": code})
    h.call(400, "POST", "/oauth/2026-03/token", data={**form, "code": "unknown"})


def test_throttling_auth_and_fault_responses_validate(specs: HubSpotSpecs) -> None:
    """429 (ten-secondly, search secondly), 401, 423, 477 and 5xx bodies match HubSpot's docs."""
    h = Harness(specs, rate_limit_per_ten_seconds=2)
    h.call(200, "GET", "/crm/v3/objects/deals")
    h.call(200, "GET", "/crm/v3/objects/deals")
    body = h.call(429, "GET", "/crm/v3/objects/deals")
    assert "TEN_SECONDLY_ROLLING" == body["policyName"]
    for _ in range(5):
        h.call(200, "POST", "/crm/v3/objects/deals/search", json={"filterGroups": []})
    assert "SECONDLY" == h.call(429, "POST", "/crm/v3/objects/deals/search", json={})["policyName"]
    h.call(401, "GET", "/crm/v3/objects/deals", headers={"Authorization": ""})
    h.clock.advance(seconds=10)
    h.sandbox.faults = FaultPlan.scripted(
        [Fault.locked(), Fault.server_error(502), Fault.migration_in_progress(60)]
    )
    h.call(423, "GET", "/crm/v3/objects/deals")
    h.call(502, "GET", "/crm/v3/objects/deals")
    h.call(477, "GET", "/crm/v3/objects/deals")


def test_each_path_family_is_validated_against_its_own_descriptions(specs: HubSpotSpecs) -> None:
    """Numbered paths are checked against the v3 descriptions and dated paths against the
    2026-03 ones (objects, properties, currencies): no family falls through to the other's
    file. (Which operations the scenarios reach is decided by the scenarios themselves; this
    test does not enumerate them.)"""
    h = Harness(specs)
    for name in sorted(FAMILIES):
        paths = FAMILIES[name]
        h.call(200, "GET", f"{paths['objects']}/deals")
        h.call(200, "GET", f"{paths['properties']}/deals/amount")
        h.call(200, "GET", f"{paths['currency']}/company-currency")
    specs_seen = {e.spec for e in h.transport.exchanges}
    assert {
        "crm-objects-v3.json",
        "crm-objects-2026-03.json",
        "crm-properties-v3.json",
        "crm-properties-2026-03.json",
        "settings-multicurrency-v3.json",
        "settings-multicurrency-2026-03.json",
    } == specs_seen


CREATE = {
    "0-3": {"dealname": "Contract deal", "amount": "10"},
    "contacts": {"email": "contract@example.test"},
    "companies": {"name": "Contract Co"},
    "products": {"name": "Contract product", "price": "3"},
    "line_items": {"name": "Contract line", "price": "3", "quantity": "2"},
    "quotes": {"hs_title": "Contract quote", "hs_expiration_date": "2026-12-31T00:00:00Z"},
    "invoices": {"hs_currency": "USD"},
}
SPEC_NAMES = {
    "0-3": "deals",
    "contacts": "contacts",
    "companies": "companies",
    "products": "products",
    "line_items": "line-items",
    "quotes": "quotes",
    "invoices": "invoices",
}


@pytest.mark.parametrize("object_type", sorted(CREATE))
def test_each_object_type_against_its_own_description(
    specs: HubSpotSpecs, family: tuple[str, dict[str, str]], object_type: str
) -> None:
    """Create, get, list, search, batch read, patch and delete each object type, validated
    against that type's own description (crm-quotes-v3.json, crm-invoices-2026-03.json ...)."""
    name, paths = family
    h = Harness(specs)
    base = f"{paths['objects']}/{object_type}"
    record = h.call(201, "POST", base, json={"properties": CREATE[object_type]})
    h.call(200, "GET", f"{base}/{record['id']}")
    h.call(200, "GET", base, params={"limit": 2})
    h.call(200, "POST", f"{base}/search", json={"filterGroups": [], "limit": 1})
    h.call(200, "POST", f"{base}/batch/read", json={"inputs": [{"id": record["id"]}]})
    h.call(200, "PATCH", f"{base}/{record['id']}", json={"properties": {}})
    h.call(204, "DELETE", f"{base}/{record['id']}")
    expected = f"crm-{SPEC_NAMES[object_type]}-{name}.json"
    assert {expected} == {e.spec for e in h.transport.exchanges if "/search" not in e.path}


def test_paged_association_lists_on_record_reads_validate(
    specs: HubSpotSpecs, family: tuple[str, dict[str, str]]
) -> None:
    """A record read whose association list is cut short carries CollectionResponseAssociatedId
    with paging.next (after, link); the link (the v4 association list) validates too."""
    _, paths = family
    h = Harness(specs)
    deal = h.ids["deal-acme"]
    for i in range(101):
        h.sandbox.create("line_items", {"name": f"extra {i}"}, associations=[("deals", deal)])
    got = h.call(200, "GET", f"{paths['objects']}/deals/{deal}?associations=line_items")
    listed = h.call(200, "GET", f"{paths['objects']}/deals?associations=line_items&limit=100")
    next_page = got["associations"]["line_items"]["paging"]["next"]
    rest = h.call(200, "GET", next_page["link"])
    assert "100" == next_page["after"]
    assert "paging" in listed["results"][0]["associations"]["line_items"]
    assert len(rest["results"]) > 0


def test_quote_adjustment_objects_validate(
    specs: HubSpotSpecs, family: tuple[str, dict[str, str]]
) -> None:
    """Discounts, fees and taxes (no description of their own here: the generic objects
    description covers /objects/{objectType}) validate: create with an association to the
    quote (362), batch read, and the quote read asking for them."""
    _, paths = family
    objects = paths["objects"]
    h = Harness(specs)
    quote = h.ids["quote-acme"]
    made: dict[str, str] = {}
    for kind, type_id in (("discounts", 362), ("fees", 364), ("taxes", 366)):
        spec = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id + 1}]
        body = {
            "properties": {"hs_label": kind, "hs_type": "FIXED", "hs_value": "5"},
            "associations": [{"to": {"id": quote}, "types": spec}],
        }
        made[kind] = h.call(201, "POST", f"{objects}/{kind}", json=body)["id"]
    read = h.call(
        200,
        "POST",
        f"{objects}/discounts/batch/read",
        json={"inputs": [{"id": made["discounts"]}], "properties": ["hs_type", "hs_value"]},
    )
    got = h.call(200, "GET", f"{objects}/quotes/{quote}?associations=discounts,fees,taxes")
    assert "5.0000" == read["results"][0]["properties"]["hs_value"]
    assert {"discounts", "fees", "taxes"} == set(got["associations"])


def test_merge_gdpr_delete_and_missing_scopes_validate(
    specs: HubSpotSpecs, family: tuple[str, dict[str, str]]
) -> None:
    """The endpoints and answers added for issue 13: merge, GDPR delete, 403 MISSING_SCOPES."""
    _, paths = family
    h = Harness(specs, token_scopes={"pat-read-only": ["crm.objects.contacts.read"]})
    objects = paths["objects"]
    dup = h.call(201, "POST", f"{objects}/contacts", json={"properties": {"email": "d@x.example"}})
    merged = h.call(
        200,
        "POST",
        f"{objects}/contacts/merge",
        json={"primaryObjectId": h.ids["ada"], "objectIdToMerge": dup["id"]},
    )
    assert h.ids["ada"] == merged["id"]
    h.call(204, "POST", f"{objects}/contacts/gdpr-delete", json={"objectId": h.ids["hans"]})
    refused = h.client.patch(
        f"{objects}/contacts/{h.ids['ada']}",
        json={"properties": {"firstname": "A"}},
        headers={"Authorization": "Bearer pat-read-only"},
    )
    assert (403, "MISSING_SCOPES") == (refused.status_code, refused.json()["category"])
