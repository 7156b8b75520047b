"""Property values: strings both ways, converted in one place (hypothesis round trips)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.hubspot import PropertyKind, from_wire, kind_of, to_wire

UTC = dt.timezone.utc
ms_datetimes = st.datetimes(
    min_value=dt.datetime(1971, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    timezones=st.sampled_from(
        [UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=5, minutes=30))]
    ),
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
decimals = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12
)
tokens = st.text(st.characters(blacklist_characters=";", blacklist_categories=("Cs",)), min_size=1)


@given(decimals)
def test_numbers_round_trip(value: Decimal) -> None:
    """A Decimal written and read back is the same number."""
    assert value == from_wire(to_wire(value), PropertyKind.NUMBER)


@given(st.booleans())
def test_booleans_round_trip(value: bool) -> None:
    """true/false both ways."""
    assert value == from_wire(to_wire(value), PropertyKind.BOOL)


@given(st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_dates_round_trip(value: dt.date) -> None:
    """A date is sent as YYYY-MM-DD and read back unchanged."""
    assert value == from_wire(to_wire(value), PropertyKind.DATE)


@given(st.dates(min_value=dt.date(1970, 1, 2), max_value=dt.date(2200, 12, 31)))
def test_dates_read_from_midnight_utc_milliseconds(value: dt.date) -> None:
    """HubSpot may send a date as epoch ms at midnight UTC."""
    midnight = dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    ms = (midnight - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(milliseconds=1)
    assert value == from_wire(str(ms), PropertyKind.DATE)


@given(ms_datetimes)
def test_datetimes_round_trip_as_the_same_instant(value: dt.datetime) -> None:
    """A datetime (any offset) is sent as ISO 8601 UTC and read back as the same instant."""
    back = from_wire(to_wire(value), PropertyKind.DATETIME)
    assert value == back
    assert isinstance(back, dt.datetime)
    assert UTC == back.tzinfo


@given(ms_datetimes)
def test_datetimes_read_from_milliseconds(value: dt.datetime) -> None:
    """Epoch milliseconds read as the same aware instant."""
    ms = (value - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(milliseconds=1)
    assert value == from_wire(str(ms), PropertyKind.DATETIME)


@given(st.lists(tokens, min_size=1, max_size=6))
def test_multi_checkbox_round_trip(values: list[str]) -> None:
    """Multi-checkbox values join with ';' and split back."""
    assert tuple(values) == from_wire(to_wire(values), PropertyKind.MULTI)


def test_examples_from_the_docs() -> None:
    """The wire strings HubSpot documents."""
    assert ["17", "false", "a;b", "2026-11-25", "2026-11-25T09:00:00.000Z", ""] == [
        to_wire(17),
        to_wire(False),
        to_wire(("a", "b")),
        to_wire(dt.date(2026, 11, 25)),
        to_wire(dt.datetime(2026, 11, 25, 9, tzinfo=UTC)),
        to_wire(None),
    ]
    assert [None, None, "DRAFT", True] == [
        from_wire("", PropertyKind.NUMBER),
        from_wire(None, PropertyKind.DATE),
        from_wire("DRAFT", PropertyKind.ENUMERATION),
        from_wire("TRUE", PropertyKind.BOOL),
    ]
    assert dt.date(2026, 12, 31) == from_wire("2026-12-31T00:00:00Z", PropertyKind.DATE)


def test_kinds_from_definitions() -> None:
    """type + fieldType → kind; checkbox enumerations are multi-valued."""
    assert [
        PropertyKind.MULTI,
        PropertyKind.ENUMERATION,
        PropertyKind.NUMBER,
        PropertyKind.STRING,
    ] == [
        kind_of("enumeration", "checkbox"),
        kind_of("enumeration", "select"),
        kind_of("number", "number"),
        kind_of("phone_number", "phonenumber"),
    ]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (1.5, TypeError),
        (dt.datetime(2026, 1, 1), ValueError),  # noqa: DTZ001 - naive on purpose
        (["a;b"], ValueError),
        (Decimal("NaN"), ValueError),
    ],
)
def test_bad_values_are_refused_before_writing(value: object, error: type[Exception]) -> None:
    """Floats, naive datetimes, ';' inside a multi value and NaN never reach HubSpot."""
    with pytest.raises(error):
        to_wire(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [("abc", PropertyKind.NUMBER), ("yes", PropertyKind.BOOL), ("31/12/2026", PropertyKind.DATE)],
)
def test_bad_strings_are_refused(raw: str, kind: PropertyKind) -> None:
    """A string that is not a value of its kind raises ValueError."""
    with pytest.raises(ValueError, match="not a HubSpot"):
        from_wire(raw, kind)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", dt.date(1970, 1, 1)),
        ("86400000", dt.date(1970, 1, 2)),
        ("1795564800000", dt.date(2026, 11, 25)),
    ],
)
def test_short_epoch_milliseconds_are_milliseconds(raw: str, expected: dt.date) -> None:
    """Epoch ms with fewer than 9 digits (dates in early 1970) are still epoch ms."""
    assert expected == from_wire(raw, PropertyKind.DATE)
