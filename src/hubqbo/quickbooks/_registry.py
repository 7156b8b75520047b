"""Several QuickBooks companies in one app: find the client for a realm, never guess.

Why: writing an invoice to the wrong company is worse than failing. The registry hands out the
client for an explicit realm, and refuses to choose when several are connected and none is named.
"""

from __future__ import annotations

from collections.abc import Iterable

from hubqbo.errors import ConfigurationError
from hubqbo.quickbooks._client import QuickBooksClient

__all__ = ["RealmRegistry"]


class RealmRegistry:
    """Clients by realm id.

    Example:
        >>> import httpx
        >>> t = httpx.MockTransport(lambda r: httpx.Response(200, json={}))
        >>> reg = RealmRegistry([QuickBooksClient(realm_id="1", access_token="a", transport=t)])
        >>> reg.get().realm_id
        '1'
        >>> reg.add(QuickBooksClient(realm_id="2", access_token="b", transport=t))
        >>> reg.get()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        hubqbo.errors.ConfigurationError: several QuickBooks companies are connected (1, 2)...
    """

    def __init__(self, clients: Iterable[QuickBooksClient] = ()) -> None:
        self._clients: dict[str, QuickBooksClient] = {}
        for client in clients:
            self.add(client)

    def add(self, client: QuickBooksClient) -> None:
        """Register ``client``; a second client for the same realm is refused."""
        if client.realm_id in self._clients:
            raise ConfigurationError(f"realm {client.realm_id} is already registered")
        self._clients[client.realm_id] = client

    def remove(self, realm_id: str) -> None:
        """Forget a realm (after disconnecting it)."""
        self._clients.pop(realm_id, None)

    @property
    def realm_ids(self) -> list[str]:
        """The connected realms, sorted."""
        return sorted(self._clients)

    def get(self, realm_id: str | None = None) -> QuickBooksClient:
        """The client for ``realm_id``; without one, the only client, else an error."""
        if realm_id is not None:
            try:
                return self._clients[str(realm_id)]
            except KeyError:
                raise ConfigurationError(
                    f"QuickBooks company {realm_id} is not connected "
                    f"(connected: {', '.join(self.realm_ids) or 'none'})"
                ) from None
        if len(self._clients) == 1:
            return next(iter(self._clients.values()))
        if not self._clients:
            raise ConfigurationError("no QuickBooks company is connected")
        raise ConfigurationError(
            f"several QuickBooks companies are connected ({', '.join(self.realm_ids)}): "
            "name the realm_id to use"
        )

    def __len__(self) -> int:
        return len(self._clients)

    def __contains__(self, realm_id: object) -> bool:
        return realm_id in self._clients
