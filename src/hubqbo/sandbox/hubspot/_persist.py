"""Saving a HubSpot sandbox portal to JSON and reading it back (see ``HubSpotSandbox.save``).

Why: the portal's state is made of attrs objects (records, property definitions, association
types, OAuth grants) besides plain values; this module gives each a tag so that
``hubqbo.sandbox._state`` can write and rebuild them exactly.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import attrs

from hubqbo.sandbox._state import SandboxStateError, decode, encode
from hubqbo.sandbox.hubspot._associations import AssociationStore, AssociationType, association_type
from hubqbo.sandbox.hubspot._model import PropertyDef, PropertyGroupDef, object_type
from hubqbo.sandbox.hubspot._store import PortalStore, Record

if TYPE_CHECKING:
    from hubqbo.sandbox.hubspot._transport import HubSpotSandbox

__all__ = ["STATE_FORMAT", "STATE_VERSION", "portal_state", "restore_portal"]

STATE_FORMAT = "hubqbo.sandbox.hubspot"
STATE_VERSION = 1
_STORE_FIELDS = (
    "portal_id",
    "time_zone",
    "company_currency",
    "additional_currencies",
    "currency_created_at",
    "properties",
    "groups",
    "records",
    "unique",
    "associations",
    "next_id",
    "next_number",
    "strict_unique",
)
_SANDBOX_FIELDS = (
    "_static_tokens",
    "_token_scopes",
    "_client_id",
    "_client_secret",
    "_rotate",
    "_codes",
    "_app_id",
)
_SANDBOX_GRANTS = ("_refresh", "_access")
_LIMIT_FIELDS = ("per_ten_seconds", "daily", "search_per_second", "time_zone", "enabled")
_LIMIT_DAY = ("_day", "_day_count")


def _custom(value: Any) -> Any:
    if isinstance(value, PropertyDef):
        return {"$PropertyDef": encode(attrs.asdict(value, recurse=False))}
    if isinstance(value, PropertyGroupDef):
        return {"$PropertyGroupDef": encode(attrs.asdict(value, recurse=False))}
    if isinstance(value, Record):
        fields = attrs.asdict(value, recurse=False)
        fields["kind"] = value.kind.name
        return {"$Record": encode(fields, _custom)}
    if isinstance(value, AssociationType):
        return {"$AssociationType": [value.from_type, value.to_type, value.type_id]}
    if isinstance(value, AssociationStore):
        return {"$AssociationStore": encode(value._edges, _custom)}
    if attrs.has(type(value)) and type(value).__name__ == "Grant":
        return {"$Grant": encode(attrs.asdict(value, recurse=False))}
    raise TypeError(f"cannot save a {type(value).__name__} in a HubSpot sandbox state")


def _rebuild(tag: str, payload: Any) -> Any:
    from hubqbo.sandbox.hubspot._transport import Grant

    if tag == "$PropertyDef":
        return PropertyDef(**decode(payload))
    if tag == "$PropertyGroupDef":
        return PropertyGroupDef(**decode(payload))
    if tag == "$Record":
        fields = decode(payload, _rebuild)
        kind = object_type(fields.pop("kind"))
        if kind is None:
            raise SandboxStateError("a saved record has an unknown object type")
        return Record(kind=kind, **fields)
    if tag == "$AssociationType":
        found = association_type(*payload)
        if found is None:
            raise SandboxStateError(f"unknown association type {payload!r} in a saved state")
        return found
    if tag == "$AssociationStore":
        store = AssociationStore()
        store._edges = decode(payload, _rebuild)
        return store
    if tag == "$Grant":
        return Grant(**decode(payload))
    raise SandboxStateError(f"unknown tag {tag} in a saved HubSpot sandbox state")


def portal_state(sandbox: HubSpotSandbox) -> dict[str, Any]:
    """The sandbox's world as plain JSON data (caller holds the sandbox lock)."""
    store, limits = sandbox.store, sandbox.limits
    return {
        "store": {name: encode(getattr(store, name), _custom) for name in _STORE_FIELDS},
        "sandbox": {name: encode(getattr(sandbox, name), _custom) for name in _SANDBOX_FIELDS},
        "grants": {name: encode(getattr(sandbox, name), _custom) for name in _SANDBOX_GRANTS},
        "limits": {name: encode(getattr(limits, name)) for name in (*_LIMIT_FIELDS, *_LIMIT_DAY)},
        "random": encode(sandbox._random.getstate()),
    }


def restore_portal(sandbox: HubSpotSandbox, state: dict[str, Any]) -> None:
    """Put a saved world into a fresh sandbox."""
    store: PortalStore = sandbox.store
    for name, value in state["store"].items():
        setattr(store, name, decode(value, _rebuild))
    for group in ("sandbox", "grants"):
        for name, value in state[group].items():
            setattr(sandbox, name, decode(value, _rebuild))
    for name, value in state["limits"].items():
        setattr(sandbox.limits, name, decode(value))
    restored = random.Random()  # noqa: S311 - ids for a fake service, not secrets
    restored.setstate(decode(state["random"]))
    sandbox._random = restored
