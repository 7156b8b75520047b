"""Alternation quarantine: a linked record whose values hubqbo keeps writing back and forth
between runs is left alone, with an explanation, until a person releases it.

Why: two-way sync copies each side's change to the other. When something outside keeps
flipping a field on one side (an automation, a workflow, a second integration), or two
rules fight, every run writes again — the loop users of other integrations complain about.
Echo suppression cannot see it: each write is a real change on the other side. So the link's
base snapshot keeps, per field, the last few values hubqbo wrote (``#w:<property>``, a JSON
list, oldest first, a value sent again not repeated; a write whose answer was lost counts
when the next run finds both sides equal; ``#`` keys are hubqbo's flags, never compared as
values), and a record
whose next write would make a field go back and forth (A, B, A, B: see
:func:`hubqbo.sync.alternating_fields`) is quarantined instead of written. The quarantine is
kept in the store (a cursor row ``alternating:<object>:<QBO id>`` holding the fields and
their values), shown in the plan and the run's result, and lasts until
``engine.release(kind, qbo_id)``, which also forgets the history.

Example:
    >>> base = remember_writes({}, {"phone": "555-1"})
    >>> base = remember_writes(base, {"phone": "555-2"})
    >>> written_history(remember_writes(base, {"phone": "555-1"}), "phone")
    ['555-1', '555-2', '555-1']
    >>> would_alternate(remember_writes(base, {"phone": "555-1"}), {"phone": "555-2"})
    {'phone': ('555-1', '555-2', '555-1', '555-2')}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import attrs

from hubqbo.idempotency import canonical_json
from hubqbo.protocols import Cursor
from hubqbo.sync._config import ObjectKind
from hubqbo.sync._threeway import alternating_fields

__all__ = [
    "ALTERNATING_STREAM",
    "HISTORY",
    "WRITTEN_PREFIX",
    "Alternation",
    "alternations",
    "forget_writes",
    "remember_writes",
    "would_alternate",
    "written_history",
]

WRITTEN_PREFIX = "#w:"
"""Base snapshot keys holding the last values hubqbo wrote to a property (either side)."""
HISTORY = 3
"""Values kept per field: enough to see A, B, A and refuse the next B."""
ALTERNATING_STREAM = "alternating:"
"""Cursor rows of quarantined records: ``alternating:<object>:<QBO id>`` → the fields."""


def written_history(base: Mapping[str, str], name: str) -> list[str]:
    """The values hubqbo last wrote to ``name``, oldest first (empty when none or unreadable)."""
    raw = base.get(f"{WRITTEN_PREFIX}{name}")
    try:
        values = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [str(v) for v in values] if isinstance(values, list) else []


def remember_writes(base: Mapping[str, str], written: Mapping[str, str]) -> dict[str, str]:
    """``base`` with each written value appended to its field's history (the last
    :data:`HISTORY` kept; the value written last, sent again — a retry, a resumed run —
    is not a new value)."""
    out = dict(base)
    for name, value in written.items():
        history = written_history(base, name)
        if history and history[-1] == value:
            continue
        history = [*history, value][-HISTORY:]
        out[f"{WRITTEN_PREFIX}{name}"] = canonical_json(history)
    return out


def forget_writes(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` without any write history (a released record starts afresh)."""
    return {k: v for k, v in base.items() if not k.startswith(WRITTEN_PREFIX)}


def would_alternate(
    base: Mapping[str, str], written: Mapping[str, str]
) -> dict[str, tuple[str, ...]]:
    """The fields whose history plus the value about to be written goes back and forth,
    with those values (empty: write away)."""
    out = {}
    for name, value in sorted(written.items()):
        values = [*written_history(base, name), value]
        if alternating_fields([{name: v} for v in values]):
            out[name] = tuple(values)
    return out


@attrs.frozen
class Alternation:
    """A record quarantined because its values kept alternating between runs.

    Attributes:
        kind: the object.
        qbo_id, hubspot_id: the linked pair.
        fields: per HubSpot property, the values hubqbo wrote and the one it would write
            next, oldest first.
        label: the record's name, for people.
    """

    kind: ObjectKind
    qbo_id: str
    hubspot_id: str
    fields: Mapping[str, tuple[str, ...]] = attrs.field(hash=False)
    label: str = ""

    @property
    def stream(self) -> str:
        """Its cursor row's name in the store."""
        return f"{ALTERNATING_STREAM}{self.kind.value}:{self.qbo_id}"

    def explanation(self) -> str:
        """Why the record is quarantined, with the values, and how to release it.

        Example:
            >>> Alternation(ObjectKind.CONTACTS, "7", "501", {"phone": ("1", "2", "1", "2")}
            ...             ).explanation()  # doctest: +NORMALIZE_WHITESPACE
            "values alternate between runs: phone '1' → '2' → '1' → '2' (something outside
            keeps changing it back, or two rules fight); not written until released:
            engine.release(ObjectKind.CONTACTS, '7')"
        """
        fields = "; ".join(
            f"{name} " + " → ".join(repr(v) for v in values)
            for name, values in sorted(self.fields.items())
        )
        return (
            f"values alternate between runs: {fields} (something outside keeps changing it "
            "back, or two rules fight); not written until released: "
            f"engine.release(ObjectKind.{self.kind.name}, {self.qbo_id!r})"
        )

    def cursor(self) -> Cursor:
        """The store row that keeps the quarantine."""
        value = {
            "hubspot_id": self.hubspot_id,
            "label": self.label,
            "fields": {k: list(v) for k, v in self.fields.items()},
        }
        return Cursor(self.stream, canonical_json(value))


def alternations(rows: Iterable[Cursor]) -> dict[tuple[ObjectKind, str], Alternation]:
    """The quarantined records kept in a tenant's cursor rows (a released one's row is
    empty), by object and QBO id."""
    out = {}
    for row in rows:
        if not row.stream.startswith(ALTERNATING_STREAM) or not row.value:
            continue
        kind_name, _, qbo_id = row.stream[len(ALTERNATING_STREAM) :].partition(":")
        try:
            kind = ObjectKind(kind_name)
            data = json.loads(row.value)
        except ValueError:
            continue
        fields = {str(k): tuple(str(x) for x in v) for k, v in dict(data["fields"]).items()}
        out[(kind, qbo_id)] = Alternation(
            kind, qbo_id, str(data.get("hubspot_id") or ""), fields, str(data.get("label") or "")
        )
    return out
