"""How drafts, invoices and lists look in the terminal (rich, readable at 80 columns) and as
JSON (``--json``, for scripts).

Why here and not in ``hubqbo.invoices``: the library's ``str(draft)`` is plain text for logs and
notebooks; the command wants tables that wrap to the terminal, problems phrased as the command's
own options (``--item 3=ID``, not ``with_item(3, ...)``) and a stable JSON shape. Money is
printed as QBO computed it (``Decimal``), never as floats; JSON money values are strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hubqbo.invoices import InvoiceDraft, LinkedInvoice, Problem, ProblemCode

__all__ = [
    "cli_fix",
    "draft_json",
    "invoice_json",
    "print_draft",
    "print_invoice",
    "print_table",
]

_CLI_FIXES: dict[ProblemCode, str] = {
    ProblemCode.ITEM_NOT_FOUND: "choose the item with --item {line}=ITEM_ID, map the product "
    "(hubqbo mappings), or create the item in QuickBooks",
    ProblemCode.ITEM_AMBIGUOUS: "choose the item with --item {line}=ITEM_ID",
    ProblemCode.TAX_CODE_REQUIRED: "choose a tax code with --tax-code CODE_ID (every line) or "
    "--tax-code LINE=CODE_ID, or give the items a default tax code in QuickBooks",
    ProblemCode.TAX_CODE_UNKNOWN: "choose a tax code with --tax-code [LINE=]CODE_ID",
    ProblemCode.NO_CUSTOMER_MATCH: "pick a customer with --customer CUSTOMER_ID, or create one "
    "from the HubSpot data with --new-customer",
    ProblemCode.AMBIGUOUS_CUSTOMER: "pick one with --customer CUSTOMER_ID, or create a new "
    "customer with --new-customer",
    ProblemCode.SEVERAL_CONTACTS: "choose the contact billed with --contact CONTACT_ID",
    ProblemCode.MESSAGE_TOO_LONG: "shorten --message",
}


def cli_fix(problem: Problem) -> str:
    """What to do about ``problem`` with this command's options (else the library's advice).

    Example:
        >>> cli_fix(Problem(ProblemCode.ITEM_NOT_FOUND, "no item", fix="with_item(...)", line=3))
        ... # doctest: +ELLIPSIS
        'choose the item with --item 3=ITEM_ID, map the product (hubqbo mappings), or ...'
    """
    template = _CLI_FIXES.get(problem.code)
    if template is None:
        return problem.fix
    return template.format(line=problem.line if problem.line is not None else "LINE")


def _money(value: object) -> str:
    return f"{value:,}" if value is not None else ""


def _title(draft: InvoiceDraft) -> str:
    src = draft.source
    where = f"quote {src.quote_id} (deal {src.deal_id})" if src.quote_id else f"deal {src.deal_id}"
    company = draft.profile.company_name or draft.realm_id
    return f"Draft invoice from {where} for {company} ({draft.realm_id})"


def print_draft(console: Console, draft: InvoiceDraft) -> None:
    """The draft as a person reviews it: who is billed, the lines, totals, every problem."""
    console.print(f"[bold]{_title(draft)}[/bold]")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()
    if draft.company is not None or draft.contact is not None:
        buyer = ", ".join(
            x
            for x in (
                draft.company.name if draft.company else None,
                (draft.contact.full_name or draft.contact.email) if draft.contact else None,
            )
            if x
        )
        facts.add_row("HubSpot buyer", buyer)
    if draft.customer is not None:
        facts.add_row("Customer", f"{draft.customer.display_name} [{draft.customer.id}]")
    elif draft.new_customer is not None:
        facts.add_row("Customer", f"{draft.new_customer.display_name} (new: created with it)")
    else:
        facts.add_row("Customer", "(none chosen)")
    if draft.match is not None:
        facts.add_row("Match", draft.match.describe())
    due = draft.due_date.isoformat() if draft.due_date else "QuickBooks default"
    terms = draft.terms.name if draft.terms else "none"
    facts.add_row("Dates", f"{draft.txn_date.isoformat()}, terms {terms}, due {due}")
    if draft.message:
        facts.add_row("Message", draft.message)
    console.print(facts)
    lines = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    for name, justify in (
        ("#", "right"),
        ("HubSpot line", "left"),
        ("QuickBooks item", "left"),
        ("Qty", "right"),
        ("Price", "right"),
        ("Amount", "right"),
        ("Tax", "left"),
    ):
        lines.add_column(name, justify=justify)  # type: ignore[arg-type]
    for ln in draft.lines:
        item = f"{ln.item.name} [{ln.item.id}]" if ln.item else "[red]? not found[/red]"
        tax = draft.tax_code_for(ln)
        tax_name = (tax.name or _tax_name(draft, tax.value)) if tax else "-"
        lines.add_row(
            str(ln.number),
            (ln.source.name if ln.source else None) or ln.description or "fees",
            item,
            _plain(ln.quantity),
            _money(draft.unit_price_sent(ln)),
            _money(draft.amount_of(ln)),
            tax_name,
        )
    console.print(lines)
    if draft.discount_total:
        console.print(f"Discount: -{_money(draft.discount_total)} {draft.currency}")
    console.print(f"[bold]Total before tax: {_money(draft.total)} {draft.currency}[/bold]")
    problems = draft.problems()
    if not problems:
        console.print("[green]Ready to create.[/green]")
        return
    console.print(f"[bold red]{len(problems)} problem(s):[/bold red]")
    listed = Table.grid(padding=(0, 1))
    listed.add_column(justify="right", no_wrap=True)
    listed.add_column()
    for number, problem in enumerate(problems, start=1):
        text = Text(f"[{problem.code.value}] {problem.message}\nfix: {cli_fix(problem)}")
        if problem.candidates:
            shown = "; ".join(problem.candidates[:5])
            more = f" (+{len(problem.candidates) - 5} more)" if len(problem.candidates) > 5 else ""
            text.append(f"\nchoices: {shown}{more}")
        listed.add_row(f"{number}.", text)
    console.print(listed)


def _plain(value: object) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _tax_name(draft: InvoiceDraft, code_id: str) -> str:
    known = draft.catalog.tax_code(code_id)
    return known.name if known and known.name else code_id


def print_invoice(console: Console, linked: LinkedInvoice, *, verb: str = "") -> None:
    """One QuickBooks invoice in a few lines."""
    inv = linked.invoice
    head = f"Invoice {inv.doc_number or inv.id} (QuickBooks id {inv.id}, company {linked.realm_id})"
    console.print(f"[bold]{verb}{head}[/bold]: {linked.status.label}")
    customer = linked.customer.display_name if linked.customer else None
    if customer or inv.customer is not None:
        ref = inv.customer
        console.print(
            f"  customer: {customer or (ref.name if ref else '')} [{ref.value if ref else ''}]"
        )
    console.print(
        f"  total {_money(inv.total)} {inv.currency}, balance {_money(inv.balance)} {inv.currency}"
    )
    dates = f"  dated {inv.txn_date}" if inv.txn_date else ""
    if inv.due_date:
        dates += f", due {inv.due_date}"
    if dates:
        console.print(dates)
    if linked.crm_invoice_id or linked.deal_id:
        record, deal = linked.crm_invoice_id or "-", linked.deal_id or "-"
        console.print(f"  HubSpot: invoice record {record}, deal {deal}")


def print_table(
    console: Console,
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    keep: Sequence[str] = (),
) -> None:
    """A plain table that wraps within the terminal width; ``keep`` columns never wrap (ids)."""
    table = Table(
        title=title, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left", padding=(0, 1)
    )
    for column in columns:
        table.add_column(column, no_wrap=column in keep, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "code": problem.code.value,
        "message": problem.message,
        "fix": cli_fix(problem),
        "line": problem.line,
        "choices": list(problem.candidates),
    }


def draft_json(draft: InvoiceDraft) -> dict[str, Any]:
    """The draft as JSON (money as strings)."""
    customer = draft.customer or draft.new_customer
    return {
        "deal_id": draft.source.deal_id,
        "quote_id": draft.source.quote_id,
        "realm_id": draft.realm_id,
        "customer": None
        if customer is None
        else {"id": customer.id, "name": customer.display_name, "new": draft.customer is None},
        "currency": draft.currency,
        "txn_date": draft.txn_date.isoformat(),
        "due_date": draft.due_date.isoformat() if draft.due_date else None,
        "lines": [
            {
                "number": ln.number,
                "name": (ln.source.name if ln.source else None) or ln.description,
                "item_id": ln.item.id if ln.item else None,
                "item": ln.item.name if ln.item else None,
                "quantity": str(ln.quantity),
                "unit_price": str(draft.unit_price_sent(ln)),
                "amount": str(draft.amount_of(ln)),
                "tax_code": (t.value if (t := draft.tax_code_for(ln)) else None),
            }
            for ln in draft.lines
        ],
        "discount": str(draft.discount_total),
        "total_before_tax": str(draft.total),
        "problems": [_problem_json(p) for p in draft.problems()],
    }


def invoice_json(linked: LinkedInvoice) -> dict[str, Any]:
    """A QuickBooks invoice (and its HubSpot links) as JSON (money as strings)."""
    inv = linked.invoice
    return {
        "realm_id": linked.realm_id,
        "invoice_id": inv.id,
        "doc_number": inv.doc_number,
        "status": linked.status.value,
        "status_label": linked.status.label,
        "customer_id": inv.customer.value if inv.customer else None,
        "currency": inv.currency,
        "total": None if inv.total is None else str(inv.total),
        "balance": None if inv.balance is None else str(inv.balance),
        "txn_date": inv.txn_date.isoformat() if inv.txn_date else None,
        "due_date": inv.due_date.isoformat() if inv.due_date else None,
        "bill_email": inv.bill_email,
        "created": linked.created,
        "customer_created": linked.customer_created,
        "hubspot_invoice_id": linked.crm_invoice_id,
        "deal_id": linked.deal_id,
    }
