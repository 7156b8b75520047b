"""QuickBooks Online (Accounting API v3) adapter: ``QuickBooksClient`` and its helpers.

Quick use with an access token::

    from hubqbo.quickbooks import QuickBooksClient
    qbo = QuickBooksClient(realm_id="9130...", access_token="eyJ...", environment="sandbox")
    for customer in qbo.iter_customers():
        ...

With OAuth (refreshing, persisted tokens), several companies, paging, batch, CDC, errors,
retries and webhooks: see ``docs/quickbooks.md``.
"""

from hubqbo.quickbooks._client import (
    BATCH_LIMIT,
    CDC_MAX_AGE,
    CDC_OBJECT_CAP,
    DEFAULT_MINOR_VERSION,
    PRODUCTION_URL,
    QUERY_GET_MAX,
    SANDBOX_URL,
    QuickBooksClient,
    realm_pacer,
)
from hubqbo.quickbooks._faults import fault_to_error
from hubqbo.quickbooks._oauth import ACCOUNTING_SCOPE, intuit_provider, token_key
from hubqbo.quickbooks._query import MAX_RESULTS, Condition, Query, literal, quote, select
from hubqbo.quickbooks._registry import RealmRegistry
from hubqbo.quickbooks._types import (
    BatchItemResult,
    BatchOperation,
    CdcResult,
    ChangeRecord,
    Operation,
    UnconfirmedWindow,
)
from hubqbo.quickbooks._webhooks import (
    SIGNATURE_HEADER,
    SeenEvents,
    WebhookEvent,
    dedupe_webhook_events,
    handle_webhook,
    parse_webhook,
    verify_webhook,
)

__all__ = [
    "ACCOUNTING_SCOPE",
    "BATCH_LIMIT",
    "CDC_MAX_AGE",
    "CDC_OBJECT_CAP",
    "DEFAULT_MINOR_VERSION",
    "MAX_RESULTS",
    "PRODUCTION_URL",
    "QUERY_GET_MAX",
    "SANDBOX_URL",
    "SIGNATURE_HEADER",
    "BatchItemResult",
    "BatchOperation",
    "CdcResult",
    "ChangeRecord",
    "Condition",
    "Operation",
    "Query",
    "QuickBooksClient",
    "RealmRegistry",
    "SeenEvents",
    "UnconfirmedWindow",
    "WebhookEvent",
    "dedupe_webhook_events",
    "fault_to_error",
    "handle_webhook",
    "intuit_provider",
    "literal",
    "parse_webhook",
    "quote",
    "realm_pacer",
    "select",
    "token_key",
    "verify_webhook",
]
