"""The type table against the published specs: every QBO row against Intuit's XSD (path, type,
enumeration values, the QBO maximum length and the lines cited), the HubSpot kinds against
HubSpot's property description, and every incompatible pair refused naming both sides."""

from __future__ import annotations

import json

import pytest

from hubqbo.errors import MappingTypeError
from hubqbo.mapping import (
    HUBSPOT_KINDS,
    MATRIX,
    QBO_FIELDS,
    Direction,
    FieldMapping,
    HubSpotProperty,
    MappingSet,
    ObjectPair,
    PairKind,
    QboField,
    QboType,
    custom_field,
    sales_custom_fields,
    validate,
)
from hubqbo.mapping._types import HUBSPOT_FIELD_TYPES, HUBSPOT_TYPES

from ._xsd import HUBSPOT_DIR, XSD_DIR, Schema, qbo_lengths, require_shared

ROWS = [f for fields in QBO_FIELDS.values() for f in fields]
XSD_TYPES = {
    "xs:string": {QboType.STRING, QboType.ENUM},
    "xs:anyURI": {QboType.STRING},
    "id": {QboType.STRING, QboType.REFERENCE},
    "xs:decimal": {QboType.DECIMAL},
    "xs:int": {QboType.INTEGER},
    "xs:boolean": {QboType.BOOLEAN},
    "xs:date": {QboType.DATE},
    "xs:dateTime": {QboType.DATETIME},
}


@pytest.fixture(scope="module")
def schema() -> Schema:
    return Schema(require_shared(XSD_DIR))


@pytest.mark.parametrize("row", ROWS, ids=lambda f: f.label)
def test_row_type_matches_the_xsd(schema: Schema, row: QboField) -> None:
    """The path exists in the entity (through its base types) with the table's type."""
    chain = schema.resolve(row.entity, row.path)
    leaf = chain[-1]
    if leaf.name == "value":
        expected = QboType.REFERENCE if leaf.type == "id" else QboType.STRING
        assert row.type is expected
        return
    values = schema.enumeration(leaf.type)
    if values is not None:
        assert row.type is QboType.ENUM
        assert tuple(values) == row.options
        return
    assert row.type in XSD_TYPES[leaf.type], (leaf.type, row.type)
    if row.type is QboType.ENUM:  # a string whose values the prose lists
        assert all(option in leaf.doc for option in row.options)


@pytest.mark.parametrize("row", ROWS, ids=lambda f: f.label)
def test_row_cites_the_element(schema: Schema, row: QboField) -> None:
    """``source`` points at the line declaring one of the path's elements."""
    line = schema.line(row.source)
    assert any(f'name="{part}"' in line for part in row.path.split(".")), (row.source, line)


@pytest.mark.parametrize(
    "row", [r for r in ROWS if not r.read_only and r.type is QboType.STRING], ids=lambda f: f.label
)
def test_row_max_length_is_the_smallest_stated_for_qbo(schema: Schema, row: QboField) -> None:
    """The table's length is the smallest any element on the path states for QBO (none: None),
    and ``length_source`` is a line stating it."""
    stated = [n for el in schema.resolve(row.entity, row.path) for n in qbo_lengths(el.doc)]
    assert row.max_length == (min(stated) if stated else None), stated
    if row.max_length is not None:
        assert str(row.max_length) in schema.line(row.length_source)


def test_custom_field_row_cites_the_schema(schema: Schema) -> None:
    """A sales-form custom field is a 31-character string (the StringType limit)."""
    field = custom_field("7")
    assert 'name="StringValue"' in schema.line(field.source)
    assert "31" in schema.line(field.length_source)
    assert field.max_length == 31


def test_computed_fields_are_read_only() -> None:
    """QBO's computed fields can never be a mapping's target."""
    read_only = {f.label for f in ROWS if f.read_only}
    for entity in QBO_FIELDS:
        assert {f"{entity}.Id", f"{entity}.SyncToken", f"{entity}.MetaData.CreateTime"} <= read_only
    assert {"Invoice.TotalAmt", "Invoice.Balance", "Customer.Balance"} <= read_only


def test_hubspot_kinds_cover_every_published_type() -> None:
    """Every property ``type`` x ``fieldType`` HubSpot's description allows reads as a kind of
    the matrix (``phone_number`` as string)."""
    spec = json.loads((require_shared(HUBSPOT_DIR) / "crm-properties-v3.json").read_text())
    create = spec["components"]["schemas"]["PropertyCreate"]["properties"]
    types, field_types = create["type"]["enum"], create["fieldType"]["enum"]
    assert set(types) == HUBSPOT_TYPES
    assert set(field_types) == HUBSPOT_FIELD_TYPES
    for type_ in types:
        for field_type in field_types:
            assert HubSpotProperty("p", type_, field_type).kind in HUBSPOT_KINDS


def test_matrix_covers_every_pair() -> None:
    """One cell per (HubSpot kind, QBO type)."""
    assert set(MATRIX) == {(k, t) for k in HUBSPOT_KINDS for t in QboType}


_SAMPLE = {  # a field of each QBO type (Level is read-only: refused for that too), and its pair
    QboType.STRING: (ObjectPair.CONTACT, "CompanyName"),
    QboType.DECIMAL: (ObjectPair.PRODUCT, "UnitPrice"),
    QboType.INTEGER: (ObjectPair.PRODUCT, "Level"),
    QboType.BOOLEAN: (ObjectPair.PRODUCT, "Taxable"),
    QboType.DATE: (ObjectPair.INVOICE, "DueDate"),
    QboType.DATETIME: (ObjectPair.INVOICE, "MetaData.LastUpdatedTime"),
    QboType.ENUM: (ObjectPair.INVOICE, "EmailStatus"),
    QboType.REFERENCE: (ObjectPair.INVOICE, "CurrencyRef.value"),
}
_KIND_PROPS = {
    "string": ("string", "text"),
    "number": ("number", "number"),
    "bool": ("bool", "booleancheckbox"),
    "date": ("date", "date"),
    "datetime": ("datetime", "date"),
    "enumeration": ("enumeration", "select"),
    "multi": ("enumeration", "checkbox"),
    "file": ("string", "file"),
}
INCOMPATIBLE = [
    (kind, qbo_type, to_qbo)
    for (kind, qbo_type), cells in MATRIX.items()
    for to_qbo, cell in ((True, cells[0]), (False, cells[1]))
    if cell[0] is PairKind.INCOMPATIBLE
]


@pytest.mark.parametrize(
    ("kind", "qbo_type", "to_qbo"),
    INCOMPATIBLE,
    ids=[f"{k}-{t.value}-{'to_qbo' if q else 'to_hubspot'}" for k, t, q in INCOMPATIBLE],
)
def test_every_incompatible_pair_is_refused_naming_both_sides(
    kind: str, qbo_type: QboType, to_qbo: bool
) -> None:
    """Saving an incompatible mapping raises MappingTypeError naming both sides and why."""
    pair, path = _SAMPLE[qbo_type]
    type_, field_type = _KIND_PROPS[kind]
    direction = Direction.HUBSPOT_TO_QBO if to_qbo else Direction.QBO_TO_HUBSPOT
    mapping = FieldMapping(f"my_{kind}", path, direction, type_, field_type)
    with pytest.raises(MappingTypeError) as caught:
        MappingSet.create(pair, [mapping])
    message = str(caught.value)
    reason = MATRIX[(kind, qbo_type)][0 if to_qbo else 1][2]
    assert f"my_{kind}" in message
    assert f"{pair.qbo_entity}.{path}" in message
    assert reason in message
    assert "incompatible" in message


def test_sales_custom_fields_from_a_real_preferences_answer() -> None:
    """The recorded ``/preferences`` answer (ExQuickBooks' fixture) has custom field 1 on,
    named "Crew #", and 2 and 3 off: one field, DefinitionId 1."""
    sample = require_shared(XSD_DIR.parent / "samples" / "json-exquickbooks" / "preferences")
    preferences = json.loads((sample / "read_preferences.json").read_text())
    fields = sales_custom_fields(preferences)
    assert [f.path for f in fields] == ["CustomField[DefinitionId=1]"]
    assert '"Crew #"' in fields[0].note
    invoices = MappingSet.create(
        ObjectPair.INVOICE,
        [FieldMapping("crew", "CustomField[DefinitionId=2]", Direction.QBO_TO_HUBSPOT)],
    )
    problems = validate(invoices, [HubSpotProperty("crew")], fields)
    assert [p.kind.value for p in problems] == ["unknown_qbo_field"]
    assert problems[0].suggestions == ("CustomField[DefinitionId=1]",)
