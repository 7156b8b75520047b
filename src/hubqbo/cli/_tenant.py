"""A tenant at run time: its token store, OAuth clients, QuickBooks and HubSpot clients.

Why one place: every command needs the same wiring — real services with OAuth tokens from the
token store, sandboxes served by ``hubqbo sandbox serve`` (reached over loopback HTTP, real OAuth
included), or sandboxes built inside the command (``sandbox = "in-process"``: the demo business,
gone when the command ends). Client secrets come only from the environment; tokens only from the
token store.

``connections.json`` in the token directory lists what ``hubqbo auth`` connected (account ids,
company names, when): no token, nothing secret. ``hubqbo realms`` reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import httpx

from hubqbo.auth import ClientCredentials, FileTokenStore, OAuth2Auth, OAuthClient
from hubqbo.cli._config import IN_PROCESS, Tenant
from hubqbo.errors import AuthenticationError, ConfigurationError, TransportError
from hubqbo.hubspot import HubSpotClient, HubSpotOAuth, hubspot_provider
from hubqbo.hubspot import token_key as hubspot_key
from hubqbo.invoices import InvoiceBuilder
from hubqbo.quickbooks import QuickBooksClient, intuit_provider
from hubqbo.quickbooks import token_key as qbo_key

__all__ = ["ENV", "Connection", "SandboxEndpoints", "Workspace", "discover_sandboxes"]

ENV = {
    "qbo_id": "HUBQBO_QBO_CLIENT_ID",
    "qbo_secret": "HUBQBO_QBO_CLIENT_SECRET",
    "hubspot_id": "HUBQBO_HUBSPOT_CLIENT_ID",
    "hubspot_secret": "HUBQBO_HUBSPOT_CLIENT_SECRET",
    "hubspot_token": "HUBQBO_HUBSPOT_TOKEN",
}
"""Environment variables the command reads its secrets from (never the config file)."""

SANDBOX_CLIENT = ("sandbox-client-id", "sandbox-client-secret")
"""The sandboxes' OAuth app (not a secret: the sandboxes accept nothing else)."""

HUBSPOT_API_VERSION = "v3"
_SANDBOX_SCOPES = ("crm.schemas.products.write", "crm.schemas.line_items.write")


@attrs.frozen
class SandboxEndpoints:
    """Where ``hubqbo sandbox serve`` answers (read from its index, ``GET <url>/``)."""

    index_url: str
    hubspot_url: str
    quickbooks_url: str
    realms: tuple[str, ...]
    portal: str


def discover_sandboxes(
    url: str, *, transport: httpx.BaseTransport | None = None
) -> SandboxEndpoints:
    """Ask the served sandboxes at ``url`` for their addresses, realms and portal.

    Raises:
        TransportError: nothing answers there (start it with ``hubqbo sandbox serve``).
    """
    try:
        with httpx.Client(transport=transport, timeout=10.0) as client:
            data = client.get(f"{url}/").raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        raise TransportError(
            f"no sandboxes answer at {url} ({type(exc).__name__}); start them with "
            "`hubqbo sandbox serve` or change the tenant's sandbox URL"
        ) from None
    return SandboxEndpoints(
        index_url=url,
        hubspot_url=str(data["hubspot_url"]),
        quickbooks_url=str(data["quickbooks_url"]),
        realms=tuple(str(r) for r in data.get("realms", ())),
        portal=str(data.get("portal", "")),
    )


# --------------------------------------------------------------------------- connections


@attrs.frozen
class Connection:
    """One account ``hubqbo auth`` connected (nothing secret)."""

    provider: str
    account_id: str
    name: str | None = None
    country: str | None = None
    currency: str | None = None
    connected_at: str | None = None
    tenant: str | None = None

    @property
    def key(self) -> str:
        """The token store key."""
        if self.provider == "quickbooks":
            return qbo_key(self.account_id)
        return hubspot_key(self.account_id)


def _connections_path(directory: Path) -> Path:
    return directory / "connections.json"


def read_connections(directory: Path) -> list[Connection]:
    """What ``hubqbo auth`` connected, oldest first."""
    try:
        data = json.loads(_connections_path(directory).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except ValueError as exc:
        raise ConfigurationError(
            f"{_connections_path(directory)}: not valid JSON ({exc}); delete it and connect "
            "again with `hubqbo auth`"
        ) from None
    fields = {f.name for f in attrs.fields(Connection)}
    return [Connection(**{k: v for k, v in row.items() if k in fields}) for row in data]


def remember_connection(directory: Path, connection: Connection) -> None:
    """Add or replace ``connection`` in ``connections.json`` (written atomically, mode 0600)."""
    rows = [c for c in read_connections(directory) if c.key != connection.key]
    rows.append(connection)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump([attrs.asdict(c) for c in rows], handle, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, _connections_path(directory))


# --------------------------------------------------------------------------- the workspace


class Workspace:
    """Clients for one tenant, built on demand (one per command run)."""

    def __init__(self, tenant: Tenant, *, environ: Mapping[str, str] | None = None) -> None:
        self.tenant = tenant
        self.environ = os.environ if environ is None else environ
        self.token_dir = Path(tenant.token_dir).expanduser()
        self._store: FileTokenStore | None = None
        self._served: SandboxEndpoints | None = None
        self._world: Any = None
        self._qbo: dict[str, QuickBooksClient] = {}
        self._crm: HubSpotClient | None = None

    # ---------------------------------------------------------------- where things are
    @property
    def in_process(self) -> bool:
        """Sandboxes built inside this command."""
        return self.tenant.sandbox == IN_PROCESS

    @property
    def served(self) -> SandboxEndpoints | None:
        """The served sandboxes' endpoints (``None`` for real services or in-process)."""
        if self.tenant.sandbox is None or self.in_process:
            return None
        if self._served is None:
            self._served = discover_sandboxes(self.tenant.sandbox)
        return self._served

    @property
    def world(self) -> Any:
        """The in-process demo world (``hubqbo.cli.DemoWorld``)."""
        if self._world is None:
            from hubqbo.cli._demo import build_demo_world

            self._world = build_demo_world()
        return self._world

    @property
    def store(self) -> FileTokenStore:
        """The token store (a directory of 0600 JSON files)."""
        if self._store is None:
            self._store = FileTokenStore(self.token_dir)
        return self._store

    def connections(self, provider: str | None = None) -> list[Connection]:
        """What ``hubqbo auth`` connected, for this tenant's token directory."""
        return [
            c
            for c in read_connections(self.token_dir)
            if provider is None or c.provider == provider
        ]

    # ---------------------------------------------------------------- OAuth
    def _credentials(self, provider: str, redirect_uri: str) -> ClientCredentials:
        id_var, secret_var = ENV[f"{provider}_id"], ENV[f"{provider}_secret"]
        client_id, secret = self.environ.get(id_var), self.environ.get(secret_var)
        if (not client_id or not secret) and self.tenant.sandbox is not None:
            client_id, secret = SANDBOX_CLIENT
        if not client_id or not secret:
            raise ConfigurationError(
                f"set {id_var} and {secret_var} in the environment (your app's keys; "
                "secrets are never read from the config file)"
            )
        return ClientCredentials(client_id, secret, redirect_uri=redirect_uri)

    def qbo_oauth(self) -> OAuthClient:
        """Intuit's OAuth client (served sandbox: its token endpoint)."""
        provider = intuit_provider()
        served = self.served
        if served is not None:
            provider = attrs.evolve(
                provider,
                authorize_url=f"{served.index_url}/authorize/quickbooks",
                token_url=f"{served.quickbooks_url}/oauth2/v1/tokens/bearer",
                revoke_url=f"{served.quickbooks_url}/v2/oauth2/tokens/revoke",
            )
        return OAuthClient(provider, self._credentials("qbo", self.tenant.qbo_redirect_uri))

    def hubspot_oauth(self) -> HubSpotOAuth:
        """HubSpot's OAuth client (served sandbox: its token endpoint)."""
        served = self.served
        if served is None:
            provider = hubspot_provider(HUBSPOT_API_VERSION)
        else:
            provider = attrs.evolve(
                hubspot_provider(HUBSPOT_API_VERSION, base_url=served.hubspot_url),
                authorize_url=f"{served.index_url}/authorize/hubspot",
            )
        return HubSpotOAuth(
            provider, self._credentials("hubspot", self.tenant.hubspot_redirect_uri)
        )

    def hubspot_scopes(self) -> list[str]:
        """The scopes to ask HubSpot for: the tenant's. The sandbox reads property writes on
        products and line items as needing ``crm.schemas.products.write`` and
        ``crm.schemas.line_items.write`` (HubSpot's description also accepts ``e-commerce``),
        so a sandbox tenant asks for those too, or its sync could not create hubqbo's
        properties."""
        scopes = list(self.tenant.hubspot_scopes)
        if self.tenant.sandbox is not None:
            scopes += [s for s in _SANDBOX_SCOPES if s not in scopes]
        return scopes

    # ---------------------------------------------------------------- QuickBooks
    def realm_ids(self) -> list[str]:
        """The QuickBooks companies of this tenant: the file's, else the connected ones, else
        the sandboxes'."""
        if self.tenant.realms:
            return list(self.tenant.realms)
        if self.in_process:
            return [self.world.us.realm_id, self.world.uk.realm_id]
        connected = [c.account_id for c in self.connections("quickbooks")]
        if connected:
            return connected
        served = self.served
        return list(served.realms) if served is not None else []

    def realm(self, wanted: str | None) -> str:
        """``wanted``, else the tenant's default company."""
        if wanted:
            return wanted
        realms = self.realm_ids()
        if not realms:
            raise AuthenticationError(
                provider="quickbooks",
                status_code=None,
                code="no_token",
                message="no QuickBooks company is connected: run `hubqbo auth quickbooks`",
            )
        return realms[0]

    def qbo(self, realm_id: str) -> QuickBooksClient:
        """The QuickBooks client for one company."""
        if realm_id in self._qbo:
            return self._qbo[realm_id]
        if self.in_process:
            world = self.world
            clients = {world.us.realm_id: world.us, world.uk.realm_id: world.uk}
            if realm_id not in clients:
                raise ConfigurationError(
                    f"the in-process sandbox has companies {', '.join(clients)}, not {realm_id}"
                )
            client: QuickBooksClient = clients[realm_id]
        else:
            auth = OAuth2Auth(self.qbo_oauth(), self.store, qbo_key(realm_id))
            served = self.served
            client = QuickBooksClient(
                realm_id=realm_id,
                auth=auth,
                environment=self.tenant.environment,
                base_url=served.quickbooks_url if served is not None else None,
            )
        self._qbo[realm_id] = client
        return client

    # ---------------------------------------------------------------- HubSpot
    def portal(self) -> str | None:
        """The HubSpot portal: the file's, else the one connected."""
        if self.tenant.portal:
            return self.tenant.portal
        connected = self.connections("hubspot")
        return connected[-1].account_id if connected else None

    def crm(self) -> HubSpotClient:
        """The HubSpot client (a private-app token from the environment, else OAuth)."""
        if self._crm is not None:
            return self._crm
        if self.in_process:
            crm: HubSpotClient = self.world.crm
        else:
            served = self.served
            base: dict[str, Any] = {"base_url": served.hubspot_url} if served else {}
            token = self.environ.get(ENV["hubspot_token"])
            if token:
                crm = HubSpotClient(access_token=token, api_version=HUBSPOT_API_VERSION, **base)
            else:
                portal = self.portal()
                if portal is None:
                    raise AuthenticationError(
                        provider="hubspot",
                        status_code=None,
                        code="no_token",
                        message="HubSpot is not connected: run `hubqbo auth hubspot` (or set "
                        f"{ENV['hubspot_token']} to a private-app token)",
                    )
                crm = HubSpotClient.from_oauth(
                    self.hubspot_oauth(),
                    self.store,
                    portal,
                    api_version=HUBSPOT_API_VERSION,
                    **base,
                )
        self._crm = crm
        return crm

    # ---------------------------------------------------------------- services
    def builder(self, realm_id: str) -> InvoiceBuilder:
        """An ``InvoiceBuilder`` on the tenant's HubSpot and one QuickBooks company."""
        if self.in_process:
            world = self.world
            builder: InvoiceBuilder = world.builder()
            return builder
        return InvoiceBuilder(
            self.crm(), {realm_id: self.qbo(realm_id)}, fee_item_id=self.tenant.fee_item
        )

    def close(self) -> None:
        """Close the HTTP clients."""
        for client in self._qbo.values():
            with contextlib.suppress(Exception):
                client.close()
        if self._crm is not None:
            with contextlib.suppress(Exception):
                self._crm.close()


def utc_now() -> dt.datetime:
    """Now, aware (UTC)."""
    return dt.datetime.now(dt.timezone.utc)
