"""QBO JSON <-> hubqbo models: one private cattrs converter and pure request/response functions.

Why: the wire format (PascalCase keys, ``{"value": ..}`` references, ``MetaData`` timestamps,
amounts as JSON numbers) stays here, away from the domain models. Everything is a pure function
of its input — no I/O — so an async client could share it. JSON is parsed with
``parse_float=Decimal`` and written with exact decimal numbers, so money never passes through
``float``.

The converter is private to this module (never cattrs' global one): ``CONVERTER.structure(data,
Customer)`` reads a QBO ``Customer`` object; ``CONVERTER.unstructure(customer)`` writes one.

Example:
    >>> c = CONVERTER.structure({"Id": "58", "SyncToken": "2", "DisplayName": "Acme Ltd",
    ...     "CurrencyRef": {"value": "GBP"}, "Active": True, "Balance": Decimal("12.50")}, Customer)
    >>> (c.id, c.display_name, c.currency, c.balance)
    ('58', 'Acme Ltd', 'GBP', Decimal('12.50'))
    >>> dumps({"Amount": Decimal("100.10")})
    b'{"Amount":100.10}'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import cattrs
from dateutil.parser import isoparse

from hubqbo._http._replies import lenient_json
from hubqbo.models import (
    Address,
    CompanyProfile,
    Customer,
    EmailStatus,
    Invoice,
    InvoiceLine,
    Item,
    ItemType,
    LineDetailType,
    LinkedTxn,
    Payment,
    PaymentApplication,
    Ref,
    TaxCode,
    TaxDetail,
    TaxLine,
    TaxRate,
    Term,
    TermType,
)
from hubqbo.quickbooks._types import ChangeRecord

__all__ = [
    "CONVERTER",
    "ENTITY_MODELS",
    "REQUIRED_FIELDS",
    "check_bid",
    "check_record",
    "dumps",
    "entity_of",
    "entity_path",
    "loads",
    "parse_cdc",
    "parse_company_profile",
    "parse_entity",
    "parse_query_page",
    "query_entity",
]

T = TypeVar("T")
Json = dict[str, Any]

# --------------------------------------------------------------------------- JSON text

_DEC = re.compile(r'"\\u0000dec:(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)"')


def loads(data: bytes | str) -> Any:
    """Parse QBO JSON with exact decimals (``parse_float=Decimal``); ``None`` if not acceptable
    JSON (see ``hubqbo._http._replies.strict_json``: empty, not JSON, ``NaN``, too deep or too
    large). For error answers only: a success is decoded strictly through ``Reply``."""
    if not data:
        return None
    return lenient_json(data.encode() if isinstance(data, str) else data, parse_float=Decimal)


def _encode_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"\u0000dec:{format(value, 'f')}"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} to QuickBooks")


def dumps(payload: Any) -> bytes:
    """Compact JSON with ``Decimal`` written as an exact JSON number."""
    text = json.dumps(payload, separators=(",", ":"), default=_encode_default, ensure_ascii=False)
    return _DEC.sub(r"\1", text).encode()


# --------------------------------------------------------------------------- small readers


def _ref(data: Any) -> Ref | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise TypeError(f"a reference is an object, got {type(data).__name__}")
    value = _s(data.get("value"))
    if value is None:
        return None
    return Ref(value, _str(data.get("name")))


def _ref_value(data: Any) -> str | None:
    ref = _ref(data)
    return None if ref is None else ref.value


def _ref_out(ref: Ref | None) -> Json | None:
    if ref is None:
        return None
    out: Json = {"value": ref.value}
    if ref.name:
        out["name"] = ref.name
    return out


_PLAIN_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3}|\.\d{6})?[+-]\d{2}:\d{2}"
)
"""QBO's own timestamp shape (``2026-11-02T07:00:00-08:00``), which ``fromisoformat`` reads
(Python 3.10 too) at a tenth of ``isoparse``'s cost: the same instant and offset."""


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise TypeError(f"a timestamp is a string, got {type(value).__name__}")
    parsed = None
    if _PLAIN_INSTANT.fullmatch(value):
        with contextlib.suppress(ValueError):  # e.g. hour 24, which isoparse reads
            parsed = dt.datetime.fromisoformat(value)
    if parsed is None:
        parsed = isoparse(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise TypeError(f"a date is a string, got {type(value).__name__}")
    return dt.date.fromisoformat(value[:10])


def _dec(value: Any) -> Decimal | None:
    """A QBO amount (a JSON number, or a numeric string) as a finite ``Decimal``."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise TypeError(f"an amount is a number, got {type(value).__name__}")
    if isinstance(value, float):  # only if a caller parsed JSON without parse_float
        number = Decimal(repr(value))
    else:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError(f"an amount is not a finite number: {value!r}")
    return number


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise TypeError(f"expected a whole number, got {type(value).__name__}")
    return int(value)


def _bool(value: Any, default: bool | None) -> Any:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _str(value: Any) -> str | None:
    """A text field: a string (or ``None``); containers and numbers are refused."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _obj(value: Any) -> Mapping[str, Any]:
    """A nested object (``None`` reads as an empty one)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _list(value: Any) -> list[Any]:
    """A nested list of objects (``None`` reads as an empty one)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise TypeError(f"expected a list of objects, got {type(value).__name__}")
    return value


def _meta(data: Mapping[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
    meta = _obj(data.get("MetaData"))
    return _when(meta.get("CreateTime")), _when(meta.get("LastUpdatedTime"))


def _s(value: Any) -> str | None:
    """An id-like scalar (string or whole number) as text; containers are refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return str(value)


def _compact(data: Mapping[str, Any]) -> Json:
    """Drop ``None`` values (QBO treats a missing key as "not set")."""
    return {k: v for k, v in data.items() if v is not None}


def _address(data: Any) -> Address | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise TypeError(f"expected an object, got {type(data).__name__}")
    lines = tuple(
        _str(data[k]) or "" for k in ("Line1", "Line2", "Line3", "Line4", "Line5") if data.get(k)
    )
    address = Address(
        lines=lines,
        city=_s(data.get("City")),
        region=_s(data.get("CountrySubDivisionCode")),
        postal_code=_s(data.get("PostalCode")),
        country=_s(data.get("Country")),
    )
    return None if address.is_empty else address


def _address_out(address: Address | None) -> Json | None:
    if address is None or address.is_empty:
        return None
    out: Json = {f"Line{i}": line for i, line in enumerate(address.lines[:5], start=1)}
    out.update(
        _compact(
            {
                "City": address.city,
                "CountrySubDivisionCode": address.region,
                "PostalCode": address.postal_code,
                "Country": address.country,
            }
        )
    )
    return out


# --------------------------------------------------------------------------- Customer


def _customer_in(data: Mapping[str, Any], _cls: type[Any] = Customer) -> Customer:
    created, updated = _meta(data)
    currency = _ref(data.get("CurrencyRef"))
    return Customer(
        id=_s(data.get("Id")),
        sync_token=_s(data.get("SyncToken")),
        display_name=_str(data.get("DisplayName")),
        given_name=_str(data.get("GivenName")),
        family_name=_str(data.get("FamilyName")),
        company_name=_str(data.get("CompanyName")),
        email=_str(_obj(data.get("PrimaryEmailAddr")).get("Address")),
        phone=_str(_obj(data.get("PrimaryPhone")).get("FreeFormNumber")),
        billing_address=_address(data.get("BillAddr")),
        currency=currency.value if currency else None,
        active=_bool(data.get("Active"), True),
        parent_id=_ref_value(data.get("ParentRef")),
        taxable=_bool(data.get("Taxable"), None),
        default_tax_code=_ref(data.get("DefaultTaxCodeRef")),
        sales_term=_ref(data.get("SalesTermRef")),
        balance=_dec(data.get("Balance")),
        created_at=created,
        updated_at=updated,
    )


def _customer_out(c: Customer) -> Json:
    return _compact(
        {
            "Id": c.id,
            "SyncToken": c.sync_token,
            "DisplayName": c.display_name,
            "GivenName": c.given_name,
            "FamilyName": c.family_name,
            "CompanyName": c.company_name,
            "PrimaryEmailAddr": {"Address": c.email} if c.email else None,
            "PrimaryPhone": {"FreeFormNumber": c.phone} if c.phone else None,
            "BillAddr": _address_out(c.billing_address),
            "CurrencyRef": {"value": c.currency} if c.currency else None,
            "Active": c.active,
            "Job": True if c.parent_id else None,
            "ParentRef": {"value": c.parent_id} if c.parent_id else None,
            "Taxable": c.taxable,
            "DefaultTaxCodeRef": _ref_out(c.default_tax_code),
            "SalesTermRef": _ref_out(c.sales_term),
        }
    )


# --------------------------------------------------------------------------- Item


def _item_type(value: Any) -> ItemType:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"Item.Type is {type(value).__name__}, not a string")
    try:
        return ItemType(value)
    except ValueError:
        return ItemType.SERVICE if value is None else ItemType.NON_INVENTORY


def _item_in(data: Mapping[str, Any], _cls: type[Any] = Item) -> Item:
    _created, updated = _meta(data)
    return Item(
        id=_s(data.get("Id")),
        sync_token=_s(data.get("SyncToken")),
        name=_str(data.get("Name")),
        sku=_s(data.get("Sku")),
        type=_item_type(data.get("Type")),
        unit_price=_dec(data.get("UnitPrice")),
        description=_str(data.get("Description")),
        active=_bool(data.get("Active"), True),
        taxable=_bool(data.get("Taxable"), None),
        sales_tax_code=_ref(data.get("SalesTaxCodeRef")),
        income_account=_ref(data.get("IncomeAccountRef")),
        parent_id=_ref_value(data.get("ParentRef")),
        fully_qualified_name=_str(data.get("FullyQualifiedName")),
        updated_at=updated,
    )


def _item_out(i: Item) -> Json:
    return _compact(
        {
            "Id": i.id,
            "SyncToken": i.sync_token,
            "Name": i.name,
            "Sku": i.sku,
            "Type": i.type.value,
            "UnitPrice": i.unit_price,
            "Description": i.description,
            "Active": i.active,
            "Taxable": i.taxable,
            "SalesTaxCodeRef": _ref_out(i.sales_tax_code),
            "IncomeAccountRef": _ref_out(i.income_account),
            "SubItem": True if i.parent_id else None,
            "ParentRef": {"value": i.parent_id} if i.parent_id else None,
        }
    )


# --------------------------------------------------------------------------- Invoice

_DETAIL_KEYS = {
    LineDetailType.SALES_ITEM: "SalesItemLineDetail",
    LineDetailType.DISCOUNT: "DiscountLineDetail",
    LineDetailType.SUBTOTAL: "SubTotalLineDetail",
    LineDetailType.DESCRIPTION_ONLY: "DescriptionLineDetail",
    LineDetailType.GROUP: "GroupLineDetail",
}


def _line_in(data: Mapping[str, Any]) -> InvoiceLine | None:
    if not isinstance(data.get("DetailType"), str):
        raise TypeError("a line without a DetailType string")
    try:
        kind = LineDetailType(data.get("DetailType"))
    except ValueError:
        return None
    detail = _obj(data.get(_DETAIL_KEYS[kind]))
    return InvoiceLine(
        amount=_dec(data.get("Amount")) or Decimal(0),
        detail_type=kind,
        item=_ref(detail.get("ItemRef")),
        quantity=_dec(detail.get("Qty")),
        unit_price=_dec(detail.get("UnitPrice")),
        description=_str(data.get("Description")),
        tax_code=_ref(detail.get("TaxCodeRef")),
        service_date=_date(detail.get("ServiceDate")),
        discount_percent=_dec(detail.get("DiscountPercent")),
        discount_account=_ref(detail.get("DiscountAccountRef")),
        id=_s(data.get("Id")),
        line_num=_int(data.get("LineNum")),
    )


def _line_out(line: InvoiceLine) -> Json | None:
    if line.detail_type is LineDetailType.SUBTOTAL:
        return None  # QBO computes subtotals
    key = _DETAIL_KEYS[line.detail_type]
    if line.detail_type is LineDetailType.SALES_ITEM:
        detail = _compact(
            {
                "ItemRef": _ref_out(line.item),
                "Qty": line.quantity,
                "UnitPrice": line.unit_price,
                "TaxCodeRef": _ref_out(line.tax_code),
                "ServiceDate": line.service_date,
            }
        )
    elif line.detail_type is LineDetailType.DISCOUNT:
        percent = line.discount_percent is not None
        detail = _compact(
            {
                "PercentBased": percent,
                "DiscountPercent": line.discount_percent,
                "DiscountAccountRef": _ref_out(line.discount_account),
            }
        )
    else:
        detail = _compact({"TaxCodeRef": _ref_out(line.tax_code)})
    out: Json = _compact(
        {
            "Id": line.id,
            "Description": line.description,
            "Amount": line.amount
            if not (line.detail_type is LineDetailType.DISCOUNT and line.discount_percent)
            else None,
            "DetailType": line.detail_type.value,
        }
    )
    if line.detail_type is not LineDetailType.DESCRIPTION_ONLY or detail:
        out[key] = detail
    return out


def _tax_detail_in(data: Any) -> TaxDetail | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise TypeError(f"expected an object, got {type(data).__name__}")
    lines = []
    for raw in _list(data.get("TaxLine")):
        detail = _obj(raw.get("TaxLineDetail"))
        lines.append(
            TaxLine(
                amount=_dec(raw.get("Amount")) or Decimal(0),
                tax_rate=_ref(detail.get("TaxRateRef")),
                percent=_dec(detail.get("TaxPercent")),
                net_amount_taxable=_dec(detail.get("NetAmountTaxable")),
            )
        )
    return TaxDetail(
        total_tax=_dec(data.get("TotalTax")) or Decimal(0),
        tax_code=_ref(data.get("TxnTaxCodeRef")),
        lines=tuple(lines),
    )


def _email_status(value: Any) -> EmailStatus:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"EmailStatus is {type(value).__name__}, not a string")
    try:
        return EmailStatus(value)
    except ValueError:
        return EmailStatus.NOT_SET


def is_voided(data: Mapping[str, Any]) -> bool:
    """QBO's signs of a voided invoice: ``invoiceStatus`` VOIDED, or every amount zeroed and
    the ``Voided`` private note QBO writes on void.

    Example:
        >>> is_voided({"TotalAmt": 0, "PrivateNote": "Voided", "Line": [{"Amount": 0}]})
        True
        >>> is_voided({"TotalAmt": 0, "PrivateNote": "Voided later?", "Line": [{"Amount": 5}]})
        False
    """
    status = (_str(data.get("invoiceStatus")) or _str(data.get("InvoiceStatus")) or "").upper()
    if status == "VOIDED":
        return True
    note = str(data.get("PrivateNote") or "")
    zero = (_dec(data.get("TotalAmt")) or Decimal(0)) == 0 and all(
        (_dec(line.get("Amount")) or Decimal(0)) == 0 for line in data.get("Line") or []
    )
    return zero and note.strip().startswith("Voided")


def _invoice_in(data: Mapping[str, Any], _cls: type[Any] = Invoice) -> Invoice:
    created, updated = _meta(data)
    currency = _ref(data.get("CurrencyRef"))
    if currency is None:
        raise ValueError(
            f"QBO invoice {data.get('Id')!r} has no CurrencyRef: parse it with "
            "parse_entity(..., home_currency=...) so the company's home currency applies"
        )
    lines = tuple(x for x in (_line_in(d) for d in _list(data.get("Line"))) if x is not None)
    delivery = _obj(data.get("DeliveryInfo"))
    return Invoice(
        customer=_ref(data.get("CustomerRef")) or Ref(""),
        currency=currency.value,
        id=_s(data.get("Id")),
        sync_token=_s(data.get("SyncToken")),
        doc_number=_s(data.get("DocNumber")),
        txn_date=_date(data.get("TxnDate")),
        due_date=_date(data.get("DueDate")),
        bill_email=_str(_obj(data.get("BillEmail")).get("Address")),
        customer_memo=_str(_obj(data.get("CustomerMemo")).get("value")),
        private_note=_str(data.get("PrivateNote")),
        exchange_rate=_dec(data.get("ExchangeRate")),
        lines=lines,
        total=_dec(data.get("TotalAmt")) or Decimal(0),
        balance=_dec(data.get("Balance")) or Decimal(0),
        email_status=_email_status(data.get("EmailStatus")),
        delivered_at=_when(delivery.get("DeliveryTime")),
        tax_detail=_tax_detail_in(data.get("TxnTaxDetail")),
        sales_term=_ref(data.get("SalesTermRef")),
        created_at=created,
        updated_at=updated,
        linked_txns=tuple(
            LinkedTxn(_s(t.get("TxnId")) or "", _str(t.get("TxnType")) or "")
            for t in _list(data.get("LinkedTxn"))
        ),
        voided=is_voided(data),
        deleted=(_str(data.get("status")) or "") == "Deleted",
        global_tax_calculation=_s(data.get("GlobalTaxCalculation")),
        apply_tax_after_discount=_bool(data.get("ApplyTaxAfterDiscount"), None),
    )


def _invoice_out(inv: Invoice) -> Json:
    lines = [x for x in (_line_out(line) for line in inv.lines) if x is not None]
    return _compact(
        {
            "Id": inv.id,
            "SyncToken": inv.sync_token,
            "CustomerRef": _ref_out(inv.customer),
            "CurrencyRef": {"value": inv.currency},
            "DocNumber": inv.doc_number,
            "TxnDate": inv.txn_date,
            "DueDate": inv.due_date,
            "BillEmail": {"Address": inv.bill_email} if inv.bill_email else None,
            "CustomerMemo": {"value": inv.customer_memo} if inv.customer_memo else None,
            "PrivateNote": inv.private_note,
            "ExchangeRate": inv.exchange_rate,
            "SalesTermRef": _ref_out(inv.sales_term),
            "GlobalTaxCalculation": inv.global_tax_calculation,
            "ApplyTaxAfterDiscount": inv.apply_tax_after_discount,
            "Line": lines,
        }
    )


# --------------------------------------------------------------------------- Payment


def _payment_in(data: Mapping[str, Any], _cls: type[Any] = Payment) -> Payment:
    created, updated = _meta(data)
    currency = _ref(data.get("CurrencyRef"))
    applied = []
    for line in _list(data.get("Line")):
        for linked in _list(line.get("LinkedTxn")):
            if _str(linked.get("TxnType")) == "Invoice":
                applied.append(
                    PaymentApplication(_s(linked["TxnId"]) or "", _dec(line.get("Amount")) or 0)
                )
    return Payment(
        customer=_ref(data.get("CustomerRef")) or Ref(""),
        total=_dec(data.get("TotalAmt")) or Decimal(0),
        currency=currency.value if currency else None,
        id=_s(data.get("Id")),
        sync_token=_s(data.get("SyncToken")),
        txn_date=_date(data.get("TxnDate")),
        applied_to=tuple(applied),
        created_at=created,
        updated_at=updated,
    )


def _payment_out(p: Payment) -> Json:
    return _compact(
        {
            "Id": p.id,
            "SyncToken": p.sync_token,
            "CustomerRef": _ref_out(p.customer),
            "TotalAmt": p.total,
            "CurrencyRef": {"value": p.currency} if p.currency else None,
            "TxnDate": p.txn_date,
            "Line": [
                {"Amount": a.amount, "LinkedTxn": [{"TxnId": a.invoice_id, "TxnType": "Invoice"}]}
                for a in p.applied_to
            ],
        }
    )


# --------------------------------------------------------------------------- Term, tax


def _term_in(data: Mapping[str, Any], _cls: type[Any] = Term) -> Term:
    raw_type = (_str(data.get("Type")) or "STANDARD").upper().replace("DATEDRIVEN", "DATE_DRIVEN")
    kind = TermType.DATE_DRIVEN if raw_type == "DATE_DRIVEN" else TermType.STANDARD
    return Term(
        id=_s(data.get("Id")),
        name=_str(data.get("Name")) or "",
        type=kind,
        due_days=_int(data.get("DueDays")),
        day_of_month_due=_int(data.get("DayOfMonthDue")),
        due_next_month_days=_int(data.get("DueNextMonthDays")),
        discount_days=_int(data.get("DiscountDays")),
        discount_percent=_dec(data.get("DiscountPercent")),
        active=_bool(data.get("Active"), True),
    )


def _tax_code_in(data: Mapping[str, Any], _cls: type[Any] = TaxCode) -> TaxCode:
    rates = _list(_obj(data.get("SalesTaxRateList")).get("TaxRateDetail"))
    return TaxCode(
        id=_s(data.get("Id")) or "",
        name=_str(data.get("Name")) or "",
        description=_str(data.get("Description")),
        active=_bool(data.get("Active"), True),
        taxable=_bool(data.get("Taxable"), None),
        tax_group=_bool(data.get("TaxGroup"), False),
        sales_rates=tuple(r for r in (_ref(d.get("TaxRateRef")) for d in rates) if r),
    )


def _tax_rate_in(data: Mapping[str, Any], _cls: type[Any] = TaxRate) -> TaxRate:
    return TaxRate(
        id=_s(data.get("Id")),
        name=_str(data.get("Name")) or "",
        rate_percent=_dec(data.get("RateValue")) or Decimal(0),
        active=_bool(data.get("Active"), True),
        agency=_ref(data.get("AgencyRef")),
    )


# --------------------------------------------------------------------------- converter

CONVERTER = cattrs.Converter()
"""The adapter's own converter (hooks below); never cattrs' global one."""

for _cls, _in, _out in (
    (Customer, _customer_in, _customer_out),
    (Item, _item_in, _item_out),
    (Invoice, _invoice_in, _invoice_out),
    (Payment, _payment_in, _payment_out),
    (Term, _term_in, None),
    (TaxCode, _tax_code_in, None),
    (TaxRate, _tax_rate_in, None),
):
    CONVERTER.register_structure_hook(_cls, _in)
    if _out is not None:
        CONVERTER.register_unstructure_hook(_cls, _out)

ENTITY_MODELS: dict[str, type[Any]] = {
    "Customer": Customer,
    "Item": Item,
    "Invoice": Invoice,
    "Payment": Payment,
    "Term": Term,
    "TaxCode": TaxCode,
    "TaxRate": TaxRate,
}
"""QBO entity name -> the model it converts to."""


def entity_path(entity: str) -> str:
    """The REST path segment of an entity (``TaxCode`` -> ``taxcode``)."""
    return entity.lower()


HomeCurrency = Callable[[], str]
"""Gives the company's home currency when a record lacks ``CurrencyRef`` (called lazily: QBO
normally sends ``CurrencyRef``, so the company profile is read only when it does not)."""

NO_CURRENCY = "XXX"
"""ISO 4217's "no currency involved": the currency of a deletion stub (``{"Id", "status":
"Deleted"}``), which carries no amounts and no ``CurrencyRef``."""

CURRENCY_REQUIRED = frozenset({"Invoice"})
"""Entities whose model needs a currency (an invoice's amounts are meaningless without one)."""

REQUIRED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Customer": ("Id", "SyncToken", "DisplayName"),
    "Item": ("Id", "SyncToken", "Name"),
    "Invoice": ("Id", "SyncToken", "TotalAmt"),
    "Payment": ("Id", "SyncToken", "TotalAmt"),
    "Term": ("Id",),
    "TaxCode": ("Id",),
    "TaxRate": ("Id",),
}
"""What QBO always sends for a record of each entity (reads, writes, queries, CDC); a record
without them is not one (a deletion stub needs only its ``Id``)."""


def check_record(entity: str, data: Any) -> Mapping[str, Any]:
    """``data`` when it is a QBO record of ``entity`` with its required fields, else
    ``ValueError``/``TypeError`` naming what is missing.

    Example:
        >>> check_record("Invoice", {"Id": "9", "SyncToken": "0"})
        Traceback (most recent call last):
        ...
        ValueError: Invoice.TotalAmt missing
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"a {entity} is an object, got {type(data).__name__}")
    deleted = data.get("status") == "Deleted"
    for field in ("Id",) if deleted else REQUIRED_FIELDS.get(entity, ()):
        value = data.get(field)
        if value is None or value == "":
            raise ValueError(f"{entity}.{field} missing")
        if field == "TotalAmt":
            _dec(value)
        elif _s(value) is None or not str(value).strip():
            raise ValueError(f"{entity}.{field} empty")
    return data


def parse_entity(
    entity: str,
    data: Mapping[str, Any],
    *,
    home_currency: HomeCurrency | None = None,
    check: bool = False,
) -> Any:
    """One entity object as its model (the raw dict for entities without a model).

    An invoice without ``CurrencyRef`` gets ``home_currency()`` (the company's home currency,
    which is what QBO means by a missing currency); without ``home_currency`` it is a
    ``ValueError`` — never a guessed currency. A deletion stub, which has no amounts, gets
    ``NO_CURRENCY`` (``"XXX"``) without asking. A field of the wrong type is a ``ValueError``
    or ``TypeError``; with ``check`` so is a record lacking what QBO always sends
    (``REQUIRED_FIELDS``). The client reads every reply with ``check`` and reports those as
    ``UnexpectedResponseError``.

    Example:
        >>> parse_entity("Invoice", {"Id": "9", "CustomerRef": {"value": "1"}},
        ...              home_currency=lambda: "GBP").currency
        'GBP'
    """
    model = ENTITY_MODELS.get(entity)
    if model is None:
        return data
    if check:
        check_record(entity, data)
    if entity in CURRENCY_REQUIRED and _ref(data.get("CurrencyRef")) is None:
        if str(data.get("status") or "") == "Deleted":
            data = {**data, "CurrencyRef": {"value": NO_CURRENCY}}
        elif home_currency is not None:
            data = {**data, "CurrencyRef": {"value": home_currency()}}
    return CONVERTER.structure(data, model)


def parse_query_page(
    entity: str,
    body: Mapping[str, Any],
    *,
    home_currency: HomeCurrency | None = None,
    check: bool = False,
) -> tuple[list[Any], int | None]:
    """The records of a ``QueryResponse`` (none when the entity key is missing: QBO's empty
    page) and its ``totalCount`` when present.

    A body without a ``QueryResponse`` object is not a page (``ValueError``), nor is one
    whose ``maxResults`` (the number of records QBO says it put in the page) differs from
    the records present: a truncated page is an error, never a short or empty page.
    """
    if not isinstance(body, Mapping) or not isinstance(body.get("QueryResponse"), Mapping):
        raise ValueError("no QueryResponse object")
    response = body["QueryResponse"]
    raw = _list(response.get(entity))
    stated = _int(response.get("maxResults"))
    if stated is not None and stated != len(raw):
        raise ValueError(f"QueryResponse says {stated} records, holds {len(raw)}")
    records = [parse_entity(entity, r, home_currency=home_currency, check=check) for r in raw]
    return records, _int(response.get("totalCount"))


def parse_company_profile(
    realm_id: str, company_info: Mapping[str, Any], preferences: Mapping[str, Any]
) -> CompanyProfile:
    """A ``CompanyProfile`` from ``CompanyInfo`` and ``Preferences`` objects.

    Example:
        >>> parse_company_profile("1", {"Country": "GB", "CompanyName": "Acme",
        ...     "DefaultTimeZone": "Europe/London"},
        ...     {"CurrencyPrefs": {"HomeCurrency": {"value": "GBP"}},
        ...      "SalesFormsPrefs": {"CustomTxnNumbers": True}}).custom_txn_numbers
        True
    """
    currency = _obj(preferences.get("CurrencyPrefs"))
    sales = _obj(preferences.get("SalesFormsPrefs"))
    tax = _obj(preferences.get("TaxPrefs"))
    home = _ref(currency.get("HomeCurrency"))
    return CompanyProfile(
        realm_id=realm_id,
        country=_str(company_info.get("Country")) or "US",
        home_currency=home.value if home else "USD",
        time_zone=_str(company_info.get("DefaultTimeZone")),
        company_name=_str(company_info.get("CompanyName")),
        multi_currency=_bool(currency.get("MultiCurrencyEnabled"), False),
        custom_txn_numbers=_bool(sales.get("CustomTxnNumbers"), False),
        automated_sales_tax=_bool(tax.get("PartnerTaxEnabled"), False),
        default_terms=_ref(sales.get("DefaultTerms")),
    )


def structure(data: Mapping[str, Any], cls: Callable[..., T]) -> T:
    """``CONVERTER.structure`` with the right type for mypy."""
    return CONVERTER.structure(data, cls)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- CDC and batch


def parse_cdc(
    body: Mapping[str, Any], *, home_currency: HomeCurrency | None = None, check: bool = False
) -> dict[str, list[Any]]:
    """``CDCResponse`` -> ``{entity: [ChangeRecord, ...]}`` (deletions included).

    Example:
        >>> body = {"CDCResponse": [{"QueryResponse": [
        ...     {"Invoice": [{"Id": "7", "status": "Deleted",
        ...                   "MetaData": {"LastUpdatedTime": "2026-11-20T10:00:00-08:00"}}],
        ...      "startPosition": 1, "maxResults": 1}]}]}
        >>> [(c.entity, c.id, c.deleted) for c in parse_cdc(body)["Invoice"]]
        [('Invoice', '7', True)]
    """
    out: dict[str, list[Any]] = {}
    if not isinstance(body, Mapping) or not isinstance(body.get("CDCResponse"), list):
        raise ValueError("no CDCResponse list")
    for block in _list(body["CDCResponse"]):
        for response in _list(block.get("QueryResponse")):
            for entity, objects in response.items():
                if not entity[:1].isupper():
                    continue  # startPosition, maxResults, totalCount
                if not isinstance(objects, list):
                    raise TypeError(f"CDC {entity} is {type(objects).__name__}, not a list")
                bucket = out.setdefault(entity, [])
                for obj in _list(objects):
                    if check:
                        check_record(entity, obj)
                    deleted = (_str(obj.get("status")) or "") == "Deleted"
                    _created, updated = _meta(obj)
                    bucket.append(
                        ChangeRecord(
                            entity=entity,
                            id=_s(obj.get("Id")) or "",
                            deleted=deleted,
                            updated_at=updated,
                            record=None
                            if deleted
                            else parse_entity(
                                entity, obj, home_currency=home_currency, check=check
                            ),
                        )
                    )
    return out


def check_bid(value: Any) -> str:
    """A batch answer's ``bId`` (a non-empty string)."""
    if not isinstance(value, str) or not value:
        raise TypeError(f"a batch item answer has no bId string (got {type(value).__name__})")
    return value


def entity_of(record: Any) -> tuple[str, Json]:
    """The QBO entity name and full wire body of a model (or an ``(entity, dict)`` pair)."""
    if isinstance(record, tuple) and len(record) == 2 and isinstance(record[0], str):
        return record[0], dict(record[1])
    for name, model in ENTITY_MODELS.items():
        if isinstance(record, model):
            return name, CONVERTER.unstructure(record)
    raise TypeError(f"cannot write {type(record).__name__} to QuickBooks")


def query_entity(query: str) -> str:
    """The entity a query text selects from (``... FROM Invoice ...`` -> ``Invoice``)."""
    match = re.search(r"\bFROM\s+([A-Za-z]+)", query, re.IGNORECASE)
    if not match:
        raise ValueError(f"not a QBO query: {query!r}")
    name = match.group(1)
    for known in ENTITY_MODELS:
        if known.lower() == name.lower():
            return known
    return name
