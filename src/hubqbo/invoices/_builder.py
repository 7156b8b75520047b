"""InvoiceBuilder: HubSpot deal or quote → reviewed draft → QBO invoice, recorded in HubSpot.

Why a service over ports: it speaks only :class:`~hubqbo.protocols.CrmClient` and
:class:`~hubqbo.protocols.AccountingClient` (plus the pure core), so it runs the same against
the real APIs, the sandboxes, or a user's own implementations.

Safety: ``create`` refuses a draft with problems; it is idempotent per (realm, deal or
quote, attempt id). Before writing it looks for the invoice an earlier attempt made (in QBO, by
a key in the invoice's private note among the customer's invoices; in HubSpot, by the unique
QBO-reference property), and every write carries a deterministic idempotency key, so retries
— even after a crash or a lost answer — never make a second customer or invoice.

Write order: customer (if new) → invoice → HubSpot invoice record → associations → deal
roll-up. Each step is idempotent, so a run that stopped half-way is completed by the next.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from hubqbo._display import Records, fields_table, plain, rows_table, summary, to_dict
from hubqbo.errors import (
    ConfigurationError,
    ConflictError,
    CustomTransactionNumbersEnabled,
    DraftHasProblems,
    DuplicateDocNumberError,
    DuplicateError,
    DuplicateNameError,
    NotFoundError,
    UnexpectedResponseError,
)
from hubqbo.idempotency import derive_request_id
from hubqbo.invoices._draft import (
    CustomerMatch,
    DocNumberPolicy,
    DraftSource,
    InvoiceDraft,
    LineDiscountMode,
    RealmCatalog,
)
from hubqbo.invoices._journal import (
    CREATE_CUSTOMER,
    CREATE_INVOICE,
    RECORD,
    ROLLUP,
    AttemptLog,
    InvoiceJournal,
)
from hubqbo.invoices._problems import Problem, ProblemCode, as_tuple
from hubqbo.invoices._results import (
    DealRollupChanged,
    InvoiceEvent,
    InvoiceVoided,
    LinkedInvoice,
    invoice_events,
    qbo_ref,
)
from hubqbo.invoices._rules import check_quote_usable, resolve_terms
from hubqbo.matching import Buyer, CustomerMatcher, MatchResult
from hubqbo.models import (
    Company,
    CompanyProfile,
    Contact,
    CrmInvoice,
    CrmObjectType,
    Customer,
    Deal,
    Invoice,
    LineItem,
    Product,
    PropertyGroupSpec,
    PropertySpec,
    Quote,
    Ref,
)
from hubqbo.protocols import (
    AccountingClient,
    CrmClient,
    CrmInvoiceCreator,
    InvoiceQuery,
    Link,
    StateStore,
)
from hubqbo.rollups import (
    DEFAULT_ROLLUP_PROPERTIES,
    DealRollup,
    RollupProperties,
    deal_rollup,
    pick_rollup_invoice,
    rollup_candidates,
)
from hubqbo.status import InvoiceStatus, invoice_status
from hubqbo.timezones import local_date

__all__ = [
    "BuyerMatcher",
    "DealRefresh",
    "InvoiceBuilder",
    "InvoiceProperties",
    "LedgerRegistry",
]

logger = logging.getLogger("hubqbo.invoices")

_KEY_RE = re.compile(r"hubqbo-key:\s*([0-9a-f-]{36})")


@runtime_checkable
class LedgerRegistry(Protocol):
    """Several QBO companies, e.g. ``hubqbo.quickbooks.RealmRegistry``."""

    @property
    def realm_ids(self) -> Sequence[str]:
        """The connected realms."""
        ...

    def get(self, realm_id: str | None = None) -> AccountingClient:
        """The client for ``realm_id``; without one, the only client (else an error)."""
        ...


class _Ledgers:
    """A mapping or a single client seen as a :class:`LedgerRegistry`."""

    def __init__(self, clients: Mapping[str, AccountingClient]) -> None:
        if not clients:
            raise ConfigurationError("InvoiceBuilder needs at least one QuickBooks company")
        self._clients = dict(clients)

    @property
    def realm_ids(self) -> Sequence[str]:
        return tuple(self._clients)

    def get(self, realm_id: str | None = None) -> AccountingClient:
        if realm_id is None:
            if len(self._clients) > 1:
                raise ConfigurationError(
                    f"several QuickBooks companies are connected ({', '.join(self._clients)}); "
                    "pick one with realm=..."
                )
            return next(iter(self._clients.values()))
        try:
            return self._clients[realm_id]
        except KeyError:
            raise ConfigurationError(
                f"QuickBooks company {realm_id} is not connected "
                f"(known: {', '.join(self._clients)})"
            ) from None


class BuyerMatcher(Protocol):
    """The narrow part of :class:`hubqbo.matching.CustomerMatcher` the builder uses."""

    def match(self, buyer: Buyer) -> MatchResult:
        """Match one buyer."""
        ...

    def add(self, customer: Customer) -> bool:
        """Index one more customer."""
        ...


@attrs.frozen
class InvoiceProperties:
    """Names of hubqbo's custom HubSpot invoice-object properties.

    Attributes:
        qbo_ref: unique property holding ``realm:invoice id`` (QBO ids are unique per realm
            only); upserts and reads go through it, never through search (which lags).
        status: hubqbo's six-state status (``hs_invoice_status`` knows only four states).
        realm: the QBO company id.
        total: the invoice total as QBO computed it (HubSpot's ``hs_amount_billed`` is
            computed from HubSpot line items, which hubqbo does not create).
        balance: the open balance (likewise ``hs_balance_due`` is read-only).
        number: the QBO DocNumber (HubSpot's ``hs_number`` is read-only).

    Example:
        >>> InvoiceProperties().qbo_ref
        'qbo_invoice_ref'
    """

    qbo_ref: str = "qbo_invoice_ref"
    status: str = "hubqbo_invoice_status"
    realm: str = "qbo_realm_id"
    number: str = "qbo_invoice_number"
    total: str = "qbo_invoice_total"
    balance: str = "qbo_invoice_balance"


@attrs.frozen(repr=False)
class DealRefresh:
    """What ``refresh_deal`` found and wrote.

    Attributes:
        deal_id: the deal.
        invoices: the deal's QBO invoices with their statuses now.
        rollup: the roll-up computed (``None``: foreign-currency winner, nothing written).
        written: whether the deal's properties were updated.
        events: what changed since HubSpot last knew (for workflows).

    Example:
        >>> print(DealRefresh(deal_id="7", invoices=(), rollup=DealRollup.empty(),
        ...                   written=False, events=()))
        Deal 7: 0 invoice(s)
          roll-up unchanged
    """

    deal_id: str
    invoices: tuple[LinkedInvoice, ...] = attrs.field(converter=as_tuple)
    rollup: DealRollup | None
    written: bool
    events: tuple[InvoiceEvent | DealRollupChanged, ...] = attrs.field(converter=as_tuple)

    def __str__(self) -> str:
        lines = [f"Deal {self.deal_id}: {len(self.invoices)} invoice(s)"]
        lines += [
            f"  {i.invoice.doc_number or i.invoice.id}: {i.status.label}, balance "
            f"{i.invoice.balance} {i.invoice.currency}"
            for i in self.invoices
        ]
        lines.append(f"  {self._rollup_text()}")
        lines += [f"  event: {e.kind}" for e in self.events]
        return "\n".join(lines)

    def _rollup_text(self) -> str:
        if self.rollup is None:
            return "roll-up: not written (invoice currency is not the portal's)"
        return f"roll-up {'written' if self.written else 'unchanged'}"

    def __repr__(self) -> str:
        return summary(
            "DealRefresh",
            [
                ("deal_id", self.deal_id),
                ("invoices", len(self.invoices)),
                ("written", self.written),
                ("events", tuple(e.kind for e in self.events)),
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the invoices as rows, the roll-up's properties, the events' fields."""
        return {
            "deal_id": self.deal_id,
            "invoices": [i.to_dict() for i in self.invoices],
            "rollup": None if self.rollup is None else self.rollup.to_properties(),
            "written": self.written,
            "events": [plain(e) for e in self.events],
        }

    def _repr_html_(self) -> str:
        title = f"Deal {self.deal_id}: {len(self.invoices)} invoice(s), {self._rollup_text()}"
        properties = self.rollup.to_properties() if self.rollup is not None else {}
        table = rows_table("invoices", [i.to_dict() for i in self.invoices])
        events = rows_table("events", [to_dict(e) for e in self.events]) if self.events else ""
        return fields_table(title, properties.items()) + table + events


@attrs.define
class _Realm:
    """Cached reference data of one realm (profile, items, tax codes, terms, customers)."""

    client: AccountingClient
    catalog: RealmCatalog
    matcher: BuyerMatcher
    customers: dict[str, Customer]
    loaded_at: dt.datetime


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _matcher(customers: Iterable[Customer]) -> BuyerMatcher:
    return CustomerMatcher(customers)


class InvoiceBuilder:
    """Make QBO invoices from HubSpot deals and quotes, and keep deals up to date.

    Args:
        crm: the HubSpot side (:class:`~hubqbo.protocols.CrmClient`).
        accounting: one QBO company, or several: a mapping realm id → client, or a
            registry such as ``hubqbo.quickbooks.RealmRegistry``.
        item_map: explicit HubSpot product id → QBO item id mapping (tried first).
        fee_item_id: the QBO service item quote fees are billed with.
        doc_number_policy: what to do when QBO custom transaction numbers are on.
        line_discount_mode: line discounts as net unit prices (default) or a discount line.
        now: the clock (aware ``datetime``); injectable for tests and demos.
        cache_ttl: how long a realm's items, tax codes, terms and customers are reused.
        matcher_factory: builds the customer matcher from a realm's customers.
        rollup_properties: the deal roll-up property names.
        invoice_properties: hubqbo's invoice-object property names.
        state: a state store (``hubqbo.sync.SQLiteStateStore``, …): ``create`` then journals
            each step, finds its own invoice through the store first on a re-run (and refuses
            one deleted or voided since with ``InvoiceGone``), and holds the tenant's lease.
            Without it ``create`` relies on the private-note marker and QBO's replay alone.
        tenant: the store's tenant name (required with ``state``), or a mapping QBO realm id
            → tenant name for several companies.

    A builder caches each realm's reference data; use one builder per thread.

    Example:
        >>> from hubqbo.hubspot import HubSpotClient
        >>> from hubqbo.quickbooks import QuickBooksClient
        >>> from hubqbo.sandbox import HubSpotSandbox, QuickBooksSandbox
        >>> qbo = QuickBooksSandbox()
        >>> realm = qbo.add_realm(country="US")
        >>> _ = qbo.add_customer(realm, "Acme Inc",
        ...                      PrimaryEmailAddr={"Address": "ann@acme.example"})
        >>> _ = qbo.add_item(realm, "Audit", 500, Sku="AUD")
        >>> hs = HubSpotSandbox()
        >>> ann = hs.create("contacts", {"email": "ann@acme.example", "firstname": "Ann"})
        >>> deal = hs.create("deals", {"dealname": "Audit"}, associations=[("contacts", ann)])
        >>> _ = hs.create("line_items", {"name": "Audit", "hs_sku": "AUD", "price": "500",
        ...               "quantity": "2"}, associations=[("deals", deal)])
        >>> builder = InvoiceBuilder(HubSpotClient(access_token="pat-...", transport=hs),
        ...                          QuickBooksClient(realm_id=realm, access_token="...",
        ...                                           transport=qbo))
        >>> draft = builder.from_deal(deal)          # review it: str(draft) or in Jupyter
        >>> draft.problems(), draft.customer.display_name, draft.total
        ((), 'Acme Inc', Decimal('1000.00'))
        >>> builder.create(draft).status.label
        'Awaiting send'
    """

    def __init__(
        self,
        crm: CrmClient,
        accounting: AccountingClient | Mapping[str, AccountingClient] | LedgerRegistry,
        *,
        item_map: Mapping[str, str] | None = None,
        fee_item_id: str | None = None,
        doc_number_policy: DocNumberPolicy = DocNumberPolicy.REFUSE,
        line_discount_mode: LineDiscountMode = LineDiscountMode.NET_PRICE,
        now: Callable[[], dt.datetime] | None = None,
        cache_ttl: dt.timedelta = dt.timedelta(minutes=15),
        matcher_factory: Callable[[Iterable[Customer]], BuyerMatcher] = _matcher,
        rollup_properties: RollupProperties = DEFAULT_ROLLUP_PROPERTIES,
        invoice_properties: InvoiceProperties | None = None,
        state: StateStore | None = None,
        tenant: str | Mapping[str, str] | None = None,
    ) -> None:
        _check_arguments(crm, accounting)
        if state is not None and not tenant:
            raise ConfigurationError("InvoiceBuilder(state=...) needs tenant=<name>")
        self._journal = None if state is None else InvoiceJournal(state, tenant or "")
        self._crm = crm
        if isinstance(accounting, Mapping):
            self._ledgers: LedgerRegistry = _Ledgers(accounting)
        elif isinstance(accounting, AccountingClient):
            self._ledgers = _Ledgers({accounting.realm_id: accounting})
        else:
            self._ledgers = accounting
        self._item_map = dict(item_map or {})
        self._fee_item_id = fee_item_id
        self._doc_policy = doc_number_policy
        self._discount_mode = line_discount_mode
        self._now = now or _system_now
        self._ttl = cache_ttl
        self._matcher_factory = matcher_factory
        self._rollup_names = rollup_properties
        self._inv_props = invoice_properties or InvoiceProperties()
        self._realms: dict[str, _Realm] = {}
        self._properties_ensured = False
        self._company_currency: str | None = None
        self._portal_tz: str | None = None

    # ------------------------------------------------------------------ realms, A1

    @property
    def realm_ids(self) -> tuple[str, ...]:
        """The QBO companies this builder can write to."""
        return tuple(self._ledgers.realm_ids)

    def _ledger(self, realm: str | None) -> AccountingClient:
        return self._ledgers.get(realm)

    def _realm(self, realm: str | None) -> _Realm:
        client = self._ledger(realm)
        cached = self._realms.get(client.realm_id)
        now = self._now()
        if cached is not None and now - cached.loaded_at < self._ttl:
            return cached
        profile = client.company_profile()
        # Inactive customers too: their names are taken (the matcher skips them itself).
        customers = {
            c.id: c for c in client.iter_customers(include_inactive=True) if c.id is not None
        }
        catalog = RealmCatalog.of(
            profile,
            items=client.iter_items(include_inactive=True),
            tax_codes=client.list_tax_codes() if not profile.is_us else (),
            terms=client.list_terms(),
            customer_names=[c.display_name or "" for c in customers.values()],
        )
        state = _Realm(
            client=client,
            catalog=catalog,
            matcher=self._matcher_factory(customers.values()),
            customers=customers,
            loaded_at=now,
        )
        self._realms[client.realm_id] = state
        return state

    def refresh_catalog(self, realm: str | None = None) -> None:
        """Forget the cached items, tax codes, terms and customers (all realms by default)."""
        if realm is None:
            self._realms.clear()
        else:
            self._realms.pop(realm, None)

    def _remember_customer(self, realm: _Realm, customer: Customer) -> None:
        if customer.id is None or customer.id in realm.customers:
            return
        realm.customers[customer.id] = customer
        realm.matcher.add(customer)
        realm.catalog = realm.catalog.with_customer_name(customer.display_name or "")

    def _today(self, profile: CompanyProfile) -> dt.date:
        return profile.today(self._now())

    def _check_txn_numbers(self, profile: CompanyProfile) -> None:
        if profile.custom_txn_numbers and self._doc_policy is DocNumberPolicy.REFUSE:
            raise CustomTransactionNumbersEnabled(profile.realm_id)

    def _hubspot_currency(self) -> str:
        if self._company_currency is None:
            self._company_currency = self._crm.company_currency()
        return self._company_currency

    # ------------------------------------------------------------------ drafts, A2–A8

    def from_deal(
        self,
        deal_id: str,
        *,
        realm: str | None = None,
        attempt_id: str | None = None,
        contact_id: str | None = None,
        item_map: Mapping[str, str] | None = None,
        fee_item_id: str | None = None,
        message: str | None = None,
    ) -> InvoiceDraft:
        """A draft invoice made from scratch from a deal and its line items.

        Raises:
            CustomTransactionNumbersEnabled: the realm numbers invoices itself only when the
                setting is off, and the policy is ``REFUSE``.
        """
        state = self._realm(realm)
        self._check_txn_numbers(state.catalog.profile)
        deal = self._crm.get_deal(deal_id)
        return self._draft(
            state,
            source=DraftSource(deal_id=deal.id, attempt_id=attempt_id),
            deal=deal,
            quote=None,
            line_item_ids=deal.line_item_ids,
            contact_ids=deal.contact_ids,
            company_ids=_deal_companies(deal),
            contact_id=contact_id,
            item_map=item_map,
            fee_item_id=fee_item_id,
            message=message,
        )

    def from_quote(
        self,
        quote_id: str,
        *,
        realm: str | None = None,
        attempt_id: str | None = None,
        contact_id: str | None = None,
        item_map: Mapping[str, str] | None = None,
        fee_item_id: str | None = None,
        message: str | None = None,
    ) -> InvoiceDraft:
        """A draft invoice made from a published, unexpired HubSpot quote.

        Raises:
            QuoteNotUsable: the quote is not published (``hs_status``) or expired (judged on
                the portal's calendar day).
            CustomTransactionNumbersEnabled: as for :meth:`from_deal`.
        """
        quote = self._crm.get_quote(quote_id)
        if self._portal_tz is None:
            self._portal_tz = self._crm.portal_time_zone()
        check_quote_usable(
            quote, today=local_date(self._now(), self._portal_tz), time_zone=self._portal_tz
        )
        state = self._realm(realm)
        self._check_txn_numbers(state.catalog.profile)
        deal = self._crm.get_deal(quote.deal_id) if quote.deal_id else None
        return self._draft(
            state,
            source=DraftSource(deal_id=quote.deal_id, quote_id=quote.id, attempt_id=attempt_id),
            deal=deal,
            quote=quote,
            line_item_ids=quote.line_item_ids,
            contact_ids=quote.buyer_contact_ids or (deal.contact_ids if deal else ()),
            company_ids=quote.buyer_company_ids or (_deal_companies(deal) if deal else ()),
            contact_id=contact_id,
            item_map=item_map,
            fee_item_id=fee_item_id,
            message=message,
        )

    def _draft(
        self,
        state: _Realm,
        *,
        source: DraftSource,
        deal: Deal | None,
        quote: Quote | None,
        line_item_ids: Sequence[str],
        contact_ids: Sequence[str],
        company_ids: Sequence[str],
        contact_id: str | None,
        item_map: Mapping[str, str] | None,
        fee_item_id: str | None,
        message: str | None,
    ) -> InvoiceDraft:
        crm = self._crm
        line_items = crm.get_line_items(list(line_item_ids)) if line_item_ids else []
        mapping = {**self._item_map, **(item_map or {})}
        products = _products(crm, line_items, mapped=mapping)
        company = crm.get_company(company_ids[0]) if company_ids else None
        contact: Contact | None = None
        choices: list[Contact] = []
        if contact_id is not None:
            contact = crm.get_contact(contact_id)
        elif len(contact_ids) == 1:
            contact = crm.get_contact(contact_ids[0])
        elif len(contact_ids) > 1 and company is None:
            choices = [crm.get_contact(cid) for cid in contact_ids]
        currency = (
            (quote.currency if quote else None)
            or (deal.currency if deal else None)
            or self._hubspot_currency()
        )
        matches: dict[str, CustomerMatch] = {}
        if choices:
            for c in choices:
                matches[c.id or ""] = self._match(state, c, None)
            match = None
        elif contact is not None or company is not None:
            match = self._match(state, contact, company)
        else:
            match = None
        customer = match.customer if match is not None and not match.ambiguous else None
        profile = state.catalog.profile
        return InvoiceDraft.build(
            source=source,
            catalog=state.catalog,
            currency=currency,
            txn_date=self._today(profile),
            line_items=line_items,
            products=products,
            item_map=mapping,
            customer=customer,
            match=match,
            contact=contact,
            company=company,
            contact_choices=choices,
            contact_matches=matches,
            deal=deal,
            quote=quote,
            fee_item_id=fee_item_id or self._fee_item_id,
            line_discount_mode=self._discount_mode,
            terms=resolve_terms(customer, profile, state.catalog.terms),
            message=message,
            doc_number_policy=self._doc_policy,
        )

    def _match(
        self, state: _Realm, contact: Contact | None, company: Company | None
    ) -> CustomerMatch:
        if contact is not None:
            buyer = Buyer.from_contact(contact, company)
        elif company is not None:
            buyer = Buyer.from_company(company)
        else:
            return CustomerMatch(customer=None)
        result = state.matcher.match(buyer)
        return CustomerMatch(
            customer=result.customer,
            candidates=tuple(c.customer for c in result.candidates),
            ambiguous=result.ambiguous,
            score=result.score if result.candidates else None,
            reasons=tuple(
                f"{r.key.value} {r.agreement.value}" for r in result.reasons if r.weight > 0
            )
            if result.matched
            else (),
        )

    def match(
        self,
        contact: Contact | None = None,
        company: Company | None = None,
        *,
        realm: str | None = None,
    ) -> CustomerMatch:
        """Match a HubSpot buyer against the realm's QBO customers, without a draft."""
        return self._match(self._realm(realm), contact, company)

    # ------------------------------------------------------------------ create, A9

    def idempotency_key(self, draft: InvoiceDraft) -> str:
        """The key ``create`` is idempotent on: (realm, deal or quote, attempt id)."""
        src = draft.source
        return derive_request_id(
            "hubqbo:invoice",
            {"kind": src.kind, "id": src.source_id, "attempt": src.attempt_id or ""},
            namespace=draft.realm_id,
        )

    def create(self, draft: InvoiceDraft) -> LinkedInvoice:
        """Create the draft's invoice in QBO and record it in HubSpot; idempotent.

        Returns the invoice (``created`` is ``False`` when an earlier attempt had made it).

        Raises:
            DraftHasProblems: the draft still has problems (nothing written).
            CustomTransactionNumbersEnabled: policy ``REFUSE`` and the setting is on.
            DuplicateDocNumberError: the caller's DocNumber is already used by another invoice.
        """
        problems = draft.problems()
        if problems:
            raise DraftHasProblems(problems)
        state = self._realm(draft.realm_id)
        client = state.client
        profile = client.company_profile()
        self._check_txn_numbers(profile)
        if profile.custom_txn_numbers and not draft.doc_number:
            raise DraftHasProblems(
                attrs.evolve(draft, catalog=attrs.evolve(draft.catalog, profile=profile)).problems()
            )
        key = self.idempotency_key(draft)
        draft = self._complete_customer(client, draft)
        if self._journal is None:
            return self._create(draft, state, client=client, profile=profile, key=key, log=None)
        source = f"{draft.source.kind}:{draft.source.source_id}"
        with self._journal.attempt(client.realm_id, source, draft.source.attempt_id) as log:
            return self._create(draft, state, client=client, profile=profile, key=key, log=log)

    def _create(
        self,
        draft: InvoiceDraft,
        state: _Realm,
        *,
        client: AccountingClient,
        profile: CompanyProfile,
        key: str,
        log: AttemptLog | None,
    ) -> LinkedInvoice:
        """The writes of ``create`` (journalled, under the tenant's lease, with a store)."""
        made = log.made_invoice(client) if log else None  # the journal first: raises if gone
        # Every check before the first write: a clashing DocNumber must not leave a new
        # customer behind. The clash may be the invoice an earlier attempt made: that is it.
        # The deal's invoices are read before writing: one of them may be the invoice this
        # key already made, even if the draft now names another customer.
        on_deal = [
            li for li, _ in self._linked_records(draft.deal.invoice_ids if draft.deal else ())
        ]
        invoice = (
            made
            or self._check_doc_number(client, draft.doc_number, key)
            or next((li.invoice for li in on_deal if _made_for(li.invoice, key)), None)
        )
        if invoice is not None:
            customer, customer_created = self._customer_of(state, invoice), False
        else:
            customer, customer_created = self._ensure_customer(state, draft, key)
            if log and customer_created:
                log.applied(CREATE_CUSTOMER, customer.id)
            if not customer_created:
                invoice = self._find_made(client, customer, key)
        created = invoice is None
        if invoice is None:
            note = _note(draft, key)
            to_create = draft.to_invoice(
                Ref(customer.id or "", customer.display_name), private_note=note
            )
            if log:
                log.begin(CREATE_INVOICE)
            invoice = client.create_invoice(
                to_create,
                request_id=log.request_id(CREATE_INVOICE)
                if log
                else derive_request_id("create:Invoice", key, namespace=key),
            )
            _check_created(invoice.id, invoice.total, "invoice", client.realm_id)
            logger.info("created QBO invoice %s in realm %s", invoice.id, client.realm_id)
        if log:
            invoice = log.confirmed(client, invoice)
        status = invoice_status(invoice, today=self._today(profile))
        links = _links(draft.source.deal_id, draft.contact, draft.company)
        crm_id = self._created_record(client.realm_id, invoice, status, links)
        if crm_id is None:
            crm_id = self._record(client.realm_id, invoice, status, look_first=not created)
            self._associate(crm_id, links)
        if log:
            record_link = (Link("invoice", invoice.id or "", crm_id),) if crm_id else ()
            log.applied(RECORD, crm_id, links=record_link)
        rollup = None
        if draft.source.deal_id:
            others = [li.invoice for li in on_deal if li.crm_invoice_id != crm_id]
            rollup = self._write_rollup(
                draft.source.deal_id, [invoice, *others], realm=client.realm_id
            )
            if log:
                log.applied(ROLLUP, draft.source.deal_id)
        return LinkedInvoice(
            realm_id=client.realm_id,
            invoice=invoice,
            status=status,
            crm_invoice_id=crm_id,
            deal_id=draft.source.deal_id,
            created=created,
            customer=customer,
            customer_created=customer_created,
            rollup=rollup,
        )

    def _ensure_customer(
        self, state: _Realm, draft: InvoiceDraft, key: str
    ) -> tuple[Customer, bool]:
        client = state.client
        if draft.customer is not None:
            return draft.customer, False
        new = draft.new_customer
        if new is None:  # pragma: no cover - problems() reports it first
            raise DraftHasProblems(draft.problems())
        same_name = client.find_customers(display_name=new.display_name or "")
        for existing in same_name:
            if _same_customer(existing, new):
                # An earlier attempt made it (or someone made exactly this customer).
                self._remember_customer(state, existing)
                return existing, False
        if same_name:
            raise DraftHasProblems(
                (
                    Problem(
                        ProblemCode.CUSTOMER_NAME_TAKEN,
                        f"a QuickBooks customer named {new.display_name!r} already exists",
                        fix="pick it with with_customer(...) or name the new one "
                        "with_new_customer(display_name=...)",
                        candidates=tuple(f"{c.id}: {c.display_name}" for c in same_name),
                    ),
                )
            )
        try:
            made = client.create_customer(new, request_id=_customer_key(draft, new))
        except DuplicateNameError as exc:  # QBO names are unique across vendors and employees
            raise DraftHasProblems(
                (
                    Problem(
                        ProblemCode.CUSTOMER_NAME_TAKEN,
                        f"QuickBooks refused the name {new.display_name!r}: it is used by another "
                        f"customer, a vendor or an employee ({exc.message})",
                        fix="name the new customer with_new_customer(display_name=...)",
                    ),
                )
            ) from exc
        _check_created(made.id, None, "customer", client.realm_id)
        logger.info("created QBO customer %s in realm %s", made.id, client.realm_id)
        self._remember_customer(state, made)
        return made, True

    def _customer_of(self, state: _Realm, invoice: Invoice) -> Customer:
        """The customer of an invoice an earlier attempt made (cached, else as referenced)."""
        ref = invoice.customer
        return state.customers.get(ref.value) or Customer(id=ref.value, display_name=ref.name)

    def _complete_customer(self, client: AccountingClient, draft: InvoiceDraft) -> InvoiceDraft:
        """A customer chosen by id alone is read, so its currency is checked and its own
        payment terms apply — before anything is written."""
        customer = draft.customer
        if customer is None or customer.display_name is not None or customer.id is None:
            return draft
        completed = draft.with_customer(client.get_customer(customer.id))
        problems = completed.problems()
        if problems:
            raise DraftHasProblems(problems)
        return completed

    def _find_made(self, client: AccountingClient, customer: Customer, key: str) -> Invoice | None:
        """The invoice an earlier attempt made for ``key`` (its private note carries the key)."""
        if customer.id is None:
            return None
        query = InvoiceQuery(customer_id=customer.id)
        return next((i for i in client.find_invoices(query) if _made_for(i, key)), None)

    def _check_doc_number(
        self, client: AccountingClient, doc_number: str | None, key: str
    ) -> Invoice | None:
        """``None`` when ``doc_number`` is free (or not given); the invoice an earlier attempt
        made with it (same idempotency key); else :class:`DuplicateDocNumberError`."""
        if not doc_number:
            return None
        clashes = list(client.find_invoices(InvoiceQuery(doc_number=doc_number)))
        ours = next((i for i in clashes if _made_for(i, key)), None)
        if ours is not None:
            return ours
        clash = next(iter(clashes), None)
        if clash is not None:
            raise DuplicateDocNumberError(
                provider="quickbooks",
                status_code=None,
                code="6140",
                message=(
                    f"invoice number {doc_number!r} is already used by invoice {clash.id} in "
                    f"QuickBooks company {client.realm_id}; choose another with "
                    "with_doc_number(...) (checked before writing)"
                ),
            )
        return None

    # ------------------------------------------------------------------ HubSpot side, C and J

    def ensure_properties(self) -> None:
        """Create hubqbo's deal roll-up and invoice-object properties in HubSpot (once)."""
        if self._properties_ensured:
            return
        names = self._rollup_names
        deal = CrmObjectType.DEAL
        inv = CrmObjectType.INVOICE
        status_options = tuple((s.value, s.label) for s in InvoiceStatus)
        specs = [
            PropertySpec(deal, names.amount_billed, "Invoice amount billed", "number", "number"),
            PropertySpec(deal, names.recipient, "Invoice recipient"),
            PropertySpec(deal, names.number, "Invoice number"),
            PropertySpec(
                deal,
                names.status,
                "Invoice status",
                "enumeration",
                "select",
                options=status_options,
            ),
            PropertySpec(deal, names.due_date, "Invoice due date", "date", "date"),
            PropertySpec(
                inv,
                self._inv_props.qbo_ref,
                "QuickBooks invoice (realm:id)",
                has_unique_value=True,
                description="Set by hubqbo; unique, used to find the record without search.",
            ),
            PropertySpec(
                inv,
                self._inv_props.status,
                "QuickBooks invoice status",
                "enumeration",
                "select",
                options=status_options,
            ),
            PropertySpec(inv, self._inv_props.realm, "QuickBooks company id"),
            PropertySpec(inv, self._inv_props.number, "QuickBooks invoice number"),
            PropertySpec(
                inv, self._inv_props.total, "QuickBooks invoice total", "number", "number"
            ),
            PropertySpec(
                inv, self._inv_props.balance, "QuickBooks open balance", "number", "number"
            ),
        ]
        self._crm.ensure_properties([PropertyGroupSpec(deal), PropertyGroupSpec(inv)], specs)
        self._properties_ensured = True

    def _crm_invoice(self, realm_id: str, invoice: Invoice, status: InvoiceStatus) -> CrmInvoice:
        props = self._inv_props
        return CrmInvoice(
            id=None,
            currency=invoice.currency,
            invoice_date=invoice.txn_date,
            due_date=invoice.due_date,
            billable=False,
            properties={
                props.qbo_ref: qbo_ref(realm_id, invoice.id or ""),
                props.status: status.value,
                props.realm: realm_id,
                props.number: invoice.doc_number or "",
                props.total: _plain(invoice.total),
                props.balance: _plain(invoice.balance),
            },
        )

    def _record(
        self, realm_id: str, invoice: Invoice, status: InvoiceStatus, *, look_first: bool
    ) -> str | None:
        """Upsert the HubSpot invoice record by the unique QBO reference; its id."""
        self.ensure_properties()
        ref = qbo_ref(realm_id, invoice.id or "")
        wanted = self._crm_invoice(realm_id, invoice, status)
        if look_first:
            existing = self._crm.find_invoice(
                id_property=self._inv_props.qbo_ref, value=ref, properties=self._read_props()
            )
            if existing is not None and _record_current(existing, wanted, self._inv_props):
                return existing.id
        saved = self._crm.upsert_invoice(wanted, id_property=self._inv_props.qbo_ref)
        return saved.id

    def _created_record(
        self,
        realm_id: str,
        invoice: Invoice,
        status: InvoiceStatus,
        links: Sequence[tuple[CrmObjectType, str]],
    ) -> str | None:
        """Create the record already associated, in one request, when the CRM can; its id.

        The create is keyed by the unique QBO reference (``id_property``), so the CRM may
        retry it: a record that turns out to exist (an earlier answer was lost, or an earlier
        ``create`` made it) comes back with its missing links added, and is upserted only
        when it says something else. On a replay that costs the refused create and one read
        (instead of a read and one association request per link); a record an interrupted
        attempt never made costs one request. ``None`` when the CRM cannot, or refused as a
        duplicate (then the caller upserts and associates, both idempotent).
        """
        if not isinstance(self._crm, CrmInvoiceCreator):
            return None
        self.ensure_properties()
        wanted = self._crm_invoice(realm_id, invoice, status)
        try:
            record = self._crm.create_invoice_record(
                wanted, associations=links, id_property=self._inv_props.qbo_ref
            )
        except (DuplicateError, ConflictError):
            return None
        if not _record_current(record, wanted, self._inv_props):
            record = self._crm.upsert_invoice(wanted, id_property=self._inv_props.qbo_ref)
        return record.id

    def _read_props(self) -> list[str]:
        p = self._inv_props
        return [p.qbo_ref, p.status, p.realm, p.number, p.total, p.balance]

    def _associate(self, crm_id: str | None, links: Sequence[tuple[CrmObjectType, str]]) -> None:
        if crm_id is None:
            return
        for to_type, to_id in links:
            self._crm.associate(CrmObjectType.INVOICE, crm_id, to_type, to_id)

    def _linked_records(self, crm_ids: Iterable[str]) -> list[tuple[LinkedInvoice, CrmInvoice]]:
        """The QBO invoices behind HubSpot invoice records, with the records (records whose
        realm is not connected are skipped; an invoice gone from QBO reads as deleted)."""
        out: list[tuple[LinkedInvoice, CrmInvoice]] = []
        for crm_id in crm_ids:
            record = self._crm.find_invoice(
                id_property="hs_object_id", value=crm_id, properties=self._read_props()
            )
            if record is None:
                continue
            ref = record.properties.get(self._inv_props.qbo_ref) or ""
            realm_id, _, invoice_id = ref.partition(":")
            if not invoice_id or realm_id not in self._ledgers.realm_ids:
                logger.warning("invoice record %s: realm %r is not connected", crm_id, realm_id)
                continue
            client = self._ledgers.get(realm_id)
            try:
                invoice = client.get_invoice(invoice_id)
            except NotFoundError:
                invoice = Invoice(
                    id=invoice_id, customer=Ref(""), currency=record.currency, deleted=True
                )
            status = invoice_status(invoice, today=self._today(client.company_profile()))
            out.append(
                (
                    LinkedInvoice(
                        realm_id=realm_id,
                        invoice=invoice,
                        status=status,
                        crm_invoice_id=record.id,
                        created=None,
                    ),
                    record,
                )
            )
        return out

    def _write_rollup(
        self,
        deal_id: str,
        invoices: Sequence[Invoice],
        *,
        realm: str,
        current: Mapping[str, str | None] | None = None,
    ) -> DealRollup | None:
        today = self._today(self._ledger(realm).company_profile())
        rollup = deal_rollup(
            rollup_candidates(invoices, company_currency=self._hubspot_currency()),
            company_currency=self._hubspot_currency(),
            today=today,
        )
        if rollup is None:
            return None
        props = rollup.to_properties(self._rollup_names)
        if current is not None and all((current.get(k) or "") == v for k, v in props.items()):
            return rollup
        self.ensure_properties()
        self._crm.update_properties(CrmObjectType.DEAL, deal_id, props)
        return rollup

    # ------------------------------------------------------------------ after creation, A9

    def preview_pdf(self, invoice: LinkedInvoice) -> bytes:
        """The invoice as QBO renders it (PDF bytes)."""
        return self._ledger(invoice.realm_id).invoice_pdf(invoice.invoice.id or "")

    def send(self, invoice: LinkedInvoice, to: str | None = None) -> LinkedInvoice:
        """Email the invoice from QBO (to its bill-to address, or ``to``); updates HubSpot."""
        client = self._ledger(invoice.realm_id)
        sent = client.send_invoice(
            invoice.invoice.id or "",
            to=to,
            # Keyed on what the caller last saw: retrying a lost answer replays it, while a
            # deliberate re-send (from the returned, already delivered invoice) is new.
            request_id=derive_request_id(
                "send:Invoice",
                {
                    "id": invoice.invoice.id,
                    "sync": invoice.invoice.sync_token,
                    "delivered": invoice.invoice.delivered_at,
                    "to": to or "",
                },
                namespace=invoice.realm_id,
            ),
        )
        status = invoice_status(sent, today=self._today(client.company_profile()))
        crm_id = self._record(invoice.realm_id, sent, status, look_first=False)
        result = attrs.evolve(invoice, invoice=sent, status=status, crm_invoice_id=crm_id)
        if invoice.deal_id:
            refreshed = self.refresh_deal(invoice.deal_id)
            result = attrs.evolve(result, rollup=refreshed.rollup)
        return result

    # ------------------------------------------------------------------ refresh, C4

    def refresh_deal(self, deal_id: str, *, before: Mapping[str, str] | None = None) -> DealRefresh:
        """Recompute a deal's roll-up from all its invoices, write it, and report events.

        Statuses change as payments arrive and time passes; the events compare what HubSpot
        last knew (each invoice record's status and balance, and the deal's roll-up) with QBO
        now. Each changed invoice record is updated too, so an event is reported once.

        ``before``: the deal's roll-up properties as the caller recorded them before this
        refresh (the sync journal does): the roll-up event compares with them instead of
        the deal as read now, so a refresh completed after a crash that wrote the roll-up
        but lost its event still reports the change.
        """
        names = self._rollup_names
        deal = self._crm.get_deal(deal_id, properties=list(names.names()))
        linked = self._linked_records(deal.invoice_ids)
        events: list[InvoiceEvent | DealRollupChanged] = []
        current = {k: deal.properties.get(k) or "" for k in names.names()}
        before = current if before is None else {k: before.get(k) or "" for k in names.names()}
        for item, record in linked:
            previous = _status_of(record.properties.get(self._inv_props.status))
            if (
                previous is None
                and before[names.number]
                and (before[names.number] == (item.invoice.doc_number or ""))
            ):
                previous = _status_of(before[names.status])
            if item.invoice.deleted and previous is not InvoiceStatus.VOIDED:
                events.append(
                    InvoiceVoided(
                        realm_id=item.realm_id, invoice_id=item.invoice.id or "", deal_id=deal_id
                    )
                )
            else:
                events.extend(
                    invoice_events(
                        item.invoice,
                        realm_id=item.realm_id,
                        deal_id=deal_id,
                        previous_status=previous,
                        previous_balance=_decimal(record.properties.get(self._inv_props.balance)),
                        status=item.status,
                    )
                )
            if item.invoice.deleted:
                # Gone from QBO: nothing left to copy but the fact. Only the status changes
                # (number and amounts stay as HubSpot last knew them), so it is reported once.
                if previous is not InvoiceStatus.VOIDED:
                    self._crm.upsert_invoice(
                        _voided_record(record, self._inv_props),
                        id_property=self._inv_props.qbo_ref,
                    )
                continue
            wanted = self._crm_invoice(item.realm_id, item.invoice, item.status)
            if not _record_current(record, wanted, self._inv_props):
                self._crm.upsert_invoice(wanted, id_property=self._inv_props.qbo_ref)
        invoices = [item.invoice for item, _ in linked]
        winner = pick_rollup_invoice(
            rollup_candidates(invoices, company_currency=self._hubspot_currency())
        )
        # "today" is the winning invoice's company calendar day (statuses are per company).
        realm = next(
            (i.realm_id for i, _ in linked if i.invoice is winner),
            linked[0][0].realm_id if linked else self._ledgers.realm_ids[0],
        )
        rollup = self._write_rollup(deal_id, invoices, realm=realm, current=current)
        written = False
        if rollup is not None:
            after = rollup.to_properties(names)
            written = after != current
            if after != before:
                events.append(DealRollupChanged(deal_id=deal_id, before=before, after=after))
        return DealRefresh(
            deal_id=deal_id,
            invoices=tuple(attrs.evolve(i, deal_id=deal_id) for i, _ in linked),
            rollup=rollup,
            written=written,
            events=events,
        )

    # ------------------------------------------------------------------ attach, D

    def search_invoices(
        self,
        *,
        realm: str | None = None,
        customer_id: str | None = None,
        doc_number: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        amount_min: Decimal | None = None,
        amount_max: Decimal | None = None,
        status: InvoiceStatus | Iterable[InvoiceStatus] | None = None,
    ) -> Records[LinkedInvoice]:
        """QBO invoices made anywhere, by customer, number, date range, amount and status.

        The status filter is applied after reading (QBO cannot query a derived status). The
        answer is a list that renders as one table in Jupyter; ``found.to_dicts()`` gives one
        row per invoice (``pandas.DataFrame(found.to_dicts())``).
        """
        client = self._ledger(realm)
        today = self._today(client.company_profile())
        wanted = (
            None
            if status is None
            else {status}
            if isinstance(status, InvoiceStatus)
            else set(status)
        )
        query = InvoiceQuery(
            customer_id=customer_id,
            doc_number=doc_number,
            txn_date_from=date_from,
            txn_date_to=date_to,
            total_min=amount_min,
            total_max=amount_max,
        )
        found: Records[LinkedInvoice] = Records()
        for invoice in client.find_invoices(query):
            st = invoice_status(invoice, today=today)
            if wanted is None or st in wanted:
                found.append(
                    LinkedInvoice(
                        realm_id=client.realm_id, invoice=invoice, status=st, created=None
                    )
                )
        return found

    def attach_existing(
        self,
        record_type: CrmObjectType,
        record_id: str,
        invoices: Iterable[LinkedInvoice | Invoice],
        *,
        realm: str | None = None,
    ) -> Records[LinkedInvoice]:
        """Attach QBO invoices made elsewhere to a contact, company or deal.

        Each becomes (or stays) one HubSpot invoice record, associated with the record; a
        deal's roll-up is recomputed afterwards.
        """
        if record_type not in (CrmObjectType.CONTACT, CrmObjectType.COMPANY, CrmObjectType.DEAL):
            raise ValueError(f"invoices attach to contacts, companies or deals, not {record_type}")
        out: Records[LinkedInvoice] = Records()
        for given in invoices:
            realm_id = given.realm_id if isinstance(given, LinkedInvoice) else None
            client = self._ledger(realm_id or realm)
            invoice = given.invoice if isinstance(given, LinkedInvoice) else given
            status = invoice_status(invoice, today=self._today(client.company_profile()))
            crm_id = self._record(client.realm_id, invoice, status, look_first=True)
            if crm_id is not None:
                self._crm.associate(CrmObjectType.INVOICE, crm_id, record_type, record_id)
            out.append(
                LinkedInvoice(
                    realm_id=client.realm_id,
                    invoice=invoice,
                    status=status,
                    crm_invoice_id=crm_id,
                    deal_id=record_id if record_type is CrmObjectType.DEAL else None,
                    created=None,
                )
            )
        if record_type is CrmObjectType.DEAL and out:
            refreshed = self.refresh_deal(record_id)
            out = Records(attrs.evolve(i, rollup=refreshed.rollup) for i in out)
        return out


# --------------------------------------------------------------------------- helpers


def _customer_key(draft: InvoiceDraft, new: Customer) -> str:
    """The key of the customer made for a draft: from what that customer is — the HubSpot
    company or contact it comes from and the name it is given (QBO names are unique) — not
    from the invoice's key, so a resumed run that names another customer makes that one."""
    source = {
        "company": draft.company.id if draft.company else None,
        "contact": draft.contact.id if draft.contact else None,
        "name": " ".join((new.display_name or "").split()).casefold(),
    }
    return derive_request_id("create:Customer", source, namespace=draft.realm_id)


def _check_arguments(crm: object, accounting: object) -> None:
    """``TypeError`` naming what was expected, at construction (not ``AttributeError`` later)."""
    if not isinstance(crm, CrmClient):
        raise TypeError(
            f"InvoiceBuilder's crm must be a CrmClient (e.g. HubSpotClient), got "
            f"{type(crm).__name__}"
        )
    if isinstance(accounting, Mapping):
        bad = [k for k, v in accounting.items() if not isinstance(v, AccountingClient)]
        if bad or not accounting:
            raise TypeError(
                "InvoiceBuilder's accounting mapping must map realm ids to AccountingClients "
                f"(e.g. QuickBooksClient); {'empty' if not accounting else f'not for {bad}'}"
            )
    elif not isinstance(accounting, (AccountingClient, LedgerRegistry)):
        raise TypeError(
            "InvoiceBuilder's accounting must be an AccountingClient (e.g. QuickBooksClient), "
            "a mapping of realm id to clients, or a LedgerRegistry; got "
            f"{type(accounting).__name__}"
        )


def _check_created(record_id: str | None, total: Decimal | None, what: str, realm: str) -> None:
    """Nothing is written on the strength of a create whose answer names no record: an
    accounting client that returned one without an id (or with a non-finite total) did not
    read its reply (hubqbo's clients refuse such replies themselves)."""
    if not record_id or not str(record_id).strip():
        reason = f"the {what} created in realm {realm} came back without an id"
    elif total is not None and not total.is_finite():
        reason = f"the {what} created in realm {realm} came back with total {total}"
    else:
        return
    raise UnexpectedResponseError(provider="accounting", status_code=None, reason=reason)


def _links(
    deal_id: str | None, contact: Contact | None, company: Company | None
) -> list[tuple[CrmObjectType, str]]:
    """The records an invoice object is associated with: its deal, contact and company."""
    pairs = (
        (CrmObjectType.DEAL, deal_id),
        (CrmObjectType.CONTACT, contact.id if contact else None),
        (CrmObjectType.COMPANY, company.id if company else None),
    )
    return [(t, i) for t, i in pairs if i]


def _deal_companies(deal: Deal) -> tuple[str, ...]:
    """The deal's primary company first; a single company counts as primary."""
    if deal.primary_company_id:
        return (deal.primary_company_id,)
    return deal.company_ids if len(deal.company_ids) == 1 else ()


def _products(
    crm: CrmClient, line_items: Sequence[LineItem], *, mapped: Mapping[str, str]
) -> dict[str, Product]:
    """The line items' products, except those the explicit mapping already resolves."""
    ids = list(
        dict.fromkeys(
            li.product_id for li in line_items if li.product_id and li.product_id not in mapped
        )
    )
    if not ids:
        return {}
    return {p.id: p for p in crm.get_products(ids) if p.id is not None}


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


def _same_customer(existing: Customer, new: Customer) -> bool:
    """An existing customer is the one we would create: same name, and same email if any."""
    if _fold(existing.display_name) != _fold(new.display_name):
        return False
    return _fold(existing.email) == _fold(new.email)


def _note(draft: InvoiceDraft, key: str) -> str:
    src = draft.source
    what = f"quote {src.quote_id} on deal {src.deal_id}" if src.quote_id else f"deal {src.deal_id}"
    return f"Created by hubqbo from HubSpot {what}. hubqbo-key: {key}"


def _made_for(invoice: Invoice, key: str) -> bool:
    """True when ``invoice`` is the live one a ``create`` with ``key`` made (its private note)."""
    found = _KEY_RE.search(invoice.private_note or "")
    return found is not None and found.group(1) == key and not invoice.deleted


def _status_of(value: str | None) -> InvoiceStatus | None:
    try:
        return InvoiceStatus(value) if value else None
    except ValueError:
        return None


def _record_current(record: CrmInvoice, wanted: CrmInvoice, props: InvoiceProperties) -> bool:
    """True when the HubSpot record already says what we would write."""
    have, want = record.properties, wanted.properties
    return (
        have.get(props.status) == want.get(props.status)
        and _decimal(have.get(props.balance)) == _decimal(want.get(props.balance))
        and _decimal(have.get(props.total)) == _decimal(want.get(props.total))
        and (have.get(props.number) or "") == (want.get(props.number) or "")
        and record.due_date == wanted.due_date
    )


def _voided_record(record: CrmInvoice, props: InvoiceProperties) -> CrmInvoice:
    """The upsert that marks ``record`` voided: its QBO reference and hubqbo's status only."""
    return CrmInvoice(
        id=None,
        currency=record.currency,
        properties={
            props.qbo_ref: record.properties.get(props.qbo_ref),
            props.status: InvoiceStatus.VOIDED.value,
        },
    )


def _plain(amount: Decimal) -> str:
    """A decimal as HubSpot expects a number: no exponent."""
    return format(amount, "f")


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value not in (None, "") else None
    except ArithmeticError:
        return None
