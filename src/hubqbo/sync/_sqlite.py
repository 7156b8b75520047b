"""SQLiteStateStore: the embedded default — a file, nothing to install or start.

Why these settings: WAL lets readers run beside the one writer; every write transaction starts
with ``BEGIN IMMEDIATE`` so two processes never both read-then-write (the second waits up to
``busy_timeout`` for the lock instead of failing half-way); ``synchronous=NORMAL`` in WAL mode
keeps every commit safe from a process crash (a SIGKILL loses nothing committed) and makes
commits cheap; ``FULL`` also survives power loss, at one fsync per commit.
"""

# S608: SQL text is assembled only from module constants and "?" placeholder lists; every
# value is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from hubqbo.clock import SYSTEM_CLOCK, Clock, real_sleep
from hubqbo.errors import SchemaTooNew, StateStoreError, StoreNotUsable
from hubqbo.sync._migrations import VERSION_TABLE, Migration, migrations, statements
from hubqbo.sync._sql import SqlStateStore

__all__ = ["APPLICATION_ID", "SQLiteStateStore", "default_state_path"]

APPLICATION_ID = 0x48514230
"""``PRAGMA application_id`` of a hubqbo state store file (``"HQB0"``)."""

_HEADER = b"SQLite format 3\x00"


def default_state_path() -> Path:
    """Where the state file lives by default: ``$HUBQBO_STATE``, else
    ``$XDG_DATA_HOME/hubqbo/state.sqlite3`` (``~/.local/share/hubqbo/state.sqlite3``).

    Example:
        >>> default_state_path().name.endswith(".sqlite3")
        True
    """
    explicit = os.environ.get("HUBQBO_STATE")
    if explicit:
        return Path(explicit).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return Path(data) / "hubqbo" / "state.sqlite3"


class _SQLiteTx:
    def __init__(self, cur: sqlite3.Cursor) -> None:
        self._cur = cur

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._cur.execute(sql, tuple(params)).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._cur.execute(sql, tuple(params)).fetchone()
        return row

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._cur.execute(sql, tuple(params)).rowcount

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        return self._cur.executemany(sql, rows).rowcount


class SQLiteStateStore(SqlStateStore):
    """The durable sync state in one SQLite file (or ``":memory:"``).

    Safe for several processes on one machine (not on a network file system). Opening a file
    creates or migrates the schema; a file that is not a hubqbo store, is corrupt, or was
    written by a newer hubqbo is refused with a typed error and left unchanged.

    Args:
        path: the file (parents are created), or ``":memory:"`` for a private in-memory store.
        clock: the store's time (leases, stamps); injectable for tests.
        sleep: how ``acquire_lease(wait=...)`` waits between polls.
        busy_timeout: seconds a writer waits for another process's transaction.
        synchronous: ``"NORMAL"`` (default; crash-safe) or ``"FULL"`` (also power-loss-safe).

    Example:
        >>> import datetime as dt
        >>> from hubqbo import Cursor, Link, Operation, OperationOutcome, OperationState
        >>> from hubqbo import StateChange
        >>> store = SQLiteStateStore(":memory:")
        >>> _ = store.connect_tenant("acme", hubspot_portal_id="4471", qbo_realm_id="9130")
        >>> lease = store.acquire_lease("acme", "worker-1", ttl=dt.timedelta(minutes=5))
        >>> op = Operation.plan("acme", "customer", "501", "7", "create:Customer",
        ...                     target="quickbooks")
        >>> [o.state.value for o in store.journal(lease, [op], begin=True)]
        ['in_flight']
        >>> store.commit(lease, StateChange(
        ...     outcomes=[OperationOutcome(op.op_id, OperationState.APPLIED, remote_id="58")],
        ...     links=[Link("customer", "58", "501")],
        ...     cursors=[Cursor("hubspot:contacts", "2026-01-05T10:00:00+00:00")]))
        >>> store.link("acme", "customer", hubspot_id="501").qbo_id
        '58'
        >>> store.release_lease(lease)
        >>> store.close()
    """

    dialect = "sqlite"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock = SYSTEM_CLOCK,
        sleep: Callable[[float], None] = real_sleep,
        busy_timeout: float = 30.0,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
    ) -> None:
        super().__init__(clock=clock, sleep=sleep)
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError("synchronous must be 'NORMAL' or 'FULL'")
        self._memory = str(path) == ":memory:"
        self.path = str(path) if self._memory else str(Path(path).expanduser())
        self._lock = threading.RLock()
        if not self._memory:
            _check_header(Path(self.path))
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreNotUsable(f"cannot open the state store {self.path}: {exc}") from exc
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            with self._read() as tx:  # refuse before changing anything (WAL rewrites the header)
                self._check_ours(tx, migrations("sqlite"))
            if not self._memory:
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute(f"PRAGMA synchronous = {synchronous}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise _unusable(self.path, exc) from exc
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStateStore({self.path!r})"

    # ---------------------------------------------------------------- schema

    def _check_ours(self, tx: _SQLiteTx, known: tuple[Migration, ...]) -> bool:
        """Whether the file already is a hubqbo store; raises when it is not ours or newer."""
        tables = {
            r[0]
            for r in tx.all("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_")
        }
        if VERSION_TABLE not in tables:
            if tables:
                raise StoreNotUsable(
                    f"{self.path} is a SQLite database but not a hubqbo state store (it has "
                    f"tables {', '.join(sorted(tables)[:5])}): point SQLiteStateStore at "
                    "another file; nothing was changed"
                )
            return False
        app_id = tx.one("PRAGMA application_id")
        if app_id is not None and app_id[0] not in (0, APPLICATION_ID):
            raise StoreNotUsable(f"{self.path} is not a hubqbo state store (application id)")
        row = tx.one(f"SELECT MAX(version) FROM {VERSION_TABLE}")
        current = (row[0] if row else None) or 0
        if current > len(known):
            raise SchemaTooNew(current, len(known), self.path)
        return True

    def _migrate(self) -> None:
        known = migrations("sqlite")
        with self._write() as tx:
            if not self._check_ours(tx, known):
                tx.run(
                    f"CREATE TABLE {VERSION_TABLE} (version INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                tx.run(f"PRAGMA application_id = {APPLICATION_ID}")
            row = tx.one(f"SELECT MAX(version) FROM {VERSION_TABLE}")
            current = (row[0] if row else None) or 0
            for migration in known[current:]:
                for statement in statements(migration.sql):
                    tx.run(statement)
                tx.run(
                    f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, self._ts(self._now())),
                )

    def schema_version(self) -> int:
        """The schema version of the file."""
        with self._read() as tx:
            row = tx.one(f"SELECT MAX(version) FROM {VERSION_TABLE}")
        return int(row[0]) if row and row[0] else 0

    # ---------------------------------------------------------------- backend hooks

    @contextmanager
    def _tx(self, begin: str) -> Iterator[_SQLiteTx]:
        with self._lock:
            try:
                self._conn.execute(begin)
            except sqlite3.OperationalError as exc:
                raise _locked(self.path, exc) from exc
            except sqlite3.DatabaseError as exc:
                raise _unusable(self.path, exc) from exc
            cur = self._conn.cursor()
            try:
                yield _SQLiteTx(cur)
            except BaseException as exc:
                self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                    exc, (sqlite3.IntegrityError, sqlite3.OperationalError)
                ):
                    raise _unusable(self.path, exc) from exc
                if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                    raise _locked(self.path, exc) from exc
                raise
            else:
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.OperationalError as exc:
                    self._conn.execute("ROLLBACK")
                    raise _locked(self.path, exc) from exc
            finally:
                cur.close()

    def _write(self) -> Any:
        return self._tx("BEGIN IMMEDIATE")

    def _read(self) -> Any:
        return self._tx("BEGIN")

    def _ts(self, value: dt.datetime) -> str:
        if value.tzinfo is None:
            raise ValueError(f"datetime must be timezone-aware, got {value!r}")
        return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")

    def _dt(self, value: Any) -> dt.datetime:
        return dt.datetime.fromisoformat(value)

    def _is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "UNIQUE" in str(exc)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def _check_header(path: Path) -> None:
    """Refuse a non-empty file that is not a SQLite database, before SQLite touches it."""
    try:
        with path.open("rb") as f:
            head = f.read(len(_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreNotUsable(f"cannot read the state store {path}: {exc}") from exc
    if head and head != _HEADER:
        raise StoreNotUsable(
            f"{path} is not a SQLite database, so not a hubqbo state store: point "
            "SQLiteStateStore at another file; nothing was changed"
        )


def _unusable(path: str, exc: BaseException) -> StoreNotUsable:
    return StoreNotUsable(
        f"the state store {path} is corrupt or not a hubqbo store ({exc}): restore it from a "
        "backup or point SQLiteStateStore at another file; nothing was changed"
    )


def _locked(path: str, exc: BaseException) -> StateStoreError:
    return StateStoreError(
        f"the state store {path} stayed locked by another process longer than busy_timeout "
        f"({exc}); nothing was changed: retry, or find the process holding it"
    )
