"""Mapping one record: the target values of every mapping, and a problem per value that does not
fit, never a silently shortened or altered value.

Record shapes (what the sync engine has on each side):

* **HubSpot**: the property strings of a record (``CrmRecord.properties``,
  ``Contact.properties``): ``{"firstname": "Ada", "price": "12.50"}``. Target values come back
  the same way, ready for a batch update (``""`` clears a property).
* **QBO**: the entity as Intuit's JSON, nested by field path (``{"DisplayName": ...,
  "PrimaryEmailAddr": {"Address": ...}, "CustomField": [{"DefinitionId": "1", ...}]}``), with
  ``Decimal`` numbers (``hubqbo.quickbooks`` parses with ``parse_float=Decimal``). Target
  values come back as such a nested dict: the body of a sparse update.

Numbers are copied exactly: nothing here computes an amount, so nothing is rounded (unit
prices and quantities are never rounded anyway). Dates follow the two sides' time zones: a QBO
date written to a HubSpot datetime is the day's start in the HubSpot portal's time zone, a
HubSpot datetime written to a QBO date is its calendar date in the QBO company's time zone
(lossy unless it is that day's start), and the reverse likewise.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from hubqbo.mapping._compat import HUBSPOT_EMAIL_PROPERTIES
from hubqbo.mapping._model import Direction, FieldMapping, LossPolicy, Transform
from hubqbo.mapping._problems import MappingProblem, ProblemKind
from hubqbo.mapping._rules import resolve_qbo_field
from hubqbo.mapping._set import MappingSet
from hubqbo.mapping._types import HubSpotProperty, QboField, QboType, custom_field_id
from hubqbo.mapping._values import (
    EMAIL,
    MISSING,
    format_hubspot_datetime,
    get_path,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_decimal,
    set_path,
    split_emails,
    start_of_day,
)
from hubqbo.timezones import resolve_time_zone

__all__ = ["MappedRecord", "map_record"]


@attrs.frozen
class MappedRecord:
    """The result of mapping one record in one direction.

    Attributes:
        direction: ``QBO_TO_HUBSPOT`` or ``HUBSPOT_TO_QBO``.
        values: the target values (HubSpot: property strings; QBO: a nested entity dict).
        problems: one per value that does not fit the target (nothing was written for it).
        written: the keys of the mappings that produced a value.
        lossy: the keys whose value a transform changed (truncated, first address kept...).
        version: the mapping set's version used.

    Example:
        >>> from hubqbo.mapping import ObjectPair, Direction, default_mapping_set
        >>> out = map_record(default_mapping_set(ObjectPair.PRODUCT), Direction.QBO_TO_HUBSPOT,
        ...                  {"Name": "Audit", "UnitPrice": 150})
        >>> out.values
        {'name': 'Audit', 'price': '150'}
    """

    direction: Direction
    values: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    problems: tuple[MappingProblem, ...] = ()
    written: tuple[str, ...] = ()
    lossy: tuple[str, ...] = ()
    version: int = 0

    @property
    def ok(self) -> bool:
        """True when every mapped value fits."""
        return not self.problems

    @property
    def refused(self) -> tuple[str, ...]:
        """The keys of the mappings whose value was refused."""
        return tuple(dict.fromkeys(p.mapping for p in self.problems if p.mapping))

    def counts(self) -> dict[str, tuple[int, int, str | None]]:
        """Per mapping key: ``(written, refused, refusal reason)`` for this record: the
        increments of the state store's ``MappingTally`` once the write landed.

        Example:
            >>> from hubqbo.mapping import ObjectPair, Direction, default_mapping_set
            >>> out = map_record(default_mapping_set(ObjectPair.PRODUCT),
            ...                  Direction.QBO_TO_HUBSPOT, {"Name": "Audit", "UnitPrice": "x"})
            >>> out.counts()["name:Name"], out.counts()["price:UnitPrice"][:2]
            ((1, 0, None), (0, 1))
        """
        out: dict[str, tuple[int, int, str | None]] = dict.fromkeys(self.written, (1, 0, None))
        for problem in self.problems:
            if problem.mapping is not None:
                out[problem.mapping] = (0, 1, problem.message)
        return out


@attrs.frozen
class _Out:
    value: Any
    lossy: bool = False


@attrs.frozen
class _Ctx:
    mapping: FieldMapping
    prop: HubSpotProperty
    field: QboField
    qbo_zone: str | None
    hub_zone: str | None

    def problem(self, kind: ProblemKind, message: str, *, to_qbo: bool) -> MappingProblem:
        target = self.field.label if to_qbo else f"HubSpot {self.prop.name}"
        return MappingProblem(kind, self.mapping.key, f"{target}: {message}", target=target)

    @property
    def refuses(self) -> bool:
        return self.mapping.policy is LossPolicy.REFUSE

    def uses(self, transform: Transform) -> bool:
        return self.mapping.transform is transform


# --------------------------------------------------------------------------- reading a source


def _read_hubspot(ctx: _Ctx, raw: Any) -> Any:
    kind = ctx.prop.kind
    if kind == "number":
        return parse_decimal(raw)
    if kind == "bool":
        return parse_bool(raw)
    if kind == "date":
        return parse_date(raw)
    if kind == "datetime":
        return parse_datetime(raw)
    if kind == "multi":
        return tuple(v for v in str(raw).split(";") if v)
    return str(raw)


def _read_qbo(ctx: _Ctx, raw: Any) -> Any:
    kind = ctx.field.type
    if kind in (QboType.DECIMAL, QboType.INTEGER):
        return parse_decimal(raw)
    if kind is QboType.BOOLEAN:
        return parse_bool(raw)
    if kind is QboType.DATE:
        return parse_date(raw)
    if kind is QboType.DATETIME:
        return parse_datetime(raw)
    return str(raw)


def _as_text(value: Any, zone: str | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(resolve_time_zone(zone)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def _midnight_date(instant: dt.datetime, zone: str | None) -> tuple[dt.date, bool]:
    local = instant.astimezone(resolve_time_zone(zone))
    return local.date(), local.time() == dt.time(0)


def _date(ctx: _Ctx, value: Any, *, to_qbo: bool) -> _Out | MappingProblem:
    """A date for a date field of the target: an instant must be the start of a day in the
    target's time zone, unless ``Transform.DATE_ONLY`` keeps its date (lossy)."""
    if not isinstance(value, dt.datetime):
        return _Out(value.isoformat())
    zone, owner = (ctx.qbo_zone, "QBO company's") if to_qbo else (ctx.hub_zone, "HubSpot portal's")
    day, exact = _midnight_date(value, zone)
    if not exact and not ctx.uses(Transform.DATE_ONLY):
        return ctx.problem(
            ProblemKind.TIME_OF_DAY,
            f"is a date; {value.isoformat()} is not the start of a day in the {owner} time "
            "zone (use Transform.DATE_ONLY to keep its date)",
            to_qbo=to_qbo,
        )
    return _Out(day.isoformat(), not exact)


# --------------------------------------------------------------------------- e-mails


def _emails(ctx: _Ctx, text: str, *, to_qbo: bool, single: bool) -> _Out | MappingProblem:
    addresses = split_emails(text)
    bad = [a for a in addresses if not EMAIL.match(a)]
    if bad:
        return ctx.problem(
            ProblemKind.INVALID_EMAIL,
            f"not an e-mail address the target accepts: {', '.join(bad)}",
            to_qbo=to_qbo,
        )
    lossy = False
    if single and len(addresses) > 1:
        if not ctx.uses(Transform.FIRST_EMAIL):
            return ctx.problem(
                ProblemKind.SEVERAL_EMAILS,
                f"holds one address, the source has {len(addresses)} ({text!r}); "
                "use Transform.FIRST_EMAIL to keep the first",
                to_qbo=to_qbo,
            )
        addresses, lossy = addresses[:1], True
    return _Out(", ".join(addresses), lossy)


# --------------------------------------------------------------------------- HubSpot -> QBO


def _fit_length(ctx: _Ctx, out: _Out) -> _Out | MappingProblem:
    limit = ctx.field.max_length
    text = out.value
    if limit is None or not isinstance(text, str) or len(text) <= limit:
        return out
    if ctx.uses(Transform.TRUNCATE):
        return _Out(text[:limit], True)
    return ctx.problem(
        ProblemKind.TOO_LONG,
        f"takes at most {limit} characters, the value has {len(text)}",
        to_qbo=True,
    )


def _to_qbo(ctx: _Ctx, value: Any) -> _Out | MappingProblem:
    field, to_hub = ctx.field, dict(ctx.mapping.option_map)
    kind = field.type
    if kind in (QboType.STRING, QboType.REFERENCE, QboType.ENUM):
        if isinstance(value, str):
            text, lossy = to_hub.get(value, value), False
        else:
            text, lossy = _as_text(value, ctx.qbo_zone), ctx.uses(Transform.AS_TEXT)
        if kind is QboType.ENUM and text not in field.options:
            return ctx.problem(
                ProblemKind.UNKNOWN_OPTION,
                f"{text!r} is not one of {list(field.options)}",
                to_qbo=True,
            )
        out: _Out | MappingProblem = _Out(text, lossy)
        if field.email and isinstance(out, _Out):
            out = _emails(ctx, text, to_qbo=True, single=field.single_email)
        return out if isinstance(out, MappingProblem) else _fit_length(ctx, out)
    if kind is QboType.DECIMAL:
        return _Out(value)
    if kind is QboType.INTEGER:
        if value != value.to_integral_value():
            return ctx.problem(
                ProblemKind.NOT_AN_INTEGER, f"takes whole numbers, got {value}", to_qbo=True
            )
        return _Out(int(value))
    if kind is QboType.BOOLEAN:
        return _Out(value)
    if kind is QboType.DATE:
        return _date(ctx, value, to_qbo=True)
    # DATETIME
    if not isinstance(value, dt.datetime):
        value = start_of_day(value, ctx.qbo_zone)
    return _Out(value.astimezone(resolve_time_zone(ctx.qbo_zone)).isoformat())


# --------------------------------------------------------------------------- QBO -> HubSpot


def _to_hubspot(ctx: _Ctx, value: Any) -> _Out | MappingProblem:
    prop, from_qbo = ctx.prop, {q: h for h, q in ctx.mapping.option_map}
    kind = prop.kind
    if kind in ("string", "file"):
        if not isinstance(value, str):
            return _Out(_as_text(_hub_text(value), ctx.hub_zone), ctx.uses(Transform.AS_TEXT))
        if ctx.field.email and prop.name in HUBSPOT_EMAIL_PROPERTIES:
            return _emails(ctx, value, to_qbo=False, single=True)
        return _Out(value)
    if kind == "number":
        return _Out(format(value, "f"))
    if kind == "bool":
        return _Out("true" if value else "false")
    if kind == "date":
        return _date(ctx, value, to_qbo=False)
    if kind == "datetime":
        if not isinstance(value, dt.datetime):
            value = start_of_day(value, ctx.hub_zone)
        return _Out(format_hubspot_datetime(value))
    # enumeration / multi: the value must be an option
    text = from_qbo.get(str(value), str(value))
    if prop.options and text not in prop.options:
        return ctx.problem(
            ProblemKind.UNKNOWN_OPTION,
            f"{text!r} is not one of its options {list(prop.options)}",
            to_qbo=False,
        )
    return _Out(text)


def _hub_text(value: Any) -> Any:
    """Datetimes go to HubSpot text as HubSpot writes them (UTC, milliseconds)."""
    return format_hubspot_datetime(value) if isinstance(value, dt.datetime) else value


# --------------------------------------------------------------------------- one mapping


def _empty(ctx: _Ctx, *, to_qbo: bool) -> Any:
    """The cleared value: ``""`` for HubSpot and QBO text, ``None`` for other QBO types."""
    if not to_qbo:
        return ""
    return "" if ctx.field.type is QboType.STRING else None


def _map_one(ctx: _Ctx, raw: Any, *, to_qbo: bool) -> _Out | MappingProblem:
    if raw is None or raw == "":
        return _Out(_empty(ctx, to_qbo=to_qbo))
    try:
        value = _read_hubspot(ctx, raw) if to_qbo else _read_qbo(ctx, raw)
    except ValueError as exc:
        source = f"HubSpot {ctx.prop.name}" if to_qbo else f"QBO {ctx.field.label}"
        expected = ctx.prop.type if to_qbo else ctx.field.type.value
        return MappingProblem(
            ProblemKind.INVALID_SOURCE_VALUE,
            ctx.mapping.key,
            f"{source} holds {raw!r}, which is not a valid {expected}: {exc}",
        )
    if isinstance(value, Decimal) and not value.is_finite():
        return ctx.problem(
            ProblemKind.NOT_FINITE, f"takes finite numbers, got {value}", to_qbo=to_qbo
        )
    return _to_qbo(ctx, value) if to_qbo else _to_hubspot(ctx, value)


def map_record(
    mapping_set: MappingSet,
    direction: Direction,
    source: Mapping[str, Any],
    *,
    qbo_time_zone: str | None = None,
    hubspot_time_zone: str | None = None,
    hubspot: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty] | None = None,
) -> MappedRecord:
    """The target values of ``source`` under every mapping that carries ``direction``.

    Args:
        mapping_set: the mappings to apply.
        direction: ``Direction.QBO_TO_HUBSPOT`` (``source`` is a QBO entity dict) or
            ``Direction.HUBSPOT_TO_QBO`` (``source`` is a record's property strings).
        source: the record; a field or property it does not have is not mapped (nothing is
            written for it); an empty one clears the target.
        qbo_time_zone: the QBO company's IANA zone (``CompanyProfile.time_zone``); UTC if None.
        hubspot_time_zone: the HubSpot portal's zone (``HubSpotClient.portal_time_zone()``).
        hubspot: live property definitions, for current enumeration options (else each
            mapping's recorded options are used).

    Returns:
        the values that fit, a problem per value that does not, and which were lossy.

    Raises:
        ValueError: ``direction`` is ``BOTH`` (a record is mapped one way).
    """
    to_qbo = direction is Direction.HUBSPOT_TO_QBO
    if direction is Direction.BOTH:
        raise ValueError("a record is mapped one way: QBO_TO_HUBSPOT or HUBSPOT_TO_QBO")
    plan = (
        _plan(mapping_set, direction, qbo_time_zone, hubspot_time_zone)
        if hubspot is None
        else _compile(mapping_set, direction, qbo_time_zone, hubspot_time_zone, _live(hubspot))
    )
    values: dict[str, Any] = {}
    problems: list[MappingProblem] = []
    written: list[str] = []
    lossy: list[str] = []
    for step in plan:
        if isinstance(step, MappingProblem):
            problems.append(step)
            continue
        raw = source.get(step.ctx.prop.name, MISSING) if to_qbo else step.read(source)
        if raw is MISSING:
            continue
        out = _map_one(step.ctx, raw, to_qbo=to_qbo)
        if isinstance(out, MappingProblem):
            problems.append(out)
            continue
        if to_qbo:
            set_path(values, step.ctx.field.path, out.value)
        else:
            values[step.ctx.prop.name] = out.value
        written.append(step.key)
        if out.lossy:
            lossy.append(step.key)
    return MappedRecord(
        direction, values, tuple(problems), tuple(written), tuple(lossy), mapping_set.version
    )


# --------------------------------------------------------------------------- compiled plans


@attrs.frozen
class _Step:
    """One mapping made ready for one direction: its QBO field resolved, its HubSpot side
    chosen, the source path split (what ``map_record`` used to work out for every record)."""

    key: str
    ctx: _Ctx
    parts: tuple[str, ...] | None
    """The QBO path's parts, or ``None`` for a custom field (read by ``get_path``)."""

    def read(self, source: Mapping[str, Any]) -> Any:
        """The QBO value at the field's path, or ``MISSING`` (``get_path``, pre-split)."""
        if self.parts is None:
            return get_path(source, self.ctx.field.path)
        node: Any = source
        for part in self.parts:
            if not isinstance(node, Mapping) or part not in node:
                return MISSING
            node = node[part]
        return node


_Plan = tuple["_Step | MappingProblem", ...]


def _live(hubspot: Mapping[str, HubSpotProperty] | Iterable[HubSpotProperty]) -> dict[str, Any]:
    return dict(hubspot) if isinstance(hubspot, Mapping) else {p.name: p for p in hubspot}


def _compile(
    mapping_set: MappingSet,
    direction: Direction,
    qbo_zone: str | None,
    hub_zone: str | None,
    live: Mapping[str, HubSpotProperty],
) -> _Plan:
    """Per mapping carrying ``direction``, in order: a step, or the problem of its QBO field."""
    steps: list[_Step | MappingProblem] = []
    for mapping in mapping_set:
        if not mapping.direction.includes(direction):
            continue
        field = resolve_qbo_field(mapping_set.pair, mapping.qbo_field)
        if isinstance(field, MappingProblem):
            steps.append(attrs.evolve(field, mapping=mapping.key))
            continue
        name = mapping.hubspot_property
        prop = live.get(name, mapping.hubspot)
        parts = None if custom_field_id(field.path) is not None else tuple(field.path.split("."))
        steps.append(_Step(mapping.key, _Ctx(mapping, prop, field, qbo_zone, hub_zone), parts))
    return tuple(steps)


_PLANS: dict[tuple[int, Direction, str | None, str | None], tuple[Any, _Plan]] = {}
_PLANS_MAX = 256
_PLANS_LOCK = threading.Lock()


def _plan(
    mapping_set: MappingSet, direction: Direction, qbo_zone: str | None, hub_zone: str | None
) -> _Plan:
    """The compiled plan of a set (without live HubSpot definitions), made once per set object,
    direction and zones: a ``MappingSet`` is immutable, so its plan never goes stale. Keyed by
    the set's identity (hashing a set costs more than mapping a small record), checked through
    a weak reference so a reused id never finds another set's plan."""
    key = (id(mapping_set), direction, qbo_zone, hub_zone)
    found = _PLANS.get(key)
    if found is not None and found[0]() is mapping_set:
        return found[1]
    plan = _compile(mapping_set, direction, qbo_zone, hub_zone, {})
    with _PLANS_LOCK:
        if len(_PLANS) >= _PLANS_MAX:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[key] = (weakref.ref(mapping_set), plan)
    return plan
