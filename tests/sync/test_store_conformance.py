"""One conformance suite for every StateStore: each test runs on SQLite and on PostgreSQL.

Every refusal is checked twice: the typed error, and that nothing of the refused call was
stored (the store reads the same as before it).
"""

from __future__ import annotations

import datetime as dt

import pytest

from hubqbo import (
    Conflict,
    Cursor,
    DirtyMark,
    InvalidTenantName,
    InvalidTransition,
    LeaseHeld,
    LeaseLost,
    Link,
    LinkConflict,
    LinkRef,
    MappingSetVersionConflict,
    MappingTally,
    Operation,
    OperationOutcome,
    OperationState,
    OutboxEvent,
    RunAlreadyOpen,
    RunStatus,
    StateChange,
    StateStore,
    TenantMismatch,
    snapshot_hash,
)
from hubqbo.sandbox import ManualClock
from hubqbo.sync import latest_version
from hubqbo.sync._sql import SqlStateStore
from tests.sync.conftest import StoreFactory

TTL = dt.timedelta(minutes=5)
A, P, F, S, FLY = (
    OperationState.APPLIED,
    OperationState.PLANNED,
    OperationState.FAILED,
    OperationState.SKIPPED,
    OperationState.IN_FLIGHT,
)


def _op(source: str, version: str = "1", action: str = "create:Customer") -> Operation:
    return Operation.plan("acme", "customer", source, version, action, target="quickbooks")


def _everything(store: SqlStateStore) -> object:
    """Everything the store holds for acme (to show a refused call changed nothing)."""
    export = store.export_tenant("acme")
    return export


# ------------------------------------------------------------------------------- tenants


def test_a_store_is_a_state_store(store: SqlStateStore) -> None:
    """Both backends satisfy the port."""
    assert isinstance(store, StateStore)


def test_tenant_portal_and_realm_stick(store: SqlStateStore) -> None:
    """Reconnecting with the same ids is fine; another portal or realm is refused."""
    assert "9130" == store.connect_tenant("acme", qbo_realm_id="9130").qbo_realm_id
    before = _everything(store)
    with pytest.raises(TenantMismatch, match="QuickBooks realm 9130, not 7777"):
        store.connect_tenant("acme", qbo_realm_id="7777")
    with pytest.raises(TenantMismatch, match="HubSpot portal 4471"):
        store.connect_tenant("acme", hubspot_portal_id="1")
    assert before == _everything(store)


def test_tenant_ids_known_later_are_recorded(store: SqlStateStore) -> None:
    """A tenant first connected without a portal gets it on a later connect, then keeps it."""
    store.connect_tenant("beta", qbo_realm_id="55")
    assert "99" == store.connect_tenant("beta", hubspot_portal_id="99").hubspot_portal_id
    assert ["acme", "beta"] == [t.name for t in store.tenants()]
    with pytest.raises(TenantMismatch):
        store.connect_tenant("beta", hubspot_portal_id="100")


@pytest.mark.parametrize("name", ["", "x" * 65, "has space", ".hidden", "a/b", "ü"])
def test_bad_tenant_names_are_refused(store: SqlStateStore, name: str) -> None:
    """Empty, too long, or odd characters: a typed error that is also a ValueError."""
    with pytest.raises(InvalidTenantName):
        store.connect_tenant(name)
    with pytest.raises(ValueError, match="tenant"):
        store.connect_tenant(name)
    assert ["acme"] == [t.name for t in store.tenants()]


def test_the_longest_name_is_fine(store: SqlStateStore) -> None:
    """64 characters is the limit, inclusive."""
    assert 64 == len(store.connect_tenant("t" * 64).name)


def test_a_lease_needs_a_registered_tenant(store: SqlStateStore) -> None:
    """Leasing an unknown tenant says to connect it first."""
    with pytest.raises(InvalidTenantName, match="connect_tenant"):
        store.acquire_lease("nobody", "w", ttl=TTL)


# ------------------------------------------------------------------------------- leases


def test_lease_is_exclusive_until_it_expires(store: SqlStateStore, clock: ManualClock) -> None:
    """Another holder is refused while the lease runs, takes it over after, with epoch + 1."""
    first = store.acquire_lease("acme", "w1", ttl=TTL)
    with pytest.raises(LeaseHeld) as held:
        store.acquire_lease("acme", "w2", ttl=TTL)
    assert ("w1", first.expires_at) == (held.value.holder, held.value.expires_at)
    clock.advance(seconds=301)
    second = store.acquire_lease("acme", "w2", ttl=TTL)
    assert (1, 2) == (first.epoch, second.epoch)
    assert second == store.current_lease("acme")


def test_same_holder_reacquires_the_same_epoch(store: SqlStateStore, clock: ManualClock) -> None:
    """Re-acquiring one's own lease extends it without a new epoch."""
    first = store.acquire_lease("acme", "w1", ttl=TTL)
    clock.advance(seconds=60)
    again = store.acquire_lease("acme", "w1", ttl=TTL)
    assert (first.epoch, first.expires_at + dt.timedelta(seconds=60)) == (
        again.epoch,
        again.expires_at,
    )


def test_waiting_for_a_lease(store: SqlStateStore) -> None:
    """``wait`` polls until the holder's lease expires (the manual clock moves as it sleeps)."""
    store.acquire_lease("acme", "w1", ttl=dt.timedelta(seconds=1))
    got = store.acquire_lease("acme", "w2", ttl=TTL, wait=dt.timedelta(seconds=5))
    assert ("w2", 2) == (got.holder, got.epoch)


def test_a_taken_over_holder_cannot_write(store: SqlStateStore, clock: ManualClock) -> None:
    """Fencing: every write of the old epoch is refused, and stores nothing."""
    old = store.acquire_lease("acme", "w1", ttl=TTL)
    store.journal(old, [_op("1")], begin=True)
    clock.advance(seconds=400)
    new = store.acquire_lease("acme", "w2", ttl=TTL)
    before = _everything(store)
    writes = [
        lambda: store.commit(old, StateChange(links=[Link("customer", "9", "1")])),
        lambda: store.journal(old, [_op("2")]),
        lambda: store.begin_operations(old, [_op("1").op_id]),
        lambda: store.start_run(old),
        lambda: store.renew_lease(old, ttl=TTL),
        lambda: store.resolve_conflict(old, "c", "qbo"),
    ]
    for write in writes:
        with pytest.raises(LeaseLost, match="no longer held"):
            write()
    assert before == _everything(store)
    store.release_lease(old)  # a no-op: it is not the holder any more
    assert new == store.current_lease("acme")


def test_released_lease_is_fenced_and_free(store: SqlStateStore) -> None:
    """After release the old lease cannot write; anyone takes it with a new epoch."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    store.release_lease(lease)
    assert store.current_lease("acme") is None
    with pytest.raises(LeaseLost, match="released"):
        store.commit(lease, StateChange(cursors=[Cursor("s", "1")]))
    assert 2 == store.acquire_lease("acme", "w1", ttl=TTL).epoch


def test_renew_extends_the_lease(store: SqlStateStore, clock: ManualClock) -> None:
    """A renewed lease outlives its first expiry."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    clock.advance(seconds=200)
    lease = store.renew_lease(lease, ttl=TTL)
    clock.advance(seconds=200)
    with pytest.raises(LeaseHeld):
        store.acquire_lease("acme", "w2", ttl=TTL)
    store.commit(lease, StateChange(cursors=[Cursor("s", "1")]))
    assert "1" == store.cursor("acme", "s").value  # type: ignore[union-attr]


# ------------------------------------------------------------------------------- runs


def test_one_open_run_per_tenant(store: SqlStateStore, clock: ManualClock) -> None:
    """A second run under the same lease is refused until the first is finished."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    run = store.start_run(lease)
    with pytest.raises(RunAlreadyOpen):
        store.start_run(lease)
    done = store.finish_run(
        lease, run.run_id, status=RunStatus.SUCCEEDED, counts={"written": 3, "read": 10}
    )
    assert (RunStatus.SUCCEEDED, {"read": 10, "written": 3}) == (done.status, dict(done.counts))
    assert store.open_run("acme") is None
    with pytest.raises(InvalidTransition, match="not open"):
        store.finish_run(lease, run.run_id, status=RunStatus.FAILED)
    clock.advance(seconds=1)
    second = store.start_run(lease, "sweep")
    assert [(second.run_id, "sweep"), (run.run_id, "sync")] == [
        (r.run_id, r.kind) for r in store.runs("acme")
    ]
    assert [second.run_id] == [r.run_id for r in store.runs("acme", limit=1)]


def test_a_dead_holders_run_is_abandoned_on_take_over(
    store: SqlStateStore, clock: ManualClock
) -> None:
    """The new epoch's run closes the old one as abandoned; the old holder cannot finish it."""
    old = store.acquire_lease("acme", "w1", ttl=TTL)
    dead = store.start_run(old)
    clock.advance(seconds=301)
    new = store.acquire_lease("acme", "w2", ttl=TTL)
    run = store.start_run(new)
    assert run.run_id == store.open_run("acme").run_id  # type: ignore[union-attr]
    by_id = {r.run_id: r for r in store.runs("acme")}
    assert RunStatus.ABANDONED == by_id[dead.run_id].status
    assert "taken over by w2" in (by_id[dead.run_id].error or "")
    with pytest.raises(LeaseLost):
        store.finish_run(old, dead.run_id, status=RunStatus.SUCCEEDED)


# ------------------------------------------------------------------------------- journal


def test_journal_then_apply_with_link_and_cursor_in_one_commit(store: SqlStateStore) -> None:
    """planned → in_flight → applied; the link and cursor land with it."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    ops = [_op(str(i)) for i in range(100)]
    planned = store.journal(lease, ops)
    assert {P} == {o.state for o in planned}
    flying = store.begin_operations(lease, [o.op_id for o in ops])
    assert {(FLY, 1)} == {(o.state, o.attempts) for o in flying}
    store.commit(
        lease,
        StateChange(
            outcomes=[OperationOutcome(o.op_id, A, remote_id=f"q{o.source_id}") for o in ops],
            links=[Link("customer", f"q{o.source_id}", o.source_id, base="{}") for o in ops],
            cursors=[Cursor("hubspot:contacts", "2026-12-01T09:00:00+00:00")],
        ),
    )
    stored = store.operations("acme")
    assert [o.op_id for o in ops] == [o.op_id for o in stored]
    assert {A} == {o.state for o in stored}
    assert "q42" == store.operation("acme", ops[42].op_id).remote_id  # type: ignore[union-attr]
    assert 100 == len(store.links("acme", "customer"))
    assert "2026-12-01T09:00:00+00:00" == store.cursor("acme", "hubspot:contacts").value  # type: ignore[union-attr]


def test_replanning_keeps_what_was_done(store: SqlStateStore) -> None:
    """Journalling an id again returns the stored row unchanged (no reset after a crash)."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    op = _op("1")
    store.journal(lease, [op], begin=True)
    store.commit(lease, StateChange(outcomes=[OperationOutcome(op.op_id, A, remote_id="58")]))
    again = store.journal(lease, [op, _op("2")], begin=True)
    assert [(A, 1, "58"), (FLY, 1, None)] == [(o.state, o.attempts, o.remote_id) for o in again]


def test_same_content_other_version_is_another_operation(store: SqlStateStore) -> None:
    """Ids come from what the operation is, not its payload: two versions stay two writes."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    one = Operation.plan("acme", "customer", "1", "v1", "update", target="qbo", payload="{}")
    two = Operation.plan("acme", "customer", "1", "v2", "update", target="qbo", payload="{}")
    same = Operation.plan("acme", "customer", "1", "v1", "update", target="qbo", payload='{"x":1}')
    assert one.op_id == same.op_id
    assert 2 == len(store.journal(lease, [one, two, same]))
    assert 2 == len(store.operations("acme"))


def test_failed_then_retried(store: SqlStateStore) -> None:
    """A failed operation keeps its error, may be sent again (attempts 2), then skipped."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    op = _op("1")
    store.journal(lease, [op], begin=True)
    store.commit(lease, StateChange(outcomes=[OperationOutcome(op.op_id, F, error="HTTP 500")]))
    assert [op.op_id] == [o.op_id for o in store.operations("acme", states=[F])]
    (retry,) = store.begin_operations(lease, [op.op_id])
    assert (FLY, 2, "HTTP 500") == (retry.state, retry.attempts, retry.error)
    store.commit(lease, StateChange(outcomes=[OperationOutcome(op.op_id, F, error="again")]))
    store.commit(lease, StateChange(outcomes=[OperationOutcome(op.op_id, S)]))
    assert S == store.operation("acme", op.op_id).state  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ((), A),  # planned -> applied: it was never sent
        ((FLY, A), FLY),  # applied is final
        ((FLY, A), F),
        ((S,), FLY),  # skipped is final
    ],
)
def test_invalid_transitions_store_nothing(
    store: SqlStateStore, path: tuple[OperationState, ...], to: OperationState
) -> None:
    """A refused outcome refuses the whole change: no link, no cursor, no other outcome."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    op, other = _op("1"), _op("2")
    store.journal(lease, [op, other], begin=False)
    store.begin_operations(lease, [other.op_id])
    for state in path:
        if state is FLY:
            store.begin_operations(lease, [op.op_id])
        else:
            store.commit(lease, StateChange(outcomes=[OperationOutcome(op.op_id, state)]))
    before = _everything(store)
    if to is FLY:
        with pytest.raises(InvalidTransition, match="nothing was stored"):
            store.begin_operations(lease, [other.op_id, op.op_id])
    else:
        change = StateChange(
            outcomes=[OperationOutcome(other.op_id, A), OperationOutcome(op.op_id, to)],
            links=[Link("customer", "58", "1")],
            cursors=[Cursor("s", "x")],
        )
        with pytest.raises(InvalidTransition, match="nothing was stored"):
            store.commit(lease, change)
    assert before == _everything(store)


def test_unknown_operations_are_refused(store: SqlStateStore) -> None:
    """An outcome or a begin for an id never journalled is refused."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    with pytest.raises(InvalidTransition, match="not in the journal"):
        store.commit(lease, StateChange(outcomes=[OperationOutcome("nope", A)]))
    with pytest.raises(InvalidTransition, match="not in the journal"):
        store.begin_operations(lease, ["nope"])
    with pytest.raises(InvalidTransition, match="begin_operations"):
        store.commit(lease, StateChange(outcomes=[OperationOutcome("nope", FLY)]))


def test_operation_filters(store: SqlStateStore) -> None:
    """By state, kind and source id; oldest first; limited."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    ops = [_op("1"), _op("2"), _op("1", action="update:Customer")]
    store.journal(lease, ops)
    store.begin_operations(lease, [ops[1].op_id])
    assert [ops[1].op_id] == [o.op_id for o in store.operations("acme", states=[FLY])]
    assert [ops[0].op_id, ops[2].op_id] == [
        o.op_id for o in store.operations("acme", source_id="1")
    ]
    assert [ops[0].op_id] == [o.op_id for o in store.operations("acme", limit=1)]
    assert [] == store.operations("acme", kind="item")


def test_bad_operation_ids_are_refused(store: SqlStateStore) -> None:
    """An id longer than QBO's requestid limit cannot be journalled."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    long = Operation("x" * 51, "customer", "1", "1", "create", "quickbooks")
    with pytest.raises(ValueError, match=r"1\.\.50"):
        store.journal(lease, [long])
    assert [] == store.operations("acme")


# ------------------------------------------------------------------------------- links


def test_links_read_a_page_at_a_time_are_all_the_links_in_order(store: SqlStateStore) -> None:
    """Keyset paging (``after`` / ``limit``) returns every link once, in the store's order."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    ids = [f"{i}" for i in range(1, 24)]  # "1", "10", "11"...: text order, not numbers
    store.commit(lease, StateChange(links=[Link("invoice", i, f"h{i}", base="{}") for i in ids]))
    store.commit(lease, StateChange(links=[Link("customer", "5", "h5", base="{}")]))
    paged: list[str] = []
    after: str | None = None
    while True:
        page = store.links("acme", "invoice", after=after, limit=5)
        assert len(page) <= 5
        paged += [link.qbo_id for link in page]
        if len(page) < 5:
            break
        after = page[-1].qbo_id
    assert paged == [link.qbo_id for link in store.links("acme", "invoice")]
    assert sorted(paged) == sorted(ids)
    assert [] == store.links("acme", "invoice", after=paged[-1], limit=5)


def test_link_update_keeps_one_row_and_hashes_the_base(store: SqlStateStore) -> None:
    """Upserting a link updates its token, timestamp and base snapshot."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    seen = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)
    store.commit(lease, StateChange(links=[Link("customer", "58", "501", qbo_sync_token="0")]))
    store.commit(
        lease,
        StateChange(
            links=[
                Link(
                    "customer",
                    "58",
                    "501",
                    qbo_sync_token="1",
                    hubspot_updated_at=seen,
                    base='{"email":"a@b.example"}',
                )
            ]
        ),
    )
    link = store.link("acme", "customer", qbo_id="58")
    assert link is not None
    assert ("1", seen, snapshot_hash('{"email":"a@b.example"}')) == (
        link.qbo_sync_token,
        link.hubspot_updated_at,
        link.base_hash,
    )
    assert [link] == store.links("acme", "customer")
    assert store.link("acme", "item", qbo_id="58") is None


@pytest.mark.parametrize(
    "link",
    [Link("customer", "58", "999"), Link("customer", "77", "501")],
    ids=["qbo-side-taken", "hubspot-side-taken"],
)
def test_a_record_has_one_link(store: SqlStateStore, link: Link) -> None:
    """Linking a record that is linked to another record is refused; nothing of the batch lands."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    store.commit(lease, StateChange(links=[Link("customer", "58", "501")]))
    before = _everything(store)
    with pytest.raises(LinkConflict, match="already linked"):
        store.commit(
            lease, StateChange(links=[Link("customer", "1", "2"), link], cursors=[Cursor("s", "1")])
        )
    assert before == _everything(store)


def test_a_batch_cannot_link_one_record_twice(store: SqlStateStore) -> None:
    """Two links for one record inside one batch are refused."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    with pytest.raises(LinkConflict, match="two records"):
        store.commit(
            lease, StateChange(links=[Link("customer", "1", "a"), Link("customer", "2", "a")])
        )
    assert [] == store.links("acme", "customer")


def test_relink_by_unlinking_first(store: SqlStateStore) -> None:
    """Unlinks apply before links in the same change, so a record can move."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    store.commit(lease, StateChange(links=[Link("customer", "58", "501")]))
    store.commit(
        lease,
        StateChange(unlinks=[LinkRef("customer", "58")], links=[Link("customer", "77", "501")]),
    )
    assert ["77"] == [x.qbo_id for x in store.links("acme", "customer")]


def test_links_by_ids_of_either_side(store: SqlStateStore) -> None:
    """Batch lookups by QBO ids or HubSpot ids; kinds and tenants are separate."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    store.commit(
        lease,
        StateChange(
            links=[Link("customer", str(i), f"h{i}") for i in range(10)] + [Link("item", "1", "h1")]
        ),
    )
    assert ["2", "3"] == [x.qbo_id for x in store.links("acme", "customer", qbo_ids=["3", "2"])]
    assert ["1", "4"] == [
        x.qbo_id for x in store.links("acme", "customer", hubspot_ids=["h4", "h1", "zz"])
    ]
    assert ["1"] == [x.qbo_id for x in store.links("acme", "item")]
    store.connect_tenant("beta")
    assert [] == store.links("beta", "customer")
    with pytest.raises(ValueError, match="exactly one"):
        store.link("acme", "customer")


# ------------------------------------------------------------------------------- dirty inbox


def test_dirty_marks_coalesce_and_clear_only_when_unchanged(
    store: SqlStateStore, clock: ManualClock
) -> None:
    """Many events, one row; a clearance read before a later event leaves the row."""
    t0 = clock.now()
    store.mark_dirty(
        "acme",
        [DirtyMark("hubspot", "contact", "501", t0 + dt.timedelta(seconds=s)) for s in (5, 1, 3)],
    )
    store.mark_dirty(
        "acme", [DirtyMark("quickbooks", "Customer", "58", t0 + dt.timedelta(seconds=9))]
    )
    (row, qbo) = store.dirty("acme")
    assert ("501", 3, t0 + dt.timedelta(seconds=1), t0 + dt.timedelta(seconds=5)) == (
        row.record_id,
        row.events,
        row.first_seen,
        row.last_seen,
    )
    assert "58" == qbo.record_id
    store.mark_dirty("acme", [DirtyMark("hubspot", "contact", "501", t0)])  # arrives meanwhile
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    store.commit(lease, StateChange(cleared=[row, qbo]))
    (left,) = store.dirty("acme")
    assert ("501", 4, t0) == (left.record_id, left.events, left.first_seen)
    store.commit(lease, StateChange(cleared=[left]))
    assert [] == store.dirty("acme")


def test_dirty_needs_a_known_tenant(store: SqlStateStore, clock: ManualClock) -> None:
    """Webhook marks for an unregistered tenant are refused."""
    with pytest.raises(InvalidTenantName):
        store.mark_dirty("nobody", [DirtyMark("hubspot", "contact", "1", clock.now())])


# ------------------------------------------------------------------------------- outbox


def test_outbox_at_least_once(store: SqlStateStore) -> None:
    """An event enqueued twice is stored once; delivered ones leave the pending list."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    events = [OutboxEvent(f"e{i}", "invoice.overdue", f'{{"n":{i}}}') for i in range(3)]
    store.commit(lease, StateChange(events=events))
    store.commit(lease, StateChange(events=[OutboxEvent("e1", "invoice.overdue", "changed")]))
    pending = store.pending_events("acme")
    assert [("e0", '{"n":0}'), ("e1", '{"n":1}'), ("e2", '{"n":2}')] == [
        (e.event_id, e.payload) for e in pending
    ]
    store.mark_delivered("acme", ["e1", "e1", "unknown"])
    store.mark_delivered("acme", ["e1"])
    assert ["e0", "e2"] == [e.event_id for e in store.pending_events("acme")]
    assert ["e0"] == [e.event_id for e in store.pending_events("acme", limit=1)]
    delivered = {e.event_id: e.delivered_at for e in store.export_tenant("acme").events}
    assert delivered["e1"] is not None
    assert delivered["e0"] is None


# ------------------------------------------------------------------------------- conflicts


def test_conflicts_recorded_once_and_resolved(store: SqlStateStore) -> None:
    """A conflict id is stored once; resolving it moves it out of the open list."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    conflict = Conflict("c1", "customer", "58", "501", "email", '"a"', '"b"', '"c"')
    store.commit(lease, StateChange(conflicts=[conflict, conflict]))
    (open_,) = store.conflicts("acme")
    assert ("email", '"b"', None) == (open_.field, open_.qbo_value, open_.resolution)
    store.resolve_conflict(lease, "c1", "hubspot")
    assert [] == store.conflicts("acme")
    (done,) = store.conflicts("acme", include_resolved=True)
    assert ("hubspot", True) == (done.resolution, done.resolved_at is not None)
    with pytest.raises(InvalidTransition, match="no conflict"):
        store.resolve_conflict(lease, "c2", "qbo")


# ------------------------------------------------------------------------------- mapping sets


def test_mapping_set_versions(store: SqlStateStore) -> None:
    """Each save is the next version; a save from a stale version is refused."""
    one = store.save_mapping_set("acme", "contacts", "Customer", '{"v":1}', expected_version=0)
    two = store.save_mapping_set("acme", "contacts", "Customer", '{"v":2}')
    store.save_mapping_set("acme", "products", "Item", '{"p":1}')
    assert (1, 2) == (one.version, two.version)
    with pytest.raises(MappingSetVersionConflict, match="version 2, not 1"):
        store.save_mapping_set("acme", "contacts", "Customer", "{}", expected_version=1)
    latest = store.mapping_set("acme", "contacts", "Customer")
    assert (2, '{"v":2}') == (latest.version, latest.content)  # type: ignore[union-attr]
    assert '{"v":1}' == store.mapping_set("acme", "contacts", "Customer", version=1).content  # type: ignore[union-attr]
    assert [("contacts", 2), ("products", 1)] == [
        (m.hubspot_object, m.version) for m in store.mapping_sets("acme")
    ]
    assert store.mapping_set("acme", "deals", "Invoice") is None


def test_mapping_status_adds_up(store: SqlStateStore, clock: ManualClock) -> None:
    """Tallies add up per mapping; the last refusal and last success are kept."""
    store.save_mapping_set("acme", "contacts", "Customer", "{}")
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    tally = MappingTally("contacts", "Customer", 1, "email", written=3)
    store.commit(lease, StateChange(tallies=[tally]))
    success_at = clock.now()
    clock.advance(seconds=10)
    refused = MappingTally("contacts", "Customer", 1, "email", refused=2, refusal="not an email")
    store.commit(
        lease, StateChange(tallies=[refused, MappingTally("contacts", "Customer", 1, "a")])
    )
    a, email = store.mapping_statuses("acme", "contacts", "Customer")
    assert (0, 0, None) == (a.written, a.refused, a.last_success_at)
    assert (3, 2, "not an email", success_at, clock.now()) == (
        email.written,
        email.refused,
        email.last_refusal,
        email.last_success_at,
        email.last_refusal_at,
    )
    assert [] == store.mapping_statuses("acme", "contacts", "Customer", version=2)


# ------------------------------------------------------------------------------- whole store


def test_commit_of_nothing_is_fine(store: SqlStateStore) -> None:
    """An empty change stores nothing and raises nothing."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    before = _everything(store)
    store.commit(lease, StateChange())
    assert before == _everything(store)


def test_state_survives_reopening(open_store: StoreFactory, clock: ManualClock) -> None:
    """What one store object committed, another one (a restart) reads."""
    first = open_store(clock=clock)
    first.connect_tenant("acme", qbo_realm_id="9130")
    lease = first.acquire_lease("acme", "w1", ttl=TTL)
    first.journal(lease, [_op("1")], begin=True)
    first.commit(lease, StateChange(links=[Link("customer", "58", "501")]))
    first.close()
    second = open_store(clock=clock)
    assert ["58"] == [x.qbo_id for x in second.links("acme", "customer")]
    assert [FLY] == [o.state for o in second.operations("acme")]
    with pytest.raises(LeaseHeld):
        second.acquire_lease("acme", "w2", ttl=TTL)


def test_reopening_migrates_nothing_twice(open_store: StoreFactory, backend: str) -> None:
    """Opening a store again leaves the schema version as it was."""
    first = open_store()
    version = first.schema_version()  # type: ignore[attr-defined]
    second = open_store()
    latest = latest_version(backend)
    assert (latest, latest) == (version, second.schema_version())  # type: ignore[attr-defined]


def test_one_change_may_move_an_operation_twice(store: SqlStateStore) -> None:
    """Outcomes apply in order: in flight → failed → skipped within one commit."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    op, other = _op("1"), _op("2")
    store.journal(lease, [op, other], begin=True)
    store.commit(
        lease,
        StateChange(
            outcomes=[
                OperationOutcome(op.op_id, F, error="HTTP 400"),
                OperationOutcome(other.op_id, A, remote_id="9"),
                OperationOutcome(op.op_id, S),
            ]
        ),
    )
    assert [(S, "HTTP 400"), (A, None)] == [
        (o.state, o.error if o.state is S else None) for o in store.operations("acme")
    ]


def test_a_read_sees_one_moment(store: SqlStateStore, open_store: StoreFactory) -> None:
    """A read transaction is one snapshot: a commit landing between two of its statements is
    not seen half (what ``export_tenant``'s dozen SELECTs rely on; READ COMMITTED, the
    PostgreSQL default, gives each statement its own)."""
    writer = open_store()
    lease = writer.acquire_lease("acme", "w1", ttl=TTL)
    links = "SELECT count(*) FROM hubqbo_links WHERE tenant = ?"
    with store._read() as tx:
        before = tx.one(links, ("acme",))
        writer.commit(lease, StateChange(links=[Link("customer", "58", "501")]))
        during = tx.one(links, ("acme",))
    assert (before, during) == ((0,), (0,))
    assert ["58"] == [x.qbo_id for x in store.links("acme", "customer")]


def test_pruning_the_journal_keeps_unfinished_and_recent_operations(
    store: SqlStateStore, clock: ManualClock
) -> None:
    """Final operations (applied, skipped) older than the cutoff go; planned, in-flight and
    failed ones stay whatever their age, and so do newer ones and other tenants'."""
    lease = store.acquire_lease("acme", "w1", ttl=TTL)
    applied, skipped, flying, failed, planned = (_op(str(n)) for n in range(5))
    store.journal(lease, [applied, skipped, flying, failed, planned])
    store.begin_operations(lease, [applied.op_id, flying.op_id, failed.op_id])
    store.commit(
        lease,
        StateChange(
            outcomes=[
                OperationOutcome(applied.op_id, A),
                OperationOutcome(skipped.op_id, S),
                OperationOutcome(failed.op_id, F, error="HTTP 500"),
            ]
        ),
    )
    store.connect_tenant("beta")
    other = store.acquire_lease("beta", "w2", ttl=TTL)
    theirs = Operation.plan("beta", "customer", "9", "1", "create", target="quickbooks")
    store.journal(other, [theirs], begin=True)
    store.commit(other, StateChange(outcomes=[OperationOutcome(theirs.op_id, A)]))
    clock.advance(seconds=3600)
    cutoff = clock.now()
    lease = store.renew_lease(lease, ttl=TTL)
    recent = _op("5")
    store.journal(lease, [recent], begin=True)
    store.commit(lease, StateChange(outcomes=[OperationOutcome(recent.op_id, A)]))
    assert store.prune_journal("acme", older_than=cutoff) == 2
    left = {o.op_id: o.state for o in store.operations("acme")}
    assert left == {flying.op_id: FLY, failed.op_id: F, planned.op_id: P, recent.op_id: A}
    assert [theirs.op_id] == [o.op_id for o in store.operations("beta")]
    assert store.prune_journal("acme", older_than=cutoff) == 0
    with pytest.raises(ValueError, match="aware"):
        store.prune_journal("acme", older_than=cutoff.replace(tzinfo=None))
