"""PostgresStateStore: the state store for many processes on many machines.

Why psycopg 3 with psycopg-pool: the maintained PostgreSQL driver, with a thread-safe pool and
``executemany`` in pipeline mode (a batch of 100 rows costs about one round trip). Both are
imported only when a ``PostgresStateStore`` is made, so the core installs and runs without the
``postgres`` extra.

Locking: every sync-state write reads the tenant's lease row ``FOR UPDATE`` first (see
``_sql``), which serialises one tenant's writers and makes a take-over wait for a write in
progress. Migrations run under a transaction-scoped advisory lock, so processes starting at once
apply each file once. Tables carry a ``hubqbo_`` prefix, so a shared database is fine.
"""

# S608: SQL text is assembled only from module constants and "?" placeholder lists; every
# value is bound as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from hubqbo.clock import SYSTEM_CLOCK, Clock, real_sleep
from hubqbo.errors import SchemaTooNew, StoreConnectionError
from hubqbo.sync._migrations import VERSION_TABLE, migrations, statements
from hubqbo.sync._sql import SqlStateStore

__all__ = ["PostgresStateStore", "redact_dsn"]

_INSTALL = "PostgresStateStore needs psycopg 3 and psycopg-pool: pip install 'hubqbo[postgres]'"
_MIGRATION_LOCK = 0x48514230  # pg_advisory_xact_lock key for hubqbo migrations
_PASSWORD_KV = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def redact_dsn(dsn: str) -> str:
    """``dsn`` with any password replaced by ``***`` (URL or key=value form).

    Example:
        >>> redact_dsn("postgresql://app:s3cret@db.example:5432/hubqbo")
        'postgresql://app:***@db.example:5432/hubqbo'
        >>> redact_dsn("host=db user=app password=s3cret dbname=hubqbo")
        'host=db user=app password=*** dbname=hubqbo'
    """
    if "://" in dsn:
        parts = urlsplit(dsn)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, host = netloc.rsplit("@", 1)
            if ":" in userinfo:
                userinfo = userinfo.split(":", 1)[0] + ":***"
            netloc = f"{userinfo}@{host}"
        query = _PASSWORD_KV.sub(r"\1***", parts.query.replace("&", " ")).replace(" ", "&")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return _PASSWORD_KV.sub(r"\1***", dsn)


def _scrub(message: str, dsn: str) -> str:
    """An error message with the DSN's password (if it appears) removed."""
    password = None
    if "://" in dsn:
        password = urlsplit(dsn).password
    else:
        found = _PASSWORD_KV.search(dsn)
        password = found.group(2).strip("'") if found else None
    if password:
        message = message.replace(password, "***")
    return message.replace(dsn, redact_dsn(dsn))


_INSERT = re.compile(r"^INSERT INTO (hubqbo_\w+)")
_VALUES = re.compile(r"^(INSERT INTO .*? VALUES )(\([^()]*\))(.*)$", re.DOTALL)
_PLACEHOLDER = re.compile(r"\?")
_MAX_PARAMS = 60_000  # PostgreSQL takes at most 65,535 parameters per statement
_FIRST_ANALYZE = 500


class _PgTx:
    def __init__(self, cur: Any, sql: Callable[[str], str], grown: Counter[str]) -> None:
        self._cur = cur
        self._sql = sql
        self._grown = grown

    def _count(self, sql: str, rows: int) -> None:
        found = _INSERT.match(sql)
        if found:
            self._grown[found.group(1)] += rows

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cur.execute(self._sql(sql), tuple(params))
        return list(self._cur.fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        self._cur.execute(self._sql(sql), tuple(params))
        row: tuple[Any, ...] | None = self._cur.fetchone()
        return row

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._cur.execute(self._sql(sql), tuple(params))
        self._count(sql, 1)
        return int(self._cur.rowcount)

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        self._count(sql, len(rows))
        found = _VALUES.match(sql)
        if found is None:  # UPDATE / DELETE: one statement per row, pipelined
            self._cur.executemany(self._sql(sql), [tuple(r) for r in rows])
            return int(self._cur.rowcount)
        # INSERT: one multi-row statement per chunk (the callers send one row per key)
        head, row_sql, tail = found.group(1), found.group(2), found.group(3) or ""
        per = max(1, min(1000, _MAX_PARAMS // max(1, len(rows[0]))))
        changed = 0
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            statement = f"{head}{', '.join([row_sql] * len(chunk))}{tail}"
            self._cur.execute(self._sql(statement), [v for r in chunk for v in r])
            changed += int(self._cur.rowcount)
        return changed


class PostgresStateStore(SqlStateStore):
    """The durable sync state in a PostgreSQL database (tables prefixed ``hubqbo_``).

    Args:
        target: a DSN (``"postgresql://user:pass@host/db"`` or ``"host=… dbname=…"``), or a
            ``psycopg_pool.ConnectionPool`` you own (then ``close()`` leaves it open).
        clock: the store's time (leases, stamps).
        sleep: how ``acquire_lease(wait=...)`` waits between polls.
        max_size: the pool's size when made from a DSN.
        connect_timeout: seconds to wait for the server when connecting.

    Raises:
        StoreConnectionError: psycopg is not installed, or the server cannot be reached or
            refuses the credentials (the message shows the DSN with its password redacted).
        SchemaTooNew: the database was migrated by a newer hubqbo.

    Example:
        >>> PostgresStateStore("postgresql://app:s3cret@127.0.0.1:1/hubqbo",
        ...                    connect_timeout=1)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        hubqbo.errors.StoreConnectionError: ... postgresql://app:***@127.0.0.1:1/hubqbo: ...
    """

    dialect = "postgres"
    _for_update = " FOR UPDATE"
    _one_update = True

    def __init__(
        self,
        target: Any,
        *,
        clock: Clock = SYSTEM_CLOCK,
        sleep: Callable[[float], None] = real_sleep,
        max_size: int = 4,
        connect_timeout: float = 10.0,
    ) -> None:
        super().__init__(clock=clock, sleep=sleep)
        try:
            import psycopg
            import psycopg_pool
        except ImportError as exc:
            raise StoreConnectionError(_INSTALL) from exc
        self._psycopg = psycopg
        self._queries: dict[str, str] = {}
        self._grown: Counter[str] = Counter()
        self._analyze_at: dict[str, int] = {}
        self._analyzing = threading.Lock()
        if isinstance(target, str):
            self._where = redact_dsn(target)
            self._dsn = target
            self._check_connect(target, connect_timeout)
            self._pool = psycopg_pool.ConnectionPool(
                target,
                min_size=1,
                max_size=max_size,
                open=False,
                kwargs={"connect_timeout": max(1, int(connect_timeout))},
                timeout=connect_timeout * 3,
            )
            self._owned = True
            self._pool.open(wait=True, timeout=connect_timeout * 3)
        elif isinstance(target, psycopg_pool.ConnectionPool):
            self._pool = target
            self._where = f"pool {target.name}"
            self._dsn = ""
            self._owned = False
        else:
            raise TypeError("PostgresStateStore takes a DSN string or a psycopg_pool pool")
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStateStore({self._where!r})"

    def _check_connect(self, dsn: str, timeout: float) -> None:
        """Connect once to report a bad DSN, host or password clearly (and redacted)."""
        try:
            conn = self._psycopg.connect(dsn, connect_timeout=max(1, int(timeout)))
        except self._psycopg.Error as exc:
            raise StoreConnectionError(
                f"cannot connect to the state store {self._where}: "
                f"{_scrub(str(exc).strip(), dsn)}. Check the host, port, database name, "
                "user and password, and that PostgreSQL is running"
            ) from None
        conn.close()

    # ---------------------------------------------------------------- schema

    def _migrate(self) -> None:
        known = migrations("postgres")
        with self._write() as tx:
            tx.one("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            tx.run(
                f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
            )
            row = tx.one(f"SELECT MAX(version) FROM {VERSION_TABLE}")
            current = (row[0] if row else None) or 0
            if current > len(known):
                raise SchemaTooNew(current, len(known), self._where)
            for migration in known[current:]:
                for statement in statements(migration.sql):
                    tx.run(statement)
                tx.run(
                    f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, self._now()),
                )

    def schema_version(self) -> int:
        """The schema version of the database."""
        with self._read() as tx:
            row = tx.one(f"SELECT MAX(version) FROM {VERSION_TABLE}")
        return int(row[0]) if row and row[0] else 0

    # ---------------------------------------------------------------- backend hooks

    def _sql(self, sql: str) -> str:
        """``?`` placeholders as PostgreSQL's ``$1, $2, …`` (cached): the store's cursors are
        raw, so psycopg need not parse the SQL (it re-parses statements over 4 KB each time,
        such as a 100-row INSERT)."""
        converted = self._queries.get(sql)
        if converted is None:
            numbers = itertools.count(1)
            converted = _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql)
            if len(self._queries) < 1000:
                self._queries[sql] = converted
        return converted

    def _analyze_grown(self) -> None:
        """ANALYZE a table this store has doubled since its last ANALYZE (first at 500 rows).

        Why: until PostgreSQL has statistics, it guesses that ``tenant = ?`` selects a few rows
        (with one tenant it selects all) and reads a batch of 100 ids through the wrong index,
        scanning the whole tenant per batch. Autovacuum analyzes a minute or more later; a full
        sync grows the journal and links by far more in that minute. Doubling keeps it to a
        handful of ANALYZEs (about 9 per table at 100,000 rows), each outside the writer's
        transaction.
        """
        due = [t for t, n in self._grown.items() if n >= self._analyze_at.get(t, _FIRST_ANALYZE)]
        if not due or not self._analyzing.acquire(blocking=False):
            return
        try:
            with self._pool.connection() as conn:
                conn.autocommit = True
                for table in due:
                    conn.execute(f"ANALYZE {table}")
                    self._analyze_at[table] = 2 * self._grown[table]
                conn.autocommit = False
        finally:
            self._analyzing.release()

    @contextmanager
    def _tx(self) -> Iterator[_PgTx]:
        psycopg = self._psycopg
        try:
            with (
                self._pool.connection() as conn,
                conn.transaction(),
                psycopg.RawCursor(conn) as cur,
            ):
                yield _PgTx(cur, self._sql, self._grown)
            self._analyze_grown()
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise StoreConnectionError(
                f"lost the state store {self._where}: {_scrub(str(exc).strip(), self._dsn)}"
            ) from exc
        except Exception as exc:
            if type(exc).__name__ == "PoolTimeout":
                raise StoreConnectionError(
                    f"no connection to the state store {self._where} became free in time: {exc}"
                ) from exc
            raise

    def _write(self) -> Any:
        return self._tx()

    def _read(self) -> Any:
        return self._tx()

    def _ts(self, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError(f"datetime must be timezone-aware, got {value!r}")
        return value

    def _dt(self, value: Any) -> dt.datetime:
        result: dt.datetime = value.astimezone(dt.timezone.utc)
        return result

    def _is_unique_violation(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.errors.UniqueViolation)

    def close(self) -> None:
        """Close the pool (only one this store made)."""
        if self._owned:
            self._pool.close()
