"""Sync of QBO customers, items and invoices into HubSpot (F, G, I, J), and its durable state.

Why a package: the pure planner (``_plan``), the change feeds (``_feeds``), initial linking
(``_linking``), the applier (``_apply``) and the engine that ties them to the ports
(``_engine``) are separate concerns, over the state store (``SQLiteStateStore``, the embedded
default; ``PostgresStateStore`` with ``pip install 'hubqbo[postgres]'``; both implement
:class:`hubqbo.protocols.StateStore`; ``copy_tenant`` moves a tenant between stores). Users
import from here (or from ``hubqbo``).

Example:
    >>> from hubqbo.sync import SQLiteStateStore
    >>> with SQLiteStateStore(":memory:") as store:
    ...     store.connect_tenant("acme").name
    'acme'
"""

from hubqbo.sync._alternation import Alternation
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
from hubqbo.sync._copy import copy_tenant
from hubqbo.sync._engine import SyncCrm, SyncEngine, SyncLedger
from hubqbo.sync._inbox import webhook_marks
from hubqbo.sync._migrations import latest_version
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
from hubqbo.sync._postgres import PostgresStateStore, redact_dsn
from hubqbo.sync._result import Quarantined, SyncResult
from hubqbo.sync._sql import MAX_TENANT_NAME, validate_tenant_name
from hubqbo.sync._sqlite import SQLiteStateStore, default_state_path
from hubqbo.sync._sweep import SweepResult, due_by_date, latest_date
from hubqbo.sync._threeway import (
    LEDGER_ONLY,
    ConflictRule,
    FieldBase,
    FieldDecision,
    RecordDecision,
    Side,
    Why,
    alternating_fields,
    compare_record,
    decide_field,
    unique_display_name,
)

__all__ = [
    "LEDGER_ONLY",
    "MAX_TENANT_NAME",
    "Action",
    "Alternation",
    "Ambiguity",
    "ConflictRule",
    "DeletePolicy",
    "FieldBase",
    "FieldChange",
    "FieldDecision",
    "Gone",
    "ObjectKind",
    "ObjectPlan",
    "ObjectSync",
    "PlannedOp",
    "PostgresStateStore",
    "Quarantined",
    "RecordDecision",
    "SQLiteStateStore",
    "Side",
    "Skip",
    "SkipReason",
    "SweepResult",
    "SyncConfig",
    "SyncCrm",
    "SyncEngine",
    "SyncFilter",
    "SyncLedger",
    "SyncPlan",
    "SyncResult",
    "Why",
    "WritePolicy",
    "active_only",
    "alternating_fields",
    "compare_record",
    "copy_tenant",
    "decide_field",
    "default_state_path",
    "due_by_date",
    "invoices_from",
    "latest_date",
    "latest_version",
    "redact_dsn",
    "unique_display_name",
    "validate_tenant_name",
    "webhook_marks",
    "with_email",
]
