"""A hypothesis state machine over leases and journal transitions, on both backends.

The model is a few lines of plain Python (who holds the lease, at which epoch, until when; each
operation's state) written from the documented rules, not from the store's code: any sequence
of acquires, renewals, releases, clock moves, plans, begins and outcomes by two holders must
leave the store exactly where the model is, and every write the model says is fenced or
illegal must be refused.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from hubqbo import (
    OPERATION_TRANSITIONS,
    InvalidTransition,
    Lease,
    LeaseHeld,
    LeaseLost,
    Link,
    LinkConflict,
    LinkRef,
    Operation,
    OperationOutcome,
    OperationState,
    StateChange,
)
from hubqbo.sandbox import ManualClock
from hubqbo.sync._sql import SqlStateStore

HOLDERS = ("w1", "w2")
SOURCES = tuple(str(i) for i in range(4))
TTL = dt.timedelta(seconds=60)
_tenants = itertools.count()


class StoreMachine(RuleBasedStateMachine):
    """Two holders race for one tenant's lease and move its journal."""

    def __init__(self, store: SqlStateStore, clock: ManualClock) -> None:
        super().__init__()
        self.store, self.clock = store, clock
        self.tenant = f"m{next(_tenants)}"
        store.connect_tenant(self.tenant)
        self.holder: str | None = None  # model: current holder (None = free or released)
        self.epoch = 0
        self.expires = clock.now()
        self.leases: dict[str, Lease] = {}  # each holder's last lease object
        self.ops: dict[str, OperationState] = {}

    def _op(self, source: str) -> Operation:
        return Operation.plan(self.tenant, "customer", source, "1", "create", target="qbo")

    def _fenced(self, who: str) -> bool:
        lease = self.leases.get(who)
        return lease is None or self.holder != who or lease.epoch != self.epoch

    # ------------------------------------------------------------------ leases

    @rule(who=st.sampled_from(HOLDERS))
    def acquire(self, who: str) -> None:
        now = self.clock.now()
        if self.holder not in (None, who) and self.expires > now:
            with pytest.raises(LeaseHeld):
                self.store.acquire_lease(self.tenant, who, ttl=TTL)
            return
        lease = self.store.acquire_lease(self.tenant, who, ttl=TTL)
        if self.holder != who:
            self.epoch += 1
        self.holder, self.expires = who, now + TTL
        assert (who, self.epoch, self.expires) == (lease.holder, lease.epoch, lease.expires_at)
        self.leases[who] = lease

    @rule(who=st.sampled_from(HOLDERS))
    def renew(self, who: str) -> None:
        if who not in self.leases:
            return
        if self._fenced(who):
            with pytest.raises(LeaseLost):
                self.store.renew_lease(self.leases[who], ttl=TTL)
            return
        self.leases[who] = self.store.renew_lease(self.leases[who], ttl=TTL)
        self.expires = self.clock.now() + TTL

    @rule(who=st.sampled_from(HOLDERS))
    def release(self, who: str) -> None:
        if who not in self.leases:
            return
        self.store.release_lease(self.leases[who])
        if not self._fenced(who):
            self.holder = None

    @rule(seconds=st.sampled_from([1, 30, 61]))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds=seconds)

    # ------------------------------------------------------------------ journal

    @rule(who=st.sampled_from(HOLDERS), sources=st.sets(st.sampled_from(SOURCES), min_size=1))
    def plan(self, who: str, sources: set[str]) -> None:
        if who not in self.leases:
            return
        ops = [self._op(s) for s in sorted(sources)]
        if self._fenced(who):
            with pytest.raises(LeaseLost):
                self.store.journal(self.leases[who], ops)
            return
        stored = self.store.journal(self.leases[who], ops)
        for op in ops:
            self.ops.setdefault(op.op_id, OperationState.PLANNED)
        assert [self.ops[o.op_id] for o in ops] == [o.state for o in stored]

    @rule(who=st.sampled_from(HOLDERS), sources=st.sets(st.sampled_from(SOURCES), min_size=1))
    def begin(self, who: str, sources: set[str]) -> None:
        if who not in self.leases:
            return
        ids = [self._op(s).op_id for s in sorted(sources)]
        if self._fenced(who):
            with pytest.raises(LeaseLost):
                self.store.begin_operations(self.leases[who], ids)
            return
        legal = all(
            i in self.ops and OperationState.IN_FLIGHT in OPERATION_TRANSITIONS[self.ops[i]]
            for i in ids
        )
        if not legal:
            with pytest.raises(InvalidTransition):
                self.store.begin_operations(self.leases[who], ids)
            return
        self.store.begin_operations(self.leases[who], ids)
        for i in ids:
            self.ops[i] = OperationState.IN_FLIGHT

    @rule(
        who=st.sampled_from(HOLDERS),
        source=st.sampled_from(SOURCES),
        state=st.sampled_from(
            [OperationState.APPLIED, OperationState.FAILED, OperationState.SKIPPED]
        ),
    )
    def outcome(self, who: str, source: str, state: OperationState) -> None:
        if who not in self.leases:
            return
        op_id = self._op(source).op_id
        change = StateChange(outcomes=[OperationOutcome(op_id, state, remote_id="r")])
        if self._fenced(who):
            with pytest.raises(LeaseLost):
                self.store.commit(self.leases[who], change)
            return
        if op_id not in self.ops or state not in OPERATION_TRANSITIONS[self.ops[op_id]]:
            with pytest.raises(InvalidTransition):
                self.store.commit(self.leases[who], change)
            return
        self.store.commit(self.leases[who], change)
        self.ops[op_id] = state

    # ------------------------------------------------------------------ invariants

    @invariant()
    def journal_matches_the_model(self) -> None:
        stored = {o.op_id: o.state for o in self.store.operations(self.tenant)}
        assert self.ops == stored

    @invariant()
    def lease_matches_the_model(self) -> None:
        lease = self.store.current_lease(self.tenant)
        if self.holder is None:
            assert lease is None
        else:
            assert lease is not None
            assert (self.holder, self.epoch, self.expires) == (
                lease.holder,
                lease.epoch,
                lease.expires_at,
            )


def test_leases_and_journal_follow_the_rules(
    backend: str, store: SqlStateStore, clock: ManualClock
) -> None:
    """Random interleavings of two holders on one tenant, checked against the model."""
    examples = 60 if backend == "sqlite" else 25
    run_state_machine_as_test(
        lambda: StoreMachine(store, clock),
        settings=settings(max_examples=examples, stateful_step_count=25, deadline=None),
    )


QBO_IDS = ("q1", "q2", "q3")
HS_IDS = ("h1", "h2", "h3")


class LinkMachine(RuleBasedStateMachine):
    """Batches of links and unlinks against a model: one link per record on either side."""

    def __init__(self, store: SqlStateStore) -> None:
        super().__init__()
        self.store = store
        self.tenant = f"l{next(_tenants)}"
        store.connect_tenant(self.tenant)
        self.lease = store.acquire_lease(self.tenant, "w", ttl=dt.timedelta(days=1))
        self.model: dict[str, str] = {}  # qbo id -> hubspot id

    @rule(
        pairs=st.lists(
            st.tuples(st.sampled_from(QBO_IDS), st.sampled_from(HS_IDS)), min_size=1, max_size=3
        ),
        unlinks=st.lists(st.sampled_from(QBO_IDS), max_size=2),
    )
    def commit(self, pairs: list[tuple[str, str]], unlinks: list[str]) -> None:
        after = {q: h for q, h in self.model.items() if q not in unlinks}
        ok = len({q for q, _ in pairs}) == len(set(pairs)) == len({h for _, h in pairs})
        for qbo_id, hubspot_id in pairs:
            taken_by = {h: q for q, h in after.items()}
            if after.get(qbo_id, hubspot_id) != hubspot_id:
                ok = False
            if taken_by.get(hubspot_id, qbo_id) != qbo_id:
                ok = False
            after[qbo_id] = hubspot_id
        change = StateChange(
            unlinks=[LinkRef("customer", q) for q in unlinks],
            links=[Link("customer", q, h, base=f'{{"n":"{q}{h}"}}') for q, h in pairs],
        )
        if not ok:
            with pytest.raises(LinkConflict):
                self.store.commit(self.lease, change)
            return
        self.store.commit(self.lease, change)
        self.model = after

    @invariant()
    def links_match_the_model(self) -> None:
        stored = {x.qbo_id: x.hubspot_id for x in self.store.links(self.tenant, "customer")}
        assert self.model == stored


def test_links_stay_one_per_record(backend: str, store: SqlStateStore) -> None:
    """Random link/unlink batches: refused exactly when a record would get a second link."""
    examples = 80 if backend == "sqlite" else 30
    run_state_machine_as_test(
        lambda: LinkMachine(store),
        settings=settings(max_examples=examples, stateful_step_count=15, deadline=None),
    )
