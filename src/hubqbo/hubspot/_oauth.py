"""HubSpot's OAuth 2.0 conventions, on the shared ``hubqbo.auth`` machinery.

Why: the authorization-code flow, single-flight refresh and token stores are shared with the
QuickBooks adapter (``hubqbo.auth``); HubSpot differs only in data — endpoints built from the
API version, client credentials in the form body, revocation style — and in one detail of its
token answer: the portal (``hub_id``) and ``scopes`` arrive in the token JSON, not in the
callback. ``hubspot_provider()`` reads them through the provider's public ``on_token_response``
hook (``capture_portal``), so ``hub_id`` becomes the token's ``account_id`` and tokens are kept
per portal under ``"hubspot:<hub_id>"``.

Example:
    >>> hubspot_provider("2026-03").token_url
    'https://api.hubapi.com/oauth/2026-03/token'
    >>> hubspot_provider("v3").token_url
    'https://api.hubapi.com/oauth/v1/token'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from hubqbo.auth import (
    AuthorizationResponse,
    ClientAuthMethod,
    ClientCredentials,
    OAuthClient,
    OAuthProvider,
    RevokeStyle,
)
from hubqbo.hubspot._paths import DEFAULT_API_VERSION, ApiPaths
from hubqbo.models import OAuthToken
from hubqbo.protocols import TokenStore

__all__ = ["AUTHORIZE_URL", "HubSpotOAuth", "capture_portal", "hubspot_provider", "token_key"]

AUTHORIZE_URL = "https://app.hubspot.com/oauth/authorize"
DEFAULT_BASE_URL = "https://api.hubapi.com"


def token_key(portal_id: str | int) -> str:
    """The ``TokenStore`` key of a portal's token.

    Example:
        >>> token_key(62515)
        'hubspot:62515'
    """
    return f"hubspot:{portal_id}"


def hubspot_provider(
    api_version: str = DEFAULT_API_VERSION, *, base_url: str = DEFAULT_BASE_URL
) -> OAuthProvider:
    """HubSpot's ``OAuthProvider`` for ``api_version``.

    Numbered (``"v3"``): ``/oauth/v1/token`` (form body), revocation by
    ``DELETE /oauth/v1/refresh-tokens/<token>``. Dated: ``/oauth/<version>/token`` with every
    parameter in the form body and ``POST .../token/revoke``.
    """
    paths = ApiPaths(api_version)
    base = base_url.rstrip("/")
    token_url = f"{base}{paths.oauth_token()}"
    if paths.dated:
        revoke_url, style = f"{token_url}/revoke", RevokeStyle.FORM_BODY
    else:
        revoke_url, style = f"{base}/oauth/v1/refresh-tokens", RevokeStyle.PATH
    return OAuthProvider(
        name="hubspot",
        authorize_url=AUTHORIZE_URL,
        token_url=token_url,
        revoke_url=revoke_url,
        client_auth=ClientAuthMethod.POST,
        revoke_style=style,
        on_token_response=capture_portal,
        # HubSpot: "store the refresh token you get when initiating your OAuth integration and
        # use it to generate a new access token" (developers.hubspot.com, refresh-access-token)
        refresh_token_rotates=False,
    )


def capture_portal(token: OAuthToken, data: Mapping[str, Any]) -> OAuthToken:
    """``token`` with HubSpot's ``hub_id`` as ``account_id`` and its ``scopes`` list as ``scope``
    (the ``on_token_response`` hook of :func:`hubspot_provider`).

    Example:
        >>> capture_portal(OAuthToken(access_token="a"), {"hub_id": 62515}).account_id
        '62515'
    """
    scopes = data.get("scopes")
    return attrs.evolve(
        token,
        account_id=str(data["hub_id"]) if data.get("hub_id") is not None else token.account_id,
        scope=" ".join(str(s) for s in scopes) if isinstance(scopes, list) else token.scope,
    )


class HubSpotOAuth(OAuthClient):
    """The shared ``OAuthClient`` for HubSpot: captures ``hub_id`` and ``scopes``.

    Example:
        >>> from hubqbo.auth import ClientCredentials
        >>> oauth = HubSpotOAuth(hubspot_provider(), ClientCredentials("cid", "s", "https://a.test/cb"))
        >>> oauth.authorization_url(["crm.objects.deals.read"], state="st").url.startswith(
        ...     "https://app.hubspot.com/oauth/authorize?client_id=cid")
        True
    """

    def __init__(
        self, provider: OAuthProvider, credentials: ClientCredentials, **options: Any
    ) -> None:
        if provider.on_token_response is None:  # a hand-built provider: still capture hub_id
            provider = attrs.evolve(provider, on_token_response=capture_portal)
        super().__init__(provider, credentials, **options)

    def connect(
        self, callback_url: str, *, state: str, store: TokenStore
    ) -> tuple[str, OAuthToken]:
        """Check the callback, exchange its code and save the token under the portal's key.

        Returns:
            The portal id (``hub_id``) and the token.
        """
        answer: AuthorizationResponse = self.parse_callback(callback_url, state=state)
        token = self.exchange_code(answer.code)
        if token.account_id is None:
            raise ValueError("HubSpot's token answer carried no hub_id")
        store.save(token_key(token.account_id), token)
        return token.account_id, token
