"""What can be wrong with a mapping (when it is saved or validated) or with one mapped value.

Why one class for both: the CLI, the notebook view and the sync run's refusal log show them the
same way (which mapping, what is wrong, what to do), and a caller filters by ``kind``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

__all__ = ["MappingProblem", "ProblemKind"]


class ProblemKind(str, enum.Enum):
    """The kinds of mapping problems: schema problems first, then value problems."""

    # --- the mapping itself (saved or validated)
    UNKNOWN_HUBSPOT_PROPERTY = "unknown_hubspot_property"
    UNKNOWN_QBO_FIELD = "unknown_qbo_field"
    CUSTOM_FIELD_NOT_ALLOWED = "custom_field_not_allowed"
    READ_ONLY_TARGET = "read_only_target"
    INCOMPATIBLE_TYPES = "incompatible_types"
    UNKNOWN_HUBSPOT_TYPE = "unknown_hubspot_type"
    LOSSY_WITHOUT_POLICY = "lossy_without_policy"
    TRANSFORM_NOT_APPLICABLE = "transform_not_applicable"
    TYPE_CHANGED = "type_changed"
    CONFLICTING_TYPES = "conflicting_types"
    DUPLICATE_MAPPING = "duplicate_mapping"
    DUPLICATE_TARGET = "duplicate_target"
    # --- one value of one record
    INVALID_SOURCE_VALUE = "invalid_source_value"
    TOO_LONG = "too_long"
    INVALID_EMAIL = "invalid_email"
    SEVERAL_EMAILS = "several_emails"
    UNKNOWN_OPTION = "unknown_option"
    NOT_FINITE = "not_finite"
    NOT_AN_INTEGER = "not_an_integer"
    TIME_OF_DAY = "time_of_day"

    @property
    def is_type_problem(self) -> bool:
        """True for the kinds ``MappingTypeError`` reports (the two sides' types do not fit)."""
        return self in _TYPE_KINDS

    @property
    def is_value_problem(self) -> bool:
        """True for a problem with one record's value (from ``map_record``)."""
        return self in _VALUE_KINDS


_TYPE_KINDS = frozenset(
    {
        ProblemKind.INCOMPATIBLE_TYPES,
        ProblemKind.UNKNOWN_HUBSPOT_TYPE,
        ProblemKind.LOSSY_WITHOUT_POLICY,
        ProblemKind.TRANSFORM_NOT_APPLICABLE,
        ProblemKind.TYPE_CHANGED,
        ProblemKind.CONFLICTING_TYPES,
    }
)
_VALUE_KINDS = frozenset(
    {
        ProblemKind.INVALID_SOURCE_VALUE,
        ProblemKind.TOO_LONG,
        ProblemKind.INVALID_EMAIL,
        ProblemKind.SEVERAL_EMAILS,
        ProblemKind.UNKNOWN_OPTION,
        ProblemKind.NOT_FINITE,
        ProblemKind.NOT_AN_INTEGER,
        ProblemKind.TIME_OF_DAY,
    }
)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class MappingProblem:
    """One problem: which mapping (its key), what kind, a message saying what to do.

    Attributes:
        kind: what is wrong.
        mapping: the mapping's key (``firstname:GivenName``), or ``None`` for the whole set.
        message: a sentence naming both sides and the reason.
        suggestions: the nearest existing names, for a misspelled one.
        target: the field or property a value problem is about (the target side's name).

    Example:
        >>> p = MappingProblem(ProblemKind.TOO_LONG, "lastname:FamilyName",
        ...                    "FamilyName takes at most 15 characters, got 19")
        >>> str(p)
        'lastname:FamilyName: FamilyName takes at most 15 characters, got 19'
    """

    kind: ProblemKind
    mapping: str | None
    message: str
    suggestions: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    target: str | None = None

    def __str__(self) -> str:
        hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
        where = f"{self.mapping}: " if self.mapping else ""
        return f"{where}{self.message}{hint}"
