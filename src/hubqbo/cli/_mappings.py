"""``hubqbo mappings list|add|edit|delete|validate``: the tenant's field mappings.

Why through the state store: a mapping set is versioned data the sync engine reads at every run,
so the command saves each change as the next version of the pair's set in the tenant's state
store (``state_store`` in ``hubqbo.toml``: a SQLite file, or a PostgreSQL DSN), with the version
it was made from (a concurrent change is refused, not overwritten). Until a pair is changed,
its set is HubSpot's defaults (version 1). Every rule — types that fit, read-only targets,
lossy pairs needing a transform or a refusal policy — is ``hubqbo.mapping``'s, checked when the
change is made; ``validate`` checks the sets against the portal's live property definitions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from hubqbo.cli._app import CONTEXT, Session, confirm, hubqbo, json_option, pass_session
from hubqbo.cli._exit import ExitCode
from hubqbo.cli._render import print_table
from hubqbo.errors import MappingError
from hubqbo.hubspot import read_properties
from hubqbo.mapping import (
    Direction,
    FieldMapping,
    HubSpotProperty,
    LossPolicy,
    MappingSet,
    ObjectPair,
    Transform,
    default_mapping_set,
    table_rows,
    validate,
)
from hubqbo.protocols import StateStore

__all__: list[str] = []

PAIRS = [p.value for p in ObjectPair]


@contextmanager
def state_store(session: Session) -> Iterator[StateStore]:
    """The tenant's state store, open for one command (registered for the tenant)."""
    from hubqbo.sync import PostgresStateStore, SQLiteStateStore, default_state_path

    tenant = session.tenant()
    where = tenant.state_store
    store: StateStore
    if where is not None and where.startswith(("postgresql://", "postgres://")):
        store = PostgresStateStore(where)
    else:
        path = Path(where).expanduser() if where else default_state_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        store = SQLiteStateStore(path)
    try:
        store.connect_tenant(tenant.name)
        yield store
    finally:
        store.close()


def _objects(pair: ObjectPair) -> tuple[str, str]:
    return pair.crm_object.value, pair.qbo_entity


def current_set(store: StateStore, tenant: str, pair: ObjectPair) -> tuple[MappingSet, int]:
    """The pair's latest saved set (else the defaults) and the store version it is (0: none)."""
    saved = store.mapping_set(tenant, *_objects(pair))
    if saved is None:
        return default_mapping_set(pair), 0
    return MappingSet.from_json(saved.content), saved.version


def _save(
    session: Session, store: StateStore, pair: ObjectPair, new: MappingSet, based_on: int
) -> None:
    store.save_mapping_set(
        session.tenant().name, *_objects(pair), new.to_json(), expected_version=based_on
    )
    session.note(f"saved {pair.value} mappings v{new.version} ({new.change})")


def _live(session: Session, pair: ObjectPair) -> dict[str, HubSpotProperty]:
    return read_properties(session.workspace().crm(), pair)


def _pairs(names: Sequence[str]) -> list[ObjectPair]:
    return [ObjectPair(n) for n in names] if names else list(ObjectPair)


def _print_set(session: Session, mapping_set: MappingSet, stored: int) -> None:
    origin = "saved" if stored else "HubSpot's defaults"
    print_table(
        session.out,
        f"{mapping_set.pair.value}: HubSpot {mapping_set.pair.crm_object.value} ↔ QuickBooks "
        f"{mapping_set.pair.qbo_entity}, v{mapping_set.version} ({origin})",
        ["HubSpot property", "Dir", "QuickBooks field", "Fit and handling"],
        [(r[0], r[2], r[3], _fit(r[5], r[6])) for r in table_rows(mapping_set)],
        keep=["HubSpot property", "Dir", "QuickBooks field"],
    )


def _fit(fit: str, handling: str) -> str:
    handling = handling.replace("refuse lossy values", "refuse lossy")
    return fit if handling == "-" else f"{fit}; {handling}"


pair_argument = click.argument("pair", type=click.Choice(PAIRS))
direction_choice = click.Choice([d.value for d in Direction])
transform_choice = click.Choice([t.value for t in Transform])


@hubqbo.group(context_settings=CONTEXT, short_help="List and change field mappings.")
def mappings() -> None:
    """List and change which HubSpot property maps to which QuickBooks field.

    PAIR is contact (contacts ↔ Customer), product (products ↔ Item) or invoice
    (invoices ↔ Invoice). Directions: qbo_to_hubspot (<-), hubspot_to_qbo (->),
    both (<->). Each change is saved as a new version in the tenant's state store.
    """


@mappings.command("list", context_settings=CONTEXT)
@click.argument("pairs", nargs=-1, type=click.Choice(PAIRS), metavar="[PAIR]...")
@json_option
@pass_session
def mappings_list(session: Session, pairs: tuple[str, ...], as_json: bool) -> None:
    """Show the mapping sets (all pairs by default)."""
    found: list[dict[str, Any]] = []
    with state_store(session) as store:
        for pair in _pairs(pairs):
            mapping_set, stored = current_set(store, session.tenant().name, pair)
            if as_json:
                found.append({"stored_version": stored, **mapping_set.to_dict()})
            else:
                _print_set(session, mapping_set, stored)
    if as_json:
        session.json(found)


def _transform(value: str | None) -> Transform | None:
    return None if value is None else Transform(value)


@mappings.command("add", context_settings=CONTEXT)
@pair_argument
@click.argument("hubspot_property")
@click.argument("qbo_field")
@click.option(
    "--direction",
    type=direction_choice,
    default=Direction.QBO_TO_HUBSPOT.value,
    show_default=True,
    help="Which way values flow.",
)
@click.option("--transform", type=transform_choice, help="Accept one kind of loss.")
@click.option(
    "--refuse-lossy", is_flag=True, help="Refuse, per record, each value that would lose data."
)
@click.option(
    "--offline",
    is_flag=True,
    help="Do not read HubSpot's property definition (its type is then 'string').",
)
@pass_session
def mappings_add(  # noqa: PLR0917 - click passes options as arguments
    session: Session,
    pair: str,
    hubspot_property: str,
    qbo_field: str,
    direction: str,
    transform: str | None,
    refuse_lossy: bool,
    offline: bool,
) -> None:
    """Map HUBSPOT_PROPERTY to QBO_FIELD (a path: GivenName, BillAddr.City...)."""
    chosen = ObjectPair(pair)
    policy = LossPolicy.REFUSE if refuse_lossy else None
    live = None if offline else _live(session, chosen)
    if live is not None:
        if hubspot_property not in live:
            raise MappingError(
                f"HubSpot has no {chosen.crm_object.value} property {hubspot_property!r}"
            )
        mapping = FieldMapping.between(
            live[hubspot_property],
            qbo_field,
            Direction(direction),
            transform=_transform(transform),
            policy=policy,
        )
    else:
        mapping = FieldMapping(
            hubspot_property,
            qbo_field,
            Direction(direction),
            transform=_transform(transform),
            policy=policy,
        )
    with state_store(session) as store:
        current, stored = current_set(store, session.tenant().name, chosen)
        _save(session, store, chosen, current.add(mapping, hubspot=live), stored)


@mappings.command("edit", context_settings=CONTEXT)
@pair_argument
@click.argument("name")
@click.option("--direction", type=direction_choice, help="Which way values flow.")
@click.option("--transform", type=transform_choice, help="Accept one kind of loss.")
@click.option("--no-transform", is_flag=True, help="Remove the transform.")
@click.option(
    "--refuse-lossy/--accept-lossy",
    default=None,
    help="Refuse lossy values per record, or stop refusing them.",
)
@click.option("--offline", is_flag=True, help="Do not read HubSpot's property definitions.")
@pass_session
def mappings_edit(  # noqa: PLR0917 - click passes options as arguments
    session: Session,
    pair: str,
    name: str,
    direction: str | None,
    transform: str | None,
    no_transform: bool,
    refuse_lossy: bool | None,
    offline: bool,
) -> None:
    """Change the mapping NAME (its key, HubSpot property or QuickBooks field)."""
    chosen = ObjectPair(pair)
    changes: dict[str, Any] = {}
    if direction is not None:
        changes["direction"] = Direction(direction)
    if transform is not None and no_transform:
        raise click.UsageError("--transform and --no-transform exclude each other")
    if transform is not None:
        changes["transform"] = Transform(transform)
    if no_transform:
        changes["transform"] = None
    if refuse_lossy is not None:
        changes["policy"] = LossPolicy.REFUSE if refuse_lossy else None
    if not changes:
        raise click.UsageError("nothing to change: give --direction, --transform, ...")
    live = None if offline else _live(session, chosen)
    with state_store(session) as store:
        current, stored = current_set(store, session.tenant().name, chosen)
        _save(session, store, chosen, current.edit(name, hubspot=live, **changes), stored)


@mappings.command("delete", context_settings=CONTEXT)
@pair_argument
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Delete without asking.")
@pass_session
def mappings_delete(session: Session, pair: str, name: str, yes: bool) -> None:
    """Remove the mapping NAME (its key, HubSpot property or QuickBooks field)."""
    chosen = ObjectPair(pair)
    with state_store(session) as store:
        current, stored = current_set(store, session.tenant().name, chosen)
        doomed = current.get(name)
        if not yes:
            confirm(f"Delete the {pair} mapping {doomed.key}?")
        _save(session, store, chosen, current.delete(name), stored)


@mappings.command("validate", context_settings=CONTEXT)
@click.argument("pairs", nargs=-1, type=click.Choice(PAIRS), metavar="[PAIR]...")
@json_option
@pass_session
def mappings_validate(session: Session, pairs: tuple[str, ...], as_json: bool) -> int:
    """Check the mapping sets against HubSpot's live property definitions."""
    report: list[dict[str, Any]] = []
    with state_store(session) as store:
        for pair in _pairs(pairs):
            mapping_set, _stored = current_set(store, session.tenant().name, pair)
            problems = validate(mapping_set, _live(session, pair))
            report.append(
                {
                    "pair": pair.value,
                    "version": mapping_set.version,
                    "problems": [
                        {"mapping": p.mapping, "kind": p.kind.value, "message": str(p)}
                        for p in problems
                    ],
                }
            )
    if as_json:
        session.json(report)
    else:
        for entry in report:
            count = len(entry["problems"])
            verdict = "valid" if not count else f"{count} problem(s)"
            session.out.print(f"{entry['pair']} v{entry['version']}: {verdict}")
            for problem in entry["problems"]:
                session.out.print(f"  - {problem['message']}", markup=False)
    if any(entry["problems"] for entry in report):
        return int(ExitCode.PROBLEMS)
    return int(ExitCode.OK)
