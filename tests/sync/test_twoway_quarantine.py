"""Alternation quarantine: a record whose values hubqbo keeps writing back and forth between
runs (something outside flips a field back each time) is quarantined with an explanation —
in the plan and the result, with the field and its values — instead of written forever; it
stays quarantined across runs and processes until ``engine.release(...)``. On SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.mapping import Direction
from hubqbo.sync import ConflictRule, ObjectKind, ObjectSync, SkipReason, SyncConfig
from hubqbo.sync._alternation import remember_writes, would_alternate, written_history
from hubqbo.sync._apply import decode_base
from tests.sync._twoway_model import loops
from tests.sync._world import World, props

CONFIG = SyncConfig(
    contacts=ObjectSync(direction=Direction.BOTH),
    products=ObjectSync.off(),
    conflict_rule=ConflictRule.QBO_WINS,
)


def _phone(world: World, qbo_id: str, hubspot_id: str) -> tuple[str, str]:
    customer = world.qbo.get(world.realm, "Customer", qbo_id) or {}
    contact = props(world.hs.get("contacts", hubspot_id) or {})
    return (customer.get("PrimaryPhone") or {}).get("FreeFormNumber", ""), contact.get("phone", "")


@pytest.fixture
def fight(world: World, open_store: Any) -> tuple[World, str, str]:
    """A contact synced both ways on the backend's store; an automation in QBO puts the
    phone back to 555-0100 whenever it changes, a HubSpot workflow puts it back to 555-0199."""
    world.store = open_store(clock=world.clock, sleep=world.clock.sleep)
    ann = world.customer(
        "Acme Inc",
        GivenName="Ann",
        PrimaryEmailAddr={"Address": "ann@acme.example"},
        PrimaryPhone={"FreeFormNumber": "555-0100"},
    )
    assert world.engine(CONFIG).run().ok
    (contact,) = world.contacts()
    world.later()
    return world, ann, contact["id"]


def _qbo_flips_back(world: World, qbo_id: str) -> None:
    world.edit("Customer", qbo_id, PrimaryPhone={"FreeFormNumber": "555-0100"})
    world.later(1)


def _hubspot_flips_back(world: World, hubspot_id: str) -> None:
    world.hs.update("contacts", hubspot_id, {"phone": "555-0199"})
    world.later(1)


def test_a_field_flipped_back_each_run_is_quarantined_until_released(
    fight: tuple[World, str, str],
) -> None:
    world, ann, contact = fight
    engine = world.engine(CONFIG)
    _hubspot_flips_back(world, contact)
    assert engine.run().counts == {"contacts": {"qbo_update": 1}}  # 555-0199 to QBO
    _qbo_flips_back(world, ann)
    assert engine.run().counts == {"contacts": {"update": 1}}  # 555-0100 to HubSpot
    _hubspot_flips_back(world, contact)
    assert engine.run().counts == {"contacts": {"qbo_update": 1}}  # 555-0199 to QBO again
    _qbo_flips_back(world, ann)
    # the next write would be 555-0100 to HubSpot a second time: a loop, not a change
    plan = engine.plan()
    assert plan.is_empty
    (stuck,) = [a for part in plan.twoway for a in part.alternating]
    assert (stuck.qbo_id, dict(stuck.fields)) == (
        ann,
        {"phone": ("555-0199", "555-0100", "555-0199", "555-0100")},
    )
    text = str(plan)
    assert "quarantined contacts" in text
    assert "phone '555-0199' → '555-0100' → '555-0199' → '555-0100'" in text
    result = engine.apply(plan)
    assert result.ok
    assert result.applied == 0
    (held,) = result.quarantined
    assert (held.kind, held.qbo_id) == (ObjectKind.CONTACTS, ann)
    assert "values alternate between runs: phone" in held.error
    assert "engine.release(ObjectKind.CONTACTS" in held.error
    assert "quarantined" in str(result)
    assert _phone(world, ann, contact) == ("555-0100", "555-0199")  # left as they are
    # it stays quarantined, run after run and in a new engine (the store keeps it)
    for _ in range(3):
        _hubspot_flips_back(world, contact)
        _qbo_flips_back(world, ann)
        again = world.engine(CONFIG)
        plan = again.plan()
        assert plan.is_empty
        (skip,) = [s for s in plan.of(ObjectKind.CONTACTS).skipped if s.qbo_id == ann]
        assert skip.reason is SkipReason.ALTERNATING
        assert "555-0199" in skip.text
        assert skip in plan.needs_attention
        assert again.apply(plan).applied == 0
    assert _phone(world, ann, contact) == ("555-0100", "555-0199")
    # a person looks, stops the HubSpot workflow and releases the record: the rule decides
    engine.release(ObjectKind.CONTACTS, ann)
    (link,) = world.store.links("acme", "contacts", qbo_ids=[ann])
    assert written_history(decode_base(link.base), "phone") == []
    world.later(1)
    result = engine.run()
    assert result.ok
    assert result.quarantined == ()
    assert _phone(world, ann, contact) == ("555-0100", "555-0100")  # QBO wins the conflict
    world.later(1)
    assert engine.run().applied == 0
    assert not [s for s in engine.plan().of(ObjectKind.CONTACTS).skipped if s.qbo_id == ann]


def test_values_that_keep_changing_are_not_a_loop(fight: tuple[World, str, str]) -> None:
    """New values each run (a person editing) are written every time: only going back and
    forth between the same values is a loop."""
    world, ann, contact = fight
    engine = world.engine(CONFIG)
    for n in range(6):
        if n % 2:
            world.edit("Customer", ann, PrimaryPhone={"FreeFormNumber": f"555-02{n:02}"})
        else:
            world.hs.update("contacts", contact, {"phone": f"555-02{n:02}"})
        world.later(1)
        result = engine.run()
        assert result.ok
        assert result.quarantined == ()
        assert result.applied == 1
    assert _phone(world, ann, contact) == ("555-0205", "555-0205")
    (link,) = world.store.links("acme", "contacts", qbo_ids=[ann])
    assert written_history(decode_base(link.base), "phone") == [
        "555-0203",
        "555-0204",
        "555-0205",
    ]  # the last three writes only


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=12))
def test_the_history_refuses_exactly_the_writes_that_go_back_and_forth(writes: list[str]) -> None:
    """Writes fed one by one: a write is refused exactly when the model's reading of the
    rule (the last four writes A, B, A, B, a value sent again not counted) says it loops."""
    base: dict[str, str] = {"phone": "a"}
    written: list[str] = []
    for value in writes:
        refused = would_alternate(base, {"phone": value})
        assert bool(refused) == loops(written, value)
        if refused:
            assert refused["phone"][-1] == value
            break  # quarantined: nothing more is written
        base = remember_writes(base, {"phone": value})
        if not written or written[-1] != value:
            written.append(value)
        assert written_history(base, "phone") == written[-3:]
