"""invoice_status: the six states, their precedence and the edge cases documented in status.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo import CompanyProfile, EmailStatus, Invoice, InvoiceStatus, Ref, invoice_status
from hubqbo.status import invoice_status_now
from tests.core.strategies import dates, invoices

TODAY = dt.date(2026, 11, 25)


def _inv(**kw: object) -> Invoice:
    base: dict[str, object] = {
        "customer": Ref("1", "Acme"),
        "currency": "USD",
        "total": Decimal("100"),
        "balance": Decimal("100"),
        "due_date": dt.date(2026, 12, 25),
    }
    base.update(kw)
    return Invoice(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("invoice", "expected"),
    [
        (_inv(), InvoiceStatus.AWAITING_SEND),
        (_inv(email_status=EmailStatus.NEED_TO_SEND), InvoiceStatus.AWAITING_SEND),
        (_inv(email_status=EmailStatus.EMAIL_SENT), InvoiceStatus.SENT),
        (_inv(balance=Decimal("40")), InvoiceStatus.PARTIALLY_PAID),
        (_inv(balance=Decimal("0")), InvoiceStatus.PAID),
        (_inv(due_date=dt.date(2026, 11, 24)), InvoiceStatus.OVERDUE),
        (_inv(voided=True, total=Decimal("0"), balance=Decimal("0")), InvoiceStatus.VOIDED),
        (_inv(deleted=True), InvoiceStatus.VOIDED),
    ],
    ids=["new", "need-to-send", "sent", "partial", "paid", "overdue", "voided", "deleted"],
)
def test_each_status(invoice: Invoice, expected: InvoiceStatus) -> None:
    """Each of the six states from its defining facts."""
    assert expected == invoice_status(invoice, today=TODAY)


def test_due_today_is_not_overdue() -> None:
    """An invoice due today is not yet overdue."""
    assert InvoiceStatus.AWAITING_SEND == invoice_status(_inv(due_date=TODAY), today=TODAY)


def test_no_due_date_is_never_overdue() -> None:
    """Without a due date there is nothing to be late for."""
    inv = _inv(due_date=None, email_status=EmailStatus.EMAIL_SENT)
    assert InvoiceStatus.SENT == invoice_status(inv, today=dt.date(2099, 1, 1))


def test_partly_paid_and_past_due_is_overdue() -> None:
    """Overdue outranks partially paid."""
    inv = _inv(balance=Decimal("10"), due_date=dt.date(2026, 1, 1))
    assert InvoiceStatus.OVERDUE == invoice_status(inv, today=TODAY)


def test_zero_total_is_not_paid() -> None:
    """A zero-total (not voided) invoice was never paid: it is awaiting send or sent."""
    inv = _inv(total=Decimal("0"), balance=Decimal("0"), due_date=dt.date(2020, 1, 1))
    assert InvoiceStatus.AWAITING_SEND == invoice_status(inv, today=TODAY)


def test_overpayment_reads_as_paid() -> None:
    """A negative balance on a positive total (over-payment) is paid."""
    assert InvoiceStatus.PAID == invoice_status(_inv(balance=Decimal("-5")), today=TODAY)


def test_credit_total_is_not_paid() -> None:
    """A negative total is a credit: sent or awaiting send, never paid."""
    inv = _inv(total=Decimal("-50"), balance=Decimal("-50"), email_status=EmailStatus.EMAIL_SENT)
    assert InvoiceStatus.SENT == invoice_status(inv, today=TODAY)


def test_balance_above_total_is_not_partially_paid() -> None:
    """A balance above the total is not 'partially paid'."""
    assert InvoiceStatus.AWAITING_SEND == invoice_status(_inv(balance=Decimal("150")), today=TODAY)


def test_today_must_be_a_date() -> None:
    """Passing an instant is a mistake: the caller must pick the company's calendar day."""
    with pytest.raises(TypeError, match="calendar date"):
        invoice_status(_inv(), today=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))


def test_status_now_uses_company_time_zone() -> None:
    """23:30 UTC on the due date is already the next day in Sydney: overdue there only."""
    inv = _inv(due_date=dt.date(2026, 6, 30))
    now = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.timezone.utc)
    sydney = CompanyProfile(
        realm_id="1", country="AU", home_currency="AUD", time_zone="Australia/Sydney"
    )
    la = CompanyProfile(
        realm_id="2", country="US", home_currency="USD", time_zone="America/Los_Angeles"
    )
    assert (InvoiceStatus.OVERDUE, InvoiceStatus.AWAITING_SEND) == (
        invoice_status_now(inv, profile=sydney, now=now),
        invoice_status_now(inv, profile=la, now=now),
    )


def test_labels() -> None:
    """Human labels match HubSpot's wording."""
    assert ["Awaiting send", "Sent to customer", "Partially paid", "Paid in full"] == [
        s.label
        for s in (
            InvoiceStatus.AWAITING_SEND,
            InvoiceStatus.SENT,
            InvoiceStatus.PARTIALLY_PAID,
            InvoiceStatus.PAID,
        )
    ]


@given(invoices(), dates)
def test_paid_is_never_overdue(invoice: Invoice, today: dt.date) -> None:
    """PAID and OVERDUE exclude each other: a paid invoice has no balance left to be late."""
    status = invoice_status(invoice, today=today)
    if status is InvoiceStatus.PAID:
        assert invoice.balance <= 0
    if status is InvoiceStatus.OVERDUE:
        assert invoice.balance > 0


@given(invoices(live=False), dates)
def test_voided_or_deleted_is_always_voided(invoice: Invoice, today: dt.date) -> None:
    """A voided or deleted invoice is VOIDED whatever its amounts: never PAID."""
    assert InvoiceStatus.VOIDED == invoice_status(invoice, today=today)


@given(invoices(live=True), dates)
def test_live_invoice_is_never_voided(invoice: Invoice, today: dt.date) -> None:
    """VOIDED comes only from the voided/deleted flags."""
    assert InvoiceStatus.VOIDED != invoice_status(invoice, today=today)


@given(invoices(live=True), dates, st.integers(min_value=1, max_value=400))
def test_time_only_moves_towards_overdue(invoice: Invoice, today: dt.date, days: int) -> None:
    """Once overdue, an unchanged invoice stays overdue as days pass."""
    later = today + dt.timedelta(days=days)
    if invoice_status(invoice, today=today) is InvoiceStatus.OVERDUE:
        assert InvoiceStatus.OVERDUE == invoice_status(invoice, today=later)


@given(invoices(live=True), dates)
def test_emailing_never_changes_a_payment_state(invoice: Invoice, today: dt.date) -> None:
    """Email status only decides between SENT and AWAITING_SEND."""
    before = invoice_status(invoice, today=today)
    after = invoice_status(attrs.evolve(invoice, email_status=EmailStatus.EMAIL_SENT), today=today)
    if before not in (InvoiceStatus.AWAITING_SEND, InvoiceStatus.SENT):
        assert before == after
    else:
        assert InvoiceStatus.SENT == after
