"""An in-memory QuickBooks Online, as an httpx transport (see ``docs/sandbox-quickbooks.md``).

It never imports ``hubqbo.quickbooks``: the client and this sandbox are two independent readings
of the wire, and their agreement is evidence.
"""

from hubqbo.sandbox.quickbooks._transport import QuickBooksSandbox

__all__ = ["QuickBooksSandbox"]
