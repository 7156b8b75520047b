"""Invoice status: the five states HubSpot's integration shows, plus ``VOIDED``.

Why a pure function: QBO sends no usable status on an invoice (``invoiceStatus`` exists in the
2026 schema but was never seen in a response), so the status is derived from amounts, dates and
the email status — the same way everywhere (deal roll-ups, sync, events, reports).

Rules, first match wins (``today`` is the calendar date in the QBO company's time zone):

1. voided or deleted → ``VOIDED`` (QBO voids by zeroing the amounts: never "paid");
2. ``balance <= 0`` and ``total > 0`` → ``PAID`` (an over-payment, i.e. a negative balance,
   still reads as paid);
3. ``balance > 0`` and a due date strictly before ``today`` → ``OVERDUE`` (due *today* is not
   overdue; an invoice without a due date is never overdue; a partly paid invoice past its due
   date is overdue);
4. ``0 < balance < total`` → ``PARTIALLY_PAID``;
5. emailed (``EmailStatus`` ``EmailSent``) → ``SENT``;
6. otherwise → ``AWAITING_SEND``.

Edge cases that follow: a zero-total invoice is never paid nor overdue — it is ``SENT`` or
``AWAITING_SEND``; a credit (negative total) likewise; a balance above the total (odd, but
possible after edits) is not "partially paid".

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from hubqbo.models import Invoice, Ref
    >>> inv = Invoice(customer=Ref("1"), currency="USD", total=Decimal("100"),
    ...               balance=Decimal("40"), due_date=dt.date(2026, 11, 1))
    >>> invoice_status(inv, today=dt.date(2026, 11, 2))
    <InvoiceStatus.OVERDUE: 'overdue'>
"""

from __future__ import annotations

import datetime as dt
import enum

from hubqbo.models import CompanyProfile, EmailStatus, Invoice

__all__ = ["InvoiceStatus", "invoice_status", "invoice_status_now"]


class InvoiceStatus(str, enum.Enum):
    """hubqbo's invoice status. Values are stable strings (used as HubSpot enumeration values).

    Example:
        >>> (InvoiceStatus.PAID.value, InvoiceStatus.PAID.label)
        ('paid', 'Paid in full')
        >>> InvoiceStatus("awaiting_send").label
        'Awaiting send'
    """

    AWAITING_SEND = "awaiting_send"
    SENT = "sent"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        """The human label HubSpot shows (e.g. ``"Awaiting send"``)."""
        return _LABELS[self]


_LABELS = {
    InvoiceStatus.AWAITING_SEND: "Awaiting send",
    InvoiceStatus.SENT: "Sent to customer",
    InvoiceStatus.PARTIALLY_PAID: "Partially paid",
    InvoiceStatus.PAID: "Paid in full",
    InvoiceStatus.OVERDUE: "Overdue",
    InvoiceStatus.VOIDED: "Voided",
}


def invoice_status(invoice: Invoice, *, today: dt.date) -> InvoiceStatus:
    """The status of ``invoice`` on the calendar day ``today`` (see the module rules)."""
    if isinstance(today, dt.datetime):
        raise TypeError("today must be a calendar date; use invoice_status_now for instants")
    if not invoice.is_live:
        return InvoiceStatus.VOIDED
    if invoice.total > 0 and invoice.balance <= 0:
        return InvoiceStatus.PAID
    if invoice.balance > 0 and invoice.due_date is not None and invoice.due_date < today:
        return InvoiceStatus.OVERDUE
    if 0 < invoice.balance < invoice.total:
        return InvoiceStatus.PARTIALLY_PAID
    if invoice.email_status is EmailStatus.EMAIL_SENT:
        return InvoiceStatus.SENT
    return InvoiceStatus.AWAITING_SEND


def invoice_status_now(
    invoice: Invoice, *, profile: CompanyProfile, now: dt.datetime
) -> InvoiceStatus:
    """The status at instant ``now`` (aware), judged on the company's local calendar day."""
    return invoice_status(invoice, today=profile.today(now))
