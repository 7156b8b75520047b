"""Bad input to the stores: a typed error that says what to do, and nothing changed.

Not-a-store and corrupt files, schemas of a newer hubqbo, DSNs that cannot connect or
authenticate (password never shown), a missing driver; migrations run twice or at once.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hubqbo import SchemaTooNew, StoreConnectionError, StoreNotUsable
from hubqbo.sync import PostgresStateStore, SQLiteStateStore, latest_version, redact_dsn
from hubqbo.sync._migrations import migrations
from tests._postgres import PostgresServer
from tests.sync.conftest import StoreFactory

SRC = Path(__file__).resolve().parents[2] / "src"
ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _python(code: str, *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)])}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


# ------------------------------------------------------------------------------- SQLite files


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A file that is not SQLite at all."""
    path = tmp_path / "notes.txt"
    path.write_text("dear diary\n" * 100)
    before = _digest(path)
    with pytest.raises(StoreNotUsable, match="not a SQLite database"):
        SQLiteStateStore(path)
    assert before == _digest(path)


def test_another_apps_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A SQLite database with tables of its own is not ours to migrate."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    before = _digest(path)
    with pytest.raises(StoreNotUsable, match=r"not a hubqbo state store .*invoices"):
        SQLiteStateStore(path)
    assert before == _digest(path)


def test_a_corrupt_store_is_refused(tmp_path: Path) -> None:
    """Garbage over the schema pages: a typed error, not a sqlite3 exception."""
    path = tmp_path / "state.sqlite3"
    store = SQLiteStateStore(path)
    store.connect_tenant("acme")
    store.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreNotUsable, match="corrupt"):
        SQLiteStateStore(path)


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A file a newer hubqbo migrated further: upgrade hubqbo."""
    path = tmp_path / "state.sqlite3"
    SQLiteStateStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO hubqbo_schema_version VALUES (99, 'from_the_future', '2030-01-01')"
        )
    before = _digest(path)
    with pytest.raises(SchemaTooNew, match="pip install -U hubqbo") as err:
        SQLiteStateStore(path)
    assert (99, latest_version("sqlite")) == (err.value.found, err.value.supported)
    assert before == _digest(path)


def test_memory_stores_are_private(tmp_path: Path) -> None:
    """Each ``":memory:"`` store is its own database."""
    one, two = SQLiteStateStore(":memory:"), SQLiteStateStore(":memory:")
    one.connect_tenant("acme")
    assert ([], "SQLiteStateStore(':memory:')") == (two.tenants(), repr(two))


def test_the_store_file_is_in_wal_mode_with_our_application_id(tmp_path: Path) -> None:
    """WAL (readers beside a writer) and the hubqbo application id, as documented."""
    path = tmp_path / "deep" / "dir" / "state.sqlite3"
    SQLiteStateStore(path).close()
    with sqlite3.connect(path) as conn:
        assert ("wal", 0x48514230) == (
            conn.execute("PRAGMA journal_mode").fetchone()[0],
            conn.execute("PRAGMA application_id").fetchone()[0],
        )


# ------------------------------------------------------------------------------- both backends


def test_the_database_itself_allows_one_open_run(backend: str, open_store: StoreFactory) -> None:
    """Even SQL that bypasses the store cannot open a second run: a partial unique index."""
    store = open_store()
    store.connect_tenant("acme")
    row = "('{}', 'acme', 'sync', 'w', 1, 'open', '2026-12-01T09:00:00+00:00', NULL, '{{}}', NULL)"
    cols = "run_id, tenant, kind, holder, epoch, status, started_at, ended_at, counts, error"
    sql = f"INSERT INTO hubqbo_runs ({cols}) VALUES " + row  # noqa: S608 - constants only

    def two_open_runs() -> None:
        with store._write() as raw:  # the backend's own connection, outside the store's rules
            raw.run(sql.format("r1"))
            raw.run(sql.format("r2"))

    with pytest.raises(Exception, match=r"(?i)unique") as err:
        two_open_runs()
    assert store._is_unique_violation(err.value)
    assert store.open_run("acme") is None  # the whole transaction was rolled back


def test_concurrent_first_opens_migrate_once(backend: str, store_target: str) -> None:
    """Four processes opening a new store at once: each migration is applied exactly once."""
    cls = "PostgresStateStore" if backend == "postgres" else "SQLiteStateStore"
    code = f"""
        import sys
        from hubqbo.sync import {cls}
        s = {cls}({store_target!r})
        s.connect_tenant("acme")
        print(s.schema_version())
        s.close()
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [(str(latest_version(backend)), 0)] * 4 == [
        (o.strip(), p.returncode) for (o, _), p in zip(outs, procs, strict=True)
    ], outs
    store = (
        PostgresStateStore(store_target)
        if backend == "postgres"
        else SQLiteStateStore(store_target)
    )
    with store._read() as tx:
        rows = tx.all("SELECT version, name FROM hubqbo_schema_version ORDER BY version")
    store.close()
    assert [(m.version, m.name) for m in migrations(backend)] == [tuple(r) for r in rows]


# ------------------------------------------------------------------------------- PostgreSQL


def test_a_wrong_password_is_refused_without_showing_it(postgres_server: PostgresServer) -> None:
    """Authentication failure: a typed error naming the target with the password redacted."""
    dsn = postgres_server.dsn(password="Sup3rSecretPw")
    with pytest.raises(StoreConnectionError, match="password authentication failed") as err:
        PostgresStateStore(dsn)
    assert "Sup3rSecretPw" not in str(err.value)
    assert f"{postgres_server.user}:***@" in str(err.value)
    assert err.value.__cause__ is None  # psycopg's own exception (and its text) is not chained


def test_an_unreachable_server_is_refused(postgres_server: PostgresServer) -> None:
    """Nothing listening: a typed error saying what to check."""
    with pytest.raises(StoreConnectionError, match="Check the host, port"):
        PostgresStateStore(
            "host=127.0.0.1 port=1 user=x password=Pw123 dbname=x", connect_timeout=2
        )


def test_a_missing_database_is_refused(postgres_server: PostgresServer) -> None:
    """A database that does not exist."""
    with pytest.raises(StoreConnectionError, match="does not exist"):
        PostgresStateStore(postgres_server.dsn("no_such_db"))


def test_a_newer_postgres_schema_is_refused(postgres_dsn: str) -> None:
    """The same refusal as SQLite's, with the DSN redacted in the message."""
    PostgresStateStore(postgres_dsn).close()
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO hubqbo_schema_version VALUES (7, 'future', now())")
    with pytest.raises(SchemaTooNew, match=r"schema version 7") as err:
        PostgresStateStore(postgres_dsn)
    assert ":***@" in str(err.value)


def test_a_pool_of_ones_own(postgres_dsn: str) -> None:
    """A pool the caller owns is used, and left open by ``close()``."""
    from psycopg_pool import ConnectionPool

    with ConnectionPool(postgres_dsn, min_size=1, max_size=2) as pool:
        store = PostgresStateStore(pool)
        store.connect_tenant("acme")
        store.tenants()  # a read: REPEATABLE READ, read only, for that transaction alone
        store.close()
        with pool.connection() as conn:
            assert (1,) == conn.execute("SELECT count(*) FROM hubqbo_tenants").fetchone()
            assert (None, None) == (conn.isolation_level, conn.read_only)


def test_without_psycopg_the_core_works_and_postgres_says_what_to_install() -> None:
    """The postgres extra is optional: hubqbo and SQLite work; Postgres names the extra."""
    result = _python(
        """
        import sys
        sys.modules["psycopg"] = None  # as if not installed
        sys.modules["psycopg_pool"] = None
        import hubqbo
        from hubqbo.sync import PostgresStateStore, SQLiteStateStore
        SQLiteStateStore(":memory:").connect_tenant("acme")
        try:
            PostgresStateStore("postgresql://u:p@localhost/db")
        except hubqbo.StoreConnectionError as exc:
            print(exc)
        """
    )
    assert 0 == result.returncode, result.stderr
    assert "pip install 'hubqbo[postgres]'" in result.stdout


@pytest.mark.parametrize(
    ("dsn", "shown"),
    [
        ("postgresql://app:s3cret@db:5432/x", "postgresql://app:***@db:5432/x"),
        (
            "postgresql://app@db/x?password=s3cret&sslmode=require",
            "postgresql://app@db/x?password=***&sslmode=require",
        ),
        ("host=db password='s3 cret' user=app", "host=db password=*** user=app"),
        ("host=db user=app", "host=db user=app"),
    ],
)
def test_redact_dsn(dsn: str, shown: str) -> None:
    """Passwords in URLs, URL query strings and key=value DSNs are masked."""
    assert shown == redact_dsn(dsn)


def test_an_error_after_sqlite_rolled_back_by_itself_is_the_one_raised(tmp_path: Path) -> None:
    """SQLite ends the transaction itself on some errors (full disk, I/O): the store's own
    ROLLBACK must not then raise "no transaction is active" in place of the real error."""
    store = SQLiteStateStore(tmp_path / "state.sqlite3")

    def write_that_fails() -> None:
        with store._write() as tx:
            tx.run("ROLLBACK")  # what SQLite does on SQLITE_FULL before the error reaches us
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_that_fails()
    store.connect_tenant("acme")  # and the store goes on working
    assert ["acme"] == [t.name for t in store.tenants()]
    store.close()
