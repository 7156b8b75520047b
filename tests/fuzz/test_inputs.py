"""Ids and arguments: refused with a clear error before anything is sent or written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubqbo import CrmObjectType, HubQboError, HubSpotClient, ValidationError
from hubqbo.cli import DemoWorld, build_demo_world
from hubqbo.hubspot import SearchQuery
from hubqbo.invoices import InvoiceBuilder, ProblemCode
from hubqbo.sandbox import HubSpotSandbox


class Recorder(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.raw_path.decode())
        return self.inner.handle_request(request)


@pytest.fixture(scope="module")
def hubspot() -> tuple[HubSpotClient, Recorder]:
    recorder = Recorder(HubSpotSandbox())
    return HubSpotClient(access_token="pat-x", transport=recorder), recorder


@pytest.mark.parametrize("bad", [".", "..", "", " ", "a\nb", "x" * 513, None, 7.5, True])
def test_hubspot_ids_that_would_reach_another_endpoint_are_refused(
    hubspot: tuple[HubSpotClient, Recorder], bad: object
) -> None:
    """get_deal(".") sent a list request and "" a trailing slash; now nothing is sent."""
    client, recorder = hubspot
    before = len(recorder.paths)
    with pytest.raises(ValidationError, match="not a usable HubSpot id"):
        client.get_deal(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        client.update_properties(CrmObjectType.DEAL, bad, {"dealname": "x"})  # type: ignore[arg-type]
    assert len(recorder.paths) == before


@settings(max_examples=300, deadline=None)
@given(record_id=st.text(max_size=20))
def test_any_id_stays_one_path_segment(
    hubspot: tuple[HubSpotClient, Recorder], record_id: str
) -> None:
    """Whatever the id, the request goes to /deals/<one segment> or is refused unsent."""
    client, recorder = hubspot
    before = len(recorder.paths)
    try:
        client.get_deal(record_id)
    except ValidationError as error:
        if error.status_code is None:  # refused before sending
            assert len(recorder.paths) == before
            return
    except HubQboError:  # a typed 404 is fine; anything else fails the test
        pass
    path = recorder.paths[before].split("?")[0]
    prefix = "/crm/objects/2026-03/deals/"
    assert path.startswith(prefix), path
    assert "/" not in path[len(prefix) :], path


@pytest.fixture
def world() -> DemoWorld:
    return build_demo_world()


def test_builder_constructor_checks_its_arguments(world: DemoWorld) -> None:
    with pytest.raises(TypeError, match="CrmClient"):
        InvoiceBuilder("a", "b")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="AccountingClient"):
        InvoiceBuilder(world.crm, "b")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="AccountingClient"):
        InvoiceBuilder(world.crm, {"1": "not a client"})  # type: ignore[dict-item]


def test_with_methods_say_what_they_take(world: DemoWorld) -> None:
    draft = world.builder().from_deal(world.hs["deal-acme"], realm=world.us.realm_id)
    with pytest.raises(TypeError, match=r"datetime\.date"):
        draft.with_dates(txn_date="2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"datetime\.date"):
        draft.with_dates(due_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    with pytest.raises(TypeError, match="with_item"):
        draft.with_item("1", "3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="with_doc_number"):
        draft.with_doc_number(1001)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="with_customer"):
        draft.with_customer(42)  # type: ignore[arg-type]
    assert draft.with_dates(txn_date=dt.date(2026, 12, 1)).txn_date == dt.date(2026, 12, 1)


def test_find_customers_trims_the_name_as_qbo_does(world: DemoWorld) -> None:
    assert [
        c.display_name for c in world.us.find_customers(display_name="  Acme Corporation ")
    ] == ["Acme Corporation"]
    assert world.us.find_customers(display_name="   ") == []


@pytest.mark.parametrize("price", ["", "0", "0.001"])
def test_a_line_without_a_real_price_is_a_problem_on_the_draft(
    world: DemoWorld, price: str
) -> None:
    """Empty, zero or sub-cent prices made a 0.00 invoice with no problem listed."""
    line = world.hs["li-initech-1"]
    result = world.crm.batch_update(
        CrmObjectType.LINE_ITEM, {line: {"price": price, "quantity": "1"}}
    )
    result.raise_for_failures()
    draft = world.builder().from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    problems = [p for p in draft.problems() if p.code is ProblemCode.PRICE_MISSING]
    assert [p.line for p in problems] == [1], draft.problems()


def test_a_priced_line_has_no_price_problem(world: DemoWorld) -> None:
    draft = world.builder().from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    assert ProblemCode.PRICE_MISSING not in [p.code for p in draft.problems()]


def test_search_honours_sort_fields(world: DemoWorld) -> None:
    query = SearchQuery(properties=("amount",), sort_by="amount", descending=True, limit=2)
    amounts = [
        Decimal(r.properties["amount"] or "0") for r in world.crm.search(CrmObjectType.DEAL, query)
    ]
    assert len(amounts) == 4
    assert amounts == sorted(amounts, reverse=True)
    ascending = [
        Decimal(r.properties["amount"] or "0")
        for r in world.crm.search(
            CrmObjectType.DEAL, SearchQuery(properties=("amount",), sort_by="amount")
        )
    ]
    assert ascending == sorted(amounts)
