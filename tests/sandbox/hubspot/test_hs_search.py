"""Search: operators by property type, limits, sorting (both forms), paging, the 10,000 ceiling."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubqbo.sandbox import HubSpotSandbox, ManualClock
from hubqbo.sandbox.hubspot._model import PropertyDef
from hubqbo.sandbox.hubspot._search import matches, parse_search

URL = "/crm/v3/objects/deals/search"


def _search(client: httpx.Client, *filters: dict[str, Any], **extra: Any) -> httpx.Response:
    return client.post(
        URL, json={"filterGroups": [{"filters": list(filters)}] if filters else [], **extra}
    )


def _ids(response: httpx.Response) -> list[str]:
    assert 200 == response.status_code, response.text
    return [r["id"] for r in response.json()["results"]]


@pytest.fixture
def deals(sandbox: HubSpotSandbox) -> dict[str, str]:
    """Three deals with amounts 5, 50 and 500, names and stages."""
    return {
        "small": sandbox.create(
            "deals", {"dealname": "Small boat", "amount": "5", "dealstage": "closedwon"}
        ),
        "mid": sandbox.create(
            "deals", {"dealname": "Mid ship", "amount": "50", "dealstage": "closedlost"}
        ),
        "big": sandbox.create("deals", {"dealname": "Big Tanker", "amount": "500"}),
    }


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"propertyName": "amount", "operator": "EQ", "value": "50"}, ["mid"]),
        ({"propertyName": "amount", "operator": "NEQ", "value": "50"}, ["small", "big"]),
        ({"propertyName": "amount", "operator": "LT", "value": "50"}, ["small"]),
        ({"propertyName": "amount", "operator": "LTE", "value": "50"}, ["small", "mid"]),
        ({"propertyName": "amount", "operator": "GT", "value": "9"}, ["mid", "big"]),
        ({"propertyName": "amount", "operator": "GTE", "value": 500}, ["big"]),
        (
            {"propertyName": "amount", "operator": "BETWEEN", "value": "5", "highValue": "50"},
            ["small", "mid"],
        ),
        ({"propertyName": "amount", "operator": "IN", "values": ["5", "500"]}, ["small", "big"]),
        ({"propertyName": "amount", "operator": "NOT_IN", "values": ["5"]}, ["mid", "big"]),
        ({"propertyName": "dealstage", "operator": "HAS_PROPERTY"}, ["small", "mid"]),
        ({"propertyName": "dealstage", "operator": "NOT_HAS_PROPERTY"}, ["big"]),
        ({"propertyName": "dealname", "operator": "CONTAINS_TOKEN", "value": "tanker"}, ["big"]),
        ({"propertyName": "dealname", "operator": "CONTAINS_TOKEN", "value": "sh*"}, ["mid"]),
        (
            {"propertyName": "dealname", "operator": "NOT_CONTAINS_TOKEN", "value": "boat"},
            ["mid", "big"],
        ),
        ({"propertyName": "dealname", "operator": "EQ", "value": "big tanker"}, ["big"]),
        ({"propertyName": "dealname", "operator": "IN", "values": ["big tanker"]}, ["big"]),
        ({"propertyName": "dealname", "operator": "IN", "values": ["Big Tanker"]}, []),
        ({"propertyName": "dealstage", "operator": "EQ", "value": "ClosedWon"}, []),
    ],
)
def test_operators(
    client: httpx.Client, deals: dict[str, str], flt: dict[str, Any], expected: list[str]
) -> None:
    """Numbers compare as numbers; string EQ ignores case; string IN values must be lowercase;
    enumerations are case-sensitive; CONTAINS_TOKEN matches words and ``*`` wildcards."""
    assert [deals[k] for k in expected] == _ids(_search(client, flt))


def test_filter_groups_are_ored_and_filters_anded(
    client: httpx.Client, deals: dict[str, str]
) -> None:
    """(amount > 9 AND stage = closedlost) OR amount = 5."""
    body = {
        "filterGroups": [
            {
                "filters": [
                    {"propertyName": "amount", "operator": "GT", "value": "9"},
                    {"propertyName": "dealstage", "operator": "EQ", "value": "closedlost"},
                ]
            },
            {"filters": [{"propertyName": "amount", "operator": "EQ", "value": "5"}]},
        ]
    }
    assert [deals["small"], deals["mid"]] == _ids(client.post(URL, json=body))


@pytest.mark.parametrize(
    "sorts",
    [[{"propertyName": "amount", "direction": "DESCENDING"}], ["-amount"]],
    ids=["documented-objects", "spec-strings"],
)
def test_sort_accepts_both_forms(
    client: httpx.Client, deals: dict[str, str], sorts: list[Any]
) -> None:
    """Documented ``{propertyName, direction}`` and the description's ``"-amount"`` sort alike."""
    assert [deals["big"], deals["mid"], deals["small"]] == _ids(_search(client, sorts=sorts))


def test_total_and_paging(client: httpx.Client, deals: dict[str, str]) -> None:
    """``total`` counts every match; ``paging.next.after`` continues; the last page has none."""
    first = _search(
        client, limit=2, sorts=[{"propertyName": "amount", "direction": "ASCENDING"}]
    ).json()
    second = _search(
        client, limit=2, after=first["paging"]["next"]["after"], sorts=["amount"]
    ).json()
    assert (3, "2", [deals["small"], deals["mid"]]) == (
        first["total"],
        first["paging"]["next"]["after"],
        [r["id"] for r in first["results"]],
    )
    assert ([deals["big"]], False) == ([r["id"] for r in second["results"]], "paging" in second)


def test_query_searches_default_text_properties(
    client: httpx.Client, deals: dict[str, str]
) -> None:
    """``query`` alone (no filterGroups) finds text in the default searchable properties."""
    assert [deals["mid"]] == _ids(client.post(URL, json={"query": "ship"}))


def test_association_pseudo_property(
    client: httpx.Client, sandbox: HubSpotSandbox, deals: dict[str, str]
) -> None:
    """``associations.contact EQ id`` finds the deals linked to that contact."""
    contact = sandbox.create("contacts", {"email": "a@b.test"})
    sandbox.associate("deals", deals["mid"], "contacts", contact)
    found = _search(
        client, {"propertyName": "associations.contact", "operator": "EQ", "value": contact}
    )
    assert [deals["mid"]] == _ids(found)


def test_archived_records_never_appear(client: httpx.Client, deals: dict[str, str]) -> None:
    """An archived deal is not searchable."""
    client.delete(f"/crm/v3/objects/deals/{deals['mid']}")
    assert [deals["small"], deals["big"]] == _ids(_search(client))


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            {
                "filterGroups": [
                    {"filters": [{"propertyName": "amount", "operator": "HAS_PROPERTY"}]}
                ]
                * 6
            },
            "groups",
        ),
        (
            {
                "filterGroups": [
                    {"filters": [{"propertyName": "amount", "operator": "HAS_PROPERTY"}] * 7}
                ]
            },
            "group",
        ),
        (
            {  # 19 filters (6 + 6 + 6 + 1): one past the limit, each group within its own
                "filterGroups": [
                    {"filters": [{"propertyName": "amount", "operator": "HAS_PROPERTY"}] * 6}
                ]
                * 3
                + [{"filters": [{"propertyName": "amount", "operator": "HAS_PROPERTY"}]}]
            },
            "total",
        ),
        ({"limit": 201}, "limit"),
        ({"after": "10000"}, "ceiling"),
        ({"after": "9900", "limit": 200}, "ceiling"),
        (
            {
                "filterGroups": [
                    {"filters": [{"propertyName": "nope", "operator": "EQ", "value": "1"}]}
                ]
            },
            "unknown",
        ),
        (
            {
                "filterGroups": [
                    {"filters": [{"propertyName": "amount", "operator": "LIKE", "value": "1"}]}
                ]
            },
            "operator",
        ),
        ({"sorts": [{"propertyName": "amount"}, {"propertyName": "dealname"}]}, "one sort"),
    ],
)
def test_limits_are_400_validation_errors(
    client: httpx.Client, body: dict[str, Any], why: str
) -> None:
    """5 groups, 6 filters per group, 18 in all, limit <= 200, no paging past 10,000, known
    properties and operators, one sort."""
    response = client.post(URL, json=body)
    assert (400, "VALIDATION_ERROR") == (response.status_code, response.json()["category"]), why


def test_five_groups_of_six_filters_with_at_most_eighteen_are_accepted(
    client: httpx.Client,
) -> None:
    """The documented maximum itself is allowed: 3 groups x 6 filters = 18."""
    flt = {"propertyName": "amount", "operator": "HAS_PROPERTY"}
    response = client.post(
        URL, json={"filterGroups": [{"filters": [flt] * 6}] * 3, "limit": 200, "after": "9800"}
    )
    assert 200 == response.status_code


def test_search_pages_are_consistent_after_a_write(
    client: httpx.Client, sandbox: HubSpotSandbox
) -> None:
    """A write between two pages is reflected (no stale cached results)."""
    for i in range(3):
        sandbox.create("deals", {"dealname": f"D{i}", "amount": str(i)})
    assert 3 == _search(client, limit=1).json()["total"]
    client.post("/crm/v3/objects/deals", json={"properties": {"dealname": "D3"}})
    assert 4 == _search(client, limit=1, after="1").json()["total"]


AMOUNT = PropertyDef("amount", "Amount", "number", "number", "g")


@settings(max_examples=60, deadline=None)
@given(
    stored=st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    bound=st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
    operator=st.sampled_from(["EQ", "NEQ", "LT", "LTE", "GT", "GTE"]),
)
def test_number_comparisons_agree_with_decimal(
    stored: Decimal, bound: Decimal, operator: str
) -> None:
    """Number filters compare numerically, as Decimal does (``"10" > "9"``)."""
    request = parse_search(
        {
            "filterGroups": [
                {"filters": [{"propertyName": "amount", "operator": operator, "value": str(bound)}]}
            ]
        },
        {"amount": AMOUNT},
    )
    expected = {
        "EQ": stored == bound,
        "NEQ": stored != bound,
        "LT": stored < bound,
        "LTE": stored <= bound,
        "GT": stored > bound,
        "GTE": stored >= bound,
    }[operator]
    assert expected == matches(
        request, {"amount": str(stored)}, {"amount": AMOUNT}, lambda t, i: False
    )


def test_search_has_no_rate_limit_headers_and_its_own_5_per_second(
    client: httpx.Client, clock: ManualClock
) -> None:
    """Search responses carry no X-HubSpot-RateLimit headers; the 6th in one second is a 429."""
    statuses = [client.post(URL, json={}).status_code for _ in range(6)]
    first = client.get("/crm/v3/objects/deals")
    clock.advance(seconds=1)
    again = client.post(URL, json={})
    assert ([200] * 5 + [429], 200) == (statuses, again.status_code)
    assert [] == [h for h in again.headers if h.lower().startswith("x-hubspot-ratelimit")]
    assert "x-hubspot-ratelimit-remaining" in first.headers
