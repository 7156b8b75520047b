"""One field mapping and the enumerations that describe it.

Why frozen attrs classes: a mapping set is versioned and stored; a mapping must never change
under a version that a sync run recorded. Changes go through :class:`MappingSet`, which returns
a new version.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from hubqbo.mapping._compat import Loss
from hubqbo.mapping._types import HubSpotProperty
from hubqbo.models import AccountingEntity, CrmObjectType

__all__ = ["Direction", "FieldMapping", "LossPolicy", "ObjectPair", "Transform"]


class Direction(str, enum.Enum):
    """Which way a mapping's values flow.

    Example:
        >>> Direction.BOTH.writes_qbo, Direction.QBO_TO_HUBSPOT.writes_qbo
        (True, False)
    """

    QBO_TO_HUBSPOT = "qbo_to_hubspot"
    HUBSPOT_TO_QBO = "hubspot_to_qbo"
    BOTH = "both"

    @property
    def writes_hubspot(self) -> bool:
        """True when values are written to the HubSpot property."""
        return self is not Direction.HUBSPOT_TO_QBO

    @property
    def writes_qbo(self) -> bool:
        """True when values are written to the QBO field."""
        return self is not Direction.QBO_TO_HUBSPOT

    @property
    def arrow(self) -> str:
        """``HubSpot <arrow> QBO`` as a table shows it."""
        return {"qbo_to_hubspot": "<-", "hubspot_to_qbo": "->", "both": "<->"}[self.value]

    def includes(self, flow: Direction) -> bool:
        """True when this mapping carries values in the one-way ``flow``."""
        if flow is Direction.BOTH:
            raise ValueError("a record is mapped one way: QBO_TO_HUBSPOT or HUBSPOT_TO_QBO")
        return self is Direction.BOTH or self is flow


class ObjectPair(str, enum.Enum):
    """The three object pairs that have mapping sets.

    Example:
        >>> ObjectPair.CONTACT.qbo_entity, ObjectPair.CONTACT.crm_object.value
        ('Customer', 'contacts')
    """

    CONTACT = "contact"
    PRODUCT = "product"
    INVOICE = "invoice"

    @property
    def crm_object(self) -> CrmObjectType:
        """The HubSpot object type."""
        return {
            "contact": CrmObjectType.CONTACT,
            "product": CrmObjectType.PRODUCT,
            "invoice": CrmObjectType.INVOICE,
        }[self.value]

    @property
    def qbo_entity(self) -> str:
        """The QBO entity name (``Customer``, ``Item``, ``Invoice``)."""
        return {
            "contact": AccountingEntity.CUSTOMER,
            "product": AccountingEntity.ITEM,
            "invoice": AccountingEntity.INVOICE,
        }[self.value].value

    @property
    def allows_custom_fields(self) -> bool:
        """True for invoices: QBO offers sales-form custom fields
        (``CustomField[DefinitionId=N]``) on sales transactions only."""
        return self is ObjectPair.INVOICE

    @classmethod
    def of_objects(cls, hubspot_object: str, qbo_object: str) -> ObjectPair:
        """The pair the state store names ``(hubspot_object, qbo_object)`` (``("contacts",
        "Customer")``; see :attr:`store_key`).

        Raises:
            ValueError: no pair joins those objects.
        """
        for pair in cls:
            if pair.store_key == (hubspot_object, qbo_object):
                return pair
        raise ValueError(f"no mapping set joins {hubspot_object!r} and {qbo_object!r}")

    @property
    def store_key(self) -> tuple[str, str]:
        """``(hubspot_object, qbo_object)`` as the state store keys mapping sets.

        Example:
            >>> ObjectPair.PRODUCT.store_key
            ('products', 'Item')
        """
        return (self.crm_object.value, self.qbo_entity)

    @property
    def label(self) -> str:
        """``HubSpot contact <-> QBO Customer``."""
        return f"HubSpot {self.value} <-> QBO {self.qbo_entity}"


class Transform(str, enum.Enum):
    """A named conversion that accepts one kind of loss, reported as lossy when it applies.

    Example:
        >>> Transform.TRUNCATE.resolves
        <Loss.LENGTH: 'length'>
    """

    TRUNCATE = "truncate"
    """Cut a string to the target's maximum length."""
    AS_TEXT = "as_text"
    """Write a number, boolean, date or option list as text."""
    DATE_ONLY = "date_only"
    """Write a datetime's calendar date (in the target side's time zone)."""
    FIRST_EMAIL = "first_email"
    """Write the first of several comma-separated e-mail addresses."""

    @property
    def resolves(self) -> Loss:
        """The loss this transform accepts."""
        return {
            "truncate": Loss.LENGTH,
            "as_text": Loss.TEXT,
            "date_only": Loss.TIME,
            "first_email": Loss.EMAILS,
        }[self.value]


class LossPolicy(str, enum.Enum):
    """What to do with values a lossy pair cannot carry whole (the alternative to a transform)."""

    REFUSE = "refuse"
    """Write only values that fit exactly; each value that would lose information is refused
    with a problem (the record's other fields are still mapped), never altered."""


def _options(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _option_map(value: Iterable[Iterable[str]] | Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    pairs = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[str, str]] = []
    for pair in pairs:
        hub, qbo = tuple(pair)
        out.append((str(hub), str(qbo)))
    return tuple(out)


@attrs.frozen
class FieldMapping:
    """One QBO field joined to one HubSpot property.

    Attributes:
        hubspot_property: the property's internal name (``firstname``).
        qbo_field: the field's path in Intuit's entity (``GivenName``,
            ``PrimaryEmailAddr.Address``, ``BillAddr.City``, on invoices
            ``CustomField[DefinitionId=1]``).
        direction: which way values flow.
        hubspot_type: the property's HubSpot ``type`` when the mapping was made.
        hubspot_field_type: its ``fieldType``.
        hubspot_options: its enumeration option values, if any.
        transform: a named conversion accepting one kind of loss, or ``None``.
        policy: ``LossPolicy.REFUSE`` to accept a lossy pair by refusing values that do not fit.
        option_map: ``(HubSpot option, QBO value)`` pairs for enumerations whose values differ.
        default: True for a mapping of HubSpot's defaults, False for the user's own.

    Example:
        >>> m = FieldMapping("firstname", "GivenName", Direction.BOTH, policy=LossPolicy.REFUSE)
        >>> m.key, m.direction.arrow
        ('firstname:GivenName', '<->')
    """

    hubspot_property: str
    qbo_field: str
    direction: Direction = attrs.field(default=Direction.QBO_TO_HUBSPOT, converter=Direction)
    hubspot_type: str = "string"
    hubspot_field_type: str = "text"
    hubspot_options: tuple[str, ...] = attrs.field(default=(), converter=_options)
    transform: Transform | None = attrs.field(
        default=None, converter=attrs.converters.optional(Transform)
    )
    policy: LossPolicy | None = attrs.field(
        default=None, converter=attrs.converters.optional(LossPolicy)
    )
    option_map: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_option_map)
    default: bool = False

    @classmethod
    def between(
        cls,
        prop: HubSpotProperty,
        qbo_field: str,
        direction: Direction = Direction.QBO_TO_HUBSPOT,
        *,
        transform: Transform | None = None,
        policy: LossPolicy | None = None,
        option_map: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    ) -> FieldMapping:
        """A mapping whose HubSpot type, field type and options are taken from ``prop``.

        Example:
            >>> from hubqbo.mapping import HubSpotProperty
            >>> FieldMapping.between(HubSpotProperty("price", "number", "number"),
            ...                      "UnitPrice").hubspot_type
            'number'
        """
        return cls(
            hubspot_property=prop.name,
            qbo_field=qbo_field,
            direction=direction,
            hubspot_type=prop.type,
            hubspot_field_type=prop.field_type,
            hubspot_options=prop.options,
            transform=transform,
            policy=policy,
            option_map=_option_map(option_map),
        )

    @property
    def key(self) -> str:
        """``hubspot_property:qbo_field``: how a set names the mapping."""
        return f"{self.hubspot_property}:{self.qbo_field}"

    @property
    def hubspot(self) -> HubSpotProperty:
        """The HubSpot side as this mapping knows it (its type when the mapping was made)."""
        return HubSpotProperty(
            self.hubspot_property,
            self.hubspot_type,
            self.hubspot_field_type,
            options=self.hubspot_options,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (defaults left out)."""
        out: dict[str, Any] = {
            "hubspot_property": self.hubspot_property,
            "qbo_field": self.qbo_field,
            "direction": self.direction.value,
            "hubspot_type": self.hubspot_type,
            "hubspot_field_type": self.hubspot_field_type,
        }
        if self.hubspot_options:
            out["hubspot_options"] = list(self.hubspot_options)
        if self.transform is not None:
            out["transform"] = self.transform.value
        if self.policy is not None:
            out["policy"] = self.policy.value
        if self.option_map:
            out["option_map"] = [list(p) for p in self.option_map]
        if self.default:
            out["default"] = True
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldMapping:
        """The mapping :meth:`to_dict` wrote.

        Raises:
            ValueError: for an unknown direction, transform or policy, or a missing name.
        """
        unknown = set(data) - {a.name for a in attrs.fields(cls)}
        if unknown:
            raise ValueError(f"unknown field mapping keys: {sorted(unknown)}")
        return cls(**dict(data))

    def __str__(self) -> str:
        return f"{self.hubspot_property} {self.direction.arrow} {self.qbo_field}"
