"""``HubSpotSandbox``: an ``httpx.BaseTransport`` that answers as HubSpot's API does.

Why: the demo, our tests and users' own tests need a HubSpot that behaves like the real one
(paths of both version families, JSON envelopes, status codes, error bodies, limits, paging,
throttling, OAuth) without a network or a portal. It is a second, independent reading of the
published API: it never imports ``hubqbo.hubspot``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import logging
import math
import os
import random
import re
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

import attrs
import httpx

from hubqbo.sandbox._common import (
    Clock,
    FaultKind,
    FaultPlan,
    SandboxRequest,
    SystemClock,
    count_matching,
    deprecated,
)
from hubqbo.sandbox._state import read_state, write_state
from hubqbo.sandbox.hubspot._associations import (
    AssociationType,
    association_from,
    default_type,
    types_between,
)
from hubqbo.sandbox.hubspot._errors import ApiError
from hubqbo.sandbox.hubspot._limits import RateLimiter
from hubqbo.sandbox.hubspot._model import ObjectType, format_datetime
from hubqbo.sandbox.hubspot._scopes import missing_scopes
from hubqbo.sandbox.hubspot._search import parse_search, run_search
from hubqbo.sandbox.hubspot._store import PortalStore, Record
from hubqbo.sandbox.hubspot._webhooks import HubSpotWebhooks
from hubqbo.timezones import resolve_time_zone

__all__ = ["HubSpotSandbox", "SandboxRequest"]

logger = logging.getLogger(__name__)

MAX_BATCH_INPUTS = 100
MAX_ASSOCIATION_CREATES = 2000
MAX_ASSOCIATION_READS = 1000
MAX_LIST_LIMIT = 100
MAX_ASSOCIATION_LIST_LIMIT = 500
RECORD_READ_ASSOCIATIONS = 100
"""Associated records per type on a record read before ``paging.next`` (HubSpot changelog,
"Announcing a change to how v3 CRM APIs return association data", in force since 2021-01-18)."""
ACCESS_TOKEN_SECONDS = 1800
MIGRATION_IN_PROGRESS = 477
_DATED = re.compile(r"^\d{4}-\d{2}$")
_JSON = "application/json;charset=utf-8"
_NO_CREDENTIALS = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
    "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


@attrs.define
class Grant:
    """What an OAuth code, refresh or access token was granted for."""

    hub_id: int
    scopes: tuple[str, ...]
    redirect_uri: str
    expires_at: dt.datetime | None = None


class _Call:
    """A parsed request: method, decoded path, multi-valued query, lazy JSON body."""

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.method = request.method.upper()
        self.path = unquote(request.url.path)
        self.segments = [s for s in self.path.split("/") if s]
        self.query: dict[str, list[str]] = {}
        for key, value in parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True):
            self.query.setdefault(key, []).append(value)
        self.content = request.read()

    def json(self) -> Any:
        if not self.content.strip():
            raise ApiError.validation("Invalid input JSON: the request body is empty.")
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise ApiError.validation(
                f"Invalid input JSON on line 1, column {getattr(exc, 'colno', 1)}"
            ) from None

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if not isinstance(body, dict):
            raise ApiError.validation("Invalid input JSON: expected an object.")
        return body

    def names(self, key: str) -> list[str] | None:
        """A list parameter sent repeated (``a=1&a=2``) or comma-joined (``a=1,2``)."""
        if key not in self.query:
            return None
        return [
            part.strip() for value in self.query[key] for part in value.split(",") if part.strip()
        ]

    def flag(self, key: str) -> bool:
        return any(v.strip().lower() == "true" for v in self.query.get(key, []))

    def integer(self, key: str, default: int) -> int:
        values = self.query.get(key)
        if not values or values[-1] == "":
            return default
        try:
            return int(values[-1])
        except ValueError:
            raise ApiError.validation(
                f"Invalid value for query parameter {key}: {values[-1]!r}"
            ) from None

    def text(self, key: str) -> str | None:
        values = self.query.get(key)
        return values[-1] if values else None


_Result = tuple[int, Any]


class HubSpotSandbox(httpx.BaseTransport):
    """An in-memory HubSpot portal behind an ``httpx`` transport.

    Serves ``/crm/v3/objects``, ``/crm/v4`` associations, ``/crm/v3/properties``,
    ``/settings/v3/currencies`` and their dated twins (``/crm/objects/2026-03/...``,
    ``/crm/associations/2026-03/...``, ``/crm/properties/2026-03/...``,
    ``/settings/currencies/2026-03/...``), ``/account-info/v3/details`` and
    ``/oauth/v1/token``. See ``docs/sandbox-hubspot.md`` for what is emulated.

    Example:
        >>> from hubqbo.sandbox import HubSpotSandbox, ManualClock
        >>> sandbox = HubSpotSandbox(clock=ManualClock())
        >>> deal_id = sandbox.create("deals", {"dealname": "Boat", "amount": "1200"})
        >>> client = httpx.Client(transport=sandbox, base_url="https://api.hubapi.com",
        ...                       headers={"Authorization": "Bearer pat-sandbox"})
        >>> client.get(f"/crm/v3/objects/deals/{deal_id}").json()["properties"]["amount"]
        '1200'
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
        portal_id: int = 12345678,
        time_zone: str = "US/Eastern",
        company_currency: str = "USD",
        additional_currencies: Sequence[str] = (),
        rate_limit_per_ten_seconds: int = 100,
        daily_limit: int = 250_000,
        search_per_second: int = 5,
        enforce_rate_limits: bool = True,
        access_tokens: Iterable[str] | None = None,
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",  # noqa: S107 - a fake app's secret
        rotate_refresh_tokens: bool = True,
        seed: int = 0,
        app_id: int = 1234567,
        strict_unique_properties: bool = False,
        token_scopes: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.faults = faults or FaultPlan.none()
        self._partial_fault = False  # the request being answered got FaultKind.PARTIAL_BATCH
        self.store = PortalStore(
            self.clock,
            portal_id=portal_id,
            time_zone=time_zone,
            company_currency=company_currency,
            additional_currencies=additional_currencies,
        )
        self.store.strict_unique = strict_unique_properties
        self.limits = RateLimiter(
            self.clock,
            per_ten_seconds=rate_limit_per_ten_seconds,
            daily=daily_limit,
            search_per_second=search_per_second,
            time_zone=time_zone,
            enabled=enforce_rate_limits,
        )
        self.requests: list[SandboxRequest] = []
        self._static_tokens = None if access_tokens is None else frozenset(access_tokens)
        self._token_scopes = {t: frozenset(s) for t, s in (token_scopes or {}).items()}
        self._client_id = client_id
        self._client_secret = client_secret
        self._app_id = app_id
        self._rotate = rotate_refresh_tokens
        self._codes: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}
        self._access: dict[str, Grant] = {}
        self._random = random.Random(seed)  # noqa: S311 - ids for a fake service, not secrets
        self._version = 0  # bumped by every write, so cached search results never go stale
        self._search_cache: dict[Any, list[str]] = {}
        self._lock = threading.RLock()
        self.webhooks = HubSpotWebhooks(
            self.clock,
            portal_id=lambda: self.store.portal_id,
            client_secret=lambda: self._client_secret,
            app_id=lambda: self._app_id,
        )
        """Webhook subscriptions and deliveries (``webhooks.subscribe(...)``, ``deliver()``)."""
        self.store.listener = self.webhooks.record

    def __repr__(self) -> str:
        return f"HubSpotSandbox(portal_id={self.store.portal_id})"

    # ================================================================== saved state

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the whole portal (records, properties, associations, unique values, settings,
        issued tokens, the day's request budget) to a JSON file, atomically. Not saved: the
        clock, the fault plan, the request log.

        Example:
            >>> import tempfile, pathlib
            >>> from hubqbo.sandbox import ManualClock
            >>> sandbox = HubSpotSandbox(clock=ManualClock())
            >>> deal = sandbox.create("deals", {"dealname": "Boat"})
            >>> path = pathlib.Path(tempfile.mkdtemp()) / "hubspot.json"
            >>> sandbox.save(path)
            >>> HubSpotSandbox.load(path).get("deals", deal)["properties"]["dealname"]
            'Boat'
        """
        from hubqbo.sandbox.hubspot._persist import STATE_FORMAT, STATE_VERSION, portal_state

        with self._lock:
            write_state(path, STATE_FORMAT, STATE_VERSION, portal_state(self))

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
    ) -> HubSpotSandbox:
        """A sandbox holding the portal ``save`` wrote (raises ``SandboxStateError`` for a file
        that is not one)."""
        from hubqbo.sandbox.hubspot._persist import STATE_FORMAT, STATE_VERSION, restore_portal

        state = read_state(path, STATE_FORMAT, STATE_VERSION)
        sandbox = cls(clock=clock, faults=faults)
        restore_portal(sandbox, state)
        return sandbox

    # ================================================================== transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (faults, auth, rate limits, then the operation)."""
        with self._lock:
            call = _Call(request)
            if not _is_read(call):
                self._version += 1
            fault = self.faults.next_fault(call.method, call.path)
            reset = False
            if fault is not None:
                if fault.kind is FaultKind.TIMEOUT:
                    self.requests.append(SandboxRequest(call.method, call.path, 0))
                    raise httpx.ReadTimeout("sandbox: injected read timeout", request=request)
                if fault.kind is FaultKind.RESET_AFTER_APPLY:
                    reset = True
                elif fault.kind is FaultKind.PARTIAL_BATCH:
                    self._partial_fault = True
                else:
                    injected = self._fault_response(fault.kind, fault.status, fault.retry_after)
                    if injected is not None:
                        return self._finish(call, injected)
            try:
                response = self._answer(call)
            finally:
                self._partial_fault = False
            if reset:
                self.requests.append(SandboxRequest(call.method, call.path, response.status_code))
                raise httpx.RemoteProtocolError(
                    "sandbox: connection reset after the request was applied"
                )
            return self._finish(call, response)

    def _finish(self, call: _Call, response: httpx.Response) -> httpx.Response:
        self.requests.append(SandboxRequest(call.method, call.path, response.status_code))
        logger.debug("sandbox %s %s -> %s", call.method, call.path, response.status_code)
        response.request = call.request
        return response

    def _correlation_id(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def _json(
        self, status: int, body: Any, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        if body is None:  # 204: no body, no content type
            return httpx.Response(status, headers=dict(headers or {}))
        all_headers = {"Content-Type": _JSON, **(headers or {})}
        return httpx.Response(status, headers=all_headers, content=json.dumps(body).encode())

    def _error(self, error: ApiError, headers: Mapping[str, str] | None = None) -> httpx.Response:
        body = dict(error.body)
        body.setdefault("correlationId", self._correlation_id())
        if error.status == 429:
            body.setdefault("requestId", self._correlation_id())
        return self._json(error.status, body, {**error.headers, **(headers or {})})

    def _fault_response(
        self, kind: FaultKind, status: int | None, retry_after: float | None
    ) -> httpx.Response | None:
        headers = {} if retry_after is None else {"Retry-After": str(math.ceil(retry_after))}
        if kind is FaultKind.RATE_LIMIT:
            body = {
                "status": "error",
                "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT",
                "policyName": "TEN_SECONDLY_ROLLING",
            }
            return self._error(ApiError(429, body["message"], "RATE_LIMIT", body=body), headers)
        if kind is FaultKind.MIGRATION_IN_PROGRESS or (
            kind is FaultKind.SERVER_ERROR and status == MIGRATION_IN_PROGRESS
        ):
            return self._error(_migration_in_progress(), headers)
        if kind is FaultKind.LOCKED:
            return self._error(
                ApiError(423, "The resource is locked; retry in at least 2 seconds.", "LOCKED"),
                headers,
            )
        if kind is FaultKind.SERVER_ERROR:
            code = status or 500
            return self._error(ApiError(code, "internal error", "INTERNAL_ERROR"), headers)
        return None  # STALE has no HubSpot equivalent: the request goes through

    def _answer(self, call: _Call) -> httpx.Response:
        segs = call.segments
        try:
            if (
                len(segs) == 3
                and segs[0] == "oauth"
                and segs[2] == "token"
                and call.method == "POST"
            ):
                return self._json(200, self._oauth_token(call))
            is_oauth, scopes = self._authenticate(call)
            if scopes is not None:
                self._check_scopes(call, scopes)
            headers = self._count(call, is_oauth)
        except ApiError as error:
            return self._error(error)
        try:
            status, body = self._route(call)
        except ApiError as error:
            return self._error(error, headers)
        return self._json(status, body, headers)

    def _check_scopes(self, call: _Call, scopes: frozenset[str]) -> None:
        """403 ``MISSING_SCOPES`` (the body HubSpot sends) unless the token holds a scope of
        each need of this request (``_scopes``)."""
        missing = missing_scopes(scopes, call.method, call.segments)
        if missing:
            message = (
                "This app hasn't been granted all required scopes to make this call. Read more "
                "about required scopes here: https://developers.hubspot.com/scopes."
            )
            body = {
                "status": "error",
                "message": message,
                "errors": [
                    {
                        "message": "One or more of the following scopes are required.",
                        "context": {"requiredGranularScopes": missing},
                    }
                ],
                "links": {"scopes": "https://developers.hubspot.com/scopes"},
                "category": "MISSING_SCOPES",
            }
            raise ApiError(403, message, "MISSING_SCOPES", body=body)

    def _authenticate(self, call: _Call) -> tuple[bool, frozenset[str] | None]:
        """(issued by the OAuth endpoint?, the token's scopes or None for every scope)."""
        header = call.request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(
                401,
                _NO_CREDENTIALS,
                "INVALID_AUTHENTICATION",
            )
        grant = self._access.get(token)
        if grant is not None:
            assert grant.expires_at is not None
            late = (self.clock.now() - grant.expires_at).total_seconds()
            if late >= 0:
                raise ApiError(
                    401,
                    f"The OAuth token used to make this call expired {int(late)} second(s) ago.",
                    "EXPIRED_AUTHENTICATION",
                )
            return True, frozenset(grant.scopes)
        scoped = self._token_scopes.get(token)
        if scoped is not None:
            return False, scoped
        if self._static_tokens is not None and token not in self._static_tokens:
            raise ApiError(
                401,
                _NO_CREDENTIALS,
                "INVALID_AUTHENTICATION",
            )
        return False, None

    def _count(self, call: _Call, is_oauth: bool) -> dict[str, str]:
        segs = call.segments
        if call.method == "POST" and segs[-1:] == ["search"]:
            self.limits.take_search()
            return {}
        association_batch = "batch" in segs and (
            segs[:3] == ["crm", "v4", "associations"] or segs[:2] == ["crm", "associations"]
        )
        if association_batch:
            self.limits.take_exempt()
            return {}
        return self.limits.take(oauth=is_oauth)

    def _route(self, call: _Call) -> _Result:
        segs = call.segments
        if len(segs) >= 4 and segs[0] == "crm":
            family, version = segs[1], segs[2]
            if family == "v3" and version == "objects":
                return self._objects(call, segs[3:])
            if family == "objects" and _DATED.match(version):
                return self._objects(call, segs[3:])
            if (
                family == "v4"
                and version == "objects"
                and len(segs) >= 6
                and segs[5] == "associations"
            ):
                return self._objects(call, segs[3:])
            if (family == "v4" and version == "associations") or (
                family == "associations" and _DATED.match(version)
            ):
                return self._association_batch(call, segs[3:])
            if (family == "v3" and version == "properties") or (
                family == "properties" and _DATED.match(version)
            ):
                return self._properties(call, segs[3:])
        if segs in (["settings", "v3", "currencies", "company-currency"],) or (
            len(segs) == 4
            and segs[:2] == ["settings", "currencies"]
            and _DATED.match(segs[2])
            and segs[3] == "company-currency"
        ):
            return self._company_currency(call)
        account = len(segs) == 3 and segs[0] == "account-info" and segs[2] == "details"
        if account and call.method == "GET" and (segs[1] == "v3" or _DATED.match(segs[1])):
            return 200, self._account_details()
        raise ApiError(404, f"No route for {call.method} {call.path}", "OBJECT_NOT_FOUND")

    # ================================================================== records

    def _objects(self, call: _Call, rest: list[str]) -> _Result:
        kind = self.store.kind(rest[0])
        tail = rest[1:]
        m = call.method
        if not tail:
            if m == "GET":
                return 200, self._list(call, kind)
            if m == "POST":
                return 201, self._create_one(call, kind)
        elif tail == ["search"] and m == "POST":
            return 200, self._search(call, kind)
        elif tail == ["merge"] and m == "POST":
            return 200, self._merge(call, kind)
        elif tail == ["gdpr-delete"] and m == "POST" and kind.name == "contacts":
            body = call.json_object()
            record = self.store.find(
                kind.name, str(body.get("objectId", "")), body.get("idProperty")
            )
            if record is None:
                record = self.store.find(
                    kind.name, str(body.get("objectId", "")), body.get("idProperty"), archived=True
                )
            if record is None:
                raise ApiError.not_found(str(body.get("objectId", "")))
            self.store.purge(kind.name, record)
            return 204, None
        elif len(tail) == 2 and tail[0] == "batch" and m == "POST":
            return self._batch(call, kind, tail[1])
        elif len(tail) == 1:
            if m == "GET":
                return 200, self._get_one(call, kind, tail[0])
            if m == "PATCH":
                return 200, self._patch_one(call, kind, tail[0])
            if m == "DELETE":
                record = self.store.find(kind.name, tail[0], call.text("idProperty"))
                if record is not None:
                    self.store.archive(kind.name, record)
                return 204, None
        elif len(tail) >= 3 and tail[1] == "associations":
            return self._record_associations(call, kind, tail[0], tail[2:])
        raise ApiError(405, f"{m} is not supported on {call.path}", "VALIDATION_ERROR")

    def _render(
        self,
        record: Record,
        properties: Sequence[str] | None,
        *,
        history: Sequence[str] | None = None,
        associations: Sequence[str] | None = None,
        all_set: bool = False,
        origin: str = "https://api.hubapi.com",
    ) -> dict[str, Any]:
        self.store.derive(record)
        definitions = self.store.definitions(record.kind.name)
        if all_set:
            props: dict[str, str | None] = dict(record.properties)
        else:
            names = record.kind.default_properties if properties is None else properties
            props = {n: record.properties.get(n) for n in names if n in definitions}
            for always in (
                "hs_object_id",
                record.kind.created_property,
                record.kind.modified_property,
            ):
                props[always] = record.properties.get(always)  # HubSpot always sends these
        body: dict[str, Any] = {
            "id": record.id,
            "properties": props,
            "createdAt": format_datetime(record.created_at),
            "updatedAt": format_datetime(record.updated_at),
            "archived": record.archived,
        }
        if record.archived_at is not None:
            body["archivedAt"] = format_datetime(record.archived_at)
        if history:
            body["propertiesWithHistory"] = {
                n: [
                    {
                        "value": v,
                        "timestamp": format_datetime(t),
                        "sourceType": "API",
                        "sourceId": "sandbox",
                    }
                    for v, t in record.history.get(n, [])
                ]
                for n in history
                if n in definitions
            }
        if associations:
            linked: dict[str, Any] = {}
            for name in associations:
                to_kind = self.store.kind(name)
                collection = self._associated_ids(record, to_kind, origin)
                if collection is not None:
                    linked[to_kind.name] = collection
            if linked:
                body["associations"] = linked
        return body

    def _associated_ids(
        self, record: Record, to_kind: ObjectType, origin: str
    ) -> dict[str, Any] | None:
        """One ``CollectionResponseAssociatedId`` of a record read: the first
        ``RECORD_READ_ASSOCIATIONS`` associated records (each with one ``{id, type}`` per
        association type) and, when there are more, ``paging.next`` whose ``after`` continues
        the v4 association list of that record (``link``)."""
        pairs = list(self.store.associations.linked(record.kind.name, record.id, to_kind.name))
        if not pairs:
            return None
        page = pairs[:RECORD_READ_ASSOCIATIONS]
        collection: dict[str, Any] = {
            "results": [
                {"id": to_id, "type": _v3_type_name(record.kind, to_kind, t)}
                for to_id, types in page
                for t in types
            ]
        }
        if len(pairs) > len(page):
            after = str(len(page))
            link = (
                f"{origin}/crm/v4/objects/{record.kind.name}/{record.id}/associations/"
                f"{to_kind.name}?after={after}"
            )
            collection["paging"] = {"next": {"after": after, "link": link}}
        return collection

    def _list(self, call: _Call, kind: ObjectType) -> dict[str, Any]:
        limit = min(max(call.integer("limit", 10), 1), MAX_LIST_LIMIT)
        after = call.text("after")
        archived = call.flag("archived")
        stored = self.store.records[kind.name]  # insertion order is id order
        ids = list(stored)
        start = 0
        if after:
            if not after.isdigit():
                raise ApiError.validation(f"Invalid paging cursor after={after!r}.")
            start = bisect.bisect_left(ids, int(after), key=int)
        records: list[Record] = []
        for record_id in itertools.islice(ids, start, None):
            record = stored[record_id]
            if record.archived == archived:
                records.append(record)
                if len(records) > limit:
                    break
        page = records[:limit]
        body: dict[str, Any] = {
            "results": [
                self._render(
                    r,
                    call.names("properties"),
                    history=call.names("propertiesWithHistory"),
                    associations=call.names("associations"),
                    origin=_origin(call),
                )
                for r in page
            ]
        }
        if len(records) > limit:
            cursor = records[limit].id
            link = call.request.url.copy_merge_params({"after": cursor})
            body["paging"] = {"next": {"after": cursor, "link": str(link)}}
        return body

    def _get_one(self, call: _Call, kind: ObjectType, object_id: str) -> dict[str, Any]:
        record = self.store.find(
            kind.name, object_id, call.text("idProperty"), archived=call.flag("archived")
        )
        if record is None:
            raise ApiError.not_found(object_id)
        return self._render(
            record,
            call.names("properties"),
            history=call.names("propertiesWithHistory"),
            associations=call.names("associations"),
            origin=_origin(call),
        )

    def _create_associations(
        self, kind: ObjectType, raw: Any
    ) -> list[tuple[str, str, AssociationType]]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise ApiError.validation("associations must be an array.")
        links: list[tuple[str, str, AssociationType]] = []
        for item in raw:
            to_id = str((item.get("to") or {}).get("id", "")) if isinstance(item, dict) else ""
            types = item.get("types") if isinstance(item, dict) else None
            if not to_id or not isinstance(types, list) or not types:
                raise ApiError.validation("Each association needs to.id and at least one type.")
            for spec in types:
                category = (
                    str(spec.get("associationCategory", "")).upper()
                    if isinstance(spec, dict)
                    else ""
                )
                type_id = spec.get("associationTypeId") if isinstance(spec, dict) else None
                found = (
                    association_from(kind.name, int(type_id), category)
                    if isinstance(type_id, int)
                    else None
                )
                if found is None:
                    raise ApiError.validation(
                        f"{category} {type_id} is not a valid association type from {kind.label}.",
                        context={"associationTypeId": [str(type_id)]},
                    )
                links.append((found.to_type, to_id, found))
        return links

    def _create_one(self, call: _Call, kind: ObjectType) -> dict[str, Any]:
        body = call.json_object()
        links = self._create_associations(kind, body.get("associations"))
        record = self.store.create(kind.name, body.get("properties") or {}, links)
        return self._render(record, None, all_set=True)

    def _merge(self, call: _Call, kind: ObjectType) -> dict[str, Any]:
        body = call.json_object()
        primary_id, merged_id = body.get("primaryObjectId"), body.get("objectIdToMerge")
        if not primary_id or not merged_id:
            raise ApiError.validation("primaryObjectId and objectIdToMerge are required.")
        primary = self.store.get(kind.name, str(primary_id))
        merged = self.store.get(kind.name, str(merged_id))
        return self._render(self.store.merge(kind.name, primary, merged), None, all_set=True)

    def _patch_one(self, call: _Call, kind: ObjectType, object_id: str) -> dict[str, Any]:
        body = call.json_object()
        record = self.store.find(kind.name, object_id, call.text("idProperty"))
        if record is None:
            raise ApiError.not_found(object_id)
        self.store.update(kind.name, record, body.get("properties") or {})
        return self._render(record, None, all_set=True)

    # ------------------------------------------------------------------ search

    def _search(self, call: _Call, kind: ObjectType) -> dict[str, Any]:
        definitions = self.store.definitions(kind.name)
        request = parse_search(call.json(), definitions)
        stored = self.store.records[kind.name]  # insertion order is id order
        cache_key = (self._version, kind.name, attrs.evolve(request, after=0, limit=0))
        cached = self._search_cache.get(cache_key)
        if cached is not None:  # paging through one query: evaluate it once per portal state
            total, page = len(cached), cached[request.after : request.after + request.limit]
            return self._search_page(stored, request, total, page)
        live = [(r.id, r.properties) for r in stored.values() if not r.archived]

        def associated(record_id: str, to_type: str, to_id: str) -> bool:
            target = self.store.kind(to_type)
            return bool(self.store.associations.types(kind.name, record_id, target.name, to_id))

        if kind.name in {"quotes", "invoices"}:  # their totals follow their line items
            for record_id, _ in live:
                self.store.derive(stored[record_id])
        matched = run_search(
            attrs.evolve(request, after=0, limit=len(live)),
            live,
            definitions,
            associated,
            kind.query_properties,
        )[1]
        self._search_cache = {cache_key: matched}
        page = matched[request.after : request.after + request.limit]
        return self._search_page(stored, request, len(matched), page)

    def _search_page(
        self, stored: Mapping[str, Record], request: Any, total: int, ids: Sequence[str]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "total": total,
            "results": [self._render(stored[i], request.properties) for i in ids],
        }
        next_after = request.after + request.limit
        if next_after < total:
            body["paging"] = {"next": {"after": str(next_after)}}
        return body

    # ------------------------------------------------------------------ batches

    def _inputs(self, body: Mapping[str, Any], limit: int = MAX_BATCH_INPUTS) -> list[Any]:
        inputs = body.get("inputs")
        if not isinstance(inputs, list):
            raise ApiError.validation("inputs must be an array.")
        if len(inputs) > limit:
            raise ApiError.validation(
                f"Batch input limit exceeded: {len(inputs)} inputs were sent, "
                f"at most {limit} are allowed.",
                context={"inputs": [str(len(inputs))]},
            )
        return inputs

    def _batch_envelope(
        self, started: dt.datetime, results: list[Any], errors: list[Any]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": format_datetime(started),
            "completedAt": format_datetime(self.clock.now()),
        }
        if errors:
            body["numErrors"] = len(errors)
            body["errors"] = errors
        return body

    def _batch(self, call: _Call, kind: ObjectType, operation: str) -> _Result:
        body = call.json_object()
        started = self.clock.now()
        if operation == "read":
            return self._batch_read(call, kind, body, started)
        inputs = self._inputs(body)
        if operation == "archive":
            for item in inputs:
                record = self.store.find(kind.name, str(_id_of(item)), None)
                if record is not None:
                    self.store.archive(kind.name, record)
            return 204, None
        if operation not in {"create", "update", "upsert"}:
            raise ApiError(404, f"No route for {call.method} {call.path}", "OBJECT_NOT_FOUND")
        if operation in {"update", "upsert"}:
            all_ids = [str(_id_of(i)) for i in inputs]
            duplicates = sorted({i for i in all_ids if all_ids.count(i) > 1})
            if duplicates:
                raise ApiError.validation(
                    f"Duplicate IDs found in batch input: {duplicates}. IDs must be unique",
                    context={"ids": duplicates},
                )
        traces = [
            item.get("objectWriteTraceId") if isinstance(item, dict) else None for item in inputs
        ]
        partial = all(isinstance(t, str) and t for t in traces) and len(set(traces)) == len(traces)
        if not partial:  # all or nothing: refuse the batch before writing any of it
            for item in inputs:
                self._check_batch_input(call, kind, operation, item)
        results: list[Any] = []
        errors: list[Any] = []
        failing = len(inputs) // 2 if partial and self._partial_fault else len(inputs)
        for index, (item, trace) in enumerate(zip(inputs, traces, strict=True)):
            try:
                if not isinstance(item, dict):
                    raise ApiError.validation("Each input must be an object.")
                if index >= failing:  # an injected partial failure (FaultKind.PARTIAL_BATCH)
                    raise ApiError(500, "internal error", "INTERNAL_ERROR")
                result = self._batch_one(call, kind, operation, item)
            except ApiError as error:
                if not partial:
                    raise
                errors.append(
                    error.batch_entry(
                        str(trace), ids=[str(item.get("id"))] if item.get("id") else []
                    )
                )
                continue
            if trace:
                result["objectWriteTraceId"] = str(trace)
            results.append(result)
        status = {"create": 201, "update": 200, "upsert": 200}[operation]
        return (207 if errors else status), self._batch_envelope(started, results, errors)

    def _check_batch_input(self, call: _Call, kind: ObjectType, operation: str, item: Any) -> None:
        """The checks ``_batch_one`` makes, without writing anything."""
        if not isinstance(item, dict) or not isinstance(item.get("properties"), dict):
            raise ApiError.validation("Each input needs a properties object.")
        properties = item["properties"]
        if operation == "create":
            self._create_associations(kind, item.get("associations"))
            self.store.check_create(kind.name, properties)
            return
        id_property = item.get("idProperty") or call.text("idProperty")
        if operation == "upsert" and not id_property:
            raise ApiError.validation("Upsert inputs need an idProperty naming a unique property.")
        record = self.store.find(kind.name, str(_id_of(item)), id_property)
        if record is None and operation == "update":
            raise ApiError.not_found(str(_id_of(item)))
        if record is None:
            self.store.check_create(kind.name, {**properties, str(id_property): str(_id_of(item))})
        else:
            self.store.validate(kind.name, properties, record)

    def _batch_one(
        self, call: _Call, kind: ObjectType, operation: str, item: dict[str, Any]
    ) -> dict[str, Any]:
        properties = item.get("properties")
        if not isinstance(properties, dict):
            raise ApiError.validation("Each input needs a properties object.")
        if operation == "create":
            links = self._create_associations(kind, item.get("associations"))
            return self._render(self.store.create(kind.name, properties, links), None, all_set=True)
        object_id = str(_id_of(item))
        id_property = item.get("idProperty") or call.text("idProperty")
        if operation == "update":
            record = self.store.find(kind.name, object_id, id_property)
            if record is None:
                raise ApiError.not_found(object_id)
            self.store.update(kind.name, record, properties)
            return self._render(record, None, all_set=True)
        if not id_property:
            raise ApiError.validation("Upsert inputs need an idProperty naming a unique property.")
        record = self.store.find(kind.name, object_id, id_property)
        if record is None:
            created = self.store.create(kind.name, {**properties, id_property: object_id})
            return {**self._render(created, None, all_set=True), "new": True}
        self.store.update(kind.name, record, properties)
        return {**self._render(record, None, all_set=True), "new": False}

    def _batch_read(
        self, call: _Call, kind: ObjectType, body: Mapping[str, Any], started: dt.datetime
    ) -> _Result:
        inputs = self._inputs(body)
        id_property = body.get("idProperty")
        properties = body.get("properties")
        names = (
            [str(p) for p in properties] if isinstance(properties, list) and properties else None
        )
        history = body.get("propertiesWithHistory")
        history_names = [str(p) for p in history] if isinstance(history, list) else None
        archived = call.flag("archived")
        results: list[Any] = []
        missing: list[str] = []
        for item in inputs:
            object_id = str(_id_of(item))
            record = self.store.find(kind.name, object_id, id_property, archived=archived)
            if record is None:
                missing.append(object_id)
            else:
                results.append(self._render(record, names, history=history_names))
        errors = []
        if missing:
            error = ApiError(
                404,
                f"Could not get some {kind.label} objects, they may be deleted or not exist. "
                "Check that ids are valid.",
                "OBJECT_NOT_FOUND",
            )
            errors.append(error.batch_entry(ids=missing))
        return (207 if errors else 200), self._batch_envelope(started, results, errors)

    # ================================================================== associations

    def _labels_pair(
        self, from_kind: ObjectType, from_id: str, to_kind: ObjectType, to_id: str
    ) -> dict[str, Any]:
        types = self.store.associations.types(from_kind.name, from_id, to_kind.name, to_id)
        return {
            "fromObjectTypeId": from_kind.type_id,
            "fromObjectId": from_id,
            "toObjectTypeId": to_kind.type_id,
            "toObjectId": to_id,
            "labels": [t.label for t in types if t.label],
        }

    def _default_link(
        self, from_kind: ObjectType, from_id: str, to_kind: ObjectType, to_id: str
    ) -> list[Any]:
        kind = default_type(from_kind.name, to_kind.name)
        if kind is None:
            raise ApiError.validation(
                f"There is no default association between {from_kind.label} and {to_kind.label}."
            )
        self.store.associate(from_kind.name, from_id, to_kind.name, to_id, kind)
        spec = {"associationCategory": kind.category, "associationTypeId": kind.type_id}
        back = {"associationCategory": kind.category, "associationTypeId": kind.inverse_id}
        return [
            {"from": {"id": from_id}, "to": {"id": to_id}, "associationSpec": spec},
            {"from": {"id": to_id}, "to": {"id": from_id}, "associationSpec": back},
        ]

    def _record_associations(
        self, call: _Call, kind: ObjectType, object_id: str, tail: list[str]
    ) -> _Result:
        m = call.method
        if len(tail) == 3 and tail[0] == "default" and m == "PUT":
            to_kind = self.store.kind(tail[1])
            started = self.clock.now()
            results = self._default_link(kind, object_id, to_kind, tail[2])
            return 200, self._batch_envelope(started, results, [])
        to_kind = self.store.kind(tail[0])
        if len(tail) == 1 and m == "GET":
            self.store.get(kind.name, object_id)
            limit = min(
                max(call.integer("limit", MAX_ASSOCIATION_LIST_LIMIT), 1),
                MAX_ASSOCIATION_LIST_LIMIT,
            )
            offset = call.integer("after", 0)
            linked = list(self.store.associations.linked(kind.name, object_id, to_kind.name))
            page = linked[offset : offset + limit]
            body: dict[str, Any] = {
                "results": [
                    {"toObjectId": to_id, "associationTypes": [_type_with_label(t) for t in types]}
                    for to_id, types in page
                ]
            }
            if offset + limit < len(linked):
                body["paging"] = {"next": {"after": str(offset + limit)}}
            return 200, body
        if len(tail) == 2 and m == "PUT":
            specs = call.json()
            if not isinstance(specs, list) or not specs:
                raise ApiError.validation(
                    "The body must be a non-empty array of association types."
                )
            kinds = [self.store.association_for(kind.name, to_kind.name, s) for s in specs]
            self.store.get(kind.name, object_id)
            self.store.get(to_kind.name, tail[1])
            labelled = {
                t.type_id for t in types_between(kind.name, to_kind.name) if not t.is_default
            }
            self.store.associations.remove(kind.name, object_id, to_kind.name, tail[1], labelled)
            default = default_type(kind.name, to_kind.name)
            for association in [*kinds, *([default] if default is not None else [])]:
                self.store.associate(kind.name, object_id, to_kind.name, tail[1], association)
            return 201, self._labels_pair(kind, object_id, to_kind, tail[1])
        if len(tail) == 2 and m == "DELETE":
            self.store.unlink(kind.name, object_id, to_kind.name, tail[1])
            return 204, None
        raise ApiError(405, f"{m} is not supported on {call.path}", "VALIDATION_ERROR")

    def _association_batch(self, call: _Call, rest: list[str]) -> _Result:
        if len(rest) < 4 or rest[2] != "batch" or call.method != "POST":
            raise ApiError(404, f"No route for {call.method} {call.path}", "OBJECT_NOT_FOUND")
        from_kind, to_kind = self.store.kind(rest[0]), self.store.kind(rest[1])
        operation = "/".join(rest[3:])
        body = call.json_object()
        started = self.clock.now()
        limit = MAX_ASSOCIATION_READS if operation == "read" else MAX_ASSOCIATION_CREATES
        inputs = self._inputs(body, limit)
        results: list[Any] = []
        errors: list[Any] = []
        if operation == "read":
            for item in inputs:
                from_id = str(_id_of(item))
                linked = list(self.store.associations.linked(from_kind.name, from_id, to_kind.name))
                if not linked:
                    error = ApiError(
                        404,
                        f"No {to_kind.singular} is associated with {from_kind.singular} {from_id}.",
                        "OBJECT_NOT_FOUND",
                    )
                    errors.append(error.batch_entry(ids=[from_id]))
                    continue
                results.append(
                    {
                        "from": {"id": from_id},
                        "to": [
                            {
                                "toObjectId": to_id,
                                "associationTypes": [_type_with_label(t) for t in types],
                            }
                            for to_id, types in linked
                        ],
                    }
                )
            return (207 if errors else 200), self._batch_envelope(started, results, errors)
        for item in inputs:
            if not isinstance(item, dict):
                raise ApiError.validation("Each input must be an object.")
            from_id = str((item.get("from") or {}).get("id", ""))
            try:
                if operation == "create":
                    to_id = str((item.get("to") or {}).get("id", ""))
                    kinds = [
                        self.store.association_for(from_kind.name, to_kind.name, s)
                        for s in item.get("types") or []
                    ]
                    if not kinds:
                        raise ApiError.validation("Each input needs at least one association type.")
                    for association in kinds:
                        self.store.associate(
                            from_kind.name, from_id, to_kind.name, to_id, association
                        )
                    results.append(self._labels_pair(from_kind, from_id, to_kind, to_id))
                elif operation == "associate/default":
                    to_id = str((item.get("to") or {}).get("id", ""))
                    results.extend(self._default_link(from_kind, from_id, to_kind, to_id))
                elif operation == "archive":
                    for target in item.get("to") or []:
                        self.store.unlink(
                            from_kind.name, from_id, to_kind.name, str(_id_of(target))
                        )
                elif operation == "labels/archive":
                    to_id = str((item.get("to") or {}).get("id", ""))
                    kinds = [
                        self.store.association_for(from_kind.name, to_kind.name, s)
                        for s in item.get("types") or []
                    ]
                    self.store.unlink(
                        from_kind.name, from_id, to_kind.name, to_id, {k.type_id for k in kinds}
                    )
                else:
                    raise ApiError(
                        404, f"No route for {call.method} {call.path}", "OBJECT_NOT_FOUND"
                    )
            except ApiError as error:
                if error.status == 404 and "No route" in error.message:
                    raise
                errors.append(error.batch_entry(ids=[from_id]))
        if operation in {"archive", "labels/archive"}:
            if call.segments[1] == "associations":  # dated versions answer 200 with a batch body
                return 200, self._batch_envelope(started, [], errors)
            return 204, None
        if errors and not results:
            first = errors[0]
            raise ApiError(
                400 if first["category"] == "VALIDATION_ERROR" else 404,
                first["message"],
                first["category"],
                context=first["context"],
            )
        success = 201 if operation == "create" else 200
        return (207 if errors else success), self._batch_envelope(started, results, errors)

    # ================================================================== properties

    def _property_not_found(self, kind: ObjectType, name: str) -> ApiError:
        return ApiError(
            404,
            f"Unable to find property {name} for {kind.label.lower()}",
            "OBJECT_NOT_FOUND",
            context={"propertyName": [name]},
        )

    def _properties(self, call: _Call, rest: list[str]) -> _Result:
        kind = self.store.kind(rest[0])
        tail = rest[1:]
        m = call.method
        stamp = format_datetime(self.store.currency_created_at)
        defs = self.store.properties[kind.name]
        if not tail:
            if m == "GET":
                archived = call.flag("archived")
                return 200, {
                    "results": [p.to_wire(stamp) for p in defs.values() if p.archived == archived]
                }
            if m == "POST":
                return 201, self.store.create_property(kind.name, call.json_object()).to_wire(stamp)
        elif tail[0] == "groups":
            groups = self.store.groups[kind.name]
            if len(tail) == 1 and m == "GET":
                return 200, {"results": [g.to_wire() for g in groups.values() if not g.archived]}
            if len(tail) == 1 and m == "POST":
                return 201, self.store.create_group(kind.name, call.json_object()).to_wire()
            if len(tail) == 2:
                group = groups.get(tail[1])
                if group is None or group.archived:
                    raise ApiError(
                        404, f"Unable to find property group {tail[1]}", "OBJECT_NOT_FOUND"
                    )
                if m == "GET":
                    return 200, group.to_wire()
                if m == "PATCH":
                    patch = call.json_object()
                    updated = attrs.evolve(
                        group,
                        label=str(patch.get("label", group.label)),
                        display_order=int(patch.get("displayOrder", group.display_order)),
                    )
                    groups[tail[1]] = updated
                    return 200, updated.to_wire()
                if m == "DELETE":
                    groups[tail[1]] = attrs.evolve(group, archived=True)
                    return 204, None
        elif tail[0] == "batch" and len(tail) == 2 and m == "POST":
            body = call.json_object()
            inputs = self._inputs(body, 1000)
            started = self.clock.now()
            if tail[1] == "read":
                names = [str(_name_of(i)) for i in inputs]
                found = [
                    defs[n].to_wire(stamp) for n in names if n in defs and not defs[n].archived
                ]
                missing = [n for n in names if n not in defs or defs[n].archived]
                errors = [self._property_not_found(kind, n).batch_entry() for n in missing]
                return (207 if errors else 200), self._batch_envelope(started, found, errors)
            if tail[1] == "create":
                results: list[Any] = []
                errors = []
                for item in inputs:
                    try:
                        results.append(self.store.create_property(kind.name, item).to_wire(stamp))
                    except ApiError as error:
                        errors.append(error.batch_entry(ids=[str(_name_of(item))]))
                return (207 if errors else 201), self._batch_envelope(started, results, errors)
            if tail[1] == "archive":
                for item in inputs:
                    name = str(_name_of(item))
                    if name in defs and not defs[name].archived:
                        self.store.archive_property(kind.name, name)
                return 204, None
        elif len(tail) == 1:
            name = tail[0]
            if m == "GET":
                definition = defs.get(name)
                if definition is None or definition.archived != call.flag("archived"):
                    raise self._property_not_found(kind, name)
                return 200, definition.to_wire(stamp)
            if m == "PATCH":
                return 200, self.store.update_property(kind.name, name, call.json_object()).to_wire(
                    stamp
                )
            if m == "DELETE":
                self.store.archive_property(kind.name, name)
                return 204, None
        raise ApiError(405, f"{m} is not supported on {call.path}", "VALIDATION_ERROR")

    # ================================================================== settings, account, OAuth

    def _company_currency(self, call: _Call) -> _Result:
        if call.method == "PUT":
            code = call.json_object().get("currencyCode")
            if (
                not isinstance(code, str)
                or len(code) != 3
                or not code.isalpha()
                or not code.isupper()
            ):
                raise ApiError.validation(f"Invalid currency code {code!r}.")
            self.store.company_currency = code
            self.store.currency_created_at = self.clock.now()
        elif call.method != "GET":
            raise ApiError(
                405, f"{call.method} is not supported on {call.path}", "VALIDATION_ERROR"
            )
        return 200, {
            "id": self.store.company_currency,
            "createdAt": format_datetime(self.store.currency_created_at),
        }

    def _account_details(self) -> dict[str, Any]:
        now = self.clock.now().astimezone(resolve_time_zone(self.store.time_zone))
        offset = now.utcoffset() or dt.timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        return {
            "portalId": self.store.portal_id,
            "accountType": "STANDARD",
            "timeZone": self.store.time_zone,
            "companyCurrency": self.store.company_currency,
            "additionalCurrencies": list(self.store.additional_currencies),
            "utcOffset": f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
            "utcOffsetMilliseconds": minutes * 60_000,
            "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1",
        }

    def _oauth_error(self, status: str, error: str, message: str) -> ApiError:
        body = {"status": status, "message": message, "error": error, "error_description": message}
        return ApiError(400, message, status, body=body)

    def _oauth_token(self, call: _Call) -> dict[str, Any]:
        content_type = call.request.headers.get("content-type", "")
        if "json" in content_type:
            raw = call.json_object()
            form = {str(k): str(v) for k, v in raw.items()}
        else:
            form = dict(parse_qsl(call.content.decode("utf-8"), keep_blank_values=True))
        grant_type = form.get("grant_type", "")
        if grant_type not in {"authorization_code", "refresh_token"}:
            raise self._oauth_error(
                "BAD_GRANT_TYPE", "unsupported_grant_type", f"unsupported grant_type {grant_type!r}"
            )
        if form.get("client_id") != self._client_id:
            raise self._oauth_error(
                "BAD_CLIENT_ID", "invalid_client", "missing or unknown client_id"
            )
        if form.get("client_secret") != self._client_secret:
            raise self._oauth_error(
                "BAD_CLIENT_SECRET", "invalid_client", "missing or invalid client_secret"
            )
        if grant_type == "authorization_code":
            grant = self._codes.pop(form.get("code", ""), None)
            if grant is None:
                raise self._oauth_error(
                    "BAD_AUTH_CODE", "invalid_grant", "missing or unknown auth code"
                )
            if form.get("redirect_uri") != grant.redirect_uri:
                raise self._oauth_error(
                    "BAD_REDIRECT_URI",
                    "invalid_grant",
                    "redirect_uri does not match the authorization request",
                )
            refresh = self._new_token("rt")
            self._refresh[refresh] = grant
        else:
            old = form.get("refresh_token", "")
            grant_or_none = self._refresh.get(old)
            if grant_or_none is None:
                raise self._oauth_error(
                    "BAD_REFRESH_TOKEN", "invalid_grant", "missing or unknown refresh token"
                )
            grant = grant_or_none
            refresh = old
            if self._rotate:
                del self._refresh[old]
                refresh = self._new_token("rt")
                self._refresh[refresh] = grant
        access = self._new_token("at")
        self._access[access] = attrs.evolve(
            grant, expires_at=self.clock.now() + dt.timedelta(seconds=ACCESS_TOKEN_SECONDS)
        )
        return {
            "token_type": "bearer",
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": ACCESS_TOKEN_SECONDS,
            "hub_id": grant.hub_id,
            "scopes": list(grant.scopes),
            "token_use": "access_token",
            "user_id": 1,
        }

    def _new_token(self, prefix: str) -> str:
        return f"sandbox-{prefix}-{self._random.getrandbits(128):032x}"

    # ================================================================== Python API

    def authorize(
        self, *, redirect_uri: str, scopes: Sequence[str] = ("crm.objects.deals.read",)
    ) -> str:
        """Simulate the user approving the app; returns the ``code`` sent to ``redirect_uri``."""
        with self._lock:
            self._version += 1
            code = self._new_token("code")
            self._codes[code] = Grant(self.store.portal_id, tuple(scopes), redirect_uri)
            return code

    def create(
        self,
        object_type: str,
        properties: Mapping[str, Any],
        *,
        associations: Iterable[tuple[str, str]] = (),
    ) -> str:
        """Create a record directly (no HTTP, no rate limit); returns its id.

        ``associations`` are ``(to_type, to_id)`` pairs linked with the default type.
        """
        with self._lock:
            self._version += 1
            kind = self.store.kind(object_type)
            links: list[tuple[str, str, AssociationType]] = []
            for to_type, to_id in associations:
                to_kind = self.store.kind(to_type)
                association = default_type(kind.name, to_kind.name)
                if association is None:
                    raise ValueError(f"no default association from {kind.name} to {to_kind.name}")
                links.append((to_kind.name, to_id, association))
            return self.store.create(kind.name, properties, links).id

    def update(self, object_type: str, object_id: str, properties: Mapping[str, Any]) -> None:
        """Change a record directly (validated as a PATCH would be)."""
        with self._lock:
            self._version += 1
            kind = self.store.kind(object_type)
            self.store.update(kind.name, self.store.get(kind.name, object_id), properties)

    def archive(self, object_type: str, object_id: str) -> None:
        """Move a record to the recycling bin, as ``DELETE /crm/v3/objects/{type}/{id}`` does."""
        with self._lock:
            self._version += 1
            kind = self.store.kind(object_type)
            self.store.archive(kind.name, self.store.get(kind.name, object_id))

    def restore(self, object_type: str, object_id: str) -> None:
        """Restore an archived record from the recycling bin (a user's action in HubSpot; there
        is no API for it). Notifies ``*.restore``."""
        with self._lock:
            self._version += 1
            kind = self.store.kind(object_type)
            record = self.store.get(kind.name, object_id, archived=True)
            self.store.restore(kind.name, record)

    def merge(self, object_type: str, primary_id: str, merged_id: str) -> str:
        """Merge ``merged_id`` into ``primary_id`` as ``POST /crm/v3/objects/{type}/merge``
        does; returns the surviving id (the primary's). Notifies ``*.merge``."""
        with self._lock:
            self._version += 1
            kind = self.store.kind(object_type)
            primary = self.store.get(kind.name, primary_id)
            merged = self.store.get(kind.name, merged_id)
            return self.store.merge(kind.name, primary, merged).id

    def gdpr_delete(self, contact_id: str) -> None:
        """Permanently delete a contact (``POST /crm/v3/objects/contacts/gdpr-delete``);
        notifies ``contact.privacyDeletion`` and ``contact.deletion``."""
        with self._lock:
            self._version += 1
            record = self.store.records["contacts"].get(str(contact_id))
            if record is None:
                raise ApiError.not_found(str(contact_id))
            self.store.purge("contacts", record)

    def associate(
        self, from_type: str, from_id: str, to_type: str, to_id: str, type_id: int | None = None
    ) -> None:
        """Link two records with the default type, or with HubSpot-defined ``type_id``."""
        with self._lock:
            self._version += 1
            from_kind, to_kind = self.store.kind(from_type), self.store.kind(to_type)
            if type_id is None:
                kind = default_type(from_kind.name, to_kind.name)
            else:
                kind = self.store.association_for(
                    from_kind.name,
                    to_kind.name,
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id},
                )
            if kind is None:
                raise ValueError(f"no default association from {from_kind.name} to {to_kind.name}")
            self.store.associate(from_kind.name, from_id, to_kind.name, to_id, kind)

    def get(self, object_type: str, object_id: str) -> dict[str, Any] | None:
        """A live record as HubSpot would send it, with every property that has a value; None
        when there is no such record (or it is archived)."""
        with self._lock:
            kind = self.store.kind(object_type)
            record = self.store.records[kind.name].get(str(object_id))
            if record is None or record.archived:
                return None
            return self._render(record, None, all_set=True)

    def record(self, object_type: str, object_id: str) -> dict[str, Any]:
        """Deprecated: ``get`` (which answers None instead of raising when absent)."""
        deprecated("HubSpotSandbox.record()", "get()")
        with self._lock:
            kind = self.store.kind(object_type)
            return self._render(self.store.get(kind.name, object_id), None, all_set=True)

    def records(self, object_type: str, *, archived: bool = False) -> list[dict[str, Any]]:
        """Every record of a type (live ones, or archived ones), in id order, as ``record``."""
        with self._lock:
            kind = self.store.kind(object_type)
            return [
                self._render(r, None, all_set=True)
                for r in self.store.records[kind.name].values()
                if r.archived == archived
            ]

    def create_property(self, object_type: str, definition: Mapping[str, Any]) -> None:
        """Add a custom property (creating its group when missing), as the properties API would."""
        with self._lock:
            self._version += 1
            kind = self.store.kind(object_type)
            group = str(definition.get("groupName", ""))
            if group and group not in self.store.groups[kind.name]:
                self.store.create_group(
                    kind.name, {"name": group, "label": group.replace("_", " ").title()}
                )
            self.store.create_property(kind.name, definition)

    def set_company_currency(self, code: str) -> None:
        """Change the portal's company currency."""
        with self._lock:
            self._version += 1
            self.store.company_currency = code
            self.store.currency_created_at = self.clock.now()

    def seed(self, source: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, str]:
        """Load a portal description, given as a mapping or a JSON file's path (see
        ``docs/sandbox-hubspot.md``); returns ``{key: id}``."""
        from hubqbo.sandbox.hubspot._seed import apply_seed

        if isinstance(source, Mapping):
            data: Mapping[str, Any] = source
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        with self._lock:
            self._version += 1
            return apply_seed(self, data)

    def seed_file(self, path: str | Path) -> dict[str, str]:
        """Deprecated: ``seed(path)``."""
        deprecated("HubSpotSandbox.seed_file(path)", "seed(path)")
        return self.seed(path)

    def count_requests(
        self,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> int:
        """How many requests were handled (faults included), optionally only those matching
        ``method``, a ``path_contains`` substring and an answered ``status``."""
        with self._lock:
            return count_matching(
                self.requests, method=method, path_contains=path_contains, status=status
            )

    def request_count(self, *, method: str | None = None, path_contains: str | None = None) -> int:
        """Deprecated: ``count_requests``."""
        deprecated("HubSpotSandbox.request_count()", "count_requests()")
        return self.count_requests(method=method, path_contains=path_contains)


def _migration_in_progress() -> ApiError:
    """HubSpot's 477: the portal is moving between data hosting locations. The error-handling
    page documents the status and its ``Retry-After`` (seconds, up to 24 h) but no body, so the
    body is the general error shape with the sandbox's own message and category."""
    return ApiError(
        MIGRATION_IN_PROGRESS,
        "This account is currently being migrated between data hosting locations; "
        "retry after the number of seconds in the Retry-After header.",
        "MIGRATION_IN_PROGRESS",
    )


def _origin(call: _Call) -> str:
    """``scheme://host[:port]`` of the request (for ``paging.next.link``)."""
    url = call.request.url
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def _is_read(call: _Call) -> bool:
    """GETs, searches and batch reads change nothing."""
    if call.method == "GET":
        return True
    last = call.segments[-2:]
    return call.method == "POST" and (last[-1:] == ["search"] or last == ["batch", "read"])


def _id_of(item: Any) -> Any:
    return item.get("id", "") if isinstance(item, dict) else ""


def _name_of(item: Any) -> Any:
    return item.get("name", "") if isinstance(item, dict) else ""


def _type_with_label(kind: AssociationType) -> dict[str, Any]:
    body: dict[str, Any] = {"category": kind.category, "typeId": kind.type_id}
    if kind.label:
        body["label"] = kind.label
    return body


def _v3_type_name(from_kind: ObjectType, to_kind: ObjectType, kind: AssociationType) -> str:
    name = f"{from_kind.singular}_to_{to_kind.singular}"
    has_primary = any(t.label == "Primary" for t in types_between(from_kind.name, to_kind.name))
    if has_primary and kind.label is None:
        return f"{name}_unlabeled"
    return name
