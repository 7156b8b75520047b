"""The HubSpot side of the type table and the verdict on each pair, as data.

Why: whether a HubSpot property may feed a QBO field (or the reverse) is a fixed rule of the two
type systems, so it is written once as a matrix (``MATRIX``) that the docs render and the tests
walk, plus three refinements that depend on the pair's details: a QBO maximum length, the two
sides' enumeration options, and QBO e-mail fields that may hold several addresses.

Verdicts, per direction (the value flows from the source to the target):

* **compatible**: every source value has exactly one target value, and back;
* **lossy**: some values lose information on the way (:class:`Loss` says which); accepted only
  with a transform that resolves each loss or with ``LossPolicy.REFUSE`` (values that would lose
  information are refused record by record, never altered), and reported as lossy;
* **incompatible**: no meaningful conversion (a date into a number): ``MappingTypeError``.

HubSpot kinds are HubSpot's property ``type`` with three refinements (see
:attr:`HubSpotProperty.kind`): ``multi`` (multi-checkbox), ``file``, and ``bool`` for a
``booleancheckbox`` enumeration of ``true``/``false``. ``phone_number`` reads as ``string``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from hubqbo.mapping._types import HubSpotProperty, QboField, QboType

__all__ = [
    "HUBSPOT_EMAIL_PROPERTIES",
    "HUBSPOT_KINDS",
    "MATRIX",
    "Loss",
    "PairKind",
    "PairVerdict",
    "pair_verdict",
]


class PairKind(str, enum.Enum):
    """How well a HubSpot property and a QBO field fit, in one direction."""

    COMPATIBLE = "compatible"
    LOSSY = "lossy"
    INCOMPATIBLE = "incompatible"


class Loss(str, enum.Enum):
    """What a lossy pair can lose."""

    LENGTH = "length"
    """A string longer than the target's maximum length."""
    TEXT = "text"
    """A typed value (number, boolean, date) written as text: its type is lost."""
    TIME = "time"
    """A datetime written as a date: the time of day is lost."""
    OPTIONS = "options"
    """An enumeration value (or free text) with no counterpart among the target's options."""
    FRACTION = "fraction"
    """A decimal written to an integer field."""
    EMAILS = "emails"
    """Several comma-separated addresses into a field that holds one (HubSpot's ``email``,
    QBO's ``BillEmail``)."""


@attrs.frozen
class PairVerdict:
    """The verdict on one pair in one direction, with the reason a message quotes."""

    kind: PairKind
    reason: str
    losses: tuple[Loss, ...] = ()

    @property
    def lossy(self) -> bool:
        """True for a lossy pair."""
        return self.kind is PairKind.LOSSY


HUBSPOT_KINDS = ("string", "number", "bool", "date", "datetime", "enumeration", "multi", "file")
"""HubSpot kinds, in the order the matrix is shown."""

HUBSPOT_EMAIL_PROPERTIES = frozenset({"email"})
"""HubSpot properties that hold one e-mail address (HubSpot validates the contact's
``email``); a QBO e-mail field, which may hold several comma-separated addresses, is lossy into
them (``Loss.EMAILS``)."""

C, L, X = PairKind.COMPATIBLE, PairKind.LOSSY, PairKind.INCOMPATIBLE
_Cell = tuple[PairKind, tuple[Loss, ...], str]
_NOT_NUMBER = "text is not a number"
_NOT_BOOL = "text is not true/false"
_NOT_DATE = "text is not a date"


def _c(reason: str = "same kind of value") -> _Cell:
    return (C, (), reason)


def _l(loss: Loss, reason: str) -> _Cell:
    return (L, (loss,), reason)


def _x(reason: str) -> _Cell:
    return (X, (), reason)


_AS_TEXT = "written as text, the value's type is lost"
_TO_OPTIONS = "a value may not be one of the target's options"

MATRIX: Mapping[tuple[str, QboType], tuple[_Cell, _Cell]] = {
    # (HubSpot kind, QBO type): (HubSpot -> QBO, QBO -> HubSpot)
    ("string", QboType.STRING): (_c("text to text"), _c("text to text")),
    ("string", QboType.DECIMAL): (_x(_NOT_NUMBER), _l(Loss.TEXT, _AS_TEXT)),
    ("string", QboType.INTEGER): (_x(_NOT_NUMBER), _l(Loss.TEXT, _AS_TEXT)),
    ("string", QboType.BOOLEAN): (_x(_NOT_BOOL), _l(Loss.TEXT, _AS_TEXT)),
    ("string", QboType.DATE): (_x(_NOT_DATE), _l(Loss.TEXT, _AS_TEXT)),
    ("string", QboType.DATETIME): (_x(_NOT_DATE), _l(Loss.TEXT, _AS_TEXT)),
    ("string", QboType.ENUM): (_l(Loss.OPTIONS, _TO_OPTIONS), _c("an option is text")),
    ("string", QboType.REFERENCE): (_c("an id or code as text"), _c("an id or code as text")),
    ("number", QboType.STRING): (_l(Loss.TEXT, _AS_TEXT), _x(_NOT_NUMBER)),
    ("number", QboType.DECIMAL): (_c("decimal to decimal"), _c("decimal to decimal")),
    ("number", QboType.INTEGER): (
        _l(Loss.FRACTION, "a decimal may have a fraction the integer field cannot hold"),
        _c("an integer is a number"),
    ),
    ("number", QboType.BOOLEAN): (_x("a number is not true/false"), _x("true/false is no number")),
    ("number", QboType.DATE): (_x("a number is not a date"), _x("a date is not a number")),
    ("number", QboType.DATETIME): (_x("a number is not a date"), _x("a date is not a number")),
    ("number", QboType.ENUM): (_x("a number is not an option"), _x("an option is not a number")),
    ("number", QboType.REFERENCE): (
        _x("a reference is an id, not a quantity"),
        _x("a reference is an id, not a quantity"),
    ),
    ("bool", QboType.STRING): (_l(Loss.TEXT, _AS_TEXT), _x(_NOT_BOOL)),
    ("bool", QboType.DECIMAL): (_x("true/false is no number"), _x("a number is not true/false")),
    ("bool", QboType.INTEGER): (_x("true/false is no number"), _x("a number is not true/false")),
    ("bool", QboType.BOOLEAN): (_c("true/false to true/false"), _c("true/false to true/false")),
    ("bool", QboType.DATE): (_x("true/false is not a date"), _x("a date is not true/false")),
    ("bool", QboType.DATETIME): (_x("true/false is not a date"), _x("a date is not true/false")),
    ("bool", QboType.ENUM): (_x("true/false is not an option"), _x("an option is not true/false")),
    ("bool", QboType.REFERENCE): (_x("true/false is not an id"), _x("an id is not true/false")),
    ("date", QboType.STRING): (_l(Loss.TEXT, _AS_TEXT), _x(_NOT_DATE)),
    ("date", QboType.DECIMAL): (_x("a date is not a number"), _x("a number is not a date")),
    ("date", QboType.INTEGER): (_x("a date is not a number"), _x("a number is not a date")),
    ("date", QboType.BOOLEAN): (_x("a date is not true/false"), _x("true/false is not a date")),
    ("date", QboType.DATE): (_c("calendar date to calendar date"), _c("calendar date to date")),
    ("date", QboType.DATETIME): (
        _c("the day's start in the QBO company's time zone"),
        _l(Loss.TIME, "the time of day is lost"),
    ),
    ("date", QboType.ENUM): (_x("a date is not an option"), _x("an option is not a date")),
    ("date", QboType.REFERENCE): (_x("a date is not an id"), _x("an id is not a date")),
    ("datetime", QboType.STRING): (_l(Loss.TEXT, _AS_TEXT), _x(_NOT_DATE)),
    ("datetime", QboType.DECIMAL): (_x("a date is not a number"), _x("a number is not a date")),
    ("datetime", QboType.INTEGER): (_x("a date is not a number"), _x("a number is not a date")),
    ("datetime", QboType.BOOLEAN): (_x("a date is not true/false"), _x("true/false is no date")),
    ("datetime", QboType.DATE): (
        _l(Loss.TIME, "the time of day is lost"),
        _c("the day's start in the HubSpot portal's time zone"),
    ),
    ("datetime", QboType.DATETIME): (_c("instant to instant"), _c("instant to instant")),
    ("datetime", QboType.ENUM): (_x("a date is not an option"), _x("an option is not a date")),
    ("datetime", QboType.REFERENCE): (_x("a date is not an id"), _x("an id is not a date")),
    ("enumeration", QboType.STRING): (_c("an option is text"), _l(Loss.OPTIONS, _TO_OPTIONS)),
    ("enumeration", QboType.DECIMAL): (_x("an option is not a number"), _x(_NOT_NUMBER)),
    ("enumeration", QboType.INTEGER): (_x("an option is not a number"), _x(_NOT_NUMBER)),
    ("enumeration", QboType.BOOLEAN): (
        _x("an option is not true/false (use a true/false checkbox property)"),
        _x("true/false is not an option list"),
    ),
    ("enumeration", QboType.DATE): (_x("an option is not a date"), _x("a date is not an option")),
    ("enumeration", QboType.DATETIME): (
        _x("an option is not a date"),
        _x("a date is not an option"),
    ),
    ("enumeration", QboType.ENUM): (_c("option to option"), _c("option to option")),
    ("enumeration", QboType.REFERENCE): (
        _c("an option's value as an id or code"),
        _l(Loss.OPTIONS, _TO_OPTIONS),
    ),
    ("multi", QboType.STRING): (
        _l(Loss.TEXT, "several options joined by ';' as text"),
        _l(Loss.OPTIONS, _TO_OPTIONS),
    ),
    **{
        ("multi", t): (
            _x("several options do not fit one value"),
            _x("one value is not a set of options"),
        )
        for t in (
            QboType.DECIMAL,
            QboType.INTEGER,
            QboType.BOOLEAN,
            QboType.DATE,
            QboType.DATETIME,
            QboType.ENUM,
            QboType.REFERENCE,
        )
    },
    ("file", QboType.STRING): (
        _l(Loss.TEXT, "a HubSpot file property holds file ids, not the file"),
        _x("text is not a HubSpot file id"),
    ),
    **{
        ("file", t): (_x("a file is not a value"), _x("a value is not a file"))
        for t in (
            QboType.DECIMAL,
            QboType.INTEGER,
            QboType.BOOLEAN,
            QboType.DATE,
            QboType.DATETIME,
            QboType.ENUM,
            QboType.REFERENCE,
        )
    },
}
"""Every (HubSpot kind, QBO type) pair: the cell for HubSpot -> QBO, then for QBO -> HubSpot."""


def _mapped(values: Iterable[str], option_map: Mapping[str, str]) -> set[str]:
    return {option_map.get(v, v) for v in values}


def pair_verdict(
    prop: HubSpotProperty,
    field: QboField,
    *,
    to_qbo: bool,
    option_map: Iterable[tuple[str, str]] = (),
) -> PairVerdict:
    """The verdict on ``prop`` and ``field`` for values flowing to QBO (``to_qbo``) or back.

    ``option_map`` pairs HubSpot option values with QBO values (``("sent", "EmailSent")``);
    options it does not name are taken as the same text on both sides.

    Example:
        >>> from hubqbo.mapping._types import HubSpotProperty, QboField, QboType
        >>> given = QboField("Customer", "GivenName", QboType.STRING, max_length=25)
        >>> pair_verdict(HubSpotProperty("firstname"), given, to_qbo=True).losses
        (<Loss.LENGTH: 'length'>,)
        >>> pair_verdict(HubSpotProperty("firstname"), given, to_qbo=False).kind.value
        'compatible'
    """
    kind = prop.kind if prop.kind in HUBSPOT_KINDS else "string"
    to_hub, from_hub = dict(option_map), {q: h for h, q in option_map}
    cell = MATRIX[(kind, field.type)][0 if to_qbo else 1]
    verdict_kind, losses, reason = cell[0], list(cell[1]), cell[2]
    if verdict_kind is X:
        return PairVerdict(X, reason)
    extra: list[str] = []
    if to_qbo and field.type is QboType.STRING and field.max_length is not None:
        if kind == "enumeration" and prop.options:
            long = [o for o in _mapped(prop.options, to_hub) if len(o) > field.max_length]
            if long:
                losses.append(Loss.LENGTH)
                extra.append(f"options {sorted(long)} are longer than {field.max_length}")
        else:
            losses.append(Loss.LENGTH)
            extra.append(f"a value may be longer than the {field.max_length} characters allowed")
    if kind == "enumeration" and field.type is QboType.ENUM:
        if to_qbo:
            missing = sorted(_mapped(prop.options, to_hub) - set(field.options))
            if missing or not prop.options:
                losses.append(Loss.OPTIONS)
                extra.append(f"options without a QBO counterpart: {missing or 'unknown'}")
        else:
            missing = sorted(_mapped(field.options, from_hub) - set(prop.options))
            if missing:
                losses.append(Loss.OPTIONS)
                extra.append(f"QBO values without a HubSpot option: {missing}")
    if to_qbo and field.single_email and kind in ("string", "enumeration"):
        losses.append(Loss.EMAILS)
        extra.append(f"{field.label} takes one address, a HubSpot value may hold several")
    if not to_qbo and field.email and prop.name in HUBSPOT_EMAIL_PROPERTIES:
        losses.append(Loss.EMAILS)
        extra.append("QBO may hold several comma-separated addresses, HubSpot's email one")
    if not losses:
        return PairVerdict(C, reason)
    text = "; ".join([reason] * bool(cell[1]) + extra)
    return PairVerdict(L, text, tuple(dict.fromkeys(losses)))
