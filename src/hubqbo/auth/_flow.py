"""Putting a token on every request: ``StaticToken`` and the refreshing ``OAuth2Auth``.

Why: as httpx ``Auth`` objects (a generator flow, the httpx habit) the adapters never handle
tokens themselves. ``OAuth2Auth`` refreshes *before* expiry, single-flight under the token
store's lock, persists the rotated refresh token before using the new access token, and on a
401 refreshes at most once and resends; a second 401 is left to the adapter, whose error mapper
raises ``AuthenticationError`` telling the user to reconnect.
"""

from __future__ import annotations

import logging
from collections.abc import Generator

import httpx

from hubqbo._http import Clock, Secret, SystemClock
from hubqbo.auth._oauth import OAuthClient
from hubqbo.errors import AuthenticationError
from hubqbo.models import OAuthToken
from hubqbo.protocols import TokenStore

__all__ = ["OAuth2Auth", "StaticToken"]

_log = logging.getLogger("hubqbo.auth")


class StaticToken(httpx.Auth):
    """A fixed bearer token (QBO access token for quick use, HubSpot private-app token).

    Nothing refreshes it: when it is refused the adapter raises ``AuthenticationError``.

    Example:
        >>> auth = StaticToken("eyJ-secret")
        >>> repr(auth)
        "StaticToken('[REDACTED]')"
        >>> flow = auth.auth_flow(httpx.Request("GET", "https://api.test/"))
        >>> next(flow).headers["Authorization"] == "Bearer eyJ-secret"
        True
    """

    def __init__(self, token: str | Secret) -> None:
        self._token = token if isinstance(token, Secret) else Secret(token)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the bearer header and send."""
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        yield request

    def __repr__(self) -> str:
        return "StaticToken('[REDACTED]')"


class OAuth2Auth(httpx.Auth):
    """Bearer auth from a ``TokenStore``, refreshed through an ``OAuthClient``.

    Args:
        oauth: the provider's OAuth client (token endpoint).
        store: where the token for ``key`` lives (``MemoryTokenStore``, ``FileTokenStore``...).
        key: the store key, e.g. ``"quickbooks:<realmId>"``.
        refresh_margin: refresh when the access token expires within this many seconds.
        clock: time source (inject ``ManualClock`` in tests).

    Example:
        >>> from hubqbo.auth import MemoryTokenStore, OAuthProvider, ClientCredentials
        >>> provider = OAuthProvider(name="demo", authorize_url="https://id.test/a",
        ...                          token_url="https://id.test/t")
        >>> store = MemoryTokenStore()
        >>> store.save("demo:1", OAuthToken(access_token="a1", refresh_token="r1"))
        >>> auth = OAuth2Auth(OAuthClient(provider, ClientCredentials("id", "s")), store, "demo:1")
        >>> next(auth.auth_flow(httpx.Request("GET", "https://api.test/"))).headers["Authorization"]
        'Bearer a1'
    """

    def __init__(
        self,
        oauth: OAuthClient,
        store: TokenStore,
        key: str,
        *,
        refresh_margin: float = 300.0,
        clock: Clock | None = None,
    ) -> None:
        self.oauth = oauth
        self.store = store
        self.key = key
        self.refresh_margin = refresh_margin
        self.clock: Clock = clock or oauth.clock or SystemClock()
        self.refreshes = 0
        """How many refreshes this auth performed (for tests and measurements)."""

    def __repr__(self) -> str:
        return f"OAuth2Auth(provider={self.oauth.provider.name!r}, key={self.key!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send with a fresh-enough token; on 401 refresh once and resend."""
        token = self.current_token()
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        response = yield request
        if response.status_code != 401:
            return
        _log.info("%s: 401 for %s; refreshing once", self.oauth.provider.name, self.key)
        token = self.refresh(stale_access_token=token.access_token)
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        yield request

    def current_token(self) -> OAuthToken:
        """The stored token, refreshed first when it expires within ``refresh_margin``."""
        token = self._load()
        if token.expires_within(self.refresh_margin, now=self.clock.now()):
            return self.refresh(stale_access_token=token.access_token)
        return token

    def refresh(self, *, stale_access_token: str | None = None) -> OAuthToken:
        """Refresh single-flight: under the store lock, re-read; refresh only if still needed.

        Another thread or process may have refreshed while this one waited for the lock; then
        its token (different from ``stale_access_token`` and not expiring) is used as is.
        """
        with self.store.lock(self.key):
            latest = self._load()
            fresh = not latest.expires_within(self.refresh_margin, now=self.clock.now())
            if (
                stale_access_token is not None
                and latest.access_token != stale_access_token
                and fresh
            ):
                return latest
            new = self.oauth.refresh(latest)
            self.store.save(self.key, new)  # persist the rotated refresh token before use
            self.refreshes += 1
            return new

    def _load(self) -> OAuthToken:
        token = self.store.load(self.key)
        if token is None:
            raise AuthenticationError(
                provider=self.oauth.provider.name,
                status_code=None,
                code="no_token",
                message=f"no token is stored for {self.key}: connect the app first",
            )
        return token
