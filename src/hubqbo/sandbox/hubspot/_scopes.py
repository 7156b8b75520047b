"""Which OAuth scopes a HubSpot request needs: a hand-written table per object and operation.

Why: a token without the right scope must fail offline as it fails online (403
``MISSING_SCOPES``). HubSpot's OpenAPI ``security`` lists are alternatives (one of them
suffices), and the v4 association and properties specs list dozens of scopes for every path, so
the table is written by hand from the per-object specs (``crm-<object>-v3.json``):

- contacts, companies, deals, invoices, tickets: read (GET, search, batch/read) needs
  ``crm.objects.<object>.read``; write (POST, PATCH, DELETE, batch writes, merge) needs
  ``crm.objects.<object>.write``.
- products, line_items, quotes: the same, or ``e-commerce`` instead.
- discounts, fees, taxes: ``e-commerce`` (the sandbox's reading: no per-object scope in our
  specs).
- properties of an object: reading needs ``crm.schemas.<object>.read`` or the object's read
  scopes; writing needs ``crm.schemas.<object>.write``.
- associations between two objects: the read (or write) scopes of both.

Account details, currencies and the OAuth endpoints need no CRM scope.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hubqbo.sandbox.hubspot._model import object_type

__all__ = ["missing_scopes", "required_scopes"]

_DATED = re.compile(r"^\d{4}-\d{2}$")
_ECOMMERCE_TOO = frozenset({"products", "line_items", "quotes"})
_ECOMMERCE_ONLY = frozenset({"discounts", "fees", "taxes"})
_READS = frozenset({"search", "read"})

Need = frozenset[str]
"""Alternatives: the token must hold at least one of them."""


def object_scopes(kind: str, *, write: bool) -> Need:
    """The scopes that let a token read (or write) records of ``kind``.

    Example:
        >>> sorted(object_scopes("products", write=False))
        ['crm.objects.products.read', 'e-commerce']
    """
    if kind in _ECOMMERCE_ONLY:
        return frozenset({"e-commerce"})
    scope = f"crm.objects.{kind}.{'write' if write else 'read'}"
    return frozenset({scope, "e-commerce"}) if kind in _ECOMMERCE_TOO else frozenset({scope})


def _kind(segment: str) -> str | None:
    found = object_type(segment)
    return found.name if found is not None else None


def required_scopes(method: str, segments: Sequence[str]) -> list[Need]:
    """Every need of one request (each a set of alternatives); empty when no scope is needed.

    Example:
        >>> required_scopes("POST", ["crm", "v3", "objects", "deals", "search"])
        [frozenset({'crm.objects.deals.read'})]
    """
    if len(segments) < 4 or segments[0] != "crm":
        return []
    family, version, rest = segments[1], segments[2], list(segments[3:])
    is_read = method == "GET" or (method == "POST" and rest[-1:] and rest[-1] in _READS)
    objects = (family in ("v3", "v4") and version == "objects") or (
        family == "objects" and _DATED.match(version) is not None
    )
    if objects:
        kind = _kind(rest[0])
        if kind is None:
            return []
        if len(rest) >= 4 and rest[2] == "associations":
            other = _kind(rest[3])
            kinds = [kind] if other is None else [kind, other]
            return [object_scopes(k, write=method != "GET") for k in kinds]
        return [object_scopes(kind, write=not is_read)]
    associations = (family == "v4" and version == "associations") or (
        family == "associations" and _DATED.match(version) is not None
    )
    if associations and len(rest) >= 2:
        kinds = [k for k in (_kind(rest[0]), _kind(rest[1])) if k is not None]
        return [object_scopes(k, write=not is_read) for k in kinds]
    properties = (family == "v3" and version == "properties") or (
        family == "properties" and _DATED.match(version) is not None
    )
    if properties:
        kind = _kind(rest[0])
        if kind is None:
            return []
        if method == "GET" or (method == "POST" and rest[-2:] == ["batch", "read"]):
            return [frozenset({f"crm.schemas.{kind}.read"}) | object_scopes(kind, write=False)]
        return [frozenset({f"crm.schemas.{kind}.write"})]
    return []


def missing_scopes(granted: frozenset[str], method: str, segments: Sequence[str]) -> list[str]:
    """The scopes to ask for (sorted alternatives of every unmet need); empty when granted.

    Example:
        >>> missing_scopes(frozenset({"crm.objects.deals.read"}), "PATCH",
        ...                ["crm", "v3", "objects", "deals", "1"])
        ['crm.objects.deals.write']
    """
    unmet = [need for need in required_scopes(method, segments) if not need & granted]
    return sorted({scope for need in unmet for scope in need})
