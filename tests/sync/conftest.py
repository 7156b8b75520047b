"""Fixtures of the state store suites: every test runs against SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hubqbo.clock import Clock
from hubqbo.sandbox import ManualClock
from hubqbo.sync import PostgresStateStore, SQLiteStateStore
from hubqbo.sync._sql import SqlStateStore
from tests.sync._world import World, make_world

BACKENDS = ["sqlite", "postgres"]

StoreFactory = Callable[..., SqlStateStore]


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves (leases expire when it says so)."""
    return ManualClock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend name; ``postgres`` pulls in the throwaway server."""
    return str(request.param)


@pytest.fixture
def store_target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the backend's store lives: a file path or a fresh database's DSN."""
    if backend == "postgres":
        return str(request.getfixturevalue("postgres_dsn"))
    return str(tmp_path / "state.sqlite3")


@pytest.fixture
def open_store(backend: str, store_target: str) -> Iterator[StoreFactory]:
    """Opens (another) store on the same database; all are closed after the test."""
    opened: list[SqlStateStore] = []

    def factory(*, clock: Clock | None = None, **kwargs: object) -> SqlStateStore:
        extra: dict[str, object] = dict(kwargs)
        if clock is not None:
            extra["clock"] = clock
        store: SqlStateStore
        if backend == "postgres":
            store = PostgresStateStore(store_target, **extra)  # type: ignore[arg-type]
        else:
            store = SQLiteStateStore(store_target, **extra)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: StoreFactory, clock: ManualClock) -> SqlStateStore:
    """A store on a fresh database, on the manual clock, with tenant ``acme`` connected."""
    made = open_store(clock=clock, sleep=clock.sleep)
    made.connect_tenant("acme", hubspot_portal_id="4471", qbo_realm_id="9130")
    return made


@pytest.fixture
def world() -> Iterator[World]:
    """Both sandboxes, their clients and an in-memory SQLite store (the engine's tests)."""
    w = make_world()
    yield w
    w.store.close()
