"""Many tenants on many workers over the real PostgreSQL the suite starts: three ``hubqbo
worker`` processes, twenty tenants on sandboxes served over HTTP by this process (latency,
per-portal and per-realm rate limits, random 429s), one worker SIGKILLed in the middle of a
run. Every tenant ends synced with no duplicate, and the store's run history shows no two
runs of one tenant at once."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from hubqbo.protocols import RunStatus
from hubqbo.sync import PostgresStateStore
from hubqbo.workers import Schedule, Workers
from tests._postgres import PostgresServer
from tests.workers import _world

TENANTS = int(os.environ.get("HUBQBO_WORKER_TENANTS", "20"))


def test_three_workers_twenty_tenants_one_killed(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    dsn = postgres_server.create_database()
    store = PostgresStateStore(dsn)
    with _world.start_world(TENANTS, latency=0.01) as tenants:
        names = [t.name for t in tenants]
        env = _world.world_env(tenants, dsn)
        for t in tenants:
            store.connect_tenant(t.name, qbo_realm_id=t.realm)
        os.environ["HUBQBO_TEST_WORLD"] = env["HUBQBO_TEST_WORLD"]
        parent = Workers(dsn, _world.engine, tenants=lambda: names, schedule=_world.TEST_SCHEDULE)
        assert parent.migrate() is True
        assert parent.migrate() is False  # idempotent
        with parent.opened():
            assert all(parent.defer_sync(n) for n in names)
            assert not parent.defer_sync(names[0])  # already waiting: not queued twice
        logs = tmp_path / "workers.log"
        processes = [_world.start_worker(env, f"w{i}", logs) for i in range(3)]
        by_pid = {p.pid: p for p in processes}
        try:
            killed = _world.kill_one_mid_run(store, names, by_pid)
            assert killed is not None, "no run was caught open to kill"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                states = _world.job_states(dsn)
                if states.get("succeeded", 0) == TENANTS:
                    break
                assert not states.get("failed"), (states, logs.read_text()[-3000:])
                time.sleep(0.2)
            else:
                pytest.fail(f"jobs not done: {states}\n{logs.read_text()[-3000:]}")
        finally:
            _world.stop_workers(processes)
        problems = [p for t in tenants for p in _world.synced(t)]
        assert problems == [], problems
        for name in names:
            runs = store.runs(name, limit=100)
            assert _world.overlapping(runs) == [], (name, runs)
            assert runs[0].status is RunStatus.SUCCEEDED
        _killed_pid, killed_tenant = killed
        statuses = [r.status for r in store.runs(killed_tenant, limit=100)]
        assert RunStatus.ABANDONED in statuses  # the killed run, closed by its successor
        text = logs.read_text()
        assert "run tenant=" in text
        assert "run_id=" in text
        assert "duration_ms=" in text
        assert "stalled (worker gone): queued again" in text
    store.close()
    postgres_server.drop_database(dsn.rsplit("/", 1)[1])


def test_schedule_refuses_a_pass_that_does_not_divide_the_hour() -> None:
    with pytest.raises(ValueError, match="divide 60"):
        _ = Schedule(sync_every_minutes=7).sync_cron
