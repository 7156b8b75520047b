"""The applier: the only writer. Journal, in flight, provider call, applied — exactly once.

Why this shape (Brandur's idempotency keys; Airbyte's "state only after the destination
committed"): for each provider request (a batch of at most 100 records, or of associations)

1. the operations are journaled as planned (an id already journaled keeps its state, so a
   re-plan after a crash never resets a write that was sent or applied);
2. they are marked in flight, committed **before** the call;
3. the call is made — records by batch upsert on hubqbo's unique ``realm:id`` property, or by
   id for records already linked — so re-sending it after a crash or a lost answer lands on
   the same HubSpot record;
4. in one transaction: each operation applied (with its link and base snapshot) or failed
   (with its error); a 207 partial batch fails only its failed records.

An operation still in flight at the start of a run is re-sent with the same payload (the
upsert key and record ids make that safe), never blindly duplicated. A record whose writes
fail ``max_attempts`` times is quarantined with its error and never blocks the others.
HubSpot's daily limit parks the tenant until its reset instead of retrying. A reply that is
not what the API promises (``UnexpectedResponseError``) ends the run at once: the operations
stay in flight, the cursors do not move, and the next run completes them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from hubqbo.errors import (
    ApiError,
    HubQboError,
    RateLimitedError,
    TransportError,
    UnexpectedResponseError,
)
from hubqbo.idempotency import canonical_json
from hubqbo.models import CrmObjectType
from hubqbo.protocols import (
    CrmRecordStore,
    Lease,
    Link,
    MappingTally,
    Operation,
    OperationOutcome,
    OperationState,
    StateChange,
    StateStore,
    WriteOutcome,
)
from hubqbo.sync._config import ObjectKind
from hubqbo.sync._plan import ASSOCIATION_PREFIX, Action, PlannedOp, association_key
from hubqbo.sync._result import Quarantined
from hubqbo.sync._rollup import ROLLUP_ACTION, needs_rollup, rollup_marker
from hubqbo.sync._twoway import hubspot_read_back

__all__ = [
    "FLAG_PREFIX",
    "Applier",
    "ApplyReport",
    "decode_base",
    "merge_tallies",
    "op_from_journal",
]

_log = logging.getLogger("hubqbo.sync")

RECORD_BATCH = 100
"""HubSpot's batch size for records (create, update, upsert, archive)."""
ASSOCIATION_BATCH = 2_000
"""HubSpot's batch size for association creates (v4)."""
FLAG_PREFIX = "#"
"""Base snapshot keys starting with this are hubqbo's flags (``#archived``), not values."""


@attrs.define
class ApplyReport:
    """What an apply did (mutable while it runs)."""

    counts: dict[str, dict[str, int]] = attrs.field(factory=lambda: defaultdict(dict))
    applied: int = 0
    failed: int = 0
    skipped: int = 0
    quarantined: list[Quarantined] = attrs.field(factory=list)
    errors: list[str] = attrs.field(factory=list)
    parked_until: dt.datetime | None = None
    events: int = 0
    touched: dict[ObjectKind, set[str]] = attrs.field(factory=lambda: defaultdict(set))
    """QBO ids written per object (the invoices whose deals need a roll-up)."""
    applied_ops: set[str] = attrs.field(factory=set)
    """The record operations applied (their deal roll-up markers are ready)."""

    def count(self, kind: ObjectKind, action: Action) -> None:
        bucket = self.counts[kind.value]
        bucket[action.value] = bucket.get(action.value, 0) + 1


def decode_base(base: str | None) -> dict[str, str]:
    """A link's base snapshot (JSON text) as a dict (empty when absent or unreadable)."""
    if not base:
        return {}
    try:
        data = json.loads(base)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _payload(op: PlannedOp) -> str:
    return canonical_json(
        {
            "action": op.action.value,
            "hubspot_id": op.hubspot_id,
            "properties": dict(op.properties),
            "snapshot": dict(op.snapshot),
            "label": op.label,
            "to_type": op.to_type.value if op.to_type else None,
            "to_kind": op.to_kind.value if op.to_kind else None,
            "to_id": op.to_id,
        }
    )


def op_from_journal(entry: Operation) -> PlannedOp | None:
    """The planned operation a journal entry was made from (to re-send it after a crash)."""
    try:
        data = json.loads(entry.payload or "{}")
        return PlannedOp(
            op_id=entry.op_id,
            kind=ObjectKind(entry.kind),
            action=Action(data["action"]),
            qbo_id=entry.source_id,
            version=entry.source_version,
            hubspot_id=data.get("hubspot_id"),
            properties=data.get("properties") or {},
            snapshot=data.get("snapshot") or {},
            reason="resumed after an interrupted run",
            label=data.get("label") or "",
            to_type=CrmObjectType(data["to_type"]) if data.get("to_type") else None,
            to_kind=ObjectKind(data["to_kind"]) if data.get("to_kind") else None,
            to_id=data.get("to_id"),
        )
    except (ValueError, KeyError, TypeError):
        _log.warning("journal entry %s cannot be re-read; left as it is", entry.op_id)
        return None


def merge_tallies(tallies: Iterable[MappingTally]) -> list[MappingTally]:
    """Tallies of one commit summed per mapping (the last refusal's reason kept)."""
    sums: dict[tuple[str, str, int, str], list[Any]] = {}
    for t in tallies:
        key = (t.hubspot_object, t.qbo_object, t.version, t.mapping)
        seen = sums.get(key)
        if seen is None:
            sums[key] = [t.written, t.refused, t.refusal]
        else:  # summed in place: one tally per mapping made at the end, not one per record
            seen[0] += t.written
            seen[1] += t.refused
            seen[2] = t.refusal or seen[2]
    return [
        MappingTally(h, q, v, m, written=w, refused=r, refusal=why)
        for (h, q, v, m), (w, r, why) in sums.items()
    ]


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


class Parked(Exception):
    """HubSpot's daily limit: stop writing until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class Applier:
    """Executes planned operations for one tenant under one lease (see the module rules)."""

    def __init__(
        self,
        crm: CrmRecordStore,
        store: StateStore,
        *,
        tenant: str,
        lease: Lease,
        run_id: str | None,
        id_property: Callable[[ObjectKind], str],
        now: Callable[[], dt.datetime],
        daily_reset: Callable[[dt.datetime], dt.datetime],
        max_attempts: int = 3,
        tally: Callable[[PlannedOp], Sequence[MappingTally]] | None = None,
        released: Mapping[tuple[str, str], int] | None = None,
        keyed: Callable[[ObjectKind], bool] | None = None,
    ) -> None:
        self._crm = crm
        self._store = store
        self._tenant = tenant
        self.lease = lease
        self._run_id = run_id
        self._id_property = id_property
        self._now = now
        self._daily_reset = daily_reset
        self._max_attempts = max_attempts
        self._tally = tally
        self._released = dict(released or {})
        self._keyed = keyed or (lambda _kind: True)
        self._states: dict[str, OperationState] = {}
        self.report = ApplyReport()

    # ------------------------------------------------------------------ entry points

    def apply(self, operations: Sequence[PlannedOp]) -> ApplyReport:
        """Apply ``operations`` (records of each object before its associations, objects in
        sync order). Stops early when parked; raises ``UnexpectedResponseError``."""
        try:
            for kind in ObjectKind:
                mine = [op for op in operations if op.kind is kind]
                if not mine:
                    continue
                live = self._journal(mine)
                self._records(kind, [op for op in live if op.action not in _LINKING])
                self._associations(kind, [op for op in live if op.action in _LINKING])
        except Parked as parked:
            self.report.parked_until = parked.until
            self.report.errors.append(
                f"HubSpot's daily limit reached: the tenant waits until {parked.until.isoformat()}"
            )
        return self.report

    def resume(self) -> ApplyReport:
        """Re-send every operation left in flight by an interrupted run (same payload)."""
        entries = [
            e
            for e in self._store.operations(self._tenant, states=[OperationState.IN_FLIGHT])
            if e.action != ROLLUP_ACTION  # deal roll-ups are the engine's (``_rollup``)
        ]
        ops = [op for op in (op_from_journal(e) for e in entries) if op is not None]
        if ops:
            _log.info("resuming %d operation(s) left in flight", len(ops))
        return self.apply(ops)

    # ------------------------------------------------------------------ journal

    def _journal(self, ops: Sequence[PlannedOp]) -> list[PlannedOp]:
        """Journal ``ops``; the ones not already final (applied or skipped), in order."""
        final: set[str] = set()  # ids only: the entries (payloads) are not held
        for start in range(0, len(ops), 500):
            chunk = ops[start : start + 500]
            entries = [
                Operation(
                    op_id=op.op_id,
                    kind=op.kind.value,
                    source_id=op.qbo_id,
                    source_version=op.version,
                    action=op.action.value,
                    target="hubspot",
                    payload=_payload(op),
                    run_id=self._run_id,
                )
                for op in chunk
            ]
            # an invoice write's deal roll-up, made durable with the write (``_rollup``)
            entries += [
                rollup_marker(self._tenant, op, self._run_id) for op in chunk if needs_rollup(op)
            ]
            for entry in self._store.journal(self.lease, entries):
                self._states[entry.op_id] = entry.state
                if entry.state.final:
                    final.add(entry.op_id)
        return [op for op in ops if op.op_id not in final]

    def _begin(self, ops: Sequence[PlannedOp]) -> dict[str, int]:
        """Mark in flight (committed before the call); attempts per op id."""
        begun = self._store.begin_operations(self.lease, [op.op_id for op in ops])
        return {o.op_id: o.attempts for o in begun}

    def _failed(
        self, op: PlannedOp, error: BaseException, attempts: Mapping[str, int]
    ) -> OperationOutcome:
        self.report.failed += 1
        text = _error_text(error)
        floor = self._released.get((op.kind.value, op.qbo_id), 0)
        if attempts.get(op.op_id, 0) >= floor + self._max_attempts:
            self.report.quarantined.append(
                Quarantined(op.kind, op.qbo_id, text, attempts.get(op.op_id, 0))
            )
        return OperationOutcome(op.op_id, OperationState.FAILED, error=text)

    def _link(self, op: PlannedOp, hubspot_id: str, snapshot: Mapping[str, str]) -> Link:
        return Link(
            kind=op.kind.value,
            qbo_id=op.qbo_id,
            hubspot_id=hubspot_id,
            qbo_sync_token=op.version.split("|", 1)[0] or None,
            base=canonical_json(dict(snapshot)),
        )

    def _call(
        self, what: Callable[[], object], ops: Sequence[PlannedOp], attempts: Mapping[str, int]
    ) -> tuple[object, list[OperationOutcome]]:
        """Run one provider request; a whole-request failure fails each of its operations
        (parks on the daily limit; an unexpected reply propagates with the ops in flight)."""
        try:
            return what(), []
        except UnexpectedResponseError:
            raise
        except RateLimitedError as limited:
            outcomes = [self._failed(op, limited, attempts) for op in ops]
            self._store.commit(self.lease, StateChange(outcomes=outcomes))
            if (limited.policy or "").upper() == "DAILY":
                raise Parked(self._daily_reset(self._now())) from limited
            self.report.errors.append(_error_text(limited))
            return None, []
        except (ApiError, TransportError) as failed:
            outcomes = [self._failed(op, failed, attempts) for op in ops]
            self.report.errors.append(_error_text(failed))
            return None, outcomes

    # ------------------------------------------------------------------ records

    def _records(self, kind: ObjectKind, ops: Sequence[PlannedOp]) -> None:
        creates = [op for op in ops if op.action is Action.CREATE]
        updates = [op for op in ops if op.action in (Action.UPDATE, Action.MARK) and op.properties]
        quiet = [
            op for op in ops if op.action in (Action.UPDATE, Action.MARK) and not op.properties
        ]
        archives = [op for op in ops if op.action is Action.ARCHIVE]
        write = self._upsert if creates and self._keyed(kind) else self._create
        for start in range(0, len(creates), RECORD_BATCH):
            write(kind, creates[start : start + RECORD_BATCH])
        for start in range(0, len(updates), RECORD_BATCH):
            self._update(kind, updates[start : start + RECORD_BATCH])
        if quiet:
            self._begin(quiet)
            self._commit_applied(kind, [(op, op.hubspot_id or "") for op in quiet])
        for start in range(0, len(archives), RECORD_BATCH):
            self._archive(kind, archives[start : start + RECORD_BATCH])

    def _commit_applied(
        self,
        kind: ObjectKind,
        done: Sequence[tuple[PlannedOp, str]],
        extra: Iterable[OperationOutcome] = (),
    ) -> None:
        outcomes = list(extra)
        links = []
        events = [e for op, _ in done for e in op.events]
        tallies = merge_tallies(
            t for op, _ in done if self._tally and op.properties for t in self._tally(op)
        )
        for op, hubspot_id in done:
            outcomes.append(
                OperationOutcome(op.op_id, OperationState.APPLIED, remote_id=hubspot_id)
            )
            links.append(self._link(op, hubspot_id, op.snapshot))
            self.report.applied += 1
            self.report.count(kind, op.action)
            self.report.touched[kind].add(op.qbo_id)
            self.report.applied_ops.add(op.op_id)
        self._store.commit(
            self.lease,
            StateChange(outcomes=outcomes, links=links, events=events, tallies=tallies),
        )
        self.report.events += len(events)

    def _upsert(self, kind: ObjectKind, ops: Sequence[PlannedOp]) -> None:
        attempts = self._begin(ops)
        prop = self._id_property(kind)
        records = [dict(op.properties) for op in ops]
        self._written(
            kind,
            ops,
            attempts,
            lambda: self._crm.upsert_records(kind.crm_type, records, id_property=prop),
        )

    def _create(self, kind: ObjectKind, ops: Sequence[PlannedOp]) -> None:
        """Creates where hubqbo's id property is not unique (no upsert): a create sent
        before (attempts > 1: its answer was lost, or the run died) is first looked up by
        that property, and a record found is adopted by an update instead of created again.
        One search per 100 such creates; none on the normal path."""
        attempts = self._begin(ops)
        prop = self._id_property(kind)
        again = [op for op in ops if attempts.get(op.op_id, 0) > 1]
        found: dict[str, str] = {}
        if again:
            answer, failed = self._call(
                lambda: self._crm.find_records(
                    kind.crm_type, prop, [op.properties.get(prop, "") for op in again]
                ),
                ops,
                attempts,
            )
            if not isinstance(answer, list):
                if failed:
                    self._store.commit(self.lease, StateChange(outcomes=failed))
                return
            for record in answer:  # oldest first: a duplicate made before keeps the first
                found.setdefault(str(record.properties.get(prop) or ""), record.id)
        adopted = [
            attrs.evolve(op, hubspot_id=found[op.properties.get(prop, "")])
            for op in ops
            if op.properties.get(prop, "") in found
        ]
        fresh = [op for op in ops if op.properties.get(prop, "") not in found]
        if adopted:
            _log.info("%d %s create(s) sent before found in HubSpot: adopted", len(adopted), kind)
            self._send_update(kind, adopted, attempts)
        if not fresh:
            return
        records = [dict(op.properties) for op in fresh]
        self._written(
            kind,
            fresh,
            attempts,
            lambda: self._crm.create_records(kind.crm_type, records, id_property=prop),
        )

    def _update(self, kind: ObjectKind, ops: Sequence[PlannedOp]) -> None:
        self._send_update(kind, ops, self._begin(ops))

    def _send_update(
        self, kind: ObjectKind, ops: Sequence[PlannedOp], attempts: Mapping[str, int]
    ) -> None:
        updates = [(op.hubspot_id or "", dict(op.properties)) for op in ops]
        self._written(
            kind,
            ops,
            attempts,
            lambda: self._crm.update_records(kind.crm_type, updates),
            updating=True,
        )

    def _written(
        self,
        kind: ObjectKind,
        ops: Sequence[PlannedOp],
        attempts: Mapping[str, int],
        call: Callable[[], list[WriteOutcome]],
        *,
        updating: bool = False,
    ) -> None:
        """Send one batch write of ``ops`` and record each record's outcome (a 207 maps back
        per record): applied with its HubSpot id and what HubSpot stored, or failed. An update
        keeps the id it was sent to; a create or upsert takes the id of the answer."""
        answer, failed = self._call(call, ops, attempts)
        if not isinstance(answer, list):
            if failed:
                self._store.commit(self.lease, StateChange(outcomes=failed))
            return
        done: list[tuple[PlannedOp, str]] = []
        bad: list[OperationOutcome] = []
        for op, outcome in zip(ops, answer, strict=True):
            record_id = (
                (op.hubspot_id or outcome.record_id or "") if updating else outcome.record_id
            )
            if outcome.ok and (record_id or updating):
                done.append((_as_stored(op, outcome), record_id or ""))
            else:
                bad.append(self._failed(op, outcome.error or HubQboError("not written"), attempts))
        self._commit_applied(kind, done, bad)

    def _archive(self, kind: ObjectKind, ops: Sequence[PlannedOp]) -> None:
        attempts = self._begin(ops)
        ids = [op.hubspot_id or "" for op in ops]

        def archive() -> bool:
            self._crm.archive_records(kind.crm_type, ids)
            return True

        answer, failed = self._call(archive, ops, attempts)
        if answer is None:
            if failed:
                self._store.commit(self.lease, StateChange(outcomes=failed))
            return
        links = {
            link.qbo_id: link
            for link in self._store.links(
                self._tenant, kind.value, qbo_ids=[op.qbo_id for op in ops]
            )
        }
        done = []
        for op in ops:
            base = decode_base(links[op.qbo_id].base) if op.qbo_id in links else {}
            base[f"{FLAG_PREFIX}archived"] = "1"
            done.append((attrs.evolve(op, snapshot=base), op.hubspot_id or ""))
        self._commit_applied(kind, done)

    # ------------------------------------------------------------------ associations

    def _associations(self, kind: ObjectKind, ops: Sequence[PlannedOp]) -> None:
        if not ops:
            return
        sources = {
            link.qbo_id: link
            for link in self._store.links(
                self._tenant, kind.value, qbo_ids=sorted({op.qbo_id for op in ops})
            )
        }
        targets: dict[tuple[ObjectKind, str], str] = {}
        by_kind: dict[ObjectKind, set[str]] = defaultdict(set)
        for op in ops:
            if op.to_kind is not None and op.to_id:
                by_kind[op.to_kind].add(op.to_id)
        for to_kind, ids in by_kind.items():
            for link in self._store.links(self._tenant, to_kind.value, qbo_ids=sorted(ids)):
                targets[(to_kind, link.qbo_id)] = link.hubspot_id
        groups: dict[CrmObjectType, list[tuple[PlannedOp, str, str]]] = defaultdict(list)
        removals: dict[CrmObjectType, list[tuple[PlannedOp, str, str]]] = defaultdict(list)
        unresolved: list[OperationOutcome] = []
        for op in ops:
            source = sources.get(op.qbo_id)
            target = (
                targets.get((op.to_kind, op.to_id or "")) if op.to_kind is not None else op.to_id
            )
            if source is None or not target or op.to_type is None:
                what = "this record" if source is None else f"{op.to_type} {op.to_id}"
                # an association waits (failed, not final) for a record whose write failed:
                # re-planned with it, it is made once both exist; a removal has nothing to do
                state = self._states.get(op.op_id)
                waits = op.action is Action.ASSOCIATE or state is OperationState.IN_FLIGHT
                if not (waits and state is OperationState.FAILED):
                    unresolved.append(
                        OperationOutcome(
                            op.op_id,
                            OperationState.FAILED if waits else OperationState.SKIPPED,
                            error=f"{what} is not linked in HubSpot",
                        )
                    )
                self.report.skipped += 1
                continue
            chosen = removals if op.action is Action.DISSOCIATE else groups
            chosen[op.to_type].append((op, source.hubspot_id, target))
        if unresolved:
            self._store.commit(self.lease, StateChange(outcomes=unresolved))
        kept: set[tuple[str, CrmObjectType]] = set()
        for to_type, entries in removals.items():
            for start in range(0, len(entries), ASSOCIATION_BATCH):
                kept |= self._dissociate(kind, to_type, entries[start : start + ASSOCIATION_BATCH])
        if kept:  # a new association waits until the old one is gone (the next run retries)
            waiting = [
                OperationOutcome(
                    op.op_id,
                    OperationState.FAILED,
                    error=f"waits for the removal of its old {to_type.value} association",
                )
                for to_type, entries in groups.items()
                for op, _, _ in entries
                if (op.qbo_id, to_type) in kept
            ]
            self.report.failed += len(waiting)
            self._store.commit(
                self.lease,
                StateChange(
                    outcomes=[
                        o for o in waiting if self._states.get(o.op_id) is not OperationState.FAILED
                    ]
                ),
            )
            groups = {
                t: [e for e in entries if (e[0].qbo_id, t) not in kept]
                for t, entries in groups.items()
            }
        for to_type, entries in groups.items():
            for start in range(0, len(entries), ASSOCIATION_BATCH):
                self._associate(kind, to_type, entries[start : start + ASSOCIATION_BATCH], sources)

    def _associate(
        self,
        kind: ObjectKind,
        to_type: CrmObjectType,
        entries: Sequence[tuple[PlannedOp, str, str]],
        sources: dict[str, Link],
    ) -> None:
        ops = [op for op, _, _ in entries]
        attempts = self._begin(ops)
        pairs = [(a, b) for _, a, b in entries]
        answer, failed = self._call(
            lambda: self._crm.associate_records(kind.crm_type, to_type, pairs), ops, attempts
        )
        if not isinstance(answer, list):
            if failed:
                self._store.commit(self.lease, StateChange(outcomes=failed))
            return
        outcomes: list[OperationOutcome] = []
        bases: dict[str, dict[str, str]] = {}
        for (op, _, target), outcome in zip(entries, answer, strict=True):
            if not outcome.ok:
                outcomes.append(
                    self._failed(op, outcome.error or HubQboError("not linked"), attempts)
                )
                continue
            outcomes.append(OperationOutcome(op.op_id, OperationState.APPLIED, remote_id=target))
            self.report.applied += 1
            self.report.count(kind, op.action)
            base = bases.setdefault(op.qbo_id, decode_base(sources[op.qbo_id].base))
            key = (
                association_key(op.to_kind)
                if op.to_kind
                else f"{ASSOCIATION_PREFIX}{to_type.value}"
            )
            base[key] = op.to_id or ""
        links = [_rebased(sources[qbo_id], base) for qbo_id, base in bases.items()]
        for link in links:  # the next association group of the same record builds on it
            sources[link.qbo_id] = link
        self._store.commit(self.lease, StateChange(outcomes=outcomes, links=links))

    def _dissociate(
        self,
        kind: ObjectKind,
        to_type: CrmObjectType,
        entries: Sequence[tuple[PlannedOp, str, str]],
    ) -> set[tuple[str, CrmObjectType]]:
        """Remove old associations (one batch); the records whose removal failed."""
        ops = [op for op, _, _ in entries]
        attempts = self._begin(ops)
        pairs = [(a, b) for _, a, b in entries]

        def dissociate() -> bool:
            self._crm.dissociate_records(kind.crm_type, to_type, pairs)
            return True

        answer, failed = self._call(dissociate, ops, attempts)
        if answer is None:
            if failed:
                self._store.commit(self.lease, StateChange(outcomes=failed))
            return {(op.qbo_id, to_type) for op in ops}
        outcomes = []
        for op, _, target in entries:
            outcomes.append(OperationOutcome(op.op_id, OperationState.APPLIED, remote_id=target))
            self.report.applied += 1
            self.report.count(kind, op.action)
        self._store.commit(self.lease, StateChange(outcomes=outcomes))
        return set()


_LINKING = frozenset({Action.ASSOCIATE, Action.DISSOCIATE})
"""Operations on associations (applied after the records of their object)."""


def _rebased(link: Link, base: Mapping[str, str]) -> Link:
    """``link`` with a new base snapshot (its hash recomputed by ``Link``)."""
    return Link(
        kind=link.kind,
        qbo_id=link.qbo_id,
        hubspot_id=link.hubspot_id,
        qbo_sync_token=link.qbo_sync_token,
        hubspot_updated_at=link.hubspot_updated_at,
        base=canonical_json(dict(base)),
    )


def _as_stored(op: PlannedOp, outcome: WriteOutcome) -> PlannedOp:
    """``op`` with its base snapshot holding, for HubSpot's side, what HubSpot's answer says
    it stored rather than the value sent (``hubspot_read_back``)."""
    stored = outcome.stored
    if not stored:
        return op
    return attrs.evolve(op, snapshot=hubspot_read_back(op.snapshot, op.properties, stored))
