"""Invoicing from HubSpot deals and quotes into QuickBooks Online.

Why a package: the pure rules (``_rules``), the reviewable draft (``_draft``), the results and
events (``_results``) and the service that talks to the ports (``_builder``) are separate
concerns; users import everything from here (or from ``hubqbo``).

Example:
    >>> from hubqbo.invoices import InvoiceDraft, ProblemCode
    >>> ProblemCode.TAX_CODE_REQUIRED.value
    'tax_code_required'
"""

from hubqbo._display import Records
from hubqbo.invoices._builder import (
    BuyerMatcher,
    DealRefresh,
    InvoiceBuilder,
    InvoiceProperties,
    LedgerRegistry,
)
from hubqbo.invoices._draft import (
    CustomerMatch,
    DocNumberPolicy,
    DraftLine,
    DraftSource,
    InvoiceDraft,
    LineDiscountMode,
    RealmCatalog,
    customer_from_buyer,
)
from hubqbo.invoices._problems import Problem, ProblemCode
from hubqbo.invoices._results import (
    DealRollupChanged,
    InvoiceBecameOverdue,
    InvoiceEvent,
    InvoicePaid,
    InvoiceSent,
    InvoiceVoided,
    LinkedInvoice,
    PaymentReceived,
    invoice_events,
)
from hubqbo.invoices._rules import (
    USABLE_QUOTE_STATUSES,
    ItemIndex,
    ItemResolution,
    ResolvedBy,
    check_quote_usable,
    default_tax_code,
    net_unit_price,
    resolve_item,
    resolve_terms,
)
from hubqbo.invoices._workflow import CustomerCreationPolicy, create_invoice_for_deal

__all__ = [
    "USABLE_QUOTE_STATUSES",
    "BuyerMatcher",
    "CustomerCreationPolicy",
    "CustomerMatch",
    "DealRefresh",
    "DealRollupChanged",
    "DocNumberPolicy",
    "DraftLine",
    "DraftSource",
    "InvoiceBecameOverdue",
    "InvoiceBuilder",
    "InvoiceDraft",
    "InvoiceEvent",
    "InvoicePaid",
    "InvoiceProperties",
    "InvoiceSent",
    "InvoiceVoided",
    "ItemIndex",
    "ItemResolution",
    "LedgerRegistry",
    "LineDiscountMode",
    "LinkedInvoice",
    "PaymentReceived",
    "Problem",
    "ProblemCode",
    "RealmCatalog",
    "Records",
    "ResolvedBy",
    "check_quote_usable",
    "create_invoice_for_deal",
    "customer_from_buyer",
    "default_tax_code",
    "invoice_events",
    "net_unit_price",
    "resolve_item",
    "resolve_terms",
]
