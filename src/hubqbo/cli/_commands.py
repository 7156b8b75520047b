"""The commands: ``config``, ``auth``, ``realms``, ``invoice``, ``sandbox``.

Each reads the tenant through the :class:`~hubqbo.cli._app.Session`, works through the library
(``hubqbo.auth`` for OAuth, ``InvoiceBuilder`` for invoices, the sandboxes for ``sandbox
serve``), prints for a person on standard output (or JSON with ``--json``) and lets typed errors
reach ``run``, which picks the exit code.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
import webbrowser
from pathlib import Path
from typing import Any

import click

from hubqbo.auth import OAuthClient
from hubqbo.cli._app import (
    CONTEXT,
    CommandFailed,
    Session,
    confirm,
    hubqbo,
    json_option,
    pass_session,
)
from hubqbo.cli._config import IN_PROCESS
from hubqbo.cli._connect import CallbackListener, listens_on, normalize_pasted
from hubqbo.cli._exit import ExitCode
from hubqbo.cli._render import (
    draft_json,
    invoice_json,
    print_draft,
    print_invoice,
    print_table,
)
from hubqbo.cli._tenant import Connection, Workspace, remember_connection, utc_now
from hubqbo.errors import AuthenticationError, DraftHasProblems, NotFoundError
from hubqbo.hubspot import token_key as hubspot_key
from hubqbo.invoices import InvoiceDraft, LinkedInvoice
from hubqbo.models import OAuthToken
from hubqbo.quickbooks import ACCOUNTING_SCOPE
from hubqbo.quickbooks import token_key as qbo_key
from hubqbo.status import invoice_status

__all__: list[str] = []

# --------------------------------------------------------------------------- config

STARTER = """\
# hubqbo.toml: the tenants the `hubqbo` command works on (docs/cli.md).
# Secrets never go here: client secrets come from the environment
# (HUBQBO_QBO_CLIENT_SECRET, HUBQBO_HUBSPOT_CLIENT_SECRET), tokens from the token store.
default_tenant = "{tenant}"
token_store = "~/.hubqbo/tokens"

[tenants.{tenant}]
{body}
"""

_BODIES = {
    "in-process": 'sandbox = "in-process"   # the demo business, built inside each command',
    "served": 'sandbox = "{url}"   # `hubqbo sandbox serve` answers here',
    "real": """\
# realm = "9130355222573944"     # the QuickBooks company, set by `hubqbo auth quickbooks`
# portal = "62515"               # the HubSpot portal, set by `hubqbo auth hubspot`
environment = "production"       # "sandbox" for Intuit's development keys
qbo_redirect_uri = "http://localhost:8721/callback"      # https://... for production keys
hubspot_redirect_uri = "http://localhost:8721/callback"
state_store = "~/.hubqbo/{tenant}.sqlite3"

[tenants.{tenant}.sync]           # QuickBooks -> HubSpot (hubqbo sync)
contacts = {{ write = "create_and_update", filter = ["active_only"] }}
products = "on"
invoices = {{ enabled = true, from = "2026-01-01" }}\
""",
}


@hubqbo.group(context_settings=CONTEXT)
def config() -> None:
    """Write or check the config file (hubqbo.toml)."""


@config.command("init", context_settings=CONTEXT)
@click.option("--tenant", "tenant", default="main", show_default=True, help="The tenant's name.")
@click.option(
    "--sandbox",
    "sandbox",
    default=None,
    metavar="in-process|URL",
    help="Point the tenant at the sandboxes (offline): 'in-process', or the URL "
    "`hubqbo sandbox serve` prints.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_session
def config_init(session: Session, tenant: str, sandbox: str | None, force: bool) -> None:
    """Write a starter hubqbo.toml (in the current directory, or at --config)."""
    path = Path(session.config_path or "hubqbo.toml")
    if path.exists() and not force:
        raise CommandFailed(f"{path} exists; use --force to overwrite it", ExitCode.CONFIG)
    if sandbox is None:
        body = _BODIES["real"].format(tenant=tenant)
    elif sandbox == IN_PROCESS:
        body = _BODIES["in-process"]
    else:
        body = _BODIES["served"].format(url=sandbox.rstrip("/"))
    text = STARTER.format(tenant=tenant, body=body)
    from hubqbo.cli._config import parse_config

    parse_config(text, str(path))  # what we write must read back
    path.write_text(text, encoding="utf-8")
    session.note(f"wrote {path}")


@config.command("show", context_settings=CONTEXT)
@json_option
@pass_session
def config_show(session: Session, as_json: bool) -> None:
    """Check the config file and show its tenants (no secret is ever in it)."""
    cfg = session.config()
    rows: list[dict[str, Any]] = []
    for tenant in cfg.tenants.values():
        rows.append(
            {
                "tenant": tenant.name,
                "default": tenant.name == (cfg.default_tenant or tenant.name),
                "realms": list(tenant.realms),
                "portal": tenant.portal,
                "sandbox": tenant.sandbox,
                "environment": tenant.environment,
                "state_store": tenant.state_store,
                "token_store": tenant.token_dir,
                "sync": dict(tenant.sync),
            }
        )
    if as_json:
        session.json({"path": cfg.path, "tenants": rows})
        return
    session.out.print(f"{cfg.path}: {len(rows)} tenant(s), valid")
    print_table(
        session.out,
        None,
        ["Tenant", "QuickBooks", "HubSpot", "Where", "Sync"],
        [
            (
                ("* " if r["default"] else "  ") + r["tenant"],
                ", ".join(r["realms"]) or "-",
                r["portal"] or "-",
                r["sandbox"] or r["environment"],
                ", ".join(k if v.get("enabled", True) else f"{k} off" for k, v in r["sync"].items())
                or "-",
            )
            for r in rows
        ],
    )


# --------------------------------------------------------------------------- auth


@hubqbo.group(context_settings=CONTEXT, short_help="Connect QuickBooks Online and HubSpot (OAuth).")
def auth() -> None:
    """Connect QuickBooks Online and HubSpot (OAuth); tokens go to the token store.

    A loopback listener catches the redirect when the redirect URI is
    http://localhost:PORT/... (HubSpot, Intuit development keys); with an https
    redirect URI (Intuit production keys) paste the address your browser lands on.
    """


def _auth_options(command: Any) -> Any:
    command = click.option(
        "--paste",
        is_flag=True,
        help="Paste the redirected address instead of listening on localhost.",
    )(command)
    command = click.option(
        "--no-browser", is_flag=True, help="Print the address instead of opening a browser."
    )(command)
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=1),
        default=300,
        show_default=True,
        help="Seconds to wait for the redirect.",
    )(command)
    return json_option(command)


def _callback_url(
    session: Session,
    oauth: OAuthClient,
    scopes: list[str],
    *,
    paste: bool,
    no_browser: bool,
    timeout: float,
) -> tuple[str, str]:
    """Send the person to the consent page; return the redirected URL and the state."""
    request = oauth.authorization_url(scopes)
    redirect_uri = oauth.credentials.redirect_uri or ""
    where = None if paste else listens_on(redirect_uri)
    session.note("Open this address in a browser and approve the connection:")
    session.err.print(request.url, markup=False, highlight=False, soft_wrap=True)
    if where is None:
        if not no_browser:
            webbrowser.open(request.url)
        pasted = click.prompt(
            "Paste the address your browser was sent to (or its ?code=... part)",
            err=True,
        )
        return normalize_pasted(str(pasted), redirect_uri), request.state
    with CallbackListener(*where) as listener:
        session.note(f"Waiting for the redirect on {redirect_uri} ...")
        if not no_browser:
            webbrowser.open(request.url)
        url = listener.wait(timeout)
    if url is None:
        raise CommandFailed(
            f"no redirect arrived within {timeout:g} s; nothing was saved", ExitCode.AUTH
        )
    return url, request.state


def _token_facts(token: OAuthToken) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat(timespec="seconds")

    return {
        "access_token_expires_at": iso(token.expires_at),
        "refresh_token_expires_at": iso(token.refresh_expires_at),
    }


def _workspace(session: Session) -> Workspace:
    space = session.workspace()
    if space.in_process:
        raise CommandFailed(
            f"tenant {space.tenant.name!r} uses in-process sandboxes, which accept any token: "
            "there is nothing to connect. Start `hubqbo sandbox serve` and point a tenant at it "
            "to try the OAuth flow offline.",
            ExitCode.CONFIG,
        )
    return space


@auth.command("quickbooks", context_settings=CONTEXT)
@_auth_options
@pass_session
def auth_quickbooks(
    session: Session, paste: bool, no_browser: bool, timeout: float, as_json: bool
) -> None:
    """Connect a QuickBooks Online company (one run per company)."""
    space = _workspace(session)
    oauth = space.qbo_oauth()
    url, state = _callback_url(
        session, oauth, [ACCOUNTING_SCOPE], paste=paste, no_browser=no_browser, timeout=timeout
    )
    answer = oauth.parse_callback(url, state=state)
    if not answer.account_id:
        raise AuthenticationError(
            provider="quickbooks",
            status_code=None,
            code="no_realm",
            message="the redirect carried no realmId: connect again and pick a company",
        )
    token = oauth.exchange_code(answer.code, account_id=answer.account_id)
    space.store.save(qbo_key(answer.account_id), token)
    profile = space.qbo(answer.account_id).company_profile()
    remember_connection(
        space.token_dir,
        Connection(
            provider="quickbooks",
            account_id=answer.account_id,
            name=profile.company_name,
            country=profile.country,
            currency=profile.home_currency,
            connected_at=utc_now().isoformat(timespec="seconds"),
            tenant=space.tenant.name,
        ),
    )
    facts = {
        "provider": "quickbooks",
        "realm_id": answer.account_id,
        "company": profile.company_name,
        "country": profile.country,
        "currency": profile.home_currency,
        **_token_facts(token),
    }
    if as_json:
        session.json(facts)
        return
    session.out.print(
        f"Connected QuickBooks company {profile.company_name} ({answer.account_id}, "
        f"{profile.country}, {profile.home_currency})."
    )
    if answer.account_id not in space.tenant.realms:
        session.note(
            f'Add realm = "{answer.account_id}" to [tenants.{space.tenant.name}] to make it '
            "the tenant's default company."
        )


@auth.command("hubspot", context_settings=CONTEXT)
@_auth_options
@pass_session
def auth_hubspot(
    session: Session, paste: bool, no_browser: bool, timeout: float, as_json: bool
) -> None:
    """Connect a HubSpot portal; every scope of the tenant's hubspot_scopes must be granted."""
    space = _workspace(session)
    oauth = space.hubspot_oauth()
    wanted = space.hubspot_scopes()
    url, state = _callback_url(
        session, oauth, wanted, paste=paste, no_browser=no_browser, timeout=timeout
    )
    answer = oauth.parse_callback(url, state=state)
    token = oauth.exchange_code(answer.code)
    granted = set((token.scope or "").split())
    missing = [s for s in wanted if s not in granted]
    if token.scope is not None and missing:
        raise AuthenticationError(
            provider="hubspot",
            status_code=None,
            code="scope_refused",
            message=f"HubSpot did not grant {', '.join(missing)}; connect again and allow every "
            "scope asked (nothing was saved)",
        )
    if token.account_id is None:
        raise AuthenticationError(
            provider="hubspot",
            status_code=None,
            code="no_portal",
            message="HubSpot's answer carried no portal id (hub_id); nothing was saved",
        )
    space.store.save(hubspot_key(token.account_id), token)
    remember_connection(
        space.token_dir,
        Connection(
            provider="hubspot",
            account_id=token.account_id,
            connected_at=utc_now().isoformat(timespec="seconds"),
            tenant=space.tenant.name,
        ),
    )
    if as_json:
        session.json(
            {
                "provider": "hubspot",
                "portal_id": token.account_id,
                "scopes": sorted(granted),
                **_token_facts(token),
            }
        )
        return
    session.out.print(f"Connected HubSpot portal {token.account_id} ({len(granted)} scopes).")


# --------------------------------------------------------------------------- realms


def _token_state(token: OAuthToken | None, now: dt.datetime) -> str:
    if token is None:
        return "not connected"
    if token.refresh_expires_at is not None and token.refresh_expires_at <= now:
        return "expired: reconnect"
    if token.expires_at is not None and token.expires_at <= now and not token.refresh_token:
        return "expired: reconnect"
    return "connected"


@hubqbo.command(context_settings=CONTEXT, short_help="List the QuickBooks companies.")
@click.option("--check", is_flag=True, help="Ask each company for its profile (network).")
@json_option
@pass_session
def realms(session: Session, check: bool, as_json: bool) -> None:
    """List the tenant's QuickBooks companies and whether each is connected."""
    space = session.workspace()
    now = utc_now()
    known = {c.account_id: c for c in space.connections("quickbooks")}
    rows: list[dict[str, Any]] = []
    for number, realm_id in enumerate(space.realm_ids()):
        seen = known.get(realm_id)
        name, country, currency = (
            (seen.name, seen.country, seen.currency) if seen else (None, None, None)
        )
        if space.in_process:
            state = "in-process"
        else:
            state = _token_state(space.store.load(qbo_key(realm_id)), now)
        if check or space.in_process:
            profile = space.qbo(realm_id).company_profile()
            name, country, currency = profile.company_name, profile.country, profile.home_currency
        rows.append(
            {
                "realm_id": realm_id,
                "default": number == 0,
                "company": name,
                "country": country,
                "currency": currency,
                "connection": state,
            }
        )
    if as_json:
        session.json(rows)
        return
    if not rows:
        session.note("No QuickBooks company yet: connect one with `hubqbo auth quickbooks`.")
        return
    print_table(
        session.out,
        f"QuickBooks companies of tenant {space.tenant.name}",
        ["Realm", "Company", "Country", "Currency", "Connection"],
        [
            (
                r["realm_id"] + (" *" if r["default"] else ""),
                r["company"] or "?",
                r["country"] or "",
                r["currency"] or "",
                r["connection"],
            )
            for r in rows
        ],
        keep=["Realm"],
    )
    session.note("* the default company (--realm picks another)")


# --------------------------------------------------------------------------- invoice


class _DefaultCreate(click.Group):
    """``hubqbo invoice DEAL_ID`` means ``hubqbo invoice create DEAL_ID``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["create", *args]
        return super().parse_args(ctx, args)


@hubqbo.group(
    cls=_DefaultCreate, context_settings=CONTEXT, short_help="Invoice a deal; send, download."
)
def invoice() -> None:
    """Invoice a HubSpot deal in QuickBooks; send or download an invoice.

    \b
    hubqbo invoice DEAL_ID [--quote ID] [--realm R] [--yes]
    hubqbo invoice send INVOICE [--to EMAIL] [--yes]
    hubqbo invoice pdf INVOICE [-o FILE]
    """


def _pairs(values: tuple[str, ...], what: str) -> list[tuple[int | None, str]]:
    out: list[tuple[int | None, str]] = []
    for value in values:
        line, sep, ident = value.partition("=")
        if not sep:
            out.append((None, value))
            continue
        if not line.isdigit() or not ident:
            raise click.BadParameter(f"{value!r}: expected LINE={what.upper()}_ID", param_hint=what)
        out.append((int(line), ident))
    return out


def _edited(
    draft: InvoiceDraft,
    *,
    customer: str | None,
    new_customer: bool,
    contact: str | None,
    items: tuple[str, ...],
    tax_codes: tuple[str, ...],
) -> InvoiceDraft:
    if contact:
        draft = draft.with_contact(contact)
    if customer:
        draft = draft.with_customer(customer)
    elif new_customer:
        draft = draft.with_new_customer()
    for line, item_id in _pairs(items, "item"):
        if line is None:
            raise click.BadParameter(f"{item_id!r}: expected LINE=ITEM_ID", param_hint="--item")
        draft = draft.with_item(line, item_id)
    for line, code in _pairs(tax_codes, "tax-code"):
        draft = draft.with_tax_code(code, line=line)
    return draft


@invoice.command(
    "create", context_settings=CONTEXT, short_help="Draft, check, confirm and create (default)."
)
@click.argument("deal_id")
@click.option("--quote", "quote_id", metavar="ID", help="Invoice this quote of the deal.")
@click.option("--realm", metavar="R", help="The QuickBooks company (default: the tenant's).")
@click.option("--customer", metavar="ID", help="Bill this QuickBooks customer.")
@click.option("--new-customer", is_flag=True, help="Create the customer from HubSpot data.")
@click.option("--contact", metavar="ID", help="The HubSpot contact billed.")
@click.option("--item", "items", multiple=True, metavar="LINE=ID", help="The item of a line.")
@click.option("--tax-code", "tax_codes", multiple=True, metavar="[LINE=]ID", help="A tax code.")
@click.option("--message", metavar="TEXT", help="The message shown on the invoice.")
@click.option("--yes", "-y", is_flag=True, help="Create without asking.")
@click.option("--dry-run", is_flag=True, help="Show the draft and stop (nothing written).")
@json_option
@pass_session
def invoice_create(  # noqa: PLR0917 - click passes options as arguments
    session: Session,
    deal_id: str,
    quote_id: str | None,
    realm: str | None,
    customer: str | None,
    new_customer: bool,
    contact: str | None,
    items: tuple[str, ...],
    tax_codes: tuple[str, ...],
    message: str | None,
    yes: bool,
    dry_run: bool,
    as_json: bool,
) -> int:
    """Show the draft invoice of DEAL_ID and every problem; confirm; create it.

    Creating is idempotent: running it again returns the same invoice.
    """
    if customer and new_customer:
        raise click.UsageError("--customer and --new-customer exclude each other")
    space = session.workspace()
    realm_id = space.realm(realm)
    builder = space.builder(realm_id)
    if quote_id:
        draft = builder.from_quote(quote_id, realm=realm_id, message=message)
        if draft.source.deal_id not in (None, deal_id):
            raise CommandFailed(
                f"quote {quote_id} belongs to deal {draft.source.deal_id}, not {deal_id}",
                ExitCode.PROBLEMS,
            )
    else:
        draft = builder.from_deal(deal_id, realm=realm_id, message=message)
    draft = _edited(
        draft,
        customer=customer,
        new_customer=new_customer,
        contact=contact,
        items=items,
        tax_codes=tax_codes,
    )
    problems = draft.problems()
    if as_json and (problems or dry_run):
        session.json({"draft": draft_json(draft), "invoice": None})
    elif not as_json:
        print_draft(session.out, draft)
    if problems:
        session.note(f"{len(problems)} problem(s): nothing was written.")
        return int(ExitCode.PROBLEMS)
    if dry_run:
        return int(ExitCode.OK)
    if not yes:
        company = draft.profile.company_name or draft.realm_id
        confirm(f"Create this invoice in QuickBooks ({company})?")
    try:
        linked = builder.create(draft)
    except DraftHasProblems as exc:  # the realm changed meanwhile
        raise CommandFailed(str(exc), ExitCode.PROBLEMS) from None
    if as_json:
        session.json({"draft": draft_json(draft), "invoice": invoice_json(linked)})
    else:
        verb = "Created " if linked.created else "Already created: "
        print_invoice(session.out, linked, verb=verb)
    return int(ExitCode.OK)


def _find_invoice(space: Workspace, realm_id: str, ref: str) -> LinkedInvoice:
    """An invoice by number (DocNumber), else by QuickBooks id."""
    builder = space.builder(realm_id)
    found = builder.search_invoices(realm=realm_id, doc_number=ref)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise CommandFailed(
            f"{len(found)} invoices are numbered {ref}: name one by its QuickBooks id",
            ExitCode.PROBLEMS,
        )
    client = space.qbo(realm_id)
    missing = NotFoundError(
        provider="quickbooks",
        status_code=None,
        code="not_found",
        message=f"no invoice numbered {ref} or with id {ref} in company {realm_id}",
    )
    if not ref.isdigit():  # QuickBooks ids are numbers; anything else was a number search
        raise missing
    try:
        inv = client.get_invoice(ref)
    except NotFoundError:
        raise missing from None
    today = client.company_profile().today(utc_now())
    return LinkedInvoice(
        realm_id=realm_id, invoice=inv, status=invoice_status(inv, today=today), created=None
    )


@invoice.command("send", context_settings=CONTEXT, short_help="E-mail an invoice from QuickBooks.")
@click.argument("invoice_ref", metavar="INVOICE")
@click.option("--realm", metavar="R", help="The QuickBooks company (default: the tenant's).")
@click.option("--to", "to", metavar="EMAIL", help="Send here instead of the bill-to address.")
@click.option("--yes", "-y", is_flag=True, help="Send without asking.")
@json_option
@pass_session
def invoice_send(  # noqa: PLR0917 - click passes options as arguments
    session: Session, invoice_ref: str, realm: str | None, to: str | None, yes: bool, as_json: bool
) -> None:
    """E-mail INVOICE (its number, or QuickBooks id) from QuickBooks."""
    space = session.workspace()
    realm_id = space.realm(realm)
    linked = _find_invoice(space, realm_id, invoice_ref)
    recipient = to or linked.invoice.bill_email
    if not recipient:
        raise CommandFailed(
            f"invoice {invoice_ref} has no bill-to e-mail: give one with --to EMAIL",
            ExitCode.PROBLEMS,
        )
    if not yes:
        confirm(f"E-mail invoice {linked.invoice.doc_number or linked.invoice.id} to {recipient}?")
    sent = space.builder(realm_id).send(linked, to=to)
    if as_json:
        session.json(invoice_json(sent))
        return
    print_invoice(session.out, sent, verb=f"Sent to {recipient}: ")


@invoice.command("pdf", context_settings=CONTEXT, short_help="Download an invoice as PDF.")
@click.argument("invoice_ref", metavar="INVOICE")
@click.option("--realm", metavar="R", help="The QuickBooks company (default: the tenant's).")
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    help="Where to write the PDF ('-' for standard output; default: invoice-<number>.pdf).",
)
@pass_session
def invoice_pdf(session: Session, invoice_ref: str, realm: str | None, output: str | None) -> None:
    """Download INVOICE (its number, or QuickBooks id) as QuickBooks renders it (PDF)."""
    space = session.workspace()
    realm_id = space.realm(realm)
    linked = _find_invoice(space, realm_id, invoice_ref)
    pdf = space.builder(realm_id).preview_pdf(linked)
    if output == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
        return
    target = Path(output or f"invoice-{linked.invoice.doc_number or linked.invoice.id}.pdf")
    target.write_bytes(pdf)
    session.note(f"wrote {target} ({len(pdf):,} bytes)")


# --------------------------------------------------------------------------- sandbox


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@hubqbo.group(context_settings=CONTEXT, short_help="Serve the sandboxes over HTTP (offline).")
def sandbox() -> None:
    """Serve the HubSpot and QuickBooks sandboxes over HTTP (offline trials, tests)."""


@sandbox.command("serve", context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8780,
    show_default=True,
    help="The index and consent pages (0: a free port); HubSpot and QuickBooks take free ports.",
)
@click.option("--empty", is_flag=True, help="Start empty instead of with the demo business.")
@click.option(
    "--latency", type=click.FloatRange(min=0), default=0.0, help="Seconds added to each answer."
)
@json_option
@pass_session
def sandbox_serve(  # noqa: PLR0917 - click passes options as arguments
    session: Session, host: str, port: int, empty: bool, latency: float, as_json: bool
) -> None:
    """Serve both sandboxes until Ctrl-C (the demo business unless --empty).

    Point a tenant at them with sandbox = "<the index URL printed>".
    """
    from hubqbo.cli._consent import ConsentServer
    from hubqbo.sandbox import HubSpotSandbox, QuickBooksSandbox, SystemClock, serve_sandboxes

    if empty:
        hubspot, quickbooks = HubSpotSandbox(), QuickBooksSandbox()
        quickbooks.add_realm(country="US", company_name="Sandbox Company US")
    else:
        from hubqbo.cli._demo import build_demo_world

        world = build_demo_world()
        hubspot, quickbooks = world.hubspot, world.quickbooks
        hubspot.clock = quickbooks.clock = SystemClock()  # tokens expire in real time
    served = serve_sandboxes(
        hubspot, quickbooks, host=host, hubspot_port=0, quickbooks_port=0, latency=latency
    )

    def names() -> list[tuple[str, str]]:
        from hubqbo.cli._demo import _ledger

        return [
            (r, _ledger(quickbooks, r).company_profile().company_name or r)
            for r in quickbooks.realm_ids
        ]

    portal = str(hubspot.store.portal_id)

    def index() -> dict[str, Any]:
        return {
            "hubspot_url": served.hubspot_url,
            "quickbooks_url": served.quickbooks_url,
            "realms": list(quickbooks.realm_ids),
            "portal": portal,
        }

    consent = ConsentServer(
        host=host,
        port=port,
        index=index,
        realms=names,
        authorize_qbo=quickbooks.authorize,
        authorize_hubspot=lambda uri, scopes: hubspot.authorize(redirect_uri=uri, scopes=scopes),
    ).start()
    facts = {"url": consent.url, **index()}
    signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops it as Ctrl-C does
    try:
        if as_json:
            session.json(facts)
        else:
            session.out.print("Sandboxes served; point a tenant at them with:")
            session.out.print(f'  sandbox = "{consent.url}"')
            print_table(
                session.out,
                None,
                ["What", "Where"],
                [
                    ("index and consent pages", consent.url),
                    ("HubSpot API", served.hubspot_url),
                    ("QuickBooks API", served.quickbooks_url),
                    *[(f"QuickBooks company {r}", n) for r, n in names()],
                    ("HubSpot portal", portal),
                ],
            )
            session.out.print("Ctrl-C stops them (their data is not kept).")
        session.stream.flush()
        served.wait()
    except KeyboardInterrupt:
        pass
    finally:
        consent.close()
        served.close()
