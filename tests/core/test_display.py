"""What a notebook shows: short reprs, escaped HTML tables, plain rows for pandas.

Driven through the public API against the sandboxes: the records are the ones a user gets.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from hubqbo import HubSpotClient, InvoiceBuilder, QuickBooksClient
from hubqbo.auth import ClientCredentials, OAuthClient
from hubqbo.models import Customer, Invoice, Item, ItemType, Ref
from hubqbo.quickbooks import intuit_provider
from hubqbo.sandbox import HubSpotSandbox, ManualClock, QuickBooksSandbox

NAME = "Acme <b>&</b> Sons"


@pytest.fixture(scope="module")
def world() -> dict[str, object]:
    """One invoiced deal, refreshed after a payment, and a search."""
    clock = ManualClock(dt.datetime(2026, 11, 25, 14, 0, tzinfo=dt.timezone.utc))
    qbo = QuickBooksSandbox(clock=clock)
    realm = qbo.add_realm(country="US", company_name="Northwind Studio Inc")
    qbo.add_customer(realm, NAME, PrimaryEmailAddr={"Address": "wile@acme.example"})
    for n in range(12):
        qbo.add_item(realm, f"Service {n:02d}", 100 + n, Sku=f"SVC-{n:02d}")
    hubspot = HubSpotSandbox(clock=clock, company_currency="USD")
    contact = hubspot.create("contacts", {"email": "wile@acme.example", "firstname": "Wile"})
    deal = hubspot.create("deals", {"dealname": "Big"}, associations=[("contacts", contact)])
    for n in range(12):
        hubspot.create(
            "line_items",
            {"name": f"Service {n:02d}", "hs_sku": f"SVC-{n:02d}", "price": "100", "quantity": "3"},
            associations=[("deals", deal)],
        )
    crm = HubSpotClient(access_token="pat-x", transport=hubspot, clock=clock, sleep=clock.sleep)
    ledger = QuickBooksClient(
        realm_id=realm, access_token="t", transport=qbo, clock=clock, sleep=clock.sleep
    )
    builder = InvoiceBuilder(crm, ledger, now=clock.now)
    draft = builder.from_deal(deal)
    linked = builder.create(draft)
    qbo.add_payment(realm, linked.invoice.id, Decimal("500"))
    refresh = builder.refresh_deal(deal)
    found = builder.search_invoices()
    return {
        "draft": draft,
        "match": draft.match,
        "linked": linked,
        "invoice": linked.invoice,
        "customer": linked.customer,
        "item": next(ledger.iter_items()),
        "deal": crm.get_deal(deal),
        "refresh": refresh,
        "found": found,
    }


SHOWN = ["draft", "match", "linked", "invoice", "customer", "item", "deal", "refresh", "found"]


@pytest.mark.parametrize("name", SHOWN)
def test_repr_is_one_short_line(world: dict[str, object], name: str) -> None:
    """A repr fits on a line or two (a draft's was several kilobytes), with no line breaks."""
    text = repr(world[name])
    assert "\n" not in text
    assert len(text) < 400, text


@pytest.mark.parametrize("name", SHOWN)
def test_html_escapes_values(world: dict[str, object], name: str) -> None:
    """Every record renders as HTML; a customer name with markup is shown, never injected."""
    if not hasattr(world[name], "_repr_html_"):  # a draft's match shows inside the draft
        return
    html = world[name]._repr_html_()  # type: ignore[attr-defined]
    assert "<b>&</b>" not in html
    if name in {"draft", "linked", "invoice", "customer", "found", "refresh"}:
        assert "Acme &lt;b&gt;&amp;&lt;/b&gt; Sons" in html


def test_repr_names_what_identifies_a_record(world: dict[str, object]) -> None:
    """The short reprs say which invoice, for whom, how much and in what state."""
    linked, draft = repr(world["linked"]), repr(world["draft"])
    assert "doc_number='1001'" in linked
    assert "status='Awaiting send'" in linked
    assert "problems=0" in draft
    assert "lines=12" in draft
    assert "total=Decimal('3600.00')" in draft
    refresh = repr(world["refresh"])
    assert "events=('payment_received', 'deal_rollup_changed')" in refresh


def test_search_results_are_a_list_with_rows(world: dict[str, object]) -> None:
    """search_invoices answers a list (equal to a plain list) whose rows pandas can take."""
    found = world["found"]
    assert isinstance(found, list)
    assert list(found) == found
    rows = found.to_dicts()  # type: ignore[attr-defined]
    assert [r["doc_number"] for r in rows] == ["1001"]
    assert rows[0]["status"] == "partially_paid"
    assert rows[0]["balance"] == Decimal("3100.00")
    assert rows[0]["customer"] == NAME
    html = found._repr_html_()  # type: ignore[attr-defined]
    assert "1 LinkedInvoice(s)" in html
    assert "<td>partially_paid</td>" in html


def test_to_dict_is_plain_data(world: dict[str, object]) -> None:
    """to_dict gives builtins, Decimal and dates only (JSON-able with default=str)."""
    for name in ("invoice", "customer", "item", "deal", "refresh", "linked"):
        data = world[name].to_dict()  # type: ignore[attr-defined]
        json.dumps(data, default=_only_decimal_and_dates)
    invoice = world["invoice"].to_dict()  # type: ignore[attr-defined]
    assert invoice["email_status"] == "NotSet"
    assert invoice["customer"] == {"value": "1", "name": NAME}
    kinds = [line["detail_type"] for line in invoice["lines"]]
    assert kinds.count("SalesItemLineDetail") == 12  # and QBO's subtotal line
    refresh = world["refresh"].to_dict()  # type: ignore[attr-defined]
    assert [e["kind"] for e in refresh["events"]] == ["payment_received", "deal_rollup_changed"]
    assert refresh["rollup"]["qbo_invoice_status"] == "partially_paid"


def _only_decimal_and_dates(value: object) -> str:
    if isinstance(value, (Decimal, dt.date)):
        return str(value)
    raise TypeError(f"not plain data: {value!r}")


def test_repr_leaves_out_unset_fields_and_default_flags() -> None:
    """Only what is set shows; a deactivated record says so, an active one does not."""
    assert repr(Customer(id="4", display_name="Bob")) == "Customer(id='4', display_name='Bob')"
    assert "active=False" in repr(Customer(id="4", active=False))
    item = Item(id="1", name="Audit", type=ItemType.SERVICE, unit_price=Decimal("150"))
    assert repr(item) == "Item(id='1', name='Audit', type='Service', unit_price=Decimal('150'))"


def test_rollup_tie_break_still_sees_every_field() -> None:
    """Two invoices alike in every field the short repr shows still order the same way."""
    from hubqbo.rollups import pick_rollup_invoice

    a = Invoice(id="9", customer=Ref("1"), currency="USD", private_note="a")
    b = Invoice(id="9", customer=Ref("1"), currency="USD", private_note="b")
    assert repr(a) == repr(b)
    assert pick_rollup_invoice([a, b]) == pick_rollup_invoice([b, a])


def test_oauth_client_closes_with_a_with_block() -> None:
    """OAuthClient is a context manager like the API clients."""
    with OAuthClient(intuit_provider(), ClientCredentials("id", "secret", "https://a/cb")) as oauth:
        assert oauth.authorization_url(["x"]).url.startswith("https://appcenter.intuit.com")
    with pytest.raises(RuntimeError):
        oauth._http.get("https://example.invalid/")


def test_hubspot_search_results_give_rows() -> None:
    """HubSpot records from a search: a short repr, their properties as HTML, flat rows."""
    from hubqbo import Records
    from hubqbo.hubspot import Filter, FilterGroup, SearchQuery

    clock = ManualClock()
    sandbox = HubSpotSandbox(clock=clock)
    for n in range(3):
        sandbox.create("contacts", {"email": f"p{n}@acme.example", "firstname": f"<i>P{n}</i>"})
    client = HubSpotClient(access_token="pat-x", transport=sandbox, clock=clock, sleep=clock.sleep)
    query = SearchQuery(
        filter_groups=(FilterGroup((Filter("email", "CONTAINS_TOKEN", "*@acme.example"),)),),
        properties=("email", "firstname"),
    )
    found = Records(client.search("contacts", query))
    rows = found.to_dicts()
    assert sorted(r["email"] for r in rows) == [
        "p0@acme.example",
        "p1@acme.example",
        "p2@acme.example",
    ]
    assert all(r["id"] and "archived" in r for r in rows)
    assert "\n" not in repr(found[0])
    assert "email='p" in repr(found[0])
    html = found._repr_html_() + found[0]._repr_html_()
    assert "<i>" not in html
    assert "&lt;i&gt;P" in html
