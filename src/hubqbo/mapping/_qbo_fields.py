"""The QBO side of the type table, as reviewed data: every mappable field of Customer, Item and
Invoice with its XSD type, maximum length and writability, each citing where Intuit says so.

Why data, not code: a reviewer checks each row against the cited line, and
``tests/mapping/test_type_table.py`` re-reads the XSDs (``../shared/specs/qbo/xsd``) and checks
every row: the path exists in the entity (through its base types), the XSD type matches, and
the cited line states the length. Rules for lengths:

* the XSD has no length facets; lengths appear only in the ``<documentation>`` prose, per
  product (``Product: QBW`` is QuickBooks Desktop, ``Product: QBO`` is Online). The QBO value
  is used; where two statements for QBO differ (``BillEmailCc``: 200 in ``SalesTransaction``,
  100 in ``EmailAddress.Address``), the smaller is taken;
* no length stated: ``max_length`` is ``None`` (QBO's own limit is then unknown to hubqbo and a
  too-long value is QBO's to refuse);
* read-only: computed by QBO (``TotalAmt``, ``Balance``, ``MetaData.*``, ``Id``, ``SyncToken``,
  ``FullyQualifiedName``, ``InvoiceLink``...) or only writable on create (``Customer.Balance``,
  the opening balance): never a mapping's target.

File names are those of ``../shared/specs/qbo/xsd`` (Intuit's v3 schema, QuickBooks-V3-PHP-SDK
@5bb480b); ``path:line`` points at the element (``source``) or at the sentence stating the
length (``length_source``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from hubqbo.mapping._types import QboField, QboType

__all__ = ["CUSTOM_FIELD_MAX_LENGTH", "QBO_FIELDS", "qbo_fields_of"]

S, D, INT, B = QboType.STRING, QboType.DECIMAL, QboType.INTEGER, QboType.BOOLEAN
DT, DTT, E, R = QboType.DATE, QboType.DATETIME, QboType.ENUM, QboType.REFERENCE

BASE = "IntuitBaseTypes.xsd"
NAMES = "IntuitNamesTypes.xsd"
FIN = "Finance.xsd"

CUSTOM_FIELD_MAX_LENGTH = 31
"""Sales-form custom fields (``CustomField[DefinitionId=N]``, type ``StringType``): the XSD
states 31 characters for a StringType custom field's default value
(``IntuitBaseTypes.xsd:279``) and nothing for ``StringValue`` itself; 31 is used."""


def _common(entity: str) -> list[QboField]:
    """``IntuitEntity``'s fields, on every entity: all read-only."""
    return [
        QboField(entity, "Id", S, read_only=True, source=f"{BASE}:20"),
        QboField(entity, "SyncToken", S, read_only=True, source=f"{BASE}:30"),
        QboField(
            entity,
            "MetaData.CreateTime",
            DTT,
            read_only=True,
            source=f"{BASE}:443",
            note="MetaData is set by Data Services, read only (IntuitBaseTypes.xsd:39)",
        ),
        QboField(entity, "MetaData.LastUpdatedTime", DTT, read_only=True, source=f"{BASE}:461"),
    ]


_ADDRESS_LINES = {"Line1": 604, "Line2": 614, "Line3": 624, "Line4": 634, "Line5": 644}
_ADDRESS_PARTS = {
    **{name: (500, line) for name, line in _ADDRESS_LINES.items()},
    "City": (255, 654),
    "Country": (255, 664),
    "CountrySubDivisionCode": (255, 690),
    "PostalCode": (30, 700),
}


def _address(entity: str, field: str, line: int) -> list[QboField]:
    return [
        QboField(
            entity,
            f"{field}.{part}",
            S,
            max_length=length,
            source=f"{NAMES}:{line}",
            length_source=f"{BASE}:{at}",
            note="PhysicalAddress; QBW (Desktop) allows less (41/31/21/13)",
        )
        for part, (length, at) in _ADDRESS_PARTS.items()
    ]


def _phone(entity: str, field: str, line: int) -> QboField:
    return QboField(
        entity,
        f"{field}.FreeFormNumber",
        S,
        max_length=21,
        source=f"{NAMES}:{line}",
        length_source=f"{BASE}:806",
    )


_CUSTOMER: list[QboField] = [
    *_common("Customer"),
    QboField("Customer", "Title", S, source=f"{NAMES}:158", note="QBO states no length"),
    QboField("Customer", "GivenName", S, 25, source=f"{NAMES}:172", length_source=f"{NAMES}:178"),
    QboField("Customer", "MiddleName", S, 15, source=f"{NAMES}:184", length_source=f"{NAMES}:190"),
    QboField(
        "Customer",
        "FamilyName",
        S,
        15,
        source=f"{NAMES}:196",
        length_source=f"{NAMES}:202",
        note="QBO 15 (line 202); QBW states 25 (line 200)",
    ),
    QboField("Customer", "Suffix", S, 15, source=f"{NAMES}:208", length_source=f"{NAMES}:212"),
    QboField("Customer", "CompanyName", S, source=f"{NAMES}:224"),
    QboField(
        "Customer",
        "DisplayName",
        S,
        source=f"{NAMES}:232",
        note="unique across Customer, Vendor and Employee (fault 6240); no length in the XSD",
    ),
    QboField("Customer", "PrintOnCheckName", S, source=f"{NAMES}:244"),
    QboField(
        "Customer",
        "FullyQualifiedName",
        S,
        read_only=True,
        source=f"{NAMES}:216",
        note="derived from the parent chain",
    ),
    QboField("Customer", "Active", B, source=f"{NAMES}:260"),
    _phone("Customer", "PrimaryPhone", 275),
    _phone("Customer", "AlternatePhone", 284),
    _phone("Customer", "Mobile", 293),
    _phone("Customer", "Fax", 301),
    QboField(
        "Customer",
        "PrimaryEmailAddr.Address",
        S,
        100,
        email=True,
        source=f"{NAMES}:309",
        length_source=f"{BASE}:850",
        note="QBO's forms accept several addresses separated by commas",
    ),
    QboField(
        "Customer", "WebAddr.URI", S, 1000, source=f"{NAMES}:318", length_source=f"{BASE}:1035"
    ),
    QboField("Customer", "Taxable", B, source=f"{NAMES}:359"),
    *_address("Customer", "BillAddr", 367),
    *_address("Customer", "ShipAddr", 376),
    QboField("Customer", "Notes", S, 1024, source=f"{NAMES}:410", length_source=f"{NAMES}:414"),
    QboField(
        "Customer",
        "Balance",
        D,
        read_only=True,
        source=f"{NAMES}:524",
        note="the opening balance on create only, then computed by QBO",
    ),
    QboField("Customer", "OpenBalanceDate", DT, source=f"{NAMES}:534"),
    QboField("Customer", "BalanceWithJobs", D, read_only=True, source=f"{NAMES}:542"),
    QboField(
        "Customer",
        "AcctNum",
        S,
        source=f"{NAMES}:562",
        note="only QBW (Desktop) states a length (99, line 566)",
    ),
    QboField(
        "Customer",
        "CurrencyRef.value",
        R,
        source=f"{NAMES}:570",
        note="an ISO 4217 code; sets the currency of all the customer's transactions",
    ),
    QboField(
        "Customer",
        "PreferredDeliveryMethod",
        E,
        options=("Print", "Email", "None"),
        source=f"{NAMES}:602",
        note="xs:string; the values are stated in the prose",
    ),
    QboField("Customer", "ResaleNum", S, source=f"{NAMES}:610"),
    QboField("Customer", "PrimaryTaxIdentifier", S, source=f"{NAMES}:658"),
]

_ITEM_TYPES = (
    "Assembly",
    "Category",
    "Fixed Asset",
    "Group",
    "Inventory",
    "NonInventory",
    "Other Charge",
    "Payment",
    "Service",
    "Subtotal",
    "Discount",
    "Tax",
    "Tax Group",
    "Bundle",
)

_ITEM: list[QboField] = [
    *_common("Item"),
    QboField(
        "Item",
        "Name",
        S,
        100,
        source=f"{FIN}:10471",
        length_source=f"{FIN}:10479",
        note="QBO 100; QBW states 31 (line 10476)",
    ),
    QboField("Item", "Sku", S, 100, source=f"{FIN}:10486", length_source=f"{FIN}:10492"),
    QboField("Item", "Description", S, 4000, source=f"{FIN}:10498", length_source=f"{FIN}:10510"),
    QboField("Item", "Active", B, source=f"{FIN}:10516"),
    QboField("Item", "Level", INT, read_only=True, source=f"{FIN}:10546", note="depth, derived"),
    QboField("Item", "FullyQualifiedName", S, read_only=True, source=f"{FIN}:10556"),
    QboField("Item", "Taxable", B, source=f"{FIN}:10570"),
    QboField(
        "Item", "UnitPrice", D, source=f"{FIN}:10600", note="in the home currency; never rounded"
    ),
    QboField(
        "Item", "Type", E, options=_ITEM_TYPES, source=f"{FIN}:10627", note="ItemTypeEnum (line 80)"
    ),
    QboField("Item", "IncomeAccountRef.value", R, source=f"{FIN}:10658"),
    QboField("Item", "PurchaseDesc", S, source=f"{FIN}:10671"),
    QboField("Item", "PurchaseCost", D, source=f"{FIN}:10692", note="never rounded"),
    QboField("Item", "TrackQtyOnHand", B, source=f"{FIN}:10765"),
    QboField("Item", "QtyOnHand", D, source=f"{FIN}:10775", note="a quantity: never rounded"),
    QboField("Item", "InvStartDate", DT, source=f"{FIN}:10866"),
]

_INVOICE: list[QboField] = [
    *_common("Invoice"),
    QboField(
        "Invoice",
        "DocNumber",
        S,
        21,
        source=f"{FIN}:4804",
        length_source=f"{FIN}:4816",
        note="QBO 21; null when custom transaction numbers are on and none is given",
    ),
    QboField("Invoice", "TxnDate", DT, source=f"{FIN}:4832"),
    QboField("Invoice", "CurrencyRef.value", R, source=f"{FIN}:4874", note="an ISO 4217 code"),
    QboField("Invoice", "ExchangeRate", D, source=f"{FIN}:4886", note="never rounded"),
    QboField("Invoice", "PrivateNote", S, source=f"{FIN}:4902", note="QBO states no length"),
    QboField("Invoice", "CustomerRef.value", R, source=f"{FIN}:5236"),
    QboField(
        "Invoice",
        "CustomerMemo.value",
        S,
        1000,
        source=f"{FIN}:5249",
        length_source=f"{FIN}:5256",
        note="the message printed on the invoice",
    ),
    QboField("Invoice", "SalesTermRef.value", R, source=f"{FIN}:5346"),
    QboField("Invoice", "DueDate", DT, source=f"{FIN}:5357"),
    QboField("Invoice", "ShipDate", DT, source=f"{FIN}:5429"),
    QboField("Invoice", "TrackingNum", S, source=f"{FIN}:5439"),
    QboField(
        "Invoice",
        "GlobalTaxCalculation",
        E,
        options=("TaxInclusive", "TaxExcluded", "NotApplicable"),
        source=f"{FIN}:5450",
        note="GlobalTaxCalculationEnum (line 3484)",
    ),
    QboField(
        "Invoice",
        "TotalAmt",
        D,
        read_only=True,
        source=f"{FIN}:5461",
        note="recalculated by QBO from the lines",
    ),
    QboField("Invoice", "HomeTotalAmt", D, read_only=True, source=f"{FIN}:5479"),
    QboField("Invoice", "ApplyTaxAfterDiscount", B, source=f"{FIN}:5494"),
    QboField(
        "Invoice",
        "PrintStatus",
        E,
        options=("NotSet", "NeedToPrint", "PrintComplete"),
        source=f"{FIN}:5529",
        note="PrintStatusEnum (line 3418)",
    ),
    QboField(
        "Invoice",
        "EmailStatus",
        E,
        options=("NotSet", "NeedToSend", "EmailSent"),
        source=f"{FIN}:5540",
        note="EmailStatusEnum (line 3432)",
    ),
    QboField(
        "Invoice",
        "BillEmail.Address",
        S,
        100,
        email=True,
        single_email=True,
        source=f"{FIN}:5551",
        length_source=f"{FIN}:5565",
        note="one address only (line 5556); an invalid one is silently not e-mailed",
    ),
    QboField(
        "Invoice",
        "BillEmailCc.Address",
        S,
        100,
        email=True,
        source=f"{FIN}:5573",
        length_source=f"{BASE}:850",
        note="BillEmailCc states 200 (line 5586), EmailAddress.Address 100: the smaller",
    ),
    QboField(
        "Invoice",
        "BillEmailBcc.Address",
        S,
        100,
        email=True,
        source=f"{FIN}:5594",
        length_source=f"{BASE}:850",
        note="BillEmailBcc states 200 (line 5607), EmailAddress.Address 100: the smaller",
    ),
    QboField(
        "Invoice",
        "Balance",
        D,
        read_only=True,
        source=f"{FIN}:5627",
        note="computed from payments",
    ),
    QboField("Invoice", "HomeBalance", D, read_only=True, source=f"{FIN}:5643"),
    QboField("Invoice", "Deposit", D, source=f"{FIN}:5845"),
    QboField("Invoice", "AllowOnlineCreditCardPayment", B, source=f"{FIN}:5876"),
    QboField("Invoice", "AllowOnlineACHPayment", B, source=f"{FIN}:5887"),
    QboField("Invoice", "InvoiceLink", S, read_only=True, source=f"{FIN}:6016"),
]

QBO_FIELDS: Mapping[str, tuple[QboField, ...]] = {
    "Customer": tuple(_CUSTOMER),
    "Item": tuple(_ITEM),
    "Invoice": tuple(_INVOICE),
}
"""Every mappable field of each entity, in the order of Intuit's schema."""


_BY_PATH: Mapping[str, Mapping[str, QboField]] = {
    entity: MappingProxyType({f.path: f for f in fields}) for entity, fields in QBO_FIELDS.items()
}


def qbo_fields_of(entity: str) -> Mapping[str, QboField]:
    """The fields of ``entity`` by path, read-only (custom fields are not listed: see
    :func:`hubqbo.mapping.custom_field`)."""
    return _BY_PATH.get(entity, MappingProxyType({}))
