"""The state store's logic over SQL, shared by the SQLite and PostgreSQL backends.

Why one class for both: the rules (fencing by lease epoch, journal transitions as data, link
uniqueness, dirty-row coalescing, one transaction per call) are the same; only connections,
placeholders, time values and locking differ, and each backend supplies those through a small
:class:`Tx` and a few hooks. The SQL is written once, in the subset both dialects share
(``INSERT … ON CONFLICT``, partial unique indexes, ``CASE``), with ``?`` placeholders.

Why no ORM: two dialects and about ten tables, all reached through some twenty statements; an
ORM would add a dependency and a second schema description without removing any of them, and
would hide the exact locking (``BEGIN IMMEDIATE``, ``SELECT … FOR UPDATE``) the guarantees rest on.

Fencing: every sync-state write first reads the tenant's lease row (``FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` already serialises writers) and refuses with ``LeaseLost`` unless it
still carries the writer's holder and epoch. A take-over waits for that lock, so a write either
committed before the take-over or is refused after it.
"""

# S608: SQL text is assembled only from module constants and "?" placeholder lists; every
# value is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import abc
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import attrs

from hubqbo.clock import SYSTEM_CLOCK, Clock
from hubqbo.errors import (
    InvalidTenantName,
    InvalidTransition,
    LeaseHeld,
    LeaseLost,
    LinkConflict,
    MappingSetVersionConflict,
    RunAlreadyOpen,
    TenantMismatch,
)
from hubqbo.protocols import (
    OPERATION_TRANSITIONS,
    Conflict,
    Cursor,
    DirtyMark,
    DirtyRecord,
    Lease,
    Link,
    MappingStatus,
    MappingTally,
    Operation,
    OperationOutcome,
    OperationState,
    OutboxEvent,
    Run,
    RunStatus,
    StateChange,
    StoredMappingSet,
    Tenant,
    TenantExport,
)

__all__ = ["MAX_TENANT_NAME", "SqlStateStore", "Tx", "validate_tenant_name"]

logger = logging.getLogger("hubqbo.sync")

MAX_TENANT_NAME = 64
_TENANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
_MAX_OP_ID = 50  # QBO requestid limit
_POLL = 0.05


def validate_tenant_name(name: str) -> str:
    """``name`` unchanged, or :class:`~hubqbo.errors.InvalidTenantName` saying what is wrong.

    Example:
        >>> validate_tenant_name("acme-eu")
        'acme-eu'
    """
    if not isinstance(name, str) or not name:
        raise InvalidTenantName("a tenant name must not be empty: name the portal+realm pair")
    if len(name) > MAX_TENANT_NAME:
        raise InvalidTenantName(
            f"a tenant name must be at most {MAX_TENANT_NAME} characters, got {len(name)}"
        )
    if not _TENANT_NAME.match(name):
        raise InvalidTenantName(
            f"tenant name {name!r} has characters outside [A-Za-z0-9._@-] (or does not start "
            "with a letter or digit): use e.g. 'acme-eu'"
        )
    return name


class Tx(Protocol):
    """One open transaction of a backend (``?`` placeholders)."""

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, if any."""
        ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a statement; the number of rows it changed."""
        ...

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Execute a statement once per row; the number of rows changed in all."""
        ...


def _marks(ids: Sequence[Any]) -> str:
    return ", ".join("?" for _ in ids)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# An outcome's row: the remote id once known is kept; the error is the last failure's
# (kept when skipped without one), cleared once applied.
_SET_OUTCOME = (
    "UPDATE hubqbo_journal SET state = ?, remote_id = COALESCE(?, remote_id), "
    "error = CASE WHEN ? = 'applied' THEN NULL ELSE COALESCE(?, error) END, "
    "updated_at = ? WHERE tenant = ? AND op_id = ?"
)
_OP_COLS = (
    "op_id, kind, source_id, source_version, action, target, payload, state, attempts, "
    "remote_id, error, run_id, created_at, updated_at"
)
_LINK_COLS = (
    "kind, qbo_id, hubspot_id, qbo_sync_token, hubspot_updated_at, base, base_hash, updated_at"
)
_RUN_COLS = (
    "run_id, tenant, kind, holder, epoch, status, started_at, ended_at, counts, error, "
    "mapping_version"
)
_CONFLICT_COLS = (
    "conflict_id, kind, qbo_id, hubspot_id, field, base, qbo_value, hubspot_value, "
    "detected_at, resolved_at, resolution"
)
_STATUS_COLS = (
    "hubspot_object, qbo_object, version, mapping, written, refused, last_refusal, "
    "last_refusal_at, last_success_at"
)


class SqlStateStore(abc.ABC):
    """The :class:`~hubqbo.protocols.StateStore` rules over SQL; backends subclass it."""

    dialect: str = ""
    _for_update: str = ""
    _one_update = False

    def __init__(self, *, clock: Clock = SYSTEM_CLOCK, sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep

    # ---------------------------------------------------------------- backend hooks

    @abc.abstractmethod
    def _write(self) -> AbstractContextManager[Tx]:
        """A write transaction (serialised with other writers where the backend must)."""

    @abc.abstractmethod
    def _read(self) -> AbstractContextManager[Tx]:
        """A read transaction (one consistent snapshot)."""

    @abc.abstractmethod
    def _ts(self, value: dt.datetime) -> Any:
        """A datetime as the backend stores it."""

    @abc.abstractmethod
    def _dt(self, value: Any) -> dt.datetime:
        """A stored time as an aware UTC datetime."""

    @abc.abstractmethod
    def _is_unique_violation(self, exc: BaseException) -> bool:
        """Whether ``exc`` is the backend's unique-constraint violation."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def __enter__(self) -> SqlStateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- helpers

    def _now(self) -> dt.datetime:
        now = self._clock.now()
        if now.tzinfo is None:
            raise ValueError("the store's clock must return timezone-aware datetimes")
        return now.astimezone(dt.timezone.utc)

    def _odt(self, value: Any) -> dt.datetime | None:
        return None if value is None else self._dt(value)

    def _ots(self, value: dt.datetime | None) -> Any:
        return None if value is None else self._ts(value)

    def _fence(self, tx: Tx, lease: Lease) -> None:
        row = tx.one(
            f"SELECT holder, epoch FROM hubqbo_leases WHERE tenant = ?{self._for_update}",
            (lease.tenant,),
        )
        if row is None or row[0] != lease.holder or row[1] != lease.epoch:
            current = "released" if row is None or row[0] is None else f"epoch {row[1]}"
            raise LeaseLost(
                f"the lease of tenant {lease.tenant!r} (holder {lease.holder!r}, epoch "
                f"{lease.epoch}) is no longer held (now {current}): it expired and was taken "
                "over, or was released. Stop writing; nothing of this write was stored."
            )

    def _require_tenant(self, tx: Tx, tenant: str) -> None:
        validate_tenant_name(tenant)
        if tx.one("SELECT 1 FROM hubqbo_tenants WHERE name = ?", (tenant,)) is None:
            raise InvalidTenantName(
                f"tenant {tenant!r} is not registered in this store: call "
                "connect_tenant(name, hubspot_portal_id=..., qbo_realm_id=...) first"
            )

    # ---------------------------------------------------------------- tenants

    def connect_tenant(
        self,
        name: str,
        *,
        hubspot_portal_id: str | None = None,
        qbo_realm_id: str | None = None,
    ) -> Tenant:
        """Register the tenant, or check it against the portal and realm first recorded."""
        validate_tenant_name(name)
        with self._write() as tx:
            row = tx.one(
                "SELECT hubspot_portal_id, qbo_realm_id, created_at FROM hubqbo_tenants "
                f"WHERE name = ?{self._for_update}",
                (name,),
            )
            if row is None:
                now = self._now()
                tx.run(
                    "INSERT INTO hubqbo_tenants (name, hubspot_portal_id, qbo_realm_id, "
                    "created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                    (name, hubspot_portal_id, qbo_realm_id, self._ts(now)),
                )
                row = tx.one(
                    "SELECT hubspot_portal_id, qbo_realm_id, created_at FROM hubqbo_tenants "
                    f"WHERE name = ?{self._for_update}",
                    (name,),
                )
                assert row is not None
            portal, realm = row[0], row[1]
            for what, known, given in (
                ("HubSpot portal", portal, hubspot_portal_id),
                ("QuickBooks realm", realm, qbo_realm_id),
            ):
                if known is not None and given is not None and known != given:
                    raise TenantMismatch(
                        f"tenant {name!r} is connected to {what} {known}, not {given}: its "
                        "links would be wrong for another one. Use a new tenant name for the "
                        "other pair."
                    )
            if (portal is None and hubspot_portal_id) or (realm is None and qbo_realm_id):
                portal = portal or hubspot_portal_id
                realm = realm or qbo_realm_id
                tx.run(
                    "UPDATE hubqbo_tenants SET hubspot_portal_id = ?, qbo_realm_id = ? "
                    "WHERE name = ?",
                    (portal, realm, name),
                )
            return Tenant(name, portal, realm, self._dt(row[2]))

    def tenant(self, name: str) -> Tenant | None:
        """The tenant, if registered."""
        with self._read() as tx:
            row = tx.one(
                "SELECT name, hubspot_portal_id, qbo_realm_id, created_at FROM hubqbo_tenants "
                "WHERE name = ?",
                (name,),
            )
        return None if row is None else Tenant(row[0], row[1], row[2], self._dt(row[3]))

    def tenants(self) -> list[Tenant]:
        """Every registered tenant, by name."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT name, hubspot_portal_id, qbo_realm_id, created_at FROM hubqbo_tenants "
                "ORDER BY name"
            )
        return [Tenant(r[0], r[1], r[2], self._dt(r[3])) for r in rows]

    # ---------------------------------------------------------------- leases

    def acquire_lease(
        self,
        tenant: str,
        holder: str,
        *,
        ttl: dt.timedelta,
        wait: dt.timedelta = dt.timedelta(0),
    ) -> Lease:
        """Take the tenant's lease (see :class:`~hubqbo.protocols.StateStore`)."""
        if not holder:
            raise ValueError("a lease holder id must not be empty")
        if ttl <= dt.timedelta(0):
            raise ValueError("a lease ttl must be positive")
        waited = 0.0
        while True:
            try:
                lease, held = self._try_acquire(tenant, holder, ttl)
            except Exception as exc:
                if not self._is_unique_violation(exc):  # two first-ever acquirers raced
                    raise
                continue
            if lease is not None:
                return lease
            assert held is not None
            if waited >= wait.total_seconds():
                raise held
            self._sleep(_POLL)
            waited += _POLL

    def _try_acquire(
        self, tenant: str, holder: str, ttl: dt.timedelta
    ) -> tuple[Lease | None, LeaseHeld | None]:
        with self._write() as tx:
            self._require_tenant(tx, tenant)
            now = self._now()
            row = tx.one(
                "SELECT holder, epoch, acquired_at, expires_at FROM hubqbo_leases "
                f"WHERE tenant = ?{self._for_update}",
                (tenant,),
            )
            expires = now + ttl
            if row is None:
                tx.run(
                    "INSERT INTO hubqbo_leases (tenant, holder, epoch, acquired_at, expires_at) "
                    "VALUES (?, ?, 1, ?, ?)",
                    (tenant, holder, self._ts(now), self._ts(expires)),
                )
                return Lease(tenant, holder, 1, now, expires), None
            current, epoch, acquired, until = row[0], row[1], self._dt(row[2]), self._dt(row[3])
            if current == holder:
                tx.run(
                    "UPDATE hubqbo_leases SET expires_at = ? WHERE tenant = ?",
                    (self._ts(expires), tenant),
                )
                return Lease(tenant, holder, epoch, acquired, expires), None
            if current is None or until <= now:
                tx.run(
                    "UPDATE hubqbo_leases SET holder = ?, epoch = ?, acquired_at = ?, "
                    "expires_at = ? WHERE tenant = ?",
                    (holder, epoch + 1, self._ts(now), self._ts(expires), tenant),
                )
                if current is not None:
                    logger.warning(
                        "tenant %s: lease of %s (epoch %s) expired; taken over by %s",
                        tenant,
                        current,
                        epoch,
                        holder,
                    )
                return Lease(tenant, holder, epoch + 1, now, expires), None
            return None, LeaseHeld(tenant, current, until)

    def renew_lease(self, lease: Lease, *, ttl: dt.timedelta) -> Lease:
        """Extend the lease to now + ``ttl`` (same epoch), or ``LeaseLost``."""
        with self._write() as tx:
            self._fence(tx, lease)
            expires = self._now() + ttl
            tx.run(
                "UPDATE hubqbo_leases SET expires_at = ? WHERE tenant = ?",
                (self._ts(expires), lease.tenant),
            )
        return attrs.evolve(lease, expires_at=expires)

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up (no-op when it was taken over meanwhile)."""
        with self._write() as tx:
            tx.run(
                "UPDATE hubqbo_leases SET holder = NULL, expires_at = ? "
                "WHERE tenant = ? AND holder = ? AND epoch = ?",
                (self._ts(self._now()), lease.tenant, lease.holder, lease.epoch),
            )

    def current_lease(self, tenant: str) -> Lease | None:
        """The tenant's lease as stored (``None`` when never taken or released)."""
        with self._read() as tx:
            row = tx.one(
                "SELECT holder, epoch, acquired_at, expires_at FROM hubqbo_leases "
                "WHERE tenant = ? AND holder IS NOT NULL",
                (tenant,),
            )
        if row is None:
            return None
        return Lease(tenant, row[0], row[1], self._dt(row[2]), self._dt(row[3]))

    # ---------------------------------------------------------------- runs

    def _run(self, row: Sequence[Any]) -> Run:
        return Run(
            run_id=row[0],
            tenant=row[1],
            kind=row[2],
            holder=row[3],
            epoch=row[4],
            status=RunStatus(row[5]),
            started_at=self._dt(row[6]),
            ended_at=self._odt(row[7]),
            counts=json.loads(row[8] or "{}"),
            error=row[9],
            mapping_version=row[10],
        )

    def start_run(
        self, lease: Lease, kind: str = "sync", *, mapping_version: str | None = None
    ) -> Run:
        """Open a run under ``lease`` (at most one open run per tenant), recording the
        mapping sets it uses (``mapping_version``)."""
        with self._write() as tx:
            self._fence(tx, lease)
            now = self._now()
            row = tx.one(
                "SELECT run_id, epoch FROM hubqbo_runs WHERE tenant = ? AND status = 'open'",
                (lease.tenant,),
            )
            if row is not None:
                if row[1] >= lease.epoch:
                    raise RunAlreadyOpen(
                        f"tenant {lease.tenant!r} already has an open run {row[0]} under this "
                        "lease: finish it first"
                    )
                tx.run(
                    "UPDATE hubqbo_runs SET status = 'abandoned', ended_at = ?, error = ? "
                    "WHERE run_id = ?",
                    (
                        self._ts(now),
                        f"lease taken over by {lease.holder} (epoch {lease.epoch})",
                        row[0],
                    ),
                )
            run = Run(
                run_id=str(uuid.uuid4()),
                tenant=lease.tenant,
                kind=kind,
                holder=lease.holder,
                epoch=lease.epoch,
                status=RunStatus.OPEN,
                started_at=now,
                mapping_version=mapping_version,
            )
            try:
                tx.run(
                    f"INSERT INTO hubqbo_runs ({_RUN_COLS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        run.run_id,
                        run.tenant,
                        kind,
                        run.holder,
                        run.epoch,
                        "open",
                        self._ts(now),
                        None,
                        "{}",
                        None,
                        mapping_version,
                    ),
                )
            except Exception as exc:
                if self._is_unique_violation(exc):
                    raise RunAlreadyOpen(
                        f"tenant {lease.tenant!r} already has an open run"
                    ) from exc
                raise
        return run

    def finish_run(
        self,
        lease: Lease,
        run_id: str,
        *,
        status: RunStatus,
        counts: Mapping[str, int] | None = None,
        error: str | None = None,
    ) -> Run:
        """Close the run with its final status, counts and error."""
        status = RunStatus(status)
        if status is RunStatus.OPEN:
            raise ValueError("finish_run needs a final status (succeeded, failed, abandoned)")
        with self._write() as tx:
            self._fence(tx, lease)
            changed = tx.run(
                "UPDATE hubqbo_runs SET status = ?, ended_at = ?, counts = ?, error = ? "
                "WHERE run_id = ? AND tenant = ? AND status = 'open'",
                (
                    status.value,
                    self._ts(self._now()),
                    json.dumps(dict(sorted((counts or {}).items()))),
                    error,
                    run_id,
                    lease.tenant,
                ),
            )
            if not changed:
                raise InvalidTransition(f"run {run_id} of {lease.tenant!r} is not open")
            row = tx.one(f"SELECT {_RUN_COLS} FROM hubqbo_runs WHERE run_id = ?", (run_id,))
        assert row is not None
        return self._run(row)

    def open_run(self, tenant: str) -> Run | None:
        """The tenant's open run, if any."""
        with self._read() as tx:
            row = tx.one(
                f"SELECT {_RUN_COLS} FROM hubqbo_runs WHERE tenant = ? AND status = 'open'",
                (tenant,),
            )
        return None if row is None else self._run(row)

    def runs(self, tenant: str, *, limit: int = 20) -> list[Run]:
        """The tenant's runs, newest first."""
        with self._read() as tx:
            rows = tx.all(
                f"SELECT {_RUN_COLS} FROM hubqbo_runs WHERE tenant = ? "
                "ORDER BY started_at DESC, run_id LIMIT ?",
                (tenant, int(limit)),
            )
        return [self._run(r) for r in rows]

    # ---------------------------------------------------------------- journal

    def _op(self, row: Sequence[Any]) -> Operation:
        return Operation(
            op_id=row[0],
            kind=row[1],
            source_id=row[2],
            source_version=row[3],
            action=row[4],
            target=row[5],
            payload=row[6],
            state=OperationState(row[7]),
            attempts=row[8],
            remote_id=row[9],
            error=row[10],
            run_id=row[11],
            created_at=self._dt(row[12]),
            updated_at=self._dt(row[13]),
        )

    def _ops(self, tx: Tx, tenant: str, op_ids: Sequence[str]) -> dict[str, Operation]:
        found: dict[str, Operation] = {}
        for chunk in _chunks(op_ids):
            for row in tx.all(
                f"SELECT {_OP_COLS} FROM hubqbo_journal WHERE tenant = ? "
                f"AND op_id IN ({_marks(chunk)})",
                (tenant, *chunk),
            ):
                found[row[0]] = self._op(row)
        return found

    def journal(
        self, lease: Lease, operations: Sequence[Operation], *, begin: bool = False
    ) -> list[Operation]:
        """Record planned operations; existing ids are kept as they are. With ``begin``, the
        non-final ones also move to ``in_flight`` in the same transaction."""
        for op in operations:
            _check_op(op)
        ids = list(dict.fromkeys(op.op_id for op in operations))
        with self._write() as tx:
            self._fence(tx, lease)
            when = self._now()
            now = self._ts(when)
            known = self._ops(tx, lease.tenant, ids)
            fresh: dict[str, Operation] = {}
            for op in operations:
                if op.op_id not in known and op.op_id not in fresh:
                    fresh[op.op_id] = op
            # new operations of a batch sent right away are stored in flight at once
            state = OperationState.IN_FLIGHT if begin else OperationState.PLANNED
            attempts = 1 if begin else 0
            tx.many(
                f"INSERT INTO hubqbo_journal (tenant, {_OP_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
                [
                    (
                        lease.tenant,
                        op.op_id,
                        op.kind,
                        op.source_id,
                        op.source_version,
                        op.action,
                        op.target,
                        op.payload,
                        state.value,
                        attempts,
                        op.run_id,
                        now,
                        now,
                    )
                    for op in fresh.values()
                ],
            )
            # the rows as stored, without reading them again
            stored = dict(known)
            for op_id, op in fresh.items():
                stored[op_id] = _as_stored(
                    op, state, attempts, created=when, updated=when, fresh=True
                )
            if begin:
                todo = {i: known[i] for i in ids if i in known and not known[i].state.final}
                stored.update(self._begin(tx, lease.tenant, todo, when))
        return [stored[i] for i in ids]

    def _begin(
        self, tx: Tx, tenant: str, current: Mapping[str, Operation | None], when: dt.datetime
    ) -> dict[str, Operation]:
        """Move the operations (as read in this transaction) to in_flight; the new rows."""
        moved: dict[str, Operation] = {}
        if not current:
            return moved
        for op_id, op in current.items():
            _check_move(op_id, op, OperationState.IN_FLIGHT)
            assert op is not None
            moved[op_id] = _as_stored(
                op,
                OperationState.IN_FLIGHT,
                op.attempts + 1,
                created=op.created_at,
                updated=when,
                fresh=False,
            )
        tx.many(
            "UPDATE hubqbo_journal SET state = 'in_flight', attempts = attempts + 1, "
            "updated_at = ? WHERE tenant = ? AND op_id = ?",
            [(self._ts(when), tenant, op_id) for op_id in current],
        )
        return moved

    def begin_operations(self, lease: Lease, op_ids: Sequence[str]) -> list[Operation]:
        """Move operations to ``in_flight`` (attempts + 1) before the provider call."""
        ids = list(dict.fromkeys(op_ids))
        with self._write() as tx:
            self._fence(tx, lease)
            known = self._ops(tx, lease.tenant, ids)
            stored = self._begin(tx, lease.tenant, {i: known.get(i) for i in ids}, self._now())
        return [stored[i] for i in ids]

    def commit(self, lease: Lease, change: StateChange) -> None:
        """Store one batch's outcomes, links, cursors, events, … in ONE transaction.

        The first try writes without reading first, and counts what each statement changed;
        anything refused (an outcome whose operation is not in a state it may leave, a link
        whose record is linked elsewhere) rolls it back, and a second, careful try reads first
        to raise the precise error (or stores the change, had it been a race).
        """
        try:
            self._commit(lease, change, careful=False)
        except _Refused:
            self._commit(lease, change, careful=True)
        except Exception as exc:
            if not self._is_unique_violation(exc):
                raise
            self._commit(lease, change, careful=True)

    def _commit(self, lease: Lease, change: StateChange, *, careful: bool) -> None:
        with self._write() as tx:
            self._fence(tx, lease)
            now = self._now()
            self._outcomes(tx, lease.tenant, change.outcomes, self._ts(now), careful=careful)
            self._unlink(tx, lease.tenant, change)
            self._links(tx, lease.tenant, change.links, now, careful=careful)
            self._cursors(tx, lease.tenant, change.cursors, now)
            self._events(tx, lease.tenant, change.events, now)
            self._conflicts(tx, lease.tenant, change.conflicts, now)
            self._clear(tx, lease.tenant, change.cleared)
            self._tallies(tx, lease.tenant, change, now)

    def _outcomes(
        self,
        tx: Tx,
        tenant: str,
        outcomes: Sequence[OperationOutcome],
        now: Any,
        *,
        careful: bool,
    ) -> None:
        if not outcomes:
            return
        for outcome in outcomes:
            if OperationState(outcome.state) is OperationState.IN_FLIGHT:
                raise InvalidTransition("use begin_operations to move operations to in_flight")
        if not careful:
            # each row moves only from a state allowed to become its outcome's; with a server
            # (round trips), one UPDATE per chunk when every operation appears once; else one
            # per outcome, in order (in-process SQLite runs those faster)
            rows = [
                (
                    o.op_id,
                    OperationState(o.state).value,
                    o.remote_id,
                    o.error,
                    *_SOURCES[OperationState(o.state)],
                )
                for o in outcomes
            ]
            if self._one_update and len({o.op_id for o in outcomes}) == len(outcomes):
                changed = 0
                for chunk in _chunks(rows, 200):
                    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                    changed += tx.run(
                        "WITH v (op_id, state, remote_id, error, s1, s2, s3) AS "
                        f"(VALUES {values}) "
                        "UPDATE hubqbo_journal SET state = v.state, "
                        "remote_id = COALESCE(v.remote_id, hubqbo_journal.remote_id), "
                        "error = CASE WHEN v.state = 'applied' THEN NULL "
                        "ELSE COALESCE(v.error, hubqbo_journal.error) END, updated_at = ? FROM v "
                        "WHERE hubqbo_journal.tenant = ? AND hubqbo_journal.op_id = v.op_id "
                        "AND hubqbo_journal.state IN (v.s1, v.s2, v.s3)",
                        (*[v for row in chunk for v in row], now, tenant),
                    )
            else:
                changed = tx.many(
                    f"{_SET_OUTCOME} AND state IN (?, ?, ?)",
                    [(r[1], r[2], r[1], r[3], now, tenant, r[0], *r[4:]) for r in rows],
                )
            if changed != len(outcomes):
                raise _Refused
            return
        states: dict[str, OperationState] = {}
        for chunk in _chunks([o.op_id for o in outcomes]):
            for op_id, state in tx.all(
                "SELECT op_id, state FROM hubqbo_journal WHERE tenant = ? "
                f"AND op_id IN ({_marks(chunk)})",
                (tenant, *chunk),
            ):
                states[op_id] = OperationState(state)
        for outcome in outcomes:
            state = OperationState(outcome.state)
            _check_state_move(outcome.op_id, states.get(outcome.op_id), state)
            states[outcome.op_id] = state
        tx.many(
            _SET_OUTCOME,
            [
                (
                    OperationState(o.state).value,
                    o.remote_id,
                    OperationState(o.state).value,
                    o.error,
                    now,
                    tenant,
                    o.op_id,
                )
                for o in outcomes
            ],
        )

    def _unlink(self, tx: Tx, tenant: str, change: StateChange) -> None:
        tx.many(
            "DELETE FROM hubqbo_links WHERE tenant = ? AND kind = ? AND qbo_id = ?",
            [(tenant, ref.kind, ref.qbo_id) for ref in change.unlinks],
        )

    def _links(
        self, tx: Tx, tenant: str, links: Sequence[Link], now: dt.datetime, *, careful: bool
    ) -> None:
        if not links:
            return
        by_qbo: dict[tuple[str, str], str] = {}
        by_hs: dict[tuple[str, str], str] = {}
        for link in links:
            _check_link(link)
            for index, key, other in (
                (by_qbo, (link.kind, link.qbo_id), link.hubspot_id),
                (by_hs, (link.kind, link.hubspot_id), link.qbo_id),
            ):
                if index.setdefault(key, other) != other:
                    raise LinkConflict(
                        f"the batch links {link.kind} {key[1]} to two records ({index[key]} and "
                        f"{other}); nothing was stored"
                    )
        for kind in sorted({link.kind for link in links}) if careful else ():
            qbo_ids = [q for (k, q) in by_qbo if k == kind]
            hs_ids = [h for (k, h) in by_hs if k == kind]
            for qbo_id, hubspot_id in self._existing_pairs(tx, tenant, kind, qbo_ids, hs_ids):
                if by_qbo.get((kind, qbo_id), hubspot_id) != hubspot_id:
                    raise LinkConflict(
                        f"{kind} QBO {qbo_id} is already linked to HubSpot {hubspot_id}, not "
                        f"{by_qbo[(kind, qbo_id)]}: unlink it first (StateChange.unlinks); "
                        "nothing was stored"
                    )
                if by_hs.get((kind, hubspot_id), qbo_id) != qbo_id:
                    raise LinkConflict(
                        f"{kind} HubSpot {hubspot_id} is already linked to QBO {qbo_id}, not "
                        f"{by_hs[(kind, hubspot_id)]}: unlink it first (StateChange.unlinks); "
                        "nothing was stored"
                    )
        stamp = self._ts(now)
        unique = list({(link.kind, link.qbo_id): link for link in links}.values())
        try:
            # an existing link of the QBO record is updated only if it names the same HubSpot
            # record (else: not counted, refused); the HubSpot side's unique index does the rest
            changed = tx.many(
                f"INSERT INTO hubqbo_links (tenant, {_LINK_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (tenant, kind, qbo_id) DO UPDATE SET "
                "qbo_sync_token = excluded.qbo_sync_token, "
                "hubspot_updated_at = excluded.hubspot_updated_at, base = excluded.base, "
                "base_hash = excluded.base_hash, updated_at = excluded.updated_at "
                "WHERE hubqbo_links.hubspot_id = excluded.hubspot_id",
                [
                    (
                        tenant,
                        link.kind,
                        link.qbo_id,
                        link.hubspot_id,
                        link.qbo_sync_token,
                        self._ots(link.hubspot_updated_at),
                        link.base,
                        link.base_hash,
                        stamp,
                    )
                    for link in unique
                ],
            )
        except Exception as exc:
            if careful and self._is_unique_violation(exc):  # a race outside the lease
                raise LinkConflict(f"a record of the batch is already linked: {exc}") from exc
            raise
        if changed != len(unique):
            if careful:  # pragma: no cover - the careful check above finds it first
                raise LinkConflict("a record of the batch is already linked elsewhere")
            raise _Refused

    def _existing_pairs(
        self, tx: Tx, tenant: str, kind: str, qbo_ids: Sequence[str], hs_ids: Sequence[str]
    ) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for column, ids in (("qbo_id", qbo_ids), ("hubspot_id", hs_ids)):
            for chunk in _chunks(ids):
                pairs.extend(
                    (r[0], r[1])
                    for r in tx.all(
                        "SELECT qbo_id, hubspot_id FROM hubqbo_links WHERE tenant = ? "
                        f"AND kind = ? AND {column} IN ({_marks(chunk)})",
                        (tenant, kind, *chunk),
                    )
                )
        return pairs

    def _cursors(self, tx: Tx, tenant: str, cursors: Sequence[Cursor], now: dt.datetime) -> None:
        tx.many(
            "INSERT INTO hubqbo_cursors (tenant, stream, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (tenant, stream) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            # one row per stream (the last value wins): one statement may not update a row twice
            [
                (tenant, c.stream, c.value, self._ts(now))
                for c in {c.stream: c for c in cursors}.values()
            ],
        )

    def _events(self, tx: Tx, tenant: str, events: Sequence[OutboxEvent], now: dt.datetime) -> None:
        tx.many(
            "INSERT INTO hubqbo_outbox (tenant, event_id, type, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, event_id) DO NOTHING",
            [(tenant, e.event_id, e.type, e.payload, self._ts(now)) for e in events],
        )

    def _conflicts(
        self, tx: Tx, tenant: str, conflicts: Sequence[Conflict], now: dt.datetime
    ) -> None:
        tx.many(
            f"INSERT INTO hubqbo_conflicts (tenant, {_CONFLICT_COLS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL) "
            "ON CONFLICT (tenant, conflict_id) DO NOTHING",
            [
                (
                    tenant,
                    c.conflict_id,
                    c.kind,
                    c.qbo_id,
                    c.hubspot_id,
                    c.field,
                    c.base,
                    c.qbo_value,
                    c.hubspot_value,
                    self._ts(c.detected_at or now),
                )
                for c in conflicts
            ],
        )

    def _clear(self, tx: Tx, tenant: str, cleared: Sequence[DirtyRecord]) -> None:
        tx.many(
            "DELETE FROM hubqbo_dirty WHERE tenant = ? AND side = ? AND kind = ? "
            "AND record_id = ? AND version = ?",
            [(tenant, d.side, d.kind, d.record_id, d.version) for d in cleared],
        )

    def _tallies(self, tx: Tx, tenant: str, change: StateChange, now: dt.datetime) -> None:
        stamp = self._ts(now)
        tx.many(
            f"INSERT INTO hubqbo_mapping_status (tenant, {_STATUS_COLS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (tenant, hubspot_object, qbo_object, version, mapping) DO UPDATE SET "
            "written = hubqbo_mapping_status.written + excluded.written, "
            "refused = hubqbo_mapping_status.refused + excluded.refused, "
            "last_refusal = COALESCE(excluded.last_refusal, hubqbo_mapping_status.last_refusal), "
            "last_refusal_at = COALESCE(excluded.last_refusal_at, "
            "hubqbo_mapping_status.last_refusal_at), "
            "last_success_at = COALESCE(excluded.last_success_at, "
            "hubqbo_mapping_status.last_success_at)",
            [
                (
                    tenant,
                    t.hubspot_object,
                    t.qbo_object,
                    t.version,
                    t.mapping,
                    t.written,
                    t.refused,
                    t.refusal if t.refused else None,
                    stamp if t.refused else None,
                    stamp if t.written else None,
                )
                for t in _summed(change.tallies)
            ],
        )

    def operation(self, tenant: str, op_id: str) -> Operation | None:
        """One operation, if journalled."""
        with self._read() as tx:
            return self._ops(tx, tenant, [op_id]).get(op_id)

    def operations(
        self,
        tenant: str,
        *,
        states: Sequence[OperationState] = (),
        kind: str | None = None,
        source_id: str | None = None,
        limit: int | None = None,
    ) -> list[Operation]:
        """Operations matching the filters, oldest first."""
        where, params = ["tenant = ?"], [tenant]
        if states:
            where.append(f"state IN ({_marks(states)})")
            params.extend(OperationState(s).value for s in states)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        if source_id is not None:
            where.append("source_id = ?")
            params.append(source_id)
        sql = f"SELECT {_OP_COLS} FROM hubqbo_journal WHERE {' AND '.join(where)} ORDER BY seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._read() as tx:
            return [self._op(r) for r in tx.all(sql, params)]

    def prune_journal(self, tenant: str, *, older_than: dt.datetime) -> int:
        """Delete the tenant's final operations (applied or skipped) last changed before
        ``older_than``; planned, in-flight and failed ones are always kept. Returns how many
        were deleted."""
        if older_than.tzinfo is None:
            raise ValueError("older_than must be timezone-aware")
        with self._write() as tx:
            return tx.run(
                "DELETE FROM hubqbo_journal WHERE tenant = ? AND state IN ('applied', 'skipped') "
                "AND updated_at < ?",
                (tenant, self._ts(older_than)),
            )

    # ---------------------------------------------------------------- links and cursors

    def _link(self, row: Sequence[Any]) -> Link:
        return Link(
            kind=row[0],
            qbo_id=row[1],
            hubspot_id=row[2],
            qbo_sync_token=row[3],
            hubspot_updated_at=self._odt(row[4]),
            base=row[5],
            base_hash=row[6],
            updated_at=self._dt(row[7]),
        )

    def link(
        self, tenant: str, kind: str, *, qbo_id: str | None = None, hubspot_id: str | None = None
    ) -> Link | None:
        """The link of one record, by its QBO id or its HubSpot id (exactly one)."""
        if (qbo_id is None) == (hubspot_id is None):
            raise ValueError("give exactly one of qbo_id and hubspot_id")
        found = self.links(
            tenant,
            kind,
            qbo_ids=None if qbo_id is None else [qbo_id],
            hubspot_ids=None if hubspot_id is None else [hubspot_id],
        )
        return found[0] if found else None

    def links(
        self,
        tenant: str,
        kind: str,
        *,
        qbo_ids: Sequence[str] | None = None,
        hubspot_ids: Sequence[str] | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[Link]:
        """Links of ``kind``: of the given ids (either side), or all, by QBO id; without ids,
        ``after`` / ``limit`` read them a page at a time (keyset paging on the QBO id)."""
        base = f"SELECT {_LINK_COLS} FROM hubqbo_links WHERE tenant = ? AND kind = ?"
        with self._read() as tx:
            if qbo_ids is None and hubspot_ids is None:
                sql, params = base, [tenant, kind]
                if after is not None:
                    sql += " AND qbo_id > ?"
                    params.append(after)
                sql += " ORDER BY qbo_id"
                if limit is not None:
                    sql += f" LIMIT {int(limit)}"
                rows = tx.all(sql, tuple(params))
                return [self._link(r) for r in rows]
            found: dict[str, Link] = {}
            for column, ids in (("qbo_id", qbo_ids or ()), ("hubspot_id", hubspot_ids or ())):
                for chunk in _chunks(list(ids)):
                    for row in tx.all(
                        f"{base} AND {column} IN ({_marks(chunk)})", (tenant, kind, *chunk)
                    ):
                        found[row[1]] = self._link(row)
        return [found[k] for k in sorted(found)]

    def cursor(self, tenant: str, stream: str) -> Cursor | None:
        """One stream's cursor, if any."""
        with self._read() as tx:
            row = tx.one(
                "SELECT stream, value, updated_at FROM hubqbo_cursors "
                "WHERE tenant = ? AND stream = ?",
                (tenant, stream),
            )
        return None if row is None else Cursor(row[0], row[1], self._dt(row[2]))

    def cursors(self, tenant: str) -> list[Cursor]:
        """Every cursor of the tenant, by stream."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT stream, value, updated_at FROM hubqbo_cursors WHERE tenant = ? "
                "ORDER BY stream",
                (tenant,),
            )
        return [Cursor(r[0], r[1], self._dt(r[2])) for r in rows]

    # ---------------------------------------------------------------- dirty inbox

    def mark_dirty(self, tenant: str, marks: Sequence[DirtyMark]) -> None:
        """Coalesce webhook reports into one row per record (no lease needed)."""
        merged: dict[tuple[str, str, str], list[Any]] = {}
        for mark in marks:
            key = (mark.side, mark.kind, mark.record_id)
            seen = mark.seen_at.astimezone(dt.timezone.utc)
            row = merged.setdefault(key, [seen, seen, 0])
            row[0], row[1], row[2] = min(row[0], seen), max(row[1], seen), row[2] + 1
        with self._write() as tx:
            self._require_tenant(tx, tenant)
            tx.many(
                "INSERT INTO hubqbo_dirty (tenant, side, kind, record_id, first_seen, last_seen, "
                "events, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (tenant, side, kind, record_id) DO UPDATE SET "
                "last_seen = CASE WHEN excluded.last_seen > hubqbo_dirty.last_seen "
                "THEN excluded.last_seen ELSE hubqbo_dirty.last_seen END, "
                "first_seen = CASE WHEN excluded.first_seen < hubqbo_dirty.first_seen "
                "THEN excluded.first_seen ELSE hubqbo_dirty.first_seen END, "
                "events = hubqbo_dirty.events + excluded.events, "
                "version = hubqbo_dirty.version + 1",
                [
                    (tenant, *key, self._ts(first), self._ts(last), count)
                    for key, (first, last, count) in sorted(merged.items())
                ],
            )

    def dirty(self, tenant: str, *, limit: int | None = None) -> list[DirtyRecord]:
        """Dirty records, longest-waiting first."""
        sql = (
            "SELECT side, kind, record_id, first_seen, last_seen, events, version "
            "FROM hubqbo_dirty WHERE tenant = ? ORDER BY first_seen, side, kind, record_id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._read() as tx:
            rows = tx.all(sql, (tenant,))
        return [
            DirtyRecord(r[0], r[1], r[2], self._dt(r[3]), self._dt(r[4]), r[5], r[6]) for r in rows
        ]

    # ---------------------------------------------------------------- outbox

    def pending_events(self, tenant: str, *, limit: int | None = None) -> list[OutboxEvent]:
        """Undelivered events, oldest first."""
        sql = (
            "SELECT event_id, type, payload, created_at, delivered_at FROM hubqbo_outbox "
            "WHERE tenant = ? AND delivered_at IS NULL ORDER BY seq"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._read() as tx:
            rows = tx.all(sql, (tenant,))
        return [OutboxEvent(r[0], r[1], r[2], self._dt(r[3]), None) for r in rows]

    def mark_delivered(self, tenant: str, event_ids: Sequence[str]) -> None:
        """Record that the handler took these events (idempotent)."""
        with self._write() as tx:
            tx.many(
                "UPDATE hubqbo_outbox SET delivered_at = ? WHERE tenant = ? AND event_id = ? "
                "AND delivered_at IS NULL",
                [(self._ts(self._now()), tenant, e) for e in dict.fromkeys(event_ids)],
            )

    # ---------------------------------------------------------------- conflicts

    def _conflict(self, row: Sequence[Any]) -> Conflict:
        return Conflict(
            conflict_id=row[0],
            kind=row[1],
            qbo_id=row[2],
            hubspot_id=row[3],
            field=row[4],
            base=row[5],
            qbo_value=row[6],
            hubspot_value=row[7],
            detected_at=self._dt(row[8]),
            resolved_at=self._odt(row[9]),
            resolution=row[10],
        )

    def conflicts(self, tenant: str, *, include_resolved: bool = False) -> list[Conflict]:
        """Open conflicts (or all), oldest first."""
        sql = f"SELECT {_CONFLICT_COLS} FROM hubqbo_conflicts WHERE tenant = ?"
        if not include_resolved:
            sql += " AND resolved_at IS NULL"
        with self._read() as tx:
            rows = tx.all(sql + " ORDER BY seq", (tenant,))
        return [self._conflict(r) for r in rows]

    def resolve_conflict(self, lease: Lease, conflict_id: str, resolution: str) -> None:
        """Mark a conflict resolved with ``resolution``."""
        with self._write() as tx:
            self._fence(tx, lease)
            changed = tx.run(
                "UPDATE hubqbo_conflicts SET resolved_at = ?, resolution = ? "
                "WHERE tenant = ? AND conflict_id = ?",
                (self._ts(self._now()), resolution, lease.tenant, conflict_id),
            )
            if not changed:
                raise InvalidTransition(f"no conflict {conflict_id!r} in tenant {lease.tenant!r}")

    # ---------------------------------------------------------------- mapping sets

    def save_mapping_set(
        self,
        tenant: str,
        hubspot_object: str,
        qbo_object: str,
        content: str,
        *,
        expected_version: int | None = None,
    ) -> StoredMappingSet:
        """Save ``content`` as the next version of the pair's mapping set."""
        try:
            with self._write() as tx:
                self._require_tenant(tx, tenant)
                tx.one(
                    f"SELECT name FROM hubqbo_tenants WHERE name = ?{self._for_update}", (tenant,)
                )
                row = tx.one(
                    "SELECT MAX(version) FROM hubqbo_mapping_sets WHERE tenant = ? "
                    "AND hubspot_object = ? AND qbo_object = ?",
                    (tenant, hubspot_object, qbo_object),
                )
                latest = (row[0] if row else None) or 0
                if expected_version is not None and expected_version != latest:
                    raise MappingSetVersionConflict(
                        f"the {hubspot_object}↔{qbo_object} mapping set of {tenant!r} is at "
                        f"version {latest}, not {expected_version}: re-read it and apply the "
                        "change again"
                    )
                now = self._now()
                tx.run(
                    "INSERT INTO hubqbo_mapping_sets (tenant, hubspot_object, qbo_object, "
                    "version, content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (tenant, hubspot_object, qbo_object, latest + 1, content, self._ts(now)),
                )
        except Exception as exc:
            if self._is_unique_violation(exc):
                raise MappingSetVersionConflict(
                    f"another writer saved the {hubspot_object}↔{qbo_object} mapping set of "
                    f"{tenant!r} at the same time: re-read it and apply the change again"
                ) from exc
            raise
        return StoredMappingSet(hubspot_object, qbo_object, latest + 1, content, now)

    def mapping_set(
        self, tenant: str, hubspot_object: str, qbo_object: str, *, version: int | None = None
    ) -> StoredMappingSet | None:
        """One version (default: the latest) of the pair's mapping set."""
        sql = (
            "SELECT hubspot_object, qbo_object, version, content, created_at "
            "FROM hubqbo_mapping_sets WHERE tenant = ? AND hubspot_object = ? AND qbo_object = ?"
        )
        params: list[Any] = [tenant, hubspot_object, qbo_object]
        if version is not None:
            sql += " AND version = ?"
            params.append(int(version))
        with self._read() as tx:
            row = tx.one(sql + " ORDER BY version DESC LIMIT 1", params)
        return None if row is None else self._mapping_set(row)

    def mapping_sets(self, tenant: str) -> list[StoredMappingSet]:
        """The latest version of every pair's mapping set."""
        with self._read() as tx:
            rows = tx.all(
                "SELECT m.hubspot_object, m.qbo_object, m.version, m.content, m.created_at "
                "FROM hubqbo_mapping_sets m WHERE m.tenant = ? AND m.version = ("
                "SELECT MAX(n.version) FROM hubqbo_mapping_sets n WHERE n.tenant = m.tenant "
                "AND n.hubspot_object = m.hubspot_object AND n.qbo_object = m.qbo_object) "
                "ORDER BY m.hubspot_object, m.qbo_object",
                (tenant,),
            )
        return [self._mapping_set(r) for r in rows]

    def _mapping_set(self, row: Sequence[Any]) -> StoredMappingSet:
        return StoredMappingSet(row[0], row[1], row[2], row[3], self._dt(row[4]))

    def _status(self, row: Sequence[Any]) -> MappingStatus:
        return MappingStatus(
            hubspot_object=row[0],
            qbo_object=row[1],
            version=row[2],
            mapping=row[3],
            written=row[4],
            refused=row[5],
            last_refusal=row[6],
            last_refusal_at=self._odt(row[7]),
            last_success_at=self._odt(row[8]),
        )

    def mapping_statuses(
        self, tenant: str, hubspot_object: str, qbo_object: str, *, version: int | None = None
    ) -> list[MappingStatus]:
        """Per-mapping status of one version (default: the latest), by mapping name."""
        if version is None:
            latest = self.mapping_set(tenant, hubspot_object, qbo_object)
            version = latest.version if latest else 0
        with self._read() as tx:
            rows = tx.all(
                f"SELECT {_STATUS_COLS} FROM hubqbo_mapping_status WHERE tenant = ? "
                "AND hubspot_object = ? AND qbo_object = ? AND version = ? ORDER BY mapping",
                (tenant, hubspot_object, qbo_object, int(version)),
            )
        return [self._status(r) for r in rows]

    # ---------------------------------------------------------------- whole tenant

    def export_tenant(self, tenant: str) -> TenantExport:
        """Everything stored for the tenant (one consistent snapshot)."""
        with self._read() as tx:
            row = tx.one(
                "SELECT name, hubspot_portal_id, qbo_realm_id, created_at FROM hubqbo_tenants "
                "WHERE name = ?",
                (tenant,),
            )
            if row is None:
                raise InvalidTenantName(f"tenant {tenant!r} is not registered in this store")
            t = (tenant,)
            return TenantExport(
                tenant=Tenant(row[0], row[1], row[2], self._dt(row[3])),
                links=[
                    self._link(r)
                    for r in tx.all(
                        f"SELECT {_LINK_COLS} FROM hubqbo_links WHERE tenant = ? "
                        "ORDER BY kind, qbo_id",
                        t,
                    )
                ],
                cursors=[
                    Cursor(r[0], r[1], self._dt(r[2]))
                    for r in tx.all(
                        "SELECT stream, value, updated_at FROM hubqbo_cursors WHERE tenant = ? "
                        "ORDER BY stream",
                        t,
                    )
                ],
                operations=[
                    self._op(r)
                    for r in tx.all(
                        f"SELECT {_OP_COLS} FROM hubqbo_journal WHERE tenant = ? ORDER BY seq", t
                    )
                ],
                dirty=[
                    DirtyRecord(r[0], r[1], r[2], self._dt(r[3]), self._dt(r[4]), r[5], r[6])
                    for r in tx.all(
                        "SELECT side, kind, record_id, first_seen, last_seen, events, version "
                        "FROM hubqbo_dirty WHERE tenant = ? ORDER BY side, kind, record_id",
                        t,
                    )
                ],
                runs=[
                    self._run(r)
                    for r in tx.all(
                        f"SELECT {_RUN_COLS} FROM hubqbo_runs WHERE tenant = ? "
                        "ORDER BY started_at, run_id",
                        t,
                    )
                ],
                events=[
                    OutboxEvent(r[0], r[1], r[2], self._dt(r[3]), self._odt(r[4]))
                    for r in tx.all(
                        "SELECT event_id, type, payload, created_at, delivered_at "
                        "FROM hubqbo_outbox WHERE tenant = ? ORDER BY seq",
                        t,
                    )
                ],
                conflicts=[
                    self._conflict(r)
                    for r in tx.all(
                        f"SELECT {_CONFLICT_COLS} FROM hubqbo_conflicts WHERE tenant = ? "
                        "ORDER BY seq",
                        t,
                    )
                ],
                mapping_sets=[
                    self._mapping_set(r)
                    for r in tx.all(
                        "SELECT hubspot_object, qbo_object, version, content, created_at "
                        "FROM hubqbo_mapping_sets WHERE tenant = ? "
                        "ORDER BY hubspot_object, qbo_object, version",
                        t,
                    )
                ],
                mapping_statuses=[
                    self._status(r)
                    for r in tx.all(
                        f"SELECT {_STATUS_COLS} FROM hubqbo_mapping_status WHERE tenant = ? "
                        "ORDER BY hubspot_object, qbo_object, version, mapping",
                        t,
                    )
                ],
            )

    def import_tenant(self, export: TenantExport) -> None:
        """Store an export as it is, into a store that has no state for the tenant."""
        t = export.tenant
        validate_tenant_name(t.name)
        with self._write() as tx:
            row = tx.one("SELECT 1 FROM hubqbo_tenants WHERE name = ?", (t.name,))
            if row is not None:
                raise TenantMismatch(
                    f"tenant {t.name!r} already exists in the destination store: import only "
                    "into a store without it (or remove it there first)"
                )
            now = self._now()
            n = t.name
            tx.run(
                "INSERT INTO hubqbo_tenants (name, hubspot_portal_id, qbo_realm_id, created_at) "
                "VALUES (?, ?, ?, ?)",
                (n, t.hubspot_portal_id, t.qbo_realm_id, self._ts(t.created_at or now)),
            )
            tx.many(
                f"INSERT INTO hubqbo_links (tenant, {_LINK_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        x.kind,
                        x.qbo_id,
                        x.hubspot_id,
                        x.qbo_sync_token,
                        self._ots(x.hubspot_updated_at),
                        x.base,
                        x.base_hash,
                        self._ts(x.updated_at or now),
                    )
                    for x in export.links
                ],
            )
            tx.many(
                "INSERT INTO hubqbo_cursors (tenant, stream, value, updated_at) "
                "VALUES (?, ?, ?, ?)",
                [(n, c.stream, c.value, self._ts(c.updated_at or now)) for c in export.cursors],
            )
            tx.many(
                f"INSERT INTO hubqbo_journal (tenant, {_OP_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        o.op_id,
                        o.kind,
                        o.source_id,
                        o.source_version,
                        o.action,
                        o.target,
                        o.payload,
                        OperationState(o.state).value,
                        o.attempts,
                        o.remote_id,
                        o.error,
                        o.run_id,
                        self._ts(o.created_at or now),
                        self._ts(o.updated_at or now),
                    )
                    for o in export.operations
                ],
            )
            tx.many(
                "INSERT INTO hubqbo_dirty (tenant, side, kind, record_id, first_seen, last_seen, "
                "events, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        d.side,
                        d.kind,
                        d.record_id,
                        self._ts(d.first_seen),
                        self._ts(d.last_seen),
                        d.events,
                        d.version,
                    )
                    for d in export.dirty
                ],
            )
            tx.many(
                f"INSERT INTO hubqbo_runs ({_RUN_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_moved_run(r, self, now) for r in export.runs],
            )
            tx.many(
                "INSERT INTO hubqbo_outbox (tenant, event_id, type, payload, created_at, "
                "delivered_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        e.event_id,
                        e.type,
                        e.payload,
                        self._ts(e.created_at or now),
                        self._ots(e.delivered_at),
                    )
                    for e in export.events
                ],
            )
            tx.many(
                f"INSERT INTO hubqbo_conflicts (tenant, {_CONFLICT_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        c.conflict_id,
                        c.kind,
                        c.qbo_id,
                        c.hubspot_id,
                        c.field,
                        c.base,
                        c.qbo_value,
                        c.hubspot_value,
                        self._ts(c.detected_at or now),
                        self._ots(c.resolved_at),
                        c.resolution,
                    )
                    for c in export.conflicts
                ],
            )
            tx.many(
                "INSERT INTO hubqbo_mapping_sets (tenant, hubspot_object, qbo_object, version, "
                "content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        m.hubspot_object,
                        m.qbo_object,
                        m.version,
                        m.content,
                        self._ts(m.created_at or now),
                    )
                    for m in export.mapping_sets
                ],
            )
            tx.many(
                f"INSERT INTO hubqbo_mapping_status (tenant, {_STATUS_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        n,
                        s.hubspot_object,
                        s.qbo_object,
                        s.version,
                        s.mapping,
                        s.written,
                        s.refused,
                        s.last_refusal,
                        self._ots(s.last_refusal_at),
                        self._ots(s.last_success_at),
                    )
                    for s in export.mapping_statuses
                ],
            )


def _moved_run(run: Run, store: SqlStateStore, now: dt.datetime) -> tuple[Any, ...]:
    """A run as imported: one still open in the source store is closed as abandoned (its
    lease does not move with it)."""
    status, ended, error = run.status, run.ended_at, run.error
    if status is RunStatus.OPEN:
        status, ended, error = RunStatus.ABANDONED, now, "moved to another store while open"
    return (
        run.run_id,
        run.tenant,
        run.kind,
        run.holder,
        run.epoch,
        status.value,
        store._ts(run.started_at),
        store._ots(ended),
        json.dumps(dict(run.counts)),
        error,
        run.mapping_version,
    )


def _as_stored(
    op: Operation,
    state: OperationState,
    attempts: int,
    *,
    created: dt.datetime | None,
    updated: dt.datetime,
    fresh: bool,
) -> Operation:
    """``op`` as the journal now holds it (cheaper than ``attrs.evolve`` per row); a fresh
    row has no remote id or error yet."""
    return Operation(
        op.op_id,
        op.kind,
        op.source_id,
        op.source_version,
        op.action,
        op.target,
        op.payload,
        state,
        attempts,
        None if fresh else op.remote_id,
        None if fresh else op.error,
        op.run_id,
        created,
        updated,
    )


class _Refused(Exception):
    """The fast try of a commit found something refused: retry carefully for the error."""


def _sources(to: OperationState) -> tuple[str, str, str]:
    """The states an operation may move to ``to`` from, padded to three with a non-state."""
    found = sorted(s.value for s, targets in OPERATION_TRANSITIONS.items() if to in targets)
    padded = [*found, "-", "-", "-"]
    return padded[0], padded[1], padded[2]


_SOURCES = {to: _sources(to) for to in OperationState}
"""Per target state, the states an operation may move to it from (padded to three)."""


def _summed(tallies: Sequence[MappingTally]) -> list[MappingTally]:
    """One tally per mapping (a batch may report one mapping twice): counts added, the last
    refusal kept."""
    out: dict[tuple[str, str, int, str], MappingTally] = {}
    for t in tallies:
        key = (t.hubspot_object, t.qbo_object, t.version, t.mapping)
        seen = out.get(key)
        if seen is None:
            out[key] = t
            continue
        out[key] = MappingTally(
            *key,
            written=seen.written + t.written,
            refused=seen.refused + t.refused,
            refusal=t.refusal if t.refused else seen.refusal,
        )
    return list(out.values())


def _check_op(op: Operation) -> None:
    if not op.op_id or len(op.op_id) > _MAX_OP_ID:
        raise ValueError(
            f"an operation id must be 1..{_MAX_OP_ID} characters (it is the provider's "
            f"idempotency key), got {op.op_id!r}"
        )
    for name in ("kind", "source_id", "action", "target"):  # a version may be ""
        if not getattr(op, name):
            raise ValueError(f"operation {op.op_id}: {name} must not be empty")


def _check_move(op_id: str, op: Operation | None, to: OperationState) -> None:
    _check_state_move(op_id, None if op is None else op.state, to)


def _check_state_move(op_id: str, state: OperationState | None, to: OperationState) -> None:
    if state is None:
        raise InvalidTransition(f"operation {op_id} is not in the journal; nothing was stored")
    if to not in OPERATION_TRANSITIONS[state]:
        raise InvalidTransition(
            f"operation {op_id} is {state.value} and cannot become {to.value}; nothing was stored"
        )


def _check_link(link: Link) -> None:
    if not (link.kind and link.qbo_id and link.hubspot_id):
        raise ValueError(f"a link needs a kind, a QBO id and a HubSpot id: {link!r}")
