"""Two-way fault injection: seeded runs with edits on both sides and 20% of the requests to
either service failing (429, 5xx, timeouts, a connection reset after the server applied the
write, HubSpot 207 batches half applied; QBO's writes included) end where a fault-free run
ends: both sides agree with the reference model of the rule, nothing duplicated, and a
settled run writes nothing (no loop).

The suite runs a CI-sized share; the full count (1,000 seeds) is::

    HUBQBO_TWOWAY_FAULT_SEEDS=1000 python -m pytest -q -p no:cacheprovider \\
        tests/sync/test_twoway_faults.py
"""

from __future__ import annotations

import functools
import os
import random

import pytest

from hubqbo.mapping import Direction
from hubqbo.sandbox import Fault, FaultPlan
from hubqbo.sync import ConflictRule, ObjectSync, SyncConfig
from tests.sync._twoway_model import (
    Model,
    duplicates,
    mismatches,
    qbo_value,
    random_edits,
    seed_records,
)
from tests.sync._world import FAULTS, World, make_world, props, set_faults, until_clean

SEEDS = int(os.environ.get("HUBQBO_TWOWAY_FAULT_SEEDS", "24"))
VARIANTS = 8
"""Edit scripts: a seed's edits are script ``seed % VARIANTS`` (its fault-free run is cached)."""
RULES = (ConflictRule.QBO_WINS, ConflictRule.HUBSPOT_WINS)
TWO_WAY_FAULTS = [*FAULTS, Fault.partial_batch()]

State = tuple[tuple[tuple[str, ...], ...], ...]


def _config(rule: ConflictRule) -> SyncConfig:
    return SyncConfig(
        contacts=ObjectSync(direction=Direction.BOTH),
        products=ObjectSync(direction=Direction.BOTH),
        conflict_rule=rule,
    )


def _state(world: World) -> State:
    """Both sides, every synced field, without provider-assigned HubSpot ids."""
    contacts = sorted(
        tuple(
            str(props(c).get(k) or "")
            for k in ("hubqbo_id", "email", "firstname", "lastname", "phone", "hubqbo_status")
        )
        for c in world.contacts()
    )
    products = sorted(
        tuple(
            str(props(p).get(k) or "")
            for k in ("hubqbo_id", "name", "price", "hs_sku", "description")
        )
        for p in world.products()
    )
    customers = sorted(
        (
            str(c["Id"]),
            str(c.get("DisplayName")),
            str(c.get("Active")),
            *(qbo_value(c, f) for f in ("GivenName", "FamilyName", "PrimaryPhone")),
        )
        for c in world.qbo.records(world.realm, "Customer")
    )
    items = sorted(
        (str(i["Id"]), str(i.get("Name")), str(i.get("Description") or ""), str(i.get("Sku")))
        for i in world.qbo.records(world.realm, "Item")
    )
    return (tuple(contacts), tuple(products), tuple(customers), tuple(items))


def _scenario(variant: int, faults: FaultPlan | None) -> tuple[World, Model]:
    """Backfill, three rounds of random edits on both sides each followed by runs until
    settled, a late QBO customer; faults on both services throughout."""
    rng = random.Random(variant)
    rule = RULES[variant % len(RULES)]
    config = _config(rule)
    model = Model(rule)
    world = make_world()
    records = seed_records(world.qbo, world.realm, model, customers=24, items=12)
    set_faults(world, faults)
    until_clean(world, config)
    for round_ in range(3):
        world.later()
        random_edits(rng, (world.qbo, world.realm, world.hs), records, model, count=20)
        if round_ == 0:
            records += seed_records(world.qbo, world.realm, model, customers=1, items=0, tag="L")
        world.later()
        until_clean(world, config)
        model.run()
    set_faults(world, None)
    return world, model


@functools.cache
def _reference(variant: int) -> State:
    world, model = _scenario(variant, None)
    assert mismatches(world.qbo, world.realm, world.hs, model) == []
    return _state(world)


@pytest.mark.parametrize("seed", range(SEEDS))
def test_faulty_two_way_runs_end_like_a_clean_run(seed: int) -> None:
    faults = FaultPlan.random(rate=0.2, faults=TWO_WAY_FAULTS, seed=seed)
    world, model = _scenario(seed % VARIANTS, faults)
    assert faults.injected  # the faults did happen
    assert mismatches(world.qbo, world.realm, world.hs, model) == []
    assert duplicates(world.qbo, world.realm, world.hs) == []
    assert _state(world) == _reference(seed % VARIANTS)
    engine = world.engine(_config(RULES[seed % VARIANTS % len(RULES)]))
    for _ in range(2):  # settled: nothing loops
        world.later(1)
        assert engine.run().applied == 0
