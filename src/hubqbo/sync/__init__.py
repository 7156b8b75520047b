"""Sync: the durable state store under the sync engine (and invoicing).

``SQLiteStateStore`` is the embedded default (a file; nothing to install or start);
``PostgresStateStore`` (``pip install 'hubqbo[postgres]'``) serves many processes on many
machines. Both implement :class:`hubqbo.protocols.StateStore` and pass one conformance suite;
``copy_tenant`` moves a tenant's state from one store to another.

Example:
    >>> from hubqbo.sync import SQLiteStateStore
    >>> with SQLiteStateStore(":memory:") as store:
    ...     store.connect_tenant("acme").name
    'acme'
"""

from hubqbo.sync._migrations import latest_version
from hubqbo.sync._postgres import PostgresStateStore, redact_dsn
from hubqbo.sync._sql import MAX_TENANT_NAME, validate_tenant_name
from hubqbo.sync._sqlite import SQLiteStateStore, default_state_path

__all__ = [
    "MAX_TENANT_NAME",
    "PostgresStateStore",
    "SQLiteStateStore",
    "default_state_path",
    "latest_version",
    "redact_dsn",
    "validate_tenant_name",
]
