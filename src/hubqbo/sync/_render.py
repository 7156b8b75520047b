"""Readable renderings of plans and results: text for terminals, HTML tables for notebooks.

Why separate: the plan and result classes stay data; how they look is one place to change.
Every value is escaped in HTML (record names come from users).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from hubqbo.sync._plan import Action, Ambiguity, Skip, SkipReason, SyncPlan

if TYPE_CHECKING:
    from hubqbo.sync._result import SyncResult

__all__ = ["plan_html", "plan_text", "result_html", "result_text"]

_ACTIONS = (
    Action.CREATE,
    Action.UPDATE,
    Action.MARK,
    Action.ARCHIVE,
    Action.ASSOCIATE,
    Action.DISSOCIATE,
)
_SHOWN = 20


def _counts(plan: SyncPlan) -> list[tuple[str, dict[str, int], int, int]]:
    rows = []
    for obj in plan.objects:
        counts = {a.value: obj.count(a) for a in _ACTIONS}
        rows.append(
            (obj.kind.value, counts, obj.skipped_for(SkipReason.UNCHANGED), len(obj.skipped))
        )
    return rows


def _attention_line(item: Skip | Ambiguity) -> str:
    if isinstance(item, Ambiguity):
        options = ", ".join(f"{hid} ({label})" for hid, label in item.candidates[:3])
        return f"{item.kind.value} {item.qbo_id} {item.label!r}: ambiguous, could be {options}"
    return f"{item.kind.value} {item.qbo_id} {item.label!r}: {item.text}"


def plan_text(plan: SyncPlan) -> str:
    """A plain-text summary: counts per object and action, then the operations and the
    records that need a person (first 20 of each)."""
    lines = [f"Sync plan for tenant {plan.tenant!r}: {len(plan.operations)} write(s)"]
    if plan.qbo_writes or plan.qbo_creates:
        lines[0] += f" to HubSpot, {len(plan.qbo_writes) + len(plan.qbo_creates)} to QBO"
    for kind, counts, unchanged, skipped in _counts(plan):
        parts = ", ".join(f"{n} {a}" for a, n in counts.items() if n)
        lines.append(
            f"  {kind}: {parts or 'nothing to write'}; {unchanged} unchanged, "
            f"{skipped - unchanged} skipped otherwise"
        )
    for obj in plan.objects:
        if obj.refused:
            lines.append(f"  ! {obj.kind.value}: {obj.refused}")
    ops = plan.operations
    if ops:
        lines.append("Writes:")
        for op in ops[:_SHOWN]:
            target = f" -> HubSpot {op.hubspot_id}" if op.hubspot_id else ""
            lines.append(
                f"  {op.action.value:<9} {op.kind.value} {op.qbo_id} {op.label!r}{target}: "
                f"{op.reason}"
            )
            for change in op.changes[:6]:
                lines.append(f"      {change.name}: {change.before!r} -> {change.after!r}")
        if len(ops) > _SHOWN:
            lines.append(f"  ... and {len(ops) - _SHOWN} more")
    attention = plan.needs_attention
    if attention:
        lines.append("Needs a person:")
        lines += [f"  {_attention_line(a)}" for a in attention[:_SHOWN]]
        if len(attention) > _SHOWN:
            lines.append(f"  ... and {len(attention) - _SHOWN} more")
    two_way = [line for part in plan.twoway for line in part.lines()]
    if two_way:
        lines.append("Two-way (per field: old -> new, the side written, why):")
        lines += [f"  {line}" for line in two_way]
    lines += [f"Note: {n}" for n in plan.notes]
    return "\n".join(lines)


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def plan_html(plan: SyncPlan) -> str:
    """HTML tables: counts per object and action, the first operations, what needs a person."""
    head = ["object", *(a.value for a in _ACTIONS), "unchanged", "skipped"]
    rows = [
        [kind, *(str(counts[a.value]) for a in _ACTIONS), str(unchanged), str(skipped - unchanged)]
        for kind, counts, unchanged, skipped in _counts(plan)
    ]
    parts = [
        f"<p><b>Sync plan</b> for tenant {html.escape(plan.tenant)}: "
        f"{len(plan.operations)} write(s)</p>",
        _table(head, rows),
    ]
    ops = plan.operations[:_SHOWN]
    if ops:
        parts.append(
            _table(
                ["action", "object", "QBO id", "name", "HubSpot id", "reason"],
                [
                    [
                        op.action.value,
                        op.kind.value,
                        op.qbo_id,
                        op.label,
                        op.hubspot_id or "",
                        op.reason,
                    ]
                    for op in ops
                ],
            )
        )
    attention = plan.needs_attention[:_SHOWN]
    if attention:
        parts.append("<p>Needs a person:</p>")
        parts.append(_table(["record"], [[_attention_line(a)] for a in attention]))
    return "".join(parts)


def result_text(result: SyncResult) -> str:
    """A plain-text summary of what a run wrote."""
    lines = [
        f"Sync run for tenant {result.tenant!r}: {result.applied} applied, "
        f"{result.failed} failed, {len(result.quarantined)} quarantined"
        + (" (parked until the daily limit resets)" if result.parked_until else "")
    ]
    for kind, counts in sorted(result.counts.items()):
        parts = ", ".join(f"{n} {a}" for a, n in sorted(counts.items()) if n)
        lines.append(f"  {kind}: {parts or 'nothing written'}")
    for q in result.quarantined[:_SHOWN]:
        lines.append(f"  quarantined {q.kind.value} {q.qbo_id}: {q.error}")
    for e in result.errors[:_SHOWN]:
        lines.append(f"  error: {e}")
    lines.append(f"  cursors {'moved' if result.cursors_moved else 'unmoved'}")
    if result.mapping_version:
        lines.append(f"  mappings {result.mapping_version}")
    return "\n".join(lines)


def result_html(result: SyncResult) -> str:
    """HTML: the run's counts and its quarantined records."""
    rows = [
        [kind, ", ".join(f"{n} {a}" for a, n in sorted(counts.items()) if n)]
        for kind, counts in sorted(result.counts.items())
    ]
    parts = [
        f"<p><b>Sync run</b> for tenant {html.escape(result.tenant)}: {result.applied} applied, "
        f"{result.failed} failed, {len(result.quarantined)} quarantined</p>",
        _table(["object", "written"], rows),
    ]
    if result.quarantined:
        parts.append(
            _table(
                ["object", "QBO id", "error"],
                [[q.kind.value, q.qbo_id, q.error] for q in result.quarantined[:_SHOWN]],
            )
        )
    return "".join(parts)
