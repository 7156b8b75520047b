"""HubSpotClient.create_invoice_record and get_deal's request costs, against HubSpotSandbox.

Every exchange goes through the strict OpenAPI contract harness when ``../shared`` is present
(both the dated ``2026-03`` and the numbered ``v3`` paths).
"""

from __future__ import annotations

import httpx
import pytest

from hubqbo.errors import DuplicateError, ValidationError
from hubqbo.hubspot import HubSpotClient
from hubqbo.models import CrmInvoice
from hubqbo.protocols import CrmInvoiceCreator
from hubqbo.sandbox import Fault, HubSpotSandbox
from tests.hubspot.conftest import validating
from tests.hubspot.test_sandbox_e2e import GROUPS, PROPS, T, connect, portal, seed_deal

REF = "qbo_invoice_id"
LINK_TYPES = {T.DEAL: 175, T.CONTACT: 177, T.COMPANY: 179}


def invoice(ref: str, **extra: str) -> CrmInvoice:
    return CrmInvoice(id=None, currency="GBP", billable=False, properties={REF: ref, **extra})


def ready(
    specs: object | None, version: str = "2026-03"
) -> tuple[HubSpotSandbox, HubSpotClient, dict[str, str]]:
    sandbox, clock = portal()
    ids = seed_deal(sandbox)
    client = connect(sandbox, clock, specs, api_version=version)
    client.ensure_properties(GROUPS, PROPS)
    return sandbox, client, ids


def links(ids: dict[str, str]) -> list[tuple[T, str]]:
    return [(T.DEAL, ids["d1"]), (T.CONTACT, ids["ada"]), (T.COMPANY, ids["acme"])]


def linked(client: HubSpotClient, record_id: str) -> dict[T, list[tuple[str, tuple[int, ...]]]]:
    """The invoice's associations per type, as (to id, type ids)."""
    return {
        t: [(a.to_id, a.type_ids) for a in client.associations(T.INVOICE, record_id, t)]
        for t in LINK_TYPES
    }


def expected_links(ids: dict[str, str]) -> dict[T, list[tuple[str, tuple[int, ...]]]]:
    return {t: [(i, (LINK_TYPES[t],))] for t, i in links(ids)}


def invoice_ids(client: HubSpotClient) -> list[str]:
    return [r.id for r in client.iter_objects(T.INVOICE)]


@pytest.mark.parametrize("version", ["2026-03", "v3"])
def test_one_request_creates_the_record_with_its_three_associations(
    version: str, hubspot_specs: object | None
) -> None:
    """One batch/create carries the record and its links (invoice→deal 175, →contact 177,
    →company 179); the returned invoice has the properties sent and HubSpot's defaults."""
    _, client, ids = ready(hubspot_specs, version)
    assert isinstance(client, CrmInvoiceCreator)
    before = client.requests_sent
    made = client.create_invoice_record(invoice("r:1"), associations=links(ids), id_property=REF)
    assert 1 == client.requests_sent - before
    assert ("r:1", "GBP", False, "draft") == (
        made.properties[REF],
        made.currency,
        made.billable,
        made.status,
    )
    assert [made.id] == invoice_ids(client)
    assert expected_links(ids) == linked(client, str(made.id))


def test_a_create_applied_but_answer_lost_is_not_made_twice(hubspot_specs: object | None) -> None:
    """Reset after apply on the create: the retry meets the unique-value conflict, the record
    is read by its unique value (associations included) — exactly one record, with its three
    associations, and no association request spent (create, retried create, read)."""
    sandbox, client, ids = ready(hubspot_specs)
    sandbox.faults.add(Fault.reset_after_apply(method="POST", path=r"invoices/batch/create"))
    before = client.requests_sent
    made = client.create_invoice_record(invoice("r:2"), associations=links(ids), id_property=REF)
    assert 1 == len(sandbox.faults.injected)
    assert 3 == client.requests_sent - before
    assert 0 == sandbox.count_requests(method="PUT")
    assert [made.id] == invoice_ids(client)
    assert "r:2" == made.properties[REF]
    assert expected_links(ids) == linked(client, str(made.id))


def test_an_existing_record_gets_only_its_missing_associations(
    hubspot_specs: object | None,
) -> None:
    """A record with that unique value already exists, linked to the deal only: it is
    returned, and only the contact and company links are added (one request each)."""
    sandbox, client, ids = ready(hubspot_specs)
    first = client.create_invoice_record(
        invoice("r:3"), associations=[(T.DEAL, ids["d1"])], id_property=REF
    )
    before = client.requests_sent
    again = client.create_invoice_record(invoice("r:3"), associations=links(ids), id_property=REF)
    assert first.id == again.id
    assert 2 == sandbox.count_requests(method="PUT")
    assert 4 == client.requests_sent - before  # refused create, read, two links
    assert [first.id] == invoice_ids(client)
    assert expected_links(ids) == linked(client, str(first.id))


def test_without_id_property_a_taken_unique_value_is_a_duplicate(
    hubspot_specs: object | None,
) -> None:
    """Without id_property the create is not retried and a taken unique value raises
    DuplicateError (the protocol's contract); still one record."""
    _, client, ids = ready(hubspot_specs)
    client.create_invoice_record(invoice("r:4"), associations=links(ids))
    with pytest.raises(DuplicateError):
        client.create_invoice_record(invoice("r:4"), associations=links(ids))
    assert 1 == len(invoice_ids(client))


def test_a_refused_record_that_does_not_exist_raises(hubspot_specs: object | None) -> None:
    """A genuine refusal (unknown property): the unique-value read finds nothing, the
    ValidationError is raised and nothing is created."""
    _, client, ids = ready(hubspot_specs)
    with pytest.raises(ValidationError):
        client.create_invoice_record(
            invoice("r:5", no_such_property="x"), associations=links(ids), id_property=REF
        )
    assert [] == invoice_ids(client)


def test_deal_with_one_company_costs_one_request(hubspot_specs: object | None) -> None:
    """A deal with a single company (here linked unlabelled, not as primary) is read in one
    request and that company is taken as the buyer company; a deal with no company costs
    one request too and has none."""
    sandbox, client, ids = ready(hubspot_specs)
    single = sandbox.create("deals", {"dealname": "One company"})
    sandbox.associate("deals", single, "companies", ids["other"], type_id=341)
    bare = sandbox.create("deals", {"dealname": "No company"})
    before = client.requests_sent
    deal = client.get_deal(single)
    assert (1, (ids["other"],), ids["other"]) == (
        client.requests_sent - before,
        deal.company_ids,
        deal.primary_company_id,
    )
    before = client.requests_sent
    assert (None, 1) == (client.get_deal(bare).primary_company_id, client.requests_sent - before)


def test_deal_with_several_companies_reads_the_primary_label(
    hubspot_specs: object | None,
) -> None:
    """With two companies the v4 read (a second request) finds the primary one (type 5)."""
    _, client, ids = ready(hubspot_specs)
    before = client.requests_sent
    deal = client.get_deal(ids["d1"])
    assert (2, ids["acme"]) == (client.requests_sent - before, deal.primary_company_id)


def test_a_207_refusal_is_recovered_the_same_way(hubspot_specs: object | None) -> None:
    """Should HubSpot answer the one-input create with a 207 whose error entry is the
    unique-value refusal (not a 4xx), the record is still read by its unique value, its
    missing company link added, and returned (an httpx.MockTransport: the sandbox answers
    such a create with a 400)."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/invoices/batch/create"):
            return httpx.Response(
                207,
                json={
                    "status": "COMPLETE",
                    "results": [],
                    "numErrors": 1,
                    "errors": [
                        {
                            "status": "error",
                            "category": "VALIDATION_ERROR",
                            "message": "r:6 already has that value.",
                            "context": {"objectWriteTraceId": ["hubqbo-0"]},
                        }
                    ],
                    "startedAt": "2026-11-25T09:00:00Z",
                    "completedAt": "2026-11-25T09:00:00Z",
                },
            )
        if request.method == "GET":
            assert "idProperty=qbo_invoice_id" in str(request.url)
            return httpx.Response(
                200,
                json={
                    "id": "77",
                    "properties": {REF: "r:6", "hs_currency": "GBP"},
                    "createdAt": "2026-11-25T09:00:00Z",
                    "updatedAt": "2026-11-25T09:00:00Z",
                    "archived": False,
                    "associations": {
                        "deals": {"results": [{"id": "5", "type": "invoice_to_deal"}]}
                    },
                },
            )
        return httpx.Response(
            201,
            json={
                "fromObjectTypeId": "0-53",
                "fromObjectId": "77",
                "toObjectTypeId": "0-2",
                "toObjectId": "9",
                "labels": [],
            },
        )

    # the hand-written answers are checked against HubSpot's published descriptions too
    transport = validating(httpx.MockTransport(answer), hubspot_specs)
    client = HubSpotClient(access_token="pat-na1-x", transport=transport)
    made = client.create_invoice_record(
        invoice("r:6"), associations=[(T.DEAL, "5"), (T.COMPANY, "9")], id_property=REF
    )
    assert ("77", "r:6") == (made.id, made.properties[REF])
    assert [
        "POST /crm/objects/2026-03/invoices/batch/create",
        "GET /crm/objects/2026-03/invoices/r:6",
        "PUT /crm/objects/2026-03/invoices/77/associations/companies/9",
    ] == seen
