"""QuickBooksClient against hand-written cassettes shaped after real QBO recordings
(minimul/qbo_api ``spec/vcr``), replayed with ``record_mode="none"``. The matcher checks the
endpoint, the query (``minorversion=75``; a ``requestid`` on every write), the JSON body and the
User-Agent of every request."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from hubqbo._http import RetryPolicy, no_jitter
from hubqbo.errors import (
    AuthenticationError,
    DuplicateNameError,
    NotFoundError,
    RateLimitedError,
    StaleObjectError,
    ValidationError,
)
from hubqbo.models import Customer, Invoice, InvoiceLine, LineDetailType, Ref
from hubqbo.quickbooks import BatchOperation, select
from tests.quickbooks.conftest import make_client, replaying

UTC = dt.timezone.utc


def test_invoice_create_sends_minimal_body_and_parses_totals() -> None:
    """create_invoice posts CustomerRef/CurrencyRef/Line with a requestid and reads back QBO's
    number, dates, totals and subtotal line."""
    client, _, _ = make_client()
    draft = Invoice(
        customer=Ref("1"),
        currency="USD",
        lines=[
            InvoiceLine.sales_item(
                item=Ref("1", "Services"),
                quantity=Decimal("1"),
                unit_price=Decimal("100.00"),
                currency="USD",
            )
        ],
    )
    with replaying("invoice_create"):
        created = client.create_invoice(draft)
    assert ("266", "0", "1043") == (created.id, created.sync_token, created.doc_number)
    assert (dt.date(2026, 11, 25), dt.date(2026, 12, 25)) == (created.txn_date, created.due_date)
    assert (Decimal("100.00"), Decimal("100.00")) == (created.total, created.balance)
    assert [LineDetailType.SALES_ITEM, LineDetailType.SUBTOTAL] == [
        line.detail_type for line in created.lines
    ]
    assert not created.voided


def test_paged_full_read_counts_then_pages_from_one() -> None:
    """A full read (inactive included) sends COUNT(*) then STARTPOSITION 1, 3 with ORDERBY Id."""
    client, _, _ = make_client()
    with replaying("customers_paged"):
        query = select("Customer").where("Active", "IN", [True, False])
        names = [c.display_name for c in client.iter_query(query, page_size=2, counted=True)]
    assert ["Amy's Bird Sanctuary", "Bill's Windsurf Shop", "Cool Cars"] == names
    assert 3 == client.requests_sent


def test_find_by_name_escapes_quotes_and_missing_key_is_empty() -> None:
    """An apostrophe is backslash-escaped; a QueryResponse without the entity key is no match."""
    client, _, _ = make_client()
    with replaying("find_customer_escaped"):
        found = client.find_customers(display_name="Amy's Bird Sanctuary")
        none = client.find_customers(display_name="Nobody & Co")
    assert [("1", "Amy's Bird Sanctuary")] == [(c.id, c.display_name) for c in found]
    assert [] == none


def test_batch_maps_item_faults_to_inputs() -> None:
    """HTTP 200 batch: per-item Faults become typed errors on the matching inputs."""
    client, _, _ = make_client()
    operations = [
        BatchOperation.create(Customer(display_name="Boraski Family Store")),
        BatchOperation.delete(Invoice(id="129", sync_token="0", customer=Ref("1"), currency="USD")),
        BatchOperation.update(Customer(id="11", sync_token="0", display_name="Cool Cars")),
        BatchOperation.select("SELECT * FROM Invoice WHERE TotalAmt > 300.00"),
    ]
    with replaying("batch_item_faults"):
        results = client.batch(operations)
    assert [0, 1, 2, 3] == [r.index for r in results]
    assert "71" == results[0].record.id
    assert isinstance(results[1].error, NotFoundError)
    assert isinstance(results[2].error, StaleObjectError)
    assert [True, False, False, True] == [r.ok for r in results]
    assert [("130", Decimal("351.81"))] == [(i.id, i.total) for i in results[3].records]
    assert all(r.error.request_id for r in results if r.error)


def test_cdc_returns_updates_and_deletions() -> None:
    """CDC parses changed invoices and customers and a ``status: Deleted`` invoice."""
    client, clock, _ = make_client()
    clock.set(dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    with replaying("cdc_deletions"):
        result = client.changes_since(
            dt.datetime(2026, 11, 20, tzinfo=UTC), entities=["Invoice", "Customer"]
        )
    assert {("Invoice", "130", False), ("Invoice", "266", True), ("Customer", "58", False)} == {
        (c.entity, c.id, c.deleted) for c in result.changes
    }
    assert result.deletions_confirmed
    assert 1 == result.requests
    assert Decimal("351.81") == next(c for c in result.of("Invoice") if not c.deleted).record.total


def test_duplicate_name_6240_is_typed() -> None:
    """6240 Duplicate Name becomes DuplicateNameError with the intuit_tid."""
    client, _, slept = make_client()
    with replaying("error_6240"), pytest.raises(DuplicateNameError) as info:
        client.create_customer(Customer(display_name="Weiskopf Consulting"))
    assert ("6240", 400, False) == (info.value.code, info.value.status_code, info.value.retryable)
    assert info.value.request_id
    assert [] == slept


def test_stale_5010_is_reread_and_reapplied() -> None:
    """modify_customer: 5010 on SyncToken 0 -> re-read (SyncToken 1) -> re-apply succeeds."""
    client, _, _ = make_client()
    with replaying("stale_5010_reapply"):
        updated = client.modify_customer("68", lambda c: attrs.evolve(c, email="jane@example.com"))
    assert ("2", "jane@example.com") == (updated.sync_token, updated.email)
    assert 4 == client.requests_sent


def test_invalid_query_4001_is_validation_error() -> None:
    """4001 Invalid query is a ValidationError and is not retried."""
    client, _, slept = make_client()
    with replaying("error_4001"), pytest.raises(ValidationError) as info:
        client.query("SELECT * FROM Custmoer")
    assert "4001" == info.value.code
    assert [] == slept


def test_throttling_honours_retry_after_then_60_seconds() -> None:
    """429/3001: waits Retry-After (7 s), then the documented 60 s without it, then succeeds."""
    client, _, slept = make_client(pacing=False)
    with replaying("throttling"):
        customer = client.get_customer("5")
    assert "Dukes Basketball Camp" == customer.display_name
    assert [7.0, 60.0] == slept


def test_throttling_gives_up_after_max_attempts() -> None:
    """With two attempts the second 429 surfaces as RateLimitedError (retryable)."""
    client, _, slept = make_client(retry=RetryPolicy(max_attempts=2, jitter=no_jitter))
    with replaying("throttling", use_all=False), pytest.raises(RateLimitedError) as info:
        client.get_customer("5")
    assert (True, "3001", None) == (info.value.retryable, info.value.code, info.value.retry_after)
    assert [7.0] == slept


def test_server_error_retried_for_requestid_write_not_code_500() -> None:
    """A 503 on a void (carrying a requestid) is retried with backoff; fault code 500 sent with
    HTTP 400 is a validation error and is not retried."""
    client, _, slept = make_client()
    with replaying("server_error_retry"):
        voided = client.void_invoice(
            Invoice(id="264", sync_token="0", customer=Ref("1"), currency="USD")
        )
        with pytest.raises(ValidationError) as info:
            client.get_tax_rate("5")
    assert (True, Decimal("0"), "1") == (voided.voided, voided.total, voided.sync_token)
    assert [0.5] == slept
    assert ("500", 400) == (info.value.code, info.value.status_code)


def test_401_lowercase_fault_says_reconnect_without_token() -> None:
    """The lower-case 401 fault maps to AuthenticationError telling to reconnect; the token
    fragment in its detail never reaches the message."""
    client, _, slept = make_client()
    with replaying("error_401"), pytest.raises(AuthenticationError) as info:
        client.get_customer("5")
    assert "reconnect" in str(info.value)
    assert "eyJFRAGMENT" not in str(info.value) + repr(info.value)
    assert ("3200", 401) == (info.value.code, info.value.status_code)
    assert [] == slept


def test_company_profile_is_cached_per_realm_with_ttl() -> None:
    """Preferences + CompanyInfo give the profile; it is cached until the TTL passes."""
    client, clock, _ = make_client(profile_ttl=600)
    with replaying("company_profile"):
        first = client.company_profile()
        again = client.company_profile()
        sent_after_cache = client.requests_sent
        clock.advance(seconds=601)
        client.company_profile()
    assert ("GB", "GBP", "Europe/London", "Acme Gardens Ltd") == (
        first.country,
        first.home_currency,
        first.time_zone,
        first.company_name,
    )
    assert (True, True, False, Ref("3")) == (
        first.custom_txn_numbers,
        first.multi_currency,
        first.automated_sales_tax,
        first.default_terms,
    )
    assert first == again
    assert (2, 4) == (sent_after_cache, client.requests_sent)


def test_send_pdf_and_delete_invoice() -> None:
    """send_invoice posts octet-stream with sendTo; invoice_pdf returns bytes; delete posts
    ?operation=delete."""
    client, _, _ = make_client()
    with replaying("invoice_send_pdf_delete"):
        sent = client.send_invoice("130", to="ap@example.com")
        pdf = client.invoice_pdf("130")
        client.delete_invoice(sent)
    assert ("EmailSent", dt.datetime(2026, 11, 25, 9, 0, 5, tzinfo=UTC)) == (
        sent.email_status.value,
        sent.delivered_at,
    )
    assert pdf.startswith(b"%PDF-1.4")
