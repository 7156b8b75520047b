"""QBO timestamps are read with ``datetime.fromisoformat`` when they have QBO's own shape (a
fast path): the same instant and offset ``dateutil``'s ``isoparse`` gives, for any instant,
offset and fraction; other shapes still go to ``isoparse``."""

from __future__ import annotations

import datetime as dt

from dateutil.parser import isoparse
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.quickbooks._wire import _when

FIRST = dt.datetime(1900, 1, 1)  # noqa: DTZ001 - naive bounds, as hypothesis takes them
LAST = dt.datetime(2200, 1, 1)  # noqa: DTZ001
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


@given(
    st.datetimes(min_value=FIRST, max_value=LAST),
    OFFSETS,
    st.sampled_from(["seconds", "milliseconds", "microseconds"]),
)
def test_a_qbo_timestamp_reads_as_isoparse_reads_it(
    when: dt.datetime, zone: dt.tzinfo, spec: str
) -> None:
    text = when.replace(tzinfo=zone).isoformat(timespec=spec)
    got, expected = _when(text), isoparse(text)
    assert got == expected
    assert got is not None
    assert got.utcoffset() == expected.utcoffset()
    assert got.isoformat() == expected.isoformat()


def test_other_shapes_still_read() -> None:
    for text in ("2026-11-02T24:00:00-08:00", "2026-11-02T07:00:00Z", "2026-11-02T07:00"):
        got = _when(text)
        assert got is not None
        assert got == (
            isoparse(text)
            if isoparse(text).tzinfo
            else isoparse(text).replace(tzinfo=dt.timezone.utc)
        )
