"""Sync of QBO customers, items and invoices into HubSpot (F, G, I, J): plan, then apply.

Why a package: the pure planner (``_plan``), the change feeds (``_feeds``), initial linking
(``_linking``), the applier (``_apply``) and the engine that ties them to the ports
(``_engine``) are separate concerns; users import from here (or from ``hubqbo``).
"""

from hubqbo.sync._config import (
    DeletePolicy,
    ObjectKind,
    ObjectSync,
    SyncConfig,
    SyncFilter,
    WritePolicy,
    active_only,
    invoices_from,
    with_email,
)
from hubqbo.sync._plan import (
    Action,
    Ambiguity,
    FieldChange,
    Gone,
    ObjectPlan,
    PlannedOp,
    Skip,
    SkipReason,
    SyncPlan,
)
from hubqbo.sync._result import Quarantined, SyncResult

__all__ = [
    "Action",
    "Ambiguity",
    "DeletePolicy",
    "FieldChange",
    "Gone",
    "ObjectKind",
    "ObjectPlan",
    "ObjectSync",
    "PlannedOp",
    "Quarantined",
    "Skip",
    "SkipReason",
    "SyncConfig",
    "SyncFilter",
    "SyncPlan",
    "SyncResult",
    "WritePolicy",
    "active_only",
    "invoices_from",
    "with_email",
]
