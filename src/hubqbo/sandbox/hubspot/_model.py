"""Object types, property definitions and property-value rules of the HubSpot sandbox.

Why: HubSpot validates every written value against the property's definition (type, field type,
options, read-only, uniqueness) and sends every value back as a string. Keeping those rules as
data plus small pure functions lets the store, the search evaluator and the seeding share one
reading of them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

__all__ = [
    "ADJUSTMENT_KINDS",
    "ADJUSTMENT_TYPES",
    "FIELD_TYPES",
    "PROPERTY_TYPES",
    "ObjectType",
    "PropertyDef",
    "PropertyGroupDef",
    "ValueProblem",
    "default_groups",
    "default_properties",
    "format_datetime",
    "normalize_value",
    "object_type",
    "object_types",
    "parse_instant",
    "wire_string",
]


@attrs.frozen
class ObjectType:
    """One CRM object type: plural API name, singular name and HubSpot's type id.

    Example:
        >>> object_type("0-3").name, object_type("DEAL").type_id
        ('deals', '0-3')
    """

    name: str
    singular: str
    type_id: str
    label: str
    created_property: str = "createdate"
    modified_property: str = "hs_lastmodifieddate"
    default_properties: tuple[str, ...] = ()
    query_properties: tuple[str, ...] = ()


_TYPES = (
    ObjectType(
        "contacts",
        "contact",
        "0-1",
        "CONTACT",
        modified_property="lastmodifieddate",
        default_properties=(
            "createdate",
            "email",
            "firstname",
            "hs_object_id",
            "lastmodifieddate",
            "lastname",
        ),
        query_properties=("firstname", "lastname", "email", "phone", "company"),
    ),
    ObjectType(
        "companies",
        "company",
        "0-2",
        "COMPANY",
        default_properties=("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
        query_properties=("name", "domain", "phone", "website"),
    ),
    ObjectType(
        "deals",
        "deal",
        "0-3",
        "DEAL",
        default_properties=(
            "amount",
            "closedate",
            "createdate",
            "dealname",
            "dealstage",
            "hs_lastmodifieddate",
            "hs_object_id",
            "pipeline",
        ),
        query_properties=("dealname", "description"),
    ),
    ObjectType(
        "products",
        "product",
        "0-7",
        "PRODUCT",
        default_properties=(
            "createdate",
            "description",
            "hs_lastmodifieddate",
            "hs_object_id",
            "name",
            "price",
        ),
        query_properties=("name", "description", "hs_sku"),
    ),
    ObjectType(
        "line_items",
        "line_item",
        "0-8",
        "LINE_ITEM",
        default_properties=(
            "amount",
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_product_id",
            "name",
            "price",
            "quantity",
        ),
        query_properties=("name", "description", "hs_sku"),
    ),
    ObjectType(
        "quotes",
        "quote",
        "0-14",
        "QUOTE",
        created_property="hs_createdate",
        default_properties=(
            "hs_createdate",
            "hs_expiration_date",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_quote_amount",
            "hs_status",
            "hs_title",
        ),
        query_properties=("hs_title",),
    ),
    ObjectType(
        "invoices",
        "invoice",
        "0-52",
        "INVOICE",
        created_property="hs_createdate",
        default_properties=(
            "hs_createdate",
            "hs_currency",
            "hs_due_date",
            "hs_invoice_status",
            "hs_lastmodifieddate",
            "hs_number",
            "hs_object_id",
        ),
        query_properties=("hs_number", "hs_title"),
    ),
    *(
        ObjectType(
            plural,
            singular,
            type_id,
            singular.upper(),
            created_property="hs_createdate",
            default_properties=(
                "hs_createdate",
                "hs_lastmodifieddate",
                "hs_object_id",
                "hs_type",
                "hs_value",
            ),
            query_properties=("hs_label",),
        )
        for plural, singular, type_id in (
            ("discounts", "discount", "0-84"),
            ("fees", "fee", "0-85"),
            ("taxes", "tax", "0-86"),
        )
    ),
)
"""The quote/invoice-level pricing objects (discounts, fees, taxes) follow HubSpot's guides:
``hs_label``, ``hs_type`` (``PERCENT`` or ``FIXED``), ``hs_value``, ``hs_sort_order`` (and a
discount's ``hs_duration``); default reads send ``hs_type`` and ``hs_value``."""

ADJUSTMENT_TYPES = ("discounts", "fees", "taxes")
"""Quote- and invoice-level pricing objects, in the order HubSpot applies them."""
ADJUSTMENT_KINDS = ("PERCENT", "FIXED")

_BY_KEY: dict[str, ObjectType] = {}
for _t in _TYPES:
    for _key in (
        _t.name,
        _t.singular,
        _t.type_id,
        _t.name.replace("_", ""),
        _t.singular.replace("_", ""),
    ):
        _BY_KEY[_key.lower()] = _t


def object_type(key: str) -> ObjectType | None:
    """The object type named by ``key``: plural or singular name or type id, in any case."""
    return _BY_KEY.get(key.strip().lower().replace(" ", "_"))


def object_types() -> tuple[ObjectType, ...]:
    """Every object type the sandbox serves."""
    return _TYPES


# ------------------------------------------------------------------------------------------
# Property definitions
# ------------------------------------------------------------------------------------------

PROPERTY_TYPES = frozenset(
    {"bool", "date", "datetime", "enumeration", "number", "phone_number", "string"}
)
FIELD_TYPES = frozenset(
    {
        "booleancheckbox",
        "calculation_equation",
        "checkbox",
        "date",
        "file",
        "html",
        "number",
        "phonenumber",
        "radio",
        "select",
        "text",
        "textarea",
    }
)
_VALID_FIELD_TYPES: Mapping[str, frozenset[str]] = {
    "string": frozenset({"text", "textarea", "html", "phonenumber", "file"}),
    "phone_number": frozenset({"phonenumber", "text"}),
    "number": frozenset({"number", "calculation_equation"}),
    "date": frozenset({"date"}),
    "datetime": frozenset({"date"}),
    "enumeration": frozenset({"select", "radio", "checkbox", "booleancheckbox"}),
    "bool": frozenset({"booleancheckbox"}),
}


def valid_field_type(type_: str, field_type: str) -> bool:
    """Whether HubSpot accepts ``fieldType`` for a property of ``type``."""
    return field_type in _VALID_FIELD_TYPES.get(type_, frozenset())


@attrs.frozen
class PropertyDef:
    """A property definition, as ``GET /crm/v3/properties/{type}`` describes it.

    Example:
        >>> qbo_id = PropertyDef("qbo_id", "QBO id", "string", "text", "g", has_unique_value=True)
        >>> qbo_id.to_wire("2026-11-25T09:00:00.000Z")["hasUniqueValue"]
        True
    """

    name: str
    label: str
    type: str
    field_type: str
    group_name: str
    description: str = ""
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    has_unique_value: bool = False
    read_only: bool = False
    hubspot_defined: bool = False
    calculated: bool = False
    hidden: bool = False
    display_order: int = -1
    form_field: bool = False
    number_display_hint: str | None = None
    external_options: bool = False
    created_at: str | None = None
    archived: bool = False
    decimal_places: int | None = None
    """Numbers HubSpot sends back with a fixed scale (a discount's ``hs_value`` is
    ``"20.0000"`` in the guides' examples); None keeps the value as written."""

    def option_values(self) -> frozenset[str]:
        """The values an enumeration accepts."""
        return frozenset(value for value, _ in self.options)

    def to_wire(self, timestamp: str) -> dict[str, Any]:
        """The JSON HubSpot sends for this definition."""
        body: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "description": self.description,
            "groupName": self.group_name,
            "options": [
                {"label": label, "value": value, "displayOrder": i, "hidden": False}
                for i, (value, label) in enumerate(self.options)
            ],
            "displayOrder": self.display_order,
            "calculated": self.calculated,
            "externalOptions": self.external_options,
            "hasUniqueValue": self.has_unique_value,
            "hidden": self.hidden,
            "hubspotDefined": self.hubspot_defined,
            "modificationMetadata": {
                "archivable": not self.hubspot_defined,
                "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only,
            },
            "formField": self.form_field,
            "archived": self.archived,
            "createdAt": self.created_at or timestamp,
            "updatedAt": self.created_at or timestamp,
        }
        if self.number_display_hint is not None:
            body["numberDisplayHint"] = self.number_display_hint
        return body


@attrs.frozen
class PropertyGroupDef:
    """A property group (``{name, label, displayOrder, archived}``)."""

    name: str
    label: str
    display_order: int = -1
    archived: bool = False

    def to_wire(self) -> dict[str, Any]:
        """The JSON HubSpot sends for this group."""
        return {
            "name": self.name,
            "label": self.label,
            "displayOrder": self.display_order,
            "archived": self.archived,
        }


CURRENCY_CODES = (
    "AUD",
    "BRL",
    "CAD",
    "CHF",
    "CNY",
    "DKK",
    "EUR",
    "GBP",
    "HKD",
    "INR",
    "JPY",
    "MXN",
    "NOK",
    "NZD",
    "SEK",
    "SGD",
    "USD",
    "ZAR",
)
DEAL_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)
QUOTE_STATUSES = (
    "DRAFT",
    "APPROVAL_NOT_NEEDED",
    "PENDING_APPROVAL",
    "APPROVED",
    "REJECTED",
    "ACCEPTED",
)
INVOICE_STATUSES = ("draft", "open", "paid", "voided")
FREQUENCIES = ("monthly", "quarterly", "annually")
LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)


def _opts(values: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v.replace("_", " ").title()) for v in values)


def _p(
    name: str,
    type_: str = "string",
    field_type: str | None = None,
    *,
    group: str,
    read_only: bool = False,
    options: Iterable[str] = (),
    calculated: bool = False,
    unique: bool = False,
) -> PropertyDef:
    default_field = {
        "string": "text",
        "number": "number",
        "date": "date",
        "datetime": "date",
        "enumeration": "select",
        "bool": "booleancheckbox",
        "phone_number": "phonenumber",
    }[type_]
    return PropertyDef(
        name=name,
        label=name.replace("hs_", "").replace("_", " ").capitalize(),
        type=type_,
        field_type=field_type or default_field,
        group_name=group,
        options=_opts(options) if type_ != "bool" else (("true", "Yes"), ("false", "No")),
        read_only=read_only,
        hubspot_defined=True,
        calculated=calculated,
        has_unique_value=unique,
    )


def _system(kind: ObjectType, group: str) -> list[PropertyDef]:
    props = [
        _p("hs_object_id", "number", group=group, read_only=True, unique=True),
        _p(kind.created_property, "datetime", group=group, read_only=True),
        _p(kind.modified_property, "datetime", group=group, read_only=True),
        _p("hubspot_owner_id", "enumeration", group=group),
    ]
    return props


def _sellable(g: str) -> list[PropertyDef]:
    """What products and line items share (a line item inherits these from its product)."""
    return [
        _p("name", group=g),
        _p("description", "string", "textarea", group=g),
        _p("price", "number", group=g),
        _p("hs_sku", group=g),
        _p("hs_recurring_billing_period", group=g),
        _p("recurringbillingfrequency", "enumeration", group=g, options=FREQUENCIES),
    ]


def _defaults(kind: ObjectType) -> list[PropertyDef]:
    g = f"{kind.singular}information"
    props = _system(kind, g)
    if kind.name == "contacts":
        props += [
            _p(n, group=g)
            for n in ("firstname", "lastname", "email", "company", "jobtitle", "website")
        ]
        props += [_p(n, group=g) for n in ("address", "city", "state", "zip", "country")]
        props += [
            _p("phone", "string", "phonenumber", group=g),
            _p("mobilephone", "string", "phonenumber", group=g),
            _p("lifecyclestage", "enumeration", "radio", group=g, options=LIFECYCLE_STAGES),
        ]
    elif kind.name == "companies":
        props += [
            _p(n, group=g) for n in ("name", "domain", "website", "address", "address2", "city")
        ]
        props += [_p(n, group=g) for n in ("state", "zip", "country", "industry", "description")]
        props += [_p("phone", "string", "phonenumber", group=g)]
    elif kind.name == "deals":
        props += [
            _p("dealname", group=g),
            _p("amount", "number", group=g),
            _p("deal_currency_code", "enumeration", group=g, options=CURRENCY_CODES),
            _p("dealstage", "enumeration", "radio", group=g, options=DEAL_STAGES),
            _p("pipeline", "enumeration", group=g, options=("default",)),
            _p("closedate", "datetime", group=g),
            _p("description", "string", "textarea", group=g),
            _p("hs_deal_stage_probability", "number", group=g, read_only=True, calculated=True),
        ]
    elif kind.name == "products":
        props += [*_sellable(g), _p("hs_cost_of_goods_sold", "number", group=g)]
    elif kind.name == "line_items":
        props += [
            *_sellable(g),
            _p("quantity", "number", group=g),
            _p("amount", "number", group=g, read_only=True, calculated=True),
            _p("discount", "number", group=g),
            _p("hs_discount_percentage", "number", group=g),
            _p("hs_product_id", "number", group=g),
            _p("hs_line_item_currency_code", "enumeration", group=g, options=CURRENCY_CODES),
            _p("hs_tax_rate_group_id", group=g),
            _p("hs_position_on_quote", "number", group=g),
        ]
    elif kind.name == "quotes":
        props += [
            _p("hs_title", group=g),
            _p("hs_expiration_date", "datetime", group=g),
            _p("hs_status", "enumeration", group=g, options=QUOTE_STATUSES),
            _p("hs_currency", "enumeration", group=g, options=CURRENCY_CODES),
            _p("hs_quote_amount", "number", group=g, read_only=True, calculated=True),
            _p("hs_quote_number", group=g, read_only=True),
            _p("hs_quote_link", group=g, read_only=True),
            _p("hs_locked", "bool", group=g, read_only=True),
            _p("hs_language", group=g),
            _p("hs_template_type", group=g),
            _p("hs_terms", "string", "textarea", group=g),
            _p("hs_comments", "string", "textarea", group=g),
        ]
    elif kind.name == "invoices":
        props += [
            _p("hs_currency", "enumeration", group=g, options=CURRENCY_CODES),
            _p("hs_invoice_status", "enumeration", group=g, options=INVOICE_STATUSES),
            _p("hs_invoice_date", "datetime", group=g),
            _p("hs_due_date", "datetime", group=g),
            _p("hs_title", group=g),
            _p("hs_number", group=g, read_only=True),
            _p("hs_amount_billed", "number", group=g, read_only=True, calculated=True),
            _p("hs_balance_due", "number", group=g, read_only=True, calculated=True),
            _p("hs_invoice_billable", "bool", group=g),
            _p("hs_invoice_link", group=g, read_only=True),
            _p("hs_purchase_order_number", group=g),
            _p("hs_comments", "string", "textarea", group=g),
            _p("hs_tax_id", group=g),
        ]
    elif kind.name in ADJUSTMENT_TYPES:
        props += [
            _p("hs_label", group=g),
            _p("hs_type", "enumeration", group=g, options=ADJUSTMENT_KINDS),
            attrs.evolve(_p("hs_value", "number", group=g), decimal_places=4),
            _p("hs_sort_order", "number", group=g),
        ]
        if kind.name == "discounts":
            props.append(_p("hs_duration", group=g))
    return props


def default_properties(kind: ObjectType) -> dict[str, PropertyDef]:
    """HubSpot's default properties for ``kind`` (the ones the sandbox models)."""
    return {p.name: p for p in _defaults(kind)}


def default_groups(kind: ObjectType) -> dict[str, PropertyGroupDef]:
    """The default property group of ``kind`` (``dealinformation`` ...)."""
    name = f"{kind.singular}information"
    label = f"{kind.singular.replace('_', ' ').title()} information"
    return {name: PropertyGroupDef(name, label, 0)}


# ------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------


@attrs.frozen
class ValueProblem:
    """Why HubSpot refuses a value (``error`` is HubSpot's code, e.g. ``INVALID_OPTION``)."""

    name: str
    error: str
    message: str


def format_datetime(instant: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HubSpot writes timestamps."""
    utc = instant.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


_MS = re.compile(r"^-?\d{1,15}$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def parse_instant(value: str) -> dt.datetime | None:
    """Epoch milliseconds, ``YYYY-MM-DD`` (midnight UTC) or ISO 8601, as an aware datetime."""
    text = value.strip()
    if _MS.match(text):
        return _EPOCH + dt.timedelta(milliseconds=int(text))  # exact: no float rounding
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


def wire_string(value: Any) -> str | None:
    """Coerce a JSON value to HubSpot's string form (lenient: numbers and booleans accepted)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, str):
        return value
    return None


def normalize_value(definition: PropertyDef, raw: str, previous: str | None) -> str | ValueProblem:
    """The stored form of ``raw`` for ``definition`` or why HubSpot refuses it.

    Example:
        >>> amount = PropertyDef("amount", "Amount", "number", "number", "g")
        >>> normalize_value(amount, "1500.50", None)
        '1500.50'
        >>> normalize_value(amount, "lots", None).error
        'INVALID_DECIMAL'
    """
    name = definition.name
    if raw == "":
        return ""
    if definition.type == "number":
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            return ValueProblem(name, "INVALID_DECIMAL", f'"{raw}" is not a valid number.')
        if not number.is_finite():
            return ValueProblem(name, "INVALID_DECIMAL", f'"{raw}" is not a valid number.')
        if definition.decimal_places is not None:
            return str(number.quantize(Decimal(1).scaleb(-definition.decimal_places)))
        return raw.strip()
    if definition.type == "bool":
        lowered = raw.strip().lower()
        if lowered not in {"true", "false"}:
            return ValueProblem(
                name, "INVALID_BOOLEAN", f'"{raw}" is not a valid boolean; use true or false.'
            )
        return lowered
    if definition.type == "date":
        instant = parse_instant(raw)
        if instant is None:
            return ValueProblem(name, "INVALID_DATE", f'"{raw}" is not a valid date.')
        if instant.time() != dt.time(0, 0) or instant.utcoffset() != dt.timedelta(0):
            shown = instant.astimezone(dt.timezone.utc).strftime("%H:%M:%S.%f")[:-3]
            return ValueProblem(name, "INVALID_DATE", f"{raw} is at {shown} UTC, not midnight!")
        return instant.date().isoformat()
    if definition.type == "datetime":
        instant = parse_instant(raw)
        if instant is None:
            return ValueProblem(name, "INVALID_DATETIME", f'"{raw}" is not a valid datetime.')
        return format_datetime(instant)
    if definition.type == "enumeration" and not definition.external_options and definition.options:
        allowed = definition.option_values()
        if definition.field_type == "checkbox":
            append = raw.startswith(";")
            chosen = [v for v in raw.split(";") if v]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                return _option_problem(definition, bad[0])
            if append and previous:
                chosen = [
                    *previous.split(";"),
                    *[v for v in chosen if v not in previous.split(";")],
                ]
            return ";".join(chosen)
        if raw not in allowed:
            return _option_problem(definition, raw)
    return raw


def _option_problem(definition: PropertyDef, value: str) -> ValueProblem:
    allowed = ", ".join(sorted(definition.option_values()))
    return ValueProblem(
        definition.name,
        "INVALID_OPTION",
        f"{value} was not one of the allowed options: [{allowed}]",
    )
