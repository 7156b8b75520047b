"""One structured log line per finished job: tenant, run id, counts, duration, errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from hubqbo.sync import SyncResult

__all__ = ["log_run"]

_log = logging.getLogger("hubqbo.workers")


def _counts_text(counts: Mapping[str, Mapping[str, int]]) -> str:
    parts = [f"{obj}.{action}={n}" for obj, acts in counts.items() for action, n in acts.items()]
    return ",".join(parts) or "-"


def log_run(
    *,
    tenant: str,
    kind: str,
    reason: str,
    result: SyncResult | None,
    duration: float,
    error: BaseException | None = None,
    worker: str | None = None,
) -> dict[str, Any]:
    """Write one structured line for a finished job (``hubqbo.workers`` logger, INFO; WARNING
    when it failed): ``key=value`` text for people, the same fields under ``extra["hubqbo"]``
    for JSON log formatters. Returns the fields."""
    fields: dict[str, Any] = {
        "event": "hubqbo.run",
        "tenant": tenant,
        "kind": kind,
        "reason": reason,
        "worker": worker,
        "run_id": result.run_id if result else None,
        "status": "failed" if error or (result and not result.ok) else "ok",
        "applied": result.applied if result else 0,
        "failed": result.failed if result else 0,
        "events": result.events if result else 0,
        "quarantined": len(result.quarantined) if result else 0,
        "counts": {k: dict(v) for k, v in result.counts.items()} if result else {},
        "duration_ms": round(duration * 1000),
        "errors": ([f"{type(error).__name__}: {error}"] if error else [])
        + (list(result.errors) if result else []),
    }
    if result is not None and result.parked_until is not None:
        fields["parked_until"] = result.parked_until.isoformat()
    text = (
        f"run tenant={tenant} kind={kind} reason={reason} run_id={fields['run_id'] or '-'} "
        f"status={fields['status']} applied={fields['applied']} failed={fields['failed']} "
        f"events={fields['events']} counts={_counts_text(fields['counts'])} "
        f"duration_ms={fields['duration_ms']} errors={json.dumps(fields['errors'])}"
    )
    level = logging.WARNING if fields["status"] == "failed" else logging.INFO
    _log.log(level, "%s", text, extra={"hubqbo": fields})
    return fields
