"""On webhook demand, end to end over real HTTP and the suite's PostgreSQL: a QBO change
leaves the served sandbox as a signed webhook, ``hubqbo webhooks serve`` marks it dirty and
queues the tenant's job, a ``hubqbo worker`` runs it, and the contact appears in HubSpot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from hubqbo.sync import PostgresStateStore
from hubqbo.workers import Workers
from tests._postgres import PostgresServer
from tests.server.conftest import free_port
from tests.workers import _world

TOKEN = "intuit-verifier-token"


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                return
        except Exception:  # noqa: BLE001, S110 - not listening yet (httpx, or httpcore unwrapped)
            pass
        time.sleep(0.1)
    raise AssertionError(f"the receiver did not start\n{log.read_text()}")


def test_a_webhook_queues_the_tenant_and_a_worker_syncs_it(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    dsn = postgres_server.create_database()
    store = PostgresStateStore(dsn)
    with _world.start_world(2, qbo_429_rate=0.0) as tenants:
        env = _world.world_env(tenants, dsn)
        for t in tenants:
            store.connect_tenant(t.name, qbo_realm_id=t.realm)
        Workers(dsn, _world.engine).migrate()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log = tmp_path / "service.log"
        receiver_env = {**env, "HUBQBO_QBO_VERIFIER_TOKEN": TOKEN}
        receiver_env.pop("HUBQBO_HUBSPOT_CLIENT_SECRET", None)
        command = [sys.executable, "-m", "hubqbo.cli"]
        app = ["--app", "tests.workers._world:workers"]
        with log.open("ab") as out:
            receiver = subprocess.Popen(
                [*command, "webhooks", "serve", *app, "--port", str(port)],
                env=receiver_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=_world.ROOT,
            )
        worker = _world.start_worker(env, "w0", log)
        try:
            _wait_healthy(url, receiver, log)
            first = tenants[0]
            first.quickbooks.webhooks.subscribe(f"{url}/quickbooks", verifier_token=TOKEN)
            first.quickbooks.add_customer(
                first.realm, "Late Comer", PrimaryEmailAddr={"Address": "late@t0.example"}
            )
            (delivery,) = first.quickbooks.webhooks.deliver()
            assert delivery.status == 200
            deadline = time.monotonic() + 60
            emails: set[str] = set()
            while time.monotonic() < deadline:
                contacts = first.hubspot.records("contacts")
                emails = {str((c.get("properties") or {}).get("email")) for c in contacts}
                if "late@t0.example" in emails:
                    break
                time.sleep(0.2)
            assert "late@t0.example" in emails, log.read_text()[-3000:]
            assert tenants[1].hubspot.records("contacts") == []  # only the tenant asked for
        finally:
            _world.stop_workers([receiver, worker])
        import psycopg

        with psycopg.connect(dsn) as conn:
            rows = conn.execute(
                "SELECT args FROM procrastinate_jobs WHERE task_name = 'hubqbo.sync'"
            ).fetchall()
        assert [json.dumps(r[0], sort_keys=True) for r in rows] == [
            json.dumps({"reason": "webhook", "tenant": "t00"}, sort_keys=True)
        ]
        assert "run tenant=t00 kind=sync reason=webhook" in log.read_text()
    store.close()
    postgres_server.drop_database(dsn.rsplit("/", 1)[1])


def test_webhooks_serve_needs_a_secret_from_the_environment() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUBQBO_")}
    env["PYTHONPATH"] = os.pathsep.join([str(_world.ROOT / "src"), str(_world.ROOT)])
    done = subprocess.run(
        [sys.executable, "-m", "hubqbo.cli", "webhooks", "serve", "--app", "x:y"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "HUBQBO_QBO_VERIFIER_TOKEN" in done.stderr
