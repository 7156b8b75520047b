"""The pure planner: (records, links + base snapshots, settings) -> every intended write.

Why pure: a dry run is printing the plan; every decision (create, update, skip as unchanged,
archive, mark, associate, refuse as a mass delete) is a function of its inputs and is tested
without HTTP. The applier executes exactly the operations planned here, keyed by their ids.

Operation ids are derived from what the operation is — tenant, object, QBO id, the source
version (QBO SyncToken), the base it moves from and the action — never from the values it
writes, so a retried plan gets the same ids (and the journal finds its own work), while two
legitimate identical writes (a value changed and changed back) stay two.

Example:
    >>> rec = SourceRecord(ObjectKind.CONTACTS, "58", "0", {"email": "ann@acme.example"},
    ...                    label="Ann")
    >>> plan = plan_object(ObjectKind.CONTACTS, [rec], {}, ObjectSync(), context=PlanContext(
    ...     tenant="acme", realm_id="9130"))
    >>> [(op.action.value, op.qbo_id, op.properties["hubqbo_id"]) for op in plan.operations]
    [('create', '58', '9130:58')]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from hubqbo.idempotency import canonical_json, operation_id
from hubqbo.models import CrmObjectType
from hubqbo.protocols import DirtyRecord, Link, LinkRef, OutboxEvent
from hubqbo.protocols import snapshot_hash as _store_hash
from hubqbo.sync._config import DeletePolicy, ObjectKind, ObjectSync, WritePolicy

if TYPE_CHECKING:
    from hubqbo.sync._twoway import QboCreate, QboWrite, TwoWayPlan

__all__ = [
    "Action",
    "Ambiguity",
    "FieldChange",
    "Gone",
    "LinkState",
    "ObjectPlan",
    "PlanContext",
    "PlannedOp",
    "Skip",
    "SkipReason",
    "SourceRecord",
    "SyncPlan",
    "association_key",
    "op_id",
    "plan_object",
    "snapshot_hash",
    "snapshot_json",
    "wanted_values",
]

ASSOCIATION_PREFIX = "@"
"""Snapshot keys starting with this name an association target, not a property."""


def association_key(to_kind: ObjectKind | CrmObjectType) -> str:
    """The snapshot key remembering which record of ``to_kind`` a record is associated with.

    Example:
        >>> association_key(ObjectKind.CONTACTS)
        '@contacts'
    """
    return f"{ASSOCIATION_PREFIX}{to_kind.value}"


class Gone(str, enum.Enum):
    """How a QBO record left: customers and items are made inactive, invoices voided or
    deleted."""

    INACTIVE = "inactive"
    VOIDED = "voided"
    DELETED = "deleted"


class Action(str, enum.Enum):
    """What an operation does in HubSpot."""

    CREATE = "create"
    UPDATE = "update"
    MARK = "mark"
    ARCHIVE = "archive"
    ASSOCIATE = "associate"
    DISSOCIATE = "dissociate"
    """Remove an association the record no longer has (an invoice moved to another
    customer loses its old contact and company)."""


class SkipReason(str, enum.Enum):
    """Why a record costs no write."""

    UNCHANGED = "unchanged"
    BAD_DATA = "bad_data"
    FILTERED = "filtered"
    NOT_LINKED = "not_linked"
    SUB_CUSTOMER = "sub_customer"
    GONE_UNLINKED = "gone_unlinked"
    DELETE_POLICY = "delete_policy"
    PRIVACY_DELETED = "privacy_deleted"
    ALREADY_GONE = "already_gone"
    AMBIGUOUS = "ambiguous"
    QUARANTINED = "quarantined"
    ALTERNATING = "alternating"


_SKIP_TEXT = {
    SkipReason.UNCHANGED: "mapped values equal the last synced snapshot",
    SkipReason.BAD_DATA: "the record cannot be written as it is",
    SkipReason.FILTERED: "left out by the sync filter",
    SkipReason.NOT_LINKED: "not linked, and the policy updates linked records only",
    SkipReason.SUB_CUSTOMER: "a sub-customer (job): its invoices go to its parent's contact",
    SkipReason.GONE_UNLINKED: "inactive, voided or deleted in QBO and never linked",
    SkipReason.DELETE_POLICY: "gone in QBO; the delete policy is to do nothing",
    SkipReason.PRIVACY_DELETED: "the HubSpot record was deleted for privacy: never re-created",
    SkipReason.ALREADY_GONE: "already archived or marked in HubSpot",
    SkipReason.AMBIGUOUS: "several HubSpot records could be this one: link it by hand",
    SkipReason.QUARANTINED: "its writes kept failing: quarantined until released",
    SkipReason.ALTERNATING: "its values kept alternating between runs: quarantined until released",
}


@attrs.frozen
class SourceRecord:
    """One QBO record as the planner needs it: its mapped HubSpot values and facts.

    Attributes:
        kind: the object pair.
        qbo_id: the QBO id (unique within the realm).
        version: the QBO SyncToken (``"deleted"`` for a deletion).
        values: the HubSpot property values the mapping set produced (strings), plus
            ``@<kind>`` association targets (QBO ids of the records to associate with).
        problems: why the record cannot be written (bad data), one sentence each.
        gone: how the record left QBO, if it did.
        parent_id: a sub-customer's parent customer.
        eligible: the sync filter's verdict (used only when the record is first linked).
        label: a human name (display name, item name, invoice number).
    """

    kind: ObjectKind
    qbo_id: str
    version: str
    values: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    problems: tuple[str, ...] = ()
    gone: Gone | None = None
    parent_id: str | None = None
    eligible: bool = True
    label: str = ""


@attrs.frozen
class LinkState:
    """What the store knows of one linked pair.

    Attributes:
        hubspot_id: the HubSpot record (``None`` while only planned).
        base: the mapped values as last written (the base snapshot), ``None`` before any.
        base_hash: :func:`snapshot_hash` of ``base``.
        privacy_deleted: the HubSpot record was deleted for privacy (never re-created).
        archived: hubqbo archived the HubSpot record.
    """

    qbo_id: str
    hubspot_id: str | None
    base: Mapping[str, str] | None = attrs.field(default=None, hash=False)
    base_hash: str | None = None
    privacy_deleted: bool = False
    archived: bool = False


@attrs.frozen
class FieldChange:
    """One property's value before (the base snapshot) and after."""

    name: str
    before: str | None
    after: str | None


@attrs.frozen
class PlannedOp:
    """One intended HubSpot write.

    Attributes:
        op_id: deterministic id (journal key).
        kind: the object pair.
        action: create, update, mark, archive or associate.
        qbo_id: the QBO record.
        version: its QBO SyncToken when planned.
        hubspot_id: the HubSpot record when known (updates, archives; ``None`` for creates,
            resolved from the link at apply time).
        properties: every value to write (creates and updates: the full mapped set).
        snapshot: the base snapshot to store once applied.
        changes: the properties that differ from the base, with both values (``None`` given:
            computed from ``properties`` when asked, as a create's are — every non-blank
            property, from nothing — so a plan of N creates does not hold N lists of them).
        reason: why, in a sentence.
        to_type: for associations, the HubSpot type of the other record.
        to_kind: for associations, the object pair of the other record (resolved through
            its link) — or ``None`` when ``to_id`` is already a HubSpot id.
        to_id: for associations, the other record's QBO id (with ``to_kind``) or HubSpot id.
    """

    op_id: str
    kind: ObjectKind
    action: Action
    qbo_id: str
    version: str = ""
    hubspot_id: str | None = None
    properties: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    snapshot: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    _given_changes: tuple[FieldChange, ...] | None = attrs.field(
        default=(), alias="changes", repr=False
    )
    reason: str = ""
    label: str = ""
    to_type: CrmObjectType | None = None
    to_kind: ObjectKind | None = None
    to_id: str | None = None
    events: tuple[OutboxEvent, ...] = attrs.field(default=(), eq=False)
    """Status events (C4) written to the outbox in the transaction that applies this op."""

    @property
    def changes(self) -> tuple[FieldChange, ...]:
        """The properties that differ from the base, with both values."""
        if self._given_changes is None:
            return _changes(None, self.properties)
        return self._given_changes


@attrs.frozen
class Skip:
    """A record that costs no write, and why."""

    kind: ObjectKind
    qbo_id: str
    reason: SkipReason
    detail: str = ""
    label: str = ""
    problems: tuple[str, ...] = ()
    """Bad data: one sentence per value that does not fit (``mapping key: reason`` when a
    mapping refused it)."""

    @property
    def text(self) -> str:
        """The reason in words (with the detail, if any)."""
        base = _SKIP_TEXT[self.reason]
        return f"{base}: {self.detail}" if self.detail else base


@attrs.frozen
class Ambiguity:
    """A QBO record that could be one of several HubSpot records: a person decides
    (``engine.link(...)``)."""

    kind: ObjectKind
    qbo_id: str
    label: str
    candidates: tuple[tuple[str, str], ...]
    """``(HubSpot id, label)`` pairs, best first."""


@attrs.frozen
class PlanContext:
    """What the planner needs besides records and links.

    Attributes:
        tenant: the tenant name (part of every operation id).
        realm_id: the QBO company (``realm:id`` is hubqbo's HubSpot id property value).
        id_property, status_property: hubqbo's HubSpot property names.
        proposed: links the initial linking found (QBO id -> HubSpot id), written before any
            create so turning sync on never duplicates.
        proposed_values: the values those HubSpot records hold now (to list the changes).
        proceed: let a run archive more than ``mass_delete_share`` of the linked records.
        mass_delete_share: see ``SyncConfig``.
        quarantined: QBO ids whose writes kept failing.
    """

    tenant: str
    realm_id: str
    id_property: str = "hubqbo_id"
    status_property: str = "hubqbo_status"
    proposed: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    proposed_values: Mapping[str, Mapping[str, str | None]] = attrs.field(factory=dict, hash=False)
    proceed: bool = False
    mass_delete_share: Decimal = Decimal("0.2")
    quarantined: frozenset[str] = frozenset()
    linked_total: int | None = None
    """How many records of the object are linked (the guard's base); ``None``: the links
    given to the planner are all of them."""


def snapshot_hash(values: Mapping[str, str]) -> str:
    """The store's hash (SHA-256 hex) of the canonical JSON of mapped values; key order does
    not matter.

    Example:
        >>> snapshot_hash({"a": "1", "b": "2"}) == snapshot_hash({"b": "2", "a": "1"})
        True
    """
    return _store_hash(snapshot_json(values)) or ""


def snapshot_json(values: Mapping[str, str]) -> str:
    """The canonical JSON the store keeps as a link's base snapshot."""
    return canonical_json(dict(values))


def op_id(  # noqa: PLR0917 - the parts of what an operation is, in order
    tenant: str,
    kind: ObjectKind,
    qbo_id: str,
    version: str,
    base_hash: str | None,
    action: Action,
    extra: str = "",
) -> str:
    """The deterministic id of an operation (the store's ``operation_id``): the source
    version is the QBO SyncToken and the base the write moves from.

    Example:
        >>> op_id("acme", ObjectKind.CONTACTS, "58", "3", None, Action.CREATE) == op_id(
        ...     "acme", ObjectKind.CONTACTS, "58", "3", None, Action.CREATE)
        True
    """
    source_version = f"{version}|{(base_hash or '-')[:16]}"
    verb = f"{action.value}:{extra}" if extra else action.value
    return operation_id(tenant, kind.value, qbo_id, source_version, verb)


@attrs.frozen
class ObjectPlan:
    """The plan of one object pair."""

    kind: ObjectKind
    operations: tuple[PlannedOp, ...] = ()
    skipped: tuple[Skip, ...] = ()
    ambiguous: tuple[Ambiguity, ...] = ()
    refused: str | None = None
    """Why the deletions of this object are held back (the mass-delete guard), if they are."""
    linked: int = 0

    def count(self, action: Action) -> int:
        """How many operations of ``action``."""
        return sum(1 for op in self.operations if op.action is action)

    def skipped_for(self, reason: SkipReason) -> int:
        """How many records were skipped for ``reason``."""
        return sum(1 for s in self.skipped if s.reason is reason)


@attrs.frozen
class SyncPlan:
    """Every intended write of a run, per object, with the records that need a person.

    ``str(plan)`` gives a readable summary; in a notebook it renders as tables. Apply it with
    ``engine.apply(plan)``.
    """

    tenant: str
    objects: tuple[ObjectPlan, ...] = ()
    cursors: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    """The feed positions the run reached (moved only once every write has landed)."""
    notes: tuple[str, ...] = ()
    cleared: tuple[DirtyRecord, ...] = ()
    """The dirty records this plan re-read (cleared with the cursors)."""
    links: tuple[Link, ...] = ()
    """Link changes HubSpot events call for (merges, privacy deletions)."""
    unlinks: tuple[LinkRef, ...] = ()
    """Links to drop (HubSpot deletions, QBO records merged away)."""
    twoway: tuple[TwoWayPlan, ...] = ()
    """Two-way sync's decisions per object (``ObjectSync.direction`` ``BOTH``): each field
    with its old and new value, the side written and why; QBO writes; open conflicts."""

    @property
    def qbo_writes(self) -> tuple[QboWrite, ...]:
        """The QBO updates two-way sync would send."""
        return tuple(w for t in self.twoway for w in t.qbo_writes)

    @property
    def qbo_creates(self) -> tuple[QboCreate, ...]:
        """The QBO customers two-way sync would create from new HubSpot contacts."""
        return tuple(c for t in self.twoway for c in t.qbo_creates)

    @property
    def operations(self) -> tuple[PlannedOp, ...]:
        """Every operation, objects in sync order."""
        return tuple(op for o in self.objects for op in o.operations)

    @property
    def is_empty(self) -> bool:
        """True when nothing would be written."""
        return not self.operations and not self.qbo_writes and not self.qbo_creates

    def of(self, kind: ObjectKind) -> ObjectPlan:
        """The plan of one object pair (an empty one when it is off)."""
        return next((o for o in self.objects if o.kind is kind), ObjectPlan(kind))

    @property
    def needs_attention(self) -> tuple[Skip | Ambiguity, ...]:
        """Records a person should look at: bad data and ambiguous links."""
        bad = tuple(
            s
            for o in self.objects
            for s in o.skipped
            if s.reason in (SkipReason.BAD_DATA, SkipReason.QUARANTINED, SkipReason.ALTERNATING)
        )
        return bad + tuple(a for o in self.objects for a in o.ambiguous)

    def __str__(self) -> str:
        from hubqbo.sync._render import plan_text

        return plan_text(self)

    def _repr_html_(self) -> str:
        from hubqbo.sync._render import plan_html

        return plan_html(self)


# --------------------------------------------------------------------------- planning


def _changes(
    before: Mapping[str, str | None] | None, after: Mapping[str, str]
) -> tuple[FieldChange, ...]:
    old = before or {}
    names = sorted(set(after) | {k for k in old if not k.startswith(ASSOCIATION_PREFIX)})
    return tuple(
        FieldChange(name, old.get(name), after.get(name))
        for name in names
        if not name.startswith(ASSOCIATION_PREFIX)
        and (old.get(name) or "") != (after.get(name) or "")
    )


def _snapshot(wanted: Mapping[str, str], base: Mapping[str, str] | None) -> dict[str, str]:
    """What a record write stores as its base: the properties written, and the association
    targets already made (a new target joins the base when its association lands)."""
    made = {k: v for k, v in (base or {}).items() if k.startswith(ASSOCIATION_PREFIX)}
    return {**made, **_properties(wanted)}


def _properties(values: Mapping[str, str]) -> dict[str, str]:
    """The values that are HubSpot properties (association targets left out)."""
    return {k: v for k, v in values.items() if not k.startswith(ASSOCIATION_PREFIX)}


def _filled(values: Mapping[str, str]) -> dict[str, str]:
    """The properties a first link writes onto a record HubSpot already holds: QBO's blanks are
    left out, so linking never clears what a person entered in HubSpot (the base still records
    them, so the next run sees no change; a value QBO clears later is written as a change)."""
    return {k: v for k, v in _properties(values).items() if v != ""}


def _only(
    values: Mapping[str, str | None] | None, names: Mapping[str, str]
) -> dict[str, str | None] | None:
    """``values`` restricted to ``names`` (the plan shows only the fields it writes)."""
    return None if values is None else {k: v for k, v in values.items() if k in names}


def _associations(  # noqa: PLR0917 - private helper of plan_object
    ctx: PlanContext,
    kind: ObjectKind,
    record: SourceRecord,
    wanted: Mapping[str, str],
    base: Mapping[str, str] | None,
    base_hash: str | None,
) -> list[PlannedOp]:
    """An association operation for each association target that is new or changed; a
    changed one first removes the association with the old target (its own operation, which
    the new one waits for)."""
    ops: list[PlannedOp] = []
    old = base or {}
    for key, target in sorted(wanted.items()):
        if not key.startswith(ASSOCIATION_PREFIX) or not target:
            continue
        if old.get(key) == target:
            continue
        to_kind = ObjectKind(key[len(ASSOCIATION_PREFIX) :]) if key[1:] in _KINDS else None
        to_type = to_kind.crm_type if to_kind else CrmObjectType(key[len(ASSOCIATION_PREFIX) :])
        previous = old.get(key)
        steps = [(Action.ASSOCIATE, target, f"associate with {to_type.value} {target}")]
        if previous:  # the old association goes first (the new one waits for it)
            reason = f"no longer associated with {to_type.value} {previous}"
            steps.insert(0, (Action.DISSOCIATE, previous, reason))
        ops.extend(
            PlannedOp(
                op_id=op_id(
                    ctx.tenant,
                    kind,
                    record.qbo_id,
                    record.version,
                    base_hash,
                    action,
                    f"{key}={to_id}",
                ),
                kind=kind,
                action=action,
                qbo_id=record.qbo_id,
                version=record.version,
                reason=reason,
                label=record.label,
                to_type=to_type,
                to_kind=to_kind,
                to_id=to_id,
            )
            for action, to_id, reason in steps
        )
    return ops


_KINDS = frozenset(k.value for k in ObjectKind)


def wanted_values(ctx: PlanContext, record: SourceRecord, settings: ObjectSync) -> dict[str, str]:
    """Every value a record write carries: the mapped values, hubqbo's id, the status."""
    return _wanted(ctx, record, settings)


def _wanted(ctx: PlanContext, record: SourceRecord, settings: ObjectSync) -> dict[str, str]:
    values = dict(record.values)
    values[ctx.id_property] = f"{ctx.realm_id}:{record.qbo_id}"
    if settings.delete is DeletePolicy.MARK:
        values[ctx.status_property] = record.gone.value if record.gone else "active"
    return values


def _plan_gone(
    ctx: PlanContext,
    kind: ObjectKind,
    record: SourceRecord,
    link: LinkState,
    settings: ObjectSync,
) -> PlannedOp | Skip | None:
    """A linked record that left QBO: the delete policy decides. ``None``: update it as any
    other record (an inactive customer under ``NOTHING`` still has its values synced; a
    voided invoice is an update that zeroes the amounts)."""
    policy = settings.delete
    if policy is DeletePolicy.NOTHING:
        if record.gone is Gone.DELETED:
            return Skip(kind, record.qbo_id, SkipReason.DELETE_POLICY, label=record.label)
        return None
    if policy is DeletePolicy.MARK:
        return None  # the status property is part of the wanted values
    if link.archived:
        return Skip(kind, record.qbo_id, SkipReason.ALREADY_GONE, label=record.label)
    return PlannedOp(
        op_id=op_id(
            ctx.tenant, kind, record.qbo_id, record.version, link.base_hash, Action.ARCHIVE
        ),
        kind=kind,
        action=Action.ARCHIVE,
        qbo_id=record.qbo_id,
        version=record.version,
        hubspot_id=link.hubspot_id,
        reason=f"{record.gone.value if record.gone else 'gone'} in QBO; delete policy: archive",
        label=record.label,
    )


def plan_object(
    kind: ObjectKind,
    records: Iterable[SourceRecord],
    links: Mapping[str, LinkState],
    settings: ObjectSync,
    *,
    context: PlanContext,
    ambiguous: Sequence[Ambiguity] = (),
) -> ObjectPlan:
    """The operations for one object pair.

    Rules, per QBO record (first match wins):

    1. quarantined, or bad data (``problems``) → skipped and listed for a person;
    2. linked and privacy-deleted in HubSpot → skipped, never re-created;
    3. linked and gone from QBO → the delete policy: nothing, mark (hubqbo's status
       property), or archive (behind the mass-delete guard);
    4. linked → an update when the wanted values differ from the base snapshot, else nothing
       (hash-based no-op); association operations for new or changed targets;
    5. not linked and gone → skipped; not linked and filtered out → skipped; a sub-customer
       → skipped; policy update-only → skipped;
    6. proposed by the initial linking → an update by HubSpot id that writes hubqbo's id
       property first (no create, so nothing is duplicated);
    7. otherwise → a create (an upsert on hubqbo's id property).
    """
    ops: list[PlannedOp] = []
    skipped: list[Skip] = []
    archives = 0
    ambiguous_ids = {a.qbo_id for a in ambiguous}
    for record in records:
        link = links.get(record.qbo_id)
        skip = _skip_first(kind, record, link, settings, context, ambiguous_ids)
        if skip is not None:
            skipped.append(skip)
            continue
        if link is not None and link.hubspot_id is not None:
            if record.gone is not None:
                decided = _plan_gone(context, kind, record, link, settings)
                if isinstance(decided, Skip):
                    skipped.append(decided)
                    continue
                if isinstance(decided, PlannedOp):
                    ops.append(decided)
                    archives += 1
                    continue
            wanted = _wanted(context, record, settings)
            if snapshot_hash(wanted) == link.base_hash:
                skipped.append(Skip(kind, record.qbo_id, SkipReason.UNCHANGED, label=record.label))
                continue
            action = (
                Action.MARK
                if (
                    settings.delete is DeletePolicy.MARK
                    and record.gone is not None
                    and (link.base or {}).get(context.status_property) != record.gone.value
                )
                else Action.UPDATE
            )
            if action is Action.MARK:
                archives += 1
            changes = _changes(link.base, wanted)
            if changes:
                ops.append(
                    PlannedOp(
                        op_id=op_id(
                            context.tenant,
                            kind,
                            record.qbo_id,
                            record.version,
                            link.base_hash,
                            action,
                        ),
                        kind=kind,
                        action=action,
                        qbo_id=record.qbo_id,
                        version=record.version,
                        hubspot_id=link.hubspot_id,
                        properties=_properties(wanted),
                        snapshot=_snapshot(wanted, link.base),
                        changes=changes,
                        reason=_update_reason(action, changes, record),
                        label=record.label,
                    )
                )
            ops.extend(_associations(context, kind, record, wanted, link.base, link.base_hash))
            continue
        wanted = _wanted(context, record, settings)
        proposed = context.proposed.get(record.qbo_id)
        if proposed is not None:
            before = context.proposed_values.get(record.qbo_id)
            written = _filled(wanted)
            ops.append(
                PlannedOp(
                    op_id=op_id(
                        context.tenant,
                        kind,
                        record.qbo_id,
                        record.version,
                        None,
                        Action.UPDATE,
                        proposed,
                    ),
                    kind=kind,
                    action=Action.UPDATE,
                    qbo_id=record.qbo_id,
                    version=record.version,
                    hubspot_id=proposed,
                    properties=written,
                    snapshot=_snapshot(wanted, None),
                    changes=_changes(_only(_strings(before), written), written),
                    reason=f"linked to HubSpot record {proposed}; hubqbo's id written first",
                    label=record.label,
                )
            )
        else:
            ops.append(
                PlannedOp(
                    op_id=op_id(
                        context.tenant, kind, record.qbo_id, record.version, None, Action.CREATE
                    ),
                    kind=kind,
                    action=Action.CREATE,
                    qbo_id=record.qbo_id,
                    version=record.version,
                    properties=(created := _properties(wanted)),
                    snapshot=created,  # _snapshot(wanted, None): the same values, one dict
                    changes=None,  # _changes(None, wanted), computed when asked
                    reason="new in QBO",
                    label=record.label,
                )
            )
        ops.extend(_associations(context, kind, record, wanted, None, None))
    linked = (
        context.linked_total
        if context.linked_total is not None
        else sum(1 for link in links.values() if link.hubspot_id is not None)
    )
    refused = _guard(kind, archives, linked, context)
    if refused is not None:
        ops = [op for op in ops if op.action not in (Action.ARCHIVE, Action.MARK)]
    return ObjectPlan(
        kind=kind,
        operations=tuple(ops),
        skipped=tuple(skipped),
        ambiguous=tuple(ambiguous),
        refused=refused,
        linked=linked,
    )


def _strings(values: Mapping[str, str | None] | None) -> dict[str, str | None] | None:
    return None if values is None else dict(values)


def _skip_first(  # noqa: PLR0917 - private helper of plan_object
    kind: ObjectKind,
    record: SourceRecord,
    link: LinkState | None,
    settings: ObjectSync,
    ctx: PlanContext,
    ambiguous_ids: set[str],
) -> Skip | None:
    """The skip rules that come before any write decision (rules 1, 2 and 5)."""
    qid, label = record.qbo_id, record.label
    if qid in ctx.quarantined:
        return Skip(kind, qid, SkipReason.QUARANTINED, label=label)
    if record.problems:
        return Skip(
            kind,
            qid,
            SkipReason.BAD_DATA,
            "; ".join(record.problems),
            label=label,
            problems=record.problems,
        )
    if link is not None and link.privacy_deleted:
        return Skip(kind, qid, SkipReason.PRIVACY_DELETED, label=label)
    if link is not None and link.hubspot_id is not None:
        return None
    if record.gone is not None and record.gone is not Gone.VOIDED:
        # a voided invoice is still an invoice (its status says voided); an inactive
        # customer or item, or a deleted invoice, is not brought into HubSpot
        return Skip(kind, qid, SkipReason.GONE_UNLINKED, record.gone.value, label=label)
    if record.parent_id is not None:
        return Skip(kind, qid, SkipReason.SUB_CUSTOMER, label=label)
    if not record.eligible:
        return Skip(kind, qid, SkipReason.FILTERED, label=label)
    if qid in ambiguous_ids:
        return Skip(kind, qid, SkipReason.AMBIGUOUS, label=label)
    if settings.write is WritePolicy.UPDATE_ONLY and qid not in ctx.proposed:
        return Skip(kind, qid, SkipReason.NOT_LINKED, label=label)
    return None


def _update_reason(action: Action, changes: Sequence[FieldChange], record: SourceRecord) -> str:
    if action is Action.MARK:
        return f"{record.gone.value if record.gone else 'gone'} in QBO; delete policy: mark"
    names = ", ".join(c.name for c in changes[:4])
    more = f" and {len(changes) - 4} more" if len(changes) > 4 else ""
    return f"changed in QBO: {names}{more}"


def _guard(kind: ObjectKind, archives: int, linked: int, ctx: PlanContext) -> str | None:
    """The mass-delete guard: refuse archiving/marking more than the share of linked records."""
    if archives == 0 or ctx.proceed or linked == 0:
        return None
    share = Decimal(archives) / Decimal(linked)
    if share <= ctx.mass_delete_share:
        return None
    return (
        f"{archives} of {linked} linked {kind.value} would be archived or marked "
        f"({share:.0%} > {ctx.mass_delete_share:.0%}): held back; plan with proceed=True "
        "to apply them"
    )
