"""The rules a mapping must pass: when it is saved (add/edit) and when a set is validated.

Why one place: ``MappingSet.add``/``edit`` refuse a mapping with the same rules ``validate``
reports, so a set that was saved can only fail validation because a live schema changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from rapidfuzz import fuzz, process

from hubqbo.mapping._compat import PairKind, PairVerdict, pair_verdict
from hubqbo.mapping._model import FieldMapping, LossPolicy, ObjectPair
from hubqbo.mapping._problems import MappingProblem, ProblemKind
from hubqbo.mapping._qbo_fields import CUSTOM_FIELD_MAX_LENGTH, qbo_fields_of
from hubqbo.mapping._types import (
    HUBSPOT_FIELD_TYPES,
    HUBSPOT_TYPES,
    HubSpotProperty,
    QboField,
    QboType,
    custom_field_id,
)

__all__ = [
    "HUBSPOT_READ_ONLY",
    "custom_field",
    "mapping_problems",
    "resolve_qbo_field",
    "sales_custom_fields",
    "set_problems",
    "suggest",
    "verdicts",
]

HUBSPOT_READ_ONLY = frozenset(
    {
        "hs_object_id",
        "createdate",
        "lastmodifieddate",
        "hs_lastmodifieddate",
        "hs_createdate",
        "hs_amount_billed",
        "hs_balance_due",
        "hs_number",
        "hs_invoice_link",
        "hs_quote_amount",
        "hs_quote_number",
        "hs_quote_link",
        "hs_locked",
        "hs_deal_stage_probability",
    }
)
"""HubSpot-defined properties whose value cannot be written through the API (calculated or
``readOnlyValue``), refused as targets even before a live definition is read: the ones the
sandbox's definitions mark read-only (``hubqbo.sandbox.hubspot``), plus the record timestamps.
The live definitions (:func:`hubqbo.hubspot.read_properties`) are the authority."""


def custom_field(definition_id: str | int) -> QboField:
    """The QBO field of an invoice's sales-form custom field ``definition_id`` (a string
    custom field of at most 31 characters).

    Example:
        >>> custom_field(2).path
        'CustomField[DefinitionId=2]'
    """
    return QboField(
        "Invoice",
        f"CustomField[DefinitionId={definition_id}]",
        QboType.STRING,
        max_length=CUSTOM_FIELD_MAX_LENGTH,
        source="IntuitBaseTypes.xsd:123",
        length_source="IntuitBaseTypes.xsd:279",
        note="sales-form custom field (StringType)",
    )


_CUSTOM_USE = re.compile(r"^SalesFormsPrefs\.UseSalesCustom([0-9]+)$")
_CUSTOM_NAME = re.compile(r"^SalesFormsPrefs\.SalesCustomName([0-9]+)$")


def sales_custom_fields(preferences: Mapping[str, Any]) -> tuple[QboField, ...]:
    """The sales-form custom fields a QBO company has turned on, from its ``/preferences``
    (``Preferences.SalesFormsPrefs.CustomField``: ``UseSalesCustomN`` true, named by
    ``SalesCustomNameN``); ``DefinitionId`` is N. Give them to :func:`validate` as
    ``qbo_fields`` to check invoice custom-field mappings against the company.

    Example:
        >>> prefs = {"Preferences": {"SalesFormsPrefs": {"CustomField": [
        ...     {"CustomField": [{"Name": "SalesFormsPrefs.UseSalesCustom1",
        ...                       "Type": "BooleanType", "BooleanValue": True}]},
        ...     {"CustomField": [{"Name": "SalesFormsPrefs.SalesCustomName1",
        ...                       "Type": "StringType", "StringValue": "Crew #"}]}]}}}
        >>> [(f.path, f.note) for f in sales_custom_fields(prefs)]
        [('CustomField[DefinitionId=1]', 'sales-form custom field "Crew #" (StringType)')]
    """
    root = preferences.get("Preferences", preferences)
    groups = (root.get("SalesFormsPrefs") or {}).get("CustomField") or ()
    used: set[str] = set()
    names: dict[str, str] = {}
    for group in groups:
        for entry in (group or {}).get("CustomField") or ():
            name = str(entry.get("Name") or "")
            if (found := _CUSTOM_USE.match(name)) and entry.get("BooleanValue") is True:
                used.add(found.group(1))
            elif found := _CUSTOM_NAME.match(name):
                names[found.group(1)] = str(entry.get("StringValue") or "")
    out = []
    for number in sorted(used, key=int):
        field = custom_field(number)
        label = names.get(number)
        note = f'sales-form custom field "{label}" (StringType)' if label else field.note
        out.append(attrs.evolve(field, note=note))
    return tuple(out)


def suggest(name: str, choices: Iterable[str], *, limit: int = 3) -> tuple[str, ...]:
    """The nearest existing names to a misspelled ``name`` (best first).

    Example:
        >>> suggest("GivnName", ["GivenName", "FamilyName", "DisplayName"])
        ('GivenName',)
    """
    found = process.extract(name, list(choices), scorer=fuzz.WRatio, limit=limit, score_cutoff=75)
    return tuple(match for match, _score, _index in found)


def resolve_qbo_field(
    pair: ObjectPair, path: str, qbo_fields: Mapping[str, QboField] | None = None
) -> QboField | MappingProblem:
    """The QBO field at ``path`` of ``pair``'s entity, or the problem saying why there is none."""
    fields = qbo_fields if qbo_fields is not None else qbo_fields_of(pair.qbo_entity)
    if path in fields:
        return fields[path]
    definition = custom_field_id(path)
    if definition is not None:
        if pair.allows_custom_fields and qbo_fields is None:
            return custom_field(definition)
        if pair.allows_custom_fields:
            return MappingProblem(
                ProblemKind.UNKNOWN_QBO_FIELD,
                None,
                f"this QBO company has no sales-form custom field with DefinitionId {definition}",
                suggest(path, fields),
            )
        return MappingProblem(
            ProblemKind.CUSTOM_FIELD_NOT_ALLOWED,
            None,
            f"{pair.qbo_entity} has no sales-form custom fields: QBO offers "
            "CustomField[DefinitionId=...] on sales transactions (invoices) only, and typed "
            "custom fields on customers and items need an API hubqbo does not cover",
        )
    return MappingProblem(
        ProblemKind.UNKNOWN_QBO_FIELD,
        None,
        f"{pair.qbo_entity} has no field {path!r} that hubqbo can map",
        suggest(path, fields),
    )


def verdicts(
    mapping: FieldMapping, field: QboField, prop: HubSpotProperty
) -> dict[bool, PairVerdict]:
    """The verdict per direction the mapping carries (key ``True``: HubSpot -> QBO)."""
    out: dict[bool, PairVerdict] = {}
    if mapping.direction.writes_qbo:
        out[True] = pair_verdict(prop, field, to_qbo=True, option_map=mapping.option_map)
    if mapping.direction.writes_hubspot:
        out[False] = pair_verdict(prop, field, to_qbo=False, option_map=mapping.option_map)
    return out


def _sides(to_qbo: bool, prop: HubSpotProperty, field: QboField) -> str:
    hub = f"HubSpot {prop.name} ({prop.type_label})"
    qbo = f"QBO {field.label} ({field.type_label})"
    return f"{hub} -> {qbo}" if to_qbo else f"{qbo} -> {hub}"


def _type_problems(
    mapping: FieldMapping, field: QboField, prop: HubSpotProperty
) -> list[MappingProblem]:
    problems: list[MappingProblem] = []
    applied = False
    for to_qbo, verdict in verdicts(mapping, field, prop).items():
        sides = _sides(to_qbo, prop, field)
        if verdict.kind is PairKind.INCOMPATIBLE:
            problems.append(
                MappingProblem(
                    ProblemKind.INCOMPATIBLE_TYPES,
                    mapping.key,
                    f"{sides}: incompatible types: {verdict.reason}",
                )
            )
            continue
        for loss in verdict.losses:
            if mapping.transform is not None and mapping.transform.resolves is loss:
                applied = True
                continue
            if mapping.policy is LossPolicy.REFUSE:
                continue
            problems.append(
                MappingProblem(
                    ProblemKind.LOSSY_WITHOUT_POLICY,
                    mapping.key,
                    f"{sides} is lossy ({loss.value}: {verdict.reason}); add a transform "
                    f"that accepts the loss or policy=LossPolicy.REFUSE to refuse such values",
                )
            )
    if mapping.transform is not None and not applied and not problems:
        problems.append(
            MappingProblem(
                ProblemKind.TRANSFORM_NOT_APPLICABLE,
                mapping.key,
                f"transform {mapping.transform.value!r} accepts a "
                f"{mapping.transform.resolves.value} loss, which {prop.name} <-> {field.label} "
                "does not have in its direction(s)",
            )
        )
    return problems


def mapping_problems(
    mapping: FieldMapping,
    pair: ObjectPair,
    *,
    hubspot: Mapping[str, HubSpotProperty] | None = None,
    qbo_fields: Mapping[str, QboField] | None = None,
) -> list[MappingProblem]:
    """Every problem of one mapping.

    Without ``hubspot`` definitions the mapping's own snapshot of the HubSpot type is used
    and only :data:`HUBSPOT_READ_ONLY` properties are known to be read-only; with them, the
    property must exist, be writable when written, and have the type the mapping recorded.
    """
    problems: list[MappingProblem] = []
    resolved = resolve_qbo_field(pair, mapping.qbo_field, qbo_fields)
    if isinstance(resolved, MappingProblem):
        return [
            MappingProblem(
                resolved.kind,
                mapping.key,
                resolved.message,
                resolved.suggestions,
                mapping.qbo_field,
            )
        ]
    field = resolved
    prop = mapping.hubspot
    if (
        mapping.hubspot_type not in HUBSPOT_TYPES
        or mapping.hubspot_field_type not in HUBSPOT_FIELD_TYPES
    ):
        return [
            MappingProblem(
                ProblemKind.UNKNOWN_HUBSPOT_TYPE,
                mapping.key,
                f"HubSpot {mapping.hubspot_property}: {mapping.hubspot_type}/"
                f"{mapping.hubspot_field_type} is not a HubSpot type/fieldType "
                f"(types: {', '.join(sorted(HUBSPOT_TYPES))})",
                suggest(mapping.hubspot_type, HUBSPOT_TYPES)
                + suggest(mapping.hubspot_field_type, HUBSPOT_FIELD_TYPES),
            )
        ]
    if hubspot is not None:
        live = hubspot.get(mapping.hubspot_property)
        if live is None:
            problems.append(
                MappingProblem(
                    ProblemKind.UNKNOWN_HUBSPOT_PROPERTY,
                    mapping.key,
                    f"HubSpot {pair.crm_object.value} have no property "
                    f"{mapping.hubspot_property!r}",
                    suggest(mapping.hubspot_property, hubspot),
                    mapping.hubspot_property,
                )
            )
        else:
            if (live.type, live.field_type) != (mapping.hubspot_type, mapping.hubspot_field_type):
                problems.append(
                    MappingProblem(
                        ProblemKind.TYPE_CHANGED,
                        mapping.key,
                        f"HubSpot {live.name} is now {live.type_label}, the mapping was made for "
                        f"{mapping.hubspot_type}/{mapping.hubspot_field_type}: edit the mapping",
                    )
                )
            prop = live
            if mapping.direction.writes_hubspot and not live.writable:
                problems.append(_read_only_hubspot(mapping, live.name))
    elif mapping.direction.writes_hubspot and mapping.hubspot_property in HUBSPOT_READ_ONLY:
        problems.append(_read_only_hubspot(mapping, mapping.hubspot_property))
    if mapping.direction.writes_qbo and field.read_only:
        problems.append(
            MappingProblem(
                ProblemKind.READ_ONLY_TARGET,
                mapping.key,
                f"QBO {field.label} is computed by QuickBooks ({field.note or 'read-only'}) and "
                "cannot be written: map it QBO_TO_HUBSPOT only",
                target=field.label,
            )
        )
    problems.extend(_type_problems(mapping, field, prop))
    return problems


def _read_only_hubspot(mapping: FieldMapping, name: str) -> MappingProblem:
    return MappingProblem(
        ProblemKind.READ_ONLY_TARGET,
        mapping.key,
        f"HubSpot {name} is calculated or read-only and cannot be written: map it "
        "HUBSPOT_TO_QBO only, or to a property of your own",
        target=name,
    )


def set_problems(mappings: Sequence[FieldMapping]) -> list[MappingProblem]:
    """Problems between mappings: a key twice, two mappings writing one target, or one HubSpot
    property recorded with two types."""
    problems: list[MappingProblem] = []
    seen: set[str] = set()
    qbo_targets: dict[str, str] = {}
    hub_targets: dict[str, str] = {}
    hub_types: dict[str, FieldMapping] = {}
    for m in mappings:
        first = hub_types.setdefault(m.hubspot_property, m)
        shape = (m.hubspot_type, m.hubspot_field_type, m.hubspot_options)
        if (first.hubspot_type, first.hubspot_field_type, first.hubspot_options) != shape:
            problems.append(
                MappingProblem(
                    ProblemKind.CONFLICTING_TYPES,
                    m.key,
                    f"HubSpot {m.hubspot_property} is {m.hubspot_type}/{m.hubspot_field_type} "
                    f"here but {first.hubspot_type}/{first.hubspot_field_type} in {first.key}: "
                    "one property has one type",
                )
            )
        if m.key in seen:
            problems.append(
                MappingProblem(ProblemKind.DUPLICATE_MAPPING, m.key, "this mapping is there twice")
            )
            continue
        seen.add(m.key)
        if m.direction.writes_qbo:
            other = qbo_targets.setdefault(m.qbo_field, m.key)
            if other != m.key:
                problems.append(
                    MappingProblem(
                        ProblemKind.DUPLICATE_TARGET,
                        m.key,
                        f"QBO {m.qbo_field} is already written by {other}: one source per target",
                        target=m.qbo_field,
                    )
                )
        if m.direction.writes_hubspot:
            other = hub_targets.setdefault(m.hubspot_property, m.key)
            if other != m.key:
                problems.append(
                    MappingProblem(
                        ProblemKind.DUPLICATE_TARGET,
                        m.key,
                        f"HubSpot {m.hubspot_property} is already written by {other}: one source "
                        "per target",
                        target=m.hubspot_property,
                    )
                )
    return problems
