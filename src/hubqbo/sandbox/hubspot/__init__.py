"""An in-memory HubSpot, served as an ``httpx`` transport (see ``HubSpotSandbox``).

It never imports ``hubqbo.hubspot``: it is an independent reading of HubSpot's published API.
"""

from hubqbo.sandbox.hubspot._seed import demo_seed
from hubqbo.sandbox.hubspot._transport import HubSpotSandbox, SandboxRequest

__all__ = ["HubSpotSandbox", "SandboxRequest", "demo_seed"]
