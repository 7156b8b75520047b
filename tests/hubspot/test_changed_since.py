"""HubSpotClient.changed_since: search on the last-modified property, ties broken by id,
past the 10,000-result ceiling."""

from __future__ import annotations

import datetime as dt

from hubqbo.hubspot import HubSpotClient
from hubqbo.hubspot._changes import changed_query
from hubqbo.models import CrmObjectType
from hubqbo.sandbox import HubSpotSandbox, ManualClock

START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.timezone.utc)


def _world() -> tuple[ManualClock, HubSpotSandbox, HubSpotClient]:
    clock = ManualClock(START)
    portal = HubSpotSandbox(clock=clock)
    return (
        clock,
        portal,
        HubSpotClient(access_token="pat", transport=portal, clock=clock, sleep=clock.sleep),
    )


def test_changes_come_oldest_first_and_ties_continue_after_the_last_id() -> None:
    clock, portal, crm = _world()
    ids = [portal.create("contacts", {"email": f"a{i}@x.example"}) for i in range(4)]
    clock.advance(seconds=60)
    portal.update("contacts", ids[0], {"firstname": "B"})
    got = [o.id for o in crm.changed_since(CrmObjectType.CONTACT, START)]
    assert got == [*ids[1:], ids[0]]  # by modification time, then id
    after = [o.id for o in crm.changed_since(CrmObjectType.CONTACT, START, after_id=ids[2])]
    assert after == [ids[3], ids[0]]
    later = START + dt.timedelta(seconds=1)
    assert [o.id for o in crm.changed_since(CrmObjectType.CONTACT, later)] == [ids[0]]


def test_the_query_uses_or_groups_within_the_limits() -> None:
    query = changed_query("products", "1700000000000", "42", properties=["name"])
    wire = query.body(after=None)
    assert wire["sorts"] == [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]
    assert [[f["operator"] for f in g["filters"]] for g in wire["filterGroups"]] == [
        ["GT"],
        ["EQ", "GT"],
    ]


def test_more_than_ten_thousand_changes_at_one_instant_are_all_read_once() -> None:
    """10,250 contacts modified in the same millisecond: paging stops before the ceiling and
    restarts at (t, last id), which only the id tie-break can continue from."""
    _, portal, crm = _world()
    ids = [portal.create("contacts", {"email": f"c{i}@x.example"}) for i in range(10_250)]
    before = len(portal.requests)
    got = [o.id for o in crm.changed_since(CrmObjectType.CONTACT, START)]
    assert got == ids  # every one, once, in order
    searches = [r for r in portal.requests[before:] if r.path.endswith("/search")]
    assert all(r.status == 200 for r in searches)
    assert len(searches) == 52  # 50 pages to the ceiling, then a restart for the last 250
