"""Fixtures for end-to-end invoicing tests: both sandboxes seeded with the demo business.

The world is the one ``hubqbo demo`` runs on (a US and a UK QuickBooks company, a HubSpot
portal with deals, quotes, contacts, companies and products); the clients are the real HTTP
adapters talking to the sandboxes through their transports — nothing is patched.
"""

from __future__ import annotations

import pytest

from hubqbo import CrmObjectType, Invoice
from hubqbo.cli import DemoWorld, build_demo_world
from hubqbo.invoices import InvoiceBuilder
from hubqbo.protocols import InvoiceQuery


@pytest.fixture
def world() -> DemoWorld:
    """A freshly seeded demo world (fresh sandboxes and clients per test)."""
    return build_demo_world()


@pytest.fixture
def builder(world: DemoWorld) -> InvoiceBuilder:
    """An InvoiceBuilder over both QBO companies, on the world's manual clock."""
    return world.builder()


def qbo_invoices(world: DemoWorld, realm: str) -> list[Invoice]:
    """Every invoice of a QBO company, read back through the QuickBooks client."""
    client = world.us if realm == world.us.realm_id else world.uk
    return list(client.find_invoices(InvoiceQuery()))


def hubspot_invoice_ids(world: DemoWorld) -> list[str]:
    """Ids of every HubSpot invoice object in the portal."""
    return [r.id for r in world.crm.iter_objects(CrmObjectType.INVOICE)]
