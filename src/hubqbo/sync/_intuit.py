"""Domain models back in Intuit's field paths, for the mapping sets.

Why: a ``MappingSet`` names QBO fields by their path in Intuit's entity (``GivenName``,
``PrimaryEmailAddr.Address``, ``BillAddr.City``); the sync engine reads records through the
ledger port as domain models. This turns a model into the nested dict ``map_record`` reads —
only the fields the models carry (a field the model does not know is absent, so a mapping of
it writes nothing rather than clearing the HubSpot value).

Example:
    >>> from hubqbo.models import Customer
    >>> intuit_fields(Customer(id="1", given_name="Ann", email="ann@a.example"))["PrimaryEmailAddr"]
    {'Address': 'ann@a.example'}
"""

from __future__ import annotations

from typing import Any

from hubqbo.models import Address, Customer, Invoice, Item

__all__ = ["intuit_fields"]


def _address(address: Address | None) -> dict[str, Any]:
    if address is None:
        return {}
    out: dict[str, Any] = {f"Line{n}": line for n, line in enumerate(address.lines[:5], start=1)}
    out.update(
        City=address.city,
        CountrySubDivisionCode=address.region,
        PostalCode=address.postal_code,
        Country=address.country,
    )
    return out


def _customer(c: Customer) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Id": c.id,
        "DisplayName": c.display_name,
        "GivenName": c.given_name,
        "FamilyName": c.family_name,
        "CompanyName": c.company_name,
        "PrimaryEmailAddr": {"Address": c.email},
        "PrimaryPhone": {"FreeFormNumber": c.phone},
        "Active": c.active,
        "Balance": c.balance,
    }
    if c.billing_address is not None:
        out["BillAddr"] = _address(c.billing_address)
    if c.currency:
        out["CurrencyRef"] = {"value": c.currency}
    return out


def _item(i: Item) -> dict[str, Any]:
    return {
        "Id": i.id,
        "Name": i.name,
        "Sku": i.sku,
        "Description": i.description,
        "UnitPrice": i.unit_price,
        "Type": i.type.value,
        "Active": i.active,
        "FullyQualifiedName": i.fully_qualified_name,
    }


def _invoice(inv: Invoice) -> dict[str, Any]:
    return {
        "Id": inv.id,
        "DocNumber": inv.doc_number,
        "TxnDate": inv.txn_date.isoformat() if inv.txn_date else None,
        "DueDate": inv.due_date.isoformat() if inv.due_date else None,
        "CurrencyRef": {"value": inv.currency},
        "CustomerRef": {"value": inv.customer.value, "name": inv.customer.name},
        "TotalAmt": inv.total,
        "Balance": inv.balance,
        "BillEmail": {"Address": inv.bill_email},
        "CustomerMemo": {"value": inv.customer_memo},
        "PrivateNote": inv.private_note,
        "EmailStatus": inv.email_status.value,
    }


def intuit_fields(record: object) -> dict[str, Any]:
    """``record`` (a ``Customer``, ``Item`` or ``Invoice``) as Intuit's nested field dict."""
    if isinstance(record, Customer):
        return _customer(record)
    if isinstance(record, Item):
        return _item(record)
    if isinstance(record, Invoice):
        return _invoice(record)
    raise TypeError(f"no Intuit field paths for {type(record).__name__}")
