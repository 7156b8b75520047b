"""``SyncEngine``: QBO customers, items and invoices into HubSpot, planned, then applied once.

Why this shape: ``plan()`` reads both sides and writes nothing — every create, update,
archive and association with its reason — so a dry run is ``str(engine.plan())``.
``apply(plan)`` hands exactly those operations to the applier, which journals each one,
marks it in flight, makes the call keyed so a re-send lands on the same record, and commits
the result with its link and base snapshot. Cursors move only when every write below them
landed. ``run()`` is plan + apply, under the tenant's lease, after completing anything an
interrupted run left in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from hubqbo.errors import ApiError, RateLimitedError, ValidationError
from hubqbo.idempotency import canonical_json, derive_request_id
from hubqbo.invoices import InvoiceBuilder, InvoiceProperties, invoice_events
from hubqbo.matching import CustomerMatcher
from hubqbo.models import (
    CrmObjectType,
    Customer,
    Invoice,
    Item,
    PropertyGroupSpec,
    PropertySpec,
)
from hubqbo.protocols import (
    AccountingClient,
    Conflict,
    CrmClient,
    CrmObject,
    CrmRecordStore,
    Cursor,
    DirtyMark,
    DirtyRecord,
    Lease,
    LedgerChange,
    LedgerFeed,
    Link,
    LinkRef,
    MappingTally,
    OutboxEvent,
    RunStatus,
    StateChange,
    StateStore,
)
from hubqbo.status import InvoiceStatus
from hubqbo.sync._alternation import Alternation, alternations, forget_writes
from hubqbo.sync._apply import FLAG_PREFIX, Applier, ApplyReport, decode_base, merge_tallies
from hubqbo.sync._config import ObjectKind, SyncConfig
from hubqbo.sync._feeds import read_changes, read_dirty
from hubqbo.sync._inbox import webhook_marks
from hubqbo.sync._linking import (
    CONTACT_PROPERTIES,
    PRODUCT_PROPERTIES,
    LinkProposal,
    link_contacts,
    link_products,
)
from hubqbo.sync._plan import (
    Action,
    Gone,
    LinkState,
    ObjectPlan,
    PlanContext,
    PlannedOp,
    Skip,
    SkipReason,
    SourceRecord,
    SyncPlan,
    association_key,
    plan_object,
    snapshot_hash,
    wanted_values,
)
from hubqbo.sync._result import Quarantined, SyncResult
from hubqbo.sync._rollup import DealRollups
from hubqbo.sync._source import (
    Mapper,
    contact_record,
    contact_values,
    invoice_record,
    line_item_records,
    mapping_mapper,
    product_record,
    product_values,
)
from hubqbo.sync._sweep import SweepResult, due_by_date, latest_date
from hubqbo.sync._twoway import (
    TwoWayInputs,
    TwoWayPlan,
    apply_qbo_creates,
    apply_qbo_writes,
    patch_hubspot_ops,
    plan_two_way,
    resume_qbo_writes,
)
from hubqbo.timezones import resolve_time_zone

__all__ = ["SyncCrm", "SyncEngine", "SyncLedger"]

_log = logging.getLogger("hubqbo.sync")

PARKED_STREAM = "hubspot:parked_until"
RUN_KIND_SYNC = "sync"
"""The run kind of ``apply`` and ``run`` in the store's run history."""
RUN_KIND_SWEEP = "sweep"
"""The run kind of the daily sweep's run (``SyncEngine.sweep``)."""


@runtime_checkable
class SyncCrm(CrmClient, CrmRecordStore, Protocol):
    """What the engine needs from HubSpot: the CRM port and its batch record calls."""


@runtime_checkable
class SyncLedger(AccountingClient, LedgerFeed, Protocol):
    """What the engine needs from QBO: the ledger port and its change feed."""


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _parse_instant(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _values_of(base: Mapping[str, str]) -> dict[str, str]:
    """A base snapshot without hubqbo's flags (what the hash compares)."""
    return {k: v for k, v in base.items() if not k.startswith(FLAG_PREFIX)}


def _link_state(link: Link) -> LinkState:
    base = decode_base(link.base)
    values = _values_of(base)
    return LinkState(
        qbo_id=link.qbo_id,
        hubspot_id=link.hubspot_id,
        base=values,
        base_hash=snapshot_hash(values) if link.base else None,
        privacy_deleted=base.get(f"{FLAG_PREFIX}privacy") == "1",
        archived=base.get(f"{FLAG_PREFIX}archived") == "1",
    )


@attrs.frozen
class _Read:
    """One object's reading: its records and links, and the feed position reached."""

    kind: ObjectKind
    changes: tuple[LedgerChange, ...]
    links: tuple[Link, ...]
    cursor: str
    first: bool
    linked_total: int | None = None
    """How many links the object has, when the read counted them (the overdue check)."""


class SyncEngine:
    """Sync QBO customers, items and invoices into HubSpot contacts, products and invoices.

    Args:
        hubspot: the HubSpot side (``HubSpotClient``: ``CrmClient`` + ``CrmRecordStore``).
        qbo: one QBO company (``QuickBooksClient``: ``AccountingClient`` + ``LedgerFeed``).
        state: where links, cursors and the journal live (``SQLiteStateStore`` ...).
        tenant: the name of this portal + company pair in the store.
        config: what to sync and how (``SyncConfig``).
        now: the clock (aware ``datetime``); injectable for tests and demos.
        holder: who holds the tenant's lease (default ``host:pid``).
        lease_ttl: how long a lease lasts without renewal (a run that dies holds the tenant
            that long).
        lease_wait: how long to wait for a lease another holder has.
        max_attempts: failed writes of one record before it is quarantined.
        matcher_factory: builds the customer matcher used by initial linking.

    Example:
        >>> from hubqbo.hubspot import HubSpotClient
        >>> from hubqbo.quickbooks import QuickBooksClient
        >>> from hubqbo.sandbox import HubSpotSandbox, QuickBooksSandbox
        >>> from hubqbo.sync import Action, ObjectKind, SQLiteStateStore
        >>> qbo = QuickBooksSandbox()
        >>> realm = qbo.add_realm(country="US")
        >>> _ = qbo.add_customer(realm, "Acme Inc",
        ...                      PrimaryEmailAddr={"Address": "ann@acme.example"})
        >>> engine = SyncEngine(HubSpotClient(access_token="pat", transport=HubSpotSandbox()),
        ...                     QuickBooksClient(realm_id=realm, access_token="t", transport=qbo),
        ...                     state=SQLiteStateStore(":memory:"), tenant="acme")
        >>> plan = engine.plan()                     # reads both sides, writes nothing
        >>> plan.of(ObjectKind.CONTACTS).count(Action.CREATE)
        1
        >>> engine.apply(plan).applied, engine.run().applied   # the re-run writes nothing
        (1, 0)
    """

    def __init__(
        self,
        hubspot: SyncCrm,
        qbo: SyncLedger,
        *,
        state: StateStore,
        tenant: str,
        config: SyncConfig | None = None,
        now: Callable[[], dt.datetime] | None = None,
        holder: str | None = None,
        lease_ttl: dt.timedelta = dt.timedelta(minutes=5),
        lease_wait: dt.timedelta = dt.timedelta(0),
        max_attempts: int = 3,
        matcher_factory: Callable[[Iterable[Customer]], CustomerMatcher] = CustomerMatcher,
    ) -> None:
        self._crm = hubspot
        self._qbo = qbo
        self._store = state
        self.tenant = tenant
        self.config = config or SyncConfig()
        self._now = now or _system_now
        self._holder = holder or _default_holder()
        self._ttl = lease_ttl
        self._lease_wait = lease_wait
        self._max_attempts = max_attempts
        self._matcher_factory = matcher_factory
        self._invoice_props = InvoiceProperties()
        self._properties_ensured = False
        self._keyed: dict[ObjectKind, bool] = {}
        self._mappers: dict[ObjectKind, Mapper] = {}
        self._overdue_day: str | None = None
        self._planned_contacts: dict[str, str] = {}
        self._alternating: dict[tuple[ObjectKind, str], Alternation] = {}
        self._store.connect_tenant(tenant, qbo_realm_id=qbo.realm_id)

    def __repr__(self) -> str:
        return f"SyncEngine(tenant={self.tenant!r}, realm={self._qbo.realm_id!r})"

    def close(self) -> None:
        """Close the two clients the engine was given (their connection pools); the state
        store stays open, since several engines usually share one. ``with SyncEngine(...) as
        engine:`` does this on leaving the block."""
        for client in (self._crm, self._qbo):
            close = getattr(client, "close", None)
            if callable(close):
                close()

    def __enter__(self) -> SyncEngine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ settings

    def id_property(self, kind: ObjectKind) -> str:
        """hubqbo's unique HubSpot property for ``kind`` (``realm:id`` values); invoices share
        ``InvoiceBuilder``'s, so an invoice made from a deal and then synced is one record."""
        if kind is ObjectKind.INVOICES:
            return self._invoice_props.qbo_ref
        return self.config.id_property

    @property
    def mapping_version(self) -> str:
        """The mapping sets runs use, as recorded on each run's row and result:
        ``kind:vN:digest`` (the first 12 hex digits of ``MappingSet.digest``) per mapped object
        switched on, space-separated — two runs with the same text used the same mappings."""
        parts = []
        for kind in self.config.enabled_kinds:
            mappings = self.config.mapping_set(kind)
            parts.append(f"{kind.value}:v{mappings.version}:{mappings.digest[:12]}")
        return " ".join(parts)

    def _stream(self, kind: ObjectKind) -> str:
        return f"qbo:{self._qbo.realm_id}:{kind.entity}"

    def ensure_properties(self) -> None:
        """Create hubqbo's HubSpot properties (unique ``realm:id`` and status), once.

        HubSpot documents unique-value properties for contacts (and companies, deals) but
        not for products, line items and invoices: where it refuses one there, the
        ``realm:id`` property is created without uniqueness, and the sync writes those
        records by create, looking the value up first for a create that was sent before
        (see ``keyed``)."""
        if self._properties_ensured:
            return
        specs: list[PropertySpec] = []
        groups: list[PropertyGroupSpec] = []
        for kind in (ObjectKind.CONTACTS, ObjectKind.PRODUCTS, ObjectKind.LINE_ITEMS):
            if not self.config.of(kind).enabled:
                continue
            groups.append(PropertyGroupSpec(kind.crm_type))
            specs.append(
                PropertySpec(
                    kind.crm_type,
                    self.config.id_property,
                    "QuickBooks record (realm:id)",
                    has_unique_value=True,
                    description="Set by hubqbo's sync; unique, the key of its upserts.",
                )
            )
            specs.append(
                PropertySpec(kind.crm_type, self.config.status_property, "QuickBooks status")
            )
        if groups:
            try:
                self._crm.ensure_properties(groups, specs)
            except ValidationError:  # no unique values there: the id property without
                self._crm.ensure_properties(groups, [_not_unique(p) for p in specs])
        if self.config.invoices.enabled:
            builder = InvoiceBuilder(self._crm, self._qbo, now=self._now)
            try:
                builder.ensure_properties()
            except ValidationError:
                self._crm.ensure_properties(
                    [PropertyGroupSpec(CrmObjectType.INVOICE)],
                    [
                        PropertySpec(
                            CrmObjectType.INVOICE,
                            self._invoice_props.qbo_ref,
                            "QuickBooks invoice (realm:id)",
                            description="Set by hubqbo; looked up before a repeated create.",
                        )
                    ],
                )
                builder.ensure_properties()
        self._keyed = {
            kind: self.id_property(kind) in self._crm.unique_properties(kind.crm_type)
            for kind in _LOOKED_UP
            if self.config.of(kind).enabled
        }
        self._properties_ensured = True

    def keyed(self, kind: ObjectKind) -> bool:
        """Whether ``kind``'s ``realm:id`` property is unique in HubSpot, so records are
        written by upsert on it; otherwise (products, line items and invoices where HubSpot
        refuses unique values) by create, a create sent before — its answer lost, or the
        run interrupted — first looked up by search and the record found adopted, never
        created twice (the journal tells which creates were sent before)."""
        if kind not in _LOOKED_UP:
            return True
        self.ensure_properties()
        return self._keyed.get(kind, True)

    # ------------------------------------------------------------------ webhooks

    def notify(self, events: Iterable[object]) -> int:
        """Mark the records parsed webhook events name as dirty; the next run re-reads them.

        Takes QBO's and HubSpot's parsed events (``hubqbo.quickbooks.WebhookEvent``,
        ``hubqbo.hubspot.webhooks.WebhookEvent``); duplicates and reordering cost nothing
        (one dirty row per record). HubSpot merges, deletions and privacy deletions of linked
        contacts are kept to update the links. Makes no provider call. Returns the number of
        records marked.
        """
        marks = webhook_marks(events, at=self._now())
        if marks:
            self._store.mark_dirty(self.tenant, marks)
        return len(marks)

    # ------------------------------------------------------------------ by hand

    def _lease(self) -> Lease:
        return self._store.acquire_lease(
            self.tenant, self._holder, ttl=self._ttl, wait=self._lease_wait
        )

    def link(self, kind: ObjectKind, qbo_id: str, hubspot_id: str) -> None:
        """Link a QBO record to a HubSpot record by hand (an ambiguous pair, say). The next
        run writes hubqbo's values onto it."""
        lease = self._lease()
        try:
            self._store.commit(
                lease,
                StateChange(links=[Link(kind=kind.value, qbo_id=qbo_id, hubspot_id=hubspot_id)]),
            )
        finally:
            self._store.release_lease(lease)

    def release(self, kind: ObjectKind, qbo_id: str) -> None:
        """Let a quarantined record be tried again (``max_attempts`` more times): the next
        run re-reads it and re-sends its failed writes under their own ids. A record
        quarantined because its values kept alternating starts afresh (its write history
        is forgotten): the next run decides it by the rule and writes it."""
        from hubqbo.protocols import OperationState

        failed = self._store.operations(
            self.tenant, states=[OperationState.FAILED], kind=kind.value, source_id=qbo_id
        )
        spent = max((op.attempts for op in failed), default=0)
        stuck = Alternation(kind, qbo_id, "", {})
        lease = self._lease()
        try:
            links = [
                _relinked(link, link.hubspot_id, forget_writes(decode_base(link.base)))
                for link in self._store.links(self.tenant, kind.value, qbo_ids=[qbo_id])
                if link.base
            ]
            cursors = [Cursor(_release_stream(kind, qbo_id), str(spent))]
            if self._store.cursor(self.tenant, stuck.stream) is not None:
                cursors.append(Cursor(stuck.stream, ""))
            self._store.commit(lease, StateChange(cursors=cursors, links=links))
        finally:
            self._store.release_lease(lease)
        self._store.mark_dirty(self.tenant, [DirtyMark("qbo", kind.entity, qbo_id, self._now())])

    def _released(self) -> dict[tuple[str, str], int]:
        """Attempts already spent when each released record was released."""
        out: dict[tuple[str, str], int] = {}
        for row in self._store.cursors(self.tenant):
            if row.stream.startswith("release:"):
                _, kind, qbo_id = row.stream.split(":", 2)
                out[(kind, qbo_id)] = int(row.value or 0)
        return out

    def unlink(self, kind: ObjectKind, qbo_id: str) -> None:
        """Forget a link (the HubSpot record stays; the QBO record may link again)."""
        lease = self._lease()
        try:
            self._store.commit(lease, StateChange(unlinks=[LinkRef(kind.value, qbo_id)]))
        finally:
            self._store.release_lease(lease)

    # ------------------------------------------------------------------ plan

    def plan(self, *, proceed: bool = False) -> SyncPlan:
        """Read what changed on both sides and return every write it calls for; writes
        nothing (the dry run). ``proceed`` lets deletions past the mass-delete guard through."""
        started = self._now()
        dirty = self._store.dirty(self.tenant)
        quarantined = self._quarantined()
        objects: list[ObjectPlan] = []
        cursors: dict[str, str] = {}
        notes: list[str] = []
        twoway: list[TwoWayPlan] = []
        for kind in self.config.enabled_kinds:
            reading = self._read(kind, started, dirty)
            cursors[self._stream(kind)] = reading.cursor
            planned = self._plan_kind(
                reading, proceed=proceed, quarantined=quarantined.get(kind, set())
            )
            if self.config.two_way(kind):
                planned, part, position = self._two_way(
                    reading, planned, started, dirty, quarantined.get(kind, set())
                )
                twoway.append(part)
                cursors[_hubspot_stream(kind)] = position
            objects.append(planned)
            if kind is ObjectKind.CONTACTS:
                self._planned_contacts = {
                    op.qbo_id: op.hubspot_id for op in planned.operations if op.hubspot_id
                }
            if kind is ObjectKind.INVOICES and self.config.of(ObjectKind.LINE_ITEMS).enabled:
                objects.append(
                    self._plan_lines(
                        reading, planned, quarantined.get(ObjectKind.LINE_ITEMS, set())
                    )
                )
        if self._overdue_day is not None and self._stream(ObjectKind.INVOICES) in cursors:
            cursors[self._overdue_stream] = self._overdue_day
            self._overdue_day = None
        hubspot_links, hubspot_unlinks = self._hubspot_events(dirty)
        objects = _retargeted(objects, hubspot_links)
        for obj in objects:
            if obj.refused:
                # held-back deletions must be read again: this object's cursor stays
                notes.append(obj.refused)
                cursors.pop(self._stream(obj.kind), None)
        return SyncPlan(
            tenant=self.tenant,
            objects=tuple(objects),
            cursors=cursors,
            notes=tuple(notes),
            cleared=tuple(dirty),
            links=tuple(hubspot_links),
            unlinks=tuple(hubspot_unlinks) + tuple(self._merged_away(objects)),
            twoway=tuple(twoway),
        )

    def _two_way(
        self,
        reading: _Read,
        planned: ObjectPlan,
        started: dt.datetime,
        dirty: Sequence[DirtyRecord],
        quarantined: set[str],
    ) -> tuple[ObjectPlan, TwoWayPlan, str]:
        """Two-way sync's revision of one object's plan (``hubqbo.sync._twoway``)."""
        kind = reading.kind
        mapper = self._mapper(kind)

        def wanted_of(record: object, qbo_id: str) -> tuple[dict[str, str], bool]:
            return self._wanted(kind, record, qbo_id, quarantined)

        row = self._store.cursor(self.tenant, _hubspot_stream(kind))
        dirty_ids = tuple(
            dict.fromkeys(
                d.record_id.partition(":")[2].partition(">")[0]
                for d in dirty
                if d.side == "hubspot"
                and d.kind == kind.value
                and d.record_id.partition(":")[0] in _HUBSPOT_CHANGES
            )
        )
        operations, part, position = plan_two_way(
            TwoWayInputs(
                crm=self._crm,
                ledger=self._qbo,
                store=self._store,
                tenant=self.tenant,
                kind=kind,
                config=self.config,
                id_property=self.id_property(kind),
                mapper=mapper,
                wanted_of=wanted_of,
                mapping_set=self.config.mapping_set(kind),
                qbo_time_zone=self._qbo.company_profile().time_zone,
                hubspot_time_zone=self._crm.portal_time_zone(),
                cursor=row.value if row else None,
                started=started,
                now=self._now(),
                dirty_ids=dirty_ids,
                quarantined=frozenset(quarantined),
                held=frozenset(
                    part
                    for d in dirty
                    if d.side == "hubspot"
                    and d.kind == kind.value
                    and d.record_id.startswith("merge:")
                    for part in d.record_id.partition(":")[2].split(">")
                ),
            ),
            reading.changes,
            planned.operations,
        )
        return attrs.evolve(planned, operations=tuple(operations)), part, position

    def _wanted(
        self, kind: ObjectKind, record: object, qbo_id: str, quarantined: Iterable[str] = ()
    ) -> tuple[dict[str, str], bool]:
        """A QBO customer's or item's values in HubSpot's space as a write would carry them,
        and whether it may be written (no bad data, not gone)."""
        settings = self.config.of(kind)
        context = self._context(kind, proceed=True, quarantined=set(quarantined))
        mapper = self._mapper(kind)
        if kind is ObjectKind.CONTACTS:
            source = contact_record(
                record if isinstance(record, Customer) else None,
                realm_id=self._qbo.realm_id,
                settings=settings,
                qbo_id=qbo_id,
                mapper=mapper,
            )
        else:
            source = product_record(
                record if isinstance(record, Item) else None,
                settings=settings,
                qbo_id=qbo_id,
                mapper=mapper,
            )
        ok = not source.problems and source.gone is None
        return wanted_values(context, source, settings), ok

    def conflicts(self, *, include_resolved: bool = False) -> list[Conflict]:
        """Two-way conflicts kept for a person (rule ``MANUAL``), oldest first."""
        return self._store.conflicts(self.tenant, include_resolved=include_resolved)

    def resolve(self, conflict_id: str, winner: str) -> None:
        """Resolve an open two-way conflict (rule ``MANUAL``): ``winner`` is ``"qbo"`` or
        ``"hubspot"``. The next run writes the winner's value to the other side (if the two
        values are still the ones in conflict; otherwise the field is decided afresh)."""
        if winner not in ("qbo", "hubspot"):
            raise ValueError(f"winner must be 'qbo' or 'hubspot', not {winner!r}")
        lease = self._lease()
        try:
            self._store.resolve_conflict(lease, conflict_id, winner)
        finally:
            self._store.release_lease(lease)

    def _quarantined(self) -> dict[ObjectKind, set[str]]:
        from hubqbo.protocols import OperationState

        out: dict[ObjectKind, set[str]] = {}
        self._alternating = alternations(self._store.cursors(self.tenant))
        for kind, qbo_id in self._alternating:
            out.setdefault(kind, set()).add(qbo_id)
        released = self._released()
        for entry in self._store.operations(self.tenant, states=[OperationState.FAILED]):
            if entry.kind not in _KIND_NAMES:
                continue  # a deal roll-up (``_rollup``): retried by every run, not a record
            floor = released.get((entry.kind, entry.source_id), 0)
            if entry.attempts >= floor + self._max_attempts:
                out.setdefault(ObjectKind(entry.kind), set()).add(entry.source_id)
        return out

    def _read(self, kind: ObjectKind, started: dt.datetime, dirty: Sequence[DirtyRecord]) -> _Read:
        entity = kind.entity
        cursor_row = self._store.cursor(self.tenant, self._stream(kind))
        cursor = _parse_instant(cursor_row.value if cursor_row else None)
        every: list[Link] = []

        def linked_ids() -> list[str]:  # all links, read only when a sweep needs them
            if not every:
                every.extend(self._store.links(self.tenant, kind.value))
            return [link.qbo_id for link in every]

        read = read_changes(
            self._qbo,
            entity,
            cursor,
            started=started,
            linked_ids=linked_ids,
            overlap=self.config.cdc_overlap,
        )
        seen = {c.id for c in read.changes}
        asked = [d.record_id for d in dirty if d.side == "qbo" and d.kind == entity]
        linked_total: int | None = None
        if kind is ObjectKind.INVOICES and cursor is not None:
            due, linked_total = self._coming_due(started, every)
            asked += due
        extra = read_dirty(self._qbo, entity, [i for i in dict.fromkeys(asked) if i not in seen])
        changes = (*read.changes, *extra)
        if cursor is None or every:
            links = tuple(every or self._store.links(self.tenant, kind.value))
        else:
            links = tuple(self._links_of(kind, [c.id for c in changes]))
        return _Read(
            kind=kind,
            changes=changes,
            links=links,
            cursor=read.cursor.isoformat(),
            first=cursor is None,
            linked_total=None if every else linked_total,
        )

    def _coming_due(
        self, started: dt.datetime, read: Sequence[Link]
    ) -> tuple[list[str], int | None]:
        """Once a day (in the QBO company's calendar), the linked invoices HubSpot last knew
        open and due before today: nothing changes in QBO when an invoice becomes overdue, so
        change data capture never reports it. They are re-read, and the plan updates their
        status and writes the ``invoice_became_overdue`` event (C4). Also how many invoices
        are linked (the plan's ``linked``), counted on the way: the links are read a page at
        a time (or taken from ``read``, when the feed's sweep already read them all), and
        only the due ones' ids are kept, so the check never holds every decoded base."""
        today = self._qbo.company_profile().today(started)
        row = self._store.cursor(self.tenant, self._overdue_stream)
        if row is not None and row.value >= today.isoformat():
            return [], None
        names = self._invoice_props
        due: list[str] = []
        total = 0
        for link in read or self._each_link(ObjectKind.INVOICES):
            total += 1
            base = decode_base(link.base)
            status = base.get(names.status)
            due_text = base.get("hs_due_date") or ""
            if status in ("overdue", "paid", "voided", None) or not due_text:
                continue
            if due_text[:10] < today.isoformat() and (_decimal(base.get(names.balance)) or 0) > 0:
                due.append(link.qbo_id)
        self._overdue_day = today.isoformat()
        return due, total

    _link_page = 1000
    """Links per store read when a pass goes over every link of an object."""

    def _count_links(self, kind: ObjectKind) -> int:
        return sum(1 for _ in self._each_link(kind))

    def _each_link(self, kind: ObjectKind) -> Iterator[Link]:
        """Every link of ``kind``, read from the store a page at a time (by QBO id), so a
        pass over them all holds one page, not every link at once."""
        after: str | None = None
        while True:
            page = self._store.links(self.tenant, kind.value, after=after, limit=self._link_page)
            yield from page
            if len(page) < self._link_page:
                return
            after = page[-1].qbo_id

    @property
    def _overdue_stream(self) -> str:
        return f"qbo:{self._qbo.realm_id}:overdue-sweep"

    def _links_of(
        self, kind: ObjectKind, qbo_ids: Sequence[str] = (), hubspot_ids: Sequence[str] = ()
    ) -> list[Link]:
        """The links of some records (in chunks the databases take as parameters)."""
        out: list[Link] = []
        for ids, key in (
            (list(dict.fromkeys(qbo_ids)), "qbo"),
            (list(dict.fromkeys(hubspot_ids)), "hs"),
        ):
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                if key == "qbo":
                    out.extend(self._store.links(self.tenant, kind.value, qbo_ids=chunk))
                else:
                    out.extend(self._store.links(self.tenant, kind.value, hubspot_ids=chunk))
        return out

    def _context(self, kind: ObjectKind, *, proceed: bool, quarantined: set[str]) -> PlanContext:
        return PlanContext(
            tenant=self.tenant,
            realm_id=self._qbo.realm_id,
            id_property=self.id_property(kind),
            status_property=self.config.status_property,
            proceed=proceed,
            mass_delete_share=self.config.mass_delete_share,
            quarantined=frozenset(quarantined),
        )

    def _mapper(self, kind: ObjectKind) -> Mapper:
        """The object's mapping set as a mapper (the QBO company's and the portal's zones)."""
        cached = self._mappers.get(kind)
        if cached is None:
            also = {ObjectKind.CONTACTS: contact_values, ObjectKind.PRODUCTS: product_values}
            cached = mapping_mapper(
                self.config.mapping_set(kind),
                qbo_time_zone=self._qbo.company_profile().time_zone,
                hubspot_time_zone=self._crm.portal_time_zone(),
                also=also.get(kind),
            )
            self._mappers[kind] = cached
        return cached

    def _records(self, reading: _Read) -> list[SourceRecord]:
        kind = reading.kind
        settings = self.config.of(kind)
        realm = self._qbo.realm_id
        mapper = self._mapper(kind)
        if kind is ObjectKind.CONTACTS:
            return [
                contact_record(
                    c.record if isinstance(c.record, Customer) and not c.deleted else None,
                    realm_id=realm,
                    settings=settings,
                    qbo_id=c.id,
                    mapper=mapper,
                )
                for c in reading.changes
            ]
        if kind is ObjectKind.PRODUCTS:
            return [
                product_record(
                    c.record if isinstance(c.record, Item) and not c.deleted else None,
                    settings=settings,
                    qbo_id=c.id,
                    mapper=mapper,
                )
                for c in reading.changes
            ]
        today = self._qbo.company_profile().today(self._now())
        parents = self._parents(reading.changes) if settings.sub_customers else {}
        records = [
            invoice_record(
                c.record if isinstance(c.record, Invoice) and not c.deleted else None,
                realm_id=realm,
                today=today,
                settings=settings,
                contact_of=lambda cid: parents.get(cid, cid),
                qbo_id=c.id,
                mapper=mapper,
            )
            for c in reading.changes
        ]
        return self._with_companies(records)

    def _with_companies(self, records: list[SourceRecord]) -> list[SourceRecord]:
        """Each invoice's company association target: its contact's primary company (one
        batched association read per 1,000 contacts)."""
        contact_key = association_key(ObjectKind.CONTACTS)
        customers = sorted({r.values[contact_key] for r in records if r.values.get(contact_key)})
        if not customers:
            return records
        contacts = dict(self._planned_contacts)
        for link in self._links_of(ObjectKind.CONTACTS, customers):
            contacts.setdefault(link.qbo_id, link.hubspot_id)
        known = {c: contacts[c] for c in customers if c in contacts}
        if not known:
            return records
        try:
            companies = self._crm.associated_ids(
                CrmObjectType.CONTACT,
                sorted(set(known.values())),
                CrmObjectType.COMPANY,
                primary=True,
            )
        except ApiError as failed:
            _log.warning("primary companies of invoice contacts not read: %s", failed)
            return records
        key = association_key(CrmObjectType.COMPANY)
        out = []
        for record in records:
            contact = known.get(record.values.get(contact_key) or "")
            found = companies.get(contact, []) if contact else []
            company = found[0] if found else None
            values = {**record.values, key: company} if company else record.values
            out.append(attrs.evolve(record, values=values))
        return out

    def _parents(self, changes: Sequence[LedgerChange]) -> dict[str, str]:
        """Invoice customer id -> the top-level customer whose contact gets the invoice."""
        ids = sorted({c.record.customer.value for c in changes if isinstance(c.record, Invoice)})
        parents: dict[str, str] = {}
        pending = ids
        for _ in range(5):  # QBO nests jobs at most five levels deep
            found = self._qbo.records_by_id("Customer", pending)
            nxt = []
            for change in found:
                customer = change.record
                if isinstance(customer, Customer) and customer.parent_id:
                    parents[change.id] = customer.parent_id
                    nxt.append(customer.parent_id)
            if not nxt:
                break
            pending = nxt

        def top(cid: str) -> str:
            seen = set()
            while cid in parents and cid not in seen:
                seen.add(cid)
                cid = parents[cid]
            return cid

        return {cid: top(cid) for cid in ids}

    def _plan_kind(self, reading: _Read, *, proceed: bool, quarantined: set[str]) -> ObjectPlan:
        kind = reading.kind
        settings = self.config.of(kind)
        records = self._records(reading)
        states = {link.qbo_id: _link_state(link) for link in reading.links}
        context = self._context(kind, proceed=proceed, quarantined=quarantined)
        if not reading.first and any(r.gone is not None for r in records):
            # the mass-delete guard compares with every linked record of the object
            context = attrs.evolve(context, linked_total=self._count_links(kind))
        elif reading.linked_total is not None:
            context = attrs.evolve(context, linked_total=reading.linked_total)
        proposal = self._propose(reading, records, states)
        context = attrs.evolve(context, proposed=proposal.proposed, proposed_values=proposal.values)
        planned = plan_object(
            kind, records, states, settings, context=context, ambiguous=proposal.ambiguous
        )
        read = {r.qbo_id for r in records}
        held = [
            Skip(kind, qbo_id, SkipReason.QUARANTINED, "release it with engine.release(...)")
            for qbo_id in sorted(quarantined - read)
        ]
        if held:
            planned = attrs.evolve(planned, skipped=planned.skipped + tuple(held))
        if any(k is kind for k, _ in self._alternating):
            planned = attrs.evolve(
                planned, skipped=tuple(self._why_held(s) for s in planned.skipped)
            )
        if kind is ObjectKind.INVOICES:
            planned = self._with_events(reading, planned, states)
        return planned

    def _why_held(self, skip: Skip) -> Skip:
        """A quarantine's skip, with its explanation when the record's values alternated."""
        stuck = self._alternating.get((skip.kind, skip.qbo_id))
        if stuck is None or skip.reason is not SkipReason.QUARANTINED:
            return skip
        return attrs.evolve(skip, reason=SkipReason.ALTERNATING, detail=stuck.explanation())

    def _with_events(
        self, reading: _Read, planned: ObjectPlan, states: Mapping[str, LinkState]
    ) -> ObjectPlan:
        """Attach to each invoice write the status events it makes true (C4), computed by
        ``invoice_events`` (the one implementation ``InvoiceBuilder`` uses) from the base
        snapshot (what HubSpot last knew) and QBO now; they enter the outbox in the same
        transaction that marks the write applied."""
        names = self._invoice_props
        invoices = {c.id: c.record for c in reading.changes if isinstance(c.record, Invoice)}
        ops = []
        for op in planned.operations:
            invoice = invoices.get(op.qbo_id)
            link = states.get(op.qbo_id)
            if op.action is Action.ASSOCIATE or invoice is None or link is None:
                ops.append(op)
                continue
            base = link.base or {}
            previous = _status(base.get(names.status))
            status = _status(op.snapshot.get(names.status))
            if status is None:
                ops.append(op)
                continue
            found = invoice_events(
                invoice,
                realm_id=self._qbo.realm_id,
                deal_id=None,
                previous_status=previous,
                previous_balance=_decimal(base.get(names.balance)),
                status=status,
            )
            ops.append(attrs.evolve(op, events=tuple(_outbox(e, self.tenant) for e in found)))
        return attrs.evolve(planned, operations=tuple(ops))

    def _plan_lines(
        self, reading: _Read, invoices: ObjectPlan, quarantined: set[str]
    ) -> ObjectPlan:
        """QBO invoice lines as HubSpot line items on their invoices; a line removed from an
        invoice is archived with it gone."""
        kind = ObjectKind.LINE_ITEMS
        skipped = {s.qbo_id for s in invoices.skipped if s.reason is not SkipReason.UNCHANGED}
        records: list[SourceRecord] = []
        changed: set[str] = set()
        for change in reading.changes:
            invoice = change.record
            if change.deleted or not isinstance(invoice, Invoice) or change.id in skipped:
                continue
            changed.add(change.id)
            records.extend(line_item_records(invoice))
        if not changed:
            return ObjectPlan(kind)
        links = [link for link in self._each_link(kind) if link.qbo_id.partition(".")[0] in changed]
        present = {r.qbo_id for r in records}
        records.extend(
            SourceRecord(kind, link.qbo_id, "deleted", gone=Gone.DELETED)
            for link in links
            if link.qbo_id not in present
        )
        states = {link.qbo_id: _link_state(link) for link in links}
        context = attrs.evolve(self._context(kind, proceed=True, quarantined=quarantined))
        return plan_object(kind, records, states, self.config.of(kind), context=context)

    def _propose(
        self, reading: _Read, records: Sequence[SourceRecord], links: Mapping[str, LinkState]
    ) -> LinkProposal:
        """Initial linking for the records that would be created."""
        kind = reading.kind
        wanted = {
            r.qbo_id
            for r in records
            if r.qbo_id not in links
            and r.gone is None
            and not r.problems
            and r.eligible
            and r.parent_id is None
        }
        if not wanted or kind is ObjectKind.INVOICES:
            return LinkProposal()
        linked_hs = {link.hubspot_id: link.qbo_id for link in reading.links}
        models = [c.record for c in reading.changes if c.id in wanted and c.record is not None]
        if kind is ObjectKind.CONTACTS:
            customers = [m for m in models if isinstance(m, Customer)]
            if reading.first:
                contacts = self._crm.list_records(
                    CrmObjectType.CONTACT, properties=[*CONTACT_PROPERTIES, self.id_property(kind)]
                )
                return link_contacts(
                    customers, contacts, linked=linked_hs, matcher_factory=self._matcher_factory
                )
            emails = sorted({(c.email or "").strip().lower() for c in customers if c.email})
            found = self._crm.read_records(
                CrmObjectType.CONTACT, emails, id_property="email", properties=CONTACT_PROPERTIES
            )
            taken = {
                link.hubspot_id: link.qbo_id
                for link in self._links_of(kind, hubspot_ids=[o.id for o in found])
            }
            return link_contacts(customers, found, linked=taken, use_matcher=False)
        if not reading.first:
            return LinkProposal()
        items = [m for m in models if isinstance(m, Item)]
        products: list[CrmObject] = [
            o
            for o in self._crm.list_records(
                CrmObjectType.PRODUCT, properties=[*PRODUCT_PROPERTIES, self.id_property(kind)]
            )
            if o.id not in linked_hs
        ]
        return link_products(items, products)

    def _hubspot_events(self, dirty: Sequence[DirtyRecord]) -> tuple[list[Link], list[LinkRef]]:
        """Links to change for HubSpot merges, deletions and privacy deletions of linked
        records (encoded by ``notify`` as ``operation:id[>survivor]``)."""
        links: list[Link] = []
        unlinks: list[LinkRef] = []
        for row in dirty:
            if row.side != "hubspot":
                continue
            try:
                kind = ObjectKind(row.kind)
            except ValueError:
                continue
            operation, _, rest = row.record_id.partition(":")
            record_id, _, survivor = rest.partition(">")
            link = self._store.link(self.tenant, kind.value, hubspot_id=record_id)
            if link is None:
                continue
            base = decode_base(link.base)
            if operation == "privacyDeletion":
                base[f"{FLAG_PREFIX}privacy"] = "1"
                links.append(_relinked(link, link.hubspot_id, base))
            elif operation == "deletion":
                unlinks.append(LinkRef(kind.value, link.qbo_id))
            elif operation == "merge" and survivor:
                taken = self._store.link(self.tenant, kind.value, hubspot_id=survivor)
                if taken is None:
                    unlinks.append(LinkRef(kind.value, link.qbo_id))  # then relinked, one commit
                    links.append(_relinked(link, survivor, base))
                else:
                    unlinks.append(LinkRef(kind.value, link.qbo_id))
        return links, unlinks

    def _merged_away(self, objects: Sequence[ObjectPlan]) -> list[LinkRef]:
        """Deleted QBO customers and items (a merge deletes the merged-away one) keep no
        link when the delete policy does nothing: one link survives, the merge target's."""
        out: list[LinkRef] = []
        for obj in objects:
            if obj.kind is ObjectKind.INVOICES:
                continue
            out.extend(
                LinkRef(obj.kind.value, s.qbo_id)
                for s in obj.skipped
                if s.reason is SkipReason.DELETE_POLICY
            )
        return out

    # ------------------------------------------------------------------ apply

    def _daily_reset(self, now: dt.datetime) -> dt.datetime:
        """The next midnight in the portal's time zone (HubSpot's daily limit resets then)."""
        try:
            zone = resolve_time_zone(self._crm.portal_time_zone())
        except Exception:  # noqa: BLE001 - zone unknown: the next hour, where most resets fall
            return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        local = now.astimezone(zone)
        tomorrow = (local + dt.timedelta(days=1)).date()
        return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=zone).astimezone(dt.timezone.utc)

    def _park(self, lease: Lease) -> SyncResult:
        """Park the tenant until HubSpot's daily limit resets (the limit was hit while reading)."""
        until = self._daily_reset(self._now())
        self._store.commit(lease, StateChange(cursors=[Cursor(PARKED_STREAM, until.isoformat())]))
        reason = f"HubSpot's daily limit reached: the tenant waits until {until.isoformat()}"
        return SyncResult(tenant=self.tenant, parked_until=until, errors=(reason,))

    def _parked(self) -> dt.datetime | None:
        row = self._store.cursor(self.tenant, PARKED_STREAM)
        until = _parse_instant(row.value if row else None)
        return until if until is not None and until > self._now() else None

    def _applier(self, lease: Lease, run_id: str | None) -> Applier:
        return Applier(
            self._crm,
            self._store,
            tenant=self.tenant,
            lease=lease,
            run_id=run_id,
            id_property=self.id_property,
            now=self._now,
            daily_reset=self._daily_reset,
            max_attempts=self._max_attempts,
            tally=self._written,
            released=self._released(),
            keyed=self.keyed,
        )

    # ------------------------------------------------------------------ mapping status

    def _mapped(self, kind: ObjectKind) -> bool:
        return kind in (ObjectKind.CONTACTS, ObjectKind.PRODUCTS, ObjectKind.INVOICES)

    def _written(self, op: PlannedOp) -> list[MappingTally]:
        """One written record for each mapping whose property the operation wrote."""
        if not self._mapped(op.kind) or op.action not in (Action.CREATE, Action.UPDATE):
            return []
        mappings = self.config.mapping_set(op.kind)
        return [
            MappingTally(op.kind.crm_type.value, op.kind.entity, mappings.version, m.key, written=1)
            for m in mappings
            if m.hubspot_property in op.properties
        ]

    def _refused(self, plan: SyncPlan) -> list[MappingTally]:
        """One refused record for each mapping a record's bad data names."""
        out: list[MappingTally] = []
        for obj in plan.objects:
            if not self._mapped(obj.kind):
                continue
            mappings = self.config.mapping_set(obj.kind)
            keys = set(mappings.keys)
            for skip in obj.skipped:
                for problem in skip.problems:
                    key, _, reason = problem.partition(": ")
                    if key in keys:
                        out.append(
                            MappingTally(
                                obj.kind.crm_type.value,
                                obj.kind.entity,
                                mappings.version,
                                key,
                                refused=1,
                                refusal=reason,
                            )
                        )
        return out

    def apply(self, plan: SyncPlan) -> SyncResult:
        """Write exactly the plan's operations, once (see ``hubqbo.sync._apply``)."""
        return self._locked(lambda lease, run_id: self._apply(plan, lease, run_id))

    def run(self, *, proceed: bool = False, kind: str = RUN_KIND_SYNC) -> SyncResult:
        """Complete what an interrupted run left in flight, then plan and apply; safe to
        repeat. ``kind`` names the run in the store's run history (``"sweep"`` for
        :meth:`sweep`'s)."""

        def body(lease: Lease, run_id: str) -> SyncResult:
            ledger = self._qbo  # two-way QBO updates first: their records are planned afresh
            resent = resume_qbo_writes(ledger, self._store, lease, tenant=self.tenant)  # type: ignore[arg-type]
            resumed = self._applier(lease, run_id).resume()
            plan = self.plan(proceed=proceed)
            result = self._apply(plan, lease, run_id)
            if resumed.applied or resumed.failed or resent:
                result = attrs.evolve(
                    result,
                    applied=result.applied + resumed.applied + resent,
                    failed=result.failed + resumed.failed,
                )
            return result

        return self._locked(body, kind=kind)

    def sweep(self) -> SweepResult:
        """The daily sweep (``hubqbo.sync._sweep``): mark dirty the invoices whose status
        changes with the date alone (becoming overdue), found from the store's base snapshots
        without reading anything else, and run the engine on them under the tenant's lease
        (new status, deal roll-ups, outbox events). Nothing due: no run, no write; and no
        provider call at all unless some invoice could be due in some time zone (the
        company's profile, for its calendar day, is read only then)."""
        now = self._now()
        latest = latest_date(now)
        links = [  # due somewhere on Earth: a superset of those due in the company's day
            link
            for link in self._each_link(ObjectKind.INVOICES)
            if due_by_date([link], today=latest, names=self._invoice_props)
        ]
        if not links:
            return SweepResult(tenant=self.tenant, today=None, due=())  # nothing, anywhere
        today = self._qbo.company_profile().today(now)
        due = due_by_date(links, today=today, names=self._invoice_props)
        if not due or not self.config.invoices.enabled:
            return SweepResult(tenant=self.tenant, today=today, due=())
        self._store.mark_dirty(
            self.tenant, [DirtyMark("qbo", ObjectKind.INVOICES.entity, i, now) for i in due]
        )
        return SweepResult(
            tenant=self.tenant, today=today, due=due, result=self.run(kind=RUN_KIND_SWEEP)
        )

    def _locked(
        self, body: Callable[[Lease, str], SyncResult], *, kind: str = RUN_KIND_SYNC
    ) -> SyncResult:
        parked = self._parked()
        if parked is not None:
            return SyncResult(
                tenant=self.tenant,
                parked_until=parked,
                errors=(f"parked until {parked.isoformat()} (HubSpot's daily limit)",),
            )
        lease = self._lease()
        mapping_version = self.mapping_version
        run = self._store.start_run(lease, kind, mapping_version=mapping_version)
        try:
            try:
                result = body(lease, run.run_id)
            except RateLimitedError as limited:  # the daily limit while reading parks too
                if (limited.policy or "").upper() != "DAILY":
                    raise
                result = self._park(lease)
        except BaseException as exc:
            self._store.finish_run(
                lease, run.run_id, status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"
            )
            self._store.release_lease(lease)
            raise
        self._store.finish_run(
            lease,
            run.run_id,
            status=RunStatus.SUCCEEDED if result.ok else RunStatus.FAILED,
            counts={"applied": result.applied, "failed": result.failed},
            error="; ".join(result.errors) or None,
        )
        self._store.release_lease(lease)
        return attrs.evolve(result, run_id=run.run_id, mapping_version=mapping_version)

    def _apply(self, plan: SyncPlan, lease: Lease, run_id: str | None) -> SyncResult:
        if plan.tenant != self.tenant:
            raise ValueError(f"the plan is for tenant {plan.tenant!r}, not {self.tenant!r}")
        if plan.operations:
            self.ensure_properties()
        if plan.links or plan.unlinks:
            # HubSpot merges and deletions are facts: links move before the writes, which
            # go to the surviving contacts (``_retargeted``) and land with their own bases
            self._store.commit(lease, StateChange(links=plan.links, unlinks=plan.unlinks))
        operations: Sequence[PlannedOp] = plan.operations
        counts: dict[str, dict[str, int]] = {}
        errors: list[str] = []
        qbo_applied = qbo_failed = 0
        if plan.qbo_creates:
            qbo_applied, qbo_failed, made = apply_qbo_creates(
                self._qbo,
                self._store,
                lease,
                tenant=self.tenant,
                plans=plan.twoway,
                wanted_of=lambda kind, record, qbo_id: self._wanted(kind, record, qbo_id)[0],
                run_id=run_id,
                counts=counts,
                errors=errors,
            )
            operations = [
                op
                for op in operations
                if not (op.kind is ObjectKind.CONTACTS and op.qbo_id in made)
                or op.action is not Action.CREATE
            ]
        if plan.twoway:
            read_back, updated, update_failed = apply_qbo_writes(
                self._qbo,  # type: ignore[arg-type]
                self._store,
                lease,
                tenant=self.tenant,
                plans=plan.twoway,
                mapper_of=self._mapper,
                run_id=run_id,
                counts=counts,
                errors=errors,
            )
            operations = patch_hubspot_ops(operations, plan.twoway, read_back)
            qbo_applied, qbo_failed = qbo_applied + updated, qbo_failed + update_failed
        applier = self._applier(lease, run_id)
        report = applier.apply(operations)
        for kind_name, bucket in counts.items():
            report.counts[kind_name].update(bucket)
        report.applied += qbo_applied
        report.failed += qbo_failed
        report.errors.extend(errors)
        if self.config.invoices.enabled and report.parked_until is None:
            self._refresh_deals(applier.lease, run_id, report)
        moved = self._finish(plan, applier.lease, report)
        report.quarantined.extend(  # after _finish: not failed writes, they block nothing
            Quarantined(a.kind, a.qbo_id, a.explanation())
            for p in plan.twoway
            for a in p.alternating
        )
        return _result(self.tenant, report, moved)

    def _refresh_deals(self, lease: Lease, run_id: str | None, report: ApplyReport) -> None:
        """Recompute the roll-up (C1-C3) of every deal whose invoices changed, with
        ``InvoiceBuilder.refresh_deal`` (one implementation), and put its changes in the
        outbox (C4) — each deal's roll-up a journal operation, so a crash between an invoice
        write and its deal's roll-up never skips it (``hubqbo.sync._rollup``). A roll-up
        already current costs no write."""
        rollups = DealRollups(
            self._crm,
            self._store,
            lambda: InvoiceBuilder(self._crm, self._qbo, now=self._now),
            tenant=self.tenant,
            lease=lease,
            run_id=run_id,
            outbox=lambda event: _outbox(event, self.tenant),
            max_attempts=self._max_attempts,
        )
        rollups.run(report.applied_ops)
        report.errors.extend(rollups.errors)
        report.events += rollups.events

    def _finish(self, plan: SyncPlan, lease: Lease, report: ApplyReport) -> bool:
        """Move the cursors (and clear the dirty inbox) only when every write landed."""
        blocking = report.failed - len(report.quarantined)
        if report.parked_until is not None:
            self._store.commit(
                lease,
                StateChange(cursors=[Cursor(PARKED_STREAM, report.parked_until.isoformat())]),
            )
            return False
        if blocking > 0:
            return False
        self._store.commit(
            lease,
            StateChange(
                cursors=[Cursor(stream, value) for stream, value in plan.cursors.items()],
                cleared=plan.cleared,
                tallies=merge_tallies(self._refused(plan)),
            ),
        )
        return True


def _retargeted(objects: Sequence[ObjectPlan], moved: Sequence[Link]) -> list[ObjectPlan]:
    """The plans with each write to a contact merged away this run sent to the surviving
    contact its link moves to (the merged-away one is archived: a write to it would fail
    until the link moved, and the link moves only once every write landed)."""
    to = {(link.kind, link.qbo_id): link.hubspot_id for link in moved}
    out = []
    for obj in objects:
        ops = tuple(
            attrs.evolve(op, hubspot_id=to[(op.kind.value, op.qbo_id)])
            if op.hubspot_id and to.get((op.kind.value, op.qbo_id), op.hubspot_id) != op.hubspot_id
            else op
            for op in obj.operations
        )
        out.append(attrs.evolve(obj, operations=ops) if ops != obj.operations else obj)
    return out


_LOOKED_UP = (ObjectKind.PRODUCTS, ObjectKind.LINE_ITEMS, ObjectKind.INVOICES)
"""Objects for which HubSpot does not document unique-value properties."""


def _not_unique(spec: PropertySpec) -> PropertySpec:
    """``spec`` without uniqueness on objects where HubSpot may refuse it (contacts keep
    theirs)."""
    if spec.object_type is CrmObjectType.CONTACT or not spec.has_unique_value:
        return spec
    return attrs.evolve(
        spec,
        has_unique_value=False,
        description="Set by hubqbo's sync; looked up before a repeated create.",
    )


def _relinked(link: Link, hubspot_id: str, base: Mapping[str, str]) -> Link:
    return Link(
        kind=link.kind,
        qbo_id=link.qbo_id,
        hubspot_id=hubspot_id,
        qbo_sync_token=link.qbo_sync_token,
        base=canonical_json(dict(base)),
    )


def _result(tenant: str, report: ApplyReport, moved: bool) -> SyncResult:
    return SyncResult(
        tenant=tenant,
        counts=report.counts,
        applied=report.applied,
        failed=report.failed,
        quarantined=tuple(report.quarantined),
        errors=tuple(report.errors),
        cursors_moved=moved,
        parked_until=report.parked_until,
        events=report.events,
    )


def _status(value: str | None) -> InvoiceStatus | None:
    try:
        return InvoiceStatus(value) if value else None
    except ValueError:
        return None


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except ArithmeticError:
        return None


def _outbox(event: object, tenant: str) -> OutboxEvent:
    """An event as an outbox row; its id is derived from its content (the same event found
    twice is stored once)."""
    payload = canonical_json(
        {k: v for k, v in attrs.asdict(event).items() if v is not None}  # type: ignore[arg-type]
    )
    kind = str(getattr(event, "kind", "event"))
    return OutboxEvent(
        event_id=derive_request_id(f"event:{kind}", payload, namespace=tenant),
        type=kind,
        payload=payload,
    )


_KIND_NAMES = frozenset(k.value for k in ObjectKind)

_HUBSPOT_CHANGES = frozenset({"creation", "change", "propertyChange", "restore"})
"""HubSpot webhook operations that make a record worth re-reading in two-way sync."""


def _hubspot_stream(kind: ObjectKind) -> str:
    return f"hubspot:{kind.value}:modified"


def _release_stream(kind: ObjectKind, qbo_id: str) -> str:
    return f"release:{kind.value}:{qbo_id}"
