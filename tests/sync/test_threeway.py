"""The three-way comparison and the conflict rules, as properties (hubqbo.sync two-way)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hubqbo.mapping import Direction
from hubqbo.sync import (
    ConflictRule,
    FieldBase,
    Side,
    Why,
    alternating_fields,
    compare_record,
    decide_field,
    unique_display_name,
)

values = st.one_of(st.none(), st.sampled_from(["", "a", "b", "c", " a", "A"]))
rules = st.sampled_from(list(ConflictRule))
times = st.one_of(
    st.none(),
    st.datetimes(
        min_value=dt.datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
        max_value=dt.datetime(2026, 1, 2),  # noqa: DTZ001
        timezones=st.just(dt.timezone.utc),
    ),
)
directions = st.sampled_from(list(Direction))
bases = st.one_of(st.none(), st.builds(FieldBase, values, values))


def _empty(value: str | None) -> bool:
    return value is None or not value.strip()


def _apply(d, qbo, hubspot, normalise=lambda v: v):  # type: ignore[no-untyped-def]
    """Both sides after the decision is written (the written side may normalise)."""
    landed = normalise(d.new) if d.to is not None else None
    if d.to is Side.QBO:
        return landed, hubspot, landed
    if d.to is Side.HUBSPOT:
        return qbo, landed, landed
    return qbo, hubspot, None


@given(bases, values, values, directions, rules, times, times, st.booleans())
def test_a_settled_field_never_writes_again(base, qbo, hs, direction, rule, tq, th, ledger):  # type: ignore[no-untyped-def]  # noqa: PLR0917
    """Applying a decision and deciding again with its settled base writes nothing: no
    echo, no loop, whatever the rule, the direction and the values."""
    d = decide_field(
        "f",
        base,
        qbo=qbo,
        hubspot=hs,
        direction=direction,
        rule=rule,
        qbo_modified=tq,
        hubspot_modified=th,
        ledger_only=ledger,
    )
    q2, h2, read_back = _apply(d, qbo, hs)
    again = decide_field(
        "f",
        d.settled(read_back),
        qbo=q2,
        hubspot=h2,
        direction=direction,
        rule=rule,
        qbo_modified=tq,
        hubspot_modified=th,
        ledger_only=ledger,
    )
    assert again.to is None, (d, again)


@given(values, values, st.sampled_from([str.strip, str.upper, lambda v: v + "!"]))
def test_a_normalised_write_comes_back_as_no_change(qbo_new, hs, normalise):  # type: ignore[no-untyped-def]
    """The base is the value read back, so a service that normalises what it stores does
    not turn hubqbo's own write into a change."""
    base = FieldBase.same(hs)
    d = decide_field("f", base, qbo=qbo_new, hubspot=hs)
    q2, h2, read_back = _apply(d, qbo_new, hs, lambda v: normalise(v or ""))
    again = decide_field("f", d.settled(read_back), qbo=q2, hubspot=h2)
    assert again.to is None


@given(bases, values, values, directions, rules, times, times, st.booleans())
def test_never_writes_an_empty_value_nor_money_to_qbo(  # noqa: PLR0917
    base, qbo, hs, direction, rule, tq, th, ledger
):  # type: ignore[no-untyped-def]
    d = decide_field(
        "f",
        base,
        qbo=qbo,
        hubspot=hs,
        direction=direction,
        rule=rule,
        qbo_modified=tq,
        hubspot_modified=th,
        ledger_only=ledger,
    )
    if d.to is not None:
        assert not _empty(d.new)
        assert d.new != d.old
        assert d.new == (qbo if d.to is Side.HUBSPOT else hs)
        assert (d.to is Side.HUBSPOT and direction.writes_hubspot) or (
            d.to is Side.QBO and direction.writes_qbo and not ledger
        )
    if ledger and not _empty(qbo) and (qbo or "") != (hs or "") and direction.writes_hubspot:
        assert d.to is Side.HUBSPOT  # HubSpot always shows the ledger's amount


@given(values, values, values)
def test_one_side_changed_is_copied(b, qbo, hs):  # type: ignore[no-untyped-def]
    base = FieldBase.same(b)
    d = decide_field("f", base, qbo=qbo, hubspot=hs)
    q_changed, h_changed = (qbo or "") != (b or ""), (hs or "") != (b or "")
    if q_changed and not h_changed and not _empty(qbo):
        assert (d.to, d.new, d.why) == (Side.HUBSPOT, qbo, Why.QBO_CHANGED)
    if h_changed and not q_changed and not _empty(hs):
        assert (d.to, d.new, d.why) == (Side.QBO, hs, Why.HUBSPOT_CHANGED)
    if not q_changed and not h_changed:
        assert d.to is None
        assert not d.conflict


@given(values, st.sampled_from(["x", "y"]), st.sampled_from(["p", "q"]), rules, times, times)
def test_conflicts_follow_the_rule(b, qbo, hs, rule, tq, th):  # type: ignore[no-untyped-def]  # noqa: PLR0917
    """Both sides changed to different non-empty values: the rule names the winner."""
    d = decide_field(
        "f", FieldBase.same(b), qbo=qbo, hubspot=hs, rule=rule, qbo_modified=tq, hubspot_modified=th
    )
    assert d.conflict
    if rule is ConflictRule.QBO_WINS:
        assert (d.to, d.new) == (Side.HUBSPOT, qbo)
    elif rule is ConflictRule.HUBSPOT_WINS:
        assert (d.to, d.new) == (Side.QBO, hs)
    elif rule is ConflictRule.MANUAL:
        assert d.to is None
        assert d.open
        assert d.settled() == FieldBase.same(b)
    else:
        hubspot_newer = tq is not None and th is not None and th > tq
        assert d.to is (Side.QBO if hubspot_newer else Side.HUBSPOT)
        if tq is not None and tq == th:
            assert d.why is Why.TIE_QBO


@given(values, values, values, st.sampled_from([ConflictRule.QBO_WINS, ConflictRule.MANUAL]))
def test_the_rules_mirror_each_other(b, qbo, hs, rule):  # type: ignore[no-untyped-def]
    """HUBSPOT_WINS is QBO_WINS with the sides swapped."""
    if rule is ConflictRule.MANUAL:
        return
    d = decide_field("f", FieldBase.same(b), qbo=qbo, hubspot=hs, rule=ConflictRule.QBO_WINS)
    m = decide_field("f", FieldBase.same(b), qbo=hs, hubspot=qbo, rule=ConflictRule.HUBSPOT_WINS)
    assert (d.new, d.old, d.conflict) == (m.new, m.old, m.conflict)
    assert (d.to is None) == (m.to is None)
    if d.to is not None:
        assert d.to is not m.to


def test_an_empty_winner_keeps_the_other_value() -> None:
    d = decide_field("phone", FieldBase.same("1"), qbo="", hubspot="2")
    assert (d.to, d.why, d.conflict) == (None, Why.EMPTY_KEPT, True)
    assert "kept" in d.line()


def test_a_record_lists_each_decision_and_its_base() -> None:
    r = compare_record(
        {
            "firstname": FieldBase.same("Ann"),
            "phone": FieldBase.same("1"),
            "price": FieldBase.same("5"),
        },
        {"firstname": "Ann", "phone": "2", "price": "5"},
        {"firstname": "Annie", "phone": "3", "price": "9"},
        rule=ConflictRule.HUBSPOT_WINS,
    )
    assert r.writes(Side.QBO) == {"firstname": "Annie", "phone": "3"}
    assert r.writes(Side.HUBSPOT) == {"price": "5"}  # money goes one way
    assert [d.name for d in r.conflicts] == ["phone"]
    after = r.base_after(qbo_read_back={"firstname": "Annie", "phone": "(3)"})
    assert after["phone"] == FieldBase("(3)", "3")
    assert r.lines()[0] == "firstname: 'Ann' → 'Annie' (HubSpot → QBO; changed in HubSpot only)"


def test_alternation_and_unique_names() -> None:
    assert alternating_fields([{"n": "a"}, {"n": "b"}, {"n": "a"}]) == []
    assert alternating_fields([{"n": "a"}, {"n": "b"}, {"n": "a"}], flips=2) == ["n"]
    assert alternating_fields([{"n": "a"}, {"n": "b"}, {"n": "b"}, {"n": "a"}]) == []
    assert unique_display_name("Acme: East", "7") == "Acme- East (HubSpot 7)"
    assert len(unique_display_name("x" * 600, "7")) == 500
