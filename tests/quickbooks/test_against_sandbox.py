"""QuickBooksClient end to end against ``hubqbo.sandbox.QuickBooksSandbox`` (an independent
reading of the QBO API), through the public API only; nothing sleeps (a ManualClock)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from hubqbo._http import RetryPolicy, no_jitter
from hubqbo.auth import ClientCredentials, MemoryTokenStore, OAuth2Auth, OAuthClient
from hubqbo.errors import (
    AuthenticationError,
    ConfigurationError,
    DuplicateNameError,
    NotFoundError,
    RateLimitedError,
    StaleObjectError,
    ValidationError,
)
from hubqbo.models import (
    Customer,
    EmailStatus,
    Invoice,
    InvoiceLine,
    Item,
    OAuthToken,
    Payment,
    PaymentApplication,
    Ref,
)
from hubqbo.protocols import AccountingClient, InvoiceQuery
from hubqbo.quickbooks import (
    BatchOperation,
    QuickBooksClient,
    RealmRegistry,
    intuit_provider,
    select,
    token_key,
)
from hubqbo.sandbox import Fault, FaultKind, FaultPlan, ManualClock, QuickBooksSandbox
from tests.quickbooks.conftest import make_client

UTC = dt.timezone.utc


def gb_setup(
    faults: FaultPlan | None = None, **client_kw: object
) -> tuple[QuickBooksSandbox, QuickBooksClient, ManualClock, list[float]]:
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock, faults=faults)
    realm = sandbox.add_realm(country="GB")
    client, _, slept = make_client(transport=sandbox, clock=clock, realm_id=realm, **client_kw)
    return sandbox, client, clock, slept


def sale(item: Item, qty: str, price: str, tax_code: str | None = "1") -> InvoiceLine:
    assert item.id is not None
    return InvoiceLine.sales_item(
        item=Ref(item.id),
        quantity=Decimal(qty),
        unit_price=Decimal(price),
        currency="GBP",
        tax_code=Ref(tax_code) if tax_code else None,
    )


def test_client_implements_the_accounting_port() -> None:
    """QuickBooksClient satisfies the AccountingClient protocol."""
    _, client, _, _ = gb_setup()
    assert isinstance(client, AccountingClient)


def test_invoice_lifecycle_in_a_uk_company() -> None:
    """Profile, create customer/item/invoice with 20% VAT, send, pay, PDF, void, CDC."""
    _, client, clock, _ = gb_setup()
    start = clock.now()
    profile = client.company_profile()
    assert ("GB", "GBP", False) == (profile.country, profile.home_currency, profile.is_us)
    assert "20.0% S" in [code.name for code in client.list_tax_codes()]
    customer = client.create_customer(
        Customer(display_name="Amy's Bird Sanctuary", email="amy@example.co.uk")
    )
    item = client.create_item(
        Item(name="Consulting", unit_price=Decimal("150"), income_account=Ref("1"))
    )
    invoice = client.create_invoice(
        Invoice(customer=Ref(str(customer.id)), currency="GBP", lines=[sale(item, "2", "150")])
    )
    assert (Decimal("360.00"), Decimal("360.00"), Decimal("60.00")) == (
        invoice.total,
        invoice.balance,
        invoice.tax_detail.total_tax if invoice.tax_detail else None,
    )
    assert invoice.doc_number
    sent = client.send_invoice(str(invoice.id), to="ap@example.co.uk")
    assert (EmailStatus.EMAIL_SENT, "ap@example.co.uk") == (sent.email_status, sent.bill_email)
    payment = client.create_payment(
        Payment(
            customer=Ref(str(customer.id)),
            total=Decimal("100.00"),
            applied_to=[PaymentApplication(str(invoice.id), Decimal("100.00"))],
        )
    )
    paid = client.get_invoice(str(invoice.id))
    assert Decimal("260.00") == paid.balance
    assert [payment.id] == [t.txn_id for t in paid.linked_payments]
    assert client.invoice_pdf(str(invoice.id)).startswith(b"%PDF")
    other = client.create_invoice(
        Invoice(customer=Ref(str(customer.id)), currency="GBP", lines=[sale(item, "1", "10")])
    )
    voided = client.void_invoice(other)
    assert (True, Decimal("0")) == (voided.voided, voided.total)
    assert voided.voided == client.get_invoice(str(other.id)).voided
    found = list(client.find_invoices(InvoiceQuery(customer_id=str(customer.id))))
    assert {invoice.id, other.id} == {i.id for i in found}
    clock.advance(seconds=60)
    client.delete_invoice(client.get_invoice(str(other.id)))
    changes = client.changes_since(start, entities=["Invoice", "Customer", "Payment"])
    assert ("Invoice", str(other.id), True) in {
        (c.entity, c.id, c.deleted) for c in changes.changes
    }
    with pytest.raises(NotFoundError):
        client.get_invoice(str(other.id))


def test_non_us_line_without_tax_code_is_refused() -> None:
    """A UK invoice line without a tax code is refused by QBO as a ValidationError."""
    _, client, _, _ = gb_setup()
    customer = client.create_customer(Customer(display_name="Acme"))
    item = client.create_item(Item(name="Widget", unit_price=Decimal("5"), income_account=Ref("1")))
    with pytest.raises(ValidationError):
        client.create_invoice(
            Invoice(
                customer=Ref(str(customer.id)), currency="GBP", lines=[sale(item, "1", "5", None)]
            )
        )


def test_duplicate_display_name_is_case_insensitive() -> None:
    """A second customer named like the first (other case) is a DuplicateNameError (6240)."""
    _, client, _, _ = gb_setup()
    client.create_customer(Customer(display_name="Acme Ltd"))
    with pytest.raises(DuplicateNameError):
        client.create_customer(Customer(display_name="ACME LTD", email="x@example.com"))


def test_bad_input_is_refused_before_any_request() -> None:
    """A ':' in a name, an empty invoice or an over-long requestid never reach the wire."""
    _, client, _, _ = gb_setup()
    with pytest.raises(ValidationError, match="':'"):
        client.create_customer(Customer(display_name="Parent:Child"))
    with pytest.raises(ValidationError, match="at least one line"):
        client.create_invoice(Invoice(customer=Ref("1"), currency="GBP"))
    with pytest.raises(ValidationError, match=r"1\.\.50"):
        client.create_customer(Customer(display_name="X"), request_id="r" * 51)
    with pytest.raises(ValidationError, match="not a QBO Customer id"):
        client.get_customer("../preferences")
    assert 0 == client.requests_sent


def test_stale_sync_token_and_reapply_helper() -> None:
    """An update with an old SyncToken is a StaleObjectError; modify_customer re-reads and
    re-applies."""
    _, client, _, _ = gb_setup()
    created = client.create_customer(Customer(display_name="Acme"))
    client.update_customer(attrs.evolve(created, email="first@example.com"))
    with pytest.raises(StaleObjectError):
        client.update_customer(attrs.evolve(created, phone="0113 496 0000"))
    changed = client.modify_customer(
        str(created.id), lambda c: attrs.evolve(c, phone="0113 496 0000")
    )
    assert ("first@example.com", "0113 496 0000", "2") == (
        changed.email,
        changed.phone,
        changed.sync_token,
    )


def test_fault_plan_stale_on_first_write_is_reapplied() -> None:
    """A scripted 5010 on the first write: modify_item succeeds on the second attempt."""
    faults = FaultPlan.scripted([])
    _, client, _, _ = gb_setup(faults)
    item = client.create_item(Item(name="Pump", unit_price=Decimal("10"), income_account=Ref("1")))
    faults.add(Fault(FaultKind.STALE, method="POST"))
    changed = client.modify_item(str(item.id), lambda i: attrs.evolve(i, description="Fountain"))
    assert "Fountain" == changed.description
    assert 1 == len(faults.injected)


def test_deactivated_customers_only_in_full_reads() -> None:
    """Deactivated records leave normal reads; include_inactive adds Active IN (true,false)."""
    _, client, _, _ = gb_setup()
    keep = client.create_customer(Customer(display_name="Keep"))
    gone = client.create_customer(Customer(display_name="Gone"))
    client.deactivate_customer(gone)
    assert [keep.id] == [c.id for c in client.iter_customers()]
    assert {keep.id, gone.id} == {c.id for c in client.iter_customers(include_inactive=True)}


def test_full_read_costs_one_count_plus_one_request_per_thousand() -> None:
    """2,500 customers: COUNT(*) + 3 pages of at most 1000 = 4 requests (10,000 -> 11)."""
    sandbox, client, _, _ = gb_setup()
    for n in range(2500):
        sandbox.add_customer(client.realm_id, f"Customer {n:05d}")
    before = sandbox.count_requests()
    ids = [c.id for c in client.iter_customers()]
    assert 2500 == len(set(ids))
    assert (4, 4) == (client.requests_sent, sandbox.count_requests() - before)


def test_batch_is_chunked_by_30_and_maps_results() -> None:
    """65 creates go out as 30+30+5 with bIds <= 10 chars; a duplicate fails alone."""
    sandbox, client, _, _ = gb_setup()
    ops = [BatchOperation.create(Customer(display_name=f"Batch {n}")) for n in range(64)]
    ops.append(BatchOperation.create(Customer(display_name="batch 3")))
    before = sandbox.count_requests()
    results = client.batch(ops)
    assert 3 == sandbox.count_requests() - before
    assert list(range(65)) == [r.index for r in results]
    assert 64 == sum(r.ok for r in results)
    assert isinstance(results[64].error, DuplicateNameError)
    assert "Batch 7" == results[7].record.display_name


def test_requestid_replay_returns_the_original() -> None:
    """The same write with the same requestid creates one record and answers the same."""
    _sandbox, client, _, _ = gb_setup()
    first = client.create_customer(Customer(display_name="Once"), request_id="fixed-id-1")
    second = client.create_customer(Customer(display_name="Once"), request_id="fixed-id-1")
    assert first == second
    assert 1 == client.count(select("Customer"))


@pytest.mark.parametrize(
    ("fault", "expected_sleeps"),
    [
        (Fault.rate_limit(retry_after=12), [12.0]),
        (Fault.rate_limit(), [60.0]),
        (Fault.server_error(500), [0.5]),
        (Fault.server_error(503), [0.5]),
        (Fault.timeout(), [0.5]),
    ],
)
def test_reads_are_retried_per_fault(fault: Fault, expected_sleeps: list[float]) -> None:
    """429 waits Retry-After or 60 s; 500/503/timeouts back off (0.5 s first), then succeed."""
    faults = FaultPlan.scripted([])
    sandbox, client, _, slept = gb_setup(faults)
    customer = client.create_customer(Customer(display_name="Retry Me"))
    faults.add(attrs.evolve(fault, method="GET"))
    assert "Retry Me" == client.get_customer(str(customer.id)).display_name
    assert expected_sleeps == slept
    assert 1 == len(sandbox.faults.injected)


def test_backoff_doubles_and_gives_up_after_max_attempts() -> None:
    """Three 503s with max_attempts=3: waits 0.5 then 1.0 s, then raises ServerError."""
    from hubqbo.errors import ServerError

    faults = FaultPlan.scripted([Fault.server_error(503, method="GET")] * 3)
    _, client, _, slept = gb_setup(faults, retry=RetryPolicy(max_attempts=3, jitter=no_jitter))
    with pytest.raises(ServerError) as info:
        client.get_customer("1")
    assert [0.5, 1.0] == slept
    assert info.value.retryable


def test_reset_after_apply_is_replayed_not_duplicated() -> None:
    """The connection drops after the create was applied; the retry carries the same requestid,
    QBO answers the original, and exactly one invoice exists."""
    faults = FaultPlan.scripted([])
    _, client, _, slept = gb_setup(faults)
    customer = client.create_customer(Customer(display_name="Acme"))
    item = client.create_item(Item(name="Audit", unit_price=Decimal("50"), income_account=Ref("1")))
    faults.add(Fault.reset_after_apply(method="POST", path="/invoice"))
    created = client.create_invoice(
        Invoice(customer=Ref(str(customer.id)), currency="GBP", lines=[sale(item, "1", "50")])
    )
    assert [0.5] == slept
    assert 1 == client.count(select("Invoice"))
    assert created.id == next(iter(client.find_invoices(InvoiceQuery()))).id


def test_pacing_keeps_a_busy_minute_free_of_429() -> None:
    """620 reads in one clock minute: the pacer waits instead, so QBO never throttles."""
    sandbox, client, _, slept = gb_setup()
    customer = client.create_customer(Customer(display_name="Busy"))
    for _ in range(620):
        client.get_customer(str(customer.id))
    assert 621 == sandbox.count_requests() == client.requests_sent
    # 10 a second: requests 1-500 go out at t = 0..49 s (49 one-second waits); request 501
    # waits 11 s for request 1 to leave the 500-per-minute window (t = 60 s); then 10 a
    # second again, request 621 at t = 72 s (12 more one-second waits)
    assert ([1.0] * 49 + [11.0] + [1.0] * 12) == slept


def test_without_pacing_the_501st_request_is_throttled_and_retried() -> None:
    """With pacing off the sandbox answers 429/3001 past 500/min; the client waits and retries."""
    _sandbox, client, _, slept = gb_setup(pacing=False)
    customer = client.create_customer(Customer(display_name="Busy"))
    for _ in range(505):
        client.get_customer(str(customer.id))
    # request 501 is throttled (no Retry-After: the documented 60 s), then sent again
    assert ([60.0], 507) == (slept, client.requests_sent)


def test_throttling_surfaces_when_retries_are_off() -> None:
    """max_attempts=1: the 429 becomes a RateLimitedError (retryable, with code 3001)."""
    faults = FaultPlan.scripted([Fault.rate_limit(retry_after=5, method="GET")])
    _, client, _, _ = gb_setup(faults, retry=RetryPolicy(max_attempts=1))
    with pytest.raises(RateLimitedError) as info:
        client.get_customer("1")
    assert (True, 5.0) == (info.value.retryable, info.value.retry_after)


def test_cdc_refuses_windows_older_than_30_days_without_a_request() -> None:
    """since more than 30 days ago is refused before any request."""
    _, client, clock, _ = gb_setup()
    with pytest.raises(ValidationError, match="30 days"):
        client.changes_since(clock.now() - dt.timedelta(days=31))
    assert 0 == client.requests_sent


def test_cdc_at_the_cap_falls_back_and_flags_deletions() -> None:
    """1,001 changed customers: CDC caps at 1,000, the client pages a LastUpdatedTime query,
    finds all of them and says Customer deletions could not be confirmed."""
    sandbox, client, clock, _ = gb_setup()
    since = clock.now()
    for n in range(1001):
        sandbox.add_customer(client.realm_id, f"Cdc {n:04d}")
    result = client.changes_since(since, entities=["Customer", "Invoice"])
    assert 1001 == len(result.of("Customer"))
    assert ("Customer",) == result.unconfirmed_deletions
    assert not result.deletions_confirmed


def test_oauth_against_sandbox_token_endpoint() -> None:
    """Code exchange, API call, refresh before expiry (rotated token saved), revoke -> reconnect."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock, access_tokens=[])
    realm = sandbox.add_realm(country="US")
    oauth = OAuthClient(
        intuit_provider(),
        ClientCredentials("sandbox-client-id", "sandbox-client-secret", "https://app/cb"),
        transport=sandbox,
        clock=clock,
    )
    store = MemoryTokenStore()
    store.save(token_key(realm), oauth.exchange_code(sandbox.authorize(realm), account_id=realm))
    auth = OAuth2Auth(oauth, store, token_key(realm))
    client, _, _ = make_client(
        transport=sandbox, clock=clock, realm_id=realm, auth=auth, access_token=None
    )
    assert "US" == client.company_profile().country
    first = store.load(token_key(realm))
    clock.advance(seconds=3500)
    client.company_profile(refresh=True)
    second = store.load(token_key(realm))
    assert first is not None
    assert second is not None
    assert (1, True) == (auth.refreshes, first.refresh_token != second.refresh_token)
    oauth.revoke(second)
    clock.advance(seconds=3600)
    with pytest.raises(AuthenticationError, match="reconnect"):
        client.company_profile(refresh=True)


def test_expired_token_401_refreshes_once() -> None:
    """A token the store thinks valid but QBO refuses (401) is refreshed once and resent."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock, access_tokens=[])
    realm = sandbox.add_realm(country="US")
    oauth = OAuthClient(
        intuit_provider(),
        ClientCredentials("sandbox-client-id", "sandbox-client-secret"),
        transport=sandbox,
        clock=clock,
    )
    issued = oauth.exchange_code(sandbox.authorize(realm))
    store = MemoryTokenStore()
    store.save(
        "k", OAuthToken(access_token=issued.access_token, refresh_token=issued.refresh_token)
    )
    auth = OAuth2Auth(oauth, store, "k")
    client, _, _ = make_client(
        transport=sandbox, clock=clock, realm_id=realm, auth=auth, access_token=None
    )
    clock.advance(seconds=4000)
    assert "US" == client.company_profile().country
    assert 1 == auth.refreshes


def test_registry_returns_the_realm_client_and_refuses_ambiguity() -> None:
    """Two companies: get(realm) picks one; get() without a realm is refused."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    us, gb = sandbox.add_realm(country="US"), sandbox.add_realm(country="GB")
    registry = RealmRegistry()
    for realm in (us, gb):
        registry.add(make_client(transport=sandbox, clock=clock, realm_id=realm)[0])
    assert "GB" == registry.get(gb).company_profile().country
    with pytest.raises(ConfigurationError, match="several"):
        registry.get()
    with pytest.raises(ConfigurationError, match="not connected"):
        registry.get("123")
    with pytest.raises(ConfigurationError, match="already"):
        registry.add(make_client(transport=sandbox, clock=clock, realm_id=us)[0])


def test_custom_transaction_numbers_leave_doc_number_empty() -> None:
    """With custom transaction numbers on, the profile says so and QBO assigns no number."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US", custom_txn_numbers=True)
    client, _, _ = make_client(transport=sandbox, clock=clock, realm_id=realm)
    assert client.company_profile().custom_txn_numbers
    customer = client.create_customer(Customer(display_name="Acme"))
    item = client.create_item(Item(name="Audit", unit_price=Decimal("50"), income_account=Ref("1")))
    line = InvoiceLine.sales_item(
        item=Ref(str(item.id)), quantity=Decimal(1), unit_price=Decimal(50), currency="USD"
    )
    invoice = client.create_invoice(
        Invoice(customer=Ref(str(customer.id)), currency="USD", lines=[line])
    )
    assert invoice.doc_number is None


def test_reads_by_id_of_every_entity() -> None:
    """Terms, tax codes, tax rates and payments read by id as their models."""
    sandbox, client, _, _ = gb_setup()
    customer = client.create_customer(Customer(display_name="Acme"))
    item = client.create_item(Item(name="Audit", unit_price=Decimal("50"), income_account=Ref("1")))
    invoice = client.create_invoice(
        Invoice(customer=Ref(str(customer.id)), currency="GBP", lines=[sale(item, "1", "50")])
    )
    payment_id = sandbox.add_payment(client.realm_id, str(invoice.id), "60.00")
    code = client.list_tax_codes()[0]
    assert ("Net 30", 30) == (client.get_term("3").name, client.get_term("3").due_days)
    assert code == client.get_tax_code(code.id)
    assert Decimal("20") == client.get_tax_rate(code.sales_rates[0].value).rate_percent
    payment = client.get_payment(payment_id)
    assert ((str(invoice.id), Decimal("60.00")),) == tuple(
        (a.invoice_id, a.amount) for a in payment.applied_to
    )
    assert item == client.get_item(str(item.id))


def test_sparse_updates_and_item_deactivation() -> None:
    """update_invoice and update_item send sparse bodies with the SyncToken; deactivate_item
    hides the item from normal reads."""
    _, client, _, _ = gb_setup()
    customer = client.create_customer(Customer(display_name="Acme"))
    item = client.create_item(Item(name="Audit", unit_price=Decimal("50"), income_account=Ref("1")))
    invoice = client.create_invoice(
        Invoice(customer=Ref(str(customer.id)), currency="GBP", lines=[sale(item, "1", "50")])
    )
    memo = client.update_invoice(attrs.evolve(invoice, customer_memo="Thank you"))
    priced = client.update_item(attrs.evolve(item, unit_price=Decimal("75")))
    assert ("Thank you", "1", Decimal("60.00")) == (memo.customer_memo, memo.sync_token, memo.total)
    assert (Decimal("75"), "1") == (priced.unit_price, priced.sync_token)
    client.deactivate_item(priced)
    assert [] == list(client.iter_items())
    assert [False] == [i.active for i in client.iter_items(include_inactive=True)]


def test_errors_and_debug_logs_carry_intuit_tid_never_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failed call's error and the debug log line name the intuit_tid; the token is absent."""
    import logging

    caplog.set_level(logging.DEBUG, logger="hubqbo")
    _, client, _, _ = gb_setup(access_token="secret-access-token-123")
    client.create_customer(Customer(display_name="Acme"))
    with pytest.raises(DuplicateNameError) as info:
        client.create_customer(Customer(display_name="acme"))
    assert info.value.request_id
    assert info.value.request_id in caplog.text
    assert "secret-access-token-123" not in caplog.text + repr(client) + str(info.value)
