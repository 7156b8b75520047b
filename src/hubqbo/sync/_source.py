"""QBO records as the planner sees them: mapped HubSpot values, bad data, how they left.

Why one place: every value the engine writes comes from here, and bad data (an e-mail HubSpot
would refuse, several e-mails in one QBO field, a missing name, a value that does not fit) is
found here — before any write — and reported per record in the plan.

The values come from the object's mapping (``Mapper``); the default mappers follow HubSpot's
integration's default field mappings for contacts and products, and hubqbo's own invoice
properties (shared with ``InvoiceBuilder``).

Example:
    >>> from hubqbo.models import Customer
    >>> rec = contact_record(Customer(id="58", sync_token="0", display_name="Ann Lee",
    ...                               given_name="Ann", email="ann@a.example, bo@a.example"),
    ...                      realm_id="1", settings=ObjectSync())
    >>> rec.problems
    ('several e-mail addresses in one QBO field: ann@a.example, bo@a.example',)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from hubqbo.invoices import InvoiceProperties
from hubqbo.mapping import Direction, MappingSet, map_record
from hubqbo.models import Customer, Invoice, Item, ItemType, LineDetailType
from hubqbo.status import invoice_status
from hubqbo.sync._config import ObjectKind, ObjectSync
from hubqbo.sync._intuit import intuit_fields
from hubqbo.sync._plan import Gone, SourceRecord, association_key

__all__ = [
    "Mapper",
    "contact_record",
    "contact_values",
    "invoice_record",
    "invoice_values",
    "line_item_records",
    "mapping_mapper",
    "product_record",
    "product_values",
]

Mapper = Callable[[object], tuple[dict[str, str], list[str]]]
"""A QBO record -> (HubSpot property values as strings, problems)."""

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_MAX_TEXT = 65_536
"""HubSpot's limit on a single-line or multi-line text property value (characters)."""


def _plain(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    text = format(amount, "f")
    return "0" if text in {"-0", "-0.0", "-0.00"} else text


def _text(value: str | None) -> str:
    return (value or "").strip()


def _email_problems(raw: str | None) -> tuple[str, list[str]]:
    """The e-mail to write and what is wrong with it (HubSpot refuses an invalid address)."""
    text = _text(raw)
    if not text:
        return "", []
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    if len(parts) > 1:
        return "", [f"several e-mail addresses in one QBO field: {', '.join(parts)}"]
    if not _EMAIL.match(text):
        return "", [f"an e-mail HubSpot would refuse: {text!r}"]
    return text.lower(), []


def _too_long(values: Mapping[str, str]) -> list[str]:
    return [
        f"{name} is {len(v)} characters, more than HubSpot's {_MAX_TEXT}"
        for name, v in values.items()
        if len(v) > _MAX_TEXT
    ]


def contact_values(record: object) -> tuple[dict[str, str], list[str]]:
    """Default contact mapping (HubSpot's integration: name, e-mail, phone, company, billing
    address)."""
    if not isinstance(record, Customer):
        raise TypeError(f"expected a Customer, got {type(record).__name__}")
    email, problems = _email_problems(record.email)
    first, last = _text(record.given_name), _text(record.family_name)
    if not (first or last or email):
        display = _text(record.display_name)
        if not display:
            problems.append("no name and no e-mail: HubSpot would show an empty contact")
        first = display
    address = record.billing_address
    values = {
        "email": email,
        "firstname": first,
        "lastname": last,
        "company": _text(record.company_name),
        "phone": _text(record.phone),
        "address": ", ".join(x for x in (address.lines if address else ()) if x),
        "city": _text(address.city if address else None),
        "state": _text(address.region if address else None),
        "zip": _text(address.postal_code if address else None),
        "country": _text(address.country if address else None),
    }
    problems += _too_long(values)
    return values, problems


def product_values(record: object) -> tuple[dict[str, str], list[str]]:
    """Default product mapping (HubSpot's integration: name, SKU, unit price, description)."""
    if not isinstance(record, Item):
        raise TypeError(f"expected a Item, got {type(record).__name__}")
    problems: list[str] = []
    name = _text(record.name)
    if not name:
        problems.append("no name: HubSpot requires a product name")
    values = {
        "name": name,
        "hs_sku": _text(record.sku),
        "price": _plain(record.unit_price),
        "description": _text(record.description),
    }
    problems += _too_long(values)
    return values, problems


_INVOICE_PROPS = InvoiceProperties()


def invoice_values(
    record: object,
    *,
    realm_id: str,
    today: dt.date,
    names: InvoiceProperties = _INVOICE_PROPS,
    mapper: Mapper | None = None,
) -> tuple[dict[str, str], list[str]]:
    """hubqbo's invoice properties (as ``InvoiceBuilder`` writes them): the mapped fields
    (``mapper``; by default number, total, balance, dates and currency) plus the computed
    ones no QBO field holds: the status on the QBO company's calendar day, the realm, and
    ``hs_invoice_billable=false`` (QBO bills it, HubSpot only tracks it)."""
    if not isinstance(record, Invoice):
        raise TypeError(f"expected a Invoice, got {type(record).__name__}")
    problems: list[str] = []
    if mapper is not None:
        values, problems = mapper(record)
    else:
        values = {
            "hs_currency": record.currency,
            "hs_invoice_date": record.txn_date.isoformat() if record.txn_date else "",
            "hs_due_date": record.due_date.isoformat() if record.due_date else "",
            names.number: record.doc_number or "",
            names.total: _plain(record.total),
            names.balance: _plain(record.balance),
        }
    values["hs_invoice_billable"] = "false"
    values[names.status] = invoice_status(record, today=today).value
    values[names.realm] = realm_id
    return values, problems


def contact_record(
    customer: Customer | None,
    *,
    realm_id: str,
    settings: ObjectSync,
    qbo_id: str | None = None,
    mapper: Mapper = contact_values,
) -> SourceRecord:
    """A customer as a contact record (``None``: deleted, e.g. merged away)."""
    del realm_id
    if customer is None:
        return SourceRecord(ObjectKind.CONTACTS, qbo_id or "", "deleted", gone=Gone.DELETED)
    values, problems = mapper(customer)
    return SourceRecord(
        kind=ObjectKind.CONTACTS,
        qbo_id=customer.id or "",
        version=customer.sync_token or "",
        values=values,
        problems=tuple(problems),
        gone=None if customer.active else Gone.INACTIVE,
        parent_id=customer.parent_id,
        eligible=settings.filter(customer),
        label=customer.display_name or "",
    )


def product_record(
    item: Item | None,
    *,
    settings: ObjectSync,
    qbo_id: str | None = None,
    mapper: Mapper = product_values,
) -> SourceRecord:
    """An item as a product record (categories are never products)."""
    if item is None:
        return SourceRecord(ObjectKind.PRODUCTS, qbo_id or "", "deleted", gone=Gone.DELETED)
    values, problems = mapper(item)
    return SourceRecord(
        kind=ObjectKind.PRODUCTS,
        qbo_id=item.id or "",
        version=item.sync_token or "",
        values=values,
        problems=tuple(problems),
        gone=None if item.active else Gone.INACTIVE,
        eligible=item.type is not ItemType.CATEGORY and settings.filter(item),
        label=item.name or "",
    )


def invoice_record(
    invoice: Invoice | None,
    *,
    realm_id: str,
    today: dt.date,
    settings: ObjectSync,
    contact_of: Callable[[str], str],
    qbo_id: str | None = None,
    mapper: Mapper | None = None,
) -> SourceRecord:
    """An invoice as an invoice record; ``contact_of`` maps its customer to the customer
    whose contact it belongs to (a sub-customer's parent, when sub-customers are synced)."""
    if invoice is None:
        return SourceRecord(ObjectKind.INVOICES, qbo_id or "", "deleted", gone=Gone.DELETED)
    values, problems = invoice_values(invoice, realm_id=realm_id, today=today, mapper=mapper)
    if invoice.customer.value:
        values[association_key(ObjectKind.CONTACTS)] = contact_of(invoice.customer.value)
    return SourceRecord(
        kind=ObjectKind.INVOICES,
        qbo_id=invoice.id or "",
        version=invoice.sync_token or "",
        values=values,
        problems=tuple(problems),
        gone=Gone.VOIDED if invoice.voided else None,
        eligible=settings.filter(invoice),
        label=invoice.doc_number or invoice.id or "",
    )


def line_item_records(
    invoice: Invoice, *, item_names: Mapping[str, str] | None = None
) -> list[SourceRecord]:
    """The invoice's sales lines as HubSpot line items on it (``@invoices`` association):
    name, quantity and unit price (HubSpot computes the amount). Discount, subtotal and
    description-only lines have no HubSpot line item: hubqbo's own total property carries
    QBO's total.
    """
    names = item_names or {}
    out = []
    for number, line in enumerate(invoice.lines, start=1):
        if line.detail_type is not LineDetailType.SALES_ITEM:
            continue
        item_id = line.item.value if line.item else ""
        name = (line.item.name if line.item and line.item.name else names.get(item_id)) or (
            line.description or f"Line {number}"
        )
        problems = []
        if line.unit_price is not None and line.unit_price < 0:
            problems.append("a negative unit price: HubSpot refuses it")
        values = {
            "name": name[:_MAX_TEXT],
            "quantity": _plain(line.quantity if line.quantity is not None else Decimal(1)),
            "price": _plain(line.unit_price if line.unit_price is not None else line.amount),
            "description": _text(line.description),
            "hs_line_item_currency_code": invoice.currency,
            association_key(ObjectKind.INVOICES): invoice.id or "",
        }
        out.append(
            SourceRecord(
                kind=ObjectKind.LINE_ITEMS,
                qbo_id=f"{invoice.id}.{line.id or number}",
                version=invoice.sync_token or "",
                values=values,
                problems=tuple(problems),
                label=f"{invoice.doc_number or invoice.id} / {name}",
            )
        )
    return out


def mapping_mapper(
    mapping_set: MappingSet,
    *,
    qbo_time_zone: str | None = None,
    hubspot_time_zone: str | None = None,
    also: Mapper | None = None,
) -> Mapper:
    """A mapper that writes what ``mapping_set`` says (QBO -> HubSpot), each value that does
    not fit reported as bad data; ``also`` adds the engine's own checks (a missing name)."""

    def mapper(record: object) -> tuple[dict[str, str], list[str]]:
        mapped = map_record(
            mapping_set,
            Direction.QBO_TO_HUBSPOT,
            intuit_fields(record),
            qbo_time_zone=qbo_time_zone,
            hubspot_time_zone=hubspot_time_zone,
        )
        values = {str(k): "" if v is None else str(v) for k, v in mapped.values.items()}
        problems = [str(p) for p in mapped.problems]
        if also is not None:
            _, extra = also(record)
            problems += [p for p in extra if p not in problems and "e-mail" not in p]
        return values, problems

    return mapper
