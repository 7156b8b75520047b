"""Intuit's OAuth 2.0 endpoints as an ``OAuthProvider`` (the generic flow is ``hubqbo.auth``)."""

from __future__ import annotations

from hubqbo.auth import ClientAuthMethod, OAuthProvider, RevokeStyle

__all__ = ["ACCOUNTING_SCOPE", "intuit_provider", "token_key"]

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"


def intuit_provider(*, include_hard_expiry: bool = True) -> OAuthProvider:
    """Intuit's authorize/token/revoke endpoints (same for production and sandbox companies).

    With ``include_hard_expiry`` token requests ask for ``x_refresh_token_hard_expires_in`` (the
    5-year cap), exposed as ``OAuthToken.refresh_hard_expires_at``.

    Example:
        >>> intuit_provider().token_url
        'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'
    """
    return OAuthProvider(
        name="quickbooks",
        authorize_url="https://appcenter.intuit.com/connect/oauth2",
        token_url="https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",  # noqa: S106
        revoke_url="https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
        client_auth=ClientAuthMethod.BASIC,
        revoke_style=RevokeStyle.JSON_BODY,
        account_param="realmId",
        token_headers=(
            {"x-include-refresh-token-hard-expires-in": "true"} if include_hard_expiry else {}
        ),
    )


def token_key(realm_id: str) -> str:
    """The ``TokenStore`` key of a realm's token: ``"quickbooks:<realmId>"``."""
    return f"quickbooks:{realm_id}"
