"""OpenAPI contract harness for HubSpot: validate every request and response on the wire.

Why: the sandbox and the client are two independent readings of HubSpot's API. This harness is the
third party that checks both against HubSpot's published OpenAPI descriptions
(``../shared/specs/hubspot``, internal reference only, never copied into the repo) with
openapi-core. Where the published description contradicts HubSpot's own documentation, we follow
the documentation, and each such defect is listed once, with its citation, in ``SPEC_DEFECTS``.

Usage (from any test; run pytest as ``python -m pytest`` from the repo root, as ``dev.py`` does,
so that ``tests.contract`` is importable)::

    import httpx
    from tests.contract.hubspot_openapi import ValidatingTransport, load_specs_or_skip
    from hubqbo.sandbox import HubSpotSandbox

    specs = load_specs_or_skip()  # pytest.skip(...) with a reason when ../shared is absent
    transport = ValidatingTransport(HubSpotSandbox(), specs)
    client = httpx.Client(transport=transport, base_url="https://api.hubapi.com")
    client.get("/crm/v3/objects/deals")     # raises ContractViolation on a mismatch (strict)
    assert transport.exchanges[-1].operation == "GET /crm/v3/objects/{objectType}"

``ValidatingTransport(inner, specs, strict=False)`` only records problems in ``.violations``
(call ``assert_clean()`` at the end). Validation is per request (``validate_request``) and per
response (``validate_response``); the spec chosen for a path is the one whose template matches
with the fewest parameters (``/crm/v3/objects/0-3/{dealId}`` beats ``.../{objectType}/{objectId}``).
Hosts are ignored: any ``base_url`` is checked as if it were ``https://api.hubapi.com``.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jsonschema
import pytest
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

__all__ = [
    "SPEC_DEFECTS",
    "ContractViolation",
    "Exchange",
    "HubSpotSpecs",
    "SpecDefect",
    "ValidatingTransport",
    "load_specs_or_skip",
    "shared_specs_dir",
]

HUBSPOT_HOST = "https://api.hubapi.com"

# Files the harness loads: every API hubqbo and the sandbox speak, numbered and dated.
SPEC_FILES = (
    "crm-objects-v3.json",
    "crm-objects-2026-03.json",
    "crm-objects-2026-09.json",
    "crm-deals-v3.json",
    "crm-deals-2026-03.json",
    "crm-contacts-v3.json",
    "crm-contacts-2026-03.json",
    "crm-companies-v3.json",
    "crm-companies-2026-03.json",
    "crm-products-v3.json",
    "crm-products-2026-03.json",
    "crm-line-items-v3.json",
    "crm-line-items-2026-03.json",
    "crm-quotes-v3.json",
    "crm-quotes-2026-03.json",
    "crm-invoices-v3.json",
    "crm-invoices-2026-03.json",
    "crm-associations-v4.json",
    "crm-associations-2026-03.json",
    "crm-associations-2026-09.json",
    "crm-properties-v3.json",
    "crm-properties-2026-03.json",
    "crm-properties-2026-09.json",
    "settings-multicurrency-v3.json",
    "settings-multicurrency-2026-03.json",
    "account-info-v3.json",
    "oauth-v1.json",
    "oauth-v3.json",
    "oauth-2026-03.json",
)


def shared_specs_dir() -> Path | None:
    """``../shared/specs/hubspot`` beside the repo root, or None when it is absent."""
    root = Path(__file__).resolve().parents[2]
    candidate = root / ".." / "shared" / "specs" / "hubspot"
    return candidate.resolve() if candidate.is_dir() else None


# --------------------------------------------------------------------------------------------
# The allowlist: every place where we follow HubSpot's documentation instead of the description.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecDefect:
    """One contradiction between a published description and HubSpot's documentation.

    ``patch`` rewrites the parsed description before openapi-core sees it (None = nothing to
    patch: the defect is listed so that the sandbox's stricter behaviour is explained once).
    ``status_schema`` replaces the description's error schema for responses with that status.
    """

    key: str
    files: str  # fnmatch pattern over SPEC_FILES
    description: str
    doc: str
    patch: Callable[[dict[str, Any]], None] | None = None
    status_schema: tuple[int, str, dict[str, Any]] | None = None  # (status, path regex, schema)


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    return spec.setdefault("components", {}).setdefault("schemas", {})


def _drop_required(schema_name: str, *names: str) -> Callable[[dict[str, Any]], None]:
    def patch(spec: dict[str, Any]) -> None:
        schema = _schemas(spec).get(schema_name)
        if schema is not None and "required" in schema:
            schema["required"] = [r for r in schema["required"] if r not in names]
            if not schema["required"]:
                del schema["required"]

    return patch


def _chain(*patches: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def patch(spec: dict[str, Any]) -> None:
        for one in patches:
            one(spec)

    return patch


def _nullable_property_values(spec: dict[str, Any]) -> None:
    for schema in _schemas(spec).values():
        values = schema.get("properties", {}).get("properties", {})
        if values.get("type") == "object" and "additionalProperties" in values:
            values["additionalProperties"] = {**values["additionalProperties"], "nullable": True}


def _search_request(spec: dict[str, Any]) -> None:
    _drop_required(
        "PublicObjectSearchRequest", "after", "filterGroups", "limit", "properties", "sorts"
    )(spec)
    schema = _schemas(spec).get("PublicObjectSearchRequest")
    if schema is not None:
        schema["properties"]["sorts"] = {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "required": ["propertyName"],
                        "properties": {
                            "propertyName": {"type": "string"},
                            "direction": {"type": "string", "enum": ["ASCENDING", "DESCENDING"]},
                        },
                    },
                ]
            },
        }


_RATE_LIMIT_BODY = {
    "type": "object",
    "required": ["status", "message", "errorType", "correlationId", "policyName"],
    "properties": {
        "status": {"const": "error"},
        "message": {"type": "string"},
        "errorType": {"const": "RATE_LIMIT"},
        "correlationId": {"type": "string"},
        "policyName": {"enum": ["TEN_SECONDLY_ROLLING", "DAILY", "SECONDLY"]},
        "requestId": {"type": "string"},
    },
}

_OAUTH_ERROR_BODY = {
    "type": "object",
    "required": ["status", "message", "error"],
    "properties": {
        "status": {"type": "string"},
        "message": {"type": "string"},
        "correlationId": {"type": "string"},
        "error": {
            "enum": [
                "invalid_grant",
                "invalid_request",
                "invalid_client",
                "unsupported_grant_type",
            ]
        },
        "error_description": {"type": "string"},
    },
}

SPEC_DEFECTS: tuple[SpecDefect, ...] = (
    SpecDefect(
        key="search-request-sorts-and-required",
        files="crm-*",
        description=(
            "PublicObjectSearchRequest types `sorts` as string[] and requires after, "
            "filterGroups, limit, properties and sorts; the docs send `sorts: [{propertyName, "
            "direction}]`, search by `query` alone, and treat every field as optional. Both "
            "sort forms are accepted."
        ),
        doc="https://developers.hubspot.com/docs/api/crm/search (Sort search results; examples)",
        patch=_search_request,
    ),
    SpecDefect(
        key="search-filter-groups-5-not-6",
        files="crm-*",
        description=(
            "`filterGroups` is described as 'Up to 6 groups'; the docs allow 5 groups of 6 "
            "filters, 18 filters in total. The sandbox enforces the documented 5 (no schema "
            "change: the description has no maxItems)."
        ),
        doc="https://developers.hubspot.com/docs/api/crm/search (Filter search results: limits)",
    ),
    SpecDefect(
        key="create-without-associations",
        files="crm-*",
        description=(
            "SimplePublicObjectInputForCreate and SimplePublicObjectBatchInputForCreate require "
            "`associations`; the docs create records with `{properties}` alone."
        ),
        doc="https://developers.hubspot.com/docs/api/crm/deals (Create deals, example body)",
        patch=_chain(
            _drop_required("SimplePublicObjectInputForCreate", "associations"),
            _drop_required("SimplePublicObjectBatchInputForCreate", "associations"),
        ),
    ),
    SpecDefect(
        key="batch-read-optional-lists",
        files="crm-*",
        description=(
            "BatchReadInputSimplePublicObjectId requires `properties` and "
            "`propertiesWithHistory`; the docs' batch read examples send `inputs` with only "
            "`properties` (and `idProperty`)."
        ),
        doc="https://developers.hubspot.com/docs/api/crm/contacts (Retrieve contacts in batch)",
        patch=_drop_required(
            "BatchReadInputSimplePublicObjectId", "properties", "propertiesWithHistory"
        ),
    ),
    SpecDefect(
        key="property-batch-read-data-sensitivity",
        files="crm-properties-*",
        description=(
            "BatchReadInputPropertyName requires `dataSensitivity`; the docs read properties "
            "in batch with `{archived, inputs: [{name}]}`."
        ),
        doc="https://developers.hubspot.com/docs/api/crm/properties (Read properties in batch)",
        patch=_drop_required("BatchReadInputPropertyName", "dataSensitivity"),
    ),
    SpecDefect(
        key="batch-error-links-optional",
        files="*",
        description=(
            "StandardError (the items of a 207's `errors[]`) requires `links` and `errors`; the "
            "docs' multi-status examples carry status, category, message and context only, and "
            "the error-handling page says every error field may be absent."
        ),
        doc="https://developers.hubspot.com/docs/api/error-handling (Multi-status errors)",
        patch=_drop_required("StandardError", "links", "errors"),
    ),
    SpecDefect(
        key="null-property-values",
        files="crm-*",
        description=(
            "Record `properties` are typed as string-valued maps; HubSpot answers `null` for a "
            "requested property that has no value (the docs say unset values may be null or "
            "left out)."
        ),
        doc="https://developers.hubspot.com/docs/api/crm/understanding-the-crm (Properties)",
        patch=_nullable_property_values,
    ),
    SpecDefect(
        key="rate-limit-body",
        files="*",
        description=(
            "A 429 is documented with {status, message, errorType: RATE_LIMIT, correlationId, "
            "policyName, requestId} and no `category`, which the descriptions' Error requires."
        ),
        doc="https://developers.hubspot.com/docs/api/usage-details (Rate limits: error response)",
        status_schema=(429, r".*", _RATE_LIMIT_BODY),
    ),
    SpecDefect(
        key="oauth-error-body",
        files="oauth-*",
        description=(
            "OAuth token errors are RFC 6749 bodies ({error: invalid_grant, error_description}) "
            "plus HubSpot's status/message (e.g. BAD_REFRESH_TOKEN), without `category`."
        ),
        doc=(
            "https://developers.hubspot.com/changelog/new-oauth-v3-api-endpoints-and-standardized-"
            "error-responses; https://developers.hubspot.com/docs/api/oauth/tokens"
        ),
        status_schema=(400, r"^/oauth/", _OAUTH_ERROR_BODY),
    ),
)


# --------------------------------------------------------------------------------------------
# Loading the descriptions
# --------------------------------------------------------------------------------------------


@dataclass
class _LoadedSpec:
    name: str
    openapi: OpenAPI
    templates: list[tuple[re.Pattern[str], str, int]]  # (regex, template, n_params)


def _template_regex(template: str) -> tuple[re.Pattern[str], int]:
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{pattern}$"), template.count("{")


class HubSpotSpecs:
    """HubSpot's published OpenAPI descriptions, patched by ``SPEC_DEFECTS``, loaded lazily.

    Example::

        specs = HubSpotSpecs(shared_specs_dir())
        specs.operation("GET", "/crm/v3/objects/deals")
        # ('crm-objects-v3.json', '/crm/v3/objects/{objectType}')
    """

    def __init__(self, directory: Path, files: tuple[str, ...] = SPEC_FILES) -> None:
        self.directory = directory
        self.files = tuple(f for f in files if (directory / f).is_file())
        self._raw: dict[str, dict[str, Any]] = {}
        self._loaded: dict[str, _LoadedSpec] = {}
        self._index: list[tuple[re.Pattern[str], str, int, str, set[str]]] = []
        for name in self.files:
            raw = json.loads((directory / name).read_text(encoding="utf-8"))
            self._raw[name] = raw
            for template, item in raw.get("paths", {}).items():
                regex, n_params = _template_regex(template)
                methods = {
                    m.upper() for m in item if m in {"get", "post", "put", "patch", "delete"}
                }
                self._index.append((regex, template, n_params, name, methods))

    def operation(self, method: str, path: str) -> tuple[str, str] | None:
        """(spec file, path template) describing ``method path``, most specific first."""
        best: tuple[int, int, str, str] | None = None
        for order, (regex, template, n_params, name, methods) in enumerate(self._index):
            if method.upper() in methods and regex.match(path):
                rank = (n_params, order, name, template)
                if best is None or rank < best:
                    best = rank
        return None if best is None else (best[2], best[3])

    def openapi(self, name: str) -> OpenAPI:
        """The patched openapi-core object for one file."""
        if name not in self._loaded:
            data = copy.deepcopy(self._raw[name])
            _drop_empty_content(data)
            for defect in SPEC_DEFECTS:
                if defect.patch is not None and fnmatch.fnmatch(name, defect.files):
                    defect.patch(data)
            config = Config(
                spec_validator_cls=None,
                security_provider_factory=_NoSecurity(),
                # error responses are described as */*; HubSpot sends JSON, so parse it as JSON
                extra_media_type_deserializers={"*/*": _json_or_bytes},
            )
            self._loaded[name] = _LoadedSpec(name, OpenAPI.from_dict(data, config=config), [])
        return self._loaded[name].openapi


def _drop_empty_content(spec: dict[str, Any]) -> None:
    """``content: {}`` means "no body" (a 204); openapi-core would demand one."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                if isinstance(response, dict) and response.get("content") == {}:
                    del response["content"]


def _json_or_bytes(content: bytes, **_parameters: Any) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content


class _NoSecurity:
    """Authentication is the client's business, not the contract's: skip security checks."""

    def create(self, scheme: Any) -> Callable[[Any], dict[str, Any]]:
        return lambda request: {}


def load_specs_or_skip() -> HubSpotSpecs:
    """The descriptions from ``../shared``, or ``pytest.skip`` saying why they are missing."""
    directory = shared_specs_dir()
    if directory is None:
        pytest.skip(
            "HubSpot's OpenAPI descriptions are not available: ../shared/specs/hubspot "
            "(beside the repo root) is absent; CI provides it."
        )
    return HubSpotSpecs(directory)


# --------------------------------------------------------------------------------------------
# httpx <-> openapi-core adapters
# --------------------------------------------------------------------------------------------


class _OpenAPIRequest:
    def __init__(self, request: httpx.Request, body: bytes) -> None:
        self._request = request
        self._body = body
        query = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return HUBSPOT_HOST

    @property
    def path(self) -> str:
        return self._request.url.path

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        return self._body or None

    @property
    def content_type(self) -> str:
        return self._request.headers.get("content-type", "application/json").lower()


class _OpenAPIResponse:
    def __init__(self, response: httpx.Response, body: bytes) -> None:
        self.status_code = response.status_code
        self.headers = Headers(list(response.headers.items()))
        self.data = body
        self.content_type = response.headers.get("content-type", "application/json").lower()


# --------------------------------------------------------------------------------------------
# The validating transport
# --------------------------------------------------------------------------------------------


class ContractViolation(AssertionError):
    """A request or response that does not match HubSpot's published description."""


@dataclass(frozen=True)
class Exchange:
    """One validated request/response pair (``operation`` is ``"METHOD /template"``)."""

    method: str
    path: str
    status: int
    operation: str
    spec: str


@dataclass
class ValidatingTransport(httpx.BaseTransport):
    """Wraps another transport; validates each request before and each response after it.

    Example::

        transport = ValidatingTransport(HubSpotSandbox(), load_specs_or_skip(), strict=False)
        httpx.Client(transport=transport).get("https://api.hubapi.com/crm/v3/objects/deals")
        transport.assert_clean()
    """

    inner: httpx.BaseTransport
    specs: HubSpotSpecs
    strict: bool = True
    violations: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Validate, forward, validate the answer, and hand it back unchanged."""
        body = request.read()
        path = request.url.path
        found = self.specs.operation(request.method, path)
        if found is None:
            self._fail(f"{request.method} {path}: no operation in the published descriptions")
            return self.inner.handle_request(request)
        spec_name, template = found
        openapi = self.specs.openapi(spec_name)
        oa_request = _OpenAPIRequest(request, body)
        self._check(
            f"request {request.method} {path} [{spec_name}]", openapi.validate_request, oa_request
        )
        response = self.inner.handle_request(request)
        content = response.read()
        override = _status_override(spec_name, path, response.status_code)
        label = f"response {response.status_code} to {request.method} {path} [{spec_name}]"
        if override is not None:
            self._check_schema(label, override, content)
        else:
            oa_response = _OpenAPIResponse(response, content)
            self._check(label, openapi.validate_response, oa_request, oa_response)
        self.exchanges.append(
            Exchange(
                request.method,
                path,
                response.status_code,
                f"{request.method} {template}",
                spec_name,
            )
        )
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            content=content,
            request=request,
            extensions=response.extensions,
        )

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()

    def assert_clean(self) -> None:
        """Raise ``ContractViolation`` listing every recorded mismatch (non-strict mode)."""
        if self.violations:
            raise ContractViolation("\n".join(self.violations))

    def _check(self, label: str, validate: Callable[..., None], *args: Any) -> None:
        try:
            validate(*args)
        except Exception as exc:  # noqa: BLE001 - openapi-core raises a family of errors
            self._fail(f"{label}: {_describe(exc)}")

    def _check_schema(self, label: str, schema: Mapping[str, Any], content: bytes) -> None:
        try:
            jsonschema.validate(json.loads(content or b"null"), dict(schema))
        except (jsonschema.ValidationError, ValueError) as exc:
            self._fail(f"{label}: {exc}")

    def _fail(self, message: str) -> None:
        self.violations.append(message)
        if self.strict:
            raise ContractViolation(message)


def _status_override(spec_name: str, path: str, status: int) -> dict[str, Any] | None:
    for defect in SPEC_DEFECTS:
        if defect.status_schema is None or not fnmatch.fnmatch(spec_name, defect.files):
            continue
        code, path_regex, schema = defect.status_schema
        if code == status and re.search(path_regex, path):
            return schema
    return None


def _describe(exc: BaseException) -> str:
    parts = [f"{type(exc).__name__}: {exc}"]
    for cause in _causes(exc):
        parts.append(f"{type(cause).__name__}: {cause}")
    return " <- ".join(parts)[:1500]


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc.__cause__
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        yield from getattr(current, "schema_errors", ()) or ()
        current = current.__cause__
