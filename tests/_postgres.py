"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory.

Why: the state store's guarantees (fencing, one open run, no duplicate links) rest on the
database's locking, so they are tested against a real PostgreSQL, not a fake. The server runs
on a private free loopback port with password authentication (so a wrong password is a real
refusal), owned by the ``postgres`` user when the tests run as root (``initdb`` refuses root),
and is stopped and removed at the end.

Use it through the fixtures in ``tests/conftest.py``: ``postgres_server`` (session) and
``postgres_dsn`` (a fresh database per test). ``HUBQBO_TEST_POSTGRES_DSN`` points the tests at
an existing server instead (its user must be allowed to create databases); ``HUBQBO_PG_BIN``
names another directory of PostgreSQL binaries.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

DEFAULT_BIN = "/usr/lib/postgresql/15/bin"
USER = "hubqbo"


class PostgresUnavailable(RuntimeError):
    """The throwaway server could not be started (the message says why and how to fix it)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """A running server: ``dsn(database)``, ``create_database()``, ``stop()``."""

    def __init__(self, host: str, port: int, user: str, password: str) -> None:
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self._root: Path | None = None
        self._prefix: Sequence[str] = ()
        self._bin = Path(DEFAULT_BIN)

    def dsn(self, database: str = "postgres", *, password: str | None = None) -> str:
        """A URL DSN for ``database`` (``password`` overrides the real one)."""
        pw = self.password if password is None else password
        return f"postgresql://{self.user}:{pw}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """Create a fresh database; its DSN."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')
        return self.dsn(name)

    def create_schema(self, database: str = "hubqbo_tests") -> tuple[str, str]:
        """A fresh, empty schema in ``database`` (made once): ``(dsn, schema)``.

        The DSN sets ``search_path`` to the schema, so unqualified tables land there: as
        isolated as a new database, but instant (``CREATE DATABASE`` takes most of a second).
        """
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            if (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
                is None
            ):
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    conn.execute(f'CREATE DATABASE "{database}"')
        schema = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return f"{self.dsn(database)}?options=-csearch_path%3D{schema}", schema

    def drop_schema(self, schema: str, database: str = "hubqbo_tests") -> None:
        """Drop a schema made by ``create_schema`` with everything in it."""
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def drop_database(self, name: str) -> None:
        """Drop a database made by ``create_database`` (connections are terminated)."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @classmethod
    def start(cls, *, fsync: bool = False) -> PostgresServer:
        """initdb + pg_ctl start in a temporary directory; raises PostgresUnavailable.

        ``fsync=False`` (the tests' default) skips disk flushes: the tests kill clients,
        never the server. Benchmarks pass ``fsync=True`` to measure real commits.
        """
        bin_dir = Path(os.environ.get("HUBQBO_PG_BIN", DEFAULT_BIN))
        if not (bin_dir / "initdb").exists():
            raise PostgresUnavailable(
                f"no PostgreSQL binaries in {bin_dir}: install PostgreSQL 15 "
                "(apt-get install postgresql-15) or set HUBQBO_PG_BIN"
            )
        root = Path(tempfile.mkdtemp(prefix="hubqbo-pg-"))
        prefix: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the server as postgres
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                shutil.rmtree(root, ignore_errors=True)
                raise PostgresUnavailable(
                    "running as root without a 'postgres' user for initdb"
                ) from exc
            os.chown(root, pw.pw_uid, pw.pw_gid)
            prefix = ["runuser", "-u", "postgres", "--"]
        password = secrets.token_hex(12)
        server = cls("127.0.0.1", _free_port(), USER, password)
        server._root, server._prefix, server._bin = root, prefix, bin_dir
        pwfile = root / "pwfile"
        pwfile.write_text(password + "\n")
        if prefix:
            os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
        try:
            server._run(
                "initdb",
                "-D",
                str(root / "data"),
                "-U",
                USER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "-E",
                "UTF8",
                "--no-sync",
            )
            options = f"-h 127.0.0.1 -p {server.port} -k {root} -c max_connections=200" + (
                "" if fsync else " -c fsync=off -c synchronous_commit=off"
            )
            server._run(
                "pg_ctl",
                "-D",
                str(root / "data"),
                "-l",
                str(root / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            )
        except PostgresUnavailable:
            server.stop()
            raise
        return server

    def _run(self, tool: str, *args: str) -> None:
        try:
            subprocess.run(
                [*self._prefix, str(self._bin / tool), *args],
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            log = ""
            if self._root and (self._root / "log").exists():
                log = (self._root / "log").read_text()[-2000:]
            raise PostgresUnavailable(f"{tool} failed: {detail.strip()}\n{log}") from exc

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's processes (Linux /proc), for
        benchmarks: the postmaster and every backend it started. 0.0 for an external server."""
        if self._root is None:
            return 0.0
        pid_file = self._root / "data" / "postmaster.pid"
        try:
            postmaster = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if postmaster in (pid, ppid):
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        if self._root is None:
            return
        if (self._root / "data" / "postmaster.pid").exists():
            with contextlib.suppress(PostgresUnavailable):
                self._run("pg_ctl", "-D", str(self._root / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self._root, ignore_errors=True)
        self._root = None


def external_server() -> PostgresServer | None:
    """The server named by ``HUBQBO_TEST_POSTGRES_DSN``, if set."""
    dsn = os.environ.get("HUBQBO_TEST_POSTGRES_DSN")
    if not dsn:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(dsn)
    return PostgresServer(
        parts.hostname or "127.0.0.1",
        parts.port or 5432,
        parts.username or "",
        parts.password or "",
    )


@contextlib.contextmanager
def running_server(*, fsync: bool = False) -> Iterator[PostgresServer]:
    """An external server (``HUBQBO_TEST_POSTGRES_DSN``) or a throwaway one, stopped at the end."""
    external = external_server()
    if external is not None:
        yield external
        return
    server = PostgresServer.start(fsync=fsync)
    try:
        yield server
    finally:
        server.stop()


SKIP_MESSAGE = (
    "PostgreSQL tests skipped: {reason}. To run them, install PostgreSQL 15 "
    "(binaries in /usr/lib/postgresql/15/bin, or set HUBQBO_PG_BIN) or set "
    "HUBQBO_TEST_POSTGRES_DSN; with CI=true they fail instead."
)
