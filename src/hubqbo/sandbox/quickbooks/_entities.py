"""Create, update, void, delete, send: the business rules QBO applies to each entity.

Why: these are the rules integrations trip over, so the sandbox applies them as QBO does, before
any write: SyncToken optimistic concurrency (5010), case-insensitive unique DisplayName (6240, no
``:``; one name space for customers, vendors and employees), DocNumber assignment (none when
custom transaction numbers are on) and uniqueness (6140),
``Amount == Qty × UnitPrice`` on item lines (6070), a tax code on every non-US line (6000),
references to missing or inactive records (610), a foreign currency only with multicurrency,
server-computed totals, tax and balances, payments linked both ways, and void zeroing amounts.

Every function takes the realm, a JSON object and the clock's instant, and returns the stored
record (a dict in wire form) or raises :class:`QboFault`.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from hubqbo.money import normalize_currency, round_money
from hubqbo.sandbox.quickbooks._pdf import render_pdf
from hubqbo.sandbox.quickbooks._store import Realm, currency_ref, system_fields
from hubqbo.sandbox.quickbooks._tax import tax_detail
from hubqbo.sandbox.quickbooks._wire import QboFault, qbo_date, qbo_time

__all__ = [
    "KNOWN_PROPERTIES",
    "NAME_ENTITIES",
    "WRITABLE_ENTITIES",
    "delete",
    "invoice_pdf",
    "refresh_customer",
    "send_invoice",
    "update_preferences",
    "valid_id",
    "void",
    "write",
]

Record = dict[str, Any]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME_BASE = (
    "Active AlternatePhone CompanyName CustomField DefaultTaxCodeRef DisplayName FamilyName Fax "
    "FullyQualifiedName GivenName Id IntuitId MetaData MiddleName Mobile Organization "
    "OtherContactInfo PrimaryEmailAddr PrimaryPhone PrintOnCheckName Suffix SyncToken Title "
    "UserId V4IDPseudonym WebAddr domain sparse status"
)
"""NameBase's properties (IntuitNamesTypes.xsd), shared by customers, vendors and employees."""

# Top-level properties per entity, from Intuit's XSD (Finance.xsd / IntuitNamesTypes.xsd).
KNOWN_PROPERTIES: dict[str, frozenset[str]] = {
    "Customer": _names(
        "ARAccountRef AcctNum Active AltContactName AlternatePhone AttachableRef Balance "
        "BalanceWithJobs BillAddr BillWithParent BusinessNumber CCDetail ClientCompanyId "
        "ClientEntityId CompanyName ContactName CreditLimit CurrencyRef CustomField CustomerEx "
        "CustomerTypeRef DefaultTaxCodeRef DisplayName FamilyName Fax FullyQualifiedName GSTIN "
        "GSTRegistrationType GivenName Id IntuitId IsCISContractor IsProject Job JobInfo Level "
        "MetaData MiddleName Mobile Notes OpenBalanceDate Organization OtherAddr "
        "OtherContactInfo OverDueBalance ParentRef PaymentMethodRef PreferredDeliveryMethod "
        "PriceLevelRef PrimaryEmailAddr PrimaryPhone PrimaryTaxIdentifier PrintOnCheckName "
        "ResaleNum RootCustomerRef SalesRepRef SalesTermRef SecondaryTaxIdentifier ShipAddr "
        "Source Suffix SyncToken TDSEnabled TaxExemptionReasonId TaxGroupCodeRef TaxRateRef "
        "TaxRegime Taxable Title TotalExpense TotalRevenue UserId V4IDPseudonym WebAddr domain "
        "sparse status"
    ),
    "Item": _names(
        "AbatementRate Active AssetAccountRef AttachableRef AvgCost BuildPoint COGSAccountRef "
        "ClassRef CustomExtensions CustomField DeferredRevenue DepositToAccountRef Description "
        "ExpenseAccountRef FullyQualifiedName Id IncomeAccountRef InvStartDate "
        "ItemAssemblyDetail ItemCategoryType ItemEx ItemGroupDetail Level ManPartNum MetaData "
        "Name ParentRef PaymentMethodRef PercentBased PrefVendorRef PrintGroupedItems "
        "PurchaseCost PurchaseDesc PurchaseTaxCodeRef PurchaseTaxIncluded QtyOnHand "
        "QtyOnPurchaseOrder QtyOnSalesOrder RatePercent ReorderPoint ReverseChargeRate "
        "SalesTaxCodeRef SalesTaxIncluded ServiceType Sku Source SpecialItem SpecialItemType "
        "SubItem SyncToken TaxClassificationRef Taxable TrackQtyOnHand Type UOMSetRef "
        "UQCDisplayText UQCId UnitPrice domain sparse status"
    ),
    "Invoice": _names(
        "ARAccountRef AllowIPNPayment AllowOnlineACHPayment AllowOnlineAffirmPayment "
        "AllowOnlineCreditCardPayment AllowOnlinePayPalPayment AllowOnlinePayment "
        "ApplyTaxAfterDiscount AttachableRef AutoDocNumber AutoPayEligible Balance BillAddr "
        "BillEmail BillEmailBcc BillEmailCc CfdiUse CheckPayment ClassRef ConvenienceFeeDetail "
        "CreditCardPayment CurrencyRef CustomField CustomerMemo CustomerRef DeliveryInfo "
        "DepartmentRef Deposit DepositToAccountRef DiscountAmt DiscountRate DocNumber DueDate "
        "ECloudStatusTimeStamp EInvoiceStatus EmailStatus EnabledSurchargeInfo ExchangeRate "
        "Exportation FOB FinanceCharge FinancingProductType FreeFormAddress GlobalInfo "
        "GlobalTaxCalculation GovtTxnRefIdentifier GratuityEnabled HomeBalance HomeTotalAmt "
        "HomeTotalCostAmount Id InvoiceEx InvoiceLink InvoiceLinkExpiryDate "
        "InvoiceLinkSecurityCode LessCIS Line LinkedTxn MetaData PONumber PaymentDetailsMessage "
        "PaymentMethodRef PaymentRefNum PaymentType PrintStatus PrivateNote ProjectRef "
        "RecurDataRef RecurringInfo RemitToRef SalesRepRef SalesTermRef SchedulePayEligible "
        "ScheduledPaymentId ShipAddr ShipDate ShipFromAddr ShipMethodRef "
        "ShippingTaxIncludedInTotalTax SubscriptionPaymentsSetting SyncToken Tag "
        "TaxExemptionRef TaxFormNum TaxFormType TemplateRef TotalAmt TotalCostAmount TrackingNum "
        "TransactionLocationType TxnApprovalInfo TxnDate TxnRetainageDetail TxnSource TxnStatus "
        "TxnSubType TxnTaxDetail callToAction domain invoiceStatus invoiceStatusLog sparse "
        "status"
    ),
    "Payment": _names(
        "ARAccountRef AttachableRef CheckPayment CreditCardPayment CurrencyRef CustomField "
        "CustomerRef DepartmentRef DepositToAccountRef DocNumber ExchangeRate "
        "HomeTotalCostAmount Id Line LinkedTxn MetaData PaymentEx PaymentExtendedType "
        "PaymentMethodRef PaymentRefNum PaymentType PrivateNote ProcessPayment ProjectRef "
        "RecurDataRef RecurringInfo RemitToRef SyncToken Tag TaxFormNum TaxFormType TotalAmt "
        "TotalCostAmount TransactionLocationType TxnApprovalInfo TxnDate TxnSource TxnStatus "
        "TxnSubType TxnTaxDetail UnappliedAmt domain sparse status"
    ),
    "Term": _names(
        "Active AttachableRef CustomField DayOfMonthDue DiscountDayOfMonth DiscountDays "
        "DiscountPercent DueDays DueNextMonthDays Id MetaData Name SalesTermEx SyncToken Type "
        "domain sparse status"
    ),
    "Vendor": _names(
        _NAME_BASE + " APAccountRef AcctNum AltContactName Balance BillAddr BillRate "
        "BusinessNumber CISRate CompanyRegistrationNumber ContactName CostRate CreditLimit "
        "CurrencyRef GSTIN GSTRegistrationType HasTPAR IsSubContractor Notes OpenBalanceDate "
        "OtherAddr ParentRef PrefillAccountRef ShipAddr Source SubcontractorType T4AEligible "
        "T5018Eligible TDSEnabled TaxCountry TaxIdentifier TaxReportingBasis TermRef Vendor1099 "
        "VendorEx VendorTypeRef"
    ),
    "Employee": _names(
        _NAME_BASE + " BillRate BillableTime BirthDate CostRate EmployeeEx EmployeeNumber "
        "EmployeeType Gender HiredDate Notes OtherAddr PrimaryAddr ReleasedDate SSN UseTimeEntry"
    ),
}
WRITABLE_ENTITIES = ("Customer", "Employee", "Invoice", "Item", "Payment", "Term", "Vendor")
NAME_ENTITIES = ("Customer", "Vendor", "Employee")
"""Entities sharing one DisplayName space: a name a vendor or employee uses is taken for a
customer too (Intuit: "DisplayName must be unique across all Customer, Vendor and Employee
records"; QBO answers 6240 "Duplicate Name Exists Error")."""
_SYSTEM_KEYS = ("Id", "SyncToken", "MetaData", "domain", "sparse", "status")
_DELETED = " (deleted)"
_ITEM_TYPES = ("Service", "NonInventory", "Inventory", "Group", "Category", "Bundle")
_NEEDS_INCOME_ACCOUNT = ("Service", "NonInventory", "Inventory")
_DOC_NUMBER_MAX = 21
_VAT_WORD = {"GB": "VAT", "CA": "GST/HST", "AU": "GST", "IN": "GST"}


# --- small readers ---------------------------------------------------------------------------
def _ref(value: Any) -> str | None:
    """The id in a reference (``{"value": "1"}``; numbers and bare strings accepted)."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _decimal(value: Any, element: str) -> Decimal:
    if isinstance(value, bool):
        raise QboFault.unsupported_property(element, "Line")
    try:
        return Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise QboFault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:Can not construct instance of java.math.BigDecimal from String "
            f'value "{value}" specified is unsupported or invalid',
            element=element,
        ) from None


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def valid_id(value: Any) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        raise QboFault(
            "2030",
            "Invalid ID",
            f"Id should be a valid number. Supplied value:{text}",
            element="Id",
            timed=False,
        )
    return str(int(text))


def _active(realm: Realm, entity: str, record_id: str | None) -> Record:
    record = realm.get(entity, record_id) if record_id is not None else None
    if record is None or record.get("Active", True) is False:
        raise QboFault.not_found()
    return record


def _date(value: Any, element: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise QboFault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:Can not parse date {value!r} specified is unsupported or invalid",
            element=element,
        ) from None


def _check_properties(entity: str, body: Mapping[str, Any]) -> None:
    known = KNOWN_PROPERTIES.get(entity)
    if known is None:
        return
    for key in body:
        if key not in known:
            raise QboFault.unsupported_property(key, entity)


def _name_with_state(name: str, active: bool) -> str:
    base = name[: -len(_DELETED)] if name.endswith(_DELETED) else name
    return base if active else base + _DELETED


def _check_name_chars(name: str, element: str) -> None:
    for bad, label in ((":", "colon (:)"), ("\t", "tab"), ("\n", "newline")):
        if bad in name:
            raise QboFault.business(f"The {element} can not contain a {label}.", element)


def _unique(realm: Realm, entity: str, name: str, own_id: str | None) -> None:
    """6240 when another record of ``entity`` already uses ``name`` (case-insensitively); for
    customers, vendors and employees, another record of any of the three."""
    shared = NAME_ENTITIES if entity in NAME_ENTITIES else (entity,)
    taken = [
        (other, owner)
        for other in shared
        if (owner := realm.owner(other, name)) is not None
        and not (other == entity and owner == own_id)
    ]
    if not taken:
        return
    detail = "The name supplied already exists. : null"
    if entity == "Item":
        detail = (
            "The name supplied already exists. : Another product or service is already "
            "using this name. Please use a different name."
        )
    raise QboFault("6240", "Duplicate Name Exists Error", detail, element=None)


def _currency(realm: Realm, value: Any) -> str:
    code = _ref(value)
    if code is None:
        return realm.home_currency
    try:
        code = normalize_currency(code)
    except ValueError:
        raise QboFault.not_found() from None
    if code != realm.home_currency and not realm.multi_currency:
        raise QboFault.business(
            f"Multicurrency is not enabled for this company, so the currency can only be "
            f"{realm.home_currency}. Currency {code} is not allowed.",
            "CurrencyRef",
        )
    return code


# --- customers -------------------------------------------------------------------------------
def _display_name(data: Mapping[str, Any]) -> str:
    name = data.get("DisplayName")
    if isinstance(name, str) and name.strip():
        return name.strip()
    parts = [data.get(key) for key in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
    joined = " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
    if not joined and isinstance(data.get("CompanyName"), str):
        joined = data["CompanyName"].strip()
    if not joined:
        raise QboFault.required("DisplayName")
    return joined


def customer_balance(realm: Realm, customer_id: str) -> Decimal:
    """Sum of the open balances of the customer's invoices."""
    return sum(
        (Decimal(inv.get("Balance", 0)) for inv in realm.children("Invoice", customer_id)),
        Decimal(0),
    )


def refresh_customer(realm: Realm, customer_id: str | None, now: dt.datetime) -> None:
    """QBO updates Balance and LastUpdatedTime without a new SyncToken (see the recordings)."""
    customer = realm.get("Customer", customer_id) if customer_id else None
    if customer is None:
        return
    balance = round_money(customer_balance(realm, customer["Id"]), realm.home_currency)
    customer["Balance"] = balance
    jobs = sum(
        (Decimal(c.get("BalanceWithJobs", 0)) for c in realm.children("Customer", customer["Id"])),
        Decimal(0),
    )
    customer["BalanceWithJobs"] = balance + jobs
    customer["MetaData"]["LastUpdatedTime"] = qbo_time(now)
    refresh_customer(realm, _ref(customer.get("ParentRef")), now)


def _refuse_open_balance(realm: Realm, customer: Record) -> None:
    """QBO keeps a customer with an open balance (its own or its jobs') active: it cannot be
    made inactive (QBO's only "delete" for names) until the balance is settled."""
    balance = customer_balance(realm, customer["Id"])
    jobs = Decimal(customer.get("BalanceWithJobs", balance)) - Decimal(customer.get("Balance", 0))
    if balance != 0 or jobs != 0:
        raise QboFault.business(
            f"{customer.get('DisplayName')} has an open balance of {balance + jobs}; a customer "
            "with an open balance cannot be made inactive. Settle or delete its transactions "
            "first.",
            "Active",
        )


def _build_customer(
    realm: Realm, data: Record, existing: Record | None, now: dt.datetime
) -> Record:
    active = _bool(data.get("Active", True))
    if existing is not None and not active and existing.get("Active", True) is not False:
        _refuse_open_balance(realm, existing)
    name = _name_with_state(_display_name(data), True)
    _check_name_chars(name, "DisplayName")
    stored_name = _name_with_state(name, active)
    own_id = existing["Id"] if existing else None
    if active:
        _unique(realm, "Customer", name, own_id)
    code = _currency(realm, data.get("CurrencyRef"))
    record: Record = {key: value for key, value in data.items() if key not in _SYSTEM_KEYS}
    if "Taxable" not in record and realm.is_us:
        record["Taxable"] = True
    qualified = stored_name
    parent_id = _ref(data.get("ParentRef"))
    if parent_id is not None:
        parent = _active(realm, "Customer", parent_id)
        record["ParentRef"] = {"value": parent["Id"]}
        record["Job"] = True
        record["Level"] = int(parent.get("Level", 0)) + 1
        qualified = f"{parent['FullyQualifiedName']}:{stored_name}"
    else:
        record["Job"] = False
        record.pop("Level", None)
    term_id = _ref(data.get("SalesTermRef"))
    if term_id is not None:
        term = _active(realm, "Term", term_id)
        record["SalesTermRef"] = {"value": term["Id"], "name": term["Name"]}
    tax_code = _ref(data.get("DefaultTaxCodeRef"))
    if tax_code is not None:
        _active(realm, "TaxCode", tax_code)
    record.setdefault("BillWithParent", False)
    balance = customer_balance(realm, own_id) if own_id else Decimal(0)
    record["Balance"] = balance
    record["BalanceWithJobs"] = existing.get("BalanceWithJobs", balance) if existing else balance
    record["CurrencyRef"] = currency_ref(code)
    record.setdefault("PreferredDeliveryMethod", "Print")
    record["FullyQualifiedName"] = qualified
    record["DisplayName"] = stored_name
    record.setdefault("PrintOnCheckName", data.get("CompanyName") or name)
    record["Active"] = active
    return record


# --- items and terms -------------------------------------------------------------------------
def _account_ref(realm: Realm, value: Any, element: str) -> dict[str, str]:
    account_id = _ref(value)
    account = realm.get("Account", account_id) if account_id else None
    if account is None or account.get("Active") is False:
        raise QboFault(
            "2500",
            "Invalid Reference Id",
            f"Invalid Reference Id : Accounts element id {account_id} not found",
            element=element,
        )
    return {"value": account["Id"], "name": account["Name"]}


def _required_name(data: Mapping[str, Any]) -> str:
    """``Name`` stripped, or 2020 when missing or blank."""
    raw_name = data.get("Name")
    if not isinstance(raw_name, str) or not raw_name.strip():
        raise QboFault.required("Name")
    return raw_name.strip()


def _build_item(realm: Realm, data: Record, existing: Record | None, now: dt.datetime) -> Record:
    active = _bool(data.get("Active", True))
    name = _name_with_state(_required_name(data), True)
    _check_name_chars(name, "Name")
    own_id = existing["Id"] if existing else None
    if active:
        _unique(realm, "Item", name, own_id)
    item_type = str(data.get("Type") or "Service")
    if item_type not in _ITEM_TYPES:
        raise QboFault(
            "2170", "Invalid Enumeration", f"Invalid Enumeration : {item_type}", element="Type"
        )
    record: Record = {key: value for key, value in data.items() if key not in _SYSTEM_KEYS}
    if item_type in _NEEDS_INCOME_ACCOUNT:
        if _ref(data.get("IncomeAccountRef")) is None:
            raise QboFault.required("IncomeAccountRef")
        record["IncomeAccountRef"] = _account_ref(
            realm, data["IncomeAccountRef"], "IncomeAccountRef"
        )
    if item_type == "Inventory":
        for required in ("AssetAccountRef", "ExpenseAccountRef", "QtyOnHand", "InvStartDate"):
            if data.get(required) in (None, ""):
                raise QboFault.required(required)
        record["AssetAccountRef"] = _account_ref(realm, data["AssetAccountRef"], "AssetAccountRef")
        record["ExpenseAccountRef"] = _account_ref(
            realm, data["ExpenseAccountRef"], "ExpenseAccountRef"
        )
    tax_code = _ref(data.get("SalesTaxCodeRef"))
    if tax_code is not None:
        _active(realm, "TaxCode", tax_code)
    stored_name = _name_with_state(name, active)
    qualified = stored_name
    parent_id = _ref(data.get("ParentRef"))
    if parent_id is not None:
        parent = _active(realm, "Item", parent_id)
        record["SubItem"] = True
        record["Level"] = int(parent.get("Level", 0)) + 1
        qualified = f"{parent['FullyQualifiedName']}:{stored_name}"
    record["Name"] = stored_name
    record["Active"] = active
    record["FullyQualifiedName"] = qualified
    record.setdefault("Taxable", False)
    if item_type != "Category":
        record["UnitPrice"] = _decimal(data.get("UnitPrice", 0), "UnitPrice")
        record["PurchaseCost"] = _decimal(data.get("PurchaseCost", 0), "PurchaseCost")
        record.setdefault("TrackQtyOnHand", item_type == "Inventory")
    record["Type"] = item_type
    return record


def _build_term(realm: Realm, data: Record, existing: Record | None, now: dt.datetime) -> Record:
    name = _required_name(data)
    active = _bool(data.get("Active", True))
    if active:
        _unique(realm, "Term", name, existing["Id"] if existing else None)
    record: Record = {key: value for key, value in data.items() if key not in _SYSTEM_KEYS}
    record["Name"] = name
    record["Active"] = active
    if data.get("DayOfMonthDue") is not None:
        record["Type"] = "DATE_DRIVEN"
        record["DayOfMonthDue"] = int(data["DayOfMonthDue"])
        record["DueNextMonthDays"] = int(data.get("DueNextMonthDays", 0))
    else:
        record["Type"] = "STANDARD"
        record["DueDays"] = int(data.get("DueDays", 0))
        record.setdefault("DiscountDays", 0)
    record["DiscountPercent"] = _decimal(data.get("DiscountPercent", 0), "DiscountPercent")
    return record


def _due_date(term: Record, txn_date: dt.date) -> dt.date:
    if term.get("Type") == "DATE_DRIVEN":
        day = int(term.get("DayOfMonthDue", 1))
        year, month = txn_date.year, txn_date.month
        due = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if due < txn_date or (due - txn_date).days < int(term.get("DueNextMonthDays", 0)):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            due = dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
        return due
    return txn_date + dt.timedelta(days=int(term.get("DueDays", 0)))


# --- invoices --------------------------------------------------------------------------------
def _doc_number(
    realm: Realm, data: Record, existing: Record | None, own_id: str | None
) -> str | None:
    given = data.get("DocNumber")
    text = str(given).strip() if given not in (None, "") else None
    if text is None and existing is not None:
        text = existing.get("DocNumber")
    if text is not None and text.upper() == "AUTO_GENERATE":
        text = None
    elif text is None and realm.custom_txn_numbers:
        return None
    if text is None:
        while realm.owner("Invoice", str(realm.next_doc_number)) is not None:
            realm.next_doc_number += 1
        text = str(realm.next_doc_number)
        realm.next_doc_number += 1
        return text
    if len(text) > _DOC_NUMBER_MAX:
        raise QboFault(
            "6200",
            "String length is either shorter or longer than supported by specification",
            f"String length specified does not match the supported length. Min:0 Max:"
            f"{_DOC_NUMBER_MAX} supplied length:{len(text)}",
            element="DocNumber",
        )
    other_id = realm.owner("Invoice", text)
    if other_id is not None and other_id != own_id:
        raise QboFault(
            "6140",
            "Duplicate Document Number Error",
            f"Duplicate Document Number Error : You must specify a different number. This "
            f"number has already been used. DocNumber={text} is assigned to TxnType=Invoice "
            f"with TxnId={other_id}",
        )
    return text


def _sales_line(
    realm: Realm, line: Mapping[str, Any], customer: Record, currency: str, *, voided: bool
) -> tuple[Record, Decimal, str]:
    detail = dict(line.get("SalesItemLineDetail") or {})
    item = _active(realm, "Item", _ref(detail.get("ItemRef")) or "1")
    if line.get("Amount") in (None, ""):
        raise QboFault.required("Line.Amount")
    amount = _decimal(line["Amount"], "Amount")
    if voided:
        amount = Decimal(0)
    elif detail.get("Qty") is not None and detail.get("UnitPrice") is not None:
        qty = _decimal(detail["Qty"], "Qty")
        price = _decimal(detail["UnitPrice"], "UnitPrice")
        if round_money(qty * price, currency) != round_money(amount, currency):
            raise QboFault(
                "6070",
                "Amount calculation incorrect in the request",
                f"Amount is not equal to UnitPrice * Qty. Supplied value:{amount}",
            )
        detail["Qty"], detail["UnitPrice"] = qty, price
    amount = round_money(amount, currency)
    code = _ref(detail.get("TaxCodeRef"))
    if realm.is_us:
        if code is None:
            taxable = _bool(item.get("Taxable", False)) and _bool(customer.get("Taxable", True))
            code = "TAX" if taxable else "NON"
        elif code.upper() not in ("TAX", "NON"):
            raise QboFault.business(
                "US companies can only use TAX or NON as a line's TaxCodeRef.", "TaxCodeRef"
            )
        code = code.upper()
    else:
        if code is None:
            word = _VAT_WORD.get(realm.country, "tax")
            raise QboFault.business(
                f"Make sure all your transactions have a {word} rate before you save.",
                "TaxCodeRef",
            )
        _active(realm, "TaxCode", code)
    detail["ItemRef"] = {"value": item["Id"], "name": item["Name"]}
    detail["TaxCodeRef"] = {"value": code}
    out: Record = {key: value for key, value in line.items() if key not in ("Id", "LineNum")}
    out["Amount"] = amount
    out["DetailType"] = "SalesItemLineDetail"
    out["SalesItemLineDetail"] = detail
    return out, amount, code


def _build_invoice(realm: Realm, data: Record, existing: Record | None, now: dt.datetime) -> Record:
    customer_id = _ref(data.get("CustomerRef"))
    if customer_id is None:
        raise QboFault.required("CustomerRef")
    customer = _active(realm, "Customer", customer_id)
    raw_lines = data.get("Line")
    if not isinstance(raw_lines, list) or not raw_lines:
        raise QboFault.required("Line")
    currency = _currency(realm, data.get("CurrencyRef") or customer.get("CurrencyRef"))
    customer_currency = _ref(customer.get("CurrencyRef")) or realm.home_currency
    if currency != customer_currency:
        raise QboFault.business(
            f"The transaction currency {currency} must match the customer's currency "
            f"{customer_currency}.",
            "CurrencyRef",
        )
    own_id = existing["Id"] if existing else None
    txn_date = _date(data["TxnDate"], "TxnDate") if data.get("TxnDate") else None
    if txn_date is None:
        txn_date = dt.date.fromisoformat(qbo_date(now, realm.time_zone))

    lines: list[Record] = []
    taxed: list[tuple[Decimal, str]] = []
    subtotal = Decimal(0)
    discounts: list[Record] = []
    for raw in raw_lines:
        if not isinstance(raw, Mapping):
            raise QboFault.required("Line")
        detail_type = raw.get("DetailType") or (
            "SalesItemLineDetail" if "SalesItemLineDetail" in raw else None
        )
        if detail_type == "SalesItemLineDetail":
            line, amount, code = _sales_line(
                realm, raw, customer, currency, voided=own_id in realm.voided
            )
            lines.append(line)
            taxed.append((amount, code))
            subtotal += amount
        elif detail_type == "SubTotalLineDetail":
            continue
        elif detail_type == "DiscountLineDetail":
            discounts.append(dict(raw))
        elif detail_type in ("DescriptionOnly", "DescriptionLineDetail"):
            line = {key: value for key, value in raw.items() if key not in ("Id", "LineNum")}
            line["DetailType"] = "DescriptionOnly"
            line.setdefault("DescriptionLineDetail", {})
            lines.append(line)
        elif detail_type is None:
            raise QboFault.required("Line.DetailType")
        else:
            raise QboFault.unsupported_operation(
                f"Line DetailType {detail_type} is not emulated by the hubqbo QuickBooksSandbox."
            )
    for number, line in enumerate(lines, start=1):
        line_out = {"Id": str(number), "LineNum": number}
        line_out.update(line)
        lines[number - 1] = line_out
    lines.append({"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}})
    discount_total = Decimal(0)
    for raw in discounts:
        detail = dict(raw.get("DiscountLineDetail") or {})
        if _bool(detail.get("PercentBased")) and detail.get("DiscountPercent") is not None:
            amount = round_money(
                subtotal * _decimal(detail["DiscountPercent"], "DiscountPercent") / 100, currency
            )
        else:
            amount = round_money(_decimal(raw.get("Amount", 0), "Amount"), currency)
        if own_id in realm.voided:
            amount = Decimal(0)
        discount_total += amount
        lines.append(
            {"Amount": amount, "DetailType": "DiscountLineDetail", "DiscountLineDetail": detail}
        )

    apply_after = _bool(data.get("ApplyTaxAfterDiscount", False))
    scale = (subtotal - discount_total) / subtotal if apply_after and subtotal else Decimal(1)
    requested_raw = data.get("TxnTaxDetail")
    requested: Mapping[str, Any] = requested_raw if isinstance(requested_raw, Mapping) else {}
    tax = tax_detail(
        realm,
        taxed,
        currency=currency,
        txn_tax_code=_ref(requested.get("TxnTaxCodeRef")),
        scale=scale,
    )
    total = subtotal - discount_total + tax["TotalTax"]
    paid = sum(
        (
            _payment_amount(realm, _ref(link.get("TxnId")), own_id)
            for link in (existing or {}).get("LinkedTxn", [])
            if link.get("TxnType") == "Payment"
        ),
        Decimal(0),
    )
    if paid > total:
        raise QboFault.business(
            "The invoice total can not be less than the payments applied to it.", "TotalAmt"
        )

    record: Record = {key: value for key, value in data.items() if key not in _SYSTEM_KEYS}
    for read_only in ("HomeBalance", "HomeTotalAmt", "Balance", "TotalAmt", "LinkedTxn"):
        record.pop(read_only, None)
    record.update(
        {
            "AllowIPNPayment": _bool(data.get("AllowIPNPayment", False)),
            "AllowOnlinePayment": _bool(data.get("AllowOnlinePayment", False)),
            "AllowOnlineCreditCardPayment": _bool(data.get("AllowOnlineCreditCardPayment", False)),
            "AllowOnlineACHPayment": _bool(data.get("AllowOnlineACHPayment", False)),
        }
    )
    doc_number = _doc_number(realm, data, existing, own_id)
    if doc_number is not None:
        record["DocNumber"] = doc_number
    else:
        record.pop("DocNumber", None)
    record["TxnDate"] = txn_date.isoformat()
    record["CurrencyRef"] = currency_ref(currency)
    if realm.multi_currency:
        rate = data.get("ExchangeRate")
        exchange = (
            _decimal(rate, "ExchangeRate")
            if rate is not None
            else realm.exchange_rates.get(currency, Decimal(1))
        )
        record["ExchangeRate"] = Decimal(1) if currency == realm.home_currency else exchange
    record["LinkedTxn"] = copy.deepcopy((existing or {}).get("LinkedTxn", []))
    record["Line"] = lines
    record["TxnTaxDetail"] = tax
    record["CustomerRef"] = {"value": customer["Id"], "name": customer["DisplayName"]}
    for address in ("BillAddr", "ShipAddr"):
        if address not in data and address in customer:
            record[address] = copy.deepcopy(customer[address])
    term_id = _ref(data.get("SalesTermRef")) or _ref(customer.get("SalesTermRef"))
    term: Record | None
    if term_id is not None:
        term = _active(realm, "Term", term_id)
        record["SalesTermRef"] = {"value": term["Id"], "name": term["Name"]}
    else:
        default = _ref(realm.preferences["SalesFormsPrefs"].get("DefaultTerms"))
        term = realm.get("Term", default) if default else None
    if data.get("DueDate"):
        record["DueDate"] = _date(data["DueDate"], "DueDate").isoformat()
    elif term is not None:
        record["DueDate"] = _due_date(term, txn_date).isoformat()
    else:
        record["DueDate"] = txn_date.isoformat()
    if not realm.is_us:
        record.setdefault("GlobalTaxCalculation", "TaxExcluded")
    record["TotalAmt"] = round_money(total, currency)
    record["ApplyTaxAfterDiscount"] = apply_after
    record["PrintStatus"] = data.get("PrintStatus") or "NeedToPrint"
    previous = existing or {}
    record["EmailStatus"] = data.get("EmailStatus") or previous.get("EmailStatus") or "NotSet"
    if "DeliveryInfo" in previous and "DeliveryInfo" not in data:
        record["DeliveryInfo"] = copy.deepcopy(previous["DeliveryInfo"])
    record["Balance"] = round_money(total - paid, currency)
    if realm.multi_currency:
        rate = Decimal(record["ExchangeRate"])
        record["HomeBalance"] = round_money(record["Balance"] * rate, realm.home_currency)
        record["HomeTotalAmt"] = round_money(record["TotalAmt"] * rate, realm.home_currency)
    return record


def _payment_amount(realm: Realm, payment_id: str | None, invoice_id: str | None) -> Decimal:
    payment = realm.get("Payment", payment_id) if payment_id else None
    if payment is None:
        return Decimal(0)
    return sum(
        (
            Decimal(line.get("Amount", 0))
            for line in payment.get("Line", [])
            for link in line.get("LinkedTxn", [])
            if link.get("TxnType") == "Invoice" and _ref(link.get("TxnId")) == invoice_id
        ),
        Decimal(0),
    )


# --- payments --------------------------------------------------------------------------------
def _build_payment(realm: Realm, data: Record, existing: Record | None, now: dt.datetime) -> Record:
    if existing is not None:
        raise QboFault.unsupported_operation(
            "Updating a Payment is not emulated by the hubqbo QuickBooksSandbox; delete and "
            "re-create it."
        )
    customer = _active(realm, "Customer", _ref(data.get("CustomerRef")) or "")
    if data.get("TotalAmt") in (None, ""):
        raise QboFault.required("TotalAmt")
    currency = _currency(realm, data.get("CurrencyRef") or customer.get("CurrencyRef"))
    total = round_money(_decimal(data["TotalAmt"], "TotalAmt"), currency)
    applied: list[tuple[Record, Decimal]] = []
    lines: list[Record] = []
    for raw in data.get("Line") or []:
        amount = round_money(_decimal(raw.get("Amount", 0), "Amount"), currency)
        links = raw.get("LinkedTxn") or []
        for link in links:
            if str(link.get("TxnType", "")).lower() != "invoice":
                raise QboFault.unsupported_operation(
                    "Only invoices can be linked to a Payment in the hubqbo QuickBooksSandbox."
                )
            invoice = realm.get("Invoice", _ref(link.get("TxnId")) or "")
            if invoice is None:
                raise QboFault.not_found()
            if _ref(invoice.get("CustomerRef")) != customer["Id"]:
                raise QboFault.business(
                    "The payment's customer does not match the invoice's customer.", "CustomerRef"
                )
            if amount > Decimal(invoice["Balance"]):
                raise QboFault.business(
                    f"The payment amount {amount} is more than the invoice's open balance "
                    f"{invoice['Balance']}.",
                    "Line.Amount",
                )
            applied.append((invoice, amount))
        lines.append(
            {
                "Amount": amount,
                "LinkedTxn": [
                    {"TxnId": str(_ref(link.get("TxnId"))), "TxnType": "Invoice"} for link in links
                ],
            }
        )
    used = sum((amount for _, amount in applied), Decimal(0))
    if used > total:
        raise QboFault.business("The amount applied is more than the payment total.", "TotalAmt")
    record: Record = {key: value for key, value in data.items() if key not in _SYSTEM_KEYS}
    record["TxnDate"] = (
        _date(data["TxnDate"], "TxnDate").isoformat()
        if data.get("TxnDate")
        else qbo_date(now, realm.time_zone)
    )
    record["CurrencyRef"] = currency_ref(currency)
    record["CustomerRef"] = {"value": customer["Id"], "name": customer["DisplayName"]}
    record["DepositToAccountRef"] = {"value": "4", "name": "Undeposited Funds"}
    record["TotalAmt"] = total
    record["UnappliedAmt"] = total - used
    record["ProcessPayment"] = False
    record["Line"] = lines
    record["LinkedTxn"] = []
    return record


def _apply_payment(realm: Realm, payment: Record, now: dt.datetime, sign: int) -> None:
    """Apply (sign +1) or take back (-1) the payment's invoice lines."""
    for invoice_id, amount in _links(payment):
        invoice = realm.get("Invoice", invoice_id)
        if invoice is None:
            continue
        currency = _ref(invoice.get("CurrencyRef")) or realm.home_currency
        invoice["Balance"] = round_money(Decimal(invoice["Balance"]) - sign * amount, currency)
        link = {"TxnId": payment["Id"], "TxnType": "Payment"}
        if sign > 0:
            invoice.setdefault("LinkedTxn", []).append(link)
        else:
            invoice["LinkedTxn"] = [x for x in invoice.get("LinkedTxn", []) if x != link]
        if "HomeBalance" in invoice:
            invoice["HomeBalance"] = round_money(
                invoice["Balance"] * Decimal(invoice.get("ExchangeRate", 1)), realm.home_currency
            )
        invoice["SyncToken"] = str(int(invoice["SyncToken"]) + 1)
        invoice["MetaData"]["LastUpdatedTime"] = qbo_time(now)
    refresh_customer(realm, _ref(payment.get("CustomerRef")), now)


def _links(payment: Record) -> list[tuple[str, Decimal]]:
    return [
        (str(link["TxnId"]), Decimal(line.get("Amount", 0)))
        for line in payment.get("Line", [])
        for link in line.get("LinkedTxn", [])
        if link.get("TxnType") == "Invoice"
    ]


def _build_name(entity: str) -> Callable[[Realm, Record, Record | None, dt.datetime], Record]:
    """A vendor or employee: the DisplayName rules customers follow (made from the person's
    or company's name when absent, no ``:``, unique across customers, vendors and employees;
    an inactive one's name is kept with " (deleted)" and no longer taken)."""

    def build(realm: Realm, data: Record, existing: Record | None, now: dt.datetime) -> Record:
        del now
        active = _bool(data.get("Active", True))
        name = _name_with_state(_display_name(data), True)
        _check_name_chars(name, "DisplayName")
        if active:
            _unique(realm, entity, name, existing["Id"] if existing else None)
        record: Record = {key: value for key, value in data.items() if key not in _SYSTEM_KEYS}
        stored = _name_with_state(name, active)
        record.update(DisplayName=stored, PrintOnCheckName=record.get("PrintOnCheckName", name))
        record["Active"] = active
        if entity == "Vendor":
            record.setdefault("Balance", Decimal(0))
            record["CurrencyRef"] = currency_ref(_currency(realm, data.get("CurrencyRef")))
        return record

    return build


_BUILDERS: dict[str, Callable[[Realm, Record, Record | None, dt.datetime], Record]] = {
    "Customer": _build_customer,
    "Vendor": _build_name("Vendor"),
    "Employee": _build_name("Employee"),
    "Item": _build_item,
    "Term": _build_term,
    "Invoice": _build_invoice,
    "Payment": _build_payment,
}


# --- generic operations ----------------------------------------------------------------------
def _current(realm: Realm, entity: str, body: Mapping[str, Any]) -> Record:
    if body.get("Id") in (None, ""):
        raise QboFault.required("Id")
    record_id = valid_id(body["Id"])
    existing = realm.get(entity, record_id)
    if existing is None:
        raise QboFault.not_found()
    token = body.get("SyncToken")
    if token is None or str(token).strip() == "":
        raise QboFault.required("SyncToken")
    if str(token).strip() != existing["SyncToken"]:
        raise QboFault.stale()
    return existing


def write(realm: Realm, entity: str, body: Any, now: dt.datetime) -> Record:
    """``POST /{entity}``: create without ``Id``; full or sparse update with Id + SyncToken."""
    if not isinstance(body, Mapping):
        raise QboFault(
            "2010",
            "Request has invalid or unsupported property",
            "Property Name:Request body must be a JSON object specified is unsupported or invalid",
            element=None,
        )
    _check_properties(entity, body)
    builder = _BUILDERS[entity]
    is_update = body.get("Id") not in (None, "")
    existing: Record | None = None
    if not is_update:
        record = builder(realm, dict(body), None, now)
        stamp = qbo_time(now)
        meta = system_fields(realm.new_id(entity), "0", stamp, stamp)
    else:
        existing = _current(realm, entity, body)
        strip = {key: value for key, value in body.items() if key not in _SYSTEM_KEYS}
        if _bool(body.get("sparse", False)):
            base = {k: v for k, v in existing.items() if k not in _SYSTEM_KEYS}
            data = {**copy.deepcopy(base), **strip}
        else:
            data = strip
        record = builder(realm, data, existing, now)
        meta = system_fields(
            existing["Id"],
            str(int(existing["SyncToken"]) + 1),
            existing["MetaData"]["CreateTime"],
            qbo_time(now),
        )
    stored = {**meta, **record}
    realm.put(entity, stored)
    if entity == "Payment":
        _apply_payment(realm, stored, now, +1)
    if entity == "Invoice":
        refresh_customer(realm, _ref(stored.get("CustomerRef")), now)
        if existing is not None:
            old_customer = _ref(existing.get("CustomerRef"))
            if old_customer != _ref(stored.get("CustomerRef")):
                refresh_customer(realm, old_customer, now)
    if entity == "Customer" and is_update:
        refresh_customer(realm, stored["Id"], now)
    return stored


def void(realm: Realm, entity: str, body: Any, now: dt.datetime) -> Record:
    """``POST /invoice?operation=void``: amounts zeroed, ``PrivateNote`` "Voided", Balance 0."""
    if entity != "Invoice" or not isinstance(body, Mapping):
        raise QboFault.unsupported_operation(f"Operation void is not supported for {entity}.")
    existing = _current(realm, entity, body)
    if any(link.get("TxnType") == "Payment" for link in existing.get("LinkedTxn", [])):
        raise QboFault.business(
            "This invoice has payments applied to it. Delete the payments before you void it."
        )
    zero = Decimal(0)
    for line in existing.get("Line", []):
        if "Amount" in line:
            line["Amount"] = zero
    existing["TxnTaxDetail"] = {"TotalTax": zero}
    realm.voided.add(existing["Id"])
    existing["TotalAmt"] = zero
    existing["Balance"] = zero
    for home in ("HomeBalance", "HomeTotalAmt"):
        if home in existing:
            existing[home] = zero
    note = existing.get("PrivateNote")
    existing["PrivateNote"] = f"Voided - {note}" if note and note != "Voided" else "Voided"
    existing["SyncToken"] = str(int(existing["SyncToken"]) + 1)
    existing["MetaData"]["LastUpdatedTime"] = qbo_time(now)
    refresh_customer(realm, _ref(existing.get("CustomerRef")), now)
    return existing


def delete(realm: Realm, entity: str, body: Any, now: dt.datetime) -> Record:
    """``POST /{entity}?operation=delete`` for transactions: ``{"status": "Deleted", ...}``."""
    if entity not in ("Invoice", "Payment") or not isinstance(body, Mapping):
        raise QboFault.unsupported_operation(
            f"Operation Delete is not supported for {entity}; make it inactive instead."
        )
    existing = _current(realm, entity, body)
    if entity == "Invoice" and any(
        link.get("TxnType") == "Payment" for link in existing.get("LinkedTxn", [])
    ):
        raise QboFault.business(
            "This invoice has payments applied to it. Delete the payments before you delete it."
        )
    realm.remove(entity, existing["Id"], now)
    realm.voided.discard(existing["Id"])
    if entity == "Payment":
        _apply_payment(realm, existing, now, -1)
    else:
        refresh_customer(realm, _ref(existing.get("CustomerRef")), now)
    return {"domain": "QBO", "status": "Deleted", "Id": existing["Id"]}


def send_invoice(realm: Realm, invoice_id: str, send_to: str | None, now: dt.datetime) -> Record:
    """``POST /invoice/{id}/send[?sendTo=]``: EmailStatus EmailSent, DeliveryInfo, BillEmail."""
    invoice = realm.get("Invoice", valid_id(invoice_id))
    if invoice is None:
        raise QboFault.not_found()
    address = send_to.strip() if send_to else _ref_address(invoice.get("BillEmail"))
    if not address:
        raise QboFault.business(
            "An email address is required to send this invoice. Add a BillEmail or pass sendTo.",
            "BillEmail",
        )
    invoice["BillEmail"] = {"Address": address}
    invoice["EmailStatus"] = "EmailSent"
    invoice["DeliveryInfo"] = {"DeliveryType": "Email", "DeliveryTime": qbo_time(now)}
    invoice["MetaData"]["LastUpdatedTime"] = qbo_time(now)
    return invoice


def _ref_address(value: Any) -> str | None:
    if isinstance(value, Mapping) and isinstance(value.get("Address"), str):
        return value["Address"].strip() or None
    return None


def invoice_pdf(realm: Realm, invoice_id: str) -> bytes:
    """``GET /invoice/{id}/pdf``: a one-page PDF of the invoice."""
    invoice = realm.get("Invoice", valid_id(invoice_id))
    if invoice is None:
        raise QboFault.not_found()
    currency = _ref(invoice.get("CurrencyRef")) or realm.home_currency
    lines = [
        realm.company_name,
        f"Invoice {invoice.get('DocNumber', invoice['Id'])}",
        f"Bill to: {invoice['CustomerRef'].get('name', '')}",
        f"Date: {invoice['TxnDate']}   Due: {invoice.get('DueDate', '')}",
        "",
    ]
    for line in invoice.get("Line", []):
        if line.get("DetailType") == "SalesItemLineDetail":
            detail = line["SalesItemLineDetail"]
            lines.append(
                f"{detail['ItemRef'].get('name', '')}  {detail.get('Qty', '')} x "
                f"{detail.get('UnitPrice', '')}  {line['Amount']}"
            )
    lines += [
        "",
        f"Tax: {invoice['TxnTaxDetail'].get('TotalTax', 0)} {currency}",
        f"Total: {invoice['TotalAmt']} {currency}",
        f"Balance due: {invoice['Balance']} {currency}",
    ]
    return render_pdf(lines)


_PREFERENCE_SECTIONS = frozenset(
    {
        "AccountingInfoPrefs", "ProductAndServicesPrefs", "SalesFormsPrefs", "EmailMessagesPrefs",
        "VendorAndPurchasesPrefs", "TimeTrackingPrefs", "TaxPrefs", "CurrencyPrefs", "ReportPrefs",
        "OtherPrefs",
    }
)  # fmt: skip


def _merge(base: Mapping[str, Any], change: Mapping[str, Any]) -> Record:
    merged = dict(copy.deepcopy(base))
    for key, value in change.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def update_preferences(realm: Realm, body: Any, now: dt.datetime) -> Record:
    """``POST /preferences``: SyncToken-checked update, merged into the current settings.

    Multicurrency cannot be turned off once on, and the home currency cannot change (6000).
    """
    if not isinstance(body, Mapping):
        raise QboFault.required("Preferences")
    current = realm.preferences
    token = body.get("SyncToken")
    if token is None or str(token).strip() == "":
        raise QboFault.required("SyncToken")
    if str(token).strip() != current["SyncToken"]:
        raise QboFault.stale()
    for key in body:
        if key not in _PREFERENCE_SECTIONS and key not in _SYSTEM_KEYS:
            raise QboFault.unsupported_property(key, "Preferences")
    changes = {k: v for k, v in body.items() if k in _PREFERENCE_SECTIONS}
    updated = _merge(current, changes)
    currency = updated["CurrencyPrefs"]
    if realm.multi_currency and not _bool(currency.get("MultiCurrencyEnabled")):
        raise QboFault.business("Multicurrency can not be turned off once it is on.")
    if _ref(currency.get("HomeCurrency")) != realm.home_currency:
        raise QboFault.business("The home currency can not be changed.", "HomeCurrency")
    default_term = _ref(updated["SalesFormsPrefs"].get("DefaultTerms"))
    if default_term is not None:
        _active(realm, "Term", default_term)
    realm.multi_currency = _bool(currency.get("MultiCurrencyEnabled"))
    realm.custom_txn_numbers = _bool(updated["SalesFormsPrefs"].get("CustomTxnNumbers"))
    updated["SyncToken"] = str(int(current["SyncToken"]) + 1)
    updated["MetaData"]["LastUpdatedTime"] = qbo_time(now)
    realm.preferences = updated
    return updated
