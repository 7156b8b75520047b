"""Pure rules of the sandbox, property-based: value normalization and search paging."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from hubqbo.sandbox.hubspot._model import (
    PropertyDef,
    ValueProblem,
    format_datetime,
    normalize_value,
    parse_instant,
)
from hubqbo.sandbox.hubspot._search import SearchRequest, run_search

DATETIME = PropertyDef("closedate", "Close date", "datetime", "date", "g")
DATE = PropertyDef("go_live", "Go live", "date", "date", "g")
UTC = dt.timezone.utc
instants = st.datetimes(
    min_value=dt.datetime(1971, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by design
    max_value=dt.datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


def _ms(instant: dt.datetime) -> int:
    return (instant - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(milliseconds=1)


@given(instants)
def test_datetime_values_accept_ms_and_iso_alike(instant: dt.datetime) -> None:
    """Epoch ms and ISO 8601 of one instant store the same ISO string, which parses back."""
    ms = str(_ms(instant))
    from_ms = normalize_value(DATETIME, ms, None)
    from_iso = normalize_value(DATETIME, instant.isoformat(), None)
    assert from_ms == from_iso == format_datetime(instant)
    assert instant == parse_instant(str(from_ms))


@given(
    st.one_of(
        instants, instants.map(lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0))
    )
)
@example(dt.datetime(2026, 11, 25, tzinfo=UTC))
@example(dt.datetime(2026, 11, 25, 0, 0, 0, 1000, tzinfo=UTC))
def test_date_values_must_be_midnight_utc(instant: dt.datetime) -> None:
    """A date property takes an instant only at midnight UTC, and stores ``YYYY-MM-DD``."""
    stored = normalize_value(DATE, str(_ms(instant)), None)
    if instant.time() == dt.time(0, 0):
        assert instant.date().isoformat() == stored
    else:
        assert isinstance(stored, ValueProblem)
        assert "INVALID_DATE" == stored.error


@given(n=st.integers(min_value=0, max_value=60), limit=st.integers(min_value=1, max_value=25))
def test_search_paging_visits_every_match_once_in_order(n: int, limit: int) -> None:
    """Following ``after`` from 0 returns each record once, in id order, with one total."""
    records = [(str(1000 + i), {"hs_object_id": str(1000 + i)}) for i in range(n)]
    seen: list[str] = []
    totals: set[int] = set()
    after: int | None = 0
    while after is not None:
        total, ids, after = run_search(
            SearchRequest(limit=limit, after=after), records, {}, lambda *a: False
        )
        totals.add(total)
        seen += ids
    assert [r[0] for r in records] == seen
    assert totals <= {n}
