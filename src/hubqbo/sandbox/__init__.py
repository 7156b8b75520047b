"""Wire-faithful, in-memory emulators of HubSpot and QuickBooks Online, as httpx transports.

They never import the adapters' wire code: two independent readings of the published APIs that
agree are evidence; one shared reading proves nothing. Patterns for your own tests (fixtures,
injected time, scripted faults, OAuth): ``docs/testing.md``.

Example:
    >>> from hubqbo.quickbooks import QuickBooksClient
    >>> clock = ManualClock()
    >>> sandbox = QuickBooksSandbox(clock=clock)
    >>> realm = sandbox.add_realm(country="GB")
    >>> qbo = QuickBooksClient(realm_id=realm, access_token="t", transport=sandbox,
    ...                        clock=clock, sleep=clock.sleep)
    >>> qbo.company_profile().home_currency
    'GBP'
"""

from hubqbo.sandbox._common import (
    Clock,
    Fault,
    FaultKind,
    FaultPlan,
    ManualClock,
    SandboxRequest,
    SystemClock,
)
from hubqbo.sandbox._serve import ServedSandboxes, serve_sandboxes
from hubqbo.sandbox._state import SandboxStateError
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
    "SandboxRequest",
    "SandboxStateError",
    "ServedSandboxes",
    "SystemClock",
    "serve_sandboxes",
]
