"""Deal roll-ups as journal operations, so a crash between an invoice write and its deal's
roll-up never skips the roll-up.

Why two steps: which deals an invoice belongs to is known only from HubSpot, after the
invoice record exists there, yet the need for a roll-up must be durable *before* the invoice
write goes out. So

1. the applier journals, with each invoice record write, a **marker** (action ``rollup``,
   kind ``invoices``) naming that write, in the same transaction (``rollup_marker``);
2. after the writes, each marker whose invoice write was applied is handed over: the deals of
   those invoices are read (one batched association read) with their roll-up properties as
   they are now (one batched read per 100 deals), and one **deal roll-up operation** per deal
   is journaled — its id derived from the deal and the markers (the invoice versions) — with
   the deal's roll-up *before* in its payload; the markers are then marked applied;
3. each pending deal roll-up runs ``InvoiceBuilder.refresh_deal`` (the one implementation of
   the roll-up, statuses and events) with that recorded *before*, and is marked applied with
   its ``deal_rollup_changed`` event in the outbox, in one transaction.

A crash anywhere leaves a marker planned or a deal roll-up in flight: the next run completes
it, and the event compares with the recorded *before*, so it is written once (outbox ids are
derived from the event's content). A marker whose invoice write is still pending waits for it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence

from hubqbo.errors import ApiError, TransportError
from hubqbo.idempotency import canonical_json, operation_id
from hubqbo.invoices import InvoiceBuilder
from hubqbo.models import CrmObjectType
from hubqbo.protocols import (
    CrmRecordStore,
    Lease,
    Operation,
    OperationOutcome,
    OperationState,
    OutboxEvent,
    StateChange,
    StateStore,
)
from hubqbo.rollups import DEFAULT_ROLLUP_PROPERTIES
from hubqbo.sync._config import ObjectKind
from hubqbo.sync._plan import Action, PlannedOp

__all__ = ["DEAL_KIND", "ROLLUP_ACTION", "DealRollups", "needs_rollup", "rollup_marker"]

ROLLUP_ACTION = "rollup"
"""The journal action of roll-up markers and deal roll-up operations."""
DEAL_KIND = "deals"
"""The journal kind of deal roll-up operations (``source_id`` is the HubSpot deal id)."""
_INVOICES = ObjectKind.INVOICES.value


def needs_rollup(op: PlannedOp) -> bool:
    """True for an invoice record write (its deals' roll-ups follow it)."""
    return op.kind is ObjectKind.INVOICES and op.action not in (
        Action.ASSOCIATE,
        Action.DISSOCIATE,
    )


def rollup_marker(tenant: str, op: PlannedOp, run_id: str | None) -> Operation:
    """The marker journaled with an invoice record write: "roll up this invoice's deals
    once ``op`` is applied" (its id derived from the write's, so re-planning finds it)."""
    return Operation(
        op_id=operation_id(tenant, _INVOICES, op.qbo_id, op.op_id, ROLLUP_ACTION),
        kind=_INVOICES,
        source_id=op.qbo_id,
        source_version=op.version,
        action=ROLLUP_ACTION,
        target="hubspot",
        payload=canonical_json({"after": op.op_id}),
        run_id=run_id,
    )


def _after(entry: Operation) -> str:
    try:
        return str(json.loads(entry.payload or "{}").get("after") or "")
    except ValueError:
        return ""


def _before(entry: Operation) -> dict[str, str] | None:
    try:
        data = json.loads(entry.payload or "{}").get("before")
    except ValueError:
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def _version(markers: Sequence[Operation]) -> str:
    """A deal roll-up's source version: the invoice writes it follows (their markers)."""
    text = "\n".join(sorted(m.op_id for m in markers))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class DealRollups:
    """Steps 2 and 3 of the module: hand ready markers over to deal roll-up operations, and
    run every pending deal roll-up (see the module)."""

    def __init__(
        self,
        crm: CrmRecordStore,
        store: StateStore,
        builder: Callable[[], InvoiceBuilder],
        *,
        tenant: str,
        lease: Lease,
        run_id: str | None,
        outbox: Callable[[object], OutboxEvent],
        max_attempts: int = 3,
    ) -> None:
        self._crm = crm
        self._store = store
        self._builder = builder
        self._tenant = tenant
        self._lease = lease
        self._run_id = run_id
        self._outbox = outbox
        self._max_attempts = max_attempts
        self.errors: list[str] = []
        self.events = 0

    def run(self, applied: Collection[str]) -> None:
        """Hand over the markers whose invoice write is applied (``applied``: op ids applied
        by this run; older ones are looked up), then run the pending deal roll-ups."""
        ready = self._ready(applied)
        if ready:
            self._hand_over(ready)
        self._roll_up()

    # ------------------------------------------------------------------ markers

    def _ready(self, applied: Collection[str]) -> list[Operation]:
        markers = [
            e
            for e in self._store.operations(
                self._tenant,
                states=[OperationState.PLANNED, OperationState.IN_FLIGHT],
                kind=_INVOICES,
            )
            if e.action == ROLLUP_ACTION
        ]
        ready = [m for m in markers if _after(m) in applied]
        older = [m for m in markers if _after(m) not in applied]
        fresh = {m.source_id for m in ready}
        dropped: list[OperationOutcome] = []
        states: dict[str, OperationState] = {}
        for qbo_id in sorted({m.source_id for m in older}):
            for entry in self._store.operations(self._tenant, kind=_INVOICES, source_id=qbo_id):
                states[entry.op_id] = entry.state
        for marker in older:
            state = states.get(_after(marker))
            if state is OperationState.APPLIED:
                ready.append(marker)
            elif marker.state is OperationState.PLANNED and (
                state is None or state is OperationState.SKIPPED or marker.source_id in fresh
            ):
                # never written, or superseded by a later write of the invoice (whose marker
                # rolls its deals up)
                dropped.append(
                    OperationOutcome(
                        marker.op_id, OperationState.SKIPPED, error="its invoice write was not made"
                    )
                )
        if dropped:
            self._store.commit(self._lease, StateChange(outcomes=dropped))
        return ready

    def _hand_over(self, markers: Sequence[Operation]) -> None:
        invoice_ids = sorted({m.source_id for m in markers})
        links = []
        for start in range(0, len(invoice_ids), 500):
            links.extend(
                self._store.links(self._tenant, _INVOICES, qbo_ids=invoice_ids[start : start + 500])
            )
        hubspot_of = {link.qbo_id: link.hubspot_id for link in links}
        names = list(DEFAULT_ROLLUP_PROPERTIES.names())
        try:
            found = self._crm.associated_ids(
                CrmObjectType.INVOICE, sorted(set(hubspot_of.values())), CrmObjectType.DEAL
            )
            by_deal: dict[str, list[Operation]] = defaultdict(list)
            for marker in markers:
                for deal in found.get(hubspot_of.get(marker.source_id, ""), []):
                    by_deal[deal].append(marker)
            before = (
                {
                    o.id: {k: str(o.properties.get(k) or "") for k in names}
                    for o in self._crm.read_records(
                        CrmObjectType.DEAL, sorted(by_deal), properties=names
                    )
                }
                if by_deal
                else {}
            )
        except (ApiError, TransportError) as failed:
            self.errors.append(f"deals of the changed invoices: {failed}")
            return  # the markers stay planned: the next run hands them over
        entries = [
            Operation(
                op_id=operation_id(
                    self._tenant, DEAL_KIND, deal, _version(by_deal[deal]), ROLLUP_ACTION
                ),
                kind=DEAL_KIND,
                source_id=deal,
                source_version=_version(by_deal[deal]),
                action=ROLLUP_ACTION,
                target="hubspot",
                payload=canonical_json({"before": before[deal]}),
                run_id=self._run_id,
            )
            for deal in sorted(by_deal)
            if deal in before  # a deal gone since has no roll-up
        ]
        if entries:
            self._store.journal(self._lease, entries)
        self._store.begin_operations(self._lease, [m.op_id for m in markers])
        self._store.commit(
            self._lease,
            StateChange(
                outcomes=[OperationOutcome(m.op_id, OperationState.APPLIED) for m in markers]
            ),
        )

    # ------------------------------------------------------------------ deal roll-ups

    def _roll_up(self) -> None:
        pending = [
            e
            for e in self._store.operations(
                self._tenant,
                states=[OperationState.PLANNED, OperationState.IN_FLIGHT, OperationState.FAILED],
                kind=DEAL_KIND,
            )
            if e.action == ROLLUP_ACTION
            and not (e.state is OperationState.FAILED and e.attempts >= self._max_attempts)
        ]
        if not pending:
            return
        self._store.begin_operations(self._lease, [e.op_id for e in pending])
        builder = self._builder()
        for entry in pending:
            try:
                refreshed = builder.refresh_deal(entry.source_id, before=_before(entry))
            except (ApiError, TransportError) as failed:
                text = f"roll-up of deal {entry.source_id}: {failed}"
                self.errors.append(text)
                self._store.commit(
                    self._lease,
                    StateChange(
                        outcomes=[
                            OperationOutcome(entry.op_id, OperationState.FAILED, error=text[:1000])
                        ]
                    ),
                )
                continue
            events = [self._outbox(e) for e in refreshed.events if e.kind == "deal_rollup_changed"]
            self._store.commit(
                self._lease,
                StateChange(
                    outcomes=[
                        OperationOutcome(
                            entry.op_id, OperationState.APPLIED, remote_id=entry.source_id
                        )
                    ],
                    events=events,
                ),
            )
            self.events += len(events)
