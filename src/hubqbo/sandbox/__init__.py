"""Wire-faithful, in-memory emulators of HubSpot and QuickBooks Online, as httpx transports.

They never import the adapters' wire code: two independent readings of the published APIs that
agree are evidence; one shared reading proves nothing.
"""

from hubqbo.sandbox._common import Clock, Fault, FaultKind, FaultPlan, ManualClock, SystemClock
from hubqbo.sandbox.hubspot import HubSpotSandbox
from hubqbo.sandbox.quickbooks import QuickBooksSandbox

__all__ = [
    "Clock",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "HubSpotSandbox",
    "ManualClock",
    "QuickBooksSandbox",
    "SystemClock",
]
