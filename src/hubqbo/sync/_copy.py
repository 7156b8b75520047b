"""Moving a tenant's state from one store to another (e.g. SQLite → PostgreSQL).

Why a function over the port: it works between any two ``StateStore`` implementations, holds
the source tenant's lease while it reads (so no run writes meanwhile) and writes the destination
in one transaction (all of the tenant or nothing).
"""

from __future__ import annotations

import datetime as dt

from hubqbo.protocols import StateStore, TenantExport

__all__ = ["copy_tenant"]


def copy_tenant(
    source: StateStore,
    destination: StateStore,
    tenant: str,
    *,
    holder: str = "hubqbo:copy_tenant",
    ttl: dt.timedelta = dt.timedelta(minutes=10),
    wait: dt.timedelta = dt.timedelta(0),
) -> TenantExport:
    """Copy everything ``source`` holds for ``tenant`` into ``destination``; returns it.

    The source keeps its copy (delete the file or schema once the new store is in use). A run
    that was open in the source is closed as abandoned in the destination.

    Raises:
        LeaseHeld: a run holds the tenant's lease in the source (stop it, or pass ``wait``).
        TenantMismatch: the destination already has the tenant.

    Example:
        >>> from hubqbo.sync import SQLiteStateStore
        >>> old, new = SQLiteStateStore(":memory:"), SQLiteStateStore(":memory:")
        >>> _ = old.connect_tenant("acme", qbo_realm_id="9130")
        >>> copied = copy_tenant(old, new, "acme")
        >>> new.tenant("acme").qbo_realm_id
        '9130'
    """
    lease = source.acquire_lease(tenant, holder, ttl=ttl, wait=wait)
    try:
        export = source.export_tenant(tenant)
        destination.import_tenant(export)
    finally:
        source.release_lease(lease)
    return export
