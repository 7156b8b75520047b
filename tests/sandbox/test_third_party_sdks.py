"""Other people's SDKs against the served sandboxes: HubSpot's official ``hubspot-api-client``
and ``python-quickbooks`` (with ``intuit-oauth``) talk to them over sockets, through their own
request code, as they would talk to the real services.

Both are in the ``dev`` extra; without them this module is skipped (``pip install -e .[dev]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hubqbo.sandbox import (
    HubSpotSandbox,
    ManualClock,
    QuickBooksSandbox,
    ServedSandboxes,
    serve_sandboxes,
)

hubspot = pytest.importorskip("hubspot", reason="hubspot-api-client is not installed (dev extra)")
pytest.importorskip("quickbooks", reason="python-quickbooks is not installed (dev extra)")

from hubspot.crm.contacts import (  # noqa: E402
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.contacts.exceptions import ApiException  # noqa: E402
from intuitlib.client import AuthClient  # noqa: E402
from quickbooks.cdc import change_data_capture  # noqa: E402
from quickbooks.objects.customer import Customer  # noqa: E402
from quickbooks.objects.detailline import (  # noqa: E402
    SalesItemLine,
    SalesItemLineDetail,
)
from quickbooks.objects.invoice import Invoice  # noqa: E402
from quickbooks.objects.item import Item  # noqa: E402

from quickbooks import QuickBooks  # noqa: E402


@pytest.fixture
def served() -> Iterator[ServedSandboxes]:
    clock = ManualClock()
    with serve_sandboxes(HubSpotSandbox(clock=clock), QuickBooksSandbox(clock=clock)) as running:
        yield running


def test_hubspot_api_client_scenario(served: ServedSandboxes) -> None:
    """Create, read, update, search, page through and archive contacts; a duplicate e-mail is
    HubSpot's 409, which the SDK raises as ApiException."""
    client = hubspot.Client.create(access_token="pat-na1-sdk", host=served.hubspot_url)
    contacts = client.crm.contacts
    made = [
        contacts.basic_api.create(
            SimplePublicObjectInputForCreate(
                properties={"email": f"p{n}@sdk.example", "firstname": f"P{n}"}
            )
        )
        for n in range(12)
    ]
    first = made[0].id
    contacts.basic_api.update(first, SimplePublicObjectInput(properties={"lastname": "Lovelace"}))
    read = contacts.basic_api.get_by_id(first, properties=["email", "lastname"])
    found = contacts.search_api.do_search(
        PublicObjectSearchRequest(
            filter_groups=[
                FilterGroup(
                    filters=[Filter(property_name="lastname", operator="EQ", value="Lovelace")]
                )
            ]
        )
    )
    every, after, pages = [], None, 0
    while True:  # pages of 5, following paging.next.after as the SDK's models give it
        page = contacts.basic_api.get_page(limit=5, after=after)
        every.extend(page.results)
        pages += 1
        if page.paging is None:
            break
        after = page.paging.next.after
    with pytest.raises(ApiException) as duplicate:
        contacts.basic_api.create(
            SimplePublicObjectInputForCreate(properties={"email": "p0@sdk.example"})
        )
    contacts.basic_api.archive(made[-1].id)
    left = contacts.get_all()
    assert ("Lovelace", "p0@sdk.example") == (
        read.properties["lastname"],
        read.properties["email"],
    )
    assert ([first], 12, 3, 409, 11) == (
        [r.id for r in found.results],
        len(every),
        pages,
        duplicate.value.status,
        len(left),
    )


def _quickbooks(served: ServedSandboxes, realm: str) -> Any:
    auth = AuthClient(
        client_id="sandbox-client-id",
        client_secret="sandbox-client-secret",
        redirect_uri="https://app.example/callback",
        # a URL here is where intuit-oauth reads Intuit's discovery document from
        environment=f"{served.quickbooks_url}/.well-known/openid_configuration",
        access_token="sdk-access-token",
    )
    client = QuickBooks(
        auth_client=auth, refresh_token="sdk-refresh", company_id=realm, minorversion=75
    )
    client.api_url_v3 = f"{served.quickbooks_url}/v3"  # the SDK's base URL, pointed at the sandbox
    return client


def test_python_quickbooks_scenario(
    served: ServedSandboxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Customers, an item and an invoice through python-quickbooks: save, query, get, update
    with its SyncToken, and the totals QBO computes."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # requests-oauthlib over loopback http
    realm = served.quickbooks.add_realm(country="US")
    qb = _quickbooks(served, realm)
    customer = Customer()
    customer.DisplayName = "SDK Customer"
    customer.save(qb=qb)
    item = Item()
    item.Name = "SDK Service"
    item.Type = "Service"
    item.UnitPrice = 40
    item.IncomeAccountRef = {"value": "1"}
    item.save(qb=qb)
    line = SalesItemLine()
    line.Amount = 120
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = item.to_ref()
    line.SalesItemLineDetail.Qty = 3
    line.SalesItemLineDetail.UnitPrice = 40
    invoice = Invoice()
    invoice.CustomerRef = customer.to_ref()
    invoice.Line.append(line)
    invoice.save(qb=qb)
    again = Invoice.get(invoice.Id, qb=qb)
    again.PrivateNote = "from the SDK"
    again.save(qb=qb)
    changes = change_data_capture([Customer, Invoice], "2026-11-25T00:00:00Z", qb=qb)
    found = Customer.filter(DisplayName="SDK Customer", qb=qb)
    count = Customer.count(qb=qb)
    stored = served.quickbooks.get(realm, "Invoice", invoice.Id)
    assert stored is not None
    assert ([customer.Id], 1) == ([c.Id for c in found], count)
    assert ([customer.Id], [invoice.Id]) == (
        [c.Id for c in changes.Customer],
        [i.Id for i in changes.Invoice],
    )
    assert (120, "1", "from the SDK") == (
        float(stored["TotalAmt"]),
        stored["SyncToken"],
        stored["PrivateNote"],
    )
