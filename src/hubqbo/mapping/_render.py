"""Terminal and notebook tables of a mapping set, with each mapping's status when known.

Why plain text and minimal HTML: the library has no display dependency (the CLI renders with
rich on its own); ``str(mapping_set)`` prints in a terminal and ``_repr_html_`` shows in a
notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from hubqbo.mapping._model import FieldMapping
from hubqbo.mapping._problems import MappingProblem
from hubqbo.mapping._rules import resolve_qbo_field, verdicts
from hubqbo.mapping._status import FieldStatus, StatusLike, health_of

if TYPE_CHECKING:
    from hubqbo.mapping._set import MappingSet

__all__ = [
    "HEADERS",
    "STATUS_HEADERS",
    "MappingView",
    "render_html",
    "render_text",
    "rows",
    "table_rows",
]

HEADERS = ("HubSpot property", "type", "dir", "QBO field", "type", "fit", "handling", "origin")
STATUS_HEADERS = ("written", "refused", "status", "last refusal")


def _fit(mapping: FieldMapping, pair_set: MappingSet) -> tuple[str, str]:
    field = resolve_qbo_field(pair_set.pair, mapping.qbo_field)
    if isinstance(field, MappingProblem):
        return "?", "unknown field"
    found = verdicts(mapping, field, mapping.hubspot)
    losses = sorted({loss.value for v in found.values() for loss in v.losses})
    kinds = {v.kind.value for v in found.values()}
    fit = "incompatible" if "incompatible" in kinds else "lossy" if losses else "ok"
    return (f"{fit} ({', '.join(losses)})" if losses else fit), field.type_label


def _handling(mapping: FieldMapping) -> str:
    parts = []
    if mapping.transform is not None:
        parts.append(mapping.transform.value)
    if mapping.policy is not None:
        parts.append(f"{mapping.policy.value} lossy values")
    if mapping.option_map:
        parts.append(f"{len(mapping.option_map)} option pairs")
    return "; ".join(parts) or "-"


def table_rows(
    mapping_set: MappingSet, statuses: Mapping[str, StatusLike] | None = None
) -> list[tuple[str, ...]]:
    """The table's rows (one per mapping; columns as :data:`HEADERS`, then
    :data:`STATUS_HEADERS` when ``statuses`` is given), for a renderer of one's own (rich).

    Example:
        >>> from hubqbo.mapping import ObjectPair, default_mapping_set
        >>> table_rows(default_mapping_set(ObjectPair.PRODUCT))[2][:6]
        ('price', 'number/number', '<-', 'UnitPrice', 'decimal', 'ok')
    """
    out: list[tuple[str, ...]] = []
    for m in mapping_set:
        fit, qbo_type = _fit(m, mapping_set)
        row: tuple[str, ...] = (
            m.hubspot_property,
            f"{m.hubspot_type}/{m.hubspot_field_type}",
            m.direction.arrow,
            m.qbo_field,
            qbo_type,
            fit,
            _handling(m),
            "default" if m.default else "user",
        )
        if statuses is not None:
            s: StatusLike = statuses.get(m.key) or FieldStatus(m.key)
            row += (
                str(s.written),
                str(s.refused),
                health_of(s).value,
                s.last_refusal or "",
            )
        out.append(row)
    return out


rows = table_rows
"""The former name of :func:`table_rows`."""


def _title(mapping_set: MappingSet) -> str:
    based = f", from v{mapping_set.based_on} ({mapping_set.change})" if mapping_set.based_on else ""
    return f"{mapping_set.pair.label}: mapping set v{mapping_set.version}{based}"


def _text_table(headers: Sequence[str], body: Iterable[Sequence[str]]) -> str:
    table = [tuple(headers), *(tuple(r) for r in body)]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_text(mapping_set: MappingSet, statuses: Mapping[str, StatusLike] | None = None) -> str:
    """A plain-text table (``dir``: ``<-`` QBO to HubSpot, ``->`` HubSpot to QBO)."""
    headers = HEADERS + (STATUS_HEADERS if statuses is not None else ())
    return f"{_title(mapping_set)}\n{_text_table(headers, rows(mapping_set, statuses))}"


def render_html(mapping_set: MappingSet, statuses: Mapping[str, StatusLike] | None = None) -> str:
    """An HTML table for notebooks (lossy rows marked with the ``lossy`` class)."""
    headers = HEADERS + (STATUS_HEADERS if statuses is not None else ())
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows(mapping_set, statuses):
        css = ' class="lossy"' if row[5].startswith("lossy") else ""
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in row)
        body.append(f"<tr{css}>{cells}</tr>")
    return (
        f"<table><caption>{html.escape(_title(mapping_set))}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


@attrs.frozen
class MappingView:
    """A mapping set shown with each mapping's sync status (see ``MappingSet.with_status``)."""

    mapping_set: MappingSet
    statuses: Mapping[str, StatusLike] = attrs.field(factory=dict, hash=False)

    def __str__(self) -> str:
        return render_text(self.mapping_set, self.statuses)

    def _repr_html_(self) -> str:
        return render_html(self.mapping_set, self.statuses)
