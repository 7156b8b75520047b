"""A versioned, immutable set of field mappings for one object pair.

Why immutable with numbered versions: a sync run records the version it used, so the mapping of
any value written can be traced; a change is a new version (``add``/``edit``/``delete``), two
versions can be diffed, and a version's ``digest`` proves it was not altered in the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from hubqbo.errors import MappingError, MappingTypeError
from hubqbo.mapping._model import FieldMapping, ObjectPair
from hubqbo.mapping._problems import MappingProblem
from hubqbo.mapping._render import MappingView, render_html, render_text
from hubqbo.mapping._rules import mapping_problems, set_problems, suggest
from hubqbo.mapping._status import StatusLike
from hubqbo.mapping._types import HubSpotProperty

__all__ = ["MappingDiff", "MappingSet", "raise_for_problems"]

FORMAT = "hubqbo.mapping_set/1"
"""The ``format`` tag of :meth:`MappingSet.to_json` documents."""


def _properties(
    hubspot: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty] | None,
) -> dict[str, HubSpotProperty] | None:
    if hubspot is None:
        return None
    if isinstance(hubspot, Mapping):
        return dict(hubspot)
    return {p.name: p for p in hubspot}


def raise_for_problems(problems: list[MappingProblem], what: str) -> None:
    """Raise ``MappingTypeError`` (type problems) or ``MappingError`` naming every problem."""
    if not problems:
        return
    listed = "; ".join(str(p) for p in problems)
    message = f"{what} refused: {listed}"
    if any(p.kind.is_type_problem for p in problems):
        raise MappingTypeError(message, problems)
    raise MappingError(message, problems)


@attrs.frozen
class MappingDiff:
    """What changed between two versions of a mapping set.

    Example:
        >>> from hubqbo.mapping import default_mapping_set, ObjectPair, FieldMapping
        >>> v1 = default_mapping_set(ObjectPair.PRODUCT)
        >>> v2 = v1.delete("hs_sku:Sku")
        >>> [m.key for m in v1.diff(v2).removed]
        ['hs_sku:Sku']
    """

    from_version: int
    to_version: int
    added: tuple[FieldMapping, ...] = ()
    removed: tuple[FieldMapping, ...] = ()
    changed: tuple[tuple[FieldMapping, FieldMapping], ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the two versions map the same way."""
        return not (self.added or self.removed or self.changed)

    def __str__(self) -> str:
        lines = [f"v{self.from_version} -> v{self.to_version}"]
        lines += [f"+ {m}" for m in self.added]
        lines += [f"- {m}" for m in self.removed]
        for old, new in self.changed:
            fields = [
                a.name
                for a in attrs.fields(FieldMapping)
                if getattr(old, a.name) != getattr(new, a.name)
            ]
            lines.append(f"~ {new.key}: {', '.join(fields)}")
        if self.is_empty:
            lines.append("  (no change)")
        return "\n".join(lines)


def _mappings(value: Iterable[FieldMapping]) -> tuple[FieldMapping, ...]:
    return tuple(value)


@attrs.frozen
class MappingSet:
    """The field mappings of one object pair, at one version.

    Every change returns a new set whose ``version`` is one more and whose ``based_on`` is this
    version; the change is checked first (``MappingTypeError`` for types that do not fit, naming
    both sides; ``MappingError`` for anything else), so an invalid set is never made.

    Example:
        >>> from hubqbo.mapping import (FieldMapping, Direction, LossPolicy, ObjectPair,
        ...                             default_mapping_set)
        >>> contacts = default_mapping_set(ObjectPair.CONTACT)
        >>> v2 = contacts.add(FieldMapping("jobtitle", "Title", Direction.BOTH))
        >>> v2.version, v2.based_on, len(v2) - len(contacts)
        (2, 1, 1)
        >>> v3 = v2.edit("jobtitle:Title", direction=Direction.QBO_TO_HUBSPOT)
        >>> v3.get("jobtitle:Title").direction.value
        'qbo_to_hubspot'
    """

    pair: ObjectPair = attrs.field(converter=ObjectPair)
    mappings: tuple[FieldMapping, ...] = attrs.field(default=(), converter=_mappings)
    version: int = 1
    based_on: int | None = None
    change: str = ""
    """What made this version (``add firstname:GivenName``), empty for a first version."""

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        pair: ObjectPair,
        mappings: Iterable[FieldMapping] = (),
        *,
        hubspot: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty] | None = None,
        version: int = 1,
    ) -> MappingSet:
        """A first version, checked like every change.

        Raises:
            MappingTypeError: a mapping joins types that do not fit.
            MappingError: any other problem (unknown field, read-only target, duplicate).
        """
        made = cls(pair, tuple(mappings), version=version)
        made._check(made.mappings, _properties(hubspot), f"mapping set {pair.value}")
        return made

    def _check(
        self,
        mappings: tuple[FieldMapping, ...],
        hubspot: Mapping[str, HubSpotProperty] | None,
        what: str,
        only: Iterable[FieldMapping] | None = None,
    ) -> None:
        problems: list[MappingProblem] = []
        for m in mappings if only is None else only:
            problems.extend(mapping_problems(m, self.pair, hubspot=hubspot))
        problems.extend(set_problems(mappings))
        raise_for_problems(problems, what)

    def _next(self, mappings: tuple[FieldMapping, ...], change: str) -> MappingSet:
        return MappingSet(self.pair, mappings, self.version + 1, self.version, change)

    # ------------------------------------------------------------------ reading
    def __iter__(self) -> Iterator[FieldMapping]:
        return iter(self.mappings)

    def __len__(self) -> int:
        return len(self.mappings)

    def __contains__(self, key: object) -> bool:
        return any(m.key == key for m in self.mappings)

    @property
    def keys(self) -> tuple[str, ...]:
        """The mappings' keys, in order."""
        return tuple(m.key for m in self.mappings)

    def get(self, name: str) -> FieldMapping:
        """The mapping named by its key, its HubSpot property or its QBO field (when only one
        mapping has it).

        Raises:
            MappingError: no mapping, or several, has that name (with the nearest keys).
        """
        exact = [m for m in self.mappings if m.key == name]
        if exact:
            return exact[0]
        found = [m for m in self.mappings if name in (m.hubspot_property, m.qbo_field)]
        if len(found) == 1:
            return found[0]
        if found:
            keys = ", ".join(m.key for m in found)
            raise MappingError(f"{name!r} names several mappings ({keys}): use the key")
        names = [*self.keys, *(m.hubspot_property for m in self), *(m.qbo_field for m in self)]
        near = suggest(name, dict.fromkeys(names))
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise MappingError(f"the {self.pair.value} mapping set has no mapping {name!r}{hint}")

    # ------------------------------------------------------------------ changes
    def add(
        self,
        mapping: FieldMapping,
        *,
        hubspot: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty] | None = None,
    ) -> MappingSet:
        """A new version with ``mapping`` added (checked against ``hubspot`` definitions when
        given: the property must exist and be writable if written).

        Raises:
            MappingTypeError: the two sides' types do not fit (the message names both).
            MappingError: unknown field, read-only target, duplicate mapping or target.
        """
        mappings = (*self.mappings, mapping)
        self._check(mappings, _properties(hubspot), f"add {mapping.key}", only=[mapping])
        return self._next(mappings, f"add {mapping.key}")

    def edit(
        self,
        name: str,
        replacement: FieldMapping | None = None,
        *,
        hubspot: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty] | None = None,
        **changes: Any,
    ) -> MappingSet:
        """A new version with the mapping ``name`` replaced by ``replacement`` or changed by
        keyword (``direction=``, ``transform=``, ``policy=``, ``qbo_field=`` ...).

        An edited default mapping becomes the user's own (``default=False``).

        Raises:
            MappingTypeError / MappingError: as :meth:`add`.
        """
        old = self.get(name)
        if replacement is None:
            new = attrs.evolve(old, **{"default": False, **changes})
        elif changes:
            raise TypeError("give a replacement mapping or keyword changes, not both")
        else:
            new = replacement
        mappings = tuple(new if m is old else m for m in self.mappings)
        self._check(mappings, _properties(hubspot), f"edit {old.key}", only=[new])
        return self._next(mappings, f"edit {old.key}")

    def delete(self, name: str) -> MappingSet:
        """A new version without the mapping ``name`` (key, HubSpot property or QBO field).

        Raises:
            MappingError: no such mapping.
        """
        old = self.get(name)
        return self._next(tuple(m for m in self.mappings if m is not old), f"delete {old.key}")

    def diff(self, other: MappingSet) -> MappingDiff:
        """What changed from this version to ``other`` (matched by key)."""
        mine = {m.key: m for m in self.mappings}
        theirs = {m.key: m for m in other.mappings}
        return MappingDiff(
            self.version,
            other.version,
            added=tuple(m for k, m in theirs.items() if k not in mine),
            removed=tuple(m for k, m in mine.items() if k not in theirs),
            changed=tuple((mine[k], m) for k, m in theirs.items() if k in mine and mine[k] != m),
        )

    # ------------------------------------------------------------------ storage
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "format": FORMAT,
            "pair": self.pair.value,
            "version": self.version,
            "based_on": self.based_on,
            "change": self.change,
            "mappings": [m.to_dict() for m in self.mappings],
        }

    def to_json(self) -> str:
        """Canonical JSON (sorted keys): equal sets give equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        """SHA-256 of :meth:`to_json`: a stored version can be checked unchanged."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    @classmethod
    def from_json(
        cls,
        text: str | bytes | Mapping[str, Any],
        *,
        hubspot: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty] | None = None,
    ) -> MappingSet:
        """The set :meth:`to_json` wrote, checked again (a stored set that no longer passes
        the rules is refused, not used).

        Raises:
            MappingError: not a mapping set document, or a mapping no longer valid.
        """
        try:
            data = text if isinstance(text, Mapping) else json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
            mappings = tuple(FieldMapping.from_dict(m) for m in data["mappings"])
            made = cls(
                ObjectPair(data["pair"]),
                mappings,
                version=int(data["version"]),
                based_on=None if data.get("based_on") is None else int(data["based_on"]),
                change=str(data.get("change") or ""),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise MappingError(f"not a hubqbo mapping set: {exc}") from None
        made._check(made.mappings, _properties(hubspot), f"stored mapping set v{made.version}")
        return made

    # ------------------------------------------------------------------ views
    def with_status(self, statuses: Mapping[str, StatusLike] | Iterable[StatusLike]) -> MappingView:
        """This set shown with each mapping's sync status (records written and refused, the
        last refusal), as a terminal (``str``) or notebook (``_repr_html_``) table."""
        by_key = statuses if isinstance(statuses, Mapping) else {s.mapping: s for s in statuses}
        return MappingView(self, dict(by_key))

    def __str__(self) -> str:
        return render_text(self)

    def _repr_html_(self) -> str:
        return render_html(self)
