"""``hubqbo sync plan|run|status|link|unlink``: QuickBooks customers, items and invoices into
HubSpot, through ``hubqbo.sync.SyncEngine``.

Why plan first: the engine's planner reads both sides and returns every intended write with its
reason, writing nothing; ``sync plan`` shows it, ``sync run`` shows it, asks, and applies exactly
that plan (idempotent: a run cut short is finished by the next one, never doubled). The settings
come from ``[tenants.NAME.sync]`` and the field mappings from the tenant's state store (the ones
``hubqbo mappings`` edits). A tenant on in-process sandboxes keeps no sync state: they start
afresh at every command, so their sync state is in memory too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from hubqbo.cli._app import (
    CONTEXT,
    CommandFailed,
    Session,
    confirm,
    hubqbo,
    json_option,
    pass_session,
)
from hubqbo.cli._exit import ExitCode
from hubqbo.cli._mappings import current_set, state_store
from hubqbo.cli._render import print_table
from hubqbo.cli._tenant import Workspace
from hubqbo.invoices import CustomerCreationPolicy
from hubqbo.mapping import Direction, ObjectPair
from hubqbo.protocols import Conflict, OperationState, StateStore
from hubqbo.sync import (
    Action,
    ConflictRule,
    DeletePolicy,
    ObjectKind,
    ObjectSync,
    Skip,
    SkipReason,
    SQLiteStateStore,
    SyncConfig,
    SyncEngine,
    SyncPlan,
    SyncResult,
    WritePolicy,
    active_only,
    invoices_from,
    with_email,
)

__all__ = ["sync_config"]

KINDS = [ObjectKind.CONTACTS.value, ObjectKind.PRODUCTS.value, ObjectKind.INVOICES.value]
_FILTERS = {"active_only": active_only, "with_email": with_email}


def _filter(settings: Mapping[str, Any]) -> Any:
    checks: list[Callable[[object], bool]] = [_FILTERS[n] for n in settings.get("filter", ())]
    since = settings.get("from")
    if since is not None:
        checks.append(invoices_from(since))
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]

    def every(record: object) -> bool:
        return all(check(record) for check in checks)

    return every


def _object(settings: Mapping[str, Any], default: ObjectSync) -> ObjectSync:
    options: dict[str, Any] = {}
    if "enabled" in settings:
        options["enabled"] = settings["enabled"]
    if "write" in settings:
        options["write"] = WritePolicy(settings["write"])
    if "direction" in settings:
        options["direction"] = Direction(settings["direction"])
    if "delete" in settings:
        options["delete"] = DeletePolicy(settings["delete"])
    for flag in ("sub_customers", "line_items"):
        if flag in settings:
            options[flag] = settings[flag]
    keep = _filter(settings)
    if keep is not None:
        options["filter"] = keep
    if "create_in_qbo" in settings:
        options["create_in_qbo"] = CustomerCreationPolicy(settings["create_in_qbo"])
        contact_keep = _filter({"filter": settings.get("contact_filter", ())})
        if contact_keep is not None:
            options["contact_filter"] = contact_keep
    return ObjectSync(**{"enabled": default.enabled, **options})


def sync_config(
    settings: Mapping[str, Mapping[str, Any]],
    mappings: Mapping[ObjectKind, Any],
    only: Sequence[str] = (),
) -> SyncConfig:
    """The ``SyncConfig`` of a tenant's ``[sync]`` settings; ``only`` switches the other
    objects off for this run.

    Example:
        >>> sync_config({"invoices": {"enabled": True}}, {}).invoices.enabled
        True
        >>> sync_config({}, {}, only=["products"]).contacts.enabled
        False
    """
    base = SyncConfig()
    objects = {
        kind: _object(settings.get(kind, {}), getattr(base, kind))
        for kind in ("contacts", "products", "invoices")
    }
    if only:
        objects = {
            kind: value if kind in only else ObjectSync.off() for kind, value in objects.items()
        }
    rule = settings.get("conflict_rule", {}).get("rule", ConflictRule.QBO_WINS.value)
    return SyncConfig(
        contacts=objects["contacts"],
        products=objects["products"],
        invoices=objects["invoices"],
        mappings=dict(mappings),
        conflict_rule=ConflictRule(rule),
    )


def _store_tenant(space: Workspace, realm_id: str) -> str:
    """The tenant's name in the store: one per QuickBooks company (``name@realm`` beyond the
    default one)."""
    default = space.realm(None)
    return space.tenant.name if realm_id == default else f"{space.tenant.name}@{realm_id}"


@contextmanager
def _engine(
    session: Session, realm: str | None, only: Sequence[str]
) -> Iterator[tuple[SyncEngine, StateStore]]:
    space = session.workspace()
    realm_id = space.realm(realm)
    with state_store(session) as mapping_store:
        mappings = {
            ObjectKind(kind): current_set(mapping_store, space.tenant.name, pair)[0]
            for kind, pair in (
                ("contacts", ObjectPair.CONTACT),
                ("products", ObjectPair.PRODUCT),
                ("invoices", ObjectPair.INVOICE),
            )
        }
        config = sync_config(space.tenant.sync, mappings, only)
        if space.in_process:
            session.note("in-process sandboxes: the sync state lives only as long as this command")
            store: StateStore = SQLiteStateStore(":memory:")
            now = space.world.clock.now
        else:
            store, now = mapping_store, None
        try:
            engine = SyncEngine(
                space.crm(),
                space.qbo(realm_id),
                state=store,
                tenant=_store_tenant(space, realm_id),
                config=config,
                now=now,
            )
            yield engine, store
        finally:
            if store is not mapping_store:
                store.close()


# --------------------------------------------------------------------------- rendering

_ACTIONS = [a.value for a in Action]


def _summary(session: Session, plan: SyncPlan) -> None:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), title_justify="left")
    table.title = f"Sync plan for {plan.tenant}: {len(plan.operations)} write(s)"
    table.add_column("Object")
    for action in ("Create", "Update", "Mark", "Archive", "Assoc."):
        table.add_column(action, justify="right")
    table.add_column("Same", justify="right")
    table.add_column("Skipped", justify="right")
    for obj in plan.objects:
        skipped = len(obj.skipped) - obj.skipped_for(SkipReason.UNCHANGED)
        table.add_row(
            obj.kind.value if obj.refused is None else f"{obj.kind.value} (held back)",
            *(
                str(obj.count(Action(a)))
                for a in ("create", "update", "mark", "archive", "associate")
            ),
            str(obj.skipped_for(SkipReason.UNCHANGED)),
            str(skipped),
        )
    session.out.print(table)
    for obj in plan.objects:
        if obj.refused:
            session.out.print(f"{obj.kind.value}: {obj.refused}", markup=False)


def _writes(session: Session, plan: SyncPlan, limit: int | None) -> None:
    ops = plan.operations
    if not ops:
        session.out.print("Nothing to write: HubSpot is up to date.")
        return
    shown = ops if limit is None else ops[:limit]
    print_table(
        session.out,
        "Writes",
        ["Action", "QuickBooks", "Record", "HubSpot", "Why"],
        [
            (
                op.action.value,
                f"{op.kind.value} {op.qbo_id}",
                op.label,
                op.hubspot_id or ("new" if op.action is Action.CREATE else "-"),
                op.reason,
            )
            for op in shown
        ],
        keep=["Action", "QuickBooks", "HubSpot"],
    )
    if len(shown) < len(ops):
        session.out.print(f"... and {len(ops) - len(shown)} more (--all shows every write)")


def _attention(session: Session, plan: SyncPlan) -> None:
    needs = plan.needs_attention
    if not needs:
        return
    session.out.print(f"[bold]Needs a person ({len(needs)}):[/bold]")
    listed = Table.grid(padding=(0, 1))
    listed.add_column(no_wrap=True)
    listed.add_column()
    for item in needs:
        text = item.text if isinstance(item, Skip) else _ambiguity(item)
        listed.add_row(f"{item.kind.value} {item.qbo_id}", Text(text))
    session.out.print(listed)


def _ambiguity(item: Any) -> str:
    choices = ", ".join(f"{hid} ({name})" for hid, name in item.candidates)
    return (
        f"{item.label!r} could be {choices}: "
        f"hubqbo sync link {item.kind.value} {item.qbo_id} HUBSPOT_ID"
    )


def _plan_json(plan: SyncPlan) -> dict[str, Any]:
    return {
        "tenant": plan.tenant,
        "writes": len(plan.operations),
        "objects": [
            {
                "object": o.kind.value,
                "counts": {a: o.count(Action(a)) for a in _ACTIONS},
                "unchanged": o.skipped_for(SkipReason.UNCHANGED),
                "skipped": [
                    {"qbo_id": s.qbo_id, "reason": s.reason.value, "detail": s.detail}
                    for s in o.skipped
                    if s.reason is not SkipReason.UNCHANGED
                ],
                "ambiguous": [
                    {
                        "qbo_id": a.qbo_id,
                        "label": a.label,
                        "candidates": [c[0] for c in a.candidates],
                    }
                    for a in o.ambiguous
                ],
                "held_back": o.refused,
            }
            for o in plan.objects
        ],
        "operations": [
            {
                "op_id": op.op_id,
                "action": op.action.value,
                "object": op.kind.value,
                "qbo_id": op.qbo_id,
                "hubspot_id": op.hubspot_id,
                "label": op.label,
                "reason": op.reason,
                "changes": {c.name: [c.before, c.after] for c in op.changes},
            }
            for op in plan.operations
        ],
    }


def _result_json(result: SyncResult) -> dict[str, Any]:
    return {
        "tenant": result.tenant,
        "ok": result.ok,
        "applied": result.applied,
        "failed": result.failed,
        "counts": {k: dict(v) for k, v in result.counts.items()},
        "quarantined": [
            {"object": q.kind.value, "qbo_id": q.qbo_id, "error": q.error}
            for q in result.quarantined
        ],
        "errors": list(result.errors),
        "cursors_moved": result.cursors_moved,
        "events": result.events,
        "run_id": result.run_id,
    }


# --------------------------------------------------------------------------- commands

object_option = click.option(
    "--object",
    "objects",
    multiple=True,
    type=click.Choice(KINDS),
    help="Only this object (repeatable; default: every object switched on).",
)
realm_option = click.option(
    "--realm", metavar="R", help="The QuickBooks company (default: the tenant's)."
)


@hubqbo.group(context_settings=CONTEXT, short_help="Sync QuickBooks records into HubSpot.")
def sync() -> None:
    """Sync QuickBooks customers, items and invoices into HubSpot contacts, products and
    invoices: plan (what would be written, nothing written), run, status, link, unlink.

    Settings: [tenants.NAME.sync] in hubqbo.toml; field mappings: hubqbo mappings.
    """


@sync.command("plan", context_settings=CONTEXT, short_help="What a run would write.")
@object_option
@realm_option
@click.option("--all", "show_all", is_flag=True, help="Show every write (default: 20).")
@json_option
@pass_session
def sync_plan(
    session: Session, objects: tuple[str, ...], realm: str | None, show_all: bool, as_json: bool
) -> None:
    """Read both sides and show every write a run would make, with its reason (nothing is
    written)."""
    with _engine(session, realm, objects) as (engine, _store):
        plan = engine.plan()
    if as_json:
        session.json(_plan_json(plan))
        return
    _summary(session, plan)
    _writes(session, plan, None if show_all else 20)
    _attention(session, plan)


@sync.command("run", context_settings=CONTEXT, short_help="Plan, confirm, write.")
@object_option
@realm_option
@click.option("--yes", "-y", is_flag=True, help="Write without asking.")
@click.option("--proceed", is_flag=True, help="Let deletions past the mass-delete guard through.")
@json_option
@pass_session
def sync_run(  # noqa: PLR0917 - click passes options as arguments
    session: Session,
    objects: tuple[str, ...],
    realm: str | None,
    yes: bool,
    proceed: bool,
    as_json: bool,
) -> int:
    """Plan, show the plan, ask (or --yes), and write it to HubSpot."""
    with _engine(session, realm, objects) as (engine, _store):
        plan = engine.plan(proceed=proceed)
        if not as_json:
            _summary(session, plan)
            _attention(session, plan)
        if plan.is_empty and not plan.cursors:
            if as_json:
                session.json({"plan": _plan_json(plan), "result": None})
            else:
                session.out.print("Nothing to write: HubSpot is up to date.")
            return int(ExitCode.OK)
        if not yes and not plan.is_empty:
            confirm(f"Write these {len(plan.operations)} change(s) to HubSpot?")
        with session.err.status(f"Writing {len(plan.operations)} change(s) to HubSpot..."):
            result = engine.apply(plan)
    if as_json:
        session.json({"plan": _plan_json(plan), "result": _result_json(result)})
    else:
        _print_result(session, result)
    return int(ExitCode.OK if result.ok else ExitCode.SERVICE)


def _print_result(session: Session, result: SyncResult) -> None:
    verdict = "done" if result.ok else "incomplete"
    session.out.print(
        f"Sync run {verdict}: {result.applied} written, {result.failed} failed, "
        f"{len(result.quarantined)} quarantined"
    )
    print_table(
        session.out,
        None,
        ["Object", "Written"],
        [
            (kind, ", ".join(f"{n} {action}" for action, n in sorted(counts.items())))
            for kind, counts in result.counts.items()
        ],
    )
    for q in result.quarantined:
        session.out.print(f"  quarantined {q.kind.value} {q.qbo_id}: {q.error}", markup=False)
    for error in result.errors:
        session.out.print(f"  error: {error}", markup=False)
    if result.parked_until is not None:
        session.out.print(f"  HubSpot's daily limit is reached: resumes {result.parked_until}")


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if value else "-"


@sync.command("status", context_settings=CONTEXT, short_help="Last runs, links, backlog.")
@realm_option
@json_option
@pass_session
def sync_status(session: Session, realm: str | None, as_json: bool) -> None:
    """The tenant's last runs, how many records are linked, and what waits for a person."""
    space = session.workspace()
    if space.in_process:
        raise CommandFailed(
            "in-process sandboxes keep no sync state between commands: point the tenant at "
            "`hubqbo sandbox serve` (or real accounts) to follow runs",
            ExitCode.CONFIG,
        )
    realm_id = space.realm(realm)
    name = _store_tenant(space, realm_id)
    with state_store(session) as store:
        runs = store.runs(name, limit=5)
        linked = {kind: len(store.links(name, kind)) for kind in [*KINDS, "line_items"]}
        failed = store.operations(name, states=[OperationState.FAILED])
        dirty = len(store.dirty(name))
        conflicts = len(store.conflicts(name))
    facts = {
        "tenant": name,
        "realm_id": realm_id,
        "linked": linked,
        "failed_operations": len(failed),
        "dirty": dirty,
        "conflicts": conflicts,
        "runs": [
            {
                "run_id": r.run_id,
                "status": r.status.value,
                "started_at": r.started_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                "counts": dict(r.counts),
                "error": r.error,
            }
            for r in runs
        ],
    }
    if as_json:
        session.json(facts)
        return
    session.out.print(f"Sync of tenant {name} (QuickBooks company {realm_id})")
    print_table(
        session.out,
        "Linked records",
        ["Object", "Linked"],
        list(linked.items()),
    )
    if runs:
        print_table(
            session.out,
            "Last runs",
            ["Started", "Ended", "Status", "Written"],
            [
                (
                    _when(r.started_at),
                    _when(r.ended_at),
                    r.status.value,
                    ", ".join(f"{k} {v}" for k, v in sorted(r.counts.items())) or "-",
                )
                for r in runs
            ],
        )
    else:
        session.out.print("No run yet: `hubqbo sync plan`, then `hubqbo sync run`.")
    session.out.print(
        f"Waiting: {dirty} changed record(s) from webhooks, {len(failed)} failed write(s), "
        f"{conflicts} conflict(s)"
    )


@sync.command("link", context_settings=CONTEXT, short_help="Link two records by hand.")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("qbo_id")
@click.argument("hubspot_id")
@realm_option
@pass_session
def sync_link(session: Session, kind: str, qbo_id: str, hubspot_id: str, realm: str | None) -> None:
    """Link the QuickBooks record QBO_ID to the HubSpot record HUBSPOT_ID (an ambiguous pair,
    say); the next run writes onto it."""
    with _engine(session, realm, ()) as (engine, _store):
        engine.link(ObjectKind(kind), qbo_id, hubspot_id)
    session.note(f"linked {kind} {qbo_id} to HubSpot {hubspot_id}")


@sync.command("unlink", context_settings=CONTEXT, short_help="Forget a link.")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("qbo_id")
@realm_option
@click.option("--yes", "-y", is_flag=True, help="Unlink without asking.")
@pass_session
def sync_unlink(session: Session, kind: str, qbo_id: str, realm: str | None, yes: bool) -> None:
    """Forget the link of the QuickBooks record QBO_ID (the HubSpot record stays)."""
    if not yes:
        confirm(f"Forget the link of {kind} {qbo_id}?")
    with _engine(session, realm, ()) as (engine, _store):
        engine.unlink(ObjectKind(kind), qbo_id)
    session.note(f"unlinked {kind} {qbo_id}")


# --------------------------------------------------------------------------- conflicts


def _decoded(value: str | None) -> Any:
    """A conflict's value as stored (JSON text) decoded: ``"Anne"`` → ``Anne``."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def _shown(value: str | None) -> str:
    """A conflict's value for a person (a base kept per side shows once when both agree)."""
    decoded = _decoded(value)
    if isinstance(decoded, dict):
        sides = {str(v) for v in decoded.values()}
        if len(sides) == 1:
            return sides.pop()
        return ", ".join(f"{k} {v}" for k, v in sorted(decoded.items()))
    return "-" if decoded is None else str(decoded)


def _conflict_json(conflict: Conflict) -> dict[str, Any]:
    return {
        "conflict_id": conflict.conflict_id,
        "object": conflict.kind,
        "qbo_id": conflict.qbo_id,
        "hubspot_id": conflict.hubspot_id,
        "field": conflict.field,
        "base": _decoded(conflict.base),
        "qbo_value": _decoded(conflict.qbo_value),
        "hubspot_value": _decoded(conflict.hubspot_value),
        "detected_at": conflict.detected_at.isoformat() if conflict.detected_at else None,
        "resolved_at": conflict.resolved_at.isoformat() if conflict.resolved_at else None,
        "resolution": conflict.resolution,
    }


def _conflict_text(c: Conflict) -> str:
    """One conflict as a few short lines (its id alone on the first: 80 columns hold it)."""
    state = f"resolved: {c.resolution} wins" if c.resolution else "open"
    return (
        f"\n{c.conflict_id}  ({state})\n"
        f"  {c.kind} {c.qbo_id} / HubSpot {c.hubspot_id}, field {c.field}\n"
        f"  QuickBooks: {_shown(c.qbo_value)}\n"
        f"  HubSpot:    {_shown(c.hubspot_value)}\n"
        f"  last synced: {_shown(c.base)}"
    )


@hubqbo.group(context_settings=CONTEXT, short_help="Two-way conflicts waiting for a person.")
def conflicts() -> None:
    """Two-way sync conflicts (a field changed on both sides to different values) kept for a
    person when the tenant's rule is manual: list them, resolve one.

    Settings: conflict_rule and direction = "both" in [tenants.NAME.sync].
    """


@conflicts.command("list", context_settings=CONTEXT, short_help="Open conflicts.")
@realm_option
@click.option("--all", "show_all", is_flag=True, help="Resolved conflicts too.")
@json_option
@pass_session
def conflicts_list(session: Session, realm: str | None, show_all: bool, as_json: bool) -> None:
    """The open conflicts, oldest first, each with both sides' values."""
    with _engine(session, realm, ()) as (engine, _store):
        found = engine.conflicts(include_resolved=show_all)
    if as_json:
        session.json({"tenant": engine.tenant, "conflicts": [_conflict_json(c) for c in found]})
        return
    if not found:
        session.out.print("No conflict waits for a person.")
        return
    session.out.print(f"Conflicts ({len(found)}), oldest first:", markup=False)
    for c in found:
        session.out.print(_conflict_text(c), markup=False)
    session.out.print("\nResolve one: hubqbo conflicts resolve ID qbo|hubspot", markup=False)


@conflicts.command("resolve", context_settings=CONTEXT, short_help="Pick a conflict's winner.")
@click.argument("conflict_id")
@click.argument("winner", type=click.Choice(["qbo", "hubspot"]))
@realm_option
@pass_session
def conflicts_resolve(session: Session, conflict_id: str, winner: str, realm: str | None) -> None:
    """Resolve the open conflict CONFLICT_ID: WINNER's value (qbo or hubspot) is written to the
    other side by the next `hubqbo sync run`."""
    with _engine(session, realm, ()) as (engine, _store):
        if conflict_id not in {c.conflict_id for c in engine.conflicts()}:
            raise CommandFailed(
                f"no open conflict {conflict_id!r}: `hubqbo conflicts list` shows them",
                ExitCode.NOT_FOUND,
            )
        engine.resolve(conflict_id, winner)
    session.note(f"resolved {conflict_id}: {winner} wins at the next `hubqbo sync run`")
