"""CDC at QBO's 1,000-object cap: recent deletions are still found by narrowing the window
from the recent end, and the span whose deletions stay unconfirmed is named."""

from __future__ import annotations

import datetime as dt

from hubqbo.quickbooks import UnconfirmedWindow
from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.quickbooks.conftest import make_client


def test_recent_deletions_survive_the_cap_and_the_unconfirmed_span_is_named() -> None:
    """1,005 invoices created over ~17 minutes, then 3 deleted an hour later: the capped CDC
    answer (oldest first) misses the deletions and a query cannot see them; halving the window
    finds a changedSince under the cap whose answer reports all 3. Only the span before it is
    unconfirmed."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US")
    customer = sandbox.add_customer(realm, "Cap Co")
    item = sandbox.add_item(realm, "Widget", unit_price="5")
    client, _, _ = make_client(transport=sandbox, clock=clock, realm_id=realm)
    since = clock.now()
    clock.advance(seconds=1)
    ids = []
    for _ in range(1005):
        ids.append(sandbox.add_invoice(realm, customer, [(item, 1, "5")]))
        clock.advance(seconds=1)
    clock.advance(seconds=3600)
    for invoice_id in ids[:3]:
        client.delete_invoice(client.get_invoice(invoice_id))
    clock.advance(seconds=60)

    result = client.changes_since(since, entities=["Invoice"])

    deleted = sorted(c.id for c in result.of("Invoice") if c.deleted)
    assert sorted(ids[:3]) == deleted
    assert 1002 == sum(1 for c in result.of("Invoice") if not c.deleted)
    [window] = result.unconfirmed_windows
    assert ("Invoice", since) == (window.entity, window.start)
    assert since < window.end <= since + dt.timedelta(seconds=1005 + 3600)
    assert ("Invoice",) == result.unconfirmed_deletions
    assert isinstance(window, UnconfirmedWindow)
