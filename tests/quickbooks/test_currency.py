"""An invoice QBO sends without ``CurrencyRef`` is in the company's home currency (read from
``/preferences``), never a guessed USD; the profile is read only when it is needed."""

from __future__ import annotations

import httpx

from hubqbo.quickbooks import BatchOperation
from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.quickbooks.conftest import REALM, make_client

PREFERENCES = {"Preferences": {"CurrencyPrefs": {"HomeCurrency": {"value": "GBP"}}}}
COMPANY = {"CompanyInfo": {"Country": "GB", "CompanyName": "Acme UK"}}


class GbCompany:
    """A UK company whose invoice 7 comes back without CurrencyRef and invoice 8 with EUR."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(f"/v3/company/{REALM}/")
        self.paths.append(path)
        invoice = {
            "Id": path.rsplit("/", 1)[-1],
            "SyncToken": "0",
            "CustomerRef": {"value": "1"},
            "TotalAmt": 0,
        }
        answers = {
            "preferences": PREFERENCES,
            f"companyinfo/{REALM}": COMPANY,
            "invoice/7": {"Invoice": invoice},
            "invoice/8": {"Invoice": {**invoice, "CurrencyRef": {"value": "EUR"}}},
        }
        return httpx.Response(200, json={**answers[path], "time": "2026-11-25T09:00:00Z"})


def test_invoice_without_currency_ref_is_in_the_home_currency() -> None:
    """Invoice 8 (EUR) costs one request; invoice 7 (no CurrencyRef) reads the profile once
    (preferences + companyinfo) and is GBP; a second such read uses the cached profile."""
    company = GbCompany()
    client, _, _ = make_client(transport=httpx.MockTransport(company))
    assert "EUR" == client.get_invoice("8").currency
    assert ["invoice/8"] == company.paths
    assert ("GBP", "GBP") == (client.get_invoice("7").currency, client.get_invoice("7").currency)
    assert ["invoice/8", "invoice/7", "preferences", f"companyinfo/{REALM}", "invoice/7"] == (
        company.paths
    )


def test_batch_delete_stub_needs_no_profile_read() -> None:
    """A batch delete answers ``{"Id", "status": "Deleted"}`` without CurrencyRef: the stub is
    marked deleted with currency XXX ("no currency") and costs no company-profile read."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US")
    customer = sandbox.add_customer(realm, "Stub Ltd")
    item = sandbox.add_item(realm, "Consulting", unit_price="100")
    invoice_id = sandbox.add_invoice(realm, customer, [(item, 1, "100")])
    client, _, _ = make_client(transport=sandbox, clock=clock, realm_id=realm)
    invoice = client.get_invoice(invoice_id)
    before = sandbox.count_requests()
    [result] = client.batch([BatchOperation.delete(invoice)])
    assert (True, "XXX", invoice_id) == (
        result.record.deleted,
        result.record.currency,
        result.record.id,
    )
    assert 1 == sandbox.count_requests() - before
