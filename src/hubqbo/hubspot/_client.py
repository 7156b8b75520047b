"""``HubSpotClient``: the ``CrmClient`` port over HubSpot's REST API (httpx).

Why: services need deals, quotes, line items, products, contacts, companies and invoices as
domain models; this class turns those calls into real HubSpot requests — paths from
``ApiPaths``, bodies and parsing from ``_wire``, errors from ``_errors`` — and sends them through
the shared ``HttpRunner`` (pacing per app, retries with injectable sleep and clock). Batch
limits (100 objects, 2,000 association creates, 1,000 association reads) and search's
10,000-result ceiling are handled here so callers pass any number of inputs.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

import attrs
import httpx

from hubqbo._display import Displayed, fields_table, summary
from hubqbo._http import (
    Clock,
    HttpRunner,
    RetryPolicy,
    Sleep,
    SystemClock,
    build_http_client,
    chunked,
    paginate,
    real_sleep,
)
from hubqbo._http._replies import READING_ERRORS, Reply, describe_error
from hubqbo._http._timeouts import TimeoutArg, takes_timeout
from hubqbo.auth import OAuth2Auth, StaticToken
from hubqbo.errors import (
    ApiError,
    ConfigurationError,
    ConflictError,
    DuplicateError,
    HubQboError,
    NotFoundError,
    UnexpectedResponseError,
    ValidationError,
)
from hubqbo.hubspot import _records
from hubqbo.hubspot import _wire as wire
from hubqbo.hubspot._associations import (
    ASSOCIATION_TYPES,
    HUBSPOT_DEFINED,
    AssociationType,
    primary_type_id,
)
from hubqbo.hubspot._errors import PROVIDER, error_from_body, error_from_response
from hubqbo.hubspot._limits import HeaderAwarePacer, HubSpotRetryPolicy, RateLimits
from hubqbo.hubspot._oauth import DEFAULT_BASE_URL, HubSpotOAuth, token_key
from hubqbo.hubspot._paths import DEFAULT_API_VERSION, ApiPaths
from hubqbo.hubspot._search import SEARCH_CEILING, SearchQuery, must_restart
from hubqbo.hubspot._values import PropertyKind, WireValue, kind_of
from hubqbo.hubspot._wire import PropertyDefinition, WireObject
from hubqbo.models import (
    Company,
    Contact,
    CrmInvoice,
    CrmObjectType,
    Deal,
    LineItem,
    Product,
    PropertyGroupSpec,
    PropertySpec,
    Quote,
)
from hubqbo.protocols import (
    Association,
    AssociationOutcome,
    CrmObject,
    PropertyChanges,
    TokenStore,
    WriteOutcome,
)

__all__ = [
    "AssociationBatchResult",
    "BatchFailure",
    "BatchResult",
    "CrmRecord",
    "HubSpotClient",
]

_log = logging.getLogger("hubqbo.hubspot")

MAX_BATCH = 100
MAX_ASSOCIATION_CREATE = 2_000
MAX_ASSOCIATION_READ = 1_000
MAX_ASSOCIATION_ARCHIVE = 1_000
"""Inputs per v4 association ``batch/archive`` (no documented limit: the smaller of the
documented association batch sizes, 1,000 reads and 2,000 creates)."""
LIST_PAGE = 100
ObjectType = CrmObjectType | str
P = ParamSpec("P")
R = TypeVar("R")


def _checks_replies(method: Callable[P, R]) -> Callable[P, R]:
    """Run a public method so that reading a malformed reply raises
    ``UnexpectedResponseError`` (see ``HubSpotClient._reading``)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        client = args[0]
        assert isinstance(client, HubSpotClient)
        with client._reading():
            return method(*args, **kwargs)

    return wrapper


def _type(object_type: ObjectType) -> str:
    return object_type.value if isinstance(object_type, CrmObjectType) else str(object_type)


@attrs.frozen(repr=False)
class CrmRecord(Displayed):
    """A raw CRM record: id, property strings, timestamps; ``new`` after an upsert.

    In a notebook it renders as a table of its properties; ``to_dict()`` is one flat row (the
    id, every property, the timestamps) for pandas: ``Records(client.search(...)).to_dicts()``.

    Example:
        >>> CrmRecord(id="7", properties={"dealname": "Website"}).properties["dealname"]
        'Website'
        >>> CrmRecord(id="7", properties={"dealname": "Website", "amount": None})
        CrmRecord(id='7', dealname='Website')
    """

    id: str
    properties: Mapping[str, str | None] = attrs.field(factory=dict, hash=False)
    created_at: str | None = None
    updated_at: str | None = None
    archived: bool = False
    new: bool | None = None

    def __repr__(self) -> str:
        shown = [(k, v) for k, v in self.properties.items() if v not in (None, "")]
        more = [("more", f"{len(shown) - 4} properties")] if len(shown) > 4 else []
        return summary("CrmRecord", [("id", self.id), *shown[:4], *more])

    def to_dict(self) -> dict[str, Any]:
        """One flat row: ``id``, every property, ``created_at``, ``updated_at``, ``archived``."""
        return {
            "id": self.id,
            **self.properties,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "archived": self.archived,
        }

    def _repr_html_(self) -> str:
        return fields_table(f"CrmRecord {self.id}", self.to_dict().items())

    @classmethod
    def _from_wire(cls, obj: WireObject) -> CrmRecord:
        return cls(
            obj.id, dict(obj.properties), obj.created_at, obj.updated_at, obj.archived, obj.new
        )


@attrs.frozen
class BatchFailure:
    """One input a batch write could not apply, and why (mapped by ``objectWriteTraceId``).

    ``index`` is the input's position in the sequence the caller passed.
    """

    index: int
    input: Mapping[str, Any] = attrs.field(hash=False)
    error: ApiError = attrs.field(hash=False)


class _FailureReport:
    """``ok`` and ``raise_for_failures`` for the batch results (fields declared by each)."""

    failures: tuple[BatchFailure, ...]
    unmatched_errors: tuple[ApiError, ...]

    @property
    def ok(self) -> bool:
        """True when every input was applied."""
        return not (self.failures or self.unmatched_errors)

    def raise_for_failures(self) -> None:
        """Raise the first failure's typed error, if any."""
        if self.failures:
            raise self.failures[0].error
        if self.unmatched_errors:
            raise self.unmatched_errors[0]


@attrs.frozen
class BatchResult(_FailureReport):
    """What a chunked batch write did: records written and per-input failures (207, mapped
    by ``objectWriteTraceId``).

    Example:
        >>> BatchResult().ok
        True
    """

    records: tuple[CrmRecord, ...] = ()
    failures: tuple[BatchFailure, ...] = ()
    unmatched_errors: tuple[ApiError, ...] = ()
    """207 errors that named no ``objectWriteTraceId`` of ours (kept, never dropped)."""


@attrs.frozen
class AssociationBatchResult(_FailureReport):
    """What ``batch_associate`` did: the ``(from id, to id)`` pairs HubSpot linked, and each
    input pair it did not (``BatchFailure.index`` is the pair's position in the call).

    Association inputs carry no ``objectWriteTraceId``: an input failed when its pair is
    missing from HubSpot's results, and it gets the 207 error whose ``context`` names one of
    its ids (otherwise the only error left, or a generic one).

    Example:
        >>> AssociationBatchResult(created=(("1", "2"),)).ok
        True
    """

    created: tuple[tuple[str, str], ...] = ()
    failures: tuple[BatchFailure, ...] = ()
    unmatched_errors: tuple[ApiError, ...] = ()
    """207 errors that no failed input could claim (kept, never dropped)."""


class HubSpotClient:
    """HubSpot CRM in domain terms (implements ``hubqbo.protocols.CrmClient`` and the optional
    ``CrmInvoiceCreator``: an invoice record created already associated, in one request).

    Args:
        auth: an ``httpx.Auth`` (``hubqbo.auth.OAuth2Auth``, ``StaticToken``); or
        access_token: a private-app or service-key token (sent as a bearer token).
        base_url: ``https://api.hubapi.com`` (a sandbox or proxy in tests).
        api_version: ``"2026-03"`` (default), another dated version, or ``"v3"`` for the numbered
            paths (``/crm/v3``, ``/crm/v4`` associations, ``/settings/v3``).
        transport: the httpx transport (``hubqbo.sandbox.HubSpotSandbox``, a mock); or
        http_client: a ready ``httpx.Client``.
        rate_limits: ``RateLimits`` or a tier name (``"free"``, ``"professional"``,
            ``"api_add_on"``, ``"public_oauth"`` ...); default 100 requests / 10 s.
        qbo_item_id_property: the product property holding the QBO item id.
        quote_adjustments: read each quote's associated discounts, fees and taxes (HubSpot's
            "Discounts", "Fees" and "Taxes" guides) into ``Quote.discount_*``, ``fee_*`` and
            ``has_tax_objects`` (default). A quote without any costs no extra request; one
            with discounts and fees costs one batch read per kind. ``False`` skips them:
            those fields then stay empty whatever the quote holds (a discount is missed).
        retry: retry policy (``HubSpotRetryPolicy()`` by default).
        pacer: a ``HeaderAwarePacer`` to share with other clients of the same app (HubSpot's
            10-second window is per app): e.g. ``other.pacer``; by default each client has
            its own, built from ``rate_limits`` (HubSpot's headers then report the others).
        clock, sleep: injectable time (``ManualClock().sleep`` in tests: nothing really sleeps).

    Example:
        >>> import httpx
        >>> def answer(request: httpx.Request) -> httpx.Response:
        ...     return httpx.Response(200, json={"id": "GBP", "createdAt": "2026-01-01T00:00:00Z"})
        >>> client = HubSpotClient(access_token="pat-na1-x", transport=httpx.MockTransport(answer))
        >>> client.company_currency()
        'GBP'
    """

    def __init__(
        self,
        *,
        auth: httpx.Auth | None = None,
        access_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        rate_limits: RateLimits | str | None = None,
        qbo_item_id_property: str = "qbo_item_id",
        quote_adjustments: bool = True,
        retry: RetryPolicy | None = None,
        pacer: HeaderAwarePacer | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        timeout: float = 60.0,
    ) -> None:
        if (auth is None) == (access_token is None):
            raise ConfigurationError("HubSpotClient needs exactly one of auth= or access_token=")
        self.paths = ApiPaths(api_version)
        self.base_url = base_url.rstrip("/")
        self.limits = (
            RateLimits.tier(rate_limits)
            if isinstance(rate_limits, str)
            else (rate_limits or RateLimits())
        )
        self.qbo_item_id_property = qbo_item_id_property
        self.quote_adjustments = quote_adjustments
        self.clock: Clock = clock or SystemClock()
        self._sleep = sleep or real_sleep
        resolved_auth = auth if auth is not None else StaticToken(str(access_token))
        self._http, self._owns_http = build_http_client(
            base_url=self.base_url,
            transport=transport,
            http_client=http_client,
            auth=resolved_auth,
            timeout=timeout,
        )
        self.pacer = (
            HeaderAwarePacer(self.limits, clock=self.clock, sleep=self._sleep)
            if pacer is None
            else pacer.sharing(sleep=self._sleep)
        )
        self._runner = HttpRunner(
            client=self._http,
            provider=PROVIDER,
            raise_for_response=self._raise_for_response,
            request_id_header="x-hubspot-correlation-id",
            retry=retry or HubSpotRetryPolicy(),
            pacer=self.pacer,
            sleep=self._sleep,
            auth=resolved_auth if http_client is not None else None,
        )
        self._currency: str | None = None
        self._time_zone: str | None = None
        self._kinds: dict[str, dict[str, PropertyKind]] = {}
        self._unique: dict[str, frozenset[str]] = {}
        self._replies = threading.local()

    # ------------------------------------------------------------------ construction helpers
    @classmethod
    def from_oauth(
        cls,
        oauth: HubSpotOAuth,
        store: TokenStore,
        portal_id: str | int,
        **kwargs: Any,
    ) -> HubSpotClient:
        """A client for one portal whose OAuth token lives in ``store`` (refreshed as needed)."""
        auth = OAuth2Auth(oauth, store, token_key(portal_id), clock=kwargs.get("clock"))
        kwargs.setdefault("rate_limits", RateLimits.tier("public_oauth"))
        return cls(auth=auth, **kwargs)

    def __repr__(self) -> str:
        return f"HubSpotClient(base_url={self.base_url!r}, api_version={self.paths.version!r})"

    def __enter__(self) -> HubSpotClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (when this client created it)."""
        if self._owns_http:
            self._http.close()

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far, retries included (for measurements)."""
        return self._runner.requests_sent

    # ------------------------------------------------------------------ transport
    def _raise_for_response(self, response: httpx.Response) -> None:
        self.pacer.observe(response.headers)
        if response.status_code >= 400:
            raise error_from_response(
                response.status_code, response.content, response.headers, now=self.clock.now()
            )

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool,
        search: bool = False,
        empty_ok: bool = False,
    ) -> Any:
        """Send and decode: the JSON body (``None`` for an empty answer when ``empty_ok``:
        the calls HubSpot answers with 204), or ``UnexpectedResponseError``."""
        request = self._http.build_request(
            method, f"{self.base_url}{path}", params=params, json=json
        )
        response = self._runner.send(
            request,
            idempotent=idempotent,
            pace_key="app",
            budgets=("search",) if search else ("requests",),
        )
        reply = Reply.decode(
            PROVIDER, response, request_id=self._runner.request_id(response), empty_ok=empty_ok
        )
        self._replies.last = reply
        return reply.body

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """While active, an error reading a reply (a missing or mistyped field, a bad number
        or date) raises ``UnexpectedResponseError`` for the last reply received. Errors before
        any reply of this call (a caller's bad argument) pass unchanged; so do hubqbo's own."""
        depth = getattr(self._replies, "depth", 0)
        if depth == 0:
            self._replies.last = None
        self._replies.depth = depth + 1
        try:
            yield
        except HubQboError:
            raise
        except READING_ERRORS as exc:
            reply: Reply | None = getattr(self._replies, "last", None)
            if reply is None:
                raise
            raise reply.error(describe_error(exc)) from exc
        finally:
            self._replies.depth = depth

    def _expect(self, data: Any, what: str) -> Mapping[str, Any]:
        """``data`` (the last reply's body) when it is a JSON object, else the typed error."""
        if isinstance(data, Mapping):
            return data
        reply: Reply | None = getattr(self._replies, "last", None)
        reason = f"{what}: expected a JSON object"
        if reply is None:  # pragma: no cover - every caller has just received a reply
            raise UnexpectedResponseError(provider=PROVIDER, status_code=None, reason=reason)
        raise reply.error(reason)

    # ------------------------------------------------------------------ generic objects
    @takes_timeout
    @_checks_replies
    def get_object(
        self,
        object_type: ObjectType,
        object_id: str,
        *,
        properties: Sequence[str] = (),
        associations: Sequence[ObjectType] = (),
        id_property: str | None = None,
        timeout: TimeoutArg = None,
    ) -> WireObject:
        """One record with ``properties`` and the ids of its ``associations``.

        HubSpot cuts a long association list short (``paging.next`` on that list); such a
        list is completed from the v4 associations read, so no associated id is lost.
        """
        params: dict[str, str] = {}
        if properties:
            params["properties"] = ",".join(properties)
        if associations:
            params["associations"] = ",".join(_type(a) for a in associations)
        if id_property:
            params["idProperty"] = id_property
        try:
            data = self._request(
                "GET",
                self.paths.object(_type(object_type), object_id),
                params=params,
                idempotent=True,
            )
        except NotFoundError as missing:
            raise missing.naming(_type(object_type), str(object_id)) from None
        obj = wire.parse_object(self._expect(data, "record"))
        for key in wire.paged_association_keys(obj):
            links = self.associations(object_type, obj.id, wire.association_key(key))
            obj = wire.with_associations(obj, key, [a.to_id for a in links])
        return obj

    @takes_timeout
    def iter_objects(
        self,
        object_type: ObjectType,
        *,
        properties: Sequence[str] = (),
        limit: int = LIST_PAGE,
        archived: bool = False,
        timeout: TimeoutArg = None,
    ) -> Iterator[CrmRecord]:
        """Every record of ``object_type``, lazily, following ``paging.next.after``."""
        path = self.paths.objects(_type(object_type))

        def fetch(after: str) -> tuple[list[CrmRecord], str | None]:
            params: dict[str, Any] = {"limit": limit}
            if properties:
                params["properties"] = ",".join(properties)
            if archived:
                params["archived"] = "true"
            if after:
                params["after"] = after
            with self._reading():
                data = self._request("GET", path, params=params, idempotent=True)
                page = wire.parse_page(self._expect(data, "list page"))
                return [CrmRecord._from_wire(o) for o in page.results], page.after

        return paginate(fetch, "")

    @takes_timeout
    @_checks_replies
    def batch_read(
        self,
        object_type: ObjectType,
        ids: Sequence[str],
        *,
        properties: Sequence[str] = (),
        id_property: str | None = None,
        timeout: TimeoutArg = None,
    ) -> list[WireObject]:
        """Records by id (or by a unique ``id_property``), 100 per request; missing ids are
        left out (use the ids of the result to tell)."""
        path = self.paths.batch(_type(object_type), "read")
        found: list[WireObject] = []
        for chunk in chunked(list(dict.fromkeys(ids)), MAX_BATCH):
            body = wire.batch_read_body(chunk, properties, id_property)
            data = self._request("POST", path, json=body, idempotent=True)
            found.extend(wire.parse_batch(self._expect(data, "batch read")).results)
        return found

    @takes_timeout
    def search(
        self, object_type: ObjectType, query: SearchQuery, *, timeout: TimeoutArg = None
    ) -> Iterator[CrmRecord]:
        """Every record matching ``query``, lazily, past the 10,000-result ceiling.

        Without ``sort_by`` results come sorted by ``hs_object_id`` ascending; when the next
        page would cross 10,000 results the search restarts with ``hs_object_id GT <last
        id>``. With ``sort_by`` (and ``descending``) they come in that order, and a search
        matching more than 10,000 records is refused before the first one (HubSpot's
        ceiling cannot be passed in another order). Paced to 5
        searches per second. Search is eventually consistent: fresh writes may be missing.

        Raises:
            ValidationError: before the first record, when more than 10,000 records match
                and the query has no room for the ``hs_object_id`` bound (a group holding 6
                filters, or 18 filters in all): narrow it, or it could never finish.
        """
        path = self.paths.search(_type(object_type))
        if query.sort_by and (query.sort_by != "hs_object_id" or query.descending):
            yield from self._search_sorted(path, query)
            return
        window = query.by_id_after(None)
        after: str | None = None
        last_id: str | None = None
        while True:
            if must_restart(after, window.limit):
                window, after = query.by_id_after(last_id), None
            with self._reading():
                data = self._request(
                    "POST", path, json=window.body(after=after), idempotent=True, search=True
                )
                page = wire.parse_page(self._expect(data, "search page"))
                records = [CrmRecord._from_wire(o) for o in page.results]
            if last_id is None and (page.total or 0) > SEARCH_CEILING:
                query.by_id_after("0")  # the split must be possible before anything is yielded
            for record in records:
                last_id = record.id
                yield record
            if page.after is None or not page.results:
                return
            after = page.after

    def _search_sorted(self, path: str, query: SearchQuery) -> Iterator[CrmRecord]:
        """The search in the caller's order (``sort_by``/``descending``): plain cursor paging,
        which HubSpot stops at 10,000 results, so more matches are refused up front."""
        after: str | None = None
        first = True
        while True:
            with self._reading():
                data = self._request(
                    "POST", path, json=query.body(after=after), idempotent=True, search=True
                )
                page = wire.parse_page(self._expect(data, "search page"))
                records = [CrmRecord._from_wire(o) for o in page.results]
            if first and (page.total or 0) > SEARCH_CEILING:
                raise ValidationError(
                    provider=PROVIDER,
                    status_code=None,
                    code="VALIDATION_ERROR",
                    message=(
                        f"{page.total} records match, and a search sorted by {query.sort_by} "
                        f"stops at {SEARCH_CEILING}: narrow the filters, or drop sort_by to "
                        "read them all in id order"
                    ),
                )
            first = False
            yield from records
            if page.after is None or not records:
                return
            after = page.after

    # ------------------------------------------------------------------ batch writes
    def _batch_write(
        self,
        object_type: ObjectType,
        operation: str,
        inputs: Sequence[Mapping[str, Any]],
        *,
        idempotent: bool,
    ) -> BatchResult:
        path = self.paths.batch(_type(object_type), operation)
        records: list[CrmRecord] = []
        failures: list[BatchFailure] = []
        unmatched: list[ApiError] = []
        for start in range(0, len(inputs), MAX_BATCH):
            chunk = inputs[start : start + MAX_BATCH]
            traced = {trace_id(start + i): start + i for i in range(len(chunk))}
            body_inputs = [
                {**item, "objectWriteTraceId": trace}
                for item, trace in zip(chunk, traced, strict=True)
            ]
            data = self._request("POST", path, json={"inputs": body_inputs}, idempotent=idempotent)
            batch = wire.parse_batch(self._expect(data, "batch answer"))
            records.extend(CrmRecord._from_wire(o) for o in batch.results)
            for entry in batch.errors:
                error = error_from_body(None, entry)
                indexes = [traced[t] for t in wire.object_write_trace_ids(entry) if t in traced]
                if not indexes:
                    unmatched.append(error)
                failures.extend(BatchFailure(i, inputs[i], error) for i in indexes)
        failures.sort(key=lambda f: f.index)
        return BatchResult(tuple(records), tuple(failures), tuple(unmatched))

    @takes_timeout
    @_checks_replies
    def batch_create(
        self,
        object_type: ObjectType,
        records: Sequence[Mapping[str, WireValue]],
        *,
        associations: Sequence[Sequence[Mapping[str, Any]]] | None = None,
        timeout: TimeoutArg = None,
    ) -> BatchResult:
        """Create records (100 per request); a 207 maps each failure to its input."""
        inputs = [
            _create_input(props, associations[index] if associations else ())
            for index, props in enumerate(records)
        ]
        return self._batch_write(object_type, "create", inputs, idempotent=False)

    @takes_timeout
    @_checks_replies
    def batch_update(
        self,
        object_type: ObjectType,
        updates: Mapping[str, Mapping[str, WireValue]],
        *,
        id_property: str | None = None,
        timeout: TimeoutArg = None,
    ) -> BatchResult:
        """Update records by id (or unique ``id_property``), 100 per request."""
        inputs = [
            {
                "id": record_id,
                "properties": wire.properties_body(props),
                **({"idProperty": id_property} if id_property else {}),
            }
            for record_id, props in updates.items()
        ]
        return self._batch_write(object_type, "update", inputs, idempotent=True)

    @takes_timeout
    @_checks_replies
    def batch_upsert(
        self,
        object_type: ObjectType,
        records: Sequence[Mapping[str, WireValue]],
        *,
        id_property: str,
        timeout: TimeoutArg = None,
    ) -> BatchResult:
        """Create or update records keyed by the unique property ``id_property`` (whose value
        each record must carry), 100 per request.

        Raises:
            ValidationError: before any request, when two records carry the same key value.
        """
        inputs: list[dict[str, Any]] = []
        for index, props in enumerate(records):
            body = wire.properties_body(props)
            key = body.get(id_property)
            if not key:
                raise ConfigurationError(
                    f"upsert record {index} has no value for its id property {id_property!r}"
                )
            inputs.append({"id": key, "idProperty": id_property, "properties": body})
        counts = collections.Counter(item["id"] for item in inputs)
        repeated = sorted(k for k, n in counts.items() if n > 1)
        if repeated:
            raise ValidationError(
                provider=PROVIDER,
                status_code=None,
                code="VALIDATION_ERROR",
                message=(
                    f"upsert records repeat {id_property} values {repeated}: which one should "
                    "win is unclear (HubSpot refuses repeats within one request); merge them"
                ),
            )
        return self._batch_write(object_type, "upsert", inputs, idempotent=True)

    @takes_timeout
    @_checks_replies
    def batch_archive(
        self, object_type: ObjectType, ids: Sequence[str], *, timeout: TimeoutArg = None
    ) -> None:
        """Archive records (100 per request; HubSpot answers 204)."""
        path = self.paths.batch(_type(object_type), "archive")
        for chunk in chunked(list(ids), MAX_BATCH):
            self._request(
                "POST",
                path,
                json={"inputs": [{"id": i} for i in chunk]},
                idempotent=True,
                empty_ok=True,
            )

    # ------------------------------------------------------------------ associations v4
    @takes_timeout
    @_checks_replies
    def batch_read_associations(
        self,
        from_type: ObjectType,
        ids: Sequence[str],
        to_type: ObjectType,
        *,
        timeout: TimeoutArg = None,
    ) -> dict[str, list[Association]]:
        """Associations of many records (1,000 inputs per request, each input's pages
        followed)."""
        path = self.paths.associations_batch(_type(from_type), _type(to_type), "read")
        out: dict[str, list[Association]] = {i: [] for i in ids}
        pending: list[dict[str, str]] = [{"id": i} for i in dict.fromkeys(ids)]
        while pending:
            next_round: list[dict[str, str]] = []
            for chunk in chunked(pending, MAX_ASSOCIATION_READ):
                data = self._request("POST", path, json={"inputs": list(chunk)}, idempotent=True)
                answer = self._expect(data, "association batch read")
                for result in wire.parse_association_batch(answer).results:
                    links = out.setdefault(result.from_.id, [])
                    links.extend(
                        Association(
                            to_id=t.to_object_id,
                            type_ids=tuple(s.type_id for s in t.association_types),
                            labels=tuple(s.label for s in t.association_types if s.label),
                        )
                        for t in result.to
                    )
                    if result.paging and result.paging.next:
                        next_round.append(
                            {"id": result.from_.id, "after": result.paging.next.after}
                        )
            pending = next_round
        return out

    @takes_timeout
    @_checks_replies
    def associations(
        self,
        object_type: ObjectType,
        object_id: str,
        to_type: ObjectType,
        *,
        timeout: TimeoutArg = None,
    ) -> list[Association]:
        """Every association of one record to records of ``to_type`` (v4, with type ids)."""
        return self.batch_read_associations(object_type, [object_id], to_type)[object_id]

    @takes_timeout
    @_checks_replies
    def associate(
        self,
        object_type: CrmObjectType,
        object_id: str,
        to_type: CrmObjectType,
        to_id: str,
        *,
        type_id: int | None = None,
        category: str | None = None,
        timeout: TimeoutArg = None,
    ) -> None:
        """Associate two records: the default association, or the labelled ``type_id``
        (``HUBSPOT_DEFINED`` when the id is in the table, else ``USER_DEFINED``)."""
        f, t = _type(object_type), _type(to_type)
        if type_id is None:
            data = self._request(
                "PUT", self.paths.association_default(f, object_id, t, to_id), idempotent=True
            )
        else:
            body = [
                {
                    "associationCategory": category or _category(type_id),
                    "associationTypeId": type_id,
                }
            ]
            data = self._request(
                "PUT",
                self.paths.association_labelled(f, object_id, t, to_id),
                json=body,
                idempotent=True,
            )
        if data is not None:
            self._expect(data, "association answer")

    @takes_timeout
    @_checks_replies
    def batch_dissociate(
        self,
        from_type: CrmObjectType,
        to_type: CrmObjectType,
        pairs: Sequence[tuple[str, str]],
        *,
        timeout: TimeoutArg = None,
    ) -> None:
        """Remove every association between each pair (v4 ``batch/archive``: one input per
        ``from`` record with its ``to`` records; HubSpot answers 204, the dated versions 200
        with a batch body). Pairs not associated are not an error.

        Raises:
            ApiError: an error HubSpot reports in a dated version's batch body.
        """
        path = self.paths.associations_batch(_type(from_type), _type(to_type), "archive")
        grouped: dict[str, list[str]] = {}
        for a, b in pairs:
            grouped.setdefault(str(a), []).append(str(b))
        for chunk in chunked(list(grouped.items()), MAX_ASSOCIATION_ARCHIVE):
            inputs = [{"from": {"id": a}, "to": [{"id": b} for b in tos]} for a, tos in chunk]
            data = self._request(
                "POST", path, json={"inputs": inputs}, idempotent=True, empty_ok=True
            )
            errors = wire_errors(data)
            if errors:
                raise error_from_body(None, errors[0])

    @takes_timeout
    @_checks_replies
    def batch_associate(
        self,
        from_type: CrmObjectType,
        to_type: CrmObjectType,
        pairs: Sequence[tuple[str, str]],
        *,
        type_id: int | None = None,
        timeout: TimeoutArg = None,
    ) -> AssociationBatchResult:
        """Create many associations (2,000 per request): labelled with ``type_id`` or, when
        ``None``, the HubSpot-defined type of the pair from the table.

        Returns what was linked and, per input pair, what was not (a 207 fails only some
        pairs; a chunk HubSpot refuses whole with 400/404 fails each of its pairs). Call
        ``raise_for_failures()`` on the result to turn failures into an exception.
        """
        chosen = type_id if type_id is not None else _table_type(from_type, to_type)
        spec = {"associationCategory": _category(chosen), "associationTypeId": chosen}
        path = self.paths.associations_batch(_type(from_type), _type(to_type), "create")
        created: list[tuple[str, str]] = []
        failures: list[BatchFailure] = []
        unmatched: list[ApiError] = []
        for start in range(0, len(pairs), MAX_ASSOCIATION_CREATE):
            chunk = [(str(a), str(b)) for a, b in pairs[start : start + MAX_ASSOCIATION_CREATE]]
            inputs = [{"from": {"id": a}, "to": {"id": b}, "types": [spec]} for a, b in chunk]
            try:
                data = self._request("POST", path, json={"inputs": inputs}, idempotent=True)
            except (ValidationError, NotFoundError) as refused:
                failures.extend(
                    BatchFailure(start + i, item, refused) for i, item in enumerate(inputs)
                )
                continue
            linked = wire.linked_pairs(self._expect(data, "association batch create"))
            errors = [(error_from_body(None, e), wire.context_ids(e)) for e in wire_errors(data)]
            claimed: set[int] = set()
            for i, pair in enumerate(chunk):
                if pair in linked:
                    created.append(pair)
                    continue
                match = next(
                    (n for n, (_, ids) in enumerate(errors) if ids & set(pair)),
                    None,
                )
                if match is None and len(errors) - len(claimed) == 1:
                    match = next(n for n in range(len(errors)) if n not in claimed)
                if match is not None:
                    claimed.add(match)
                error = errors[match][0] if match is not None else _not_linked(pair)
                failures.append(BatchFailure(start + i, inputs[i], error))
            unmatched.extend(e for n, (e, _) in enumerate(errors) if n not in claimed)
        return AssociationBatchResult(tuple(created), tuple(failures), tuple(unmatched))

    # ------------------------------------------------------------------ properties
    @takes_timeout
    @_checks_replies
    def property_definitions(
        self, object_type: ObjectType, *, timeout: TimeoutArg = None
    ) -> list[PropertyDefinition]:
        """Every property definition of ``object_type``."""
        data = self._request("GET", self.paths.properties(_type(object_type)), idempotent=True)
        definitions = wire.parse_properties(self._expect(data, "property definitions"))
        self._kinds[_type(object_type)] = {
            d.name: kind_of(d.type, d.field_type) for d in definitions
        }
        self._unique[_type(object_type)] = frozenset(
            d.name for d in definitions if d.has_unique_value
        )
        return definitions

    @takes_timeout
    @_checks_replies
    def property_kinds(
        self, object_type: ObjectType, *, timeout: TimeoutArg = None
    ) -> Mapping[str, PropertyKind]:
        """How to read each property of ``object_type`` (definitions read once, cached)."""
        key = _type(object_type)
        if key not in self._kinds:
            self.property_definitions(object_type)
        return self._kinds[key]

    @takes_timeout
    @_checks_replies
    def ensure_properties(
        self,
        groups: Sequence[PropertyGroupSpec],
        properties: Sequence[PropertySpec],
        *,
        timeout: TimeoutArg = None,
    ) -> PropertyChanges:
        """Create the missing property groups and properties; idempotent.

        Existing properties are left as they are (``hasUniqueValue`` cannot be changed later);
        a difference in type or uniqueness is logged as a warning.
        """
        groups_created: list[str] = []
        created: list[str] = []
        unchanged: list[str] = []
        types = list(
            dict.fromkeys([g.object_type for g in groups] + [p.object_type for p in properties])
        )
        for object_type in types:
            t = object_type.value
            data = self._request("GET", self.paths.property_groups(t), idempotent=True)
            existing_groups = {
                g.name for g in wire.parse_property_groups(self._expect(data, "property groups"))
            }
            needed_groups = [g for g in groups if g.object_type is object_type]
            needed_groups += [
                PropertyGroupSpec(object_type, p.group_name, p.group_name)
                for p in properties
                if p.object_type is object_type
                and p.group_name not in {g.name for g in needed_groups}
            ]
            for group in needed_groups:
                if group.name in existing_groups:
                    continue
                self._create_definition(
                    self.paths.property_groups(t), wire.property_group_body(group), "group"
                )
                existing_groups.add(group.name)
                groups_created.append(f"{t}/{group.name}")
            definitions = {d.name: d for d in self.property_definitions(object_type)}
            for spec in (p for p in properties if p.object_type is object_type):
                current = definitions.get(spec.name)
                if current is not None:
                    if (current.type, current.has_unique_value) != (
                        spec.type,
                        spec.has_unique_value,
                    ):
                        _log.warning(
                            "HubSpot property %s/%s exists as %s (unique=%s), "
                            "wanted %s (unique=%s)",
                            t,
                            spec.name,
                            current.type,
                            current.has_unique_value,
                            spec.type,
                            spec.has_unique_value,
                        )
                    unchanged.append(f"{t}/{spec.name}")
                    continue
                self._create_definition(self.paths.properties(t), wire.property_body(spec), "")
                created.append(f"{t}/{spec.name}")
                if spec.has_unique_value:  # uniqueness never changes once created
                    self._unique[t] = self._unique.get(t, frozenset()) | {spec.name}
            self._kinds.pop(t, None)
        return PropertyChanges(tuple(groups_created), tuple(created), tuple(unchanged))

    def _create_definition(self, path: str, body: Mapping[str, Any], kind: str) -> None:
        """Create a property (or group, ``kind="group"``) that should exist: retried like an
        idempotent request (5xx, timeouts, resets), and "already exists" — 409 from another
        process's create, or from this one's earlier attempt whose answer was lost — is
        success."""
        try:
            data = self._request("POST", path, json=body, idempotent=True)
        except (ConflictError, DuplicateError) as exists:
            if exists.status_code != 409:
                raise
            _log.info("HubSpot property %s %s already exists", kind, body.get("name"))
            return
        if kind == "group":
            wire.parse_property_group(self._expect(data, "created property group"))
        else:
            wire.parse_property(self._expect(data, "created property"))

    # ------------------------------------------------------------------ portal settings
    @takes_timeout
    @_checks_replies
    def company_currency(self, *, timeout: TimeoutArg = None) -> str:
        """The portal's company currency (read once, cached)."""
        if self._currency is None:
            data = self._request("GET", self.paths.company_currency(), idempotent=True)
            self._currency = wire.currency_code(self._expect(data, "company currency").get("id"))
        return self._currency

    @takes_timeout
    @_checks_replies
    def portal_time_zone(self, *, timeout: TimeoutArg = None) -> str:
        """The portal's time zone (``/account-info/v3/details`` ``timeZone``; cached)."""
        if self._time_zone is None:
            data = self._request("GET", self.paths.account_details(), idempotent=True)
            zone = self._expect(data, "account details").get("timeZone")
            if not isinstance(zone, str) or not zone.strip():
                raise self._replies.last.error("account details: timeZone missing")
            self._time_zone = zone
        return self._time_zone

    # ------------------------------------------------------------------ CrmClient: reads
    def _get(
        self,
        object_type: CrmObjectType,
        object_id: str,
        extra: Sequence[str] = (),
        **kw: Any,
    ) -> WireObject:
        return self.get_object(
            object_type,
            object_id,
            properties=_with_extra(wire.PROPERTIES[object_type], extra),
            associations=wire.ASSOCIATIONS.get(object_type, ()),
            **kw,
        )

    @takes_timeout
    @_checks_replies
    def get_deal(
        self, deal_id: str, *, properties: Sequence[str] = (), timeout: TimeoutArg = None
    ) -> Deal:
        """The deal with its contact, company, line item, quote and invoice ids, and the
        company taken as the buyer's (``primary_company_id``).

        One request when the deal has at most one company: a single associated company is
        the only candidate and is taken as the buyer company *whether or not HubSpot labels
        it primary* (no v4 read is spent to ask). With several companies a second request
        (the v4 association read) finds the one with the primary type (deal→company, id 5);
        none labelled primary leaves ``primary_company_id`` ``None``.
        ``properties`` names extra properties to read into ``Deal.properties``."""
        obj = self._get(CrmObjectType.DEAL, deal_id, properties)
        companies = wire.associated_ids(obj, CrmObjectType.COMPANY)
        primary = companies[0] if len(companies) == 1 else None
        if len(companies) > 1:
            primary_id = primary_type_id(CrmObjectType.DEAL, CrmObjectType.COMPANY)
            links = self.associations(CrmObjectType.DEAL, obj.id, CrmObjectType.COMPANY)
            primary = next((a.to_id for a in links if primary_id in a.type_ids), None)
        return wire.to_deal(obj, primary_company_id=primary)

    @takes_timeout
    @_checks_replies
    def get_quote(self, quote_id: str, *, timeout: TimeoutArg = None) -> Quote:
        """The quote with buyer contact/company ids, line item ids and deal id.

        With ``quote_adjustments`` (the default) the same read also asks for the quote's discounts,
        fees and taxes; the discounts and fees found are read in one batch each (none: no
        further request) and summed by ``hs_type`` into ``Quote.discount_*``/``fee_*``; any
        tax sets ``has_tax_objects``.
        """
        if not self.quote_adjustments:
            return wire.to_quote(self._get(CrmObjectType.QUOTE, quote_id))
        obj = self.get_object(
            CrmObjectType.QUOTE,
            quote_id,
            properties=wire.PROPERTIES[CrmObjectType.QUOTE],
            associations=(*wire.ASSOCIATIONS[CrmObjectType.QUOTE], *wire.QUOTE_ADJUSTMENT_TYPES),
        )
        ids = wire.adjustment_ids(obj)
        read = {
            kind: self.batch_read(kind, ids[kind], properties=wire.ADJUSTMENT_PROPERTIES)
            for kind in ("discounts", "fees")
            if kind in ids
        }
        adjustments = wire.quote_adjustments(
            read.get("discounts", []), read.get("fees", []), ids.get("taxes", ())
        )
        return wire.to_quote(obj, adjustments)

    @takes_timeout
    @_checks_replies
    def get_contact(self, contact_id: str, *, timeout: TimeoutArg = None) -> Contact:
        """One contact (with its company ids)."""
        return wire.to_contact(self._get(CrmObjectType.CONTACT, contact_id))

    @takes_timeout
    @_checks_replies
    def get_company(self, company_id: str, *, timeout: TimeoutArg = None) -> Company:
        """One company."""
        return wire.to_company(self._get(CrmObjectType.COMPANY, company_id))

    def _ordered(
        self,
        object_type: CrmObjectType,
        ids: Sequence[str],
        properties: Sequence[str],
        build: Callable[[WireObject], Any],
    ) -> list[Any]:
        by_id = {o.id: o for o in self.batch_read(object_type, ids, properties=properties)}
        missing = [i for i in ids if i not in by_id]
        if missing:
            error = NotFoundError(
                provider=PROVIDER,
                status_code=404,
                code="OBJECT_NOT_FOUND",
                message=f"{object_type.value} not found: {', '.join(missing)}",
            )
            error.object_type, error.object_id = object_type.value, ", ".join(missing)
            raise error
        return [build(by_id[i]) for i in ids]

    @takes_timeout
    @_checks_replies
    def get_line_items(
        self, line_item_ids: Sequence[str], *, timeout: TimeoutArg = None
    ) -> list[LineItem]:
        """Line items by id, in the order asked (batch read, 100 per request)."""
        props = wire.PROPERTIES[CrmObjectType.LINE_ITEM]
        return self._ordered(CrmObjectType.LINE_ITEM, line_item_ids, props, wire.to_line_item)

    @takes_timeout
    @_checks_replies
    def get_products(
        self, product_ids: Sequence[str], *, timeout: TimeoutArg = None
    ) -> list[Product]:
        """Products by id, in the order asked, with their QBO item id property."""
        props = (*wire.PROPERTIES[CrmObjectType.PRODUCT], self.qbo_item_id_property)
        qbo = self.qbo_item_id_property
        return self._ordered(
            CrmObjectType.PRODUCT,
            product_ids,
            props,
            lambda o: wire.to_product(o, qbo_id_property=qbo),
        )

    # ------------------------------------------------------------------ CrmClient: invoices
    @takes_timeout
    @_checks_replies
    def find_invoice(
        self,
        *,
        id_property: str,
        value: str,
        properties: Sequence[str] = (),
        timeout: TimeoutArg = None,
    ) -> CrmInvoice | None:
        """The invoice whose unique ``id_property`` equals ``value`` (a read by unique value,
        not a search, so it sees fresh writes); ``properties`` are extra properties to read."""
        try:
            obj = self.get_object(
                CrmObjectType.INVOICE,
                value,
                properties=_with_extra(
                    wire.PROPERTIES[CrmObjectType.INVOICE], (id_property, *properties)
                ),
                id_property=id_property,
            )
        except NotFoundError:
            return None
        return wire.to_crm_invoice(obj)

    @takes_timeout
    @_checks_replies
    def upsert_invoice(
        self, invoice: CrmInvoice, *, id_property: str, timeout: TimeoutArg = None
    ) -> CrmInvoice:
        """Create or update the invoice keyed by ``id_property`` (batch upsert of one)."""
        props = wire.crm_invoice_properties(invoice)
        result = self.batch_upsert(CrmObjectType.INVOICE, [props], id_property=id_property)
        result.raise_for_failures()
        return _written_invoice(props, result.records[0])

    @takes_timeout
    @_checks_replies
    def create_invoice_record(
        self,
        invoice: CrmInvoice,
        *,
        associations: Sequence[tuple[CrmObjectType, str]] = (),
        id_property: str | None = None,
        timeout: TimeoutArg = None,
    ) -> CrmInvoice:
        """Create the invoice object already associated, in ONE request (implements
        ``hubqbo.protocols.CrmInvoiceCreator``).

        The associations go in the create body (``batch/create`` of one input, each link with
        its HubSpot-defined type from the one table: invoice→contact 177, →company 179,
        →deal 175), so record and links cost one request instead of 1 + one per link.

        With ``id_property`` — a unique property whose value ``invoice`` carries, such as
        hubqbo's QBO reference — the create is safe to retry, and is retried like an
        idempotent request: a retry after a lost answer (or a create of a record that
        already exists) meets HubSpot's unique-value conflict. Any refusal is then checked by
        reading the record by its unique value together with its associations (one request;
        a read, not search, so it sees the fresh write): if it exists, the links it lacks
        are added (one request each; none when the create was applied whole) and the record
        is returned; if it does not, the refusal is raised.

        Raises:
            ConfigurationError: ``id_property`` has no value in ``invoice``, or a link's type
                has no HubSpot-defined association from invoices (before any request).
            DuplicateError: without ``id_property``, a unique value is already used.
            ValidationError: HubSpot refused the record (and none exists by ``id_property``).
        """
        props = wire.crm_invoice_properties(invoice)
        key = props.get(id_property) if id_property else None
        if id_property and not key:
            raise ConfigurationError(
                f"the invoice has no value for its unique id property {id_property!r}"
            )
        links = list(dict.fromkeys((to_type, str(to_id)) for to_type, to_id in associations))
        specs = [
            {"to": {"id": to_id}, "types": [_link_type(to_type).spec()]} for to_type, to_id in links
        ]
        try:
            result = self._batch_write(
                CrmObjectType.INVOICE,
                "create",
                [_create_input(props, specs)],
                idempotent=key is not None,
            )
            result.raise_for_failures()
        except (ValidationError, DuplicateError, ConflictError):
            if id_property is None or key is None:
                raise
            existing = self._existing_invoice(id_property, key, props, links)
            if existing is None:
                raise
            _log.info("HubSpot invoice %s already existed (%s)", existing.id, id_property)
            return existing
        return _written_invoice(props, result.records[0])

    def _existing_invoice(
        self,
        id_property: str,
        key: str,
        props: Mapping[str, str],
        links: Sequence[tuple[CrmObjectType, str]],
    ) -> CrmInvoice | None:
        """The invoice whose unique ``id_property`` is ``key``, with every one of ``links``
        (the missing ones added), or ``None`` when there is none."""
        try:
            obj = self.get_object(
                CrmObjectType.INVOICE,
                key,
                properties=_with_extra(wire.PROPERTIES[CrmObjectType.INVOICE], tuple(props)),
                associations=tuple(dict.fromkeys(t for t, _ in links)),
                id_property=id_property,
            )
        except NotFoundError:
            return None
        for to_type, to_id in links:
            if to_id not in wire.associated_ids(obj, to_type):
                type_id = _link_type(to_type).type_id
                self.associate(CrmObjectType.INVOICE, obj.id, to_type, to_id, type_id=type_id)
        return wire.to_crm_invoice(obj)

    @takes_timeout
    @_checks_replies
    def update_properties(
        self,
        object_type: CrmObjectType,
        object_id: str,
        properties: Mapping[str, str],
        *,
        timeout: TimeoutArg = None,
    ) -> None:
        """Write property values on one record: strings as they are (``""`` clears); typed
        values (``Decimal``, ``bool``, ``date``, aware ``datetime``, tuples) are converted."""
        data = self._request(
            "PATCH",
            self.paths.object(object_type.value, object_id),
            json={"properties": wire.properties_body(properties)},
            idempotent=True,
        )
        wire.parse_object(self._expect(data, "updated record"))

    # ------------------------------------------------------------------ sync port (changes)
    def changed_since(
        self,
        object_type: CrmObjectType,
        since: dt.datetime,
        *,
        after_id: str | None = None,
        properties: Sequence[str] = (),
    ) -> Iterator[CrmObject]:
        """Records modified at ``since`` or later (after ``after_id`` at exactly ``since``),
        oldest change first, by search on the last-modified property with ties broken by id,
        past the 10,000-result ceiling (``hubqbo.hubspot._changes``)."""
        from hubqbo.hubspot._changes import records_changed_since

        return records_changed_since(
            self, object_type.value, since, after_id=after_id, properties=properties
        )

    # ------------------------------------------------------------------ sync port (records)
    def list_records(
        self, object_type: CrmObjectType, *, properties: Sequence[str] = ()
    ) -> Iterator[CrmObject]:
        """Every live record of ``object_type`` as ``CrmObject`` (``CrmRecordStore``)."""
        return _records.list_records(self, object_type, properties=properties)

    def read_records(
        self,
        object_type: CrmObjectType,
        ids: Sequence[str],
        *,
        id_property: str | None = None,
        properties: Sequence[str] = (),
    ) -> list[CrmObject]:
        """Records by id or unique ``id_property``, 100 per request (``CrmRecordStore``)."""
        return _records.read_records(
            self, object_type, ids, id_property=id_property, properties=properties
        )

    def upsert_records(
        self,
        object_type: CrmObjectType,
        records: Sequence[Mapping[str, str]],
        *,
        id_property: str,
    ) -> list[WriteOutcome]:
        """Batch upsert on ``id_property``, one outcome per input (``CrmRecordStore``)."""
        return _records.upsert_records(self, object_type, records, id_property=id_property)

    def create_records(
        self,
        object_type: CrmObjectType,
        records: Sequence[Mapping[str, str]],
        *,
        id_property: str,
    ) -> list[WriteOutcome]:
        """Batch create, one outcome per input matched by ``id_property`` (``CrmRecordStore``)."""
        return _records.create_records(self, object_type, records, id_property=id_property)

    def find_records(
        self,
        object_type: CrmObjectType,
        property_name: str,
        values: Sequence[str],
        *,
        properties: Sequence[str] = (),
    ) -> list[CrmObject]:
        """Records whose ``property_name`` is one of ``values``, by search, 100 values a
        request (``CrmRecordStore``)."""
        return _records.find_records(
            self, object_type, property_name, values, properties=properties
        )

    def unique_properties(self, object_type: CrmObjectType) -> frozenset[str]:
        """The names of ``object_type``'s unique-value properties (``CrmRecordStore``): as
        the last read of its definitions (``ensure_properties`` makes one) found them, plus
        those created since — a property's uniqueness never changes — or read now."""
        known = self._unique.get(_type(object_type))
        if known is None:
            self.property_definitions(object_type)
            known = self._unique.get(_type(object_type), frozenset())
        return known

    def update_records(
        self, object_type: CrmObjectType, updates: Sequence[tuple[str, Mapping[str, str]]]
    ) -> list[WriteOutcome]:
        """Batch update by id, one outcome per input (``CrmRecordStore``)."""
        return _records.update_records(self, object_type, updates)

    def archive_records(self, object_type: CrmObjectType, ids: Sequence[str]) -> None:
        """Batch archive (``CrmRecordStore``)."""
        _records.archive_records(self, object_type, ids)

    def associate_records(
        self,
        from_type: CrmObjectType,
        to_type: CrmObjectType,
        pairs: Sequence[tuple[str, str]],
    ) -> list[AssociationOutcome]:
        """Default associations in batches, one outcome per pair (``CrmRecordStore``)."""
        return _records.associate_records(self, from_type, to_type, pairs)

    def dissociate_records(
        self,
        from_type: CrmObjectType,
        to_type: CrmObjectType,
        pairs: Sequence[tuple[str, str]],
    ) -> None:
        """Remove the associations of each pair in batches (``CrmRecordStore``)."""
        if pairs:
            self.batch_dissociate(from_type, to_type, pairs)

    def associated_ids(
        self,
        from_type: CrmObjectType,
        ids: Sequence[str],
        to_type: CrmObjectType,
        *,
        primary: bool = False,
    ) -> dict[str, list[str]]:
        """Associated record ids, 1,000 records per request; ``primary``: only those with
        the pair's primary association type (``CrmRecordStore``)."""
        if not ids:
            return {}
        found = self.batch_read_associations(from_type, ids, to_type)
        wanted = primary_type_id(from_type, to_type) if primary else None
        return {
            k: [a.to_id for a in v if wanted is None or wanted in a.type_ids]
            for k, v in found.items()
        }


def wire_errors(data: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The ``errors[]`` entries of a batch answer (none when absent)."""
    return [e for e in (data or {}).get("errors") or () if isinstance(e, Mapping)]


def _not_linked(pair: tuple[str, str]) -> ApiError:
    return ApiError(
        provider=PROVIDER,
        status_code=None,
        code=None,
        message=f"HubSpot did not report the association {pair[0]} -> {pair[1]} as created",
    )


def _create_input(
    props: Mapping[str, WireValue], associations: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """One ``SimplePublicObjectBatchInputForCreate``: properties and ``associations[]`` (both
    required by the schema; an empty list when there are no links)."""
    return {"properties": wire.properties_body(props), "associations": list(associations)}


def _link_type(to_type: CrmObjectType) -> AssociationType:
    """The HubSpot-defined invoice→``to_type`` association type (from the one table)."""
    return _table_entry(CrmObjectType.INVOICE, to_type)


def _written_invoice(props: Mapping[str, str], record: CrmRecord) -> CrmInvoice:
    """The invoice HubSpot wrote: the properties sent, overlaid with those it answered."""
    merged: dict[str, str | None] = {
        **props,
        **{k: v for k, v in record.properties.items() if v is not None},
    }
    return wire.to_crm_invoice(
        WireObject(id=record.id, properties=merged, updated_at=record.updated_at)
    )


def _with_extra(base: Sequence[str], extra: Sequence[str]) -> tuple[str, ...]:
    """``base`` followed by the names of ``extra`` it lacks, in order, without repeats."""
    return tuple(dict.fromkeys((*base, *extra)))


def trace_id(index: int) -> str:
    """The ``objectWriteTraceId`` of the input at ``index`` of a batch write call (unique
    within the call, deterministic so recorded exchanges replay)."""
    return f"hubqbo-{index}"


def _table_entry(from_type: CrmObjectType, to_type: CrmObjectType) -> AssociationType:
    found = ASSOCIATION_TYPES.get((from_type, to_type))
    if found is None:
        raise ConfigurationError(
            f"no HubSpot-defined association from {from_type.value} to {to_type.value}; "
            "pass type_id="
        )
    return found


def _table_type(from_type: CrmObjectType, to_type: CrmObjectType) -> int:
    return _table_entry(from_type, to_type).type_id


_DEFINED_IDS = frozenset(
    i for t in ASSOCIATION_TYPES.values() for i in (t.type_id, t.primary_type_id) if i is not None
)


def _category(type_id: int) -> str:
    return HUBSPOT_DEFINED if type_id in _DEFINED_IDS else "USER_DEFINED"
