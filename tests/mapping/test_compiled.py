"""``map_record`` compiles a mapping set once per direction and zones (and the defaults are
made once per pair): the compiled path must give exactly what interpreting the set for every
record gave. The reference below is that interpreting loop, as ``map_record`` was written
before the plans; hypothesis compares the two on random sets (unchecked ones too, with
unknown fields and wrong types), records, directions, zones and live HubSpot definitions.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from hubqbo.mapping import (
    DEFAULT_MAPPINGS,
    QBO_FIELDS,
    Direction,
    FieldMapping,
    HubSpotProperty,
    LossPolicy,
    MappedRecord,
    MappingProblem,
    MappingSet,
    ObjectPair,
    Transform,
    _record,
    default_mapping_set,
    map_record,
)
from hubqbo.mapping._rules import resolve_qbo_field
from hubqbo.mapping._values import MISSING, get_path, set_path

KINDS = [
    ("string", "text"),
    ("number", "number"),
    ("bool", "booleancheckbox"),
    ("date", "date"),
    ("datetime", "date"),
    ("enumeration", "select"),
    ("enumeration", "checkbox"),
    ("string", "file"),
    ("phone_number", "phonenumber"),
]
ZONES = [None, "UTC", "America/New_York", "Pacific/Chatham"]
NAMES = ["firstname", "email", "price", "hs_sku", "my_field", "hs_invoice_date", "x"]
PAIR_OF = {
    "Customer": ObjectPair.CONTACT,
    "Item": ObjectPair.PRODUCT,
    "Invoice": ObjectPair.INVOICE,
}


def reference(  # noqa: PLR0917 - map_record's own arguments
    mapping_set: MappingSet,
    direction: Direction,
    source: Mapping[str, Any],
    qbo_time_zone: str | None,
    hubspot_time_zone: str | None,
    hubspot: Iterable[HubSpotProperty] | None,
) -> MappedRecord:
    """``map_record`` before compiled plans: every mapping resolved for every record."""
    to_qbo = direction is Direction.HUBSPOT_TO_QBO
    live = {} if hubspot is None else {p.name: p for p in hubspot}
    values: dict[str, Any] = {}
    problems: list[MappingProblem] = []
    written: list[str] = []
    lossy: list[str] = []
    for mapping in mapping_set:
        if not mapping.direction.includes(direction):
            continue
        field = resolve_qbo_field(mapping_set.pair, mapping.qbo_field)
        if isinstance(field, MappingProblem):
            problems.append(attrs.evolve(field, mapping=mapping.key))
            continue
        prop = live.get(mapping.hubspot_property, mapping.hubspot)
        ctx = _record._Ctx(mapping, prop, field, qbo_time_zone, hubspot_time_zone)
        raw = source.get(prop.name, MISSING) if to_qbo else get_path(source, field.path)
        if raw is MISSING:
            continue
        out = _record._map_one(ctx, raw, to_qbo=to_qbo)
        if isinstance(out, MappingProblem):
            problems.append(out)
            continue
        if to_qbo:
            set_path(values, field.path, out.value)
        else:
            values[prop.name] = out.value
        written.append(mapping.key)
        if out.lossy:
            lossy.append(mapping.key)
    return MappedRecord(
        direction, values, tuple(problems), tuple(written), tuple(lossy), mapping_set.version
    )


RAW = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=12),
    st.sampled_from(["12.50", "-3", "NaN", "true", "FALSE", "2026-11-25", "a@b.co, c@d.co"]),
    st.sampled_from(["2026-11-25T10:00:00+01:00", "1795564800000", "x@y.example"]),
    st.decimals(allow_nan=True, places=3),
    st.integers(-5, 5),
    st.booleans(),
)


@st.composite
def mapping_sets(draw: st.DrawFn) -> MappingSet:
    pair = draw(st.sampled_from(list(ObjectPair)))
    paths = [f.path for fs in QBO_FIELDS.values() for f in fs if PAIR_OF[f.entity] is pair]
    paths += ["Nope", "CustomField[DefinitionId=2]"]
    mappings = []
    for _ in range(draw(st.integers(0, 8))):
        type_, field_type = draw(st.sampled_from(KINDS))
        mappings.append(
            FieldMapping(
                draw(st.sampled_from(NAMES)),
                draw(st.sampled_from(paths)),
                draw(st.sampled_from(list(Direction))),
                type_,
                field_type,
                hubspot_options=draw(st.sampled_from([(), ("a", "b"), ("USD", "EUR")])),
                transform=draw(st.none() | st.sampled_from(list(Transform))),
                policy=draw(st.none() | st.just(LossPolicy.REFUSE)),
                option_map=draw(st.sampled_from([(), (("a", "USD"),)])),
            )
        )
    if draw(st.booleans()):
        mappings += DEFAULT_MAPPINGS[pair]
    # unchecked on purpose: map_record reports a set's problems per record too
    return MappingSet(pair, tuple(mappings), version=draw(st.integers(1, 3)))


@st.composite
def sources(draw: st.DrawFn, mapping_set: MappingSet, direction: Direction) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mapping in mapping_set:
        if not draw(st.booleans()):
            continue
        if direction is Direction.HUBSPOT_TO_QBO:
            out[mapping.hubspot_property] = draw(RAW)
        else:
            set_path(out, mapping.qbo_field, draw(RAW))
    return out


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_compiled_plan_gives_exactly_what_interpreting_the_set_gives(
    data: st.DataObject,
) -> None:
    mapping_set = data.draw(mapping_sets())
    direction = data.draw(st.sampled_from([Direction.QBO_TO_HUBSPOT, Direction.HUBSPOT_TO_QBO]))
    zones = {
        "qbo_time_zone": data.draw(st.sampled_from(ZONES)),
        "hubspot_time_zone": data.draw(st.sampled_from(ZONES)),
    }
    live = data.draw(
        st.none()
        | st.lists(
            st.builds(
                HubSpotProperty,
                st.sampled_from(NAMES),
                st.sampled_from(["string", "number", "enumeration"]),
                st.sampled_from(["text", "number", "select"]),
                options=st.sampled_from([(), ("a",)]),
            ),
            max_size=3,
        )
    )
    for _ in range(2):  # the second record of the set uses the cached plan
        source = data.draw(sources(mapping_set, direction))
        expected = _outcome(reference, mapping_set, direction, source, zones, live)
        got = _outcome(map_record, mapping_set, direction, source, zones, live)
        assert got == expected


def _outcome(  # noqa: PLR0917 - map_record's arguments
    how: Any,
    mapping_set: MappingSet,
    direction: Direction,
    source: Mapping[str, Any],
    zones: Mapping[str, str | None],
    live: Iterable[HubSpotProperty] | None,
) -> object:
    """The record, or the error an unchecked set's wrong types raise (the same either way)."""
    try:
        out = how(mapping_set, direction, source, **zones, hubspot=live)
    except (AttributeError, TypeError, ValueError) as exc:
        return (type(exc), str(exc))
    return (out, dict(out.values))


def test_the_defaults_are_made_once_and_equal_a_fresh_checked_set() -> None:
    for pair in ObjectPair:
        made = default_mapping_set(pair)
        assert default_mapping_set(pair.value) is made
        assert made == MappingSet.create(pair, DEFAULT_MAPPINGS[pair])


def test_a_changed_set_gets_its_own_plan() -> None:
    v1 = default_mapping_set(ObjectPair.PRODUCT)
    entity = {"Name": "Audit", "UnitPrice": 150, "Sku": "A-1"}
    before = map_record(v1, Direction.QBO_TO_HUBSPOT, entity)
    v2 = v1.delete("hs_sku:Sku")
    after = map_record(v2, Direction.QBO_TO_HUBSPOT, entity)
    assert before.values == {"name": "Audit", "price": "150", "hs_sku": "A-1"}
    assert after.values == {"name": "Audit", "price": "150"}
    assert (before.version, after.version) == (1, 2)
    # the zones are part of a plan: a date lands on the day's start of the portal's zone
    invoice = default_mapping_set(ObjectPair.INVOICE)
    dated = {"TxnDate": "2026-11-25"}
    utc = map_record(invoice, Direction.QBO_TO_HUBSPOT, dated)
    tokyo = map_record(invoice, Direction.QBO_TO_HUBSPOT, dated, hubspot_time_zone="Asia/Tokyo")
    assert utc.values["hs_invoice_date"] == "2026-11-25T00:00:00.000Z"
    assert tokyo.values["hs_invoice_date"] == "2026-11-24T15:00:00.000Z"


def test_plans_of_sets_no_longer_used_do_not_pile_up() -> None:
    entity = {"Name": "Audit"}
    for version in range(1, 400):
        mapping_set = MappingSet(
            ObjectPair.PRODUCT, (FieldMapping("name", "Name"),), version=version
        )
        assert map_record(mapping_set, Direction.QBO_TO_HUBSPOT, entity).version == version
        del mapping_set
        gc.collect()
    assert len(_record._PLANS) <= _record._PLANS_MAX
