"""What the builder returns: linked invoices, and typed events for workflows.

Why events as data: a workflow ("follow up when an invoice becomes overdue", "thank the
customer when a payment arrives") must fire once per change, whichever process noticed it.
``refresh_deal`` compares what HubSpot last knew (the invoice record's status and balance, and
the deal's roll-up) with what QBO says now; :func:`invoice_events` is that comparison, pure.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from hubqbo.models import Invoice, Ref
    >>> inv = Invoice(id="130", customer=Ref("58"), currency="USD", total=Decimal("300"),
    ...               balance=Decimal("0"))
    >>> [type(e).__name__ for e in invoice_events(
    ...     inv, realm_id="1", deal_id="7", previous_status=InvoiceStatus.SENT,
    ...     previous_balance=Decimal("300"), status=InvoiceStatus.PAID)]
    ['PaymentReceived', 'InvoicePaid']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from hubqbo._display import Displayed, summary
from hubqbo.models import Customer, Invoice
from hubqbo.rollups import DealRollup
from hubqbo.status import InvoiceStatus

__all__ = [
    "DealRollupChanged",
    "InvoiceBecameOverdue",
    "InvoiceEvent",
    "InvoicePaid",
    "InvoiceSent",
    "InvoiceVoided",
    "LinkedInvoice",
    "PaymentReceived",
    "invoice_events",
]


@attrs.frozen(repr=False)
class LinkedInvoice(Displayed):
    """A QBO invoice and the HubSpot invoice record that mirrors it.

    Attributes:
        realm_id: the QBO company.
        invoice: the QBO invoice as QBO returned it.
        status: hubqbo's six-state status on the company's calendar day.
        crm_invoice_id: the HubSpot invoice object's id.
        deal_id: the deal it is associated with, if any.
        created: ``True`` when this call made it; ``False`` when an earlier attempt had
            already made it (idempotent replay); ``None`` for invoices hubqbo did not make
            (found by a search, attached).
        customer: the QBO customer billed.
        customer_created: ``True`` when this call created the customer.
        rollup: the deal roll-up written (``None`` when nothing was written).

    Example:
        >>> from decimal import Decimal
        >>> from hubqbo.models import Ref
        >>> li = LinkedInvoice(realm_id="1", invoice=Invoice(id="130", customer=Ref("58"),
        ...     currency="USD", total=Decimal(300), balance=Decimal(300)),
        ...     status=InvoiceStatus.AWAITING_SEND)
        >>> li.status.label
        'Awaiting send'
    """

    realm_id: str
    invoice: Invoice
    status: InvoiceStatus
    crm_invoice_id: str | None = None
    deal_id: str | None = None
    created: bool | None = True
    customer: Customer | None = None
    customer_created: bool = False
    rollup: DealRollup | None = None

    @property
    def ref(self) -> str:
        """``realm:invoice id``, the value of HubSpot's unique QBO-reference property."""
        return qbo_ref(self.realm_id, self.invoice.id or "")

    def to_dict(self) -> dict[str, Any]:
        """One flat row: the invoice's numbers, its status and its HubSpot links (for pandas)."""
        inv = self.invoice
        return {
            "realm_id": self.realm_id,
            "invoice_id": inv.id,
            "doc_number": inv.doc_number,
            "customer": inv.customer.name or inv.customer.value,
            "status": self.status.value,
            "total": inv.total,
            "balance": inv.balance,
            "currency": inv.currency,
            "txn_date": inv.txn_date,
            "due_date": inv.due_date,
            "crm_invoice_id": self.crm_invoice_id,
            "deal_id": self.deal_id,
        }

    def __repr__(self) -> str:
        row = self.to_dict()
        row["status"] = self.status.label
        keys = ("doc_number", "status", "total", "currency", "realm_id", "invoice_id")
        return summary("LinkedInvoice", [(k, row[k]) for k in (*keys, "deal_id")])

    def to_text(self) -> str:
        """A readable plain-text rendering."""
        from hubqbo.invoices._render import invoice_text

        return invoice_text(self)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        from hubqbo.invoices._render import invoice_html

        return invoice_html(self)


def qbo_ref(realm_id: str, invoice_id: str) -> str:
    """The unique reference of a QBO invoice across realms (ids are unique per realm only)."""
    return f"{realm_id}:{invoice_id}"


# --------------------------------------------------------------------------- events


@attrs.frozen(kw_only=True)
class InvoiceEvent:
    """Something that happened to an invoice, found by ``refresh_deal``.

    Example:
        >>> InvoicePaid(realm_id="1", invoice_id="130", deal_id="7").kind
        'invoice_paid'
    """

    realm_id: str
    invoice_id: str
    deal_id: str | None = None
    doc_number: str | None = None
    kind: str = attrs.field(init=False, default="invoice_event")


@attrs.frozen(kw_only=True)
class InvoiceBecameOverdue(InvoiceEvent):
    """The invoice passed its due date unpaid."""

    due_date: dt.date | None = None
    balance: Decimal = Decimal(0)
    kind: str = attrs.field(init=False, default="invoice_became_overdue")


@attrs.frozen(kw_only=True)
class PaymentReceived(InvoiceEvent):
    """Money arrived: the balance went down by ``amount``."""

    amount: Decimal = Decimal(0)
    currency: str = ""
    balance: Decimal = Decimal(0)
    kind: str = attrs.field(init=False, default="payment_received")


@attrs.frozen(kw_only=True)
class InvoicePaid(InvoiceEvent):
    """The invoice is paid in full."""

    kind: str = attrs.field(init=False, default="invoice_paid")


@attrs.frozen(kw_only=True)
class InvoiceSent(InvoiceEvent):
    """The invoice was emailed from QBO."""

    kind: str = attrs.field(init=False, default="invoice_sent")


@attrs.frozen(kw_only=True)
class InvoiceVoided(InvoiceEvent):
    """The invoice was voided or deleted in QBO."""

    kind: str = attrs.field(init=False, default="invoice_voided")


@attrs.frozen(kw_only=True)
class DealRollupChanged:
    """The deal's roll-up properties changed (``before`` and ``after`` as written strings).

    Example:
        >>> DealRollupChanged(deal_id="7", before={}, after={"qbo_invoice_status": "paid"}
        ...                   ).changed
        ('qbo_invoice_status',)
    """

    deal_id: str
    before: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    after: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    kind: str = attrs.field(init=False, default="deal_rollup_changed")

    @property
    def changed(self) -> tuple[str, ...]:
        """The property names whose value changed, sorted."""
        keys = set(self.before) | set(self.after)
        return tuple(sorted(k for k in keys if self.before.get(k, "") != self.after.get(k, "")))


def invoice_events(
    invoice: Invoice,
    *,
    realm_id: str,
    deal_id: str | None,
    previous_status: InvoiceStatus | None,
    previous_balance: Decimal | None,
    status: InvoiceStatus,
) -> list[InvoiceEvent]:
    """The events between what HubSpot last knew of an invoice and its state now.

    Nothing is reported for an invoice seen for the first time (``previous_status`` ``None``):
    there is no change to report. A lower balance is a payment (unless the invoice was voided,
    which zeroes it); reaching paid, overdue, sent or voided is reported once.
    """
    if previous_status is None:
        return []
    common = {
        "realm_id": realm_id,
        "invoice_id": invoice.id or "",
        "deal_id": deal_id,
        "doc_number": invoice.doc_number,
    }
    events: list[InvoiceEvent] = []
    if status is InvoiceStatus.VOIDED:
        if previous_status is not InvoiceStatus.VOIDED:
            events.append(InvoiceVoided(**common))  # type: ignore[arg-type]
        return events
    if previous_balance is not None and invoice.balance < previous_balance:
        events.append(
            PaymentReceived(
                **common,  # type: ignore[arg-type]
                amount=previous_balance - invoice.balance,
                currency=invoice.currency,
                balance=invoice.balance,
            )
        )
    if status is InvoiceStatus.PAID and previous_status is not InvoiceStatus.PAID:
        events.append(InvoicePaid(**common))  # type: ignore[arg-type]
    if status is InvoiceStatus.OVERDUE and previous_status is not InvoiceStatus.OVERDUE:
        events.append(
            InvoiceBecameOverdue(
                **common,  # type: ignore[arg-type]
                due_date=invoice.due_date,
                balance=invoice.balance,
            )
        )
    if status is InvoiceStatus.SENT and previous_status is InvoiceStatus.AWAITING_SEND:
        events.append(InvoiceSent(**common))  # type: ignore[arg-type]
    return events
