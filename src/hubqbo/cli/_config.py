"""``hubqbo.toml``: the tenants the command works on, read with ``tomllib`` (``tomli`` on 3.10).

Why a strict reader of our own: a person edits this file by hand, so every mistake must come back
as one sentence naming the file, the line and the key (``hubqbo.toml:7: tenants.acme.realm: ...``),
and secrets must never be written into it. TOML parsers give values, not line numbers, so
:func:`key_lines` finds the line of every key (tables, dotted keys, inline tables) from the text.

Secrets (OAuth client secrets, tokens, passwords) come only from the environment or the token
store: a key that looks like one, or a DSN with a password in it, is refused with an error.

Example:
    >>> config = parse_config('''
    ... default_tenant = "demo"
    ... [tenants.demo]
    ... sandbox = "in-process"
    ... ''', "hubqbo.toml")
    >>> config.tenant(None).name, config.tenant(None).sandbox
    ('demo', 'in-process')
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import attrs

from hubqbo.errors import ConfigurationError

if sys.version_info >= (3, 11):  # pragma: no cover - version switch
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]

__all__ = [
    "CONFIG_ENV",
    "SYNC_KEYS",
    "SYNC_OBJECTS",
    "SYNC_RULES",
    "SYNC_SHORTHANDS",
    "Config",
    "ConfigError",
    "Tenant",
    "find_config",
    "key_lines",
    "load_config",
    "parse_config",
]

CONFIG_ENV = "HUBQBO_CONFIG"
"""Environment variable naming the config file (``--config`` wins over it)."""
TOKEN_DIR_ENV = "HUBQBO_TOKEN_DIR"  # noqa: S105 - a variable name, not a secret
"""Environment variable naming the token directory (wins over ``token_store`` in the file)."""
DEFAULT_TOKEN_DIR = "~/.hubqbo/tokens"  # noqa: S105 - a directory, not a secret
IN_PROCESS = "in-process"
SYNC_OBJECTS = ("contacts", "products", "invoices")
SYNC_SHORTHANDS = ("on", "off", "update_only")
SYNC_KEYS: dict[str, Any] = {
    "enabled": bool,
    "write": ("create_and_update", "update_only"),
    "delete": ("nothing", "mark", "archive"),
    "filter": ("active_only", "with_email"),
    "from": str,
    "sub_customers": bool,
    "line_items": bool,
    "direction": ("qbo_to_hubspot", "both"),
    "create_in_qbo": ("always", "only_if_eligible"),
    "contact_filter": ("with_email",),
}
SYNC_RULES = ("qbo_wins", "hubspot_wins", "newest_wins", "manual")

_TOP_KEYS = {"default_tenant", "token_store", "tenants"}
_TENANT_KEYS = {
    "realm",
    "realms",
    "portal",
    "environment",
    "state_store",
    "sandbox",
    "token_store",
    "qbo_redirect_uri",
    "hubspot_redirect_uri",
    "hubspot_scopes",
    "fee_item",
    "sync",
}
_SECRET_WORDS = re.compile(r"secret|token$|password|passwd|api_key|apikey|private_key|credential")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ConfigError(ConfigurationError):
    """The config file is missing or invalid; the message names the file, line and key.

    Attributes:
        path: the config file.
        line: the 1-based line of the key (``None`` when the file itself is the problem).
        key: the dotted key (``tenants.acme.realm``), if any.
    """

    def __init__(self, path: str, message: str, *, line: int | None = None, key: str = "") -> None:
        self.path = path
        self.line = line
        self.key = key
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


@attrs.frozen
class Tenant:
    """One business hubqbo works for: its QuickBooks companies, HubSpot portal and settings.

    Attributes:
        name: the tenant's name in the file (``[tenants.<name>]``).
        realms: the QuickBooks company ids (``realmId``) it may write to; the first is the default.
        portal: the HubSpot portal id (``hub_id``), once known.
        environment: Intuit ``"production"`` or ``"sandbox"`` (development keys).
        state_store: where sync and mapping state live: a SQLite path or a PostgreSQL DSN
            (no password in it: use ``PGPASSWORD`` or ``~/.pgpass``).
        sandbox: ``None`` for the real services, ``"in-process"`` for sandboxes built inside the
            command (state lost when it ends), or the URL where ``hubqbo sandbox serve`` answers.
        token_dir: the token store directory (tokens never live in this file).
        qbo_redirect_uri: the redirect URI registered with Intuit (``http://localhost:<port>/...``
            for development keys: loopback listener; ``https://...`` for production keys: paste).
        hubspot_redirect_uri: the redirect URI registered with HubSpot.
        hubspot_scopes: the scopes asked of HubSpot.
        fee_item: the QBO item id quote fees are invoiced with.
        sync: per object (contacts, products, invoices), the sync settings as the file gives
            them (a shorthand ``"on"``/``"off"``/``"update_only"`` becomes ``enabled``/``write``).
    """

    name: str
    realms: tuple[str, ...] = ()
    portal: str | None = None
    environment: Literal["production", "sandbox"] = "production"
    state_store: str | None = None
    sandbox: str | None = None
    token_dir: str = DEFAULT_TOKEN_DIR
    qbo_redirect_uri: str = "http://localhost:8721/callback"
    hubspot_redirect_uri: str = "http://localhost:8721/callback"
    hubspot_scopes: tuple[str, ...] = (
        "oauth",
        "crm.objects.contacts.read",
        "crm.objects.contacts.write",
        "crm.objects.companies.read",
        "crm.objects.companies.write",
        "crm.objects.deals.read",
        "crm.objects.deals.write",
        "crm.objects.invoices.read",
        "crm.objects.invoices.write",
        "crm.schemas.contacts.write",
        "crm.schemas.deals.write",
        "crm.schemas.invoices.write",
        "e-commerce",
    )
    """What invoicing and sync need: records read and written (associations need the write
    scope of both sides), hubqbo's properties created (``crm.schemas.*.write``; products and
    line items: ``e-commerce``, which also covers quotes, discounts and fees)."""
    fee_item: str | None = None
    sync: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)

    @property
    def realm(self) -> str | None:
        """The default QuickBooks company."""
        return self.realms[0] if self.realms else None


@attrs.frozen
class Config:
    """The parsed file: its tenants and which one is the default."""

    path: str
    tenants: Mapping[str, Tenant]
    default_tenant: str | None = None

    def tenant(self, name: str | None) -> Tenant:
        """The tenant ``name``; without a name, ``default_tenant`` or the only tenant."""
        if name is None:
            name = self.default_tenant
        if name is None:
            if len(self.tenants) == 1:
                return next(iter(self.tenants.values()))
            raise ConfigurationError(
                f"{self.path}: several tenants ({', '.join(sorted(self.tenants))}) and no "
                "default_tenant: pick one with --tenant NAME"
            )
        try:
            return self.tenants[name]
        except KeyError:
            known = ", ".join(sorted(self.tenants)) or "none"
            raise ConfigurationError(
                f"{self.path}: no tenant {name!r} (tenants: {known})"
            ) from None


# --------------------------------------------------------------------------- line numbers

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_INLINE_KEY = re.compile(r"[{,]\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def _dotted(text: str) -> list[str]:
    parts = re.findall(r"\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+", text)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def key_lines(text: str) -> dict[str, int]:
    """The 1-based line of every key and table of a TOML text, by dotted path.

    Good enough for hand-written config files: table headers, ``key = value``, dotted keys and
    the keys of one-line inline tables (multi-line strings are skipped).

    Example:
        >>> key_lines('a = 1\\n[t.x]\\nb = {c = 2}\\n')
        {'a': 1, 't': 2, 't.x': 2, 't.x.b': 3, 't.x.b.c': 3}
    """
    found: dict[str, int] = {}
    table: list[str] = []
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:
            if in_multiline in line:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            table = _dotted(header.group(1))
            for depth in range(1, len(table) + 1):
                found.setdefault(".".join(table[:depth]), number)
            continue
        key = _KEY.match(line)
        if not key:
            continue
        path = [*table, *_dotted(key.group(1))]
        for depth in range(len(table) + 1, len(path) + 1):
            found.setdefault(".".join(path[:depth]), number)
        rest = line[key.end() :]
        for quote in ('"""', "'''"):
            if rest.count(quote) == 1:
                in_multiline = quote
        if "{" in rest:
            for inner in _INLINE_KEY.findall(rest):
                found.setdefault(".".join([*path, *_dotted(inner)]), number)
    return found


# --------------------------------------------------------------------------- reading


class _Reader:
    """Checks values, raising :class:`ConfigError` with the file, line and key."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = key_lines(text)

    def fail(self, key: str, message: str) -> ConfigError:
        line = self.lines.get(key)
        probe = key
        while line is None and "." in probe:
            probe = probe.rsplit(".", 1)[0]
            line = self.lines.get(probe)
        return ConfigError(self.path, message, line=line, key=key)

    def string(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}{key}", f"must be a non-empty string, not {value!r}")
        return value.strip()

    def strings(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{where}{key}", "must be a list of strings")
        return tuple(value)

    def identifier(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        value = data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None:
            return None
        if not isinstance(value, str) or not _ID.match(value):
            raise self.fail(
                f"{where}{key}", f"must be an id (letters, digits, '-', '_'), not {value!r}"
            )
        return value

    def refuse_secrets(self, data: Mapping[str, Any], where: str) -> None:
        for key, value in data.items():
            if _SECRET_WORDS.search(str(key).lower()):
                raise self.fail(
                    f"{where}{key}",
                    "secrets are never read from the config file; set them in the environment "
                    "(HUBQBO_QBO_CLIENT_SECRET, HUBQBO_HUBSPOT_CLIENT_SECRET...) or connect with "
                    "`hubqbo auth` (tokens live in the token store)",
                )
            if isinstance(value, Mapping):
                self.refuse_secrets(value, f"{where}{key}.")


def _dsn_has_password(value: str) -> bool:
    if "://" in value:
        return urlsplit(value).password is not None
    return re.search(r"(^|\s)password\s*=", value) is not None


def _tenant(reader: _Reader, name: str, data: Any, token_dir: str) -> Tenant:
    where = f"tenants.{name}."
    if not isinstance(data, Mapping):
        raise reader.fail(f"tenants.{name}", "must be a table ([tenants.NAME])")
    if not _ID.match(name):
        raise reader.fail(f"tenants.{name}", "a tenant name is letters, digits, '-' and '_'")
    for key in data:
        if key not in _TENANT_KEYS:
            raise reader.fail(
                f"{where}{key}", f"unknown key (known: {', '.join(sorted(_TENANT_KEYS))})"
            )
    realm = reader.identifier(data, "realm", where)
    realms_raw = data.get("realms")
    realms: list[str] = [realm] if realm else []
    if realms_raw is not None:
        if not isinstance(realms_raw, list):
            raise reader.fail(f"{where}realms", "must be a list of QuickBooks company ids")
        for index, value in enumerate(realms_raw):
            one = reader.identifier({"realms": value}, "realms", where)
            if one is None:
                raise reader.fail(f"{where}realms", f"entry {index + 1} is empty")
            if one not in realms:
                realms.append(one)
    environment = reader.string(data, "environment", where) or "production"
    if environment not in ("production", "sandbox"):
        raise reader.fail(f"{where}environment", "must be 'production' or 'sandbox'")
    state_store = reader.string(data, "state_store", where)
    if state_store is not None and _dsn_has_password(state_store):
        raise reader.fail(
            f"{where}state_store",
            "the DSN holds a password; remove it and set PGPASSWORD (or use ~/.pgpass): "
            "secrets are never read from the config file",
        )
    sandbox = reader.string(data, "sandbox", where)
    if sandbox is not None and sandbox != IN_PROCESS:
        parts = urlsplit(sandbox)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise reader.fail(
                f"{where}sandbox",
                f"must be {IN_PROCESS!r} or the URL `hubqbo sandbox serve` prints "
                f"(http://127.0.0.1:PORT), not {sandbox!r}",
            )
        sandbox = sandbox.rstrip("/")
    sync = _sync_settings(reader, data.get("sync", {}), f"{where}sync")
    options: dict[str, Any] = {}
    for key in ("qbo_redirect_uri", "hubspot_redirect_uri"):
        uri = reader.string(data, key, where)
        if uri is not None:
            if urlsplit(uri).scheme not in ("http", "https"):
                raise reader.fail(f"{where}{key}", f"must be an http(s) URL, not {uri!r}")
            options[key] = uri
    scopes = reader.strings(data, "hubspot_scopes", where)
    if scopes is not None:
        options["hubspot_scopes"] = scopes
    return Tenant(
        name=name,
        realms=tuple(realms),
        portal=reader.identifier(data, "portal", where),
        environment="sandbox" if environment == "sandbox" else "production",
        state_store=state_store,
        sandbox=sandbox,
        token_dir=os.environ.get(TOKEN_DIR_ENV)
        or reader.string(data, "token_store", where)
        or token_dir,
        fee_item=reader.identifier(data, "fee_item", where),
        sync=sync,
        **options,
    )


def _sync_settings(reader: _Reader, raw: Any, where: str) -> dict[str, dict[str, Any]]:
    """``[tenants.NAME.sync]``: per object a shorthand or a table of SyncConfig settings."""
    if not isinstance(raw, Mapping):
        raise reader.fail(where, "must be a table ([tenants.NAME.sync])")
    out: dict[str, dict[str, Any]] = {}
    for name, value in raw.items():
        key = f"{where}.{name}"
        if name == "conflict_rule":
            if value not in SYNC_RULES:
                raise reader.fail(key, f"must be one of {', '.join(SYNC_RULES)}, not {value!r}")
            out[name] = {"rule": value}
            continue
        if name not in SYNC_OBJECTS:
            raise reader.fail(key, f"unknown object (known: {', '.join(SYNC_OBJECTS)})")
        if isinstance(value, str):
            if value not in SYNC_SHORTHANDS:
                raise reader.fail(
                    key, f"must be one of {', '.join(SYNC_SHORTHANDS)} or a table, not {value!r}"
                )
            out[name] = (
                {"enabled": value != "off"}
                if value != "update_only"
                else {"enabled": True, "write": "update_only"}
            )
            continue
        if not isinstance(value, Mapping):
            raise reader.fail(key, "must be a string (on, off, update_only) or a table")
        settings: dict[str, Any] = {}
        for setting, given in value.items():
            rule = SYNC_KEYS.get(setting)
            here = f"{key}.{setting}"
            if rule is None:
                raise reader.fail(here, f"unknown setting (known: {', '.join(SYNC_KEYS)})")
            if rule is bool and not isinstance(given, bool):
                raise reader.fail(here, f"must be true or false, not {given!r}")
            settings[setting] = _sync_value(reader, name, setting, given, here)
            continue
        _check_creation(reader, key, settings)
        out[name] = settings
    return out


def _check_creation(reader: _Reader, key: str, settings: Mapping[str, Any]) -> None:
    """``create_in_qbo`` needs two-way contacts, and ``only_if_eligible`` a contact filter
    (the engine refuses the same; here the error names the file and line)."""
    policy = settings.get("create_in_qbo")
    if policy is None:
        if "contact_filter" in settings:
            raise reader.fail(f"{key}.contact_filter", "goes with create_in_qbo")
        return
    if settings.get("direction") != "both":
        raise reader.fail(
            f"{key}.create_in_qbo", 'contacts create QBO customers only with direction = "both"'
        )
    if policy == "only_if_eligible" and not settings.get("contact_filter"):
        raise reader.fail(
            f"{key}.create_in_qbo", 'only_if_eligible needs contact_filter = ["with_email"]'
        )


_FILTER_NAMES = ("active_only", "with_email")


def _sync_value(reader: _Reader, name: str, setting: str, given: Any, here: str) -> Any:
    """One checked sync setting (filters as a list, ``from`` as a date)."""
    rule = SYNC_KEYS[setting]
    if setting == "filter":
        names = [given] if isinstance(given, str) else given
        if not isinstance(names, list) or any(g not in _FILTER_NAMES for g in names):
            raise reader.fail(here, f"must name filters among {', '.join(_FILTER_NAMES)}")
        return names
    if setting == "from":
        if name != "invoices" or not isinstance(given, (str, dt.date)):
            raise reader.fail(here, "invoices only: a date (2026-01-01)")
        try:
            return dt.date.fromisoformat(str(given))
        except ValueError:
            raise reader.fail(here, f"not a date: {given!r}") from None
    if setting in ("create_in_qbo", "contact_filter"):
        if name != "contacts":
            raise reader.fail(here, "contacts only: QBO customers are made from HubSpot contacts")
        if setting == "contact_filter":
            names = [given] if isinstance(given, str) else given
            if not isinstance(names, list) or any(g not in rule for g in names):
                raise reader.fail(here, f"must name contact filters among {', '.join(rule)}")
            return names
    if setting == "direction" and name == "invoices" and given == "both":
        raise reader.fail(here, "invoices sync one way (qbo_to_hubspot): the ledger keeps money")
    if isinstance(rule, tuple) and given not in rule:
        raise reader.fail(here, f"must be one of {', '.join(rule)}, not {given!r}")
    return given


_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_config(text: str, path: str) -> Config:
    """Parse and check a config text (``path`` is only used in messages).

    Raises:
        ConfigError: the text is not TOML, or a key is unknown, wrong, or holds a secret.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        reason = _TOML_LINE.sub("", str(exc)).strip()
        raise ConfigError(path, f"not valid TOML: {reason}", line=line) from None
    reader = _Reader(path, text)
    reader.refuse_secrets(data, "")
    for key in data:
        if key not in _TOP_KEYS:
            raise reader.fail(key, f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    tenants_raw = data.get("tenants", {})
    if not isinstance(tenants_raw, Mapping) or not tenants_raw:
        raise ConfigError(
            path, "no tenant: add a [tenants.NAME] table (see docs/cli.md)", key="tenants"
        )
    token_dir = reader.string(data, "token_store", "") or DEFAULT_TOKEN_DIR
    tenants = {name: _tenant(reader, name, value, token_dir) for name, value in tenants_raw.items()}
    default = reader.string(data, "default_tenant", "")
    if default is not None and default not in tenants:
        raise reader.fail(
            "default_tenant", f"no tenant {default!r} (tenants: {', '.join(sorted(tenants))})"
        )
    return Config(path=path, tenants=tenants, default_tenant=default)


def find_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    """The config file to read: ``--config``, else ``$HUBQBO_CONFIG``, else ``./hubqbo.toml``,
    else ``$XDG_CONFIG_HOME/hubqbo/hubqbo.toml`` (``~/.config/...``); ``None`` when none exists
    (an explicit path is returned even when missing, so the error can name it)."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    here = Path("hubqbo.toml")
    if here.exists():
        return here
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    home = xdg / "hubqbo" / "hubqbo.toml"
    return home if home.exists() else None


def load_config(path: Path | None) -> Config:
    """Read and check the config file.

    Raises:
        ConfigError: no file, an unreadable one, or an invalid one.
    """
    if path is None:
        raise ConfigError(
            "hubqbo.toml",
            "no config file: create ./hubqbo.toml (`hubqbo config init` writes one), or name "
            f"one with --config PATH or ${CONFIG_ENV}",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot be read: {exc}") from None
    return parse_config(text, str(path))
