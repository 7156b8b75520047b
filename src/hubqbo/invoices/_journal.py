"""Invoicing's journal in the state store: what ``InvoiceBuilder.create`` did, step by step.

Why: the private-note marker and QBO's ``requestid`` replay are evidence that can fade (a
person edits the note; Intuit does not document the replay window), and a replay answers with
a deleted invoice as if it were new. With a store, each attempt's steps are journalled under
operation ids derived from what they are — (tenant, ``"invoice"``, deal or quote, attempt id,
step) — so a re-run finds its own invoice through the store first, reads it, and tells a live
invoice from a deleted or voided one. The QBO create is sent with its operation id as
``requestid`` (journal key = provider idempotency key), after the journal says it is in flight.

``create`` also holds the tenant's lease, the one sync runs and roll-up sweeps take, so their
writes never interleave with an invoice being made.

Steps (actions): ``create:Customer`` → ``create:Invoice`` → ``record:HubSpotInvoice`` (with the
``invoice`` link QBO id ↔ HubSpot id) → ``rollup:Deal``.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import attrs

from hubqbo.errors import ConfigurationError, InvoiceGone, NotFoundError
from hubqbo.models import Invoice
from hubqbo.protocols import (
    AccountingClient,
    Lease,
    Link,
    LinkRef,
    Operation,
    OperationOutcome,
    OperationState,
    StateChange,
    StateStore,
)

__all__ = [
    "CREATE_CUSTOMER",
    "CREATE_INVOICE",
    "RECORD",
    "ROLLUP",
    "AttemptLog",
    "InvoiceJournal",
]

CREATE_CUSTOMER = "create:Customer"
CREATE_INVOICE = "create:Invoice"
RECORD = "record:HubSpotInvoice"
ROLLUP = "rollup:Deal"
_TARGETS = {
    CREATE_CUSTOMER: "quickbooks",
    CREATE_INVOICE: "quickbooks",
    RECORD: "hubspot",
    ROLLUP: "hubspot",
}


_FINAL = tuple(state for state in OperationState if state.final)


def _holder() -> str:
    return f"invoices:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@attrs.frozen
class AttemptLog:
    """The journal of one ``create`` attempt, under the tenant's lease."""

    store: StateStore
    lease: Lease
    source: str
    """``deal:<id>`` or ``quote:<id>``."""
    attempt: str
    """The attempt id (``""`` for the default attempt): the operations' source version."""
    ttl: dt.timedelta = dt.timedelta(minutes=5)
    """How long each step extends the lease: a ``create`` slowed down by a provider's retries
    keeps the tenant as long as it keeps making progress."""

    @property
    def tenant(self) -> str:
        """The tenant the attempt writes."""
        return self.lease.tenant

    def operation(self, action: str) -> Operation:
        """The planned operation of one step (its id derived from what it is)."""
        return Operation.plan(
            self.tenant, "invoice", self.source, self.attempt, action, target=_TARGETS[action]
        )

    def request_id(self, action: str) -> str:
        """The step's operation id, sent as the provider's idempotency key."""
        return self.operation(action).op_id

    def _describe(self) -> str:
        kind, _, ident = self.source.partition(":")
        attempt = f"attempt {self.attempt!r}" if self.attempt else "the default attempt"
        return f"{kind} {ident} ({attempt})"

    def made_invoice(self, client: AccountingClient) -> Invoice | None:
        """The live invoice this attempt made, as QBO has it now; ``None`` when the journal
        does not know one.

        Raises:
            InvoiceGone: the attempt's invoice was deleted or voided in QBO.
        """
        op = self.store.operation(self.tenant, self.request_id(CREATE_INVOICE))
        if op is None or op.state is not OperationState.APPLIED or not op.remote_id:
            return None
        try:
            invoice = client.get_invoice(op.remote_id)
        except NotFoundError:
            raise InvoiceGone(client.realm_id, op.remote_id, "deleted", self._describe()) from None
        if not invoice.is_live:
            reason = "deleted" if invoice.deleted else "voided"
            raise InvoiceGone(client.realm_id, op.remote_id, reason, self._describe())
        return invoice

    def _renew(self) -> None:
        """Extend the lease before a step's write (``LeaseLost`` when it was taken over)."""
        self.store.renew_lease(self.lease, ttl=self.ttl)

    def begin(self, action: str) -> None:
        """Journal the step as in flight (committed before the provider call)."""
        self._renew()
        self.store.journal(self.lease, [self.operation(action)], begin=True)

    def applied(self, action: str, remote_id: str | None, *, links: Sequence[Link] = ()) -> None:
        """Record the step applied (with the id the provider gave), plus its links, in one
        transaction. A step done without being begun here (found done, not made) is journalled
        and applied at once; one applied before keeps its first answer; one begun (in flight)
        is not begun again, so its attempts count the sends."""
        op = self.operation(action)
        self._renew()
        stored = self.store.operation(self.tenant, op.op_id)
        if stored is None or stored.state not in (OperationState.IN_FLIGHT, *_FINAL):
            stored = self.store.journal(self.lease, [op], begin=True)[0]
        outcomes = []
        if not stored.state.final:
            outcomes = [OperationOutcome(op.op_id, OperationState.APPLIED, remote_id=remote_id)]
        # a QBO invoice's link moves with its HubSpot record (the record may have been re-made)
        unlinks = [LinkRef(link.kind, link.qbo_id) for link in links]
        change = StateChange(outcomes=outcomes, unlinks=unlinks, links=links)
        if not change.empty:
            self.store.commit(self.lease, change)

    def confirmed(self, client: AccountingClient, invoice: Invoice) -> Invoice:
        """Record the attempt's invoice as made (created now, or found by other evidence).

        When the create was a re-send (the journal had it in flight from an earlier run that
        stopped before recording QBO's answer), QBO may have answered from its ``requestid``
        replay with an invoice deleted or voided since: it is read again first.

        Raises:
            InvoiceGone: that invoice is not live any more (recorded as made first, so the
                next run says so at once).
        """
        op = self.store.operation(self.tenant, self.request_id(CREATE_INVOICE))
        resent = op is not None and op.state is OperationState.IN_FLIGHT and op.attempts > 1
        self.applied(CREATE_INVOICE, invoice.id)
        if resent:
            self.made_invoice(client)
        return invoice


class InvoiceJournal:
    """Where ``InvoiceBuilder`` journals its attempts: a store and the tenant(s) per realm.

    Args:
        store: the state store (``SQLiteStateStore``, ``PostgresStateStore``, …).
        tenant: the tenant name, or a mapping QBO realm id → tenant name when the builder
            writes to several companies (a tenant is one portal + one realm).
        lease_ttl: how long the tenant's lease lasts past each step of ``create`` (every
            step renews it, so a slow ``create`` is not taken over while it makes progress).
        lease_wait: how long ``create`` waits for a lease another run holds.
    """

    def __init__(
        self,
        store: StateStore,
        tenant: str | Mapping[str, str],
        *,
        lease_ttl: dt.timedelta = dt.timedelta(minutes=5),
        lease_wait: dt.timedelta = dt.timedelta(seconds=60),
    ) -> None:
        self.store = store
        self._tenant = tenant
        self._ttl = lease_ttl
        self._wait = lease_wait
        self._holder = _holder()

    def tenant_for(self, realm_id: str) -> str:
        """The tenant of one QBO company."""
        if isinstance(self._tenant, str):
            return self._tenant
        try:
            return self._tenant[realm_id]
        except KeyError:
            raise ConfigurationError(
                f"no tenant is named for QuickBooks company {realm_id}: add it to tenant={{...}}"
            ) from None

    @contextmanager
    def attempt(self, realm_id: str, source: str, attempt: str | None) -> Iterator[AttemptLog]:
        """Hold the tenant's lease for one ``create`` and journal its steps."""
        tenant = self.tenant_for(realm_id)
        self.store.connect_tenant(tenant, qbo_realm_id=realm_id)
        lease = self.store.acquire_lease(tenant, self._holder, ttl=self._ttl, wait=self._wait)
        try:
            yield AttemptLog(self.store, lease, source, attempt or "", self._ttl)
        finally:
            self.store.release_lease(lease)
