"""A quote's ``hs_expiration_date`` is read both as a calendar date and as the instant
HubSpot stores (a datetime property), so services can judge expiry on the portal's calendar."""

from __future__ import annotations

import datetime as dt

from hubqbo.hubspot import HubSpotClient
from hubqbo.sandbox import HubSpotSandbox


def test_quote_expiry_is_read_as_an_instant_and_a_date() -> None:
    """An end-of-day instant in New York (04:59:59.999 UTC the next day) keeps its time;
    ``expiration_date`` stays the UTC calendar date, as before."""
    hs = HubSpotSandbox()
    quote = hs.create("quotes", {"hs_title": "Q", "hs_expiration_date": "2026-11-25T04:59:59.999Z"})
    read = HubSpotClient(access_token="pat-test", transport=hs).get_quote(quote)
    assert (
        dt.datetime(2026, 11, 25, 4, 59, 59, 999000, tzinfo=dt.timezone.utc),
        dt.date(2026, 11, 25),
    ) == (read.expires_at, read.expiration_date)
