"""InvoiceBuilder writes nothing on the strength of a create whose answer names no record.

hubqbo's own clients refuse such replies (``tests/fuzz/test_bad_replies.py``); a user's
``AccountingClient`` might not. Here one returns the invoice QBO made without its id: the
builder stops before the HubSpot record and the deal roll-up.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from hubqbo import CrmObjectType, Invoice, QuickBooksClient
from hubqbo.cli import build_demo_world
from hubqbo.errors import UnexpectedResponseError
from hubqbo.invoices import InvoiceBuilder


class LosesIds:
    """An accounting client (the real one, delegated to) whose creates lose the id."""

    def __init__(self, inner: QuickBooksClient) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> Invoice:
        return attrs.evolve(self._inner.create_invoice(invoice, request_id=request_id), id=None)


def test_no_hubspot_record_for_an_invoice_without_an_id() -> None:
    world = build_demo_world()
    builder = InvoiceBuilder(
        world.crm,
        {world.us.realm_id: LosesIds(world.us)},  # type: ignore[dict-item]
        now=world.clock.now,
        fee_item_id=world.qbo["us:item:Service fee"],
    )
    draft = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    with pytest.raises(UnexpectedResponseError, match="without an id"):
        builder.create(draft.with_new_customer())
    assert [] == list(world.crm.iter_objects(CrmObjectType.INVOICE))
    deal = world.crm.get_deal(world.hs["deal-initech"], properties=["qbo_invoice_total"])
    assert deal.properties.get("qbo_invoice_total") in (None, "")
