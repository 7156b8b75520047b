"""The two sides' field descriptions: a QBO field (from the type table) and a HubSpot property.

Why: a mapping joins a field of Intuit's entity to a HubSpot property; whether the join is
sound depends on both sides' types, lengths, options and writability. These two small frozen
classes carry exactly that, free of any wire format, so the pure rules (compatibility,
validation, mapping a record) need no adapter.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

import attrs

__all__ = [
    "HUBSPOT_FIELD_TYPES",
    "HUBSPOT_TYPES",
    "HubSpotProperty",
    "QboField",
    "QboType",
    "custom_field_id",
]

HUBSPOT_TYPES = frozenset(
    {"bool", "date", "datetime", "enumeration", "number", "phone_number", "string"}
)
"""HubSpot's property ``type`` values (``PropertyCreate.type`` of its properties API)."""
HUBSPOT_FIELD_TYPES = frozenset(
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
"""HubSpot's ``fieldType`` values (``PropertyCreate.fieldType``)."""


class QboType(str, enum.Enum):
    """The type of a QBO field, as Intuit's XSD declares it.

    ``REFERENCE`` is the ``value`` of a ``ReferenceType`` (an id, or an ISO code for
    ``CurrencyRef``); ``ENUM`` a string restricted to the enumeration's values.
    """

    STRING = "string"
    DECIMAL = "decimal"
    INTEGER = "int"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "dateTime"
    ENUM = "enum"
    REFERENCE = "reference"


_CUSTOM_FIELD = re.compile(r"^CustomField\[DefinitionId=([0-9]+)\]$")


def custom_field_id(path: str) -> str | None:
    """The definition id of a sales-form custom field path, or ``None`` for another path.

    Example:
        >>> custom_field_id("CustomField[DefinitionId=2]"), custom_field_id("DocNumber")
        ('2', None)
    """
    found = _CUSTOM_FIELD.match(path)
    return found.group(1) if found else None


def _tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class QboField:
    """One field of a QBO entity, named by its path in Intuit's JSON (``BillAddr.City``).

    Attributes:
        entity: ``"Customer"``, ``"Item"`` or ``"Invoice"``.
        path: the field's path (``DisplayName``, ``PrimaryEmailAddr.Address``,
            ``CustomField[DefinitionId=1]``).
        type: the XSD type.
        max_length: the maximum length for QBO, when Intuit states one (the smaller where two
            statements differ); ``None`` when no limit is published.
        read_only: QBO computes the value (``TotalAmt``, ``Balance``, ``MetaData.*``, ``Id``...):
            never a mapping's target.
        options: the values of an ``ENUM`` field.
        email: the value is an e-mail address (QBO may hold several, comma-separated).
        single_email: the field takes one address only (``BillEmail``, per the XSD).
        source: where the type is declared (XSD file and line), for review.
        length_source: where ``max_length`` is stated (XSD file and line, or Intuit's page).
        note: anything a reviewer should know.

    Example:
        >>> f = QboField("Customer", "GivenName", QboType.STRING, max_length=25)
        >>> f.label
        'Customer.GivenName'
    """

    entity: str
    path: str
    type: QboType
    max_length: int | None = None
    read_only: bool = False
    options: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    email: bool = False
    single_email: bool = False
    source: str = ""
    length_source: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        """``Entity.path``, as messages name the field."""
        return f"{self.entity}.{self.path}"

    @property
    def type_label(self) -> str:
        """The type as a table shows it (``string(100)``, ``enum``, ``decimal``)."""
        if self.email:
            return "email" if self.max_length is None else f"email({self.max_length})"
        if self.type is QboType.STRING and self.max_length is not None:
            return f"string({self.max_length})"
        return self.type.value


@attrs.frozen
class HubSpotProperty:
    """A HubSpot property definition, as far as a mapping needs it.

    ``type``/``field_type`` are HubSpot's (``string``/``text``, ``number``/``number``,
    ``date``/``date``, ``datetime``/``date``, ``bool``/``booleancheckbox``,
    ``enumeration``/``select``|``radio``|``checkbox``|``booleancheckbox``,
    ``phone_number``/``phonenumber``). ``read_only`` is true for calculated properties and
    those whose ``modificationMetadata.readOnlyValue`` is true.

    Example:
        >>> HubSpotProperty("email", type="string", field_type="text").kind
        'string'
        >>> HubSpotProperty("tags", type="enumeration", field_type="checkbox").kind
        'multi'
    """

    name: str
    type: str = "string"
    field_type: str = "text"
    label: str | None = None
    options: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    read_only: bool = False
    calculated: bool = False
    hubspot_defined: bool = False

    @property
    def kind(self) -> str:
        """The type the mapping rules use: HubSpot's ``type``, with three refinements.

        ``multi`` for a multi-checkbox enumeration (values joined by ``;``), ``file`` for a
        file property (a string holding file ids), ``bool`` for an enumeration shown as a
        single checkbox with only ``true``/``false`` options.
        """
        if self.type == "enumeration" and self.field_type == "checkbox":
            return "multi"
        if (
            self.type == "enumeration"
            and self.field_type == "booleancheckbox"
            and set(self.options) <= {"true", "false"}
        ):
            return "bool"
        if self.type == "string" and self.field_type == "file":
            return "file"
        if self.type == "phone_number":
            return "string"
        return self.type

    @property
    def writable(self) -> bool:
        """False for calculated and read-only properties."""
        return not (self.read_only or self.calculated or self.field_type == "calculation_equation")

    @property
    def type_label(self) -> str:
        """The type as a table shows it (``string/text``, ``enumeration/select``)."""
        return f"{self.type}/{self.field_type}"
