"""Ports: what the application services need from a CRM, a ledger, a token store and a
durable state store.

Why: ``InvoiceBuilder`` and ``SyncEngine`` are written against these ``typing.Protocol``s, in
domain terms (models, not JSON), so another CRM or ledger — or a user's own fake — plugs in
without inheritance and without touching the pure core. ``HubSpotClient`` and
``QuickBooksClient`` implement them over HTTP (and may offer more).

Idempotency: every write takes an optional ``request_id``. Adapters send it as the provider's
idempotency key (QBO ``requestid``); when it is ``None`` they derive one deterministically from
the operation and its content, so a retried write is never applied twice.

Example:
    >>> from hubqbo.protocols import AccountingClient
    >>> def count_active(ledger: AccountingClient) -> int:
    ...     return sum(1 for _ in ledger.iter_customers())
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from hubqbo.errors import HubQboError
from hubqbo.idempotency import operation_id
from hubqbo.models import (
    Company,
    CompanyProfile,
    Contact,
    CrmInvoice,
    CrmObjectType,
    Customer,
    Deal,
    Invoice,
    Item,
    LineItem,
    OAuthToken,
    Payment,
    Product,
    PropertyGroupSpec,
    PropertySpec,
    Quote,
    TaxCode,
    Term,
)

__all__ = [
    "OPERATION_TRANSITIONS",
    "AccountingClient",
    "Association",
    "AssociationOutcome",
    "Conflict",
    "CrmClient",
    "CrmInvoiceCreator",
    "CrmObject",
    "CrmRecordStore",
    "Cursor",
    "DirtyMark",
    "DirtyRecord",
    "InvoiceQuery",
    "JournalEntry",
    "Lease",
    "LedgerChange",
    "LedgerChanges",
    "LedgerFeed",
    "Link",
    "LinkRef",
    "MappingStatus",
    "MappingTally",
    "Operation",
    "OperationOutcome",
    "OperationState",
    "OutboxEvent",
    "PropertyChanges",
    "Run",
    "RunStatus",
    "StateChange",
    "StateStore",
    "StoredMappingSet",
    "Tenant",
    "TenantExport",
    "TokenStore",
    "WriteOutcome",
    "snapshot_hash",
]


def _ints(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Association:
    """One association from a CRM record to another record.

    Attributes:
        to_id: the other record's id.
        type_ids: HubSpot association type ids on this link (e.g. ``5`` primary deal→company).
        labels: the association labels, if any.
    """

    to_id: str
    type_ids: tuple[int, ...] = attrs.field(default=(), converter=_ints)
    labels: tuple[str, ...] = attrs.field(default=(), converter=_strs)


@attrs.frozen
class PropertyChanges:
    """What ``ensure_properties`` changed: names created (as ``object_type/name``)."""

    groups_created: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    properties_created: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    properties_unchanged: tuple[str, ...] = attrs.field(default=(), converter=_strs)

    @property
    def changed(self) -> bool:
        """True when anything was created."""
        return bool(self.groups_created or self.properties_created)


@attrs.frozen
class InvoiceQuery:
    """Criteria to search accounting invoices (all optional, combined with AND).

    Example:
        >>> import datetime as dt
        >>> InvoiceQuery(customer_id="58", txn_date_from=dt.date(2026, 1, 1)).customer_id
        '58'
    """

    customer_id: str | None = None
    doc_number: str | None = None
    txn_date_from: dt.date | None = None
    txn_date_to: dt.date | None = None
    total_min: Decimal | None = None
    total_max: Decimal | None = None
    updated_since: dt.datetime | None = None


@runtime_checkable
class CrmClient(Protocol):
    """A CRM (HubSpot) in domain terms."""

    def get_deal(self, deal_id: str, *, properties: Sequence[str] = ()) -> Deal:
        """The deal with the ids of its contacts, companies, line items, quotes and invoices.

        ``properties`` names extra properties to read into ``Deal.properties`` besides the
        adapter's defaults (e.g. the roll-up properties, so ``refresh_deal`` can compare them).
        """
        ...

    def get_quote(self, quote_id: str) -> Quote:
        """The quote with its buyer contact/company ids, line item ids and deal id."""
        ...

    def get_contact(self, contact_id: str) -> Contact:
        """One contact."""
        ...

    def get_company(self, company_id: str) -> Company:
        """One company."""
        ...

    def get_line_items(self, line_item_ids: Sequence[str]) -> list[LineItem]:
        """Line items by id, in the order asked (batched by the adapter)."""
        ...

    def get_products(self, product_ids: Sequence[str]) -> list[Product]:
        """Products by id, in the order asked (batched by the adapter)."""
        ...

    def associations(
        self, object_type: CrmObjectType, object_id: str, to_type: CrmObjectType
    ) -> list[Association]:
        """Every association of one record to records of ``to_type``."""
        ...

    def associate(
        self,
        object_type: CrmObjectType,
        object_id: str,
        to_type: CrmObjectType,
        to_id: str,
        *,
        type_id: int | None = None,
    ) -> None:
        """Associate two records (the default association when ``type_id`` is ``None``)."""
        ...

    def company_currency(self) -> str:
        """The portal's company currency (ISO 4217)."""
        ...

    def portal_time_zone(self) -> str:
        """The portal's IANA time zone name (for quote expiry)."""
        ...

    def find_invoice(
        self, *, id_property: str, value: str, properties: Sequence[str] = ()
    ) -> CrmInvoice | None:
        """The invoice object whose unique property ``id_property`` equals ``value``, if any.

        Reads by unique property (not search, which lags behind writes); ``id_property``
        ``"hs_object_id"`` reads by record id. ``properties`` names extra properties to read
        into ``CrmInvoice.properties`` (custom ones such as hubqbo's QBO reference and status).
        """
        ...

    def upsert_invoice(self, invoice: CrmInvoice, *, id_property: str) -> CrmInvoice:
        """Create or update an invoice object keyed by the unique property ``id_property``
        (whose value must be in ``invoice.properties``)."""
        ...

    def update_properties(
        self, object_type: CrmObjectType, object_id: str, properties: Mapping[str, str]
    ) -> None:
        """Write raw property values (strings; ``""`` clears) on one record."""
        ...

    def ensure_properties(
        self, groups: Sequence[PropertyGroupSpec], properties: Sequence[PropertySpec]
    ) -> PropertyChanges:
        """Create the missing property groups and properties; idempotent."""
        ...


@runtime_checkable
class CrmInvoiceCreator(Protocol):
    """Optional CRM capability: create an invoice object *already associated*, in one request.

    ``InvoiceBuilder`` uses it, when the CRM client offers it, for an invoice it has just made
    (saving one association request per linked record); otherwise it upserts the record and
    associates it record by record.
    """

    def create_invoice_record(
        self,
        invoice: CrmInvoice,
        *,
        associations: Sequence[tuple[CrmObjectType, str]] = (),
        id_property: str | None = None,
    ) -> CrmInvoice:
        """Create the invoice object with default-type associations to ``(type, id)`` records.

        With ``id_property`` (a unique property whose value ``invoice`` carries) the create is
        safe to retry: when a record with that value already exists (e.g. a retried create
        whose first answer was lost), that record is returned instead, with any of the
        ``associations`` it lacks added.

        Raises:
            DuplicateError: without ``id_property``, a unique property value of ``invoice`` is
                already used (the record exists: read it with ``find_invoice`` instead). A
                retried create that was applied the first time lands here too, so creation
                stays idempotent.
        """
        ...


@runtime_checkable
class AccountingClient(Protocol):
    """A ledger (QuickBooks Online company) in domain terms; one instance per realm."""

    @property
    def realm_id(self) -> str:
        """The company (realm) this client writes to."""
        ...

    def company_profile(self) -> CompanyProfile:
        """Country, currencies, time zone and the preferences that change invoicing (cached)."""
        ...

    def get_customer(self, customer_id: str) -> Customer:
        """One customer (active or not)."""
        ...

    def iter_customers(self, *, include_inactive: bool = False) -> Iterator[Customer]:
        """Every customer, lazily, page by page."""
        ...

    def find_customers(self, *, display_name: str) -> list[Customer]:
        """Customers whose DisplayName equals ``display_name`` (case-insensitively)."""
        ...

    def create_customer(self, customer: Customer, *, request_id: str | None = None) -> Customer:
        """Create a customer; returns it with id and sync token."""
        ...

    def get_item(self, item_id: str) -> Item:
        """One item."""
        ...

    def iter_items(self, *, include_inactive: bool = False) -> Iterator[Item]:
        """Every item, lazily."""
        ...

    def list_tax_codes(self) -> list[TaxCode]:
        """The company's tax codes (active ones)."""
        ...

    def list_terms(self) -> list[Term]:
        """The company's payment terms (active ones)."""
        ...

    def get_invoice(self, invoice_id: str) -> Invoice:
        """One invoice."""
        ...

    def find_invoices(self, query: InvoiceQuery) -> Iterator[Invoice]:
        """Invoices matching ``query``, lazily."""
        ...

    def create_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> Invoice:
        """Create an invoice; returns QBO's computed totals, number and dates."""
        ...

    def void_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> Invoice:
        """Void an invoice (QBO zeroes its amounts)."""
        ...

    def delete_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> None:
        """Delete an invoice."""
        ...

    def send_invoice(
        self, invoice_id: str, *, to: str | None = None, request_id: str | None = None
    ) -> Invoice:
        """Email the invoice from QBO (to its BillEmail, or ``to``)."""
        ...

    def invoice_pdf(self, invoice_id: str) -> bytes:
        """The invoice as a PDF document."""
        ...

    def create_payment(self, payment: Payment, *, request_id: str | None = None) -> Payment:
        """Record a customer payment applied to invoices."""
        ...


@runtime_checkable
class TokenStore(Protocol):
    """Where OAuth tokens live, keyed per realm or portal (e.g. ``"quickbooks:9130..."``).

    ``lock(key)`` serialises refreshes of one token across threads (and, for stores shared
    between processes, across processes): a refresh happens inside the lock, re-reading the
    token first, and the rotated refresh token is saved before the new access token is used.

    Example:
        >>> from hubqbo.auth import MemoryTokenStore
        >>> store: TokenStore = MemoryTokenStore()
        >>> store.save("quickbooks:9130", OAuthToken(access_token="a", refresh_token="r"))
        >>> with store.lock("quickbooks:9130"):
        ...     store.load("quickbooks:9130").refresh_token
        'r'
    """

    def load(self, key: str) -> OAuthToken | None:
        """The stored token for ``key``, if any."""
        ...

    def save(self, key: str, token: OAuthToken) -> None:
        """Store ``token`` for ``key`` (durably, before returning)."""
        ...

    def delete(self, key: str) -> None:
        """Forget the token for ``key`` (after a revoke)."""
        ...

    def lock(self, key: str) -> AbstractContextManager[None]:
        """A context manager that holds the refresh lock for ``key``."""
        ...


# --------------------------------------------------------------------------- sync ports


@attrs.frozen
class CrmObject:
    """A CRM record as the sync engine sees it: id and raw property strings.

    Example:
        >>> CrmObject(id="7", properties={"email": "ann@example.com"}).properties["email"]
        'ann@example.com'
    """

    id: str
    properties: Mapping[str, str | None] = attrs.field(factory=dict, hash=False)
    updated_at: dt.datetime | None = None
    archived: bool = False


@attrs.frozen
class WriteOutcome:
    """What a batch write did to one input (``index``: its position in the call).

    ``record_id`` is the CRM id written (``None`` when it failed); ``created`` tells an upsert's
    create from its update when the CRM says so; ``error`` is the typed error of a failed input
    (a 207 partial batch fails only some inputs).
    """

    index: int
    record_id: str | None = None
    created: bool | None = None
    error: HubQboError | None = attrs.field(default=None, eq=False)
    stored: Mapping[str, str | None] = attrs.field(factory=dict, eq=False, hash=False)
    """The record's properties as the CRM's answer shows them: what it stored (it
    normalises some values: numbers, dates, booleans)."""

    @property
    def ok(self) -> bool:
        """True when the input was applied."""
        return self.error is None


@attrs.frozen
class AssociationOutcome:
    """What an association batch did to one ``(from id, to id)`` pair."""

    index: int
    from_id: str
    to_id: str
    error: HubQboError | None = attrs.field(default=None, eq=False)

    @property
    def ok(self) -> bool:
        """True when the pair is linked."""
        return self.error is None


@runtime_checkable
class CrmRecordStore(Protocol):
    """The batch calls the sync engine needs from a CRM (HubSpot), in its own limits.

    Every method takes any number of inputs; the adapter cuts them into the CRM's batch sizes
    (HubSpot: 100 records, 2,000 association creates) and maps a partial failure back to each
    input, so one bad record never fails the others.
    """

    def list_records(
        self, object_type: CrmObjectType, *, properties: Sequence[str] = ()
    ) -> Iterator[CrmObject]:
        """Every live record of ``object_type``, lazily."""
        ...

    def read_records(
        self,
        object_type: CrmObjectType,
        ids: Sequence[str],
        *,
        id_property: str | None = None,
        properties: Sequence[str] = (),
    ) -> list[CrmObject]:
        """Records by id or by a unique ``id_property``; missing ones are left out."""
        ...

    def upsert_records(
        self,
        object_type: CrmObjectType,
        records: Sequence[Mapping[str, str]],
        *,
        id_property: str,
    ) -> list[WriteOutcome]:
        """Create or update records keyed by the unique property ``id_property``."""
        ...

    def update_records(
        self, object_type: CrmObjectType, updates: Sequence[tuple[str, Mapping[str, str]]]
    ) -> list[WriteOutcome]:
        """Update records by CRM id (``(id, properties)`` pairs)."""
        ...

    def create_records(
        self,
        object_type: CrmObjectType,
        records: Sequence[Mapping[str, str]],
        *,
        id_property: str,
    ) -> list[WriteOutcome]:
        """Create records (never retried: a create is not idempotent); outcomes matched to
        the inputs by the value of ``id_property`` each carries."""
        ...

    def find_records(
        self,
        object_type: CrmObjectType,
        property_name: str,
        values: Sequence[str],
        *,
        properties: Sequence[str] = (),
    ) -> list[CrmObject]:
        """Live records whose ``property_name`` (unique or not) holds one of ``values``."""
        ...

    def unique_properties(self, object_type: CrmObjectType) -> frozenset[str]:
        """The names of the properties of ``object_type`` whose values are unique (usable
        by ``upsert_records`` and ``read_records(id_property=...)``)."""
        ...

    def archive_records(self, object_type: CrmObjectType, ids: Sequence[str]) -> None:
        """Archive records (a record already gone is not an error)."""
        ...

    def associate_records(
        self,
        from_type: CrmObjectType,
        to_type: CrmObjectType,
        pairs: Sequence[tuple[str, str]],
    ) -> list[AssociationOutcome]:
        """Create the CRM's default association for each pair."""
        ...

    def dissociate_records(
        self,
        from_type: CrmObjectType,
        to_type: CrmObjectType,
        pairs: Sequence[tuple[str, str]],
    ) -> None:
        """Remove every association between each pair (a pair not associated is not an
        error); raises ``ApiError`` when the CRM refuses."""
        ...

    def associated_ids(
        self,
        from_type: CrmObjectType,
        ids: Sequence[str],
        to_type: CrmObjectType,
        *,
        primary: bool = False,
    ) -> dict[str, list[str]]:
        """The ids of the ``to_type`` records associated with each of ``ids`` (batched);
        ``primary``: only the primary one (a contact's primary company)."""
        ...


@attrs.frozen
class LedgerChange:
    """One changed ledger record: its entity, id, whether it was deleted, and the record
    (a :class:`~hubqbo.models.Customer`, ``Item``, ``Invoice`` or ``Payment``; ``None`` for a
    deletion)."""

    entity: str
    id: str
    deleted: bool = False
    updated_at: dt.datetime | None = None
    record: object = attrs.field(default=None, eq=False)


def _changes(value: Iterable[LedgerChange]) -> tuple[LedgerChange, ...]:
    return tuple(value)


@attrs.frozen
class LedgerChanges:
    """One change-data-capture answer for one entity.

    ``time`` is the instant the ledger answered (its own clock: the next cursor); ``changes``
    are in the ledger's order (active records, then deletions). An answer holding the ledger's
    cap (QBO: 1,000 objects) may have dropped changes.
    """

    entity: str
    time: dt.datetime
    changes: tuple[LedgerChange, ...] = attrs.field(default=(), converter=_changes)


@runtime_checkable
class LedgerFeed(Protocol):
    """The reads the sync engine needs from a ledger (QBO) to follow its changes."""

    @property
    def realm_id(self) -> str:
        """The company (realm) read."""
        ...

    def change_data_capture(self, entity: str, since: dt.datetime) -> LedgerChanges:
        """One change-data-capture call for one entity (no truncation handling)."""
        ...

    def updated_since(self, entity: str, since: dt.datetime | None) -> Iterator[LedgerChange]:
        """Every record of ``entity`` (inactive ones included) updated at or after ``since``
        (all of them for ``None``), paged by ``MetaData.LastUpdatedTime``, oldest first."""
        ...

    def records_by_id(self, entity: str, ids: Sequence[str]) -> list[LedgerChange]:
        """The records of ``ids`` that still exist (inactive ones included), in batched
        queries: webhook-reported records re-read, and a sweep for deletions (an id left out
        is gone)."""
        ...


# =========================================================================== durable sync state
#
# The records below are what a ``StateStore`` keeps per tenant. They are plain frozen values:
# the store fills ``created_at``/``updated_at`` and the other bookkeeping fields on write and
# returns complete records on read; values given for them on write are ignored.


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"datetime must be timezone-aware, got {value!r}")
    return value


def _int_map(value: Mapping[str, int]) -> Mapping[str, int]:
    return dict(sorted(value.items()))


def snapshot_hash(snapshot: str | None) -> str | None:
    """The SHA-256 (hex) of a base snapshot's JSON text; ``None`` without a snapshot.

    Example:
        >>> snapshot_hash('{"email":"ann@acme.example"}')[:12]
        '555f038db44f'
    """
    if snapshot is None:
        return None
    return hashlib.sha256(snapshot.encode()).hexdigest()


class OperationState(str, enum.Enum):
    """Where one journalled write stands.

    ``planned`` → ``in_flight`` (committed *before* the provider call) → ``applied`` |
    ``failed``; ``planned`` → ``skipped``. An ``in_flight`` row found after a crash is re-sent
    with the same operation id (the provider's idempotency key); a ``failed`` one may be
    retried (→ ``in_flight``) or given up (→ ``skipped``). ``applied`` and ``skipped`` are
    final. The allowed moves are :data:`OPERATION_TRANSITIONS`.
    """

    PLANNED = "planned"
    IN_FLIGHT = "in_flight"
    APPLIED = "applied"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def final(self) -> bool:
        """True for ``applied`` and ``skipped``: nothing moves such an operation again."""
        return not OPERATION_TRANSITIONS[self]


OPERATION_TRANSITIONS: Mapping[OperationState, frozenset[OperationState]] = {
    OperationState.PLANNED: frozenset(
        {OperationState.IN_FLIGHT, OperationState.SKIPPED, OperationState.FAILED}
    ),
    OperationState.IN_FLIGHT: frozenset(
        {OperationState.IN_FLIGHT, OperationState.APPLIED, OperationState.FAILED}
    ),
    OperationState.FAILED: frozenset({OperationState.IN_FLIGHT, OperationState.SKIPPED}),
    OperationState.APPLIED: frozenset(),
    OperationState.SKIPPED: frozenset(),
}
"""Journal state machine as data: state → the states it may move to."""


class RunStatus(str, enum.Enum):
    """A run's status; at most one ``open`` run per tenant (enforced by the database)."""

    OPEN = "open"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"
    """Its holder's lease was taken over (the holder died or stalled past its lease)."""


@attrs.frozen
class Tenant:
    """One HubSpot portal paired with one QBO realm, under a name the user chose.

    The portal and realm are recorded the first time they are known; connecting the tenant
    to another portal or realm later is refused (:class:`~hubqbo.errors.TenantMismatch`).

    Example:
        >>> Tenant("acme", hubspot_portal_id="4471", qbo_realm_id="9130").name
        'acme'
    """

    name: str
    hubspot_portal_id: str | None = None
    qbo_realm_id: str | None = None
    created_at: dt.datetime | None = attrs.field(default=None, converter=_aware)


@attrs.frozen
class Link:
    """Which QBO record is which HubSpot record, and what was last synced between them.

    Unique per tenant on ``(kind, qbo_id)`` and on ``(kind, hubspot_id)``.

    Attributes:
        kind: the object kind, e.g. ``"customer"`` (QBO Customer ↔ HubSpot contact/company),
            ``"item"``, ``"invoice"``.
        qbo_id: the QBO record id.
        hubspot_id: the HubSpot record id.
        qbo_sync_token: the QBO ``SyncToken`` last seen.
        hubspot_updated_at: the HubSpot ``updatedAt`` last seen.
        base: the base snapshot of the mapped fields as last synced (JSON text, opaque to
            the store; the engine writes canonical JSON).
        base_hash: SHA-256 of ``base`` (computed when not given).
        updated_at: when the store last wrote the link (set by the store).

    Example:
        >>> link = Link("customer", "58", "501", base='{"email":"ann@acme.example"}')
        >>> link.base_hash == snapshot_hash(link.base)
        True
    """

    kind: str
    qbo_id: str
    hubspot_id: str
    qbo_sync_token: str | None = None
    hubspot_updated_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    base: str | None = None
    base_hash: str | None = attrs.field()
    updated_at: dt.datetime | None = attrs.field(default=None, converter=_aware)

    @base_hash.default
    def _base_hash(self) -> str | None:
        return snapshot_hash(self.base)


@attrs.frozen
class LinkRef:
    """A link named by its QBO side, to remove it (``StateChange.unlinks``)."""

    kind: str
    qbo_id: str


@attrs.frozen
class Cursor:
    """Where one change feed stands (QBO change data capture time, HubSpot search lower bound,
    …): an opaque text value per ``stream`` name.

    Example:
        >>> Cursor("quickbooks:cdc:Customer", "2026-01-05T10:00:00+00:00").stream
        'quickbooks:cdc:Customer'
    """

    stream: str
    value: str
    updated_at: dt.datetime | None = attrs.field(default=None, converter=_aware)


@attrs.frozen
class Operation:
    """One intended write in the journal, keyed by its deterministic operation id.

    The id is also the provider idempotency key (QBO ``requestid``, HubSpot unique-property
    upsert value). Build it with :meth:`plan`, which derives the id from what the operation is
    (:func:`hubqbo.idempotency.operation_id`).

    Attributes:
        op_id: the operation id (≤ 50 characters).
        kind: the object kind written (``"customer"``, ``"invoice"``, …).
        source_id: the id of the record the write comes from.
        source_version: the version of that record it acts on.
        action: what the write does, e.g. ``"create:Customer"`` or ``"update:contact"``.
        target: the provider written to (``"quickbooks"`` or ``"hubspot"``).
        payload: the write's content as JSON text, kept to re-send it after a crash (optional).
        state: where it stands (set by the store's transitions).
        attempts: how many times it was sent (moves to ``in_flight``).
        remote_id: the id the provider gave the written record, once applied.
        error: the last failure, if any.
        run_id: the run that planned it, if any.
        created_at / updated_at: set by the store.

    Example:
        >>> op = Operation.plan("acme", "customer", "501", "7", "create:Customer",
        ...                     target="quickbooks")
        >>> (len(op.op_id), op.state.value)
        (36, 'planned')
    """

    op_id: str
    kind: str
    source_id: str
    source_version: str
    action: str
    target: str
    payload: str | None = None
    state: OperationState = OperationState.PLANNED
    attempts: int = 0
    remote_id: str | None = None
    error: str | None = None
    run_id: str | None = None
    created_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=_aware)

    @classmethod
    def plan(
        cls,
        tenant: str,
        kind: str,
        source_id: str,
        source_version: str,
        action: str,
        *,
        target: str,
        payload: str | None = None,
        run_id: str | None = None,
    ) -> Operation:
        """A planned operation whose id is derived from (tenant, kind, source id, source
        version, action) — never from ``payload``."""
        return cls(
            op_id=operation_id(tenant, kind, source_id, source_version, action),
            kind=kind,
            source_id=source_id,
            source_version=source_version,
            action=action,
            target=target,
            payload=payload,
            run_id=run_id,
        )


JournalEntry = Operation
"""Another name for :class:`Operation` (a row of the journal)."""


@attrs.frozen
class OperationOutcome:
    """How one in-flight operation ended (for ``StateChange.outcomes``).

    ``state`` is ``applied``, ``failed`` or ``skipped`` (``in_flight`` only via
    :meth:`StateStore.begin_operations`). The operation keeps a remote id once known; its
    ``error`` is the last failure's (kept when skipped without one) and is cleared once applied.
    """

    op_id: str
    state: OperationState
    remote_id: str | None = None
    error: str | None = None


@attrs.frozen
class DirtyMark:
    """A webhook's report that one record changed (input of ``mark_dirty``).

    Attributes:
        side: ``"hubspot"`` or ``"quickbooks"``.
        kind: the object kind (``"contact"``, ``"Customer"``, …) as the side names it.
        record_id: the record's id on that side.
        seen_at: when the event happened (its occurredAt / lastUpdated).
    """

    side: str
    kind: str
    record_id: str
    seen_at: dt.datetime = attrs.field(converter=_aware)


@attrs.frozen
class DirtyRecord:
    """One row of the dirty inbox: many events for one record coalesce into it.

    Attributes:
        events: how many events were coalesced.
        version: grows with every event; ``StateChange.cleared`` removes the row only if no
            event arrived since it was read (same version).
    """

    side: str
    kind: str
    record_id: str
    first_seen: dt.datetime = attrs.field(converter=_aware)
    last_seen: dt.datetime = attrs.field(converter=_aware)
    events: int = 1
    version: int = 1


@attrs.frozen
class Lease:
    """The right to write one tenant's state, until ``expires_at``, fenced by ``epoch``.

    Every taking-over increments the epoch; every state write names the lease and is refused
    (:class:`~hubqbo.errors.LeaseLost`) once a newer epoch exists.
    """

    tenant: str
    holder: str
    epoch: int
    acquired_at: dt.datetime = attrs.field(converter=_aware)
    expires_at: dt.datetime = attrs.field(converter=_aware)


@attrs.frozen
class Run:
    """One sync (or sweep) run of a tenant: start, end, counts, status, error."""

    run_id: str
    tenant: str
    kind: str
    holder: str
    epoch: int
    status: RunStatus
    started_at: dt.datetime = attrs.field(converter=_aware)
    ended_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    counts: Mapping[str, int] = attrs.field(factory=dict, converter=_int_map)
    error: str | None = None
    mapping_version: str | None = None
    """The mapping sets the run used (``kind:vN:digest`` per object, space-separated)."""


@attrs.frozen
class OutboxEvent:
    """A status event to deliver at least once to the application's handler.

    Attributes:
        event_id: stable id (the same event enqueued twice is stored once).
        type: e.g. ``"invoice.overdue"``, ``"payment.received"``.
        payload: the event as JSON text.
        delivered_at: set by ``mark_delivered``.
    """

    event_id: str
    type: str
    payload: str
    created_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    delivered_at: dt.datetime | None = attrs.field(default=None, converter=_aware)


@attrs.frozen
class Conflict:
    """Both sides changed one two-way field since the base snapshot; a person or a policy
    resolves it. Values are JSON text.

    Attributes:
        conflict_id: stable id chosen by the engine (recording it twice stores it once).
        resolution: how it was resolved (``"qbo"``, ``"hubspot"``, a value), once resolved.
    """

    conflict_id: str
    kind: str
    qbo_id: str
    hubspot_id: str
    field: str
    base: str | None
    qbo_value: str | None
    hubspot_value: str | None
    detected_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    resolved_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    resolution: str | None = None


@attrs.frozen
class StoredMappingSet:
    """One saved version of the mapping set of an object pair (content opaque JSON text;
    ``hubqbo.mapping`` defines it). Versions count 1, 2, … per (tenant, pair)."""

    hubspot_object: str
    qbo_object: str
    version: int
    content: str
    created_at: dt.datetime | None = attrs.field(default=None, converter=_aware)


@attrs.frozen
class MappingTally:
    """What one batch did with one mapping (for ``StateChange.tallies``): added to its
    :class:`MappingStatus`."""

    hubspot_object: str
    qbo_object: str
    version: int
    mapping: str
    written: int = 0
    refused: int = 0
    refusal: str | None = None
    """The last refusal's reason in this batch, if any."""


@attrs.frozen
class MappingStatus:
    """Per mapping of a stored mapping set version: records written, refused, the last
    refusal's reason and the last success."""

    hubspot_object: str
    qbo_object: str
    version: int
    mapping: str
    written: int = 0
    refused: int = 0
    last_refusal: str | None = None
    last_refusal_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    last_success_at: dt.datetime | None = attrs.field(default=None, converter=_aware)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class StateChange:
    """Everything one provider batch changes in the store, committed in ONE transaction.

    The engine sends a batch (≤ 100 records), then commits its outcomes together with the
    links they update, the cursor they move past, the events they raise, the conflicts found,
    the dirty rows handled and the mapping tallies: either all of it is stored or none.

    Example:
        >>> change = StateChange(cursors=[Cursor("hubspot:contacts", "2026-01-05")])
        >>> len(change.cursors), change.empty
        (1, False)
    """

    outcomes: tuple[OperationOutcome, ...] = attrs.field(default=(), converter=_tuple)
    links: tuple[Link, ...] = attrs.field(default=(), converter=_tuple)
    unlinks: tuple[LinkRef, ...] = attrs.field(default=(), converter=_tuple)
    cursors: tuple[Cursor, ...] = attrs.field(default=(), converter=_tuple)
    events: tuple[OutboxEvent, ...] = attrs.field(default=(), converter=_tuple)
    conflicts: tuple[Conflict, ...] = attrs.field(default=(), converter=_tuple)
    cleared: tuple[DirtyRecord, ...] = attrs.field(default=(), converter=_tuple)
    tallies: tuple[MappingTally, ...] = attrs.field(default=(), converter=_tuple)

    @property
    def empty(self) -> bool:
        """True when the change stores nothing."""
        return not any(attrs.astuple(self, recurse=False))


@attrs.frozen
class TenantExport:
    """Everything a store holds for one tenant (``export_tenant`` → ``import_tenant``)."""

    tenant: Tenant
    links: tuple[Link, ...] = attrs.field(default=(), converter=_tuple)
    cursors: tuple[Cursor, ...] = attrs.field(default=(), converter=_tuple)
    operations: tuple[Operation, ...] = attrs.field(default=(), converter=_tuple)
    dirty: tuple[DirtyRecord, ...] = attrs.field(default=(), converter=_tuple)
    runs: tuple[Run, ...] = attrs.field(default=(), converter=_tuple)
    events: tuple[OutboxEvent, ...] = attrs.field(default=(), converter=_tuple)
    conflicts: tuple[Conflict, ...] = attrs.field(default=(), converter=_tuple)
    mapping_sets: tuple[StoredMappingSet, ...] = attrs.field(default=(), converter=_tuple)
    mapping_statuses: tuple[MappingStatus, ...] = attrs.field(default=(), converter=_tuple)


@runtime_checkable
class StateStore(Protocol):
    """Durable sync state per tenant: links, cursors, journal, dirty inbox, runs and leases,
    outbox, conflicts, mapping sets. ``SQLiteStateStore`` (default) and
    ``PostgresStateStore`` implement it, and pass one conformance suite.

    Writes that change sync state take the tenant's :class:`Lease` and are refused with
    :class:`~hubqbo.errors.LeaseLost` once a newer epoch exists (fencing). Inputs from outside
    the run — webhook marks (``mark_dirty``), event delivery acks, mapping set saves, tenant
    registration — need no lease. Every method is one transaction: all or nothing.

    See ``hubqbo.sync.SQLiteStateStore`` for a worked example.
    """

    # ---------------------------------------------------------------- tenants

    def connect_tenant(
        self,
        name: str,
        *,
        hubspot_portal_id: str | None = None,
        qbo_realm_id: str | None = None,
    ) -> Tenant:
        """Register the tenant, or check it: the first known portal and realm stick.

        Raises:
            InvalidTenantName: ``name`` is empty, longer than 64 characters, or has
                characters outside ``[A-Za-z0-9._@-]``.
            TenantMismatch: the tenant was connected to another portal or realm.
        """
        ...

    def tenant(self, name: str) -> Tenant | None:
        """The tenant, if registered."""
        ...

    def tenants(self) -> list[Tenant]:
        """Every registered tenant, by name."""
        ...

    # ---------------------------------------------------------------- leases and runs

    def acquire_lease(
        self,
        tenant: str,
        holder: str,
        *,
        ttl: dt.timedelta,
        wait: dt.timedelta = dt.timedelta(0),
    ) -> Lease:
        """Take the tenant's lease for ``ttl``: free, expired, or already ours (re-entrant
        for the same holder, same epoch). Taking it from another holder increments the epoch.

        Polls up to ``wait`` while another holder has an unexpired lease.

        Raises:
            LeaseHeld: another holder still has it after ``wait``.
            InvalidTenantName: the tenant is not registered (``connect_tenant`` first).
        """
        ...

    def renew_lease(self, lease: Lease, *, ttl: dt.timedelta) -> Lease:
        """Extend the lease to now + ``ttl`` (same epoch).

        Raises:
            LeaseLost: a newer epoch exists, or the lease was released.
        """
        ...

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up (no-op when it was already taken over)."""
        ...

    def current_lease(self, tenant: str) -> Lease | None:
        """The tenant's lease as stored (possibly expired), if any."""
        ...

    def start_run(
        self, lease: Lease, kind: str = "sync", *, mapping_version: str | None = None
    ) -> Run:
        """Open a run under ``lease``, recording the mapping sets it uses
        (``mapping_version``). An open run of an older epoch (its holder died) is
        closed as ``abandoned`` first.

        Raises:
            RunAlreadyOpen: a run of this epoch is open.
            LeaseLost: fenced.
        """
        ...

    def finish_run(
        self,
        lease: Lease,
        run_id: str,
        *,
        status: RunStatus,
        counts: Mapping[str, int] | None = None,
        error: str | None = None,
    ) -> Run:
        """Close the run with its final status, counts and error (raises ``LeaseLost``)."""
        ...

    def open_run(self, tenant: str) -> Run | None:
        """The tenant's open run, if any."""
        ...

    def runs(self, tenant: str, *, limit: int = 20) -> list[Run]:
        """The tenant's runs, newest first."""
        ...

    # ---------------------------------------------------------------- journal

    def journal(
        self, lease: Lease, operations: Sequence[Operation], *, begin: bool = False
    ) -> list[Operation]:
        """Record planned operations (one transaction for the batch); returns them as stored.

        An operation id already in the journal is kept as it is (whatever its state), so
        re-planning after a crash never resets a write that was sent or applied. With
        ``begin``, the batch's non-final operations also move to ``in_flight`` (attempts + 1)
        in the same transaction — for a batch sent right away.
        """
        ...

    def prune_journal(self, tenant: str, *, older_than: dt.datetime) -> int:
        """Delete the tenant's final operations (applied or skipped) last changed before
        ``older_than`` (aware); planned, in-flight and failed ones are always kept (a crashed
        run's work is never forgotten). Returns how many were deleted. Keep the cutoff well
        behind the runs (days): an operation id is how a re-plan finds work already done."""
        ...

    def begin_operations(self, lease: Lease, op_ids: Sequence[str]) -> list[Operation]:
        """Move operations to ``in_flight`` (attempts + 1) in one transaction, before the
        provider call; returns them as stored.

        Raises:
            InvalidTransition: an id is unknown or its operation is applied or skipped.
            LeaseLost: fenced.
        """
        ...

    def commit(self, lease: Lease, change: StateChange) -> None:
        """Store one batch's outcomes, links, unlinks, cursors, events, conflicts, dirty
        clearances and mapping tallies in ONE transaction.

        Raises:
            InvalidTransition: an outcome's operation is unknown or cannot move there.
            LinkConflict: a link's record is already linked to another record.
            LeaseLost: fenced. Nothing is stored when anything is refused.
        """
        ...

    def operation(self, tenant: str, op_id: str) -> Operation | None:
        """One operation, if journalled."""
        ...

    def operations(
        self,
        tenant: str,
        *,
        states: Sequence[OperationState] = (),
        kind: str | None = None,
        source_id: str | None = None,
        limit: int | None = None,
    ) -> list[Operation]:
        """Operations (all, or those in ``states`` / of ``kind`` / from ``source_id``),
        oldest first — e.g. the ``in_flight`` ones to re-send after a crash."""
        ...

    # ---------------------------------------------------------------- links and cursors

    def link(
        self, tenant: str, kind: str, *, qbo_id: str | None = None, hubspot_id: str | None = None
    ) -> Link | None:
        """The link of one record, by its QBO id or its HubSpot id (exactly one of them)."""
        ...

    def links(
        self,
        tenant: str,
        kind: str,
        *,
        qbo_ids: Sequence[str] | None = None,
        hubspot_ids: Sequence[str] | None = None,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[Link]:
        """Links of ``kind``: those of the given ids (either side), or all (by QBO id).

        Without ids, ``after`` and ``limit`` read the links a page at a time (keyset paging):
        at most ``limit`` links whose QBO id sorts after ``after``, in the store's order."""
        ...

    def cursor(self, tenant: str, stream: str) -> Cursor | None:
        """One stream's cursor, if any."""
        ...

    def cursors(self, tenant: str) -> list[Cursor]:
        """Every cursor of the tenant, by stream."""
        ...

    # ---------------------------------------------------------------- dirty inbox

    def mark_dirty(self, tenant: str, marks: Sequence[DirtyMark]) -> None:
        """Coalesce webhook reports into one row per record (no lease: receivers call it)."""
        ...

    def dirty(self, tenant: str, *, limit: int | None = None) -> list[DirtyRecord]:
        """Dirty records, longest-waiting first."""
        ...

    # ---------------------------------------------------------------- outbox

    def pending_events(self, tenant: str, *, limit: int | None = None) -> list[OutboxEvent]:
        """Undelivered events, oldest first."""
        ...

    def mark_delivered(self, tenant: str, event_ids: Sequence[str]) -> None:
        """Record that the handler took these events (no lease; idempotent)."""
        ...

    # ---------------------------------------------------------------- conflicts

    def conflicts(self, tenant: str, *, include_resolved: bool = False) -> list[Conflict]:
        """Open conflicts (or all), oldest first."""
        ...

    def resolve_conflict(self, lease: Lease, conflict_id: str, resolution: str) -> None:
        """Mark a conflict resolved with ``resolution`` (raises ``LeaseLost``)."""
        ...

    # ---------------------------------------------------------------- mapping sets

    def save_mapping_set(
        self,
        tenant: str,
        hubspot_object: str,
        qbo_object: str,
        content: str,
        *,
        expected_version: int | None = None,
    ) -> StoredMappingSet:
        """Save ``content`` as the next version of the pair's mapping set.

        With ``expected_version`` (the version the change was made from, ``0`` for none) the
        save is refused with :class:`~hubqbo.errors.MappingSetVersionConflict` when another
        version was saved meanwhile.
        """
        ...

    def mapping_set(
        self, tenant: str, hubspot_object: str, qbo_object: str, *, version: int | None = None
    ) -> StoredMappingSet | None:
        """One version (default: the latest) of the pair's mapping set."""
        ...

    def mapping_sets(self, tenant: str) -> list[StoredMappingSet]:
        """The latest version of every pair's mapping set."""
        ...

    def mapping_statuses(
        self, tenant: str, hubspot_object: str, qbo_object: str, *, version: int | None = None
    ) -> list[MappingStatus]:
        """Per-mapping status of one version (default: the latest), by mapping name."""
        ...

    # ---------------------------------------------------------------- whole tenant

    def export_tenant(self, tenant: str) -> TenantExport:
        """Everything stored for the tenant."""
        ...

    def import_tenant(self, export: TenantExport) -> None:
        """Store an export as it is (a new tenant only: refused with ``TenantMismatch`` when
        the tenant already has state here)."""
        ...

    def close(self) -> None:
        """Release connections (the store is unusable afterwards)."""
        ...
