"""``QuickBooksClient``: the QBO Accounting API v3 over httpx, in domain terms.

Why: this is the one place that knows QBO's endpoints and rules — ``minorversion`` on every
call, a ``requestid`` on every write (so retries are safe), SyncToken concurrency, the query
language and its paging, ``/batch``, ``/cdc``, and QBO's limits. It speaks
``hubqbo.models`` (implementing ``AccountingClient``), keeps wire details in ``_wire`` and error
mapping in ``_faults``, and reuses the shared ``hubqbo._http`` send loop (pacing, retries) and
``hubqbo.auth`` (OAuth refresh).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, TypeVar
from urllib.parse import quote as url_quote

import httpx

from hubqbo._http import (
    SYSTEM_CLOCK,
    Clock,
    HttpRunner,
    Pacer,
    RateWindow,
    RetryPolicy,
    Sleep,
    build_http_client,
    chunked,
    derive_request_id,
    paginate,
    parse_retry_after,
    real_sleep,
    user_agent,
    validate_request_id,
)
from hubqbo._http._replies import Reply
from hubqbo.auth import StaticToken
from hubqbo.errors import (
    ConfigurationError,
    StaleObjectError,
    ValidationError,
)
from hubqbo.models import (
    CompanyProfile,
    Customer,
    Invoice,
    Item,
    LineDetailType,
    Payment,
    TaxCode,
    TaxRate,
    Term,
)
from hubqbo.protocols import InvoiceQuery, LedgerChange, LedgerChanges
from hubqbo.quickbooks import _feed, _wire
from hubqbo.quickbooks._faults import fault_to_error
from hubqbo.quickbooks._query import MAX_RESULTS, Query, select
from hubqbo.quickbooks._types import (
    BatchItemResult,
    BatchOperation,
    CdcResult,
    ChangeRecord,
    Operation,
    UnconfirmedWindow,
)

__all__ = [
    "BATCH_LIMIT",
    "CDC_MAX_AGE",
    "CDC_OBJECT_CAP",
    "DEFAULT_MINOR_VERSION",
    "PRODUCTION_URL",
    "QUERY_GET_MAX",
    "SANDBOX_URL",
    "QuickBooksClient",
    "realm_pacer",
]

_log = logging.getLogger("hubqbo.quickbooks")
T = TypeVar("T")
R = TypeVar("R")

PRODUCTION_URL = "https://quickbooks.api.intuit.com"
SANDBOX_URL = "https://sandbox-quickbooks.api.intuit.com"
DEFAULT_MINOR_VERSION = 75
BATCH_LIMIT = 30
"""Operations per ``/batch`` request (Intuit's recommended maximum)."""
CDC_MAX_AGE = dt.timedelta(days=30)
CDC_OBJECT_CAP = 1000
CDC_NARROWING_STEPS = 6
"""CDC calls spent halving the window of an entity at the cap (30 days / 2**6 ≈ 11 h)."""
REQUEST_ID_MAX = 50
BATCH_REQUEST_ID_MAX = 36
BID_MAX = 10
NAME_LIST_ENTITIES = frozenset({"Customer", "Item", "Term", "TaxCode", "Vendor", "Employee"})
"""Entities with an ``Active`` flag: full reads add ``Active IN (true,false)``."""
NOT_IN_CDC = frozenset({"TaxCode", "TaxRate", "TaxAgency", "JournalCode", "TimeActivity"})
TID_HEADERS = ("intuit_tid", "intuit-tid")
QUERY_GET_MAX = 2000
"""Longest URL-encoded query text sent as ``GET /query?query=``; longer queries (long ``IN``
lists) go as ``POST /query`` with ``Content-Type: application/text`` so no URL limit is hit."""


PACING_WINDOWS = {
    "requests": RateWindow(500, 60.0),
    "second": RateWindow(10, 1.0),
    "batch": RateWindow(40, 60.0),
}
"""QBO's published per-realm limits: 500 requests a minute, 10 a second, 40 batch requests a
minute (a batch request counts against all three)."""
_CALL_BUDGETS = ("requests", "second")
_BATCH_BUDGETS = ("requests", "second", "batch")

_PACERS: dict[int, tuple[Clock, Pacer]] = {}
_PACERS_LOCK = threading.Lock()


def realm_pacer(clock: Clock = SYSTEM_CLOCK) -> Pacer:
    """The process-wide QBO pacer of ``clock``: every client on that clock draws on it.

    QBO's limits (500 requests a minute and 10 a second, 40 batch requests a minute, 10 in
    flight) are per realm,
    not per client, so clients of one realm — built by different services, or held in a
    ``RealmRegistry`` — must share one budget. The pacer keys its budgets by realm id; clients
    get it by default (``pacing=True`` and no ``pacer=``), each waiting with its own ``sleep``.
    One pacer per clock object, because budgets are measured on that clock (tests with a
    ``ManualClock`` get their own; the real ``SYSTEM_CLOCK`` is shared by the whole process).
    The pacer lives as long as the process: pass ``pacer=`` instead when clocks are short-lived.

    Example:
        >>> realm_pacer() is realm_pacer()
        True
        >>> realm_pacer().windows["batch"].limit
        40
    """
    with _PACERS_LOCK:
        known = _PACERS.get(id(clock))
        if known is None:
            pacer = Pacer(PACING_WINDOWS, max_in_flight=10, clock=clock)
            known = _PACERS[id(clock)] = (clock, pacer)  # the clock kept: its id stays unique
        return known[1]


_RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _tid(response: httpx.Response) -> str | None:
    """The ``intuit_tid`` header (recordings also spell it ``Intuit-Tid``)."""
    for name in TID_HEADERS:
        value: str | None = response.headers.get(name)
        if value:
            return value
    return None


def _record_id(entity: str, record_id: str) -> str:
    """A record id safe to put in a path (QBO ids are numbers, or ``TAX``/``NON``)."""
    text = str(record_id).strip()
    if not _RECORD_ID.match(text):
        raise _invalid(f"not a QBO {entity} id: {record_id!r}")
    return text


def _invalid(message: str) -> ValidationError:
    """A refusal before any request was sent."""
    return ValidationError(provider="quickbooks", status_code=None, code="client", message=message)


class QuickBooksClient:
    """One QuickBooks Online company (realm), in domain terms.

    Args:
        realm_id: the company id (OAuth callback ``realmId``).
        auth: an ``httpx.Auth`` (``hubqbo.auth.OAuth2Auth`` refreshes tokens), or
        access_token: a plain access token for quick use (no refresh).
        environment: ``"production"`` or ``"sandbox"`` (Intuit's developer sandbox).
        base_url: overrides ``environment`` (e.g. a proxy).
        transport: the httpx transport (``hubqbo.sandbox.QuickBooksSandbox`` in tests), or
        http_client: a ready ``httpx.Client`` (not closed by this client).
        minor_version: sent as ``minorversion`` on every call (75: the oldest still served).
        retry: the retry policy (429/5xx/3001/transport errors; reads and ``requestid`` writes).
        pacing: pace requests under QBO's per-realm limits (500/min, 10/s, 40 batch/min, 10 in
            flight),
            on budgets shared by every client of the realm on the same clock
            (:func:`realm_pacer`).
        pacer: an explicit ``Pacer`` instead (budgets keyed by realm id).
        clock: time source (``hubqbo.sandbox.ManualClock`` in tests).
        sleep: how to wait (tests pass ``clock.sleep``: nothing really sleeps).
        profile_ttl: seconds the company profile is cached.

    Example:
        >>> import httpx
        >>> def qbo(request):
        ...     return httpx.Response(200, json={"Customer": {"Id": "58", "SyncToken": "0",
        ...                                      "DisplayName": "Acme Ltd"}})
        >>> client = QuickBooksClient(realm_id="9130", access_token="token",
        ...                           transport=httpx.MockTransport(qbo))
        >>> client.get_customer("58").display_name
        'Acme Ltd'
    """

    def __init__(
        self,
        *,
        realm_id: str,
        auth: httpx.Auth | None = None,
        access_token: str | None = None,
        environment: Literal["production", "sandbox"] = "production",
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        minor_version: int = DEFAULT_MINOR_VERSION,
        retry: RetryPolicy | None = None,
        pacing: bool = True,
        pacer: Pacer | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        timeout: float = 120.0,
        profile_ttl: float = 3600.0,
    ) -> None:
        if not realm_id or not str(realm_id).strip():
            raise ConfigurationError("realm_id is required (the QBO company id, 'realmId')")
        if not _RECORD_ID.match(str(realm_id).strip()):
            raise ConfigurationError(
                f"not a QBO company id (realmId): {str(realm_id)[:80]!r}; it goes into every "
                "request path, so only letters, digits, '-' and '_' are accepted"
            )
        if auth is not None and access_token is not None:
            raise ConfigurationError("pass either auth= or access_token=, not both")
        if auth is None and access_token is None:
            raise ConfigurationError("pass auth= (e.g. hubqbo.auth.OAuth2Auth) or access_token=")
        if environment not in ("production", "sandbox"):
            raise ConfigurationError("environment must be 'production' or 'sandbox'")
        self._realm_id = str(realm_id).strip()
        self.base_url = (
            base_url or (SANDBOX_URL if environment == "sandbox" else PRODUCTION_URL)
        ).rstrip("/")
        self.minor_version = minor_version
        self.clock: Clock = clock or SYSTEM_CLOCK
        self.sleep: Sleep = sleep or real_sleep
        self.profile_ttl = profile_ttl
        resolved_auth: httpx.Auth = auth if auth is not None else StaticToken(str(access_token))
        self._http, self._owns_http = build_http_client(
            base_url=self.base_url,
            transport=transport,
            http_client=http_client,
            auth=resolved_auth,
            timeout=timeout,
        )
        if pacer is None and pacing:
            pacer = realm_pacer(self.clock)
        if pacer is not None and sleep is not None:
            pacer = pacer.sharing(sleep=sleep)  # same budgets, this client's injected sleep
        self.runner = HttpRunner(
            client=self._http,
            provider="quickbooks",
            raise_for_response=self._raise_for_response,
            request_id_header=TID_HEADERS,
            retry=retry or RetryPolicy(throttle_delay=60.0),
            pacer=pacer,
            sleep=self.sleep,
            auth=None if self._owns_http else resolved_auth,
        )
        self._profiles: dict[str, tuple[dt.datetime, CompanyProfile]] = {}

    # ------------------------------------------------------------------ plumbing

    @property
    def realm_id(self) -> str:
        """The company (realm) this client reads and writes."""
        return self._realm_id

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far (attempts, including retries)."""
        return self.runner.requests_sent

    def __repr__(self) -> str:
        return f"QuickBooksClient(realm_id={self._realm_id!r}, base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> QuickBooksClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _url(self, path: str) -> str:
        return f"{self.base_url}/v3/company/{self._realm_id}/{path.lstrip('/')}"

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        accept: str = "application/json",
    ) -> httpx.Request:
        query = {**(params or {}), "minorversion": str(self.minor_version)}
        headers = {"Accept": accept, "User-Agent": user_agent()}
        if body is not None:
            content = _wire.dumps(body)
            content_type = "application/json"
        if content_type is not None:
            headers["Content-Type"] = content_type
        return self._http.build_request(
            method, self._url(path), params=query, content=content, headers=headers
        )

    def _raise_for_response(self, response: httpx.Response) -> None:
        if response.status_code < 400 and not response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            return  # not JSON: the call's own decoding refuses it (UnexpectedResponseError)
        body = _wire.loads(response.content)
        tid = _tid(response)
        error = fault_to_error(
            response.status_code,
            body,
            request_id=tid,
            retry_after=parse_retry_after(
                response.headers.get("retry-after"), now=self.clock.now()
            ),
        )
        if error is not None:
            _log.debug("quickbooks error %s (intuit_tid=%s)", type(error).__name__, tid)
            raise error

    def _send(self, request: httpx.Request, *, batch: bool = False) -> httpx.Response:
        """Send through the runner: every QBO call is idempotent (reads, and writes carrying a
        ``requestid``), paced on the realm's budgets that the pacer knows."""
        wanted = _BATCH_BUDGETS if batch else _CALL_BUDGETS
        pacer = self.runner.pacer
        budgets = wanted if pacer is None else tuple(b for b in wanted if b in pacer.windows)
        return self.runner.send(request, idempotent=True, pace_key=self._realm_id, budgets=budgets)

    def _reply(self, response: httpx.Response) -> Reply:
        """The decoded reply (JSON with exact decimals), or ``UnexpectedResponseError``."""
        return Reply.decode("quickbooks", response, request_id=_tid(response), parse_float=Decimal)

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> Reply:
        return self._reply(self._send(self._request("GET", path, params=params)))

    def _record(self, reply: Reply, entity: str) -> Any:
        """The ``entity`` record a reply must hold, checked and built (or the typed error)."""
        return reply.build(self._parse, entity, reply.member(entity))

    def _write(
        self,
        path: str,
        body: Any,
        *,
        operation: str,
        request_id: str | None,
        params: Mapping[str, str] | None = None,
        content_type: str | None = None,
    ) -> Reply:
        """POST a write with its ``requestid`` (the caller's, or derived from the content)."""
        rid = self._request_id(operation, body, request_id, REQUEST_ID_MAX)
        request = self._request(
            "POST",
            path,
            params={**(params or {}), "requestid": rid},
            body=body if content_type is None else None,
            content=b"" if content_type is not None else None,
            content_type=content_type,
        )
        return self._reply(self._send(request))

    def _request_id(self, operation: str, body: Any, given: str | None, limit: int) -> str:
        if given is not None:
            try:
                return validate_request_id(given, max_length=limit)
            except ValueError as exc:
                raise _invalid(str(exc)) from None
        return derive_request_id(operation, body, namespace=self._realm_id)

    # ------------------------------------------------------------------ company profile

    def company_profile(self, *, refresh: bool = False) -> CompanyProfile:
        """Country, currencies, time zone and invoicing preferences (cached ``profile_ttl`` s).

        Two requests (``/preferences`` and ``/companyinfo/{realmId}``) when not cached.
        """
        now = self.clock.now()
        cached = self._profiles.get(self._realm_id)
        if cached is not None and not refresh and cached[0] > now:
            return cached[1]
        preferences = self._get("preferences").member("Preferences")
        reply = self._get(f"companyinfo/{self._realm_id}")
        info = reply.member("CompanyInfo")
        profile = reply.build(_wire.parse_company_profile, self._realm_id, info, preferences)
        self._profiles[self._realm_id] = (now + dt.timedelta(seconds=self.profile_ttl), profile)
        return profile

    def _home_currency(self) -> str:
        """The company's home currency (for a record QBO sent without ``CurrencyRef``)."""
        return self.company_profile().home_currency

    def _parse(self, entity: str, data: Mapping[str, Any]) -> Any:
        return _wire.parse_entity(entity, data, home_currency=self._home_currency, check=True)

    # ------------------------------------------------------------------ reads by id

    def _read(self, entity: str, record_id: str) -> Any:
        reply = self._get(f"{_wire.entity_path(entity)}/{_record_id(entity, record_id)}")
        return self._record(reply, entity)

    def get_customer(self, customer_id: str) -> Customer:
        """One customer (active or not)."""
        return self._read("Customer", customer_id)  # type: ignore[no-any-return]

    def get_item(self, item_id: str) -> Item:
        """One item."""
        return self._read("Item", item_id)  # type: ignore[no-any-return]

    def get_invoice(self, invoice_id: str) -> Invoice:
        """One invoice (``voided`` set when QBO reports it voided)."""
        return self._read("Invoice", invoice_id)  # type: ignore[no-any-return]

    def get_payment(self, payment_id: str) -> Payment:
        """One payment."""
        return self._read("Payment", payment_id)  # type: ignore[no-any-return]

    def get_term(self, term_id: str) -> Term:
        """One payment term."""
        return self._read("Term", term_id)  # type: ignore[no-any-return]

    def get_tax_code(self, tax_code_id: str) -> TaxCode:
        """One tax code."""
        return self._read("TaxCode", tax_code_id)  # type: ignore[no-any-return]

    def get_tax_rate(self, tax_rate_id: str) -> TaxRate:
        """One tax rate."""
        return self._read("TaxRate", tax_rate_id)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ queries

    def query(self, query: Query[object] | str) -> dict[str, Any]:
        """Run one query and return the raw ``QueryResponse`` body (no paging).

        ``GET /query?query=...``; a query whose URL-encoded text exceeds ``QUERY_GET_MAX``
        characters is sent as ``POST /query`` with the text as an ``application/text`` body.
        """
        reply = self._query(query)
        text = query.to_sql() if isinstance(query, Query) else query
        reply.build(_wire.parse_query_page, _wire.query_entity(text), reply.object(), check=True)
        return dict(reply.object())

    def _query(self, query: Query[object] | str) -> Reply:
        text = query.to_sql() if isinstance(query, Query) else query
        if len(url_quote(text, safe="")) <= QUERY_GET_MAX:
            return self._get("query", {"query": text})
        request = self._request(
            "POST", "query", content=text.encode("utf-8"), content_type="application/text"
        )
        return self._reply(self._send(request))

    def count(self, query: Query[object]) -> int:
        """``SELECT COUNT(*)`` of ``query`` (one request)."""
        reply = self._query(query.count())
        _records, total = reply.build(_wire.parse_query_page, query.entity, reply.object())
        if total is None or total < 0:
            raise reply.error("QueryResponse.totalCount missing from a COUNT(*) answer")
        return total

    def iter_query(
        self, query: Query[R], *, page_size: int = MAX_RESULTS, counted: bool = False
    ) -> Iterator[R]:
        """Every record matching ``query``, lazily, ``page_size`` per request.

        The records are the query's type: ``iter_query(select("Invoice"))`` yields ``Invoice``
        (an entity without a model yields the JSON objects QBO sent).

        Paging starts at ``STARTPOSITION 1`` with a stable order (``ORDERBY Id`` unless the
        query orders itself); a page without the entity key is empty. With ``counted`` a
        ``COUNT(*)`` is sent first so that the read stops exactly after the last page
        (10,000 records: 1 count + 10 pages).
        """
        if not 1 <= page_size <= MAX_RESULTS:
            raise _invalid(f"page_size must be 1..{MAX_RESULTS}")
        ordered = query if query.ordering else query.order_by("Id")
        total: int | None = None

        def fetch(start: int) -> tuple[list[R], int | None]:
            nonlocal total
            if counted and total is None:
                total = self.count(query)
            if total is not None and start > total:
                return [], None
            reply = self._query(ordered.to_sql(start, page_size))
            records, _ = reply.build(
                _wire.parse_query_page,
                query.entity,
                reply.object(),
                home_currency=self._home_currency,
                check=True,
            )
            if len(records) > page_size:
                raise reply.error(f"a page of {len(records)} records, {page_size} were asked")
            following = start + len(records) if len(records) == page_size else None
            if total is not None and following is not None and following > total:
                following = None
            return records, following

        return paginate(fetch, 1)

    def _all(self, query: Query[R], include_inactive: bool, *, counted: bool = True) -> Iterator[R]:
        if include_inactive:
            query = query.where("Active", "IN", [True, False])
        return self.iter_query(query, counted=counted)

    def iter_customers(self, *, include_inactive: bool = False) -> Iterator[Customer]:
        """Every customer, lazily (inactive ones too with ``include_inactive``)."""
        return self._all(select("Customer"), include_inactive)

    def iter_items(self, *, include_inactive: bool = False) -> Iterator[Item]:
        """Every item, lazily."""
        return self._all(select("Item"), include_inactive)

    def find_customers(self, *, display_name: str) -> list[Customer]:
        """Customers (active or not) whose DisplayName equals ``display_name`` (QBO compares
        case-insensitively, and trims names when it stores them: so is ``display_name``)."""
        if not isinstance(display_name, str):
            raise TypeError(f"display_name must be a str, got {type(display_name).__name__}")
        name = display_name.strip()
        if not name:
            return []
        query = (
            select("Customer").where("DisplayName", "=", name).where("Active", "IN", [True, False])
        )
        return list(self.iter_query(query))

    def list_tax_codes(self) -> list[TaxCode]:
        """The company's active tax codes (US companies: ``TAX``/``NON`` are pseudo-codes)."""
        return list(self._all(select("TaxCode"), False, counted=False))

    def list_tax_rates(self) -> list[TaxRate]:
        """The company's active tax rates."""
        return list(self._all(select("TaxRate"), False, counted=False))

    def list_terms(self) -> list[Term]:
        """The company's active payment terms."""
        return list(self._all(select("Term"), False, counted=False))

    def find_invoices(self, query: InvoiceQuery) -> Iterator[Invoice]:
        """Invoices matching ``query`` (all criteria ANDed), lazily."""
        q = select("Invoice")
        if query.customer_id:
            q = q.where("CustomerRef", "=", query.customer_id)
        if query.doc_number:
            q = q.where("DocNumber", "=", query.doc_number)
        if query.txn_date_from:
            q = q.where("TxnDate", ">=", query.txn_date_from)
        if query.txn_date_to:
            q = q.where("TxnDate", "<=", query.txn_date_to)
        if query.total_min is not None:
            q = q.where("TotalAmt", ">=", query.total_min)
        if query.total_max is not None:
            q = q.where("TotalAmt", "<=", query.total_max)
        if query.updated_since:
            q = q.where("MetaData.LastUpdatedTime", ">=", query.updated_since)
        return self.iter_query(q)

    # ------------------------------------------------------------------ writes

    def _create(self, entity: str, body: dict[str, Any], request_id: str | None) -> Any:
        answer = self._write(
            _wire.entity_path(entity), body, operation=f"create:{entity}", request_id=request_id
        )
        return self._record(answer, entity)

    def _sparse(self, entity: str, body: dict[str, Any], request_id: str | None) -> Any:
        if not body.get("Id") or body.get("SyncToken") is None:
            raise _invalid(f"updating a {entity} needs its Id and SyncToken: read it first")
        body = {**body, "sparse": True}
        answer = self._write(
            _wire.entity_path(entity), body, operation=f"update:{entity}", request_id=request_id
        )
        return self._record(answer, entity)

    def create_customer(self, customer: Customer, *, request_id: str | None = None) -> Customer:
        """Create a customer (``display_name`` required, without ``:``)."""
        name = (customer.display_name or "").strip()
        if not name:
            raise _invalid("a customer needs a display_name")
        if ":" in name or "\t" in name or "\n" in name:
            raise _invalid(f"QBO refuses ':', tabs and newlines in DisplayName: {name!r}")
        if customer.id is not None:
            raise _invalid("create_customer got a customer that already has an id")
        return self._create("Customer", _wire.CONVERTER.unstructure(customer), request_id)  # type: ignore[no-any-return]

    def update_customer(self, customer: Customer, *, request_id: str | None = None) -> Customer:
        """Sparse update: send the customer's set fields with its SyncToken."""
        return self._sparse("Customer", _wire.CONVERTER.unstructure(customer), request_id)  # type: ignore[no-any-return]

    def deactivate_customer(self, customer: Customer, *, request_id: str | None = None) -> Customer:
        """Make a customer inactive (QBO has no customer delete)."""
        body = {"Id": customer.id, "SyncToken": customer.sync_token, "Active": False}
        return self._sparse("Customer", body, request_id)  # type: ignore[no-any-return]

    def create_item(self, item: Item, *, request_id: str | None = None) -> Item:
        """Create an item (``name`` required)."""
        if not (item.name or "").strip():
            raise _invalid("an item needs a name")
        return self._create("Item", _wire.CONVERTER.unstructure(item), request_id)  # type: ignore[no-any-return]

    def update_item(self, item: Item, *, request_id: str | None = None) -> Item:
        """Sparse update of an item."""
        return self._sparse("Item", _wire.CONVERTER.unstructure(item), request_id)  # type: ignore[no-any-return]

    def deactivate_item(self, item: Item, *, request_id: str | None = None) -> Item:
        """Make an item inactive."""
        body = {"Id": item.id, "SyncToken": item.sync_token, "Active": False}
        return self._sparse("Item", body, request_id)  # type: ignore[no-any-return]

    def create_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> Invoice:
        """Create an invoice; QBO answers with its number, totals, tax and dates."""
        _check_invoice(invoice)
        if invoice.id is not None:
            raise _invalid("create_invoice got an invoice that already has an id")
        return self._create("Invoice", _wire.CONVERTER.unstructure(invoice), request_id)  # type: ignore[no-any-return]

    def update_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> Invoice:
        """Sparse update of an invoice (its lines, when given, replace QBO's)."""
        _check_invoice(invoice)
        return self._sparse("Invoice", _wire.CONVERTER.unstructure(invoice), request_id)  # type: ignore[no-any-return]

    def _invoice_operation(self, invoice: Invoice, operation: str, request_id: str | None) -> Reply:
        if not invoice.id or invoice.sync_token is None:
            raise _invalid(f"{operation} needs the invoice's Id and SyncToken: read it first")
        body = {"Id": invoice.id, "SyncToken": invoice.sync_token}
        return self._write(
            "invoice",
            body,
            operation=f"{operation}:Invoice",
            request_id=request_id,
            params={"operation": operation},
        )

    def void_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> Invoice:
        """Void an invoice: QBO zeroes its amounts and notes ``Voided``."""
        answer = self._invoice_operation(invoice, "void", request_id)
        return self._record(answer, "Invoice")  # type: ignore[no-any-return]

    def delete_invoice(self, invoice: Invoice, *, request_id: str | None = None) -> None:
        """Delete an invoice."""
        answer = self._invoice_operation(invoice, "delete", request_id)
        answer.member("Invoice")

    def send_invoice(
        self, invoice_id: str, *, to: str | None = None, request_id: str | None = None
    ) -> Invoice:
        """Email the invoice from QBO (to its BillEmail, or ``to`` which replaces it).

        The derived ``requestid`` depends on the invoice and address only, so sending the same
        invoice to the same address again (a reminder) needs a new ``request_id``; otherwise QBO
        replays the first answer and sends nothing.
        """
        params = {"sendTo": to} if to else {}
        invoice_id = _record_id("Invoice", invoice_id)
        answer = self._write(
            f"invoice/{invoice_id}/send",
            {"invoice": invoice_id, "sendTo": to},
            operation="send:Invoice",
            request_id=request_id,
            params=params,
            content_type="application/octet-stream",
        )
        return self._record(answer, "Invoice")  # type: ignore[no-any-return]

    def invoice_pdf(self, invoice_id: str) -> bytes:
        """The invoice as PDF bytes."""
        path = f"invoice/{_record_id('Invoice', invoice_id)}/pdf"
        request = self._request("GET", path, accept="application/pdf")
        response = self._send(request)
        content = response.content
        if not (content.startswith(b"%PDF") and content.rstrip().endswith(b"%%EOF")):
            reply = Reply(
                "quickbooks", response.status_code, _tid(response), None, response.content
            )
            raise reply.error("QuickBooks did not return a whole PDF document")
        return response.content

    def create_payment(self, payment: Payment, *, request_id: str | None = None) -> Payment:
        """Record a customer payment applied to invoices."""
        if payment.total <= 0:
            raise _invalid("a payment needs a positive total")
        applied = sum((a.amount for a in payment.applied_to), start=payment.total * 0)
        if applied > payment.total:
            raise _invalid(f"payment applies {applied} but its total is {payment.total}")
        return self._create("Payment", _wire.CONVERTER.unstructure(payment), request_id)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ 5010 helper

    def _modify(
        self,
        read: Callable[[str], T],
        update: Callable[[T], T],
        record_id: str,
        change: Callable[[T], T],
        attempts: int,
    ) -> T:
        for attempt in range(1, attempts + 1):
            current = read(record_id)
            try:
                return update(change(current))
            except StaleObjectError:
                if attempt == attempts:
                    raise
                _log.info("stale SyncToken on %s (attempt %d): re-reading", record_id, attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def modify_customer(
        self, customer_id: str, change: Callable[[Customer], Customer], *, attempts: int = 3
    ) -> Customer:
        """Read, apply ``change`` and sparse-update; on 5010 re-read and re-apply.

        Example: ``client.modify_customer("58", lambda c: attrs.evolve(c, email="a@b.co"))``.
        """
        return self._modify(self.get_customer, self.update_customer, customer_id, change, attempts)

    def modify_item(
        self, item_id: str, change: Callable[[Item], Item], *, attempts: int = 3
    ) -> Item:
        """Read, apply ``change`` and sparse-update an item; re-apply on 5010."""
        return self._modify(self.get_item, self.update_item, item_id, change, attempts)

    def modify_invoice(
        self, invoice_id: str, change: Callable[[Invoice], Invoice], *, attempts: int = 3
    ) -> Invoice:
        """Read, apply ``change`` and sparse-update an invoice; re-apply on 5010."""
        return self._modify(self.get_invoice, self.update_invoice, invoice_id, change, attempts)

    # ------------------------------------------------------------------ batch

    def batch(
        self, operations: Sequence[BatchOperation], *, request_id: str | None = None
    ) -> list[BatchItemResult]:
        """Run operations through ``/batch``, 30 per request; results in input order.

        A failed item does not fail the batch: its result carries the typed error (QBO answers
        HTTP 200 with a per-item Fault). Every chunk carries a ``requestid`` (≤ 36 chars).
        """
        items = [self._batch_item(index, op) for index, op in enumerate(operations)]
        if request_id is not None:
            self._request_id("batch", None, request_id, BATCH_REQUEST_ID_MAX)
        results: list[BatchItemResult] = []
        for number, chunk in enumerate(chunked(items, BATCH_LIMIT)):
            payload = {"BatchItemRequest": [wire for wire, _ in chunk]}
            if request_id is None:
                rid = derive_request_id("batch", payload, namespace=self._realm_id)
            elif len(items) <= BATCH_LIMIT:
                rid = request_id
            else:
                rid = derive_request_id("batch", {"base": request_id, "chunk": number})
            request = self._request("POST", "batch", params={"requestid": rid}, body=payload)
            reply = self._reply(self._send(request, batch=True))
            answers = list(reply.records(reply.member("BatchItemResponse", kind=list), "batch"))
            results.extend(reply.build(self._batch_results, chunk, answers, reply))
        return results

    def _batch_item(
        self, index: int, op: BatchOperation
    ) -> tuple[dict[str, Any], tuple[int, BatchOperation]]:
        bid = f"b{index}"
        if len(bid) > BID_MAX:
            raise _invalid("too many batch operations for 10-character bIds")
        if op.operation is Operation.QUERY:
            if not op.query:
                raise _invalid(f"batch item {index}: a query item needs query text")
            return {"bId": bid, "Query": op.query}, (index, op)
        entity, body = _wire.entity_of(op.record)
        if op.operation is Operation.CREATE:
            body.pop("Id", None)
            body.pop("SyncToken", None)
        else:
            if not body.get("Id") or body.get("SyncToken") is None:
                raise _invalid(f"batch item {index}: {op.operation.value} needs Id and SyncToken")
            if op.operation is Operation.DELETE:
                body = {"Id": body["Id"], "SyncToken": body["SyncToken"]}
            elif op.sparse:
                body["sparse"] = True
        return {"bId": bid, "operation": op.operation.value, entity: body}, (index, op)

    def _batch_results(
        self,
        chunk: Sequence[tuple[dict[str, Any], tuple[int, BatchOperation]]],
        answers: Sequence[Mapping[str, Any]],
        reply: Reply,
    ) -> list[BatchItemResult]:
        by_bid = {_wire.check_bid(a.get("bId")): a for a in answers}
        results = []
        for wire, (index, op) in chunk:
            answer = by_bid.get(wire["bId"])
            if answer is None:
                error = reply.error(f"batch answer has no item for bId {wire['bId']}")
                results.append(BatchItemResult(index, op, error=error))
                continue
            if "Fault" in answer:
                fault = fault_to_error(200, {"Fault": answer["Fault"]}, request_id=reply.request_id)
                if fault is None:  # a Fault without readable errors is still a failure
                    fault = reply.error(f"batch item {wire['bId']} has an unreadable Fault")
                results.append(BatchItemResult(index, op, error=fault))
            elif "QueryResponse" in answer:
                entity = _wire.query_entity(op.query or "")
                records, _ = _wire.parse_query_page(
                    entity, answer, home_currency=self._home_currency, check=True
                )
                results.append(BatchItemResult(index, op, records=tuple(records)))
            else:
                entity = next(k for k in wire if k not in ("bId", "operation"))
                record = answer.get(entity)
                if not isinstance(record, Mapping):
                    error = reply.error(f"batch item {wire['bId']} has no {entity} object")
                    results.append(BatchItemResult(index, op, error=error))
                    continue
                results.append(BatchItemResult(index, op, record=self._parse(entity, record)))
        return results

    # ------------------------------------------------------------------ sync port (feed)

    def change_data_capture(self, entity: str, since: dt.datetime) -> LedgerChanges:
        """One ``/cdc`` call for one entity with the answer's own ``time`` (``LedgerFeed``)."""
        return _feed.change_data_capture(self, entity, since)

    def updated_since(self, entity: str, since: dt.datetime | None) -> Iterator[LedgerChange]:
        """Records updated since ``since``, paged by ``MetaData.LastUpdatedTime``
        (``LedgerFeed``)."""
        return _feed.updated_since(self, entity, since)

    def records_by_id(self, entity: str, ids: Sequence[str]) -> list[LedgerChange]:
        """The records of ``ids`` that still exist, in batched queries (``LedgerFeed``)."""
        return _feed.records_by_id(self, entity, ids)

    # ------------------------------------------------------------------ change data capture

    def changes_since(
        self,
        since: dt.datetime,
        entities: Iterable[str] = ("Customer", "Item", "Invoice", "Payment"),
    ) -> CdcResult:
        """Every change (including deletions) to ``entities`` since ``since`` (≤ 30 days ago).

        One ``/cdc`` call normally. When an answer reaches QBO's 1,000-object cap, each entity
        is asked alone. For an entity still at the cap, CDC has no upper bound to narrow with,
        so the client (1) halves the window from the recent end (``CDC_NARROWING_STEPS`` calls)
        to find the earliest ``changedSince`` answered under the cap — every deletion after it
        is confirmed — and (2) pages a ``MetaData.LastUpdatedTime >= since`` query for the
        records that exist. Deletions before that instant may be missing: the result names the
        entity in ``unconfirmed_deletions`` and the span in ``unconfirmed_windows``.
        """
        names = list(dict.fromkeys(entities))
        if since.tzinfo is None or since.tzinfo.utcoffset(since) is None:
            raise _invalid("since must be timezone-aware")
        if not names:
            raise _invalid("name at least one entity")
        excluded = sorted(set(names) & NOT_IN_CDC)
        if excluded:
            raise _invalid(f"change data capture does not cover {excluded}: poll them by query")
        now = self.clock.now()
        if now - since > CDC_MAX_AGE:
            raise _invalid(
                f"change data capture reaches back 30 days only; {since.isoformat()} is "
                f"{(now - since).days} days ago: do a full read instead"
            )
        before = self.requests_sent
        found, windows = self._cdc(names, since, now)
        return CdcResult(
            since=since,
            changes=tuple(_newest(found)),
            requests=self.requests_sent - before,
            unconfirmed_deletions=tuple(w.entity for w in windows),
            unconfirmed_windows=tuple(windows),
        )

    def _cdc_call(self, names: Sequence[str], since: dt.datetime) -> dict[str, list[Any]]:
        params = {"entities": ",".join(names), "changedSince": since.isoformat(timespec="seconds")}
        reply = self._get("cdc", params)
        return reply.build(
            _wire.parse_cdc, reply.object(), home_currency=self._home_currency, check=True
        )

    def _cdc(
        self, names: Sequence[str], since: dt.datetime, now: dt.datetime
    ) -> tuple[list[ChangeRecord], list[UnconfirmedWindow]]:
        answer = self._cdc_call(names, since)
        if sum(len(v) for v in answer.values()) < CDC_OBJECT_CAP:
            return [c for v in answer.values() for c in v], []
        changes: list[ChangeRecord] = []
        windows: list[UnconfirmedWindow] = []
        for name in names:
            single = answer if len(names) == 1 else self._cdc_call([name], since)
            records = single.get(name, [])
            if len(records) < CDC_OBJECT_CAP:
                changes.extend(records)
                continue
            _log.warning(
                "CDC for %s reached %d objects: narrowing, then a query", name, len(records)
            )
            confirmed_from, recent = self._narrow_cdc(name, since, now)
            changes.extend(r for r in records if r.deleted)
            changes.extend(r for r in recent if r.deleted)
            query = select(name).where("MetaData.LastUpdatedTime", ">=", since)
            if name in NAME_LIST_ENTITIES:
                query = query.where("Active", "IN", [True, False])
            for record in self.iter_query(query):
                raw_id = record.get("Id") if isinstance(record, Mapping) else None
                changes.append(
                    ChangeRecord(
                        entity=name,
                        id=str(getattr(record, "id", None) or raw_id),
                        updated_at=getattr(record, "updated_at", None),
                        record=record,
                    )
                )
            windows.append(UnconfirmedWindow(name, since, confirmed_from))
        return changes, windows

    def _narrow_cdc(
        self, name: str, since: dt.datetime, now: dt.datetime
    ) -> tuple[dt.datetime, list[ChangeRecord]]:
        """The earliest ``changedSince`` (found by halving) whose CDC answer for ``name`` stays
        under the cap, and that answer: every change after that instant, deletions included."""
        capped, clear = since, now
        found: list[ChangeRecord] = []
        for _ in range(CDC_NARROWING_STEPS):
            middle = (capped + (clear - capped) / 2).replace(microsecond=0)
            if not capped < middle < clear:
                break
            records = self._cdc_call([name], middle).get(name, [])
            if len(records) < CDC_OBJECT_CAP:
                clear, found = middle, records
            else:
                capped = middle
        return clear, found


def _newest(changes: Iterable[ChangeRecord]) -> list[ChangeRecord]:
    """One change per (entity, id): the latest; a deletion wins a tie."""
    best: dict[tuple[str, str], ChangeRecord] = {}
    floor = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    for change in changes:
        key = (change.entity, change.id)
        seen = best.get(key)
        if seen is None:
            best[key] = change
            continue
        new_at, old_at = change.updated_at or floor, seen.updated_at or floor
        if new_at > old_at or (new_at == old_at and change.deleted):
            best[key] = change
    return list(best.values())


def _check_invoice(invoice: Invoice) -> None:
    if not invoice.customer.value:
        raise _invalid("an invoice needs a customer reference")
    billable = [line for line in invoice.lines if line.detail_type is not LineDetailType.SUBTOTAL]
    if not billable:
        raise _invalid("an invoice needs at least one line")
    for number, line in enumerate(billable, start=1):
        if line.detail_type is LineDetailType.SALES_ITEM and line.item is None:
            raise _invalid(f"line {number} is a sales line without an item")
