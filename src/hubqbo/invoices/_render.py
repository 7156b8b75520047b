"""Readable renderings of drafts and invoices: plain text for terminals, HTML for Jupyter.

Why separate: the draft and result classes stay about data; how they look for a person lives
here, in one place, so text and HTML show the same facts. HTML escapes every value.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from hubqbo.models import Invoice, Ref
    >>> from hubqbo.invoices._results import LinkedInvoice
    >>> from hubqbo.status import InvoiceStatus
    >>> print(invoice_text(LinkedInvoice(realm_id="1", status=InvoiceStatus.AWAITING_SEND,
    ...     invoice=Invoice(id="130", doc_number="1037", customer=Ref("58", "Acme"),
    ...     currency="USD", total=Decimal("300"), balance=Decimal("300")))))
    Invoice 1037 (QBO 130, realm 1) — Awaiting send
      customer: Acme [58]
      total 300 USD, balance 300 USD
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubqbo.invoices._draft import InvoiceDraft
    from hubqbo.invoices._results import LinkedInvoice

__all__ = ["draft_html", "draft_text", "invoice_html", "invoice_text"]


def _customer_line(draft: InvoiceDraft) -> str:
    if draft.customer is not None:
        c = draft.customer
        return f"{c.display_name or '(unnamed)'} [{c.id}] (existing)"
    if draft.new_customer is not None:
        return f"{draft.new_customer.display_name} (new, created on create())"
    return "(none chosen)"


def _buyer_line(draft: InvoiceDraft) -> str:
    parts = []
    if draft.company is not None:
        parts.append(f"company {draft.company.name} [{draft.company.id}]")
    if draft.contact is not None:
        who = draft.contact.full_name or draft.contact.email or ""
        parts.append(f"contact {who} [{draft.contact.id}]")
    if draft.contact_choices and draft.contact is None:
        parts.append(f"{len(draft.contact_choices)} contacts to choose from")
    return ", ".join(parts) or "(none)"


def _line_rows(draft: InvoiceDraft) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for ln in draft.lines:
        item = f"{ln.item.name} [{ln.item.id}]" if ln.item else "?"
        via = ln.resolution.via.value if ln.resolution.via and ln.item else "unresolved"
        tax = draft.tax_code_for(ln)
        rows.append(
            (
                str(ln.number),
                (ln.source.name if ln.source else None) or ln.description or "",
                f"{item} ({via})",
                str(ln.quantity),
                str(draft.unit_price_sent(ln)),
                str(draft.amount_of(ln)),
                _tax_label(draft, tax.value, tax.name) if tax else "-",
            )
        )
    return rows


def _tax_label(draft: InvoiceDraft, code_id: str, name: str | None) -> str:
    known = draft.catalog.tax_code(code_id)
    return name or (known.name if known else code_id)


_HEAD = ("#", "HubSpot line", "QBO item", "qty", "unit price", "amount", "tax")


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in (_HEAD, *rows)) for i in range(len(_HEAD))]
    fmt = "  ".join(f"{{:{'>' if i in (0, 3, 4, 5) else '<'}{w}}}" for i, w in enumerate(widths))
    return ["    " + fmt.format(*r).rstrip() for r in (_HEAD, *rows)]


def _title(draft: InvoiceDraft) -> str:
    src = draft.source
    where = f"quote {src.quote_id} on deal {src.deal_id}" if src.quote_id else f"deal {src.deal_id}"
    return f"Invoice draft from {where} → QBO company {draft.realm_id} ({draft.profile.country})"


def draft_text(draft: InvoiceDraft) -> str:
    """The draft as plain text: buyer, customer, lines, totals, dates, problems."""
    out = [_title(draft)]
    out.append(f"  buyer: {_buyer_line(draft)}")
    if draft.match is not None:
        out.append(f"  match: {draft.match.describe()}")
    out.append(f"  customer: {_customer_line(draft)}")
    due = draft.due_date.isoformat() if draft.due_date else "(QuickBooks default)"
    terms = draft.terms.name if draft.terms else "(none)"
    out.append(f"  date {draft.txn_date.isoformat()}, terms {terms}, due {due}")
    if draft.doc_number:
        out.append(f"  number: {draft.doc_number}")
    if draft.message:
        out.append(f"  message: {draft.message}")
    out.append("  lines:")
    out.extend(_table(_line_rows(draft)))
    if draft.discount_total:
        out.append(f"  discount: -{draft.discount_total} {draft.currency}")
    out.append(f"  total before tax: {draft.total} {draft.currency}")
    problems = draft.problems()
    if problems:
        out.append(f"  problems ({len(problems)}):")
        out.extend(f"    - [{p.code.value}] {p}" for p in problems)
    else:
        out.append("  ready to create")
    return "\n".join(out)


def _esc(value: object) -> str:
    return html.escape(str(value))


def draft_html(draft: InvoiceDraft) -> str:
    """The draft as an HTML fragment for Jupyter."""
    rows = "".join(
        "<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in _line_rows(draft)
    )
    head = "".join(f"<th>{_esc(h)}</th>" for h in _HEAD)
    problems = draft.problems()
    if problems:
        items = "".join(
            f"<li><code>{_esc(p.code.value)}</code> {_esc(p.message)}: <em>{_esc(p.fix)}</em>"
            + (f" <small>({_esc('; '.join(p.candidates))})</small>" if p.candidates else "")
            + "</li>"
            for p in problems
        )
        verdict = f"<p><b>{len(problems)} problem(s)</b></p><ul>{items}</ul>"
    else:
        verdict = "<p><b>Ready to create.</b></p>"
    due = draft.due_date.isoformat() if draft.due_date else "QuickBooks default"
    match = f"<br>Match: {_esc(draft.match.describe())}" if draft.match else ""
    return (
        f"<div class='hubqbo-draft'><h4>{_esc(_title(draft))}</h4>"
        f"<p>Buyer: {_esc(_buyer_line(draft))}{match}<br>"
        f"Customer: {_esc(_customer_line(draft))}<br>"
        f"Date {_esc(draft.txn_date.isoformat())}, terms "
        f"{_esc(draft.terms.name if draft.terms else 'none')}, due {_esc(due)}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<p>Discount: {_esc(draft.discount_total)} · Total before tax: "
        f"<b>{_esc(draft.total)} {_esc(draft.currency)}</b></p>{verdict}</div>"
    )


def invoice_text(linked: LinkedInvoice) -> str:
    """A linked invoice as plain text."""
    inv = linked.invoice
    number = inv.doc_number or "(no number)"
    out = [f"Invoice {number} (QBO {inv.id}, realm {linked.realm_id}) — {linked.status.label}"]
    customer = inv.customer.name or (linked.customer.display_name if linked.customer else None)
    out.append(f"  customer: {customer or '?'} [{inv.customer.value}]")
    out.append(f"  total {inv.total} {inv.currency}, balance {inv.balance} {inv.currency}")
    if inv.txn_date or inv.due_date:
        out.append(
            f"  dated {inv.txn_date.isoformat() if inv.txn_date else '?'}, due "
            f"{inv.due_date.isoformat() if inv.due_date else '?'}"
        )
    if linked.crm_invoice_id:
        deal = f", deal {linked.deal_id}" if linked.deal_id else ""
        out.append(f"  HubSpot invoice record {linked.crm_invoice_id}{deal}")
    if linked.created is False:
        out.append("  (an earlier attempt made it: returned, not created again)")
    return "\n".join(out)


def invoice_html(linked: LinkedInvoice) -> str:
    """A linked invoice as an HTML fragment for Jupyter."""
    body = "<br>".join(_esc(line.strip()) for line in invoice_text(linked).splitlines()[1:])
    first = invoice_text(linked).splitlines()[0]
    return f"<div class='hubqbo-invoice'><b>{_esc(first)}</b><br>{body}</div>"
