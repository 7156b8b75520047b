"""Domain models of both sides, free of any wire format.

Why: the services (``InvoiceBuilder``, ``SyncEngine``) and the pure rules (status, roll-ups,
matching) speak these frozen attrs classes only; the HTTP adapters convert JSON to and from them
with their own private cattrs converters. Edits return new objects (``attrs.evolve``).

Conventions:
    * money and quantities are ``Decimal`` (a ``float`` is refused), currencies ISO 4217 codes;
    * calendar dates are ``datetime.date``; instants are timezone-aware ``datetime`` (a naive
      datetime is refused);
    * ids are strings on both sides (HubSpot and QBO both send ids as strings);
    * ``properties`` on CRM records keeps every raw HubSpot property value (strings), so field
      mappings can reach properties the typed fields do not name.

Example:
    >>> from decimal import Decimal
    >>> line = InvoiceLine.sales_item(item=Ref("1", "Consulting"), quantity=Decimal("2"),
    ...                               unit_price=Decimal("150"), currency="USD")
    >>> line.amount
    Decimal('300.00')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from hubqbo._display import Displayed
from hubqbo.money import Money, normalize_currency, optional_decimal, round_money, to_decimal
from hubqbo.timezones import local_date

__all__ = [
    "AccountingEntity",
    "Address",
    "Company",
    "CompanyProfile",
    "Contact",
    "CrmInvoice",
    "CrmObjectType",
    "Customer",
    "Deal",
    "EmailStatus",
    "Invoice",
    "InvoiceLine",
    "Item",
    "ItemType",
    "LineDetailType",
    "LineItem",
    "LinkedTxn",
    "OAuthToken",
    "Payment",
    "PaymentApplication",
    "Product",
    "PropertyGroupSpec",
    "PropertySpec",
    "Quote",
    "Ref",
    "TaxCode",
    "TaxDetail",
    "TaxLine",
    "TaxRate",
    "Term",
    "TermType",
]


# --------------------------------------------------------------------------- validators


def _aware(_inst: object, attribute: attrs.Attribute[Any], value: dt.datetime | None) -> None:
    """attrs validator: refuse naive datetimes."""
    if value is None:
        return
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{attribute.name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{attribute.name} must be timezone-aware, got naive {value!r}")


def _date(_inst: object, attribute: attrs.Attribute[Any], value: dt.date | None) -> None:
    """attrs validator: a calendar date, not a datetime."""
    if value is None:
        return
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{attribute.name} must be a datetime.date, not {type(value).__name__}")


def _optional_currency(value: str | None) -> str | None:
    return None if value is None or value == "" else normalize_currency(value)


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


def _frozen_map(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


def _properties() -> Any:
    """A raw-properties field: excluded from hashing (dicts are unhashable)."""
    return attrs.field(factory=dict, converter=_frozen_map, hash=False)


# --------------------------------------------------------------------------- shared


@attrs.frozen
class Address:
    """A postal address (QBO ``PhysicalAddress``, HubSpot address properties).

    Example:
        >>> Address(lines=("1 Main St",), city="Leeds", postal_code="LS1 4AP").city
        'Leeds'
    """

    lines: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when no part of the address is set."""
        return not (any(self.lines) or self.city or self.region or self.postal_code or self.country)


@attrs.frozen
class Ref:
    """A reference to another accounting record (QBO ``ReferenceType``: value and name).

    Example:
        >>> Ref("42", "Net 30")
        Ref(value='42', name='Net 30')
    """

    value: str = attrs.field(converter=str)
    name: str | None = None


@attrs.frozen
class OAuthToken:
    """An OAuth 2.0 token set for one realm (QBO) or portal (HubSpot).

    The token strings never appear in ``repr``; ``expires_at`` and ``refresh_expires_at`` are
    timezone-aware instants.

    Example:
        >>> import datetime as dt
        >>> t = OAuthToken(access_token="a", refresh_token="r",
        ...     expires_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
        >>> "a" in repr(t).split("expires_at")[0]
        False
    """

    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(default=None, repr=False)
    expires_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    refresh_expires_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    refresh_hard_expires_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    token_type: str = "bearer"  # noqa: S105 - a token type, not a secret
    scope: str | None = None
    account_id: str | None = None
    """QBO ``realmId`` or HubSpot ``hub_id`` the token belongs to."""

    def expires_within(self, seconds: float, *, now: dt.datetime) -> bool:
        """True when the access token expires within ``seconds`` of ``now`` (or is expired)."""
        if self.expires_at is None:
            return False
        return (self.expires_at - now).total_seconds() <= seconds


# --------------------------------------------------------------------------- CRM side


class CrmObjectType(str, enum.Enum):
    """HubSpot CRM object types used by hubqbo, with their object type ids.

    Example:
        >>> CrmObjectType.DEAL.value, CrmObjectType.DEAL.type_id
        ('deals', '0-3')
    """

    CONTACT = "contacts"
    COMPANY = "companies"
    DEAL = "deals"
    PRODUCT = "products"
    LINE_ITEM = "line_items"
    QUOTE = "quotes"
    INVOICE = "invoices"

    @property
    def type_id(self) -> str:
        """HubSpot's object type id (e.g. ``0-3`` for deals)."""
        return _CRM_TYPE_IDS[self]


_CRM_TYPE_IDS = {
    CrmObjectType.CONTACT: "0-1",
    CrmObjectType.COMPANY: "0-2",
    CrmObjectType.DEAL: "0-3",
    CrmObjectType.PRODUCT: "0-7",
    CrmObjectType.LINE_ITEM: "0-8",
    CrmObjectType.QUOTE: "0-14",
    CrmObjectType.INVOICE: "0-52",
}


@attrs.frozen(repr=False)
class Contact(Displayed):
    """A HubSpot contact.

    Example:
        >>> Contact(id="101", first_name="Ada", last_name="Lovelace", email="ada@example.com")
        ... # doctest: +ELLIPSIS
        Contact(id='101', first_name='Ada', ...)
    """

    _display_fields = ("id", "first_name", "last_name", "email", "company_name")

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    company_name: str | None = None
    address: Address | None = None
    company_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    primary_company_id: str | None = None
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    properties: Mapping[str, str | None] = _properties()

    @property
    def full_name(self) -> str:
        """Given and family name joined by a space (empty when both are missing)."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@attrs.frozen(repr=False)
class Company(Displayed):
    """A HubSpot company.

    Example:
        >>> Company(id="9", name="Acme Ltd", domain="acme.co.uk").name
        'Acme Ltd'
    """

    _display_fields = ("id", "name", "domain")

    id: str | None = None
    name: str | None = None
    domain: str | None = None
    phone: str | None = None
    address: Address | None = None
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    properties: Mapping[str, str | None] = _properties()


@attrs.frozen(repr=False)
class Deal(Displayed):
    """A HubSpot deal with the ids of its associated records.

    Example:
        >>> from decimal import Decimal
        >>> Deal(id="7", name="Website", amount=Decimal("1200"), currency="usd").currency
        'USD'
    """

    _display_fields = ("id", "name", "amount", "currency", "stage")

    id: str
    name: str | None = None
    amount: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    currency: str | None = attrs.field(default=None, converter=_optional_currency)
    stage: str | None = None
    pipeline: str | None = None
    close_date: dt.datetime | None = attrs.field(default=None, validator=_aware)
    contact_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    company_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    primary_company_id: str | None = None
    line_item_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    quote_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    invoice_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    properties: Mapping[str, str | None] = _properties()


@attrs.frozen(repr=False)
class Quote(Displayed):
    """A HubSpot quote (``hs_status``, expiration, currency, buyer).

    ``status`` is HubSpot's ``hs_status`` verbatim (``DRAFT``, ``APPROVAL_NOT_NEEDED``,
    ``PENDING_APPROVAL``, ``APPROVED``, ``REJECTED``, CPQ's ``ACCEPTED``; ``None`` when unset).

    Example:
        >>> import datetime as dt
        >>> Quote(id="5", status="APPROVED", expiration_date=dt.date(2026, 12, 31)).status
        'APPROVED'
    """

    _display_fields = ("id", "title", "status", "amount", "currency", "expiration_date")

    id: str
    title: str | None = None
    status: str | None = None
    expiration_date: dt.date | None = attrs.field(default=None, validator=_date)
    currency: str | None = attrs.field(default=None, converter=_optional_currency)
    amount: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    number: str | None = None
    template_type: str | None = None
    buyer_contact_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    buyer_company_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    deal_id: str | None = None
    line_item_ids: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    has_tax_objects: bool = False
    """True when the quote carries HubSpot tax objects (not representable on a QBO invoice)."""
    discount_amount: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    """A quote-level discount as a fixed amount, if any."""
    discount_percent: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    """A quote-level discount as a percentage, if any."""
    fee_amount: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    """Quote-level fees as a fixed amount, if any."""
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    properties: Mapping[str, str | None] = _properties()
    fee_percent: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    """Quote-level fees as a percentage (HubSpot applies them after discounts), if any."""
    expires_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    """``hs_expiration_date`` as the instant HubSpot stores (a datetime property), when the
    adapter read one; ``expiration_date`` is its UTC calendar date."""


@attrs.frozen(repr=False)
class LineItem(Displayed):
    """A HubSpot line item on a deal or a quote.

    ``unit_price`` is HubSpot's ``price``; ``amount`` its net ``amount`` (after discounts).
    ``discount`` is HubSpot's fixed discount amount per unit and ``discount_percentage`` its
    percentage discount; both are kept as sent.

    Example:
        >>> from decimal import Decimal
        >>> LineItem(id="1", name="Audit", quantity=Decimal("2"), unit_price=Decimal("50")).sku
    """

    _display_fields = ("id", "name", "sku", "quantity", "unit_price", "amount")

    id: str | None = None
    product_id: str | None = None
    sku: str | None = None
    name: str | None = None
    description: str | None = None
    quantity: Decimal = attrs.field(default=Decimal(1), converter=to_decimal)
    unit_price: Decimal = attrs.field(default=Decimal(0), converter=to_decimal)
    amount: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    currency: str | None = attrs.field(default=None, converter=_optional_currency)
    discount: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    discount_percentage: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    tax_rate_group_id: str | None = None
    recurring_billing_period: str | None = None
    recurring_billing_frequency: str | None = None
    properties: Mapping[str, str | None] = _properties()

    @property
    def is_recurring(self) -> bool:
        """True when the line item bills on a schedule (not representable as one QBO line)."""
        return bool(self.recurring_billing_period or self.recurring_billing_frequency)


@attrs.frozen(repr=False)
class Product(Displayed):
    """A HubSpot product (``hs_sku``, ``price``), with the QBO item id it is linked to, if any.

    Example:
        >>> Product(id="3", name="Audit", sku="AUD-1").qbo_item_id is None
        True
    """

    _display_fields = ("id", "name", "sku", "price", "qbo_item_id")

    id: str | None = None
    name: str | None = None
    sku: str | None = None
    description: str | None = None
    price: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    qbo_item_id: str | None = None
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    properties: Mapping[str, str | None] = _properties()


@attrs.frozen(repr=False)
class CrmInvoice(Displayed):
    """HubSpot's invoice object (0-52).

    ``status`` is HubSpot's ``hs_invoice_status`` (``draft``/``open``/``paid``/``voided``).

    Example:
        >>> CrmInvoice(id=None, currency="GBP").currency
        'GBP'
    """

    _display_fields = ("id", "number", "status", "amount_billed", "balance_due", "currency")

    id: str | None
    currency: str = attrs.field(converter=normalize_currency)
    status: str | None = None
    number: str | None = None
    amount_billed: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    balance_due: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    invoice_date: dt.date | None = attrs.field(default=None, validator=_date)
    due_date: dt.date | None = attrs.field(default=None, validator=_date)
    billable: bool = False
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    properties: Mapping[str, str | None] = _properties()


@attrs.frozen
class PropertySpec:
    """A HubSpot property definition hubqbo needs (``ensure_properties`` creates missing ones).

    ``type``/``field_type`` are HubSpot's (``string``/``text``, ``number``/``number``,
    ``date``/``date``, ``enumeration``/``select`` ...).

    Example:
        >>> PropertySpec(CrmObjectType.DEAL, "qbo_invoice_number", "QBO invoice number").type
        'string'
    """

    object_type: CrmObjectType
    name: str
    label: str
    type: str = "string"
    field_type: str = "text"
    group_name: str = "hubqbo"
    has_unique_value: bool = False
    description: str = ""
    options: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_tuple)
    """Enumeration options as ``(value, label)`` pairs."""


@attrs.frozen
class PropertyGroupSpec:
    """A HubSpot property group (``name``, ``label``) for hubqbo's custom properties."""

    object_type: CrmObjectType
    name: str = "hubqbo"
    label: str = "QuickBooks Online (hubqbo)"


# --------------------------------------------------------------------------- accounting side


class AccountingEntity(str, enum.Enum):
    """QBO entity names hubqbo reads or writes (as used in paths, queries and CDC)."""

    CUSTOMER = "Customer"
    ITEM = "Item"
    INVOICE = "Invoice"
    PAYMENT = "Payment"
    TERM = "Term"
    TAX_CODE = "TaxCode"
    TAX_RATE = "TaxRate"


@attrs.frozen(repr=False)
class Customer(Displayed):
    """A QBO customer (a job/sub-customer when ``parent_id`` is set).

    Example:
        >>> Customer(id="58", display_name="Acme Ltd", currency="GBP").active
        True
    """

    _display_fields = ("id", "display_name", "email", "currency", "balance", "active")

    id: str | None = None
    sync_token: str | None = None
    display_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    company_name: str | None = None
    email: str | None = None
    phone: str | None = None
    billing_address: Address | None = None
    currency: str | None = attrs.field(default=None, converter=_optional_currency)
    active: bool = True
    parent_id: str | None = None
    taxable: bool | None = None
    default_tax_code: Ref | None = None
    sales_term: Ref | None = None
    balance: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    created_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)

    @property
    def is_job(self) -> bool:
        """True for a sub-customer (job)."""
        return self.parent_id is not None


class ItemType(str, enum.Enum):
    """QBO ``ItemTypeEnum`` values."""

    SERVICE = "Service"
    INVENTORY = "Inventory"
    NON_INVENTORY = "NonInventory"
    GROUP = "Group"
    CATEGORY = "Category"
    BUNDLE = "Bundle"
    OTHER_CHARGE = "OtherCharge"
    DISCOUNT = "Discount"
    PAYMENT = "Payment"
    SUBTOTAL = "Subtotal"
    FIXED_ASSET = "FixedAsset"
    TAX = "Tax"


@attrs.frozen(repr=False)
class Item(Displayed):
    """A QBO item (product or service). ``unit_price`` is in the home currency.

    Example:
        >>> from decimal import Decimal
        >>> Item(id="1", name="Consulting", type=ItemType.SERVICE, unit_price=Decimal("150")).sku
    """

    _display_fields = ("id", "name", "sku", "type", "unit_price", "active")

    id: str | None = None
    sync_token: str | None = None
    name: str | None = None
    sku: str | None = None
    type: ItemType = ItemType.SERVICE
    unit_price: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    description: str | None = None
    active: bool = True
    taxable: bool | None = None
    sales_tax_code: Ref | None = None
    income_account: Ref | None = None
    parent_id: str | None = None
    fully_qualified_name: str | None = None
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)

    @property
    def sellable(self) -> bool:
        """True when the item can be an invoice line (active and not a category)."""
        return self.active and self.type is not ItemType.CATEGORY


class LineDetailType(str, enum.Enum):
    """QBO ``LineDetailTypeEnum`` values used on invoices."""

    SALES_ITEM = "SalesItemLineDetail"
    DISCOUNT = "DiscountLineDetail"
    SUBTOTAL = "SubTotalLineDetail"
    DESCRIPTION_ONLY = "DescriptionOnly"
    GROUP = "GroupLineDetail"


@attrs.frozen
class InvoiceLine:
    """One invoice line.

    For ``SALES_ITEM`` lines ``amount`` = quantity × unit price rounded half-up to the currency's
    minor units (use :meth:`sales_item`). ``DISCOUNT`` lines carry either ``discount_percent``
    or a fixed positive ``amount``.

    Example:
        >>> from decimal import Decimal
        >>> InvoiceLine.discount(percent=Decimal("10")).detail_type.value
        'DiscountLineDetail'
    """

    amount: Decimal = attrs.field(converter=to_decimal)
    detail_type: LineDetailType = LineDetailType.SALES_ITEM
    item: Ref | None = None
    quantity: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    unit_price: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    description: str | None = None
    tax_code: Ref | None = None
    service_date: dt.date | None = attrs.field(default=None, validator=_date)
    discount_percent: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    discount_account: Ref | None = None
    id: str | None = None
    line_num: int | None = None

    @classmethod
    def sales_item(
        cls,
        *,
        item: Ref,
        quantity: Decimal,
        unit_price: Decimal,
        currency: str,
        description: str | None = None,
        tax_code: Ref | None = None,
        service_date: dt.date | None = None,
    ) -> InvoiceLine:
        """A sales line whose amount is quantity × unit price, rounded for ``currency``."""
        qty, price = to_decimal(quantity), to_decimal(unit_price)
        return cls(
            amount=round_money(qty * price, currency),
            detail_type=LineDetailType.SALES_ITEM,
            item=item,
            quantity=qty,
            unit_price=price,
            description=description,
            tax_code=tax_code,
            service_date=service_date,
        )

    @classmethod
    def discount(
        cls,
        *,
        percent: Decimal | None = None,
        amount: Decimal | None = None,
        account: Ref | None = None,
        description: str | None = None,
    ) -> InvoiceLine:
        """A discount line: exactly one of ``percent`` or fixed ``amount``."""
        if (percent is None) == (amount is None):
            raise ValueError("a discount line needs exactly one of percent or amount")
        return cls(
            amount=to_decimal(amount) if amount is not None else Decimal(0),
            detail_type=LineDetailType.DISCOUNT,
            discount_percent=percent,
            discount_account=account,
            description=description,
        )


@attrs.frozen
class TaxLine:
    """One line of an invoice's tax detail (QBO ``TaxLineDetail``)."""

    amount: Decimal = attrs.field(converter=to_decimal)
    tax_rate: Ref | None = None
    percent: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    net_amount_taxable: Decimal | None = attrs.field(default=None, converter=optional_decimal)


@attrs.frozen
class TaxDetail:
    """An invoice's tax totals (QBO ``TxnTaxDetail``)."""

    total_tax: Decimal = attrs.field(default=Decimal(0), converter=to_decimal)
    tax_code: Ref | None = None
    lines: tuple[TaxLine, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class LinkedTxn:
    """A transaction linked to an invoice (``TxnType`` ``Payment``, ``CreditMemo`` ...)."""

    txn_id: str
    txn_type: str


class EmailStatus(str, enum.Enum):
    """QBO ``EmailStatusEnum``."""

    NOT_SET = "NotSet"
    NEED_TO_SEND = "NeedToSend"
    EMAIL_SENT = "EmailSent"


@attrs.frozen(repr=False)
class Invoice(Displayed):
    """A QBO invoice.

    ``voided`` is set by the adapter when QBO reports the invoice voided (amounts zeroed, the
    ``Voided`` note, or ``invoiceStatus`` ``VOIDED``); ``deleted`` when change data capture or a
    delete reported it gone. ``total``/``balance`` are in ``currency``.

    Example:
        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> inv = Invoice(id="130", customer=Ref("58"), currency="USD",
        ...               total=Decimal("300"), balance=Decimal("300"),
        ...               txn_date=dt.date(2026, 11, 1), due_date=dt.date(2026, 12, 1))
        >>> inv.is_live
        True
    """

    _display_fields = (
        "id",
        "doc_number",
        "customer",
        "txn_date",
        "due_date",
        "total",
        "balance",
        "currency",
        "voided",
    )

    customer: Ref
    currency: str = attrs.field(converter=normalize_currency)
    id: str | None = None
    sync_token: str | None = None
    doc_number: str | None = None
    txn_date: dt.date | None = attrs.field(default=None, validator=_date)
    due_date: dt.date | None = attrs.field(default=None, validator=_date)
    bill_email: str | None = None
    customer_memo: str | None = None
    private_note: str | None = None
    exchange_rate: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    lines: tuple[InvoiceLine, ...] = attrs.field(default=(), converter=_tuple)
    total: Decimal = attrs.field(default=Decimal(0), converter=to_decimal)
    balance: Decimal = attrs.field(default=Decimal(0), converter=to_decimal)
    email_status: EmailStatus = EmailStatus.NOT_SET
    delivered_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    tax_detail: TaxDetail | None = None
    sales_term: Ref | None = None
    created_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    linked_txns: tuple[LinkedTxn, ...] = attrs.field(default=(), converter=_tuple)
    voided: bool = False
    deleted: bool = False
    global_tax_calculation: str | None = None
    """QBO ``GlobalTaxCalculation`` (``TaxExcluded``, ``TaxInclusive``, ``NotApplicable``);
    ``None``: not sent, QBO applies the company's sales-form default."""
    apply_tax_after_discount: bool | None = None
    """QBO ``ApplyTaxAfterDiscount``: ``True`` subtracts a discount line before tax is
    computed; ``False``/``None`` (QBO's default) computes tax on the undiscounted lines."""

    @property
    def is_live(self) -> bool:
        """False when the invoice is voided or deleted."""
        return not (self.voided or self.deleted)

    @property
    def linked_payments(self) -> tuple[LinkedTxn, ...]:
        """The payments QBO links to this invoice."""
        return tuple(t for t in self.linked_txns if t.txn_type == "Payment")

    @property
    def total_money(self) -> Money:
        """``total`` with its currency."""
        return Money(self.total, self.currency)

    @property
    def balance_money(self) -> Money:
        """``balance`` with its currency."""
        return Money(self.balance, self.currency)


class TermType(str, enum.Enum):
    """QBO term types."""

    STANDARD = "STANDARD"
    DATE_DRIVEN = "DATE_DRIVEN"


@attrs.frozen
class Term:
    """A QBO payment term: standard (due in N days) or date-driven (day of month).

    Example:
        >>> import datetime as dt
        >>> Term(id="3", name="Net 30", due_days=30).due_date(dt.date(2026, 1, 15))
        datetime.date(2026, 2, 14)
        >>> Term(id="9", name="15th", type=TermType.DATE_DRIVEN, day_of_month_due=15,
        ...      due_next_month_days=5).due_date(dt.date(2026, 1, 12))
        datetime.date(2026, 2, 15)
    """

    id: str | None
    name: str
    type: TermType = TermType.STANDARD
    due_days: int | None = None
    day_of_month_due: int | None = None
    due_next_month_days: int | None = None
    discount_days: int | None = None
    discount_percent: Decimal | None = attrs.field(default=None, converter=optional_decimal)
    active: bool = True

    def due_date(self, txn_date: dt.date) -> dt.date:
        """The due date of an invoice dated ``txn_date`` under this term.

        Standard: ``txn_date + due_days``. Date-driven: the ``day_of_month_due`` of the invoice's
        month (clamped to the month's length) — or of the next month when that day has passed
        or falls within ``due_next_month_days`` days of ``txn_date``.
        """
        if self.type is TermType.STANDARD:
            return txn_date + dt.timedelta(days=self.due_days or 0)
        day = self.day_of_month_due or 1
        candidate = _clamped(txn_date.year, txn_date.month, day)
        within = self.due_next_month_days or 0
        if candidate < txn_date or (candidate - txn_date).days < within:
            year, month = (
                (txn_date.year + 1, 1)
                if txn_date.month == 12
                else (txn_date.year, txn_date.month + 1)
            )
            candidate = _clamped(year, month, day)
        return candidate


def _clamped(year: int, month: int, day: int) -> dt.date:
    """``date(year, month, day)`` with ``day`` clamped to the month's last day."""
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(max(day, 1), last))


@attrs.frozen
class TaxRate:
    """A QBO tax rate (``RateValue`` is a percentage)."""

    id: str | None
    name: str
    rate_percent: Decimal = attrs.field(converter=to_decimal)
    active: bool = True
    agency: Ref | None = None


@attrs.frozen
class TaxCode:
    """A QBO tax code. US companies use the pseudo-codes ``TAX`` and ``NON``.

    ``sales_rates`` are the rates the code applies to sales (from ``SalesTaxRateList``).
    """

    id: str
    name: str
    description: str | None = None
    active: bool = True
    taxable: bool | None = None
    tax_group: bool = False
    sales_rates: tuple[Ref, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class PaymentApplication:
    """Part of a payment applied to one invoice."""

    invoice_id: str
    amount: Decimal = attrs.field(converter=to_decimal)


@attrs.frozen(repr=False)
class Payment(Displayed):
    """A QBO customer payment, applied to one or more invoices."""

    _display_fields = ("id", "customer", "total", "currency", "txn_date")

    customer: Ref
    total: Decimal = attrs.field(converter=to_decimal)
    currency: str | None = attrs.field(default=None, converter=_optional_currency)
    id: str | None = None
    sync_token: str | None = None
    txn_date: dt.date | None = attrs.field(default=None, validator=_date)
    applied_to: tuple[PaymentApplication, ...] = attrs.field(default=(), converter=_tuple)
    created_at: dt.datetime | None = attrs.field(default=None, validator=_aware)
    updated_at: dt.datetime | None = attrs.field(default=None, validator=_aware)


@attrs.frozen
class CompanyProfile:
    """What hubqbo needs to know about one QBO company (realm).

    Built by the adapter from ``/companyinfo`` and ``/preferences``.

    Example:
        >>> import datetime as dt
        >>> p = CompanyProfile(realm_id="1", country="GB", home_currency="GBP",
        ...                    time_zone="Europe/London")
        >>> p.today(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.timezone.utc))
        datetime.date(2026, 7, 1)
    """

    realm_id: str
    country: str
    home_currency: str = attrs.field(converter=normalize_currency)
    time_zone: str | None = None
    """IANA time zone name (``CompanyInfo.DefaultTimeZone``); UTC when unknown."""
    company_name: str | None = None
    multi_currency: bool = False
    custom_txn_numbers: bool = False
    automated_sales_tax: bool = False
    default_terms: Ref | None = None

    @property
    def is_us(self) -> bool:
        """True for a US company (tax computed by QBO, lines carry only TAX/NON)."""
        return self.country.strip().upper() in {"US", "USA", "UNITED STATES"}

    def today(self, now: dt.datetime) -> dt.date:
        """The calendar date in the company's time zone at the instant ``now`` (aware)."""
        return local_date(now, self.time_zone)
