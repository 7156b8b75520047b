"""Test-wide settings: hypothesis without per-example deadlines (CI machines are small and busy;
speed is measured in benchmarks/, never asserted in unit tests); the PostgreSQL fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests._postgres import SKIP_MESSAGE, PostgresServer, PostgresUnavailable, running_server

settings.register_profile(
    "hubqbo",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("ci", parent=settings.get_profile("hubqbo"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "hubqbo")


# --------------------------------------------------------------------------- PostgreSQL
# One throwaway server per test session (tests/_postgres.py), a fresh schema per test. With
# CI=true a server that cannot start FAILS the tests that need it; elsewhere they skip with one
# line that says how to enable them.


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A running PostgreSQL 15 (started here, stopped at the end of the session)."""
    try:
        with running_server() as server:
            yield server
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL could not start under CI=true: {exc}")
        pytest.skip(SKIP_MESSAGE.format(reason=str(exc).splitlines()[0]))


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> Iterator[str]:
    """The DSN of a fresh, empty namespace (a schema first on ``search_path``, dropped after
    the test). ``postgres_server.create_database()`` makes a whole database when needed."""
    dsn, schema = postgres_server.create_schema()
    yield dsn
    postgres_server.drop_schema(schema)
