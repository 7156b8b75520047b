"""Two-way sync, the pure part: a three-way comparison per field and the conflict rule.

Why pure: every decision of a two-way run — copy QBO's value to HubSpot, copy HubSpot's to
QBO, keep a value because the other side is empty, open a conflict for a person — is a
function of four values per field (the base snapshot of each side and each side now), the
field's direction, and the rule. It is tested with hypothesis without HTTP, and the plan
prints each decision with the old value, the new value, the side written and why.

Values are compared in HubSpot's value space (the strings the mapping set produces from QBO
and HubSpot stores), so both sides of one field are comparable. The base is kept **per side**:
the value each side held when the two last agreed, as read back from the write's answer
(both services normalise what they store — trimmed names, formatted phones, rounded amounts).
A value hubqbo wrote therefore comes back equal to that side's base and is not a change: echo
suppression that does not depend on the provider saying who made a change.

The rule in one paragraph (docs/sync.md repeats it):

    A field changed on one side only is copied to the other side. A field changed on both
    sides to the same value is left alone. A field changed on both sides to different values
    is a conflict: QBO wins by default (``QBO_WINS``); ``HUBSPOT_WINS`` lets HubSpot win;
    ``NEWEST_WINS`` lets the side whose record was modified last win, QBO on a tie or when a
    time is unknown; ``MANUAL`` writes nothing and opens a conflict a person resolves. An
    empty value is never copied over a value. Amounts, balances and statuses only ever go
    from QBO to HubSpot.

Example:
    >>> d = decide_field("phone", FieldBase("555", "555"), qbo="555", hubspot="556")
    >>> d.to.value, d.old, d.new, d.why.value
    ('qbo', '555', '556', 'changed in HubSpot only')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from hubqbo.mapping import Direction

__all__ = [
    "LEDGER_ONLY",
    "ConflictRule",
    "FieldBase",
    "FieldDecision",
    "RecordDecision",
    "Side",
    "Why",
    "alternating_fields",
    "compare_record",
    "decide_field",
    "unique_display_name",
]

LEDGER_ONLY = frozenset(
    {
        "amount",
        "price",
        "hs_cost_of_goods_sold",
        "hubqbo_status",
        "qbo_invoice_total",
        "qbo_invoice_balance",
        "hs_invoice_status",
        "hs_balance_due",
    }
)
"""HubSpot properties that carry amounts, balances or statuses: QBO → HubSpot only, whatever
the mapping's direction (the ledger is the record of money)."""


class ConflictRule(str, enum.Enum):
    """Who wins a field changed on both sides to different values.

    Example:
        >>> ConflictRule("newest_wins") is ConflictRule.NEWEST_WINS
        True
    """

    QBO_WINS = "qbo_wins"
    """The default: QBO's value is copied to HubSpot."""
    HUBSPOT_WINS = "hubspot_wins"
    """HubSpot's value is copied to QBO."""
    NEWEST_WINS = "newest_wins"
    """The side whose record was modified last wins; a tie (or an unknown time) goes to QBO."""
    MANUAL = "manual"
    """Nothing is written; an open conflict waits for ``engine.resolve(...)``."""


class Side(str, enum.Enum):
    """A side of the sync."""

    QBO = "qbo"
    HUBSPOT = "hubspot"

    @property
    def other(self) -> Side:
        """The other side."""
        return Side.HUBSPOT if self is Side.QBO else Side.QBO


class Why(str, enum.Enum):
    """Why a field is (or is not) written, as the plan prints it."""

    UNCHANGED = "unchanged on both sides"
    QBO_CHANGED = "changed in QBO only"
    HUBSPOT_CHANGED = "changed in HubSpot only"
    SAME_CHANGE = "changed on both sides to the same value"
    QBO_WINS = "conflict: QBO wins (rule qbo_wins)"
    HUBSPOT_WINS = "conflict: HubSpot wins (rule hubspot_wins)"
    QBO_NEWER = "conflict: QBO's record is newer (rule newest_wins)"
    HUBSPOT_NEWER = "conflict: HubSpot's record is newer (rule newest_wins)"
    TIE_QBO = "conflict: same modification time, QBO wins the tie (rule newest_wins)"
    MANUAL = "conflict: left for a person (rule manual)"
    EMPTY_KEPT = "the value to copy is empty: the other side's value is kept"
    LEDGER_ONLY = "amounts, balances and statuses go from QBO to HubSpot only"
    DIRECTION = "the mapping does not carry values this way"


def _empty(value: str | None) -> bool:
    return value is None or value.strip() == ""


def _same(a: str | None, b: str | None) -> bool:
    return (a or "") == (b or "")


@attrs.frozen
class FieldBase:
    """A field's base snapshot, per side: what each side held when they last agreed (read
    back from the write's answer). ``None`` for a side that never had the field synced.

    Example:
        >>> FieldBase.same("x")
        FieldBase(qbo='x', hubspot='x')
    """

    qbo: str | None
    hubspot: str | None

    @classmethod
    def same(cls, value: str | None) -> FieldBase:
        """The base of a field both sides held equal (the one-way engine's base)."""
        return cls(value, value)


@attrs.frozen
class FieldDecision:
    """One field's decision.

    Attributes:
        name: the HubSpot property (the field's name in HubSpot's value space).
        to: the side written, ``None`` when nothing is written.
        old: the value the written side holds now (``None`` when nothing is written).
        new: the value written (``None`` when nothing is written).
        why: the reason.
        conflict: changed on both sides to different values (whatever the rule did).
        qbo, hubspot: each side's value now.
        base: the base snapshot the comparison used.
    """

    name: str
    to: Side | None
    old: str | None
    new: str | None
    why: Why
    conflict: bool
    qbo: str | None
    hubspot: str | None
    base: FieldBase

    @property
    def open(self) -> bool:
        """A conflict left for a person (rule ``MANUAL``)."""
        return self.why is Why.MANUAL

    def settled(self, read_back: str | None = None) -> FieldBase:
        """The base to keep once this decision is applied: the written side's value as read
        back from the write's answer (``read_back``; the value sent when not given), the
        other side's value as it is now. An open conflict keeps the old base."""
        if self.open:
            return self.base
        if self.to is None:
            if self.why in (Why.UNCHANGED, Why.SAME_CHANGE):
                return FieldBase(self.qbo, self.hubspot)
            return self.base  # kept as it is: the same decision next run, no write
        landed = self.new if read_back is None else read_back
        if self.to is Side.HUBSPOT:
            return FieldBase(self.qbo, landed)
        return FieldBase(landed, self.hubspot)

    def line(self) -> str:
        """The decision in one line of a plan."""
        if self.to is None:
            return f"{self.name}: nothing written ({self.why.value})"
        arrow = "QBO → HubSpot" if self.to is Side.HUBSPOT else "HubSpot → QBO"
        return f"{self.name}: {self.old!r} → {self.new!r} ({arrow}; {self.why.value})"


def _winner(
    rule: ConflictRule, qbo_modified: dt.datetime | None, hubspot_modified: dt.datetime | None
) -> tuple[Side | None, Why]:
    if rule is ConflictRule.QBO_WINS:
        return Side.QBO, Why.QBO_WINS
    if rule is ConflictRule.HUBSPOT_WINS:
        return Side.HUBSPOT, Why.HUBSPOT_WINS
    if rule is ConflictRule.MANUAL:
        return None, Why.MANUAL
    if qbo_modified is None or hubspot_modified is None or qbo_modified == hubspot_modified:
        return Side.QBO, Why.TIE_QBO
    if hubspot_modified > qbo_modified:
        return Side.HUBSPOT, Why.HUBSPOT_NEWER
    return Side.QBO, Why.QBO_NEWER


def decide_field(
    name: str,
    base: FieldBase | None,
    *,
    qbo: str | None,
    hubspot: str | None,
    direction: Direction = Direction.BOTH,
    rule: ConflictRule = ConflictRule.QBO_WINS,
    qbo_modified: dt.datetime | None = None,
    hubspot_modified: dt.datetime | None = None,
    ledger_only: bool | None = None,
) -> FieldDecision:
    """Decide one field by the three-way comparison (see the module's rule).

    ``base`` ``None`` (never synced, e.g. a record just linked): an empty side is filled with
    the other side's value; two different values are a conflict the rule decides.
    ``ledger_only`` defaults to ``name`` in :data:`LEDGER_ONLY`.

    Example:
        >>> decide_field("firstname", FieldBase.same("Ann"), qbo="Anne", hubspot="Annie",
        ...              rule=ConflictRule.HUBSPOT_WINS).line()
        "firstname: 'Anne' → 'Annie' (HubSpot → QBO; conflict: HubSpot wins (rule hubspot_wins))"
    """
    ledger = name in LEDGER_ONLY if ledger_only is None else ledger_only
    to_hubspot = direction.writes_hubspot
    to_qbo = direction.writes_qbo and not ledger
    known = base if base is not None else _no_base(qbo, hubspot)
    qbo_changed = not _same(qbo, known.qbo)
    hs_changed = not _same(hubspot, known.hubspot)
    seen = FieldBase(known.qbo, known.hubspot) if base is not None else FieldBase(None, None)

    def nothing(why: Why, conflict: bool = False) -> FieldDecision:
        return FieldDecision(name, None, None, None, why, conflict, qbo, hubspot, seen)

    def write(to: Side, why: Why, conflict: bool = False) -> FieldDecision:
        new = qbo if to is Side.HUBSPOT else hubspot
        old = hubspot if to is Side.HUBSPOT else qbo
        allowed = to_hubspot if to is Side.HUBSPOT else to_qbo
        if _same(old, new):
            return nothing(Why.SAME_CHANGE, conflict)
        if not allowed:
            return nothing(
                Why.LEDGER_ONLY if ledger and to is Side.QBO else Why.DIRECTION, conflict
            )
        if _empty(new):
            return nothing(Why.EMPTY_KEPT, conflict)
        return FieldDecision(name, to, old, new, why, conflict, qbo, hubspot, seen)

    if ledger:
        # the ledger is the record of money: HubSpot shows QBO's value, whoever changed it
        if _same(qbo, hubspot):
            return nothing(Why.UNCHANGED if not (qbo_changed or hs_changed) else Why.SAME_CHANGE)
        why = Why.QBO_CHANGED if qbo_changed and not hs_changed else Why.LEDGER_ONLY
        return write(Side.HUBSPOT, why, conflict=qbo_changed and hs_changed)
    if not qbo_changed and not hs_changed:
        return nothing(Why.UNCHANGED)
    if _same(qbo, hubspot):
        return nothing(Why.SAME_CHANGE)
    if qbo_changed and not hs_changed:
        return write(Side.HUBSPOT, Why.QBO_CHANGED)
    if hs_changed and not qbo_changed:
        return write(Side.QBO, Why.HUBSPOT_CHANGED)
    if not to_qbo:
        return write(Side.HUBSPOT, Why.QBO_WINS, conflict=True)
    if not to_hubspot:
        return write(Side.QBO, Why.HUBSPOT_WINS, conflict=True)
    winner, why = _winner(rule, qbo_modified, hubspot_modified)
    if winner is None:
        return nothing(why, conflict=True)
    return write(winner.other, why, conflict=True)


def _no_base(qbo: str | None, hubspot: str | None) -> FieldBase:
    """A base for a field never synced: an empty side counts as unchanged (its blank is
    filled), two values are both changes (the rule decides)."""
    if _empty(qbo):
        return FieldBase(qbo, None if not _empty(hubspot) else hubspot)
    if _empty(hubspot):
        return FieldBase(None, hubspot)
    return FieldBase(hubspot, qbo)


@attrs.frozen
class RecordDecision:
    """Every field decision of one linked record.

    Attributes:
        fields: one decision per field, by name.
    """

    fields: tuple[FieldDecision, ...]

    def writes(self, side: Side) -> dict[str, str]:
        """The values to write to ``side`` (property name → value)."""
        return {d.name: d.new or "" for d in self.fields if d.to is side}

    @property
    def conflicts(self) -> tuple[FieldDecision, ...]:
        """The fields changed on both sides to different values."""
        return tuple(d for d in self.fields if d.conflict)

    @property
    def open(self) -> tuple[FieldDecision, ...]:
        """Conflicts left for a person."""
        return tuple(d for d in self.fields if d.open)

    def base_after(
        self,
        qbo_read_back: Mapping[str, str | None] | None = None,
        hubspot_read_back: Mapping[str, str | None] | None = None,
    ) -> dict[str, FieldBase]:
        """The per-side base once the writes landed, from the answers' values."""
        out = {}
        for d in self.fields:
            answer = qbo_read_back if d.to is Side.QBO else hubspot_read_back
            read = answer.get(d.name) if answer is not None and d.name in answer else None
            out[d.name] = d.settled(read)
        return out

    def lines(self) -> list[str]:
        """The decisions that write or need a person, one line each."""
        return [
            d.line()
            for d in self.fields
            if d.to is not None or d.conflict or d.why is Why.EMPTY_KEPT
        ]


def compare_record(
    base: Mapping[str, FieldBase] | None,
    qbo: Mapping[str, str | None],
    hubspot: Mapping[str, str | None],
    *,
    directions: Mapping[str, Direction] | None = None,
    rule: ConflictRule = ConflictRule.QBO_WINS,
    qbo_modified: dt.datetime | None = None,
    hubspot_modified: dt.datetime | None = None,
    ledger_only: Iterable[str] = LEDGER_ONLY,
) -> RecordDecision:
    """Decide every field of one linked record (fields named by either side or the base;
    a field missing from a side's mapping direction defaults to ``BOTH``).

    Example:
        >>> r = compare_record({"phone": FieldBase.same("1")}, {"phone": "2"}, {"phone": "1"})
        >>> r.writes(Side.HUBSPOT)
        {'phone': '2'}
    """
    dirs = directions or {}
    ledger = frozenset(ledger_only)
    names = sorted(set(qbo) | set(hubspot) | set(base or {}))
    return RecordDecision(
        tuple(
            decide_field(
                name,
                (base or {}).get(name) if base is not None else None,
                qbo=qbo.get(name),
                hubspot=hubspot.get(name),
                direction=dirs.get(name, Direction.BOTH),
                rule=rule,
                qbo_modified=qbo_modified,
                hubspot_modified=hubspot_modified,
                ledger_only=name in ledger,
            )
            for name in names
        )
    )


def alternating_fields(history: Sequence[Mapping[str, str | None]], *, flips: int = 3) -> list[str]:
    """Fields whose value went back and forth between two values at least ``flips`` times
    over consecutive runs (A, B, A, B ...): a write loop, quarantined instead of written
    forever. ``history``: the record's values after each run, oldest first.

    Example:
        >>> alternating_fields([{"n": "a"}, {"n": "b"}, {"n": "a"}, {"n": "b"}])
        ['n']
        >>> alternating_fields([{"n": "a"}, {"n": "b"}, {"n": "c"}, {"n": "d"}])
        []
    """
    names = sorted({k for h in history for k in h})
    out = []
    for name in names:
        values = [h.get(name) or "" for h in history]
        streak = 0  # changes in the current back-and-forth run
        for i in range(1, len(values)):
            if values[i] == values[i - 1]:
                streak = 0
            elif i >= 2 and streak and values[i] == values[i - 2]:
                streak += 1
            else:
                streak = 1
            if streak >= flips:
                out.append(name)
                break
    return out


def unique_display_name(name: str, hubspot_id: str, *, max_length: int = 500) -> str:
    """The DisplayName used when QBO says a name is taken (fault 6240: unique across
    customers, vendors and employees, case-insensitively): the name followed by the HubSpot
    id in parentheses. Deterministic, so a retry sends the same name and finds its own
    customer rather than creating a second one. QBO refuses ``:`` in names; it is replaced.

    Example:
        >>> unique_display_name("Acme Inc", "501")
        'Acme Inc (HubSpot 501)'
    """
    suffix = f" (HubSpot {hubspot_id})"
    clean = " ".join(name.replace(":", "-").split())
    return clean[: max(0, max_length - len(suffix))] + suffix
