"""The HubSpot adapter: ``HubSpotClient`` (the ``CrmClient`` port over httpx), OAuth, webhooks.

Why: one public surface for everything HubSpot-specific; the wire code stays in private modules
(``_wire``, ``_paths``, ``_errors``) so the sandbox and services never depend on it.

Example:
    >>> from hubqbo.hubspot import HubSpotClient, ApiPaths
    >>> ApiPaths("2026-03").search("contacts")
    '/crm/objects/2026-03/contacts/search'
"""

from hubqbo.hubspot._associations import (
    ASSOCIATION_TYPES,
    AssociationType,
    primary_type_id,
    type_id,
)
from hubqbo.hubspot._client import (
    AssociationBatchResult,
    BatchFailure,
    BatchResult,
    CrmRecord,
    HubSpotClient,
)
from hubqbo.hubspot._errors import error_from_body, error_from_response
from hubqbo.hubspot._limits import HeaderAwarePacer, HubSpotRetryPolicy, RateLimits
from hubqbo.hubspot._oauth import HubSpotOAuth, hubspot_provider, token_key
from hubqbo.hubspot._paths import DEFAULT_API_VERSION, ApiPaths
from hubqbo.hubspot._schema import read_properties, to_mapping_property
from hubqbo.hubspot._search import Filter, FilterGroup, SearchQuery
from hubqbo.hubspot._values import PropertyKind, from_wire, kind_of, to_wire
from hubqbo.hubspot._wire import PropertyDefinition
from hubqbo.hubspot.webhooks import (
    SeenEvents,
    WebhookEvent,
    dedupe_events,
    parse_events,
    verify_signature_v1,
    verify_signature_v2,
    verify_signature_v3,
    verify_webhook,
)

__all__ = [
    "ASSOCIATION_TYPES",
    "DEFAULT_API_VERSION",
    "ApiPaths",
    "AssociationBatchResult",
    "AssociationType",
    "BatchFailure",
    "BatchResult",
    "CrmRecord",
    "Filter",
    "FilterGroup",
    "HeaderAwarePacer",
    "HubSpotClient",
    "HubSpotOAuth",
    "HubSpotRetryPolicy",
    "PropertyDefinition",
    "PropertyKind",
    "RateLimits",
    "SearchQuery",
    "SeenEvents",
    "WebhookEvent",
    "dedupe_events",
    "error_from_body",
    "error_from_response",
    "from_wire",
    "hubspot_provider",
    "kind_of",
    "parse_events",
    "primary_type_id",
    "read_properties",
    "to_mapping_property",
    "to_wire",
    "token_key",
    "type_id",
    "verify_signature_v1",
    "verify_signature_v2",
    "verify_signature_v3",
    "verify_webhook",
]
