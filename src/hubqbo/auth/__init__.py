"""OAuth 2.0 and token auth for the provider adapters, provider-neutral.

Why: both providers use the authorization-code grant with rotating refresh tokens; the rules
that keep a connection alive (refresh before expiry, one refresh at a time, save the rotated
refresh token before using the new access token, one retry on 401 then "reconnect") are the same.
Only endpoints and small conventions differ, and those are data (``OAuthProvider``).

How a provider plugs in::

    from hubqbo.auth import (ClientCredentials, ClientAuthMethod, FileTokenStore, OAuth2Auth,
                             OAuthClient, OAuthProvider, RevokeStyle)

    HUBSPOT = OAuthProvider(
        name="hubspot",
        authorize_url="https://app.hubspot.com/oauth/authorize",
        token_url="https://api.hubapi.com/oauth/v1/token",
        revoke_url="https://api.hubapi.com/oauth/v1/refresh-tokens",
        client_auth=ClientAuthMethod.POST,          # id/secret in the form body
        revoke_style=RevokeStyle.PATH,              # DELETE .../refresh-tokens/<token>
    )
    oauth = OAuthClient(HUBSPOT, ClientCredentials(cid, secret, redirect_uri))
    request = oauth.authorization_url(["crm.objects.deals.read"])   # keep request.state
    answer = oauth.parse_callback(callback_url, state=request.state)
    store = FileTokenStore("~/.hubqbo/tokens")
    store.save("hubspot:42", oauth.exchange_code(answer.code))
    auth = OAuth2Auth(oauth, store, "hubspot:42")   # pass as auth= to a client

A provider whose token answer carries more than RFC 6749 fields (HubSpot's ``hub_id``) reads it
with ``OAuthProvider(on_token_response=...)``: called with the parsed token and the raw JSON of
every code exchange and refresh, it returns the token to keep.

For QuickBooks, ``hubqbo.quickbooks.intuit_provider()`` is the provider (``realmId`` captured from
the callback as ``AuthorizationResponse.account_id``). ``StaticToken("...")`` is enough for a
plain access token or a HubSpot private-app token.
"""

from hubqbo.auth._flow import OAuth2Auth, StaticToken
from hubqbo.auth._oauth import (
    AuthorizationRequest,
    AuthorizationResponse,
    ClientAuthMethod,
    ClientCredentials,
    OAuthClient,
    OAuthProvider,
    RevokeStyle,
    TokenResponseHook,
    parse_token_response,
)
from hubqbo.auth._stores import FileTokenStore, MemoryTokenStore, token_from_json, token_to_json

__all__ = [
    "AuthorizationRequest",
    "AuthorizationResponse",
    "ClientAuthMethod",
    "ClientCredentials",
    "FileTokenStore",
    "MemoryTokenStore",
    "OAuth2Auth",
    "OAuthClient",
    "OAuthProvider",
    "RevokeStyle",
    "StaticToken",
    "TokenResponseHook",
    "parse_token_response",
    "token_from_json",
    "token_to_json",
]
