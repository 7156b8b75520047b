"""``hubqbo.toml``: every mistake comes back naming the file, the line and the key, and no secret
is ever read from the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.cli._config import (
    ConfigError,
    find_config,
    key_lines,
    load_config,
    parse_config,
)
from hubqbo.errors import ConfigurationError, HubQboError

GOOD = """\
default_tenant = "acme"
token_store = "~/tokens"

[tenants.acme]
realm = "9130355222573944"
realms = ["9130355222573944", "9130355222573945"]
portal = 62515
environment = "sandbox"
state_store = "postgresql://hubqbo@db.internal/hubqbo"
fee_item = "5"

[tenants.acme.sync]
contacts = "update_only"
products = "off"
invoices = { from = "2026-01-01", delete = "mark", filter = "active_only" }

[tenants.offline]
sandbox = "http://127.0.0.1:8780/"
"""


def test_a_good_file_reads_into_tenants(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUBQBO_TOKEN_DIR", raising=False)
    config = parse_config(GOOD, "hubqbo.toml")
    acme = config.tenant(None)
    assert ("acme", "9130355222573944", "62515") == (acme.name, acme.realm, acme.portal)
    assert ("9130355222573944", "9130355222573945") == acme.realms
    assert "sandbox" == acme.environment
    assert "~/tokens" == acme.token_dir
    assert {
        "contacts": {"enabled": True, "write": "update_only"},
        "products": {"enabled": False},
        "invoices": {"from": dt.date(2026, 1, 1), "delete": "mark", "filter": ["active_only"]},
    } == acme.sync
    assert "http://127.0.0.1:8780" == config.tenant("offline").sandbox


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        (
            '[tenants.a]\nrealm = "1"\nclient_secret = "s3cr3t"\n',
            3,
            "tenants.a.client_secret",
            "environment",
        ),
        (
            '[tenants.a]\nrealm = "1"\n[tenants.a.sync]\naccess_token = "x"\n',
            4,
            "tenants.a.sync.access_token",
            "token store",
        ),
        ('hubspot_api_key = "x"\n[tenants.a]\n', 1, "hubspot_api_key", "never read"),
        (
            '[tenants.a]\nstate_store = "postgresql://me:pw@db/x"\n',
            2,
            "tenants.a.state_store",
            "PGPASSWORD",
        ),
        (
            '[tenants.a]\nstate_store = "host=db password=pw"\n',
            2,
            "tenants.a.state_store",
            "password",
        ),
        ('[tenants.a]\n\nrelam = "1"\n', 3, "tenants.a.relam", "unknown key"),
        ('[tenants.a]\nenvironment = "prod"\n', 2, "tenants.a.environment", "'production'"),
        ('[tenants.a]\nrealm = "12 34"\n', 2, "tenants.a.realm", "an id"),
        ('[tenants.a]\nsandbox = "localhost:8780"\n', 2, "tenants.a.sandbox", "in-process"),
        (
            '[tenants.a]\n[tenants.a.sync]\ndeals = "two_way"\n',
            3,
            "tenants.a.sync.deals",
            "unknown object",
        ),
        (
            '[tenants.a]\nsync = { contacts = "both" }\n',
            2,
            "tenants.a.sync.contacts",
            "update_only",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.contacts]\n\nwrite = "always"\n',
            4,
            "tenants.a.sync.contacts.write",
            "create_and_update",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.products]\nfrom = "2026-01-01"\n',
            3,
            "tenants.a.sync.products.from",
            "invoices only",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.invoices]\nfrom = "soon"\n',
            3,
            "tenants.a.sync.invoices.from",
            "not a date",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.contacts]\nfilter = ["vip"]\n',
            3,
            "tenants.a.sync.contacts.filter",
            "with_email",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.contacts]\nenabled = "yes"\n',
            3,
            "tenants.a.sync.contacts.enabled",
            "true or false",
        ),
        (
            '[tenants.a]\n[tenants.a.sync]\nconflict_rule = "coin_toss"\n',
            3,
            "tenants.a.sync.conflict_rule",
            "manual",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.invoices]\ndirection = "hubspot_to_qbo"\n',
            3,
            "tenants.a.sync.invoices.direction",
            "both",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.invoices]\ndirection = "both"\n',
            3,
            "tenants.a.sync.invoices.direction",
            "one way",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.contacts]\ncreate_in_qbo = "always"\n',
            3,
            "tenants.a.sync.contacts.create_in_qbo",
            'direction = "both"',
        ),
        (
            '[tenants.a]\n[tenants.a.sync.contacts]\ndirection = "both"\n'
            'create_in_qbo = "only_if_eligible"\n',
            4,
            "tenants.a.sync.contacts.create_in_qbo",
            "contact_filter",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.products]\ndirection = "both"\n'
            'create_in_qbo = "always"\n',
            4,
            "tenants.a.sync.products.create_in_qbo",
            "contacts only",
        ),
        (
            '[tenants.a]\n[tenants.a.sync.contacts]\ndirection = "both"\n'
            'create_in_qbo = "sometimes"\n',
            4,
            "tenants.a.sync.contacts.create_in_qbo",
            "only_if_eligible",
        ),
        ('default_tenant = "b"\n[tenants.a]\n', 1, "default_tenant", "no tenant 'b'"),
        ('[tenants.a]\nhubspot_scopes = "oauth"\n', 2, "tenants.a.hubspot_scopes", "list"),
    ],
)
def test_each_mistake_names_file_line_and_key(text: str, line: int, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "conf/hubqbo.toml")
    error = caught.value
    assert (line, key) == (error.line, error.key)
    assert str(error).startswith(f"conf/hubqbo.toml:{line}: {key}: ")
    assert words in str(error)
    assert isinstance(error, ConfigurationError)
    assert "s3cr3t" not in str(error)
    assert ":pw@" not in str(error)


def test_invalid_toml_names_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config('[tenants.a]\nrealm = "1"\nportal = \n', "x.toml")
    assert 3 == caught.value.line
    assert str(caught.value).startswith("x.toml:3: not valid TOML")


def test_no_tenant_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no tenant"):
        parse_config('token_store = "~/t"\n', "x.toml")


def test_tenant_choice() -> None:
    config = parse_config("[tenants.a]\n[tenants.b]\n", "x.toml")
    with pytest.raises(ConfigurationError, match="--tenant"):
        config.tenant(None)
    with pytest.raises(ConfigurationError, match=r"no tenant 'c' \(tenants: a, b\)"):
        config.tenant("c")
    assert "b" == config.tenant("b").name


def test_missing_file_and_no_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file") as caught:
        load_config(tmp_path / "nope.toml")
    assert str(tmp_path / "nope.toml") in str(caught.value)
    with pytest.raises(ConfigError, match="--config"):
        load_config(None)


def test_find_config_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("HUBQBO_CONFIG", raising=False)
    assert find_config(None) is None
    home = tmp_path / "xdg" / "hubqbo" / "hubqbo.toml"
    home.parent.mkdir(parents=True)
    home.write_text("")
    assert home == find_config(None)
    (tmp_path / "hubqbo.toml").write_text("")
    assert Path("hubqbo.toml") == find_config(None)
    monkeypatch.setenv("HUBQBO_CONFIG", "env.toml")
    assert Path("env.toml") == find_config(None)
    assert Path("cli.toml") == find_config("cli.toml")


def test_key_lines_finds_tables_dotted_and_inline_keys() -> None:
    text = 'a = 1\n[t."x y"]\nb.c = 2\nd = { e = 3, "f" = 4 }\ns = """\nq = 9\n"""\nz = 0\n'
    lines = key_lines(text)
    assert {
        "a": 1,
        "t": 2,
        "t.x y": 2,
        "t.x y.b": 3,
        "t.x y.b.c": 3,
        "t.x y.d": 4,
        "t.x y.d.e": 4,
        "t.x y.d.f": 4,
        "t.x y.s": 5,
        "t.x y.z": 8,
    } == lines


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_config_error(text: str) -> None:
    """Whatever a person types, the reader answers with a config or a ConfigError."""
    message = "parsed"
    try:
        parse_config(text, "fuzz.toml")
    except ConfigError as error:
        message = str(error)
    except HubQboError as error:  # pragma: no cover - would be a bug
        pytest.fail(f"not a ConfigError: {error!r}")
    assert message == "parsed" or message.startswith("fuzz.toml")


def test_two_way_settings_reach_the_sync_config() -> None:
    from hubqbo.cli._sync import sync_config
    from hubqbo.mapping import Direction
    from hubqbo.sync import ConflictRule

    tenant = parse_config(
        '[tenants.a]\n[tenants.a.sync]\nconflict_rule = "manual"\n'
        'contacts = { direction = "both" }\n',
        "hubqbo.toml",
    ).tenant(None)
    config = sync_config(tenant.sync, {})
    assert ConflictRule.MANUAL == config.conflict_rule
    assert Direction.BOTH == config.contacts.direction
    assert Direction.QBO_TO_HUBSPOT == config.products.direction
    assert ConflictRule.QBO_WINS == sync_config({}, {}).conflict_rule


def test_creating_qbo_customers_from_contacts_reaches_the_sync_config() -> None:
    from hubqbo.cli._sync import sync_config
    from hubqbo.invoices import CustomerCreationPolicy
    from hubqbo.models import Contact

    tenant = parse_config(
        "[tenants.a]\n[tenants.a.sync]\n"
        'contacts = { direction = "both", create_in_qbo = "only_if_eligible", '
        'contact_filter = ["with_email"] }\n',
        "hubqbo.toml",
    ).tenant(None)
    contacts = sync_config(tenant.sync, {}).contacts
    assert CustomerCreationPolicy.ONLY_IF_ELIGIBLE == contacts.create_in_qbo
    keep = contacts.contact_filter
    assert keep is not None
    assert (True, False) == (keep(Contact(id="1", email="a@b.example")), keep(Contact(id="2")))
    assert sync_config({}, {}).contacts.create_in_qbo is None
