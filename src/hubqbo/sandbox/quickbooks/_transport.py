"""``QuickBooksSandbox``: an ``httpx.BaseTransport`` that answers as QuickBooks Online does.

Why: the demo, our tests and users' tests of their own integrations need a QBO that behaves
like the real one (paths, envelopes, Faults, SyncTokens, ``requestid`` replay, batch, CDC,
throttling, 401 shapes) without a network, a developer account or sleeping. This module routes
requests and applies the cross-cutting rules (auth, throttling, fault plan, replay); the entity
rules live in ``_entities``, the query language in ``_query``.
"""

from __future__ import annotations

import base64
import collections
import copy
import datetime as dt
import json
import logging
import os
import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
from dateutil import parser as date_parser

from hubqbo.sandbox._common import (
    Clock,
    CreatedId,
    FaultKind,
    FaultPlan,
    SandboxRequest,
    SystemClock,
    count_matching,
    deprecated,
)
from hubqbo.sandbox._state import decode, encode, read_state, write_state
from hubqbo.sandbox.quickbooks import _entities
from hubqbo.sandbox.quickbooks._query import (
    EMULATED_ENTITIES,
    KNOWN_ENTITIES,
    canonical_entity,
    evaluate,
    parse_query,
)
from hubqbo.sandbox.quickbooks._store import Realm
from hubqbo.sandbox.quickbooks._webhooks import QuickBooksWebhooks
from hubqbo.sandbox.quickbooks._wire import (
    SERVER_TIME_ZONE,
    QboFault,
    dumps,
    fault_body,
    loads,
    qbo_time,
    qbo_time_ms,
)
from hubqbo.timezones import resolve_time_zone

__all__ = ["QuickBooksSandbox"]

logger = logging.getLogger(__name__)

API_HOSTS = frozenset({"quickbooks.api.intuit.com", "sandbox-quickbooks.api.intuit.com"})
OAUTH_HOST = "oauth.platform.intuit.com"
REVOKE_HOST = "developer.api.intuit.com"
_JSON = "application/json;charset=utf-8"
_FAULT_JSON = "application/json"
_BATCH_MAX = 30
_CDC_MAX_OBJECTS = 1000
_CDC_WINDOW = dt.timedelta(days=30)
_REQUEST_ID_MAX = 50
_BATCH_REQUEST_ID_MAX = 36
_ACCESS_TOKEN_SECONDS = 3600
_REFRESH_TOKEN_SECONDS = 8_726_400  # 101 days, as Intuit's token responses say
_QUERYABLE: dict[str, frozenset[str]] = {
    entity: frozenset(name.lower() for name in names)
    for entity, names in _entities.KNOWN_PROPERTIES.items()
}
_READ_PATHS = {name.lower(): name for name in EMULATED_ENTITIES}
_SEED_LISTS = (
    ("customers", "Customer"),
    ("items", "Item"),
    ("invoices", "Invoice"),
    ("payments", "Payment"),
)

_Response = tuple[int, dict[str, str], bytes]
_DISCOVERY_PATHS = frozenset(
    {"/.well-known/openid_configuration", "/.well-known/openid_sandbox_configuration"}
)


def _discovery(request: httpx.Request) -> dict[str, Any]:
    """Intuit's OpenID discovery document (what intuit-oauth's ``AuthClient`` reads first).

    Served over HTTP the token and revoke endpoints point back at the served address (from
    ``X-Forwarded-Host``), so an SDK that follows the document reaches the sandbox.
    """
    forwarded = request.headers.get("X-Forwarded-Host")
    oauth = f"http://{forwarded}" if forwarded else f"https://{OAUTH_HOST}"
    revoke = f"http://{forwarded}" if forwarded else f"https://{REVOKE_HOST}"
    return {
        "issuer": "https://oauth.platform.intuit.com/op/v1",
        "authorization_endpoint": "https://appcenter.intuit.com/connect/oauth2",
        "token_endpoint": f"{oauth}/oauth2/v1/tokens/bearer",
        "userinfo_endpoint": "https://accounts.intuit.com/v1/openid_connect/userinfo",
        "revocation_endpoint": f"{revoke}/v2/oauth2/tokens/revoke",
        "jwks_uri": "https://oauth.platform.intuit.com/op/v1/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "address", "phone"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
    }


def _realm_of(request: httpx.Request) -> str:
    """The realm id of an API request (``/v3/company/{realmId}/...``), else ``""``."""
    segments = [s for s in request.url.path.split("/") if s]
    if len(segments) >= 3 and segments[0] == "v3" and segments[1].lower() == "company":
        return segments[2]
    return ""


STATE_FORMAT = "hubqbo.sandbox.quickbooks"
STATE_VERSION = 1
_SAVED_FIELDS = (
    "requests_per_minute",
    "batch_per_minute",
    "requests_per_second",
    "max_in_flight",
    "_access_tokens",
    "_client_id",
    "_client_secret",
    "_tid",
    "_next_realm",
    "_issued",
    "_refresh_tokens",
    "_codes",
    "_revoked",
)


class QuickBooksSandbox(httpx.BaseTransport):
    """An in-memory QuickBooks Online, served through httpx.

    Base URLs ``https://quickbooks.api.intuit.com`` and ``https://sandbox-quickbooks.api.intuit.com``
    answer under ``/v3/company/{realmId}/...``; the OAuth token endpoint
    ``https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer`` issues and rotates tokens.

    Args:
        clock: where ``MetaData`` timestamps, throttling windows and token expiry come from
            (``ManualClock`` in tests; the real clock by default).
        faults: a ``FaultPlan`` (429, 5xx, timeouts, reset after apply, stale SyncToken).
        access_tokens: bearer tokens to accept; ``None`` accepts any non-empty bearer (plus
            the tokens the OAuth endpoint issued, until they expire).
        requests_per_minute: requests per realm in any 60 s before 429 + Fault 3001
            (``ThrottleExceeded``, type ``SERVICE``); refused requests are not counted.
        batch_per_minute: ``/batch`` requests per realm in any 60 s.
        requests_per_second: requests per realm in any second (QBO documents 10; ``None``,
            the default, leaves it off: many tests send bursts on a clock that never moves).
        max_in_flight: requests of one realm being answered at once (QBO's 10); the next
            one is refused with the same 429.
        client_id: OAuth client id (with ``client_secret``) the token endpoint accepts.
        client_secret: its secret.

    Example:
        >>> sandbox = QuickBooksSandbox()
        >>> realm = sandbox.add_realm(country="GB")
        >>> client = httpx.Client(transport=sandbox, headers={"Authorization": "Bearer t"})
        >>> url = f"https://quickbooks.api.intuit.com/v3/company/{realm}/preferences"
        >>> client.get(url).json()["Preferences"]["CurrencyPrefs"]["HomeCurrency"]
        {'value': 'GBP'}
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
        access_tokens: Iterable[str] | None = None,
        requests_per_minute: int = 500,
        batch_per_minute: int = 40,
        requests_per_second: int | None = None,
        max_in_flight: int = 10,
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",  # noqa: S107 - a fake for tests
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.faults = faults or FaultPlan.none()
        self._access_tokens = None if access_tokens is None else set(access_tokens)
        self.requests_per_minute = requests_per_minute
        self.batch_per_minute = batch_per_minute
        self.requests_per_second = requests_per_second
        self.max_in_flight = max_in_flight
        self._sent: dict[tuple[str, str], collections.deque[float]] = {}
        self._in_flight: collections.Counter[str] = collections.Counter()
        self._flight_lock = threading.Lock()
        self._client_id = client_id
        self._client_secret = client_secret
        self._realms: dict[str, Realm] = {}
        self._lock = threading.RLock()
        self._tid = 0
        self._last_status = 0
        self._next_realm = 9341450000000001
        # access token -> (expiry, realm); refresh token -> (access token, expiry, realm)
        self._issued: dict[str, tuple[dt.datetime, str]] = {}
        self._refresh_tokens: dict[str, tuple[str, dt.datetime, str]] = {}
        self._codes: dict[str, str] = {}
        self._revoked: set[str] = set()
        self.requests: list[SandboxRequest] = []
        """Every request handled (all hosts, faults included), oldest first."""
        self.webhooks = QuickBooksWebhooks(self.clock)
        """Webhook subscriptions and deliveries (``webhooks.subscribe(...)``, ``deliver()``)."""

    def __repr__(self) -> str:
        return f"QuickBooksSandbox(realms={sorted(self._realms)!r})"

    # --- state that outlives a process -------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the whole world (realms, records, tombstones, replays, issued tokens, settings)
        to a JSON file, atomically. Not saved: the clock, the fault plan, the request log.

        Example:
            >>> import tempfile, pathlib
            >>> sandbox = QuickBooksSandbox()
            >>> realm = sandbox.add_realm(realm_id="1")
            >>> _ = sandbox.add_customer(realm, "Acme")
            >>> path = pathlib.Path(tempfile.mkdtemp()) / "qbo.json"
            >>> sandbox.save(path)
            >>> QuickBooksSandbox.load(path).get("1", "Customer", "1")["DisplayName"]
            'Acme'
        """
        with self._lock:
            state = {
                "fields": {name: encode(getattr(self, name)) for name in _SAVED_FIELDS},
                "realms": {rid: encode(vars(realm)) for rid, realm in self._realms.items()},
            }
            write_state(path, STATE_FORMAT, STATE_VERSION, state)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
    ) -> QuickBooksSandbox:
        """A sandbox holding the world ``save`` wrote (raises ``SandboxStateError`` for a file
        that is not one)."""
        state = read_state(path, STATE_FORMAT, STATE_VERSION)
        sandbox = cls(clock=clock, faults=faults)
        for name, value in state["fields"].items():
            setattr(sandbox, name, decode(value))
        for realm_id, fields in state["realms"].items():
            realm = Realm.__new__(Realm)
            vars(realm).update(decode(fields))
            sandbox._realms[realm_id] = realm
        return sandbox

    def count_requests(
        self,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        status: int | None = None,
    ) -> int:
        """How many requests were handled (all hosts, faults included), optionally only those
        matching ``method``, a ``path_contains`` substring and an answered ``status``."""
        with self._lock:
            return count_matching(
                self.requests, method=method, path_contains=path_contains, status=status
            )

    @property
    def request_count(self) -> int:
        """Deprecated: ``count_requests()``."""
        deprecated("QuickBooksSandbox.request_count", "count_requests()")
        return self.count_requests()

    # --- realms and seeding --------------------------------------------------------------
    def add_realm(
        self,
        *,
        country: str = "US",
        home_currency: str | None = None,
        custom_txn_numbers: bool = False,
        multi_currency: bool = False,
        automated_sales_tax: bool | None = None,
        sales_tax_percent: Decimal | str = Decimal("8.25"),
        time_zone: str | None = None,
        company_name: str | None = None,
        tax_rates: Mapping[str, Decimal | str] | None = None,
        realm_id: str | None = None,
    ) -> str:
        """Create a company seeded as a new QBO company is, and return its realm id.

        Args:
            country: ``"US"``, ``"GB"`` (``"UK"``), ``"CA"``, ``"AU"`` or another ISO code.
            home_currency: defaults from the country (USD, GBP, CAD, AUD...).
            custom_txn_numbers: ``Preferences.SalesFormsPrefs.CustomTxnNumbers``.
            multi_currency: ``CurrencyPrefs.MultiCurrencyEnabled``.
            automated_sales_tax: ``TaxPrefs.PartnerTaxEnabled`` (default: on for US).
            sales_tax_percent: the rate US automated sales tax applies to ``TAX`` lines.
            time_zone: ``CompanyInfo.DefaultTimeZone`` (default from the country).
            company_name: ``CompanyInfo.CompanyName``.
            tax_rates: for other countries, ``{code name: percent}`` to seed as tax codes.
            realm_id: a fixed realm id instead of a generated one.
        """
        with self._lock:
            if realm_id is None:
                realm_id = str(self._next_realm)
                self._next_realm += 1
            if realm_id in self._realms:
                raise ValueError(f"realm {realm_id} already exists")
            self._realms[realm_id] = Realm(
                realm_id,
                country=country,
                now=self.clock.now(),
                home_currency=home_currency,
                custom_txn_numbers=custom_txn_numbers,
                multi_currency=multi_currency,
                automated_sales_tax=automated_sales_tax,
                sales_tax_percent=Decimal(sales_tax_percent),
                time_zone=time_zone,
                company_name=company_name,
                tax_rates=None
                if tax_rates is None
                else {k: Decimal(v) for k, v in tax_rates.items()},
            )
            return realm_id

    @property
    def realm_ids(self) -> list[str]:
        """The realms this sandbox holds."""
        return list(self._realms)

    def _realm(self, realm_id: str) -> Realm:
        try:
            return self._realms[str(realm_id)]
        except KeyError:
            raise KeyError(f"no realm {realm_id!r} in this sandbox") from None

    def set_exchange_rate(self, realm_id: str, currency: str, rate: Decimal | str) -> None:
        """Home-currency units per one ``currency`` unit, used when a request omits ExchangeRate."""
        self._realm(realm_id).exchange_rates[currency.upper()] = Decimal(rate)

    def _write(self, realm_id: str, entity: str, body: Mapping[str, Any]) -> dict[str, Any]:
        realm = self._realm(realm_id)
        name = canonical_entity(entity)
        if name not in _entities.WRITABLE_ENTITIES:
            raise ValueError(f"the sandbox cannot write {entity!r}")
        with self._lock:
            try:
                record = _entities.write(realm, name, dict(body), self.clock.now())
                self._notify_write(realm, name, record)
                return copy.deepcopy(record)
            except QboFault as fault:
                raise ValueError(
                    f"QBO Fault {fault.code}: {fault.message}: {fault.detail}"
                ) from None

    def create(self, realm_id: str, entity: str, body: Mapping[str, Any]) -> str:
        """Create (or update, with Id + SyncToken) a record as ``POST /{entity}`` would; returns
        its id.

        Raises ``ValueError`` with the QBO Fault text when QBO would refuse the record.
        """
        record = self._write(realm_id, entity, body)
        return CreatedId(str(record["Id"]), record)

    def update(self, realm_id: str, entity: str, record_id: str, fields: Mapping[str, Any]) -> None:
        """Change a record as a sparse ``POST /{entity}`` would (its current SyncToken is used).

        Raises ``KeyError`` when there is no such record, ``ValueError`` when QBO would refuse.
        """
        with self._lock:
            current = self.get(realm_id, entity, record_id)
            if current is None:
                raise KeyError(f"no {entity} {record_id!r} in realm {realm_id}")
            body = {
                **fields,
                "Id": current["Id"],
                "SyncToken": current["SyncToken"],
                "sparse": True,
            }
            self._write(realm_id, entity, body)

    def merge(self, realm_id: str, entity: str, merged_id: str, into_id: str) -> None:
        """Merge customer ``merged_id`` into ``into_id`` as a QBO user does (by giving it the
        other's name): its transactions move to ``into_id``, it is deleted (CDC reports it
        Deleted), ``into_id`` gets a new SyncToken, and a ``Merge`` webhook event names
        ``into_id`` with ``deletedId`` ``merged_id``. Only customers are merged here."""
        if canonical_entity(entity) != "Customer":
            raise ValueError("the sandbox merges customers only")
        now = self.clock.now()
        with self._lock:
            realm = self._realm(realm_id)
            merged = realm.get("Customer", str(merged_id))
            into = realm.get("Customer", str(into_id))
            if merged is None or into is None or merged is into:
                raise KeyError(f"cannot merge customer {merged_id!r} into {into_id!r}")
            for kind in ("Invoice", "Payment"):
                for txn in realm.children(kind, merged["Id"]):
                    moved = dict(txn)
                    moved["CustomerRef"] = {"value": into["Id"], "name": into["DisplayName"]}
                    moved["SyncToken"] = str(int(txn["SyncToken"]) + 1)
                    moved["MetaData"] = {**txn["MetaData"], "LastUpdatedTime": qbo_time(now)}
                    realm.put(kind, moved)
            realm.remove("Customer", merged["Id"], now)
            into["SyncToken"] = str(int(into["SyncToken"]) + 1)
            _entities.refresh_customer(realm, into["Id"], now)
            self.webhooks.record(
                realm.realm_id, "Customer", into["Id"], "Merge", deleted_id=merged["Id"]
            )

    def get(self, realm_id: str, entity: str, record_id: str) -> dict[str, Any] | None:
        """A copy of a stored record, or None."""
        name = canonical_entity(entity) or entity
        with self._lock:
            return self._realm(realm_id).snapshot(name, str(record_id))

    def records(self, realm_id: str, entity: str) -> list[dict[str, Any]]:
        """Copies of every stored ``entity`` record of a realm (inactive ones included), in id
        order."""
        name = canonical_entity(entity) or entity
        with self._lock:
            return [copy.deepcopy(r) for r in self._realm(realm_id).records(name)]

    def add_customer(self, realm_id: str, display_name: str, **fields: Any) -> str:
        """Seed a customer; returns its id. ``fields`` are QBO Customer properties."""
        return self.create(realm_id, "Customer", {"DisplayName": display_name, **fields})

    def forget_request_ids(self, realm_id: str | None = None) -> None:
        """Forget the answers kept to replay ``requestid`` re-sends (of one realm, or all).
        Intuit does not document how long QBO remembers a requestid: after this, a re-sent
        write is applied again, as it may be by QBO once it has forgotten."""
        with self._lock:
            for realm in [self._realm(realm_id)] if realm_id else self._realms.values():
                realm.replays.clear()

    def add_vendor(self, realm_id: str, display_name: str, **fields: Any) -> str:
        """Seed a vendor; returns its id. Its DisplayName is taken for customers too (6240)."""
        return self.create(realm_id, "Vendor", {"DisplayName": display_name, **fields})

    def add_employee(self, realm_id: str, display_name: str, **fields: Any) -> str:
        """Seed an employee; returns its id. Its DisplayName is taken for customers too."""
        return self.create(realm_id, "Employee", {"DisplayName": display_name, **fields})

    def add_item(
        self, realm_id: str, name: str, unit_price: Decimal | str | int = 0, **fields: Any
    ) -> str:
        """Seed a service item (income account "Services" unless given); returns its id."""
        body = {"Name": name, "UnitPrice": Decimal(unit_price), "Type": "Service", **fields}
        body.setdefault("IncomeAccountRef", {"value": "1"})
        return self.create(realm_id, "Item", body)

    def add_invoice(
        self,
        realm_id: str,
        customer_id: str,
        lines: Sequence[tuple[str, Decimal | str | int, Decimal | str | int] | Mapping[str, Any]],
        **fields: Any,
    ) -> str:
        """Seed an invoice; ``lines`` are ``(item_id, qty, unit_price)`` or wire Line dicts.

        Non-US realms need ``TaxCodeRef`` on each line: pass wire dicts, or set
        ``tax_code=`` in ``fields`` to put one code on every tuple line.
        """
        tax_code = fields.pop("tax_code", None)
        wire_lines: list[Mapping[str, Any]] = []
        for line in lines:
            if isinstance(line, Mapping):
                wire_lines.append(line)
                continue
            item_id, qty, price = line
            detail: dict[str, Any] = {
                "ItemRef": {"value": str(item_id)},
                "Qty": Decimal(qty),
                "UnitPrice": Decimal(price),
            }
            if tax_code is not None:
                detail["TaxCodeRef"] = {"value": str(tax_code)}
            wire_lines.append(
                {
                    "Amount": Decimal(qty) * Decimal(price),
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": detail,
                }
            )
        body = {"CustomerRef": {"value": str(customer_id)}, "Line": wire_lines, **fields}
        return self.create(realm_id, "Invoice", body)

    def add_payment(self, realm_id: str, invoice_id: str, amount: Decimal | str | int) -> str:
        """Seed a payment applied to one invoice; returns its id."""
        invoice = self.get(realm_id, "Invoice", invoice_id)
        if invoice is None:
            raise KeyError(f"no invoice {invoice_id!r}")
        body = {
            "CustomerRef": invoice["CustomerRef"],
            "TotalAmt": Decimal(amount),
            "Line": [
                {
                    "Amount": Decimal(amount),
                    "LinkedTxn": [{"TxnId": str(invoice_id), "TxnType": "Invoice"}],
                }
            ],
        }
        return self.create(realm_id, "Payment", body)

    def seed(self, source: str | Path | Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
        """Seed realms from a JSON file (or the parsed mapping).

        Shape: ``{"realms": [{"country": "GB", ..., "customers": [...], "items": [...],
        "invoices": [...], "payments": [...]}]}``; each record is a QBO wire object. A
        ``CustomerRef``/``ItemRef`` may give only ``name`` (DisplayName / Name) instead of an id.
        Returns ``{realm_id: {"Customer": [ids], "Item": [...], ...}}``.
        """
        if isinstance(source, Mapping):
            data: Any = source
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8"), parse_float=Decimal)
        created: dict[str, dict[str, list[str]]] = {}
        for spec in data.get("realms", []):
            options = {k: v for k, v in spec.items() if k not in {key for key, _ in _SEED_LISTS}}
            realm_id = self.add_realm(**options)
            created[realm_id] = {}
            for key, entity in _SEED_LISTS:
                for body in spec.get(key, []):
                    record_id = self.create(realm_id, entity, self._resolve_names(realm_id, body))
                    created[realm_id].setdefault(entity, []).append(str(record_id))
        return created

    def _resolve_names(self, realm_id: str, body: Any) -> Any:
        if isinstance(body, list):
            return [self._resolve_names(realm_id, item) for item in body]
        if not isinstance(body, Mapping):
            return body
        out: dict[str, Any] = {}
        realm = self._realm(realm_id)
        for key, value in body.items():
            if (
                key in ("CustomerRef", "ItemRef")
                and isinstance(value, Mapping)
                and "value" not in value
            ):
                entity, field = (
                    ("Customer", "DisplayName") if key == "CustomerRef" else ("Item", "Name")
                )
                match = next(
                    (r for r in realm.records(entity) if r.get(field) == value.get("name")), None
                )
                if match is None:
                    raise ValueError(f"seed: no {entity} named {value.get('name')!r}")
                out[key] = {"value": match["Id"]}
            else:
                out[key] = self._resolve_names(realm_id, value)
        return out

    # --- OAuth ---------------------------------------------------------------------------
    def authorize(self, realm_id: str) -> str:
        """An authorization code for ``realm_id``, as the redirect after consent carries it."""
        self._realm(realm_id)
        code = "AB" + secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = realm_id
        return code

    def _issue(self, now: dt.datetime, realm_id: str) -> dict[str, Any]:
        access = "eyJ" + secrets.token_urlsafe(32)
        refresh = "RT1-" + secrets.token_urlsafe(24)
        self._issued[access] = (now + dt.timedelta(seconds=_ACCESS_TOKEN_SECONDS), realm_id)
        self._refresh_tokens[refresh] = (
            access,
            now + dt.timedelta(seconds=_REFRESH_TOKEN_SECONDS),
            realm_id,
        )
        return {
            "token_type": "bearer",
            "expires_in": _ACCESS_TOKEN_SECONDS,
            "refresh_token": refresh,
            "x_refresh_token_expires_in": _REFRESH_TOKEN_SECONDS,
            "access_token": access,
        }

    def _oauth(self, request: httpx.Request) -> _Response:
        form = {k: v[-1] for k, v in parse_qs(request.content.decode("utf-8")).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
                client_id, _, client_secret = decoded.partition(":")
            except ValueError:
                client_id = None
        if client_id != self._client_id or client_secret != self._client_secret:
            return 401, {"Content-Type": _JSON}, dumps({"error": "invalid_client"})
        now = self.clock.now()
        grant = form.get("grant_type")
        if grant == "authorization_code":
            realm_id = self._codes.pop(form.get("code", ""), None)
            if realm_id is None:
                return 400, {"Content-Type": _JSON}, dumps({"error": "invalid_grant"})
            return 200, {"Content-Type": _JSON}, dumps(self._issue(now, realm_id))
        if grant == "refresh_token":
            entry = self._refresh_tokens.pop(form.get("refresh_token", ""), None)
            if entry is None or entry[1] <= now:
                return 400, {"Content-Type": _JSON}, dumps({"error": "invalid_grant"})
            return 200, {"Content-Type": _JSON}, dumps(self._issue(now, entry[2]))
        return 400, {"Content-Type": _JSON}, dumps({"error": "unsupported_grant_type"})

    def _revoke(self, request: httpx.Request) -> _Response:
        try:
            token = str(json.loads(request.content or b"{}").get("token", ""))
        except ValueError:
            token = ""
        entry = self._refresh_tokens.pop(token, None)
        self._revoked.add(token)
        if entry is not None:
            self._revoked.add(entry[0])
        self._issued.pop(token, None)
        return 200, {"Content-Type": _JSON}, b""

    def _token_realm(self, request: httpx.Request) -> str | None:
        """The realm an OAuth-issued bearer was granted for (None for other tokens)."""
        token = request.headers.get("Authorization", "").partition(" ")[2].strip()
        issued = self._issued.get(token)
        return issued[1] if issued is not None else None

    def _authorized(self, request: httpx.Request) -> str | None:
        """None when authorized, else a short reason (never the token)."""
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return "Authorization header is missing or is not a bearer token"
        if token in self._revoked:
            return "Token revoked"
        issued = self._issued.get(token)
        if issued is not None:
            return None if issued[0] > self.clock.now() else "Token expired"
        if self._access_tokens is None or token in self._access_tokens:
            return None
        return "Token invalid"

    # --- the transport -------------------------------------------------------------------
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (httpx calls this)."""
        realm_id = _realm_of(request)
        with self._flight_lock:  # counted before waiting for the lock: it is in the server
            self._in_flight[realm_id] += 1
            crowded = bool(realm_id) and self._in_flight[realm_id] > self.max_in_flight
        try:
            return self._handle_locked(request, crowded=crowded)
        finally:
            with self._flight_lock:
                self._in_flight[realm_id] -= 1

    def _handle_locked(self, request: httpx.Request, *, crowded: bool) -> httpx.Response:
        with self._lock:
            status = 0
            try:
                if crowded:
                    response = self._respond(request, self._fault(QboFault.throttled()))
                else:
                    response = self._handle(request)
                status = response.status_code
                return response
            except httpx.RemoteProtocolError:  # reset after apply: the answer was made
                status = self._last_status
                raise
            finally:
                self.requests.append(SandboxRequest(request.method, request.url.path, status))

    def _handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host == REVOKE_HOST and request.url.path.rstrip("/") in _DISCOVERY_PATHS:
            return self._respond(
                request, (200, {"Content-Type": _JSON}, dumps(_discovery(request)))
            )
        if host == OAUTH_HOST and request.url.path == "/oauth2/v1/tokens/bearer":
            return self._respond(request, self._oauth(request))
        if host == REVOKE_HOST and request.url.path.startswith("/v2/oauth2/tokens/revoke"):
            return self._respond(request, self._revoke(request))
        if host not in API_HOSTS:
            raise httpx.ConnectError(f"QuickBooksSandbox does not serve {host}", request=request)
        return self._api(request)

    def _respond(self, request: httpx.Request, answer: _Response) -> httpx.Response:
        status, headers, body = answer
        self._last_status = status
        self._tid += 1
        seconds = int(self.clock.now().timestamp())
        headers = {
            **headers,
            "intuit_tid": f"1-{seconds:08x}-{self._tid:024x}",
            "QBO-Version": "1950.200",
        }
        return httpx.Response(status, headers=headers, content=body, request=request)

    def _fault(self, fault: QboFault) -> _Response:
        return (
            fault.status,
            {"Content-Type": _FAULT_JSON},
            dumps(fault_body(fault, self.clock.now())),
        )

    def _unauthorized(self, reason: str) -> _Response:
        body: dict[str, Any] = {
            "warnings": None,
            "intuitObject": None,
            "fault": {
                "error": [
                    {
                        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                        "detail": f"{reason}: the access token is not valid for this request",
                        "code": "3200",
                        "element": None,
                    }
                ],
                "type": "AUTHENTICATION",
            },
            "report": None,
            "queryResponse": None,
            "batchItemResponse": [],
            "attachableResponse": [],
            "syncErrorResponse": None,
            "requestId": None,
            "time": int(self.clock.now().timestamp() * 1000),
            "status": None,
            "cdcresponse": [],
        }
        headers = {
            "Content-Type": _FAULT_JSON,
            "WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"',
        }
        return 401, headers, dumps(body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        segments = [s for s in request.url.path.split("/") if s]
        reason = self._authorized(request)
        if reason is not None:
            logger.debug("QBO sandbox: 401 (%s)", reason)
            return self._respond(request, self._unauthorized(reason))
        if len(segments) < 3 or segments[0] != "v3" or segments[1].lower() != "company":
            return self._respond(request, self._fault(self._no_resource(request)))
        realm = self._realms.get(segments[2])
        granted = self._token_realm(request)
        if realm is None or (granted is not None and granted != realm.realm_id):
            denied = QboFault(
                "3100",
                "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                "",
                element=None,
                status=403,
                fault_type="AUTHORIZATION",
            )
            return self._respond(request, self._fault(denied))
        rest = segments[3:]
        is_batch = bool(rest) and rest[0].lower() == "batch"
        if self._throttled(realm, is_batch):
            return self._respond(request, self._fault(QboFault.throttled()))
        injected = self.faults.next_fault(request.method, request.url.path)
        reset_after = False
        if injected is not None:
            if injected.kind is FaultKind.TIMEOUT:
                raise httpx.ReadTimeout("QuickBooksSandbox: injected read timeout", request=request)
            if injected.kind is FaultKind.RATE_LIMIT:
                status, headers, body = self._fault(QboFault.throttled())
                if injected.retry_after is not None:
                    headers["Retry-After"] = str(int(injected.retry_after))
                return self._respond(request, (status, headers, body))
            if injected.kind is FaultKind.SERVER_ERROR:
                server = QboFault.server_error(injected.status or 500)
                return self._respond(request, self._fault(server))
            if injected.kind is FaultKind.STALE and request.method == "POST":
                return self._respond(request, self._fault(QboFault.stale()))
            reset_after = injected.kind is FaultKind.RESET_AFTER_APPLY
        answer = self._replayable(realm, request, rest, is_batch)
        response = self._respond(request, answer)
        if reset_after:
            raise httpx.RemoteProtocolError(
                "QuickBooksSandbox: connection reset after the request was applied",
                request=request,
            )
        return response

    def _throttled(self, realm: Realm, is_batch: bool) -> bool:
        """Whether a request now would break one of the realm's rolling windows (500 in any
        60 s, 40 ``/batch`` in any 60 s, and the per-second limit when set); a request that
        passes is counted in each."""
        now = self.clock.now().timestamp()
        windows = [("minute", self.requests_per_minute, 60.0)]
        if self.requests_per_second is not None:
            windows.append(("second", self.requests_per_second, 1.0))
        if is_batch:
            windows.append(("batch", self.batch_per_minute, 60.0))
        counted = []
        for name, limit, period in windows:
            sent = self._sent.setdefault((realm.realm_id, name), collections.deque())
            while sent and sent[0] <= now - period:
                sent.popleft()
            if len(sent) >= limit:
                return True
            counted.append(sent)
        for sent in counted:
            sent.append(now)
        return False

    def _replayable(
        self, realm: Realm, request: httpx.Request, rest: list[str], is_batch: bool
    ) -> _Response:
        request_id = request.url.params.get("requestid")
        if request_id:
            limit = _BATCH_REQUEST_ID_MAX if is_batch else _REQUEST_ID_MAX
            if len(request_id) > limit:
                return self._fault(
                    QboFault.business(
                        f"You cannot enter more than {limit} characters in the request_id field. "
                        f"You tried entering {request_id[:10]}..., which is {len(request_id)} "
                        f"characters."
                    )
                )
            replay = realm.replays.get(request_id)
            if replay is not None:
                return replay
        try:
            answer = self._route(realm, request, rest)
        except QboFault as fault:
            answer = self._fault(fault)
        if request_id and answer[0] < 500:
            realm.replays[request_id] = answer
        return answer

    def _no_resource(self, request: httpx.Request) -> QboFault:
        path = request.url.path
        return QboFault.unsupported_operation(
            f"Operation Could not find resource for relative : {path} of full path: "
            f"{request.url.copy_with(query=None)} is not supported."
        )

    # --- routing ---------------------------------------------------------------------------
    def _ok(self, payload: Mapping[str, Any]) -> _Response:
        body = {**payload, "time": qbo_time_ms(self.clock.now())}
        return 200, {"Content-Type": _JSON}, dumps(body)

    def _body(self, request: httpx.Request) -> Any:
        try:
            return loads(request.content) if request.content else {}
        except ValueError:
            raise QboFault(
                "2010",
                "Request has invalid or unsupported property",
                "Property Name:Could not parse the request body as JSON specified is unsupported "
                "or invalid",
                element=None,
            ) from None

    def _route(self, realm: Realm, request: httpx.Request, rest: list[str]) -> _Response:
        method = request.method.upper()
        now = self.clock.now()
        head = rest[0].lower() if rest else ""
        if head == "query" and len(rest) == 1 and method in ("GET", "POST"):
            text = request.url.params.get("query")
            if text is None and method == "POST":
                text = request.content.decode("utf-8")
            return self._ok({"QueryResponse": self._query(realm, text or "")})
        if head == "batch" and len(rest) == 1 and method == "POST":
            return self._ok({"BatchItemResponse": self._batch(realm, self._body(request), now)})
        if head == "cdc" and len(rest) == 1 and method == "GET":
            return self._ok({"CDCResponse": [{"QueryResponse": self._cdc(realm, request, now)}]})
        if head == "preferences" and len(rest) == 1 and method == "GET":
            return self._ok({"Preferences": copy.deepcopy(realm.preferences)})
        if head == "preferences" and len(rest) == 1 and method == "POST":
            updated = _entities.update_preferences(realm, self._body(request), now)
            return self._ok({"Preferences": copy.deepcopy(updated)})
        if head == "companyinfo" and len(rest) == 2 and method == "GET":
            if rest[1] != realm.realm_id:
                raise QboFault.not_found()
            return self._ok({"CompanyInfo": copy.deepcopy(realm.company_info)})
        entity = _READ_PATHS.get(head)
        if entity is None or entity in ("Preferences", "CompanyInfo"):
            raise self._no_resource(request)
        if len(rest) == 1 and method == "POST":
            operation = (request.url.params.get("operation") or "").lower()
            return self._ok(self._operation(realm, entity, operation, self._body(request), now))
        if len(rest) == 2 and method == "GET":
            record_id = rest[1] if entity == "TaxCode" else _entities.valid_id(rest[1])
            record = realm.get(entity, record_id)
            if record is None:
                raise QboFault.not_found()
            return self._ok({entity: copy.deepcopy(record)})
        if len(rest) == 3 and entity == "Invoice":
            action = rest[2].lower()
            if action == "pdf" and method == "GET":
                pdf = _entities.invoice_pdf(realm, rest[1])
                return 200, {"Content-Type": "application/pdf"}, pdf
            if action == "send" and method == "POST":
                send_to = request.url.params.get("sendTo")
                record = _entities.send_invoice(realm, rest[1], send_to, now)
                self.webhooks.record(realm.realm_id, "Invoice", str(record["Id"]), "Emailed")
                return self._ok({"Invoice": copy.deepcopy(record)})
        raise self._no_resource(request)

    def _operation(
        self, realm: Realm, entity: str, operation: str, body: Any, now: dt.datetime
    ) -> dict[str, Any]:
        if entity not in _entities.WRITABLE_ENTITIES:
            raise QboFault.unsupported_operation(
                f"Operation {operation or 'create'} is not supported for {entity} by the hubqbo "
                f"QuickBooksSandbox."
            )
        if operation == "delete":
            deleted = _entities.delete(realm, entity, body, now)
            self.webhooks.record(realm.realm_id, entity, str(deleted["Id"]), "Delete")
            return {entity: deleted}
        if operation == "void":
            voided = _entities.void(realm, entity, body, now)
            self.webhooks.record(realm.realm_id, entity, str(voided["Id"]), "Void")
            return {entity: copy.deepcopy(voided)}
        if operation in ("", "update", "create"):
            record = _entities.write(realm, entity, body, now)
            self._notify_write(realm, entity, record)
            return {entity: copy.deepcopy(record)}
        raise QboFault.unsupported_operation(f"Operation {operation} is not supported.")

    def _notify_write(self, realm: Realm, entity: str, record: Mapping[str, Any]) -> None:
        operation = "Create" if str(record.get("SyncToken")) == "0" else "Update"
        self.webhooks.record(realm.realm_id, entity, str(record["Id"]), operation)

    def _query(self, realm: Realm, text: str) -> dict[str, Any]:
        query = parse_query(text)
        return evaluate(query, realm.records(query.entity), _QUERYABLE)

    def _batch(self, realm: Realm, body: Any, now: dt.datetime) -> list[dict[str, Any]]:
        items = body.get("BatchItemRequest") if isinstance(body, Mapping) else None
        if not isinstance(items, list):
            raise QboFault.required("BatchItemRequest")
        if len(items) > _BATCH_MAX:
            raise QboFault.business(
                f"The batch request has {len(items)} items; at most {_BATCH_MAX} are allowed."
            )
        results: list[dict[str, Any]] = []
        for item in items:
            bid = str(item.get("bId", "")) if isinstance(item, Mapping) else ""
            try:
                payload = self._batch_item(realm, item, now)
            except QboFault as fault:
                payload = {"Fault": fault.fault()}
            results.append({**payload, "bId": bid})
        return results

    def _batch_item(self, realm: Realm, item: Any, now: dt.datetime) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            raise QboFault.required("BatchItemRequest")
        if "Query" in item:
            return {"QueryResponse": self._query(realm, str(item["Query"]))}
        keys = [k for k in item if k not in ("bId", "operation", "optionsData")]
        if len(keys) != 1:
            raise QboFault.required("operation entity")
        entity = canonical_entity(keys[0])
        if entity is None:
            raise QboFault.unsupported_property(keys[0], "BatchItemRequest")
        operation = str(item.get("operation", "create")).lower()
        if entity not in _entities.WRITABLE_ENTITIES and entity in KNOWN_ENTITIES.values():
            raise QboFault.unsupported_operation(
                f"Operation {operation} for {entity} is not emulated by the hubqbo "
                "QuickBooksSandbox."
            )
        return self._operation(realm, entity, operation, item[keys[0]], now)

    def _cdc(self, realm: Realm, request: httpx.Request, now: dt.datetime) -> list[dict[str, Any]]:
        names = [
            name.strip()
            for raw in request.url.params.get_list("entities")
            for name in raw.split(",")
            if name.strip()
        ]
        if not names:
            raise QboFault.required("entities")
        since_text = request.url.params.get("changedSince")
        if not since_text:
            raise QboFault.required("changedSince")
        try:
            since = date_parser.isoparse(since_text)
        except ValueError:
            raise QboFault.invalid_query(f"changedSince {since_text} is not a valid date") from None
        if since.tzinfo is None:
            since = since.replace(tzinfo=resolve_time_zone(SERVER_TIME_ZONE))
        if since < now - _CDC_WINDOW:
            raise QboFault.invalid_query(
                "changedSince can not be more than 30 days in the past (maximum lookback "
                "period of 30 days exceeded)"
            )
        responses: list[dict[str, Any]] = []
        budget = _CDC_MAX_OBJECTS
        for name in names:
            entity = canonical_entity(name)
            if entity is None:
                raise QboFault.invalid_query(f"invalid context declaration: {name}")
            if budget <= 0:
                break  # the answer is full: the remaining groups are left out
            page = self._cdc_group(realm, entity, since)[:budget]
            budget -= len(page)
            if page:
                responses.append({entity: page, "startPosition": 1, "maxResults": len(page)})
            else:
                responses.append({})
        return responses

    def _cdc_group(self, realm: Realm, entity: str, since: dt.datetime) -> list[dict[str, Any]]:
        """One entity's changes since ``since``: the changed records (oldest change first),
        then the deleted ones as ``{"status": "Deleted", "Id"...}``."""
        changed: list[tuple[dt.datetime, dict[str, Any]]] = []
        for record in realm.records(entity):
            stamp = date_parser.isoparse(record["MetaData"]["LastUpdatedTime"])
            if stamp >= since:
                changed.append((stamp, record))
        changed.sort(key=lambda pair: pair[0])
        deleted = sorted(
            (when, record_id)
            for record_id, when in realm.tombstones.get(entity, {}).items()
            if when >= since
        )
        return [copy.deepcopy(record) for _, record in changed] + [
            {
                "domain": "QBO",
                "status": "Deleted",
                "Id": record_id,
                "MetaData": {"LastUpdatedTime": qbo_time(when)},
            }
            for when, record_id in deleted
        ]
