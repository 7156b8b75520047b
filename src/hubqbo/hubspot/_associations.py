"""HubSpot-defined association type ids, in one table.

Why: associations v4 need a ``(category, typeId)`` for every labelled link, and hubqbo reads
which association is the *primary* company of a deal or contact. Each id appears here once;
everything else asks :func:`type_id` or :func:`primary_type_id`. Source: HubSpot's
"Associations v4" guide (the ``HUBSPOT_DEFINED`` table), see ``docs/hubspot.md``.

Example:
    >>> from hubqbo.models import CrmObjectType as T
    >>> type_id(T.DEAL, T.LINE_ITEM), type_id(T.LINE_ITEM, T.DEAL)
    (19, 20)
    >>> primary_type_id(T.DEAL, T.COMPANY)
    5
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from hubqbo.errors import ConfigurationError
from hubqbo.models import CrmObjectType

__all__ = [
    "ASSOCIATION_TYPES",
    "HUBSPOT_DEFINED",
    "AssociationType",
    "primary_type_id",
    "type_id",
]

HUBSPOT_DEFINED = "HUBSPOT_DEFINED"

_T = CrmObjectType


@attrs.frozen
class AssociationType:
    """One HubSpot-defined association type (a direction between two object types).

    Example:
        >>> ASSOCIATION_TYPES[(CrmObjectType.QUOTE, CrmObjectType.CONTACT)].type_id
        69
    """

    from_type: CrmObjectType
    to_type: CrmObjectType
    type_id: int
    primary_type_id: int | None = None
    category: str = HUBSPOT_DEFINED

    def spec(self, *, primary: bool = False) -> dict[str, object]:
        """The v4 ``AssociationSpec`` body item for this type (or its primary variant)."""
        chosen = self.primary_type_id if primary else self.type_id
        if chosen is None:
            raise ConfigurationError(
                f"{self.from_type.value}→{self.to_type.value} has no primary association type"
            )
        return {"associationCategory": self.category, "associationTypeId": chosen}


def _pair(
    a: CrmObjectType,
    b: CrmObjectType,
    a_to_b: int,
    b_to_a: int,
    primary: tuple[int, int] | None = None,
) -> list[AssociationType]:
    pa, pb = primary if primary else (None, None)
    return [AssociationType(a, b, a_to_b, pa), AssociationType(b, a, b_to_a, pb)]


_TABLE: list[AssociationType] = [
    *_pair(_T.DEAL, _T.LINE_ITEM, 19, 20),
    *_pair(_T.DEAL, _T.QUOTE, 63, 64),
    *_pair(_T.QUOTE, _T.LINE_ITEM, 67, 68),
    AssociationType(_T.QUOTE, _T.CONTACT, 69),
    AssociationType(_T.QUOTE, _T.COMPANY, 71),
    *_pair(_T.INVOICE, _T.CONTACT, 177, 178),
    *_pair(_T.INVOICE, _T.COMPANY, 179, 180),
    *_pair(_T.INVOICE, _T.DEAL, 175, 176),
    *_pair(_T.INVOICE, _T.LINE_ITEM, 409, 410),
    *_pair(_T.INVOICE, _T.QUOTE, 407, 408),
    *_pair(_T.CONTACT, _T.COMPANY, 279, 280, primary=(1, 2)),
    *_pair(_T.DEAL, _T.CONTACT, 3, 4),
    *_pair(_T.DEAL, _T.COMPANY, 341, 342, primary=(5, 6)),
]

ASSOCIATION_TYPES: Mapping[tuple[CrmObjectType, CrmObjectType], AssociationType] = {
    (t.from_type, t.to_type): t for t in _TABLE
}
"""Every HubSpot-defined association type hubqbo uses, keyed by ``(from, to)``."""


def _lookup(from_type: CrmObjectType, to_type: CrmObjectType) -> AssociationType:
    try:
        return ASSOCIATION_TYPES[(from_type, to_type)]
    except KeyError:
        raise ConfigurationError(
            f"no HubSpot-defined association type from {from_type.value} to {to_type.value}"
        ) from None


def type_id(from_type: CrmObjectType, to_type: CrmObjectType) -> int:
    """The unlabelled HubSpot-defined type id from ``from_type`` to ``to_type``."""
    return _lookup(from_type, to_type).type_id


def primary_type_id(from_type: CrmObjectType, to_type: CrmObjectType) -> int | None:
    """The *primary* type id (deal→company 5, contact→company 1 ...), if the pair has one."""
    return _lookup(from_type, to_type).primary_type_id
