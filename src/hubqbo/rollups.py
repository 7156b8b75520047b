"""Deal roll-up: which invoice speaks for a deal, and the five deal properties it sets.

Why pure functions: the roll-up is recomputed whenever an invoice changes, is attached, or time
passes (an invoice becomes overdue). The rules — newest invoice wins, voided ones never win, a
foreign-currency winner writes nothing — must be the same in every code path.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from hubqbo.models import Invoice, Ref
    >>> inv = Invoice(id="130", customer=Ref("58", "Acme Ltd"), currency="USD",
    ...               doc_number="1037", total=Decimal("300"), balance=Decimal("300"),
    ...               due_date=dt.date(2026, 12, 1),
    ...               updated_at=dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc))
    >>> rollup = deal_rollup([inv], company_currency="USD", today=dt.date(2026, 11, 25))
    >>> rollup.to_properties()["qbo_invoice_status"]
    'awaiting_send'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from hubqbo.models import Invoice
from hubqbo.money import normalize_currency, optional_decimal
from hubqbo.status import InvoiceStatus, invoice_status

__all__ = [
    "DEFAULT_ROLLUP_PROPERTIES",
    "DealRollup",
    "RollupProperties",
    "deal_rollup",
    "pick_rollup_invoice",
    "rollup_candidates",
]

_EPOCH = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@attrs.frozen
class RollupProperties:
    """Names of the five HubSpot deal properties a roll-up writes (configurable).

    Example:
        >>> RollupProperties(status="invoice_state").status
        'invoice_state'
    """

    amount_billed: str = "qbo_invoice_amount_billed"
    recipient: str = "qbo_invoice_recipient"
    number: str = "qbo_invoice_number"
    status: str = "qbo_invoice_status"
    due_date: str = "qbo_invoice_due_date"

    def names(self) -> tuple[str, str, str, str, str]:
        """The five names in a fixed order."""
        return (self.amount_billed, self.recipient, self.number, self.status, self.due_date)


DEFAULT_ROLLUP_PROPERTIES = RollupProperties()


@attrs.frozen
class DealRollup:
    """The invoice facts rolled up onto a deal. All ``None`` means "clear the properties".

    Example:
        >>> DealRollup.empty().to_properties()["qbo_invoice_number"]
        ''
    """

    amount_billed: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    recipient: str | None = None
    number: str | None = None
    status: InvoiceStatus | None = None
    due_date: dt.date | None = None
    invoice_id: str | None = None
    """The QBO id of the invoice that won (not written to HubSpot)."""

    @classmethod
    def empty(cls) -> DealRollup:
        """A roll-up that clears every property (no live invoice remains)."""
        return cls()

    @property
    def is_empty(self) -> bool:
        """True when this roll-up clears the properties."""
        return self.invoice_id is None and self.status is None

    def to_properties(self, names: RollupProperties = DEFAULT_ROLLUP_PROPERTIES) -> dict[str, str]:
        """HubSpot property values: strings, dates ``YYYY-MM-DD``, plain decimals, ``""`` clears."""
        return {
            names.amount_billed: "" if self.amount_billed is None else _plain(self.amount_billed),
            names.recipient: self.recipient or "",
            names.number: self.number or "",
            names.status: "" if self.status is None else self.status.value,
            names.due_date: "" if self.due_date is None else self.due_date.isoformat(),
        }


def _plain(amount: Decimal) -> str:
    """A decimal as HubSpot expects a number: no exponent, no thousands separators."""
    text = format(amount, "f")
    return "0" if text in {"-0", "-0.0", "-0.00"} else text


def _id_key(invoice_id: str | None) -> tuple[int, str]:
    """Numeric-aware ordering of ids (``"10"`` after ``"9"``)."""
    text = invoice_id or ""
    return (len(text), text) if text.isdigit() else (-1, text)


def _sync_key(sync_token: str | None) -> int:
    return int(sync_token) if sync_token is not None and sync_token.isdigit() else -1


def _recency_key(invoice: Invoice) -> tuple[dt.datetime, dt.datetime, tuple[int, str], int, str]:
    """Newest first: last update, then creation, then id; the rest only to be total."""
    return (
        invoice.updated_at or _EPOCH,
        invoice.created_at or _EPOCH,
        _id_key(invoice.id),
        _sync_key(invoice.sync_token),
        repr(attrs.astuple(invoice)),  # every field: the short repr would not be total
    )


def pick_rollup_invoice(invoices: Iterable[Invoice]) -> Invoice | None:
    """The invoice that speaks for a deal: the most recently updated live one.

    Voided and deleted invoices never win. Ties on the update time are broken by creation time,
    then by id (numerically), so the answer never depends on input order. ``None`` when no live
    invoice is given.
    """
    live = [inv for inv in invoices if inv.is_live]
    return max(live, key=_recency_key) if live else None


def rollup_candidates(invoices: Iterable[Invoice], *, company_currency: str) -> list[Invoice]:
    """The invoices that may speak for a deal in a portal whose currency is ``company_currency``.

    An invoice in another currency never updates the deal. So when the deal has invoices
    in the portal's currency, the foreign ones are set aside and cannot stop those from updating
    it; when it has none, all are kept (and :func:`deal_rollup` then writes nothing if the
    winner is foreign). Services call ``deal_rollup(rollup_candidates(...), ...)``.

    Example:
        >>> from hubqbo.models import Ref
        >>> eur = Invoice(id="2", customer=Ref("1"), currency="EUR")
        >>> usd = Invoice(id="1", customer=Ref("1"), currency="USD")
        >>> [i.id for i in rollup_candidates([usd, eur], company_currency="usd")]
        ['1']
    """
    everything = list(invoices)
    currency = normalize_currency(company_currency)
    return [i for i in everything if i.currency == currency] or everything


def deal_rollup(
    invoices: Iterable[Invoice], *, company_currency: str, today: dt.date
) -> DealRollup | None:
    """The deal roll-up for ``invoices``.

    Returns:
        ``None`` when the winning invoice's currency differs from the HubSpot company currency
        (write nothing); :meth:`DealRollup.empty` when no live invoice remains (clear the
        properties); otherwise the winner's amount billed (its total), recipient (bill-to email,
        else the customer's display name), number, status on ``today`` and due date.
    """
    winner = pick_rollup_invoice(invoices)
    if winner is None:
        return DealRollup.empty()
    if winner.currency != normalize_currency(company_currency):
        return None
    return DealRollup(
        amount_billed=winner.total,
        recipient=winner.bill_email or winner.customer.name,
        number=winner.doc_number,
        status=invoice_status(winner, today=today),
        due_date=winner.due_date,
        invoice_id=winner.id,
    )
