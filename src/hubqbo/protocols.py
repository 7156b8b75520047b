"""Ports: what the application services need from a CRM, a ledger and a token store.

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from hubqbo.errors import HubQboError
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
    "AccountingClient",
    "Association",
    "AssociationOutcome",
    "CrmClient",
    "CrmInvoiceCreator",
    "CrmObject",
    "CrmRecordStore",
    "InvoiceQuery",
    "LedgerChange",
    "LedgerChanges",
    "LedgerFeed",
    "PropertyChanges",
    "TokenStore",
    "WriteOutcome",
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
