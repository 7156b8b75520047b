"""OAuth 2.0 authorization-code flow, provider-neutral: authorize URL, code exchange, refresh,
revoke.

Why: QuickBooks and HubSpot both use the authorization-code grant with rotating refresh tokens
but differ in endpoints, how the client authenticates at the token endpoint (HTTP Basic for
Intuit, form body for HubSpot), which callback parameter names the account (``realmId``) and how
a token is revoked. ``OAuthProvider`` captures exactly those differences as data;
``OAuthClient`` does the HTTP against the provider's token endpoint over its own httpx client
(injectable ``transport=``, so tests use an ``httpx.MockTransport``).
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hmac
import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs
import httpx

from hubqbo._http import (
    Clock,
    RetryPolicy,
    Secret,
    Sleep,
    SystemClock,
    masked_in_logs,
    real_sleep,
    user_agent,
)
from hubqbo.errors import AuthenticationError, ServerError, TransportError
from hubqbo.models import OAuthToken

__all__ = [
    "AuthorizationRequest",
    "AuthorizationResponse",
    "ClientAuthMethod",
    "ClientCredentials",
    "OAuthClient",
    "OAuthProvider",
    "RevokeStyle",
    "TokenResponseHook",
    "parse_token_response",
]

TokenResponseHook = Callable[[OAuthToken, Mapping[str, Any]], OAuthToken]
"""``(parsed token, raw token-endpoint JSON) -> token``: a provider's hook to read extra fields
of the token answer (HubSpot's ``hub_id`` and ``scopes``). It sees the raw JSON, which holds the
tokens: it must not log or keep it."""

_log = logging.getLogger("hubqbo.auth")

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Transport failures before the request reached the token endpoint: safe to send again, even
a single-use authorization code or a rotating refresh token."""


class ClientAuthMethod(str, enum.Enum):
    """How the app authenticates at the token endpoint.

    Example:
        >>> ClientAuthMethod("client_secret_post") is ClientAuthMethod.POST
        True
    """

    BASIC = "client_secret_basic"
    """``Authorization: Basic base64(client_id:client_secret)`` (Intuit)."""
    POST = "client_secret_post"
    """``client_id``/``client_secret`` in the form body (HubSpot)."""


class RevokeStyle(str, enum.Enum):
    """How a token is revoked.

    Example:
        >>> RevokeStyle.PATH.value
        'path'
    """

    JSON_BODY = "json_body"
    """``POST revoke_url`` with ``{"token": ...}`` and client authentication (Intuit)."""
    FORM_BODY = "form_body"
    """``POST revoke_url`` with a form body ``token=...`` (RFC 7009; HubSpot v3)."""
    PATH = "path"
    """``DELETE revoke_url/<token>`` (HubSpot v1 refresh tokens)."""


def _headers(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen
class OAuthProvider:
    """A provider's OAuth endpoints and conventions.

    Attributes:
        name: ``"quickbooks"``/``"hubspot"`` (used in errors and token-store keys).
        authorize_url: where the user grants access.
        token_url: code exchange and refresh endpoint.
        revoke_url: revocation endpoint, if any.
        client_auth: how the client authenticates at the token endpoint.
        revoke_style: how revocation is sent.
        account_param: callback query parameter naming the account (``realmId`` for QBO).
        token_headers: extra headers for token requests (e.g. Intuit's
            ``x-include-refresh-token-hard-expires-in``).
        scope_separator: between scopes in the authorize URL.
        on_token_response: called with the parsed ``OAuthToken`` and the raw JSON of every
            successful code exchange and refresh; returns the token to keep (e.g. with
            ``account_id`` taken from a provider-specific field). ``None``: the parsed token.

    Example:
        >>> p = OAuthProvider(name="demo", authorize_url="https://id.test/authorize",
        ...                   token_url="https://id.test/token")
        >>> p.client_auth.value
        'client_secret_basic'

        A provider whose token answer names the account (as HubSpot's ``hub_id`` does):

        >>> import attrs
        >>> def portal(token, raw):
        ...     return attrs.evolve(token, account_id=str(raw.get("hub_id")))
        >>> p = OAuthProvider(name="demo", authorize_url="https://id.test/authorize",
        ...                   token_url="https://id.test/token", on_token_response=portal)
    """

    name: str
    authorize_url: str
    token_url: str
    revoke_url: str | None = None
    client_auth: ClientAuthMethod = ClientAuthMethod.BASIC
    revoke_style: RevokeStyle = RevokeStyle.JSON_BODY
    account_param: str | None = None
    token_headers: Mapping[str, str] = attrs.field(factory=dict, converter=_headers)
    scope_separator: str = " "
    on_token_response: TokenResponseHook | None = attrs.field(default=None, repr=False)


def _as_secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


@attrs.frozen
class ClientCredentials:
    """The app's client id and secret (the secret never shows in ``repr``).

    Example:
        >>> ClientCredentials("id-1", "s3cret")
        ClientCredentials(client_id='id-1', redirect_uri=None)
    """

    client_id: str
    client_secret: Secret = attrs.field(converter=_as_secret, repr=False)
    redirect_uri: str | None = None


@attrs.frozen
class AuthorizationRequest:
    """Where to send the user, and the ``state`` to check on the callback (keep it in the
    user's session; it never shows in ``repr``).

    Example:
        >>> AuthorizationRequest(url="https://id.test/authorize?state=s", state="s")
        AuthorizationRequest(url='https://id.test/authorize?state=s')
    """

    url: str
    state: str = attrs.field(repr=False)


@attrs.frozen
class AuthorizationResponse:
    """What the callback brought: the code (secret) and the account (``realmId``) if any.

    Example:
        >>> AuthorizationResponse(code="c-1", account_id="9130")
        AuthorizationResponse(account_id='9130')
    """

    code: str = attrs.field(repr=False)
    account_id: str | None = None


def _expiry(now: dt.datetime, seconds: Any) -> dt.datetime | None:
    if seconds is None or seconds == "":
        return None
    return now + dt.timedelta(seconds=int(seconds))


def parse_token_response(
    data: Mapping[str, Any],
    *,
    now: dt.datetime,
    previous: OAuthToken | None = None,
    account_id: str | None = None,
) -> OAuthToken:
    """An ``OAuthToken`` from a token-endpoint JSON answer (RFC 6749 plus Intuit's extras).

    ``expires_in`` → ``expires_at``; Intuit's ``x_refresh_token_expires_in`` and
    ``x_refresh_token_hard_expires_in`` → ``refresh_expires_at``/``refresh_hard_expires_at``.
    A refresh answer without a ``refresh_token`` keeps the previous one.

    Example:
        >>> now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
        >>> t = parse_token_response({"access_token": "a", "refresh_token": "r",
        ...     "expires_in": 3600, "x_refresh_token_expires_in": 8640000}, now=now)
        >>> (t.expires_at.hour, t.refresh_expires_at.date().isoformat())
        (10, '2027-03-05')
    """
    refresh = data.get("refresh_token") or (previous.refresh_token if previous else None)
    scope = data.get("scope")
    if isinstance(scope, list):
        scope = " ".join(str(s) for s in scope)
    hard = _expiry(now, data.get("x_refresh_token_hard_expires_in"))
    return OAuthToken(
        access_token=str(data["access_token"]),
        refresh_token=refresh,
        expires_at=_expiry(now, data.get("expires_in")),
        refresh_expires_at=_expiry(now, data.get("x_refresh_token_expires_in"))
        or (previous.refresh_expires_at if previous and not data.get("refresh_token") else None),
        refresh_hard_expires_at=hard or (previous.refresh_hard_expires_at if previous else None),
        token_type=str(data.get("token_type") or "bearer"),
        scope=scope if scope is not None else (previous.scope if previous else None),
        account_id=account_id or (previous.account_id if previous else None),
    )


_Client = TypeVar("_Client", bound="OAuthClient")


class OAuthClient:
    """The OAuth 2.0 authorization-code flow against one provider.

    Args:
        provider: endpoints and conventions.
        credentials: client id, secret and redirect URI.
        transport: httpx transport for the token endpoint (tests: ``httpx.MockTransport``).
        http_client: or a ready ``httpx.Client``.
        clock: time source for expiry instants.
        retry: attempts and backoff when the token endpoint cannot be reached (connection
            refused or timed out before sending: nothing was sent, so it is always safe); an
            answer, or a failure after sending, is never retried here.
        sleep: how to wait between those attempts (inject a fake in tests).

    Example:
        >>> provider = OAuthProvider(name="demo", authorize_url="https://id.test/authorize",
        ...                          token_url="https://id.test/token", account_param="realmId")
        >>> oauth = OAuthClient(provider, ClientCredentials("cid", "secret", "https://app.test/cb"))
        >>> req = oauth.authorization_url(["accounting"], state="s1")
        >>> req.url
        'https://id.test/authorize?client_id=cid&response_type=code&scope=accounting&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&state=s1'
        >>> oauth.parse_callback("https://app.test/cb?code=c1&state=s1&realmId=9130", state="s1")
        AuthorizationResponse(account_id='9130')
    """

    def __init__(
        self,
        provider: OAuthProvider,
        credentials: ClientCredentials,
        *,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        clock: Clock | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.provider = provider
        self.credentials = credentials
        self.clock: Clock = clock or SystemClock()
        self.retry = retry or RetryPolicy(max_attempts=3)
        self._sleep = sleep or real_sleep
        self._http = http_client or httpx.Client(
            transport=transport, timeout=timeout, headers={"User-Agent": user_agent()}
        )

    def __repr__(self) -> str:
        return (
            f"OAuthClient(provider={self.provider.name!r}, "
            f"client_id={self.credentials.client_id!r})"
        )

    # ------------------------------------------------------------------ authorize

    def authorization_url(
        self,
        scopes: Sequence[str],
        *,
        state: str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> AuthorizationRequest:
        """The URL to send the user to, with a fresh random ``state`` unless one is given."""
        if not self.credentials.redirect_uri:
            raise ValueError("ClientCredentials.redirect_uri is required for the authorize URL")
        state = state or secrets.token_urlsafe(24)
        params = {
            "client_id": self.credentials.client_id,
            "response_type": "code",
            "scope": self.provider.scope_separator.join(scopes),
            "redirect_uri": self.credentials.redirect_uri,
            "state": state,
            **(extra or {}),
        }
        return AuthorizationRequest(
            url=f"{self.provider.authorize_url}?{urlencode(params)}", state=state
        )

    def parse_callback(self, url: str, *, state: str) -> AuthorizationResponse:
        """Check the callback's ``state`` (constant-time) and return its code and account.

        Raises:
            AuthenticationError: the user denied access (``error=``), or the state differs.
        """
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if "error" in query:
            raise self._auth_error(query["error"], f"authorization was refused: {query['error']}")
        got = query.get("state", "")
        if not hmac.compare_digest(got.encode(), state.encode()):
            raise self._auth_error(
                "state_mismatch",
                "the callback's state does not match: possible forgery, start again",
            )
        if "code" not in query:
            raise self._auth_error("missing_code", "the callback carries no authorization code")
        account = query.get(self.provider.account_param) if self.provider.account_param else None
        return AuthorizationResponse(code=query["code"], account_id=account)

    # ------------------------------------------------------------------ token endpoint

    def exchange_code(self, code: str, *, account_id: str | None = None) -> OAuthToken:
        """Exchange an authorization code for tokens (``account_id``: the callback's realm)."""
        form = {"grant_type": "authorization_code", "code": code}
        if self.credentials.redirect_uri:
            form["redirect_uri"] = self.credentials.redirect_uri
        now = self.clock.now()
        data = self._token_request(form)
        return self._on_answer(parse_token_response(data, now=now, account_id=account_id), data)

    def refresh(self, token: OAuthToken) -> OAuthToken:
        """A new token set from ``token``'s refresh token (the caller persists it first).

        Raises:
            AuthenticationError: no refresh token, or it was refused (``invalid_grant``):
                the user must reconnect the app.
        """
        if not token.refresh_token:
            raise self._auth_error(
                "no_refresh_token", "no refresh token is stored: reconnect the app"
            )
        now = self.clock.now()
        data = self._token_request(
            {"grant_type": "refresh_token", "refresh_token": token.refresh_token}
        )
        _log.info("%s: access token refreshed", self.provider.name)
        return self._on_answer(parse_token_response(data, now=now, previous=token), data)

    def revoke(self, token: OAuthToken) -> None:
        """Revoke the refresh token (or the access token when there is none)."""
        if not self.provider.revoke_url:
            raise ValueError(f"{self.provider.name} has no revoke endpoint configured")
        value = token.refresh_token or token.access_token
        style = self.provider.revoke_style
        if style is RevokeStyle.PATH:
            request = self._http.build_request("DELETE", f"{self.provider.revoke_url}/{value}")
        else:
            headers, form = self._client_auth({"token": value})
            if style is RevokeStyle.JSON_BODY:
                request = self._http.build_request(
                    "POST",
                    self.provider.revoke_url,
                    json=form,
                    headers={**headers, "Accept": "application/json"},
                )
            else:
                request = self._http.build_request(
                    "POST", self.provider.revoke_url, data=form, headers=headers
                )
        with masked_in_logs(value):  # the PATH style puts the token in the URL httpx logs
            response = self._send(request)
        if response.status_code >= 400:
            raise self._error_from(response)

    def close(self) -> None:
        """Close the token endpoint's HTTP client."""
        self._http.close()

    def __enter__(self: _Client) -> _Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers

    def _on_answer(self, token: OAuthToken, data: Mapping[str, Any]) -> OAuthToken:
        hook = self.provider.on_token_response
        return token if hook is None else hook(token, data)

    def _client_auth(self, form: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        secret = self.credentials.client_secret.reveal()
        if self.provider.client_auth is ClientAuthMethod.BASIC:
            raw = f"{self.credentials.client_id}:{secret}".encode()
            return {"Authorization": f"Basic {base64.b64encode(raw).decode()}"}, form
        return {}, {**form, "client_id": self.credentials.client_id, "client_secret": secret}

    def _token_request(self, form: dict[str, str]) -> dict[str, Any]:
        headers, body = self._client_auth(form)
        request = self._http.build_request(
            "POST",
            self.provider.token_url,
            data=body,
            headers={**headers, "Accept": "application/json", **self.provider.token_headers},
        )
        response = self._send(request)
        if response.status_code >= 400:
            raise self._error_from(response)
        data = response.json()
        if not isinstance(data, dict) or "access_token" not in data:
            raise self._auth_error("bad_token_response", "the token endpoint sent no access token")
        return data

    def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 1
        while True:
            try:
                return self._http.send(request)
            except _NOT_SENT as exc:
                error = TransportError(
                    f"{self.provider.name}: token endpoint unreachable ({type(exc).__name__})"
                )
                if attempt >= self.retry.max_attempts:
                    raise error from exc
                wait = self.retry.delay(error, attempt)
                _log.info(
                    "%s: token endpoint unreachable (%s); retrying in %.1f s",
                    self.provider.name,
                    type(exc).__name__,
                    wait,
                )
                self._sleep(wait)
                attempt += 1
            except httpx.TransportError as exc:
                raise TransportError(
                    f"{self.provider.name}: token endpoint failed without an answer "
                    f"({type(exc).__name__}); not retried, the request may have been processed"
                ) from exc

    def _error_from(self, response: httpx.Response) -> Exception:
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = str(body.get("error") or response.status_code) if isinstance(body, dict) else None
        if response.status_code >= 500:
            return ServerError(
                provider=self.provider.name,
                status_code=response.status_code,
                code=code,
                message="the token endpoint failed; try again later",
            )
        hint = (
            "the refresh token or code was refused (invalid_grant): reconnect the app"
            if code == "invalid_grant"
            else f"the token endpoint refused the request ({code}): check the app's credentials"
        )
        return AuthenticationError(
            provider=self.provider.name,
            status_code=response.status_code,
            code=code,
            message=hint,
        )

    def _auth_error(self, code: str, message: str) -> AuthenticationError:
        return AuthenticationError(
            provider=self.provider.name, status_code=None, code=code, message=message
        )
