"""The daily sweep: invoices whose status changes with the date alone (becoming overdue).

Why: nothing changes in QuickBooks when an unpaid invoice passes its due date, so no webhook
and no change-feed entry ever says so; yet hubqbo's status of that invoice, its deal's
roll-up and the ``invoice_became_overdue`` event must follow. The sweep finds those invoices
from the state store alone — each link's base snapshot holds the status, due date and
balance HubSpot was last given — so nothing that did not change is read again. It marks only
them dirty and runs the engine, which re-reads just them, writes their new status, puts the
events in the outbox in the same transaction and refreshes their deals' roll-ups with
``InvoiceBuilder.refresh_deal``: the status rules (``hubqbo.status``), roll-ups
(``hubqbo.rollups``) and events (``invoice_events``) are the ones every other path uses, and
it all happens under the tenant's lease, in one run of its run history.

Run it once a day per QBO company, after midnight in the company's time zone (the workers
run it hourly for every tenant: a sweep costs one store read, and reads the company's profile
— its time zone — only when some invoice could be due by then in some time zone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from hubqbo.invoices import InvoiceProperties
from hubqbo.protocols import Link
from hubqbo.status import InvoiceStatus
from hubqbo.sync._apply import decode_base
from hubqbo.sync._result import SyncResult

__all__ = ["DUE_DATE_PROPERTY", "SweepResult", "due_by_date", "latest_date"]

DUE_DATE_PROPERTY = "hs_due_date"
"""HubSpot's invoice due-date property, as the sync writes it (from QBO's ``DueDate``)."""

# Statuses the date alone can turn into OVERDUE (invoice_status: a live invoice with an
# open balance past its due date). Paid, voided and overdue invoices stay as they are.
_OPEN = frozenset(
    s.value for s in (InvoiceStatus.AWAITING_SEND, InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)
)


def _positive(text: str | None) -> bool:
    try:
        return float(text or "0") > 0
    except ValueError:
        return False


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def latest_date(now: dt.datetime) -> dt.date:
    """The latest calendar date anywhere on Earth at ``now`` (UTC+14, Kiribati): nothing is
    due in any company before it, so a sweep can skip the company's profile read.

    Example:
        >>> latest_date(dt.datetime(2026, 12, 1, 9, 59, tzinfo=dt.timezone.utc))
        datetime.date(2026, 12, 1)
        >>> latest_date(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc))
        datetime.date(2026, 12, 2)
    """
    return (now.astimezone(dt.timezone.utc) + dt.timedelta(hours=14)).date()


def due_by_date(
    links: Iterable[Link], *, today: dt.date, names: InvoiceProperties | None = None
) -> list[str]:
    """QBO ids of the linked invoices whose status ``today`` differs from what HubSpot was
    last given only because of the date: open (awaiting send, sent, partially paid), with a
    balance, and due before ``today`` (the company's calendar day). Reads nothing but the
    links' base snapshots.

    Example:
        >>> import json
        >>> base = json.dumps({"hubqbo_invoice_status": "sent", "hs_due_date": "2026-12-01",
        ...                    "qbo_invoice_balance": "100.00"})
        >>> link = Link(kind="invoice", qbo_id="130", hubspot_id="9", base=base)
        >>> due_by_date([link], today=dt.date(2026, 12, 2)), due_by_date([link],
        ...     today=dt.date(2026, 12, 1))
        (['130'], [])
    """
    props = names or InvoiceProperties()
    out = []
    for link in links:
        base = decode_base(link.base)
        due = _date(base.get(DUE_DATE_PROPERTY))
        if (
            base.get(props.status) in _OPEN
            and _positive(base.get(props.balance))
            and due is not None
            and due < today
        ):
            out.append(link.qbo_id)
    return out


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class SweepResult:
    """What ``SyncEngine.sweep()`` found and did.

    Attributes:
        tenant: the tenant.
        today: the QBO company's calendar day the statuses were judged on (``None``: no
            invoice could be due in any time zone, so the company was not asked).
        due: QBO ids of the invoices the date alone changed (marked dirty and re-read).
        result: the engine run that wrote them (``None`` when nothing was due: no run).

    Example:
        >>> print(SweepResult(tenant="acme", today=dt.date(2026, 12, 2), due=()))
        Sweep of tenant 'acme' on 2026-12-02: nothing due
    """

    tenant: str
    today: dt.date | None
    due: tuple[str, ...] = attrs.field(converter=_ids)
    result: SyncResult | None = None

    @property
    def ok(self) -> bool:
        """True when nothing was due or the run wrote everything."""
        return self.result is None or self.result.ok

    def __str__(self) -> str:
        day = self.today.isoformat() if self.today else "any day"
        head = f"Sweep of tenant {self.tenant!r} on {day}"
        if not self.due:
            return f"{head}: nothing due"
        lines = [f"{head}: {len(self.due)} invoice(s) due by date"]
        if self.result is not None:
            lines.append(str(self.result))
        return "\n".join(lines)
