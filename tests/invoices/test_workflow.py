"""The workflow action "create a QBO invoice for this deal" with its customer policy (E)."""

from __future__ import annotations

import pytest

from hubqbo import Contact
from hubqbo.cli import DemoWorld
from hubqbo.errors import AmbiguousCustomerMatch, ContactNotEligible, DraftHasProblems
from hubqbo.invoices import (
    CustomerCreationPolicy,
    InvoiceBuilder,
    ProblemCode,
    create_invoice_for_deal,
)
from tests.invoices.conftest import hubspot_invoice_ids


def in_sync_list(contact: Contact) -> bool:
    """A sync filter: only contacts at acme.example are synced to QuickBooks."""
    return (contact.email or "").endswith("@acme.example")


def test_always_creates_the_customer_even_if_not_synced(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Legacy behaviour: Initech's contact fails the filter, the customer is created anyway."""
    made = create_invoice_for_deal(
        builder,
        world.hs["deal-initech"],
        policy=CustomerCreationPolicy.ALWAYS,
        realm=world.us.realm_id,
    )
    assert (True, "Initech") == (made.customer_created, made.customer.display_name)  # type: ignore[union-attr]


def test_only_if_eligible_fails_clearly_and_writes_nothing(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Newer behaviour: the contact fails the filter → ContactNotEligible, nothing written."""
    qbo_before = world.quickbooks.count_requests()
    with pytest.raises(ContactNotEligible, match="does not meet the contact sync filter"):
        create_invoice_for_deal(
            builder,
            world.hs["deal-initech"],
            policy=CustomerCreationPolicy.ONLY_IF_ELIGIBLE,
            is_eligible=in_sync_list,
            realm=world.us.realm_id,
        )
    assert [] == world.us.find_customers(display_name="Initech")
    assert [] == hubspot_invoice_ids(world)
    assert qbo_before < world.quickbooks.count_requests()  # reads only


def test_only_if_eligible_creates_for_an_eligible_contact_idempotently(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """An eligible contact's deal is invoiced; running the action twice makes one invoice."""
    kwargs = {
        "policy": CustomerCreationPolicy.ONLY_IF_ELIGIBLE,
        "is_eligible": in_sync_list,
        "realm": world.us.realm_id,
    }
    first = create_invoice_for_deal(builder, world.hs["deal-acme"], **kwargs)  # type: ignore[arg-type]
    second = create_invoice_for_deal(builder, world.hs["deal-acme"], **kwargs)  # type: ignore[arg-type]
    assert (True, False, first.invoice.id) == (first.created, second.created, second.invoice.id)


def test_ambiguous_customer_is_not_guessed(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """Globex fits two customers: the action stops and names them."""
    with pytest.raises(AmbiguousCustomerMatch, match="Globex LLC"):
        create_invoice_for_deal(
            builder,
            world.hs["deal-globex"],
            policy=CustomerCreationPolicy.ALWAYS,
            realm=world.us.realm_id,
        )


def test_uk_deal_with_a_default_tax_code_still_stops_on_other_problems(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """The action supplies a tax code for lines without one (A5); a line with no QBO item
    still stops it with DraftHasProblems, and nothing is written."""
    with pytest.raises(DraftHasProblems) as caught:
        create_invoice_for_deal(
            builder,
            world.hs["deal-harbour"],
            policy=CustomerCreationPolicy.ALWAYS,
            realm=world.uk.realm_id,
            tax_code=world.qbo["uk:tax:20.0% S"],
        )
    assert [ProblemCode.ITEM_NOT_FOUND] == [p.code for p in caught.value.problems]  # type: ignore[attr-defined]
    assert [] == hubspot_invoice_ids(world)
