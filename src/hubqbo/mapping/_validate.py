"""Validation of a whole mapping set against the live schemas, every problem at once.

Why pure: the caller reads the HubSpot property definitions (``hubqbo.hubspot.read_properties``)
and, if it has them, the QBO company's custom fields; this function only compares. A set that
passed ``MappingSet.add``/``edit`` fails here only because a schema changed (a property deleted
or retyped, a custom field removed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hubqbo.mapping._problems import MappingProblem
from hubqbo.mapping._qbo_fields import qbo_fields_of
from hubqbo.mapping._rules import mapping_problems, set_problems
from hubqbo.mapping._set import MappingSet
from hubqbo.mapping._types import HubSpotProperty, QboField

__all__ = ["validate"]


def validate(
    mapping_set: MappingSet,
    hubspot_properties: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty],
    qbo_fields: Mapping[str, QboField] | Iterable[QboField] | None = None,
) -> tuple[MappingProblem, ...]:
    """Every problem of ``mapping_set`` against the live schemas (empty: the set is valid).

    Args:
        mapping_set: the set to check.
        hubspot_properties: the HubSpot object's property definitions (custom ones included).
        qbo_fields: the QBO company's sales-form custom fields (:func:`custom_field`), or any
            fields that add to or replace rows of hubqbo's type table. ``None``: the type table
            alone, where any invoice ``CustomField[DefinitionId=N]`` is accepted; given, an
            invoice custom field must be among them.

    Example:
        >>> from hubqbo.mapping import (HubSpotProperty, ObjectPair, default_mapping_set,
        ...                             validate)
        >>> props = [HubSpotProperty("name"), HubSpotProperty("price", "number", "number")]
        >>> problems = validate(default_mapping_set(ObjectPair.PRODUCT), props)
        >>> [p.kind.value for p in problems][:1], problems[0].mapping
        (['unknown_hubspot_property'], 'description:Description')
    """
    hub = (
        dict(hubspot_properties)
        if isinstance(hubspot_properties, Mapping)
        else {p.name: p for p in hubspot_properties}
    )
    fields: dict[str, QboField] | None = None
    if qbo_fields is not None:
        given = qbo_fields.values() if isinstance(qbo_fields, Mapping) else qbo_fields
        entity = mapping_set.pair.qbo_entity
        fields = {**qbo_fields_of(entity), **{f.path: f for f in given if f.entity == entity}}
    problems: list[MappingProblem] = []
    for mapping in mapping_set:
        problems.extend(mapping_problems(mapping, mapping_set.pair, hubspot=hub, qbo_fields=fields))
    problems.extend(set_problems(mapping_set.mappings))
    return tuple(problems)
