"""Pure rules: search limits and the ceiling split, the association type table."""

from __future__ import annotations

import pytest

from hubqbo.errors import ValidationError
from hubqbo.hubspot import (
    ASSOCIATION_TYPES,
    Filter,
    FilterGroup,
    SearchQuery,
    primary_type_id,
    type_id,
)
from hubqbo.hubspot._search import must_restart
from hubqbo.models import CrmObjectType as T


def group(n: int) -> FilterGroup:
    return FilterGroup(tuple(Filter(f"p{i}", "EQ", "x") for i in range(n)))


@pytest.mark.parametrize(
    ("groups", "limit", "message"),
    [
        ([group(1)] * 6, 10, "at most 5 filter groups"),
        ([group(7)], 10, "at most 6 per group"),
        ([group(6), group(6), group(6), group(1)], 10, "at most 18 filters"),
        ([group(1)], 201, "at most 200"),
    ],
)
def test_limits_refused_before_sending(groups: list[FilterGroup], limit: int, message: str) -> None:
    """5 groups, 6 filters per group, 18 in all, 200 per page (HubSpot's docs)."""
    with pytest.raises(ValidationError, match=message):
        SearchQuery(filter_groups=groups, limit=limit)


def test_within_limits_is_accepted() -> None:
    """5 groups of 3 (15 filters) and 200 per page are fine."""
    assert 5 == len(SearchQuery(filter_groups=[group(3)] * 5, limit=200).filter_groups)


def test_ceiling_split_adds_the_id_bound_to_every_group() -> None:
    """Restarting after id 777 ANDs hs_object_id GT 777 into each ORed group, sorted by id."""
    query = SearchQuery(filter_groups=[group(1), group(2)], properties=["email"])
    body = query.by_id_after("777").body(after=None)
    assert [
        {"propertyName": "hs_object_id", "operator": "GT", "value": "777"},
        {"propertyName": "hs_object_id", "operator": "GT", "value": "777"},
    ] == [g["filters"][-1] for g in body["filterGroups"]]
    assert [{"propertyName": "hs_object_id", "direction": "ASCENDING"}] == body["sorts"]
    assert "after" not in body
    no_filters = SearchQuery().by_id_after("5").body(after=None)["filterGroups"]
    assert [
        {"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": "5"}]}
    ] == no_filters


def test_a_full_group_cannot_be_split() -> None:
    """A group already holding 6 filters has no room for the id bound: refused, not truncated."""
    with pytest.raises(ValidationError):
        SearchQuery(filter_groups=[group(6)]).by_id_after("1")


@pytest.mark.parametrize(
    ("after", "limit", "restart"),
    [
        (None, 200, False),
        ("9800", 200, False),
        ("10000", 200, True),
        ("9900", 200, True),
        ("abc", 10, False),
    ],
)
def test_restart_exactly_at_the_ceiling(after: str | None, limit: int, restart: bool) -> None:
    """A page that would reach past result 10,000 triggers the restart."""
    assert restart == must_restart(after, limit)


def test_association_table_holds_every_documented_id() -> None:
    """The issue's list of HubSpot-defined ids, both directions, primaries included."""
    expected = {
        (T.DEAL, T.LINE_ITEM): 19,
        (T.LINE_ITEM, T.DEAL): 20,
        (T.DEAL, T.QUOTE): 63,
        (T.QUOTE, T.DEAL): 64,
        (T.QUOTE, T.LINE_ITEM): 67,
        (T.LINE_ITEM, T.QUOTE): 68,
        (T.QUOTE, T.CONTACT): 69,
        (T.QUOTE, T.COMPANY): 71,
        (T.INVOICE, T.CONTACT): 177,
        (T.CONTACT, T.INVOICE): 178,
        (T.INVOICE, T.COMPANY): 179,
        (T.COMPANY, T.INVOICE): 180,
        (T.INVOICE, T.DEAL): 175,
        (T.DEAL, T.INVOICE): 176,
        (T.INVOICE, T.LINE_ITEM): 409,
        (T.LINE_ITEM, T.INVOICE): 410,
        (T.INVOICE, T.QUOTE): 407,
        (T.QUOTE, T.INVOICE): 408,
        (T.CONTACT, T.COMPANY): 279,
        (T.COMPANY, T.CONTACT): 280,
        (T.DEAL, T.CONTACT): 3,
        (T.CONTACT, T.DEAL): 4,
        (T.DEAL, T.COMPANY): 341,
        (T.COMPANY, T.DEAL): 342,
    }
    assert expected == {pair: type_id(*pair) for pair in expected}
    assert set(expected) == set(ASSOCIATION_TYPES)
    assert [1, 2, 5, 6] == [
        primary_type_id(T.CONTACT, T.COMPANY),
        primary_type_id(T.COMPANY, T.CONTACT),
        primary_type_id(T.DEAL, T.COMPANY),
        primary_type_id(T.COMPANY, T.DEAL),
    ]


def test_quote_adjustments_sum_by_type_and_refuse_the_unreadable() -> None:
    """FIXED values add up to an amount, PERCENT values to a percentage; a record of another
    hs_type (or without a value) is refused rather than dropped."""
    from decimal import Decimal

    from hubqbo.hubspot._wire import WireObject, quote_adjustments

    def record(kind: str, value: str | None) -> WireObject:
        return WireObject(id="1", properties={"hs_type": kind, "hs_value": value})

    got = quote_adjustments(
        [record("FIXED", "5"), record("PERCENT", "2.5"), record("fixed", "1.25")],
        [record("PERCENT", "3")],
        [],
    )
    assert (Decimal("6.25"), Decimal("2.5"), None, Decimal("3"), False) == (
        got.discount_amount,
        got.discount_percent,
        got.fee_amount,
        got.fee_percent,
        got.has_tax_objects,
    )
    for bad in (record("TIERED", "1"), record("FIXED", None)):
        with pytest.raises(ValidationError, match="FIXED or PERCENT"):
            quote_adjustments([bad], [], [])


def test_association_keys_in_every_spelling() -> None:
    """Keys of a record's associations map to the object type however HubSpot spells them."""
    from hubqbo.hubspot._wire import association_key

    assert ["companies", "line_items", "deals", "contacts", "discounts"] == [
        association_key(k) for k in ("company", "line items", "0-3", "p_contacts", "discounts")
    ]
