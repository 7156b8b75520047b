"""Two-way sync of contacts and products: HubSpot's changes read, compared three ways with
QBO's and the base snapshot, and written to whichever side must change.

Why a module of its own: the one-way engine (QBO → HubSpot) stays as it is; for an object
whose ``ObjectSync.direction`` is ``BOTH`` this module revises its plan. It reads the HubSpot
records modified since its cursor (minus the look-back window) and those webhooks marked
dirty, reads the QBO side of every linked record that changed on either side, decides each
field with :func:`hubqbo.sync.compare_record`, and replaces the one-way update of those
records with the decided writes: a HubSpot update carrying only the fields HubSpot must
take, and a QBO sparse update (a journal operation whose id is the ``requestid``) carrying
the fields QBO must take.

The base snapshot is kept per side: the link's plain keys are QBO's values (in HubSpot's
value space — what the one-way planner compares), and ``#hs:<property>`` keeps HubSpot's
value where it differs (a value QBO normalised on write). A QBO write's base is the value
read back from QBO's answer, so the change data capture that reports hubqbo's own write
finds it equal to the base: no echo write, whoever made the change.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from hubqbo.errors import ApiError, DuplicateNameError, HubQboError
from hubqbo.idempotency import canonical_json, derive_request_id
from hubqbo.invoices import CustomerCreationPolicy, customer_from_buyer
from hubqbo.mapping import Direction, MappingSet, map_record
from hubqbo.models import Address, Contact, CrmObjectType, Customer
from hubqbo.protocols import (
    Conflict,
    CrmObject,
    Lease,
    Link,
    Operation,
    OperationOutcome,
    OperationState,
    StateChange,
    StateStore,
)
from hubqbo.sync._alternation import Alternation, remember_writes, would_alternate
from hubqbo.sync._config import ObjectKind, SyncConfig
from hubqbo.sync._linking import CONTACT_PROPERTIES
from hubqbo.sync._plan import (
    ASSOCIATION_PREFIX,
    Action,
    FieldChange,
    PlannedOp,
    op_id,
)
from hubqbo.sync._threeway import (
    LEDGER_ONLY,
    ConflictRule,
    FieldBase,
    FieldDecision,
    RecordDecision,
    Side,
    Why,
    compare_record,
    decide_field,
    unique_display_name,
)

__all__ = [
    "HS_PREFIX",
    "CrmChanges",
    "LedgerWrites",
    "QboCreate",
    "QboWrite",
    "TwoWayPlan",
    "TwoWayRecord",
    "customer_display_name",
    "effective_directions",
    "hubspot_read_back",
    "join_base",
    "split_base",
]

_log = logging.getLogger("hubqbo.sync")

HS_PREFIX = "#hs:"
"""Base snapshot keys holding HubSpot's value of a property where it differs from QBO's."""


@runtime_checkable
class CrmChanges(Protocol):
    """HubSpot records modified since a point (``HubSpotClient.changed_since``)."""

    def changed_since(
        self,
        object_type: CrmObjectType,
        since: dt.datetime,
        *,
        after_id: str | None = None,
        properties: Sequence[str] = (),
    ) -> Iterable[CrmObject]:
        """Records modified at ``since`` or later, oldest change first."""
        ...


@runtime_checkable
class LedgerWrites(Protocol):
    """QBO sparse updates of mapped fields (``QuickBooksClient.update_fields``)."""

    def update_fields(
        self,
        entity: str,
        record_id: str,
        sync_token: str,
        fields: Mapping[str, Any],
        *,
        request_id: str | None = None,
    ) -> Any:
        """Update ``fields`` (Intuit's JSON) and return the record as QBO stored it."""
        ...


def split_base(raw: Mapping[str, str], names: Iterable[str]) -> dict[str, FieldBase] | None:
    """The per-side base of each property from a link's stored base (``None``: no base).

    Example:
        >>> split_base({"phone": "555-1", "#hs:phone": "5551"}, ["phone"])
        {'phone': FieldBase(qbo='555-1', hubspot='5551')}
    """
    if not raw:
        return None
    out = {}
    for name in names:
        qbo = raw.get(name)
        out[name] = FieldBase(qbo, raw.get(f"{HS_PREFIX}{name}", qbo))
    return out


def join_base(raw: Mapping[str, str], settled: Mapping[str, FieldBase]) -> dict[str, str]:
    """A link's stored base with ``settled`` fields replaced (HubSpot's value kept apart
    only where it differs from QBO's).

    Example:
        >>> join_base({"a": "1", "#x": "1"}, {"a": FieldBase("2", "2"), "b": FieldBase("3", "4")})
        {'#x': '1', 'a': '2', 'b': '3', '#hs:b': '4'}
    """
    out = {
        k: v
        for k, v in raw.items()
        if not (k in settled or (k.startswith(HS_PREFIX) and k[len(HS_PREFIX) :] in settled))
    }
    for name, base in settled.items():
        out[name] = base.qbo or ""
        if (base.hubspot or "") != (base.qbo or ""):
            out[f"{HS_PREFIX}{name}"] = base.hubspot or ""
    return out


def hubspot_read_back(
    snapshot: Mapping[str, str], sent: Mapping[str, str], stored: Mapping[str, str | None]
) -> dict[str, str]:
    """A HubSpot write's base snapshot with HubSpot's side of each property sent set to what
    HubSpot's answer says it stored (``#hs:<property>`` where that differs from QBO's side),
    so a value HubSpot normalised comes back equal to the base: no echo.

    Example:
        >>> hubspot_read_back({"n": "1.5"}, {"n": "1.5"}, {"n": "1.50"})
        {'n': '1.5', '#hs:n': '1.50'}
    """
    out = dict(snapshot)
    for name in sent:
        if name not in stored:
            continue
        value = stored[name] or ""
        if value != (out.get(name) or ""):
            out[f"{HS_PREFIX}{name}"] = value
        else:
            out.pop(f"{HS_PREFIX}{name}", None)
    return out


def effective_directions(mapping_set: MappingSet) -> dict[str, Direction]:
    """Each HubSpot property's direction in a two-way object: a mapping's own direction, and
    ``BOTH`` for HubSpot's default mappings (they are one-way only because the defaults
    were written for one-way sync)."""
    return {m.hubspot_property: Direction.BOTH if m.default else m.direction for m in mapping_set}


def _two_way_set(mapping_set: MappingSet, directions: Mapping[str, Direction]) -> MappingSet:
    mappings = tuple(
        attrs.evolve(m, direction=directions.get(m.hubspot_property, m.direction))
        for m in mapping_set
    )
    return attrs.evolve(mapping_set, mappings=mappings)


@attrs.frozen
class QboWrite:
    """One planned QBO sparse update (a journal operation; its id is the ``requestid``)."""

    op_id: str
    kind: ObjectKind
    qbo_id: str
    hubspot_id: str
    sync_token: str
    fields: Mapping[str, Any] = attrs.field(hash=False)
    """Intuit's JSON of the fields written (the mapping's HubSpot → QBO output)."""
    changes: tuple[FieldChange, ...] = ()
    label: str = ""


@attrs.frozen
class QboCreate:
    """One planned QBO customer made from a new HubSpot contact (a journal operation; its
    id is the ``requestid``).

    Attributes:
        customer: what is sent (``customer_from_buyer``: the invoicing rule), its DisplayName
            by :func:`customer_display_name`.
        unique_name: the DisplayName used instead when QBO says the first is taken (6240).
        hubspot_values: the contact's mapped values: HubSpot's side of the base snapshot.
        reason: why it is created (the policy), as the plan prints it.
    """

    op_id: str
    kind: ObjectKind
    hubspot_id: str
    version: str
    customer: Customer
    unique_name: str
    hubspot_values: Mapping[str, str | None] = attrs.field(hash=False)
    reason: str = ""

    def line(self) -> str:
        """The create in one line of a plan."""
        return (
            f"create QBO customer {self.customer.display_name!r} from HubSpot contact "
            f"{self.hubspot_id} (HubSpot → QBO; {self.reason})"
        )


@attrs.frozen
class TwoWayRecord:
    """The decisions of one linked record changed on either side.

    Attributes:
        base_before: the link's stored base when planned.
        base_qbo: the stored base once only the QBO write has landed.
        base_after: the stored base once every write has landed.
    """

    kind: ObjectKind
    qbo_id: str
    hubspot_id: str
    label: str
    decision: RecordDecision
    base_before: Mapping[str, str] = attrs.field(hash=False)
    base_qbo: Mapping[str, str] = attrs.field(hash=False)
    base_after: Mapping[str, str] = attrs.field(hash=False)

    def lines(self) -> list[str]:
        """Each field written or needing a person: old value, new value, side, why."""
        return self.decision.lines()


@attrs.frozen
class TwoWayPlan:
    """What two-way sync adds to a plan for one object."""

    kind: ObjectKind
    records: tuple[TwoWayRecord, ...] = ()
    qbo_writes: tuple[QboWrite, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    """Open conflicts (rule ``MANUAL``) to keep in the store until resolved."""
    links: tuple[Link, ...] = ()
    """Base updates with no write (both sides changed to the same value)."""
    qbo_creates: tuple[QboCreate, ...] = ()
    """QBO customers to create from new HubSpot contacts (``ObjectSync.create_in_qbo``)."""
    not_created: tuple[str, ...] = ()
    """New HubSpot contacts the policy leaves out of QBO, one line each with why."""
    alternating: tuple[Alternation, ...] = ()
    """Records quarantined now: their values kept alternating between runs (not written)."""

    def lines(self) -> list[str]:
        """The plan's two-way section, one line per field decision."""
        out = [c.line() for c in self.qbo_creates] + list(self.not_created)
        for record in self.records:
            lines = record.lines()
            if lines:
                out.append(f"{self.kind.value} {record.label or record.qbo_id}:")
                out.extend(f"  {line}" for line in lines)
        out.extend(
            f"  open conflict {c.conflict_id}: {c.kind} {c.qbo_id} {c.field} "
            f"(QBO {c.qbo_value!r}, HubSpot {c.hubspot_value!r}): engine.resolve(...)"
            for c in self.conflicts
        )
        out.extend(
            f"  quarantined {a.kind.value} {a.qbo_id}: {a.explanation()}" for a in self.alternating
        )
        return out


def conflict_id(tenant: str, kind: ObjectKind, qbo_id: str, d: FieldDecision) -> str:
    """A conflict's stable id: the same field in conflict with the same values is one
    conflict however often it is planned."""
    key = canonical_json([kind.value, qbo_id, d.name, d.qbo or "", d.hubspot or ""])
    return derive_request_id("conflict", key, namespace=tenant)


def _millis(at: dt.datetime | None) -> str:
    return str(int(at.timestamp() * 1000)) if at else "-"


@attrs.define
class TwoWayPlanner:
    """Revises one object's one-way plan into a two-way plan (see the module)."""

    tenant: str
    kind: ObjectKind
    config: SyncConfig
    id_property: str
    mapper: Callable[[object], tuple[dict[str, str], list[str]]]
    resolved: Mapping[str, str] = attrs.field(factory=dict)
    """Resolved conflicts: id → ``"qbo"`` or ``"hubspot"``."""
    now: dt.datetime | None = None

    def decide(  # noqa: PLR0917 - the two sides of one record
        self,
        link: Link,
        base_raw: Mapping[str, str],
        qbo_record: object,
        qbo_modified: dt.datetime | None,
        hubspot: CrmObject,
        wanted: Mapping[str, str],
        directions: Mapping[str, Direction],
    ) -> TwoWayRecord:
        """The field decisions of one record (``wanted``: QBO's values in HubSpot's space)."""
        names = [k for k in wanted if not k.startswith(ASSOCIATION_PREFIX)]
        base = split_base(base_raw, names)
        hs_values = {n: hubspot.properties.get(n) for n in names}
        ledger = {*LEDGER_ONLY, self.id_property, self.config.status_property}
        decision = compare_record(
            base,
            {n: wanted.get(n) for n in names},
            hs_values,
            directions=directions,
            rule=self.config.conflict_rule,
            qbo_modified=qbo_modified,
            hubspot_modified=hubspot.updated_at,
            ledger_only=ledger,
        )
        decision = self._resolved(link, decision, directions, qbo_modified, hubspot, ledger)
        settled = decision.base_after()
        qbo_only = {
            d.name: (settled[d.name] if d.to is not Side.HUBSPOT else d.base)
            for d in decision.fields
        }
        label = str(getattr(qbo_record, "display_name", None) or getattr(qbo_record, "name", ""))
        agreed = {  # the values written, and those a lost answer left equal on both sides
            d.name: (d.new if d.to is not None else d.qbo) or ""
            for d in decision.fields
            if d.to is not None or d.why is Why.SAME_CHANGE
        }
        return TwoWayRecord(
            kind=self.kind,
            qbo_id=link.qbo_id,
            hubspot_id=link.hubspot_id,
            label=label,
            decision=decision,
            base_before=dict(base_raw),
            base_qbo=remember_writes(join_base(base_raw, qbo_only), agreed),
            base_after=remember_writes(join_base(base_raw, settled), agreed),
        )

    def _resolved(  # noqa: PLR0917 - a re-decision of open conflicts
        self,
        link: Link,
        decision: RecordDecision,
        directions: Mapping[str, Direction],
        qbo_modified: dt.datetime | None,
        hubspot: CrmObject,
        ledger: set[str],
    ) -> RecordDecision:
        if not self.resolved or not decision.open:
            return decision
        fields = []
        for d in decision.fields:
            winner = self.resolved.get(conflict_id(self.tenant, self.kind, link.qbo_id, d))
            if not d.open or winner not in ("qbo", "hubspot"):
                fields.append(d)
                continue
            rule = ConflictRule.QBO_WINS if winner == "qbo" else ConflictRule.HUBSPOT_WINS
            fields.append(
                decide_field(
                    d.name,
                    d.base,
                    qbo=d.qbo,
                    hubspot=d.hubspot,
                    direction=directions.get(d.name, Direction.BOTH),
                    rule=rule,
                    qbo_modified=qbo_modified,
                    hubspot_modified=hubspot.updated_at,
                    ledger_only=d.name in ledger,
                )
            )
        return RecordDecision(tuple(fields))

    def operations(
        self,
        record: TwoWayRecord,
        *,
        version: str,
        sync_token: str,
        hubspot_modified: dt.datetime | None,
        base_hash: str | None,
        mapping_set: MappingSet,
        directions: Mapping[str, Direction],
        qbo_time_zone: str | None,
        hubspot_time_zone: str | None,
    ) -> tuple[PlannedOp | None, QboWrite | None, list[Conflict], list[str]]:
        """The HubSpot update, the QBO update, open conflicts, and problems of one record."""
        decision = record.decision
        extra = f"2w:{_millis(hubspot_modified)}"
        hs_op = None
        to_hs = decision.writes(Side.HUBSPOT)
        if to_hs:
            changes = tuple(
                FieldChange(d.name, d.old, d.new) for d in decision.fields if d.to is Side.HUBSPOT
            )
            hs_op = PlannedOp(
                op_id=op_id(
                    self.tenant, self.kind, record.qbo_id, version, base_hash, Action.UPDATE, extra
                ),
                kind=self.kind,
                action=Action.UPDATE,
                qbo_id=record.qbo_id,
                version=version,
                hubspot_id=record.hubspot_id,
                properties=to_hs,
                snapshot=dict(record.base_after),
                changes=changes,
                reason="two-way: "
                + "; ".join(
                    f"{d.name} {d.why.value}" for d in decision.fields if d.to is Side.HUBSPOT
                ),
                label=record.label,
            )
        qbo_write = None
        problems: list[str] = []
        to_qbo = decision.writes(Side.QBO)
        if to_qbo:
            mapped = map_record(
                _two_way_set(mapping_set, directions),
                Direction.HUBSPOT_TO_QBO,
                dict(to_qbo),
                qbo_time_zone=qbo_time_zone,
                hubspot_time_zone=hubspot_time_zone,
            )
            problems = [str(p) for p in mapped.problems]
            if mapped.values and not problems:
                qbo_write = QboWrite(
                    op_id=op_id(
                        self.tenant,
                        self.kind,
                        record.qbo_id,
                        sync_token,
                        base_hash,
                        Action.UPDATE,
                        f"qbo:{extra}",
                    ),
                    kind=self.kind,
                    qbo_id=record.qbo_id,
                    hubspot_id=record.hubspot_id,
                    sync_token=sync_token,
                    fields=dict(mapped.values),
                    changes=tuple(
                        FieldChange(d.name, d.old, d.new)
                        for d in decision.fields
                        if d.to is Side.QBO
                    ),
                    label=record.label,
                )
        conflicts = [
            Conflict(
                conflict_id=conflict_id(self.tenant, self.kind, record.qbo_id, d),
                kind=self.kind.value,
                qbo_id=record.qbo_id,
                hubspot_id=record.hubspot_id,
                field=d.name,
                base=canonical_json({"qbo": d.base.qbo, "hubspot": d.base.hubspot}),
                qbo_value=d.qbo,
                hubspot_value=d.hubspot,
                detected_at=self.now,
            )
            for d in decision.open
        ]
        return hs_op, qbo_write, conflicts, problems


def _entity(kind: ObjectKind) -> str:
    return kind.entity


def apply_qbo_writes(
    ledger: LedgerWrites,
    store: StateStore,
    lease: Lease,
    *,
    tenant: str,
    plans: Sequence[TwoWayPlan],
    mapper_of: Callable[[ObjectKind], Callable[[object], tuple[dict[str, str], list[str]]]],
    run_id: str | None,
    counts: dict[str, dict[str, int]],
    errors: list[str],
) -> tuple[dict[tuple[ObjectKind, str], dict[str, str]], int, int]:
    """Send each planned QBO update once (journaled, in flight before the call, the op id as
    ``requestid``); commit it applied with the link's base read back from QBO's answer.
    Returns the read-back values per record (to patch the HubSpot writes' base), applied and
    failed counts. A failed write leaves the base as it was: the next run decides again."""
    read_back: dict[tuple[ObjectKind, str], dict[str, str]] = {}
    applied = failed = 0
    for plan in plans:
        records = {r.qbo_id: r for r in plan.records}
        if plan.conflicts or plan.links or plan.alternating:
            quarantines = [a.cursor() for a in plan.alternating]
            store.commit(
                lease,
                StateChange(conflicts=plan.conflicts, links=plan.links, cursors=quarantines),
            )
        for write in plan.qbo_writes:
            entry = Operation(
                op_id=write.op_id,
                kind=write.kind.value,
                source_id=write.qbo_id,
                source_version=write.sync_token,
                action="qbo_update",
                target="qbo",
                payload=canonical_json({"fields": dict(write.fields), "label": write.label}),
                run_id=run_id,
            )
            (stored,) = store.journal(lease, [entry])
            if stored.state.final:
                continue
            store.begin_operations(lease, [write.op_id])
            try:
                answer = ledger.update_fields(
                    _entity(write.kind),
                    write.qbo_id,
                    write.sync_token,
                    write.fields,
                    request_id=write.op_id,
                )
            except (ApiError, HubQboError) as exc:
                failed += 1
                errors.append(f"{write.kind.value} {write.qbo_id} (QBO update): {exc}")
                store.commit(
                    lease,
                    StateChange(
                        outcomes=[
                            OperationOutcome(write.op_id, OperationState.FAILED, error=str(exc))
                        ]
                    ),
                )
                continue
            values, _ = mapper_of(write.kind)(answer)
            read_back[(write.kind, write.qbo_id)] = values
            record = records[write.qbo_id]
            base = _with_read_back(record.base_qbo, record, values)
            store.commit(
                lease,
                StateChange(
                    outcomes=[
                        OperationOutcome(
                            write.op_id, OperationState.APPLIED, remote_id=write.qbo_id
                        )
                    ],
                    links=[
                        Link(
                            kind=write.kind.value,
                            qbo_id=write.qbo_id,
                            hubspot_id=write.hubspot_id,
                            qbo_sync_token=str(getattr(answer, "sync_token", "") or "") or None,
                            base=canonical_json(base),
                        )
                    ],
                ),
            )
            applied += 1
            bucket = counts.setdefault(write.kind.value, {})
            bucket["qbo_update"] = bucket.get("qbo_update", 0) + 1
    return read_back, applied, failed


def resume_qbo_writes(ledger: LedgerWrites, store: StateStore, lease: Lease, *, tenant: str) -> int:
    """Complete the QBO updates an interrupted run left in flight: each is sent again as it
    was journaled (same ``requestid``, SyncToken and fields — QBO answers a request it
    already applied with its first answer) and closed applied or failed. The plan that
    follows decides its record afresh from both sides (a write that landed is then a value
    both sides share). Returns how many were applied."""
    applied = 0
    for entry in store.operations(tenant, states=[OperationState.IN_FLIGHT]):
        if entry.action != "qbo_update":
            continue
        try:
            fields = json.loads(entry.payload or "{}")["fields"]
            entity = _entity(ObjectKind(entry.kind))
        except (ValueError, KeyError, TypeError):
            _log.warning("journal entry %s cannot be re-read; left as it is", entry.op_id)
            continue
        store.begin_operations(lease, [entry.op_id])
        try:
            ledger.update_fields(
                entity, entry.source_id, entry.source_version, fields, request_id=entry.op_id
            )
        except (ApiError, HubQboError) as exc:
            outcome = OperationOutcome(entry.op_id, OperationState.FAILED, error=str(exc))
        else:
            outcome = OperationOutcome(
                entry.op_id, OperationState.APPLIED, remote_id=entry.source_id
            )
            applied += 1
        store.commit(lease, StateChange(outcomes=[outcome]))
    return applied


def _with_read_back(
    base: Mapping[str, str], record: TwoWayRecord, values: Mapping[str, str]
) -> dict[str, str]:
    """``base`` with QBO's side of each field written to QBO replaced by QBO's answer."""
    settled = {}
    for d in record.decision.fields:
        if d.to is Side.QBO and d.name in values:
            settled[d.name] = FieldBase(values[d.name], d.hubspot)
    return join_base(base, settled)


def patch_hubspot_ops(
    ops: Sequence[PlannedOp],
    plans: Sequence[TwoWayPlan],
    read_back: Mapping[tuple[ObjectKind, str], Mapping[str, str]],
) -> list[PlannedOp]:
    """The HubSpot writes with their base corrected by what the QBO writes did: QBO's
    answer where one landed, the old base of its fields where it failed."""
    written = {(w.kind, w.qbo_id) for p in plans for w in p.qbo_writes}
    records = {(p.kind, r.qbo_id): r for p in plans for r in p.records}
    out = []
    for op in ops:
        key = (op.kind, op.qbo_id)
        record = records.get(key)
        if record is None or key not in written or op.action is not Action.UPDATE:
            out.append(op)
            continue
        if key in read_back:
            snapshot = _with_read_back(op.snapshot, record, read_back[key])
        else:
            old = split_base(record.base_before, [d.name for d in record.decision.fields]) or {}
            snapshot = join_base(
                op.snapshot,
                {
                    d.name: old[d.name]
                    for d in record.decision.fields
                    if d.to is Side.QBO and d.name in old
                },
            )
        out.append(attrs.evolve(op, snapshot=snapshot))
    return out


def _cursor(value: str | None) -> tuple[dt.datetime, str | None] | None:
    if not value:
        return None
    text, _, last = value.partition("|")
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)), (last or None)


def cursor_text(at: dt.datetime, last_id: str | None) -> str:
    """A HubSpot feed position as a cursor value (``iso|id``)."""
    return f"{at.isoformat()}|{last_id or ''}"


@attrs.frozen
class TwoWayInputs:
    """What the engine hands the two-way planner for one object."""

    crm: Any
    ledger: Any
    store: StateStore
    tenant: str
    kind: ObjectKind
    config: SyncConfig
    id_property: str
    mapper: Callable[[object], tuple[dict[str, str], list[str]]]
    wanted_of: Callable[[object, str], tuple[dict[str, str], bool]]
    """(QBO record, QBO id) -> (QBO's values in HubSpot's space, writable: no bad data, not
    gone)."""
    mapping_set: MappingSet
    qbo_time_zone: str | None
    hubspot_time_zone: str | None
    cursor: str | None
    started: dt.datetime
    now: dt.datetime
    dirty_ids: tuple[str, ...] = ()
    quarantined: frozenset[str] = frozenset()
    held: frozenset[str] = frozenset()
    """HubSpot records in a merge this run (their links move first; none is created)."""


def plan_two_way(
    inputs: TwoWayInputs,
    changes: Sequence[Any],
    operations: Sequence[PlannedOp],
) -> tuple[list[PlannedOp], TwoWayPlan, str]:
    """Revise one object's operations for two-way sync (see the module); returns the
    operations, the two-way plan and the HubSpot feed's next cursor."""
    from hubqbo.sync._plan import snapshot_hash

    kind = inputs.kind
    position = _cursor(inputs.cursor)
    if position is None:  # the first run backfills one way; HubSpot is followed from now
        return list(operations), TwoWayPlan(kind), cursor_text(inputs.started, None)
    directions = effective_directions(inputs.mapping_set)
    props = sorted({*directions, inputs.id_property})
    if inputs.config.of(kind).create_in_qbo is not None:
        props = sorted({*props, *CONTACT_PROPERTIES})
    since = position[0] - inputs.config.cdc_overlap
    hubspot: dict[str, CrmObject] = {}
    last = position
    for obj in inputs.crm.changed_since(kind.crm_type, since, properties=props):
        hubspot[obj.id] = obj
        if obj.updated_at is not None and (obj.updated_at, obj.id) > (last[0], last[1] or ""):
            last = (obj.updated_at, obj.id)
    wanted_ids = [i for i in inputs.dirty_ids if i not in hubspot]
    if wanted_ids:
        for obj in inputs.crm.read_records(kind.crm_type, wanted_ids, properties=props):
            hubspot[obj.id] = obj
    links: dict[str, Link] = {}
    ids = list(hubspot)
    for start in range(0, len(ids), 500):
        for link in inputs.store.links(
            inputs.tenant, kind.value, hubspot_ids=ids[start : start + 500]
        ):
            links[link.qbo_id] = link
    qbo_changed = [
        op.qbo_id for op in operations if op.action is Action.UPDATE and op.hubspot_id is not None
    ]
    for start in range(0, len(qbo_changed), 500):
        chunk = qbo_changed[start : start + 500]
        for link in inputs.store.links(inputs.tenant, kind.value, qbo_ids=chunk):
            links[link.qbo_id] = link
    missing_hs = [link.hubspot_id for link in links.values() if link.hubspot_id not in hubspot]
    if missing_hs:
        for obj in inputs.crm.read_records(kind.crm_type, missing_hs, properties=props):
            hubspot[obj.id] = obj
    records = {c.id: c for c in changes if getattr(c, "record", None) is not None}
    missing_qbo = [q for q in links if q not in records]
    if missing_qbo:
        for change in inputs.ledger.records_by_id(kind.entity, missing_qbo):
            records[change.id] = change
    planner = TwoWayPlanner(
        tenant=inputs.tenant,
        kind=kind,
        config=inputs.config,
        id_property=inputs.id_property,
        mapper=inputs.mapper,
        resolved={
            c.conflict_id: c.resolution or ""
            for c in inputs.store.conflicts(inputs.tenant, include_resolved=True)
            if c.resolved_at is not None and c.kind == kind.value
        },
        now=inputs.now,
    )
    from hubqbo.sync._apply import decode_base

    handled: set[str] = set()
    new_ops: list[PlannedOp] = []
    out = TwoWayPlan(kind)
    twr: list[TwoWayRecord] = []
    writes: list[QboWrite] = []
    conflicts: list[Conflict] = []
    base_links: list[Link] = []
    alternating: list[Alternation] = []
    for qbo_id, link in sorted(links.items()):
        change = records.get(qbo_id)
        obj = hubspot.get(link.hubspot_id)
        if change is None or obj is None or qbo_id in inputs.quarantined:
            continue
        if getattr(change, "deleted", False) or change.record is None:
            continue
        wanted, writable = inputs.wanted_of(change.record, qbo_id)
        if not writable:
            continue
        base_raw = decode_base(link.base)
        if not base_raw:
            continue
        record = planner.decide(
            link, base_raw, change.record, change.updated_at, obj, wanted, directions
        )
        hs_op, qbo_write, opened, problems = planner.operations(
            record,
            version=str(getattr(change.record, "sync_token", "") or ""),
            sync_token=str(getattr(change.record, "sync_token", "") or ""),
            hubspot_modified=obj.updated_at,
            base_hash=snapshot_hash(base_raw),
            mapping_set=inputs.mapping_set,
            directions=directions,
            qbo_time_zone=inputs.qbo_time_zone,
            hubspot_time_zone=inputs.hubspot_time_zone,
        )
        if problems:
            _log.warning("%s %s: HubSpot values QBO cannot take: %s", kind.value, qbo_id, problems)
            continue
        handled.add(qbo_id)
        written = {d.name: d.new or "" for d in record.decision.fields if d.to is not None}
        flipping = would_alternate(base_raw, written) if hs_op or qbo_write else {}
        if flipping:  # a write loop: quarantined with its values instead of written again
            stuck = Alternation(kind, qbo_id, link.hubspot_id, flipping, record.label)
            _log.warning("%s %s quarantined: %s", kind.value, qbo_id, stuck.explanation())
            alternating.append(stuck)
            continue
        twr.append(record)
        conflicts.extend(opened)
        if hs_op is not None:
            new_ops.append(hs_op)
        if qbo_write is not None:
            writes.append(qbo_write)
        if hs_op is None and qbo_write is None and dict(record.base_after) != base_raw:
            base_links.append(
                Link(
                    kind=link.kind,
                    qbo_id=link.qbo_id,
                    hubspot_id=link.hubspot_id,
                    qbo_sync_token=link.qbo_sync_token,
                    base=canonical_json(dict(record.base_after)),
                )
            )
    kept = [op for op in operations if not (op.qbo_id in handled and op.action is Action.UPDATE)]
    linked_hs = [link.hubspot_id for link in links.values()]
    creates, left_out = plan_qbo_creates(inputs, hubspot, linked_hs, operations, directions)
    out = TwoWayPlan(
        kind,
        records=tuple(twr),
        qbo_writes=tuple(writes),
        conflicts=tuple(conflicts),
        links=tuple(base_links),
        qbo_creates=tuple(creates),
        not_created=tuple(left_out),
        alternating=tuple(alternating),
    )
    return kept + new_ops, out, cursor_text(last[0], last[1])


# ------------------------------------------------------------------ QBO customers from contacts

HS_SOURCE = "hs:"
"""Journal ``source_id`` prefix of a QBO create: the HubSpot contact it comes from (kept apart
from QBO ids, which are numbers too)."""
QBO_CREATE = "qbo_create"
"""Journal action of a QBO customer created from a HubSpot contact."""
_DISPLAY_NAME_MAX = 500


def customer_display_name(name: str) -> str:
    """A name as a QBO DisplayName: whitespace collapsed, ``:`` (QBO's job separator, which
    it refuses) replaced by ``-``, cut to QBO's 500 characters.

    Example:
        >>> customer_display_name("  Acme:  West \\t Ltd ")
        'Acme- West Ltd'
    """
    return " ".join(name.replace(":", "-").split())[:_DISPLAY_NAME_MAX]


def contact_of(obj: CrmObject) -> Contact:
    """A HubSpot contact record as the ``Contact`` the invoicing rules and the contact sync
    filter take."""
    p = obj.properties

    def text(name: str) -> str | None:
        value = (p.get(name) or "").strip()
        return value or None

    address = Address(
        lines=tuple(x for x in (text("address"),) if x),
        city=text("city"),
        region=text("state"),
        postal_code=text("zip"),
        country=text("country"),
    )
    return Contact(
        id=obj.id,
        first_name=text("firstname"),
        last_name=text("lastname"),
        email=text("email"),
        phone=text("phone"),
        company_name=text("company"),
        address=None if address.is_empty else address,
        updated_at=obj.updated_at,
        properties=dict(p),
    )


def plan_qbo_creates(
    inputs: TwoWayInputs,
    hubspot: Mapping[str, CrmObject],
    linked: Iterable[str],
    operations: Sequence[PlannedOp],
    names: Iterable[str],
) -> tuple[list[QboCreate], list[str]]:
    """The QBO customers to create from the HubSpot contacts read that have none
    (``ObjectSync.create_in_qbo``), and a line for each contact the policy leaves out.

    A contact is new when no link names it, it carries no hubqbo id (a QBO record's contact
    already), no write of this plan targets it and no merge of this run involves it."""
    settings = inputs.config.of(inputs.kind)
    policy = settings.create_in_qbo
    if inputs.kind is not ObjectKind.CONTACTS or policy is None:
        return [], []
    taken = set(linked) | {op.hubspot_id for op in operations if op.hubspot_id}
    fields = sorted(set(names))
    creates: list[QboCreate] = []
    left_out: list[str] = []
    for hubspot_id, obj in sorted(hubspot.items()):
        if hubspot_id in taken or hubspot_id in inputs.held or obj.archived:
            continue
        if (obj.properties.get(inputs.id_property) or "").strip():
            continue
        contact = contact_of(obj)
        label = contact.full_name or contact.email or ""
        if f"{HS_SOURCE}{hubspot_id}" in inputs.quarantined:
            left_out.append(
                f"contact {hubspot_id} {label!r}: not created in QBO: its creates failed too "
                f"often (engine.release(ObjectKind.CONTACTS, '{HS_SOURCE}{hubspot_id}'))"
            )
            continue
        if policy is CustomerCreationPolicy.ONLY_IF_ELIGIBLE:
            keep = settings.contact_filter
            if keep is None or not keep(contact):
                left_out.append(
                    f"contact {hubspot_id} {label!r}: not created in QBO (it does not meet the "
                    "contact sync filter; policy only_if_eligible)"
                )
                continue
            reason = "new HubSpot contact meeting the contact sync filter; policy only_if_eligible"
        else:
            reason = "new HubSpot contact; policy always"
        customer = customer_from_buyer(contact, None, None)
        name = customer_display_name(customer.display_name or "")
        if not name:
            left_out.append(
                f"contact {hubspot_id}: not created in QBO: no company, name or e-mail to name "
                "the customer"
            )
            continue
        version = _millis(obj.updated_at)
        creates.append(
            QboCreate(
                op_id=op_id(
                    inputs.tenant,
                    inputs.kind,
                    f"{HS_SOURCE}{hubspot_id}",
                    version,
                    None,
                    Action.CREATE,
                    "qbo",
                ),
                kind=inputs.kind,
                hubspot_id=hubspot_id,
                version=version,
                customer=attrs.evolve(customer, display_name=name),
                unique_name=unique_display_name(name, hubspot_id),
                hubspot_values={n: obj.properties.get(n) for n in fields},
                reason=reason,
            )
        )
    return creates, left_out


def created_base(qbo: Mapping[str, str], hubspot: Mapping[str, str | None]) -> dict[str, str]:
    """The base snapshot of a link made by creating the QBO customer: a field both sides
    hold (or neither) is settled as each side holds it; a field only one side holds is left
    out, so the next run copies it over the other side's blank (hubqbo's id among them).

    Example:
        >>> created_base({"email": "a@b.co", "hubqbo_id": "9:1"}, {"email": "a@b.co"})
        {'email': 'a@b.co'}
    """
    settled = {}
    for name in sorted(set(qbo) | set(hubspot)):
        q, h = qbo.get(name) or "", hubspot.get(name) or ""
        if bool(q.strip()) == bool(h.strip()):
            settled[name] = FieldBase(q, h)
    return join_base({}, settled)


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


def _ours(
    ledger: Any,
    store: StateStore,
    tenant: str,
    create: QboCreate,
    names: Sequence[str],
) -> Customer | None:
    """A QBO customer named one of ``names`` that this contact's create made (or that is
    this contact): active, linked to no HubSpot record, and either carrying the unique name
    with this contact's HubSpot id or the contact's e-mail (case-insensitively)."""
    for name in names:
        for found in ledger.find_customers(display_name=name):
            if found.id is None or not found.active:
                continue
            if store.link(tenant, create.kind.value, qbo_id=found.id) is not None:
                continue
            if _fold(name) == _fold(create.unique_name) or _fold(found.email) == _fold(
                create.customer.email
            ):
                return found  # type: ignore[no-any-return]
    return None


def _create_customer(
    ledger: Any, store: StateStore, tenant: str, create: QboCreate, *, resumed: bool
) -> Customer:
    """Create (or find again) the QBO customer of one contact: the name rule of
    :func:`customer_display_name` and :func:`hubqbo.sync.unique_display_name` (see
    docs/sync.md)."""
    first = create.customer.display_name or ""
    if resumed:
        # an earlier send's answer may have been lost, and Intuit does not say how long it
        # remembers a requestid: look the customer up before sending again
        found = _ours(ledger, store, tenant, create, [first, create.unique_name])
        if found is not None:
            return found
    try:
        return ledger.create_customer(create.customer, request_id=create.op_id)  # type: ignore[no-any-return]
    except DuplicateNameError:
        pass  # a customer, vendor or employee has the name (QBO fault 6240)
    found = _ours(ledger, store, tenant, create, [first])
    if found is not None:
        return found  # the same person, unlinked: adopted, as invoicing adopts it
    renamed = attrs.evolve(create.customer, display_name=create.unique_name)
    key = derive_request_id("create:Customer:unique", create.op_id, namespace=tenant)
    return ledger.create_customer(renamed, request_id=key)  # type: ignore[no-any-return]


def apply_qbo_creates(
    ledger: Any,
    store: StateStore,
    lease: Lease,
    *,
    tenant: str,
    plans: Sequence[TwoWayPlan],
    wanted_of: Callable[[ObjectKind, object, str], Mapping[str, str]],
    run_id: str | None,
    counts: dict[str, dict[str, int]],
    errors: list[str],
) -> tuple[int, int, set[str]]:
    """Create each planned QBO customer once (journaled, in flight before the call, the op
    id as ``requestid``) and link it to its contact, the base from QBO's answer and the
    contact's values (:func:`created_base`). A contact whose earlier create is in flight or
    failed is first looked up by DisplayName. Returns applied and failed counts and the
    QBO ids linked (a customer found again may be in this plan's HubSpot creates: it has a
    contact now)."""
    applied = failed = 0
    linked: set[str] = set()
    for plan in plans:
        for create in plan.qbo_creates:
            source = f"{HS_SOURCE}{create.hubspot_id}"
            earlier = any(
                o.action == QBO_CREATE
                and o.state in (OperationState.IN_FLIGHT, OperationState.FAILED)
                for o in store.operations(tenant, kind=create.kind.value, source_id=source)
            )
            entry = Operation(
                op_id=create.op_id,
                kind=create.kind.value,
                source_id=source,
                source_version=create.version,
                action=QBO_CREATE,
                target="qbo",
                payload=canonical_json(
                    {"display_name": create.customer.display_name, "hubspot_id": create.hubspot_id}
                ),
                run_id=run_id,
            )
            (stored,) = store.journal(lease, [entry])
            if stored.state.final:
                continue
            store.begin_operations(lease, [create.op_id])
            try:
                made = _create_customer(ledger, store, tenant, create, resumed=earlier)
            except (ApiError, HubQboError) as exc:
                failed += 1
                taken = (
                    f", then {create.unique_name!r}: both names are taken in QBO; rename the "
                    "contact or the other record"
                    if isinstance(exc, DuplicateNameError)
                    else ""
                )
                errors.append(
                    f"contact {create.hubspot_id} (QBO customer "
                    f"{create.customer.display_name!r}{taken}): {exc}"
                )
                store.commit(
                    lease,
                    StateChange(
                        outcomes=[
                            OperationOutcome(create.op_id, OperationState.FAILED, error=str(exc))
                        ]
                    ),
                )
                continue
            qbo_id = made.id or ""
            base = created_base(wanted_of(create.kind, made, qbo_id), create.hubspot_values)
            store.commit(
                lease,
                StateChange(
                    outcomes=[
                        OperationOutcome(create.op_id, OperationState.APPLIED, remote_id=qbo_id)
                    ],
                    links=[
                        Link(
                            kind=create.kind.value,
                            qbo_id=qbo_id,
                            hubspot_id=create.hubspot_id,
                            qbo_sync_token=made.sync_token,
                            base=canonical_json(base),
                        )
                    ],
                ),
            )
            _log.info("created QBO customer %s for HubSpot contact %s", qbo_id, create.hubspot_id)
            applied += 1
            linked.add(qbo_id)
            bucket = counts.setdefault(create.kind.value, {})
            bucket[QBO_CREATE] = bucket.get(QBO_CREATE, 0) + 1
    return applied, failed, linked
