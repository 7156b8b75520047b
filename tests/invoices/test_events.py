"""Events for workflows (C4): what changed between HubSpot's last knowledge and QBO now."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hubqbo import Invoice, InvoiceStatus, Ref
from hubqbo.invoices import (
    DealRollupChanged,
    InvoiceBecameOverdue,
    InvoicePaid,
    InvoiceSent,
    InvoiceVoided,
    PaymentReceived,
    invoice_events,
)


def inv(balance: str, *, voided: bool = False) -> Invoice:
    return Invoice(
        id="130",
        doc_number="1037",
        customer=Ref("58"),
        currency="USD",
        total=Decimal("300"),
        balance=Decimal(balance),
        due_date=dt.date(2026, 12, 1),
        voided=voided,
    )


def kinds(
    invoice: Invoice, prev: InvoiceStatus | None, prev_balance: str | None, now: InvoiceStatus
) -> list[str]:
    return [
        e.kind
        for e in invoice_events(
            invoice,
            realm_id="1",
            deal_id="7",
            previous_status=prev,
            previous_balance=None if prev_balance is None else Decimal(prev_balance),
            status=now,
        )
    ]


@pytest.mark.parametrize(
    ("balance", "prev", "prev_balance", "now", "expected"),
    [
        ("100", InvoiceStatus.SENT, "300", InvoiceStatus.PARTIALLY_PAID, ["payment_received"]),
        (
            "0",
            InvoiceStatus.PARTIALLY_PAID,
            "100",
            InvoiceStatus.PAID,
            ["payment_received", "invoice_paid"],
        ),
        ("300", InvoiceStatus.SENT, "300", InvoiceStatus.OVERDUE, ["invoice_became_overdue"]),
        ("300", InvoiceStatus.OVERDUE, "300", InvoiceStatus.OVERDUE, []),
        ("300", InvoiceStatus.AWAITING_SEND, "300", InvoiceStatus.SENT, ["invoice_sent"]),
        ("300", None, None, InvoiceStatus.OVERDUE, []),
        ("200", InvoiceStatus.OVERDUE, "300", InvoiceStatus.OVERDUE, ["payment_received"]),
    ],
)
def test_events_from_status_and_balance_changes(
    balance: str,
    prev: InvoiceStatus | None,
    prev_balance: str | None,
    now: InvoiceStatus,
    expected: list[str],
) -> None:
    """Each change is reported once; nothing for an invoice seen for the first time."""
    assert expected == kinds(inv(balance), prev, prev_balance, now)


def test_voiding_is_not_a_payment() -> None:
    """QBO voids by zeroing the balance: that is InvoiceVoided, never PaymentReceived."""
    events = invoice_events(
        inv("0", voided=True),
        realm_id="1",
        deal_id="7",
        previous_status=InvoiceStatus.SENT,
        previous_balance=Decimal("300"),
        status=InvoiceStatus.VOIDED,
    )
    assert [InvoiceVoided(realm_id="1", invoice_id="130", deal_id="7", doc_number="1037")] == events


def test_payment_event_carries_amount_and_balance() -> None:
    """PaymentReceived says how much arrived and what is left."""
    [event] = invoice_events(
        inv("120"),
        realm_id="1",
        deal_id="7",
        previous_status=InvoiceStatus.SENT,
        previous_balance=Decimal("300"),
        status=InvoiceStatus.PARTIALLY_PAID,
    )
    assert isinstance(event, PaymentReceived)
    assert (Decimal("180"), Decimal("120"), "USD") == (event.amount, event.balance, event.currency)


def test_overdue_event_carries_due_date() -> None:
    """InvoiceBecameOverdue carries the due date and the open balance."""
    [event] = invoice_events(
        inv("300"),
        realm_id="1",
        deal_id="7",
        previous_status=InvoiceStatus.SENT,
        previous_balance=Decimal("300"),
        status=InvoiceStatus.OVERDUE,
    )
    assert (
        InvoiceBecameOverdue(
            realm_id="1",
            invoice_id="130",
            deal_id="7",
            doc_number="1037",
            due_date=dt.date(2026, 12, 1),
            balance=Decimal("300"),
        )
        == event
    )
    assert not isinstance(event, (InvoicePaid, InvoiceSent))


def test_rollup_changed_lists_changed_properties() -> None:
    """DealRollupChanged names exactly the properties whose value changed."""
    e = DealRollupChanged(
        deal_id="7", before={"a": "1", "b": "x"}, after={"a": "1", "b": "y", "c": "z"}
    )
    assert ("b", "c") == e.changed
