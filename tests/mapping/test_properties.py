"""Hypothesis properties of the mapping rules.

* A pair the matrix calls compatible both ways round-trips any value both ways.
* No sequence of add/edit/delete yields a set that validates with a type error.
* A version never changes once made: every earlier set keeps its JSON and digest, and the
  version numbers of a chain go up by one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubqbo.errors import MappingError, MappingTypeError
from hubqbo.mapping import (
    QBO_FIELDS,
    Direction,
    FieldMapping,
    HubSpotProperty,
    LossPolicy,
    MappingSet,
    ObjectPair,
    PairKind,
    QboField,
    QboType,
    Transform,
    default_mapping_set,
    map_record,
    pair_verdict,
    validate,
)
from hubqbo.mapping._values import set_path

KINDS = {
    "string": ("string", "text"),
    "number": ("number", "number"),
    "bool": ("bool", "booleancheckbox"),
    "date": ("date", "date"),
    "datetime": ("datetime", "date"),
    "enumeration": ("enumeration", "select"),
    "multi": ("enumeration", "checkbox"),
    "file": ("string", "file"),
}
PAIR_OF = {
    "Customer": ObjectPair.CONTACT,
    "Item": ObjectPair.PRODUCT,
    "Invoice": ObjectPair.INVOICE,
}
ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Europe/London", "Pacific/Chatham", None]


def _prop(kind: str, field: QboField) -> HubSpotProperty:
    type_, field_type = KINDS[kind]
    options = field.options if kind == "enumeration" else ()
    return HubSpotProperty(f"p_{kind}", type_, field_type, options=options)


LOSSLESS = [
    (field, kind)
    for fields in QBO_FIELDS.values()
    for field in fields
    if not field.read_only
    for kind in KINDS
    if all(
        pair_verdict(_prop(kind, field), field, to_qbo=way).kind is PairKind.COMPATIBLE
        for way in (True, False)
    )
]


def _values(field: QboField) -> st.SearchStrategy[Any]:
    """QBO values of ``field``'s type, as QBO's JSON holds them."""
    if field.type is QboType.DECIMAL:
        return st.decimals(allow_nan=False, allow_infinity=False, places=6)
    if field.type is QboType.BOOLEAN:
        return st.booleans()
    if field.type is QboType.DATE:
        return st.dates().map(dt.date.isoformat)
    if field.type is QboType.ENUM:
        return st.sampled_from(field.options)
    return st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


def test_there_are_lossless_pairs_of_every_kind() -> None:
    """The property below covers text, numbers, booleans, dates, options and references."""
    assert {f.type for f, _ in LOSSLESS} == {
        QboType.STRING,
        QboType.DECIMAL,
        QboType.BOOLEAN,
        QboType.DATE,
        QboType.ENUM,
        QboType.REFERENCE,
    }


@pytest.mark.parametrize(("field", "kind"), LOSSLESS, ids=[f"{f.label}-{k}" for f, k in LOSSLESS])
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_lossless_pair_round_trips_both_ways(
    field: QboField, kind: str, data: st.DataObject
) -> None:
    prop = _prop(kind, field)
    mapping = FieldMapping.between(prop, field.path, Direction.BOTH)
    mapping_set = MappingSet.create(PAIR_OF[field.entity], [mapping])
    zones = {
        "qbo_time_zone": data.draw(st.sampled_from(ZONES)),
        "hubspot_time_zone": data.draw(st.sampled_from(ZONES)),
    }
    value = data.draw(_values(field))
    entity: dict[str, Any] = {}
    set_path(entity, field.path, value)
    there = map_record(mapping_set, Direction.QBO_TO_HUBSPOT, entity, **zones)
    assert there.ok, there.problems
    back = map_record(mapping_set, Direction.HUBSPOT_TO_QBO, there.values, **zones)
    assert back.ok, back.problems
    assert back.values == entity
    again = map_record(mapping_set, Direction.QBO_TO_HUBSPOT, back.values, **zones)
    assert again.values == there.values
    assert not there.lossy
    assert not back.lossy


# --------------------------------------------------------------------------- add/edit/delete

_ALL_FIELDS = [
    (pair, f.path)
    for f in (x for fs in QBO_FIELDS.values() for x in fs)
    for pair in [PAIR_OF[f.entity]]
]
_NAMES = st.sampled_from(
    ["firstname", "lastname", "email", "price", "my_field", "hs_amount_billed", "x"]
)


@st.composite
def _mappings(draw: st.DrawFn, pair: ObjectPair) -> FieldMapping:
    paths = [p for q, p in _ALL_FIELDS if q is pair] + ["Nope", "CustomField[DefinitionId=3]"]
    type_, field_type = KINDS[draw(st.sampled_from(sorted(KINDS)))]
    return FieldMapping(
        draw(_NAMES),
        draw(st.sampled_from(paths)),
        draw(st.sampled_from(list(Direction))),
        type_,
        field_type,
        transform=draw(st.none() | st.sampled_from(list(Transform))),
        policy=draw(st.none() | st.just(LossPolicy.REFUSE)),
    )


@st.composite
def _operation(draw: st.DrawFn, pair: ObjectPair) -> tuple[str, Any]:
    what = draw(st.sampled_from(["add", "add", "edit", "delete"]))
    if what == "add":
        return ("add", draw(_mappings(pair)))
    if what == "edit":
        changes = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "direction": st.sampled_from(list(Direction)),
                    "transform": st.none() | st.sampled_from(list(Transform)),
                    "policy": st.none() | st.just(LossPolicy.REFUSE),
                    "hubspot_type": st.sampled_from(["string", "number", "date", "bool"]),
                },
            )
        )
        return ("edit", (draw(st.integers(0, 30)), changes))
    return ("delete", draw(st.integers(0, 30)))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_no_sequence_of_changes_yields_a_set_with_a_type_error(data: st.DataObject) -> None:
    pair = data.draw(st.sampled_from(list(ObjectPair)))
    current = default_mapping_set(pair)
    made = [(current, current.to_json(), current.digest)]
    for op, arg in data.draw(st.lists(_operation(pair), max_size=12)):
        refused: MappingError | None = None
        changed = current
        try:
            if op == "add":
                changed = current.add(arg)
            elif op == "edit" and current.mappings:
                index, changes = arg
                changed = current.edit(current.mappings[index % len(current)].key, **changes)
            elif op == "delete" and current.mappings:
                changed = current.delete(current.mappings[arg % len(current)].key)
        except MappingError as exc:
            refused = exc
        if refused is not None:  # MappingTypeError exactly when a type problem was found
            type_problem = any(p.kind.is_type_problem for p in refused.problems)
            assert isinstance(refused, MappingTypeError) == type_problem, refused
            continue
        if changed is current:
            continue
        # every saved version validates against the schema it was made for
        own = {m.hubspot_property: m.hubspot for m in changed}
        problems = validate(changed, own)
        assert not [p for p in problems if p.kind.is_type_problem], problems
        assert changed.version == current.version + 1
        assert changed.based_on == current.version
        current = changed
        made.append((current, current.to_json(), current.digest))
    # versions never change once made
    for version, text, digest in made:
        assert version.to_json() == text
        assert version.digest == digest
        assert MappingSet.from_json(text) == version
    assert [v.version for v, _, _ in made] == list(range(1, len(made) + 1))


def test_a_version_cannot_be_altered_in_place() -> None:
    v1 = default_mapping_set(ObjectPair.PRODUCT)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        v1.version = 9  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        v1.mappings[0].direction = Direction.BOTH  # type: ignore[misc]
    assert isinstance(v1.mappings, tuple)


def test_decimal_round_trip_keeps_trailing_zeros() -> None:
    """A price of 12.50 stays 12.50 both ways (no rounding, no normalization)."""
    products = default_mapping_set(ObjectPair.PRODUCT).edit("price", direction=Direction.BOTH)
    there = map_record(products, Direction.QBO_TO_HUBSPOT, {"UnitPrice": Decimal("12.50")})
    assert there.values == {"price": "12.50"}
    back = map_record(products, Direction.HUBSPOT_TO_QBO, there.values)
    assert str(back.values["UnitPrice"]) == "12.50"
