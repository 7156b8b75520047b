"""HubSpot JSON ↔ hubqbo models: one private cattrs converter and pure build/parse functions.

Why: the wire shapes (``SimplePublicObjectWithAssociations``, batch responses with ``errors[]``,
v4 association results, property definitions) are described once, as attrs classes structured
by this module's own ``Converter`` (never cattrs' global one), and turned into domain models by
small pure functions. The client only moves bytes; an async twin could reuse all of this.

Example:
    >>> obj = parse_object({"id": "7", "properties": {"dealname": "Website", "amount": "1200",
    ...     "deal_currency_code": "USD"}, "createdAt": "2026-11-01T10:00:00Z",
    ...     "updatedAt": "2026-11-02T10:00:00Z", "archived": False})
    >>> to_deal(obj).amount
    Decimal('1200')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from hubqbo.errors import ValidationError
from hubqbo.hubspot._values import (
    PropertyKind,
    WireValue,
    from_wire,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_number,
    to_wire,
)
from hubqbo.models import (
    Address,
    Company,
    Contact,
    CrmInvoice,
    CrmObjectType,
    Deal,
    LineItem,
    Product,
    PropertyGroupSpec,
    PropertySpec,
    Quote,
)

__all__ = [
    "ADJUSTMENT_PROPERTIES",
    "PROPERTIES",
    "QUOTE_ADJUSTMENT_TYPES",
    "PropertyDefinition",
    "QuoteAdjustments",
    "WireAssociationResult",
    "WireBatchResponse",
    "WireObject",
    "WirePage",
    "converter",
    "currency_code",
]

T = TypeVar("T")


def _camel(name: str) -> str:
    name = name.rstrip("_")
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


# --------------------------------------------------------------------------- wire shapes


@attrs.frozen
class WireNext:
    """``paging.next``."""

    after: str
    link: str | None = None


@attrs.frozen
class WirePaging:
    """``paging`` (only ``next`` matters: cursors go forward)."""

    next: WireNext | None = None


@attrs.frozen
class WireAssociatedId:
    """One entry of ``associations.{type}.results`` on a record read."""

    id: str
    type: str | None = None


@attrs.frozen
class WireAssociatedIds:
    """``associations.{type}`` on a record read (``results`` required, as in the schema)."""

    results: list[WireAssociatedId]
    paging: WirePaging | None = None


@attrs.frozen
class WireObject:
    """A CRM record (``SimplePublicObject[WithAssociations]`` / ``SimplePublicUpsertObject``)."""

    id: str
    properties: dict[str, str | None] = attrs.Factory(dict)
    created_at: str | None = None
    updated_at: str | None = None
    archived: bool = False
    associations: dict[str, WireAssociatedIds] = attrs.Factory(dict)
    object_write_trace_id: str | None = None
    new: bool | None = None


@attrs.frozen
class WirePage:
    """A list or search page: ``results``, ``paging.next.after`` and (search) ``total``."""

    results: list[WireObject]
    paging: WirePaging | None = None
    total: int | None = None

    @property
    def after(self) -> str | None:
        """The next cursor, or ``None`` on the last page."""
        return self.paging.next.after if self.paging and self.paging.next else None


@attrs.frozen
class WireBatchResponse:
    """A batch answer (200/201/207): results plus, on 207, ``errors[]`` (raw, see _errors)."""

    results: list[WireObject]
    errors: list[dict[str, Any]] = attrs.Factory(list)
    status: str | None = None
    num_errors: int | None = None


@attrs.frozen
class WireAssociationSpec:
    """One ``associationTypes`` entry (v4): category, type id, label."""

    type_id: int
    category: str | None = None
    label: str | None = None


@attrs.frozen
class WireAssociatedObject:
    """One ``to`` entry (v4): the other record and the association types on the link."""

    to_object_id: str
    association_types: list[WireAssociationSpec] = attrs.Factory(list)


@attrs.frozen
class WireObjectId:
    """``{"id": ...}``."""

    id: str


@attrs.frozen
class WireAssociationResult:
    """One v4 batch-read result: ``from``, ``to[]`` and the per-input ``paging``."""

    from_: WireObjectId
    to: list[WireAssociatedObject] = attrs.Factory(list)
    paging: WirePaging | None = None


@attrs.frozen
class WireAssociationBatch:
    """A v4 association batch-read answer (200/207)."""

    results: list[WireAssociationResult]
    errors: list[dict[str, Any]] = attrs.Factory(list)


@attrs.frozen
class WireOption:
    """An enumeration option of a property definition."""

    label: str
    value: str
    hidden: bool = False
    display_order: int | None = None


@attrs.frozen
class WireModificationMetadata:
    """Whether a property's value (or definition) can be changed."""

    read_only_value: bool = False
    read_only_definition: bool = False
    archivable: bool = True


@attrs.frozen
class PropertyDefinition:
    """A HubSpot property definition (as read from the Properties API).

    Example:
        >>> PropertyDefinition(name="qbo_item_id", type="string", has_unique_value=True).read_only
        False
    """

    name: str
    label: str | None = None
    type: str = "string"
    field_type: str = "text"
    group_name: str | None = None
    has_unique_value: bool = False
    calculated: bool = False
    hubspot_defined: bool | None = None
    options: list[WireOption] = attrs.Factory(list)
    modification_metadata: WireModificationMetadata | None = None
    archived: bool = False

    @property
    def read_only(self) -> bool:
        """True when the value cannot be written through the API."""
        meta = self.modification_metadata
        return self.calculated or bool(meta and meta.read_only_value)


@attrs.frozen
class WirePropertyGroup:
    """A property group definition."""

    name: str
    label: str | None = None


# --------------------------------------------------------------------------- converter

converter = cattrs.Converter()
"""hubqbo's HubSpot converter (private to this adapter)."""


def _is_wire(cls: type) -> bool:
    return attrs.has(cls) and cls.__module__ == __name__


def _structure_factory(cls: type[Any]) -> Any:
    overrides = {a.name: override(rename=_camel(a.name)) for a in attrs.fields(cls)}
    structure = make_dict_structure_fn(cls, converter, **overrides)  # type: ignore[arg-type]

    def strict(value: Any, type_: Any) -> Any:
        # cattrs reads a list as an object with no keys: every field would take its default
        if not isinstance(value, Mapping):
            raise TypeError(f"{cls.__name__} is a JSON object, got {type(value).__name__}")
        return structure(value, type_)

    return strict


converter.register_structure_hook_factory(_is_wire, _structure_factory)


def _structure_str(value: Any, _: Any) -> str:
    """A wire string: HubSpot sends ids and values as strings (v4 ids as numbers); objects,
    arrays and booleans where a string is due are refused, not turned into their repr."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return str(value)


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _structure_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"expected a whole number, got {type(value).__name__}")
    if isinstance(value, str) and not (value.isascii() and value.strip().lstrip("-").isdigit()):
        raise ValueError(f"expected a whole number, got {value[:20]!r}")
    return int(value)


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(int, _structure_int)


def currency_code(value: Any) -> str:
    """An ISO currency code from a reply (three letters), upper-cased, or ``ValueError``.

    Example:
        >>> currency_code("gbp")
        'GBP'
    """
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise ValueError(f"not a currency code: {str(value)[:20]!r}")
    return value.strip().upper()


def _structure(data: Any, cls: type[T]) -> T:
    return converter.structure(data, cls)


def parse_object(data: Mapping[str, Any]) -> WireObject:
    """One record from its JSON."""
    return _structure(data, WireObject)


def parse_page(data: Mapping[str, Any]) -> WirePage:
    """A list/search page from its JSON."""
    return _structure(data, WirePage)


def parse_batch(data: Mapping[str, Any]) -> WireBatchResponse:
    """A batch answer from its JSON."""
    return _structure(data, WireBatchResponse)


def parse_association_batch(data: Mapping[str, Any]) -> WireAssociationBatch:
    """A v4 association batch-read answer from its JSON."""
    return _structure(data, WireAssociationBatch)


def _results(data: Mapping[str, Any]) -> list[Any]:
    """``data["results"]``: a collection answer's required list."""
    results = data["results"]
    if not isinstance(results, list):
        raise TypeError(f"results is {type(results).__name__}, not a list")
    return results


def parse_properties(data: Mapping[str, Any]) -> list[PropertyDefinition]:
    """Property definitions from a ``{"results": [...]}`` answer."""
    return [parse_property(p) for p in _results(data)]


def parse_property(data: Mapping[str, Any]) -> PropertyDefinition:
    """One property definition (a create's answer, or an element of a list)."""
    return _structure(data, PropertyDefinition)


def parse_property_groups(data: Mapping[str, Any]) -> list[WirePropertyGroup]:
    """Property groups from a ``{"results": [...]}`` answer."""
    return [parse_property_group(g) for g in _results(data)]


def parse_property_group(data: Mapping[str, Any]) -> WirePropertyGroup:
    """One property group (a create's answer, or an element of a list)."""
    return _structure(data, WirePropertyGroup)


# --------------------------------------------------------------------------- request bodies


def properties_body(properties: Mapping[str, WireValue]) -> dict[str, str]:
    """Property values as HubSpot's strings (``None`` → ``""`` clears)."""
    return {name: to_wire(value) for name, value in properties.items()}


def batch_read_body(
    ids: Sequence[str], properties: Sequence[str], id_property: str | None = None
) -> dict[str, Any]:
    """``BatchReadInputSimplePublicObjectId``."""
    body: dict[str, Any] = {
        "inputs": [{"id": i} for i in ids],
        "properties": list(properties),
        "propertiesWithHistory": [],
    }
    if id_property:
        body["idProperty"] = id_property
    return body


def property_group_body(spec: PropertyGroupSpec) -> dict[str, Any]:
    """``PropertyGroupCreate``."""
    return {"name": spec.name, "label": spec.label}


def property_body(spec: PropertySpec) -> dict[str, Any]:
    """``PropertyCreate`` for a hubqbo custom property."""
    body: dict[str, Any] = {
        "name": spec.name,
        "label": spec.label,
        "type": spec.type,
        "fieldType": spec.field_type,
        "groupName": spec.group_name,
        "hasUniqueValue": spec.has_unique_value,
    }
    if spec.description:
        body["description"] = spec.description
    if spec.options:
        body["options"] = [
            {"value": value, "label": label, "displayOrder": index, "hidden": False}
            for index, (value, label) in enumerate(spec.options)
        ]
    return body


# --------------------------------------------------------------------------- domain mapping

PROPERTIES: Mapping[CrmObjectType, tuple[str, ...]] = {
    CrmObjectType.DEAL: (
        "dealname",
        "amount",
        "deal_currency_code",
        "dealstage",
        "pipeline",
        "closedate",
        "hs_lastmodifieddate",
    ),
    CrmObjectType.QUOTE: (
        "hs_title",
        "hs_status",
        "hs_expiration_date",
        "hs_currency",
        "hs_quote_amount",
        "hs_quote_number",
        "hs_template_type",
        "hs_lastmodifieddate",
    ),
    CrmObjectType.LINE_ITEM: (
        "name",
        "description",
        "hs_product_id",
        "hs_sku",
        "quantity",
        "price",
        "amount",
        "hs_line_item_currency_code",
        "discount",
        "hs_discount_percentage",
        "hs_tax_rate_group_id",
        "hs_recurring_billing_period",
        "recurringbillingfrequency",
    ),
    CrmObjectType.PRODUCT: ("name", "hs_sku", "description", "price", "hs_lastmodifieddate"),
    CrmObjectType.CONTACT: (
        "firstname",
        "lastname",
        "email",
        "phone",
        "company",
        "address",
        "city",
        "state",
        "zip",
        "country",
        "associatedcompanyid",
        "lastmodifieddate",
    ),
    CrmObjectType.COMPANY: (
        "name",
        "domain",
        "phone",
        "address",
        "address2",
        "city",
        "state",
        "zip",
        "country",
        "hs_lastmodifieddate",
    ),
    CrmObjectType.INVOICE: (
        "hs_currency",
        "hs_invoice_status",
        "hs_number",
        "hs_amount_billed",
        "hs_balance_due",
        "hs_invoice_date",
        "hs_due_date",
        "hs_invoice_billable",
        "hs_lastmodifieddate",
    ),
}
"""The properties hubqbo reads for each object type (callers may add their own)."""

ASSOCIATIONS: Mapping[CrmObjectType, tuple[CrmObjectType, ...]] = {
    CrmObjectType.DEAL: (
        CrmObjectType.CONTACT,
        CrmObjectType.COMPANY,
        CrmObjectType.LINE_ITEM,
        CrmObjectType.QUOTE,
        CrmObjectType.INVOICE,
    ),
    CrmObjectType.QUOTE: (
        CrmObjectType.CONTACT,
        CrmObjectType.COMPANY,
        CrmObjectType.DEAL,
        CrmObjectType.LINE_ITEM,
    ),
    CrmObjectType.CONTACT: (CrmObjectType.COMPANY,),
}
"""Which associations a single-record read asks for, per object type."""

_KEY = re.compile(r"[\s-]+")


_SINGULAR = {
    CrmObjectType.CONTACT: "contact",
    CrmObjectType.COMPANY: "company",
    CrmObjectType.DEAL: "deal",
    CrmObjectType.PRODUCT: "product",
    CrmObjectType.LINE_ITEM: "line_item",
    CrmObjectType.QUOTE: "quote",
    CrmObjectType.INVOICE: "invoice",
}


def association_key(name: str) -> str:
    """Association keys come as ``line_items``, ``line items``, ``company`` or a type id:
    the object type's name (``companies``), or the key normalised when it is not ours."""
    raw = name.strip().lower()
    key = _KEY.sub("_", raw)
    for member in CrmObjectType:
        if raw == member.type_id or key in (member.value, _SINGULAR[member], f"p_{member.value}"):
            return member.value
    return key


def paged_association_keys(obj: WireObject) -> list[str]:
    """The ``associations`` keys of ``obj`` whose list HubSpot cut short (``paging.next``)."""
    return [k for k, c in obj.associations.items() if c.paging is not None and c.paging.next]


def with_associations(obj: WireObject, key: str, ids: Sequence[str]) -> WireObject:
    """``obj`` with the ``associations[key]`` list replaced by the complete ``ids``."""
    full = dict(obj.associations)
    full[key] = WireAssociatedIds(results=[WireAssociatedId(id=i) for i in ids])
    return attrs.evolve(obj, associations=full)


def associated_ids(obj: WireObject, to_type: CrmObjectType) -> tuple[str, ...]:
    """The ids of ``obj``'s associated records of ``to_type`` (deduplicated, in order)."""
    seen: dict[str, None] = {}
    for key, collection in obj.associations.items():
        if association_key(key) == to_type.value:
            for item in collection.results:
                seen.setdefault(str(item.id), None)
    return tuple(seen)


def _text(props: Mapping[str, str | None], name: str) -> str | None:
    value = props.get(name)
    return value if value not in (None, "") else None


def _decimal(props: Mapping[str, str | None], name: str) -> Decimal | None:
    value = _text(props, name)
    return parse_number(value) if value is not None else None


def _date(props: Mapping[str, str | None], name: str) -> dt.date | None:
    value = _text(props, name)
    return parse_date(value) if value is not None else None


def _datetime(value: str | None) -> dt.datetime | None:
    return parse_datetime(value) if value else None


def _updated(obj: WireObject, prop: str = "hs_lastmodifieddate") -> dt.datetime | None:
    return _datetime(obj.updated_at) or _datetime(_text(obj.properties, prop))


def _address(props: Mapping[str, str | None], *lines: str) -> Address | None:
    address = Address(
        lines=tuple(v for v in (_text(props, n) for n in lines) if v),
        city=_text(props, "city"),
        region=_text(props, "state"),
        postal_code=_text(props, "zip"),
        country=_text(props, "country"),
    )
    return None if address.is_empty else address


def to_deal(obj: WireObject, *, primary_company_id: str | None = None) -> Deal:
    """A :class:`Deal` from a deal record (with its associations)."""
    p = obj.properties
    return Deal(
        id=obj.id,
        name=_text(p, "dealname"),
        amount=_decimal(p, "amount"),
        currency=_text(p, "deal_currency_code"),
        stage=_text(p, "dealstage"),
        pipeline=_text(p, "pipeline"),
        close_date=_datetime(_text(p, "closedate")),
        contact_ids=associated_ids(obj, CrmObjectType.CONTACT),
        company_ids=associated_ids(obj, CrmObjectType.COMPANY),
        primary_company_id=primary_company_id,
        line_item_ids=associated_ids(obj, CrmObjectType.LINE_ITEM),
        quote_ids=associated_ids(obj, CrmObjectType.QUOTE),
        invoice_ids=associated_ids(obj, CrmObjectType.INVOICE),
        updated_at=_updated(obj),
        properties=p,
    )


QUOTE_ADJUSTMENT_TYPES = ("discounts", "fees", "taxes")
"""HubSpot's quote-level pricing objects, associated with a quote (docs: "Discounts", "Fees",
"Taxes" guides; not in the OpenAPI descriptions we hold). Applied in this order."""
ADJUSTMENT_PROPERTIES = ("hs_label", "hs_type", "hs_value", "hs_sort_order")
"""What a discount/fee/tax says: ``hs_type`` ``PERCENT`` or ``FIXED`` and its ``hs_value``."""
_ADJUSTMENT_KEYS = {
    "discount": "discounts",
    "discounts": "discounts",
    "fee": "fees",
    "fees": "fees",
    "tax": "taxes",
    "taxes": "taxes",
}


@attrs.frozen
class QuoteAdjustments:
    """A quote's discounts and fees summed by kind, and whether it carries tax objects.

    Example:
        >>> QuoteAdjustments().has_tax_objects
        False
    """

    discount_amount: Decimal | None = None
    discount_percent: Decimal | None = None
    fee_amount: Decimal | None = None
    fee_percent: Decimal | None = None
    has_tax_objects: bool = False


def adjustment_ids(obj: WireObject) -> dict[str, tuple[str, ...]]:
    """The ids of ``obj``'s associated discounts, fees and taxes (keys as in
    :data:`QUOTE_ADJUSTMENT_TYPES`; a kind without any is left out)."""
    found: dict[str, dict[str, None]] = {}
    for key, collection in obj.associations.items():
        kind = _ADJUSTMENT_KEYS.get(_KEY.sub("_", key.strip().lower()))
        if kind is not None:
            for item in collection.results:
                found.setdefault(kind, {}).setdefault(str(item.id), None)
    return {kind: tuple(ids) for kind, ids in found.items() if ids}


def _sum_by_type(records: Sequence[WireObject], what: str) -> tuple[Decimal | None, Decimal | None]:
    """(sum of FIXED values, sum of PERCENT values) of discount or fee records."""
    sums: dict[str, Decimal] = {}
    for record in records:
        kind = (_text(record.properties, "hs_type") or "").upper()
        value = _decimal(record.properties, "hs_value")
        if kind not in {"FIXED", "PERCENT"} or value is None:
            raise ValidationError(
                provider="hubspot",
                status_code=None,
                code="UNREADABLE_QUOTE_ADJUSTMENT",
                message=(
                    f"{what} {record.id} has hs_type={kind or None!r}, hs_value={value!r}; "
                    "hubqbo reads only FIXED or PERCENT with a number"
                ),
            )
        sums[kind] = sums.get(kind, Decimal(0)) + value
    return sums.get("FIXED"), sums.get("PERCENT")


def quote_adjustments(
    discounts: Sequence[WireObject], fees: Sequence[WireObject], tax_ids: Sequence[str]
) -> QuoteAdjustments:
    """Sum a quote's discount and fee records by ``hs_type`` (several percentages are added,
    not compounded); any associated tax record sets ``has_tax_objects``.

    Raises:
        ValidationError: for a record whose ``hs_type`` is not FIXED/PERCENT or whose
            ``hs_value`` is missing (never silently dropped: it changes the amount due).
    """
    discount_amount, discount_percent = _sum_by_type(discounts, "discount")
    fee_amount, fee_percent = _sum_by_type(fees, "fee")
    return QuoteAdjustments(
        discount_amount, discount_percent, fee_amount, fee_percent, bool(tax_ids)
    )


def to_quote(obj: WireObject, adjustments: QuoteAdjustments | None = None) -> Quote:
    """A :class:`Quote` from a quote record (with its associations) and, when read, its
    discounts, fees and taxes."""
    p = obj.properties
    deals = associated_ids(obj, CrmObjectType.DEAL)
    extra = adjustments or QuoteAdjustments()
    return Quote(
        id=obj.id,
        title=_text(p, "hs_title"),
        status=_text(p, "hs_status"),
        expiration_date=_date(p, "hs_expiration_date"),
        currency=_text(p, "hs_currency"),
        amount=_decimal(p, "hs_quote_amount"),
        number=_text(p, "hs_quote_number"),
        template_type=_text(p, "hs_template_type"),
        buyer_contact_ids=associated_ids(obj, CrmObjectType.CONTACT),
        buyer_company_ids=associated_ids(obj, CrmObjectType.COMPANY),
        deal_id=deals[0] if deals else None,
        line_item_ids=associated_ids(obj, CrmObjectType.LINE_ITEM),
        has_tax_objects=extra.has_tax_objects,
        discount_amount=extra.discount_amount,
        discount_percent=extra.discount_percent,
        fee_amount=extra.fee_amount,
        fee_percent=extra.fee_percent,
        updated_at=_updated(obj),
        properties=p,
        expires_at=_datetime(_text(p, "hs_expiration_date")),
    )


def to_line_item(obj: WireObject) -> LineItem:
    """A :class:`LineItem` from a line item record."""
    p = obj.properties
    return LineItem(
        id=obj.id,
        product_id=_text(p, "hs_product_id"),
        sku=_text(p, "hs_sku"),
        name=_text(p, "name"),
        description=_text(p, "description"),
        quantity=_decimal(p, "quantity") or Decimal(1),
        unit_price=_decimal(p, "price") or Decimal(0),
        amount=_decimal(p, "amount"),
        currency=_text(p, "hs_line_item_currency_code"),
        discount=_decimal(p, "discount"),
        discount_percentage=_decimal(p, "hs_discount_percentage"),
        tax_rate_group_id=_text(p, "hs_tax_rate_group_id"),
        recurring_billing_period=_text(p, "hs_recurring_billing_period"),
        recurring_billing_frequency=_text(p, "recurringbillingfrequency"),
        properties=p,
    )


def to_product(obj: WireObject, *, qbo_id_property: str | None = None) -> Product:
    """A :class:`Product`; ``qbo_id_property`` names the property holding the QBO item id."""
    p = obj.properties
    return Product(
        id=obj.id,
        name=_text(p, "name"),
        sku=_text(p, "hs_sku"),
        description=_text(p, "description"),
        price=_decimal(p, "price"),
        qbo_item_id=_text(p, qbo_id_property) if qbo_id_property else None,
        updated_at=_updated(obj),
        properties=p,
    )


def to_contact(obj: WireObject) -> Contact:
    """A :class:`Contact` (``associatedcompanyid`` is HubSpot's primary company)."""
    p = obj.properties
    return Contact(
        id=obj.id,
        first_name=_text(p, "firstname"),
        last_name=_text(p, "lastname"),
        email=_text(p, "email"),
        phone=_text(p, "phone"),
        company_name=_text(p, "company"),
        address=_address(p, "address"),
        company_ids=associated_ids(obj, CrmObjectType.COMPANY),
        primary_company_id=_text(p, "associatedcompanyid"),
        updated_at=_updated(obj, "lastmodifieddate"),
        properties=p,
    )


def to_company(obj: WireObject) -> Company:
    """A :class:`Company`."""
    p = obj.properties
    return Company(
        id=obj.id,
        name=_text(p, "name"),
        domain=_text(p, "domain"),
        phone=_text(p, "phone"),
        address=_address(p, "address", "address2"),
        updated_at=_updated(obj),
        properties=p,
    )


def to_crm_invoice(obj: WireObject) -> CrmInvoice:
    """A :class:`CrmInvoice` from an invoice (0-52) record."""
    p = obj.properties
    billable = _text(p, "hs_invoice_billable")
    return CrmInvoice(
        id=obj.id,
        currency=_text(p, "hs_currency") or "",
        status=_text(p, "hs_invoice_status"),
        number=_text(p, "hs_number"),
        amount_billed=_decimal(p, "hs_amount_billed"),
        balance_due=_decimal(p, "hs_balance_due"),
        invoice_date=_date(p, "hs_invoice_date"),
        due_date=_date(p, "hs_due_date"),
        billable=parse_bool(billable) if billable is not None else False,
        updated_at=_updated(obj),
        properties=p,
    )


def crm_invoice_properties(invoice: CrmInvoice) -> dict[str, str]:
    """The properties to write for ``invoice``: its raw ``properties`` overlaid with the typed
    fields that are set (read-only computed ones such as ``hs_amount_billed`` are left out)."""
    typed: dict[str, WireValue] = {
        "hs_currency": invoice.currency,
        "hs_invoice_status": invoice.status,
        "hs_number": invoice.number,
        "hs_invoice_date": invoice.invoice_date,
        "hs_due_date": invoice.due_date,
        "hs_invoice_billable": invoice.billable,
    }
    out = {k: v for k, v in invoice.properties.items() if v is not None}
    out.update({k: to_wire(v) for k, v in typed.items() if v is not None})
    return out


def typed_properties(
    props: Mapping[str, str | None], kinds: Mapping[str, PropertyKind]
) -> dict[str, Any]:
    """Raw property strings converted by their kinds (unknown names stay strings)."""
    return {
        name: from_wire(value, kinds.get(name, PropertyKind.STRING))
        for name, value in props.items()
    }


def object_write_trace_ids(error: Mapping[str, Any]) -> list[str]:
    """The ``objectWriteTraceId``s a 207 error entry names in its ``context``."""
    context = error.get("context")
    if not isinstance(context, Mapping):
        return []
    ids = context.get("objectWriteTraceId") or ()
    return [str(i) for i in cast(Iterable[Any], ids)]


def linked_pairs(data: Mapping[str, Any] | None) -> set[tuple[str, str]]:
    """The ``(fromObjectId, toObjectId)`` pairs an association batch create reports as linked
    (``LabelsBetweenObjectPair`` results of its 201/207 answer)."""
    return {
        (_structure_str(r["fromObjectId"], str), _structure_str(r["toObjectId"], str))
        for r in _results(data or {})
    }


def context_ids(error: Mapping[str, Any]) -> set[str]:
    """Every value a 207 error entry lists in its ``context`` (record ids among them)."""
    context = error.get("context")
    if not isinstance(context, Mapping):
        return set()
    return {str(v) for values in context.values() if isinstance(values, list) for v in values}
