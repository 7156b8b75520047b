"""Association types (HubSpot-defined ids and their inverses) and the association store.

Why: v4 associations are typed edges; each type id has an inverse (deal→line item 19 is
line item→deal 20) and HubSpot always stores both directions. One table holds the ids the
sandbox accepts; the store keeps both directions in step.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

__all__ = [
    "AssociationStore",
    "AssociationType",
    "association_from",
    "association_type",
    "default_type",
    "types_between",
]


@attrs.frozen
class AssociationType:
    """One directed association type (``category``/``type_id``, ``label`` None when unlabelled)."""

    from_type: str
    to_type: str
    type_id: int
    inverse_id: int
    label: str | None = None
    category: str = "HUBSPOT_DEFINED"
    is_default: bool = True


def _pair(
    a: str, b: str, a_to_b: int, b_to_a: int, label: str | None = None
) -> list[AssociationType]:
    default = label is None
    return [
        AssociationType(a, b, a_to_b, b_to_a, label, is_default=default),
        AssociationType(b, a, b_to_a, a_to_b, label, is_default=default),
    ]


_TABLE: tuple[AssociationType, ...] = (
    *_pair("deals", "line_items", 19, 20),
    *_pair("deals", "quotes", 63, 64),
    *_pair("quotes", "line_items", 67, 68),
    *_pair("quotes", "contacts", 69, 70),
    *_pair("quotes", "companies", 71, 72),
    *_pair("invoices", "contacts", 177, 178),
    *_pair("invoices", "companies", 179, 180),
    *_pair("invoices", "deals", 175, 176),
    *_pair("invoices", "line_items", 409, 410),
    *_pair("invoices", "quotes", 407, 408),
    *_pair("contacts", "companies", 279, 280),
    *_pair("contacts", "companies", 1, 2, "Primary"),
    *_pair("deals", "contacts", 3, 4),
    *_pair("deals", "companies", 341, 342),
    *_pair("deals", "companies", 5, 6, "Primary"),
    # Quote- and invoice-level discounts, fees and taxes. The quote→ and invoice→ ids are
    # HubSpot's (associations guide: quote to discount 362, fee 364, tax 366; invoice to
    # discount 411, fee 413, tax 415); the inverse ids are not in the material we hold and
    # follow HubSpot's pairing (each id's inverse is the next one, as 67/68 and 409/410).
    *_pair("quotes", "discounts", 362, 363),
    *_pair("quotes", "fees", 364, 365),
    *_pair("quotes", "taxes", 366, 367),
    *_pair("invoices", "discounts", 411, 412),
    *_pair("invoices", "fees", 413, 414),
    *_pair("invoices", "taxes", 415, 416),
)
_BY_ID = {(t.from_type, t.to_type, t.type_id): t for t in _TABLE}


def association_type(from_type: str, to_type: str, type_id: int) -> AssociationType | None:
    """The HubSpot-defined type ``type_id`` from ``from_type`` to ``to_type`` (plural names)."""
    return _BY_ID.get((from_type, to_type, type_id))


def association_from(from_type: str, type_id: int, category: str) -> AssociationType | None:
    """The type ``type_id`` leaving ``from_type`` (create bodies name no target type)."""
    for t in _TABLE:
        if t.from_type == from_type and t.type_id == type_id and t.category == category:
            return t
    return None


def default_type(from_type: str, to_type: str) -> AssociationType | None:
    """The unlabelled (default) type between two object types, if HubSpot defines one."""
    for t in _TABLE:
        if t.from_type == from_type and t.to_type == to_type and t.is_default:
            return t
    return None


def types_between(from_type: str, to_type: str) -> list[AssociationType]:
    """Every HubSpot-defined type from ``from_type`` to ``to_type``."""
    return [t for t in _TABLE if t.from_type == from_type and t.to_type == to_type]


_Key = tuple[str, str]  # (object type name, id)


class AssociationStore:
    """Typed edges between records, both directions kept in step.

    Example:
        >>> store = AssociationStore()
        >>> store.add("deals", "1", "line_items", "2", default_type("deals", "line_items"))
        >>> [t.type_id for t in store.types("line_items", "2", "deals", "1")]
        [20]
    """

    def __init__(self) -> None:
        self._edges: dict[_Key, dict[_Key, set[AssociationType]]] = {}

    def add(
        self, from_type: str, from_id: str, to_type: str, to_id: str, kind: AssociationType | None
    ) -> None:
        """Link two records with ``kind`` (and its inverse)."""
        if kind is None:
            return
        inverse = association_type(to_type, from_type, kind.inverse_id)
        self._edges.setdefault((from_type, from_id), {}).setdefault((to_type, to_id), set()).add(
            kind
        )
        if inverse is not None:
            self._edges.setdefault((to_type, to_id), {}).setdefault(
                (from_type, from_id), set()
            ).add(inverse)

    def remove(
        self, from_type: str, from_id: str, to_type: str, to_id: str, kinds: set[int] | None = None
    ) -> None:
        """Drop the link (only the type ids in ``kinds`` when given), both directions."""
        forward = self._edges.get((from_type, from_id), {}).get((to_type, to_id), set())
        dropped = {t for t in forward if kinds is None or t.type_id in kinds}
        inverse_ids = {t.inverse_id for t in dropped}
        forward -= dropped
        backward = self._edges.get((to_type, to_id), {}).get((from_type, from_id), set())
        backward -= {t for t in backward if t.type_id in inverse_ids}
        self._prune((from_type, from_id), (to_type, to_id))
        self._prune((to_type, to_id), (from_type, from_id))

    def _prune(self, a: _Key, b: _Key) -> None:
        edges = self._edges.get(a)
        if edges is not None and not edges.get(b):
            edges.pop(b, None)

    def remove_record(self, object_type: str, object_id: str) -> None:
        """Forget every link of a record (on archive)."""
        for to_type, to_id in list(self._edges.get((object_type, object_id), {})):
            self.remove(object_type, object_id, to_type, to_id)

    def types(
        self, from_type: str, from_id: str, to_type: str, to_id: str
    ) -> list[AssociationType]:
        """The types linking one record to another, by type id."""
        found = self._edges.get((from_type, from_id), {}).get((to_type, to_id), set())
        return sorted(found, key=lambda t: t.type_id)

    def linked(
        self, from_type: str, from_id: str, to_type: str
    ) -> Iterator[tuple[str, list[AssociationType]]]:
        """(id, types) of each ``to_type`` record linked to one record, by numeric id."""
        edges = self._edges.get((from_type, from_id), {})
        ids = sorted((i for (t, i) in edges if t == to_type), key=lambda i: (len(i), i))
        for to_id in ids:
            yield to_id, sorted(edges[(to_type, to_id)], key=lambda t: t.type_id)
