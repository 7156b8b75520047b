"""The workflow action "create a QBO invoice for this deal", as one call.

Why a policy: HubSpot has two behaviours. The legacy action creates the QBO customer whether
or not the contact is synced; the newer one fails when the contact does not meet the sync
filter. Both are needed, so the choice is explicit, and the filter is a predicate the caller
supplies (hubqbo does not guess a portal's sync settings).

Example:
    >>> CustomerCreationPolicy.ONLY_IF_ELIGIBLE.value
    'only_if_eligible'
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from hubqbo.errors import AmbiguousCustomerMatch, ContactNotEligible, DraftHasProblems
from hubqbo.invoices._builder import InvoiceBuilder
from hubqbo.invoices._results import LinkedInvoice
from hubqbo.models import Contact

__all__ = ["CustomerCreationPolicy", "create_invoice_for_deal"]


class CustomerCreationPolicy(str, enum.Enum):
    """Whether the workflow action may create a QBO customer for the deal's contact.

    ``ALWAYS``: HubSpot's legacy behaviour, create the customer even if the contact is not
    synced. ``ONLY_IF_ELIGIBLE``: the newer behaviour, fail with
    :class:`~hubqbo.errors.ContactNotEligible` unless the contact meets the sync filter.
    """

    ALWAYS = "always"
    ONLY_IF_ELIGIBLE = "only_if_eligible"


def create_invoice_for_deal(
    builder: InvoiceBuilder,
    deal_id: str,
    *,
    policy: CustomerCreationPolicy = CustomerCreationPolicy.ONLY_IF_ELIGIBLE,
    is_eligible: Callable[[Contact], bool] | None = None,
    realm: str | None = None,
    attempt_id: str | None = None,
    tax_code: str | None = None,
    message: str | None = None,
) -> LinkedInvoice:
    """Create (idempotently) the QBO invoice for a deal, as a workflow action would.

    Args:
        builder: the configured :class:`InvoiceBuilder`.
        deal_id: the HubSpot deal.
        policy: customer-creation policy (see :class:`CustomerCreationPolicy`).
        is_eligible: the contact sync filter; required with ``ONLY_IF_ELIGIBLE``.
        realm: the QBO company, when several are connected.
        attempt_id: a new attempt id makes a new invoice (retries of one run reuse one).
        tax_code: a tax code for lines without one (non-US companies).
        message: the message to the customer.

    Raises:
        ContactNotEligible: ``ONLY_IF_ELIGIBLE`` and the buyer contact fails the filter (or
            there is no contact to judge). Nothing is written.
        AmbiguousCustomerMatch: several QBO customers fit; a person must choose.
        DraftHasProblems: anything else a person must fix first (each problem says what).

    Example:
        >>> create_invoice_for_deal(None, "7", is_eligible=None)  # type: ignore[arg-type]
        Traceback (most recent call last):
        ...
        ValueError: the ONLY_IF_ELIGIBLE policy needs is_eligible= (the contact sync filter)
    """
    if policy is CustomerCreationPolicy.ONLY_IF_ELIGIBLE and is_eligible is None:
        raise ValueError("the ONLY_IF_ELIGIBLE policy needs is_eligible= (the contact sync filter)")
    draft = builder.from_deal(deal_id, realm=realm, attempt_id=attempt_id, message=message)
    if policy is CustomerCreationPolicy.ONLY_IF_ELIGIBLE:
        assert is_eligible is not None
        contact = draft.contact
        if contact is None:
            raise ContactNotEligible(None, "the deal has no single buyer contact to judge")
        if not is_eligible(contact):
            raise ContactNotEligible(contact.id)
    if draft.match is not None and draft.match.ambiguous and draft.customer is None:
        raise AmbiguousCustomerMatch(
            [f"{c.display_name} (id {c.id})" for c in draft.match.candidates]
        )
    if draft.customer is None:
        draft = draft.with_new_customer()
    if tax_code is not None:
        for line in draft.lines:
            if draft.tax_code_for(line) is None:
                draft = draft.with_tax_code(tax_code, line=line.number)
    problems = draft.problems()
    if problems:
        raise DraftHasProblems(problems)
    return builder.create(draft)
