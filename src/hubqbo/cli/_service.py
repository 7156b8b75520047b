"""``hubqbo worker`` and ``hubqbo webhooks serve``: hubqbo as a service.

Why an import path (``--app myapp.jobs:workers``) and not the config file: a service syncing
many accounts keeps its tenants, tokens and secrets in its own database and secret store; the
``Workers`` object (``hubqbo.workers``) is where that code plugs in (``engine(tenant, store)``),
as procrastinate's and uvicorn's commands take their app. Secrets for the receiver come from
environment variables only (never flags: ``ps`` shows flags to every user).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any

import click

from hubqbo.cli._app import CONTEXT, CommandFailed, Session, hubqbo, pass_session
from hubqbo.cli._exit import ExitCode

__all__ = ["load_workers"]

HUBSPOT_SECRET_ENV = "HUBQBO_HUBSPOT_CLIENT_SECRET"  # noqa: S105 - a variable's name
QBO_TOKEN_ENV = "HUBQBO_QBO_VERIFIER_TOKEN"  # noqa: S105 - a variable's name


def load_workers(path: str) -> Any:
    """The ``Workers`` named by ``module:attribute`` (a function returning one is called)."""
    from hubqbo.workers import Workers

    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise CommandFailed(f"--app {path!r}: expected module:attribute", ExitCode.USAGE)
    sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise CommandFailed(
            f"--app {path!r}: cannot import {module_name}: {exc}", ExitCode.CONFIG
        ) from exc
    found = getattr(module, attribute, None)
    if callable(found) and not isinstance(found, (Workers, type)):  # a factory function
        found = found()
    if not isinstance(found, Workers):
        raise CommandFailed(
            f"--app {path!r}: {attribute} is not a hubqbo.workers.Workers", ExitCode.CONFIG
        )
    return found


def _logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    if level != "debug":  # one line per HTTP request drowns the one line per run
        logging.getLogger("httpx").setLevel(logging.WARNING)


APP_OPTION = click.option(
    "--app",
    "app_path",
    required=True,
    envvar="HUBQBO_WORKERS",
    help="module:attribute of your hubqbo.workers.Workers (env HUBQBO_WORKERS).",
)
LOG_OPTION = click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
)


@hubqbo.command(context_settings=CONTEXT, short_help="Run a worker: tenants' syncs and sweeps.")
@APP_OPTION
@click.option("--name", help="The worker's name in logs and the queue (default host:pid).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option("--migrate", is_flag=True, help="Create the queue's tables first if missing.")
@click.option("--once", is_flag=True, help="Stop when the queue is empty (cron-style runs).")
@click.option(
    "--heartbeat", type=float, default=10.0, show_default=True, help="Seconds between heartbeats."
)
@LOG_OPTION
@pass_session
def worker(  # noqa: PLR0917 - click passes options positionally
    session: Session,
    app_path: str,
    name: str | None,
    concurrency: int,
    migrate: bool,
    once: bool,
    heartbeat: float,
    log_level: str,
) -> int:
    """Run hubqbo's jobs from the PostgreSQL queue until stopped (SIGTERM/SIGINT finish the
    current job first). Start as many as you like, on as many machines: no tenant is ever
    synced by two at once."""
    _logging(log_level)
    workers = load_workers(app_path)
    if migrate:
        created = workers.migrate()
        session.note("queue tables created" if created else "queue tables present")
    session.note(f"worker {name or 'host:pid'} on {workers!r}")
    try:
        workers.run_worker(name=name, concurrency=concurrency, wait=not once, heartbeat=heartbeat)
    finally:
        workers.close()
    return int(ExitCode.OK)


@hubqbo.group(context_settings=CONTEXT, short_help="The webhook receiver.")
def webhooks() -> None:
    """Receive HubSpot's and Intuit's webhooks: verify, mark records dirty, queue work."""


@webhooks.command(context_settings=CONTEXT, short_help="Serve the receiver with uvicorn.")
@APP_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "--public-url",
    help="The scheme and host HubSpot calls (behind a proxy), e.g. https://hooks.example.com.",
)
@LOG_OPTION
@pass_session
def serve(  # noqa: PLR0917 - click passes options positionally
    session: Session,
    app_path: str,
    host: str,
    port: int,
    public_url: str | None,
    log_level: str,
) -> int:
    """Serve POST /hubspot, POST /quickbooks and GET /health. Secrets come from the
    environment: HUBQBO_HUBSPOT_CLIENT_SECRET and HUBQBO_QBO_VERIFIER_TOKEN (at least one)."""
    _logging(log_level)
    hubspot_secret = os.environ.get(HUBSPOT_SECRET_ENV) or None
    qbo_token = os.environ.get(QBO_TOKEN_ENV) or None
    if not hubspot_secret and not qbo_token:
        raise CommandFailed(
            f"set {HUBSPOT_SECRET_ENV} and/or {QBO_TOKEN_ENV} (the apps' webhook secrets)",
            ExitCode.CONFIG,
        )
    try:
        import uvicorn

        from hubqbo.server import create_app
    except ImportError as exc:
        raise CommandFailed("pip install 'hubqbo[server]'", ExitCode.MISSING_EXTRA) from exc
    workers = load_workers(app_path)
    app = create_app(
        workers.store,
        hubspot_client_secret=hubspot_secret,
        qbo_verifier_token=qbo_token,
        on_dirty=workers.defer_dirty,
        public_url=public_url,
    )
    session.note(
        f"receiving on http://{host}:{port}/hubspot and /quickbooks "
        f"(HubSpot {'on' if hubspot_secret else 'off'}, QuickBooks {'on' if qbo_token else 'off'})"
    )
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
    finally:
        workers.close()
    return int(ExitCode.OK)
