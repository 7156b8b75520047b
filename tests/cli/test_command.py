"""The ``hubqbo`` command run as a person runs it (a child process), on a tenant whose sandboxes
are built inside the command: structure, exit codes, config errors, invoicing."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from hubqbo import __version__
from hubqbo.cli import ExitCode, main
from hubqbo.cli._app import hubqbo as group
from tests.cli.conftest import Run

US, UK = "9341450000000001", "9341450000000002"


def test_version_and_both_module_entry_points(hubqbo: Run) -> None:
    for module in ("hubqbo", "hubqbo.cli"):
        result = hubqbo("--version", module=module)
        assert (0, f"hubqbo {__version__}\n") == (result.code, result.out)


def _paths(command: click.Command, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _paths(sub, (*prefix, name))
    return found


@pytest.mark.parametrize("path", _paths(group), ids=lambda p: " ".join(p) or "hubqbo")
def test_help_on_every_level(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    """Every group and command answers --help with its usage, at most 80 columns wide."""
    assert 0 == main([*path, "--help"])
    text = capsys.readouterr().out
    assert text.startswith(f"Usage: hubqbo {' '.join(path)}".rstrip())
    assert max(len(line) for line in text.splitlines()) <= 80


def test_help_in_a_child_process(hubqbo: Run) -> None:
    result = hubqbo("invoice", "--help")
    assert 0 == result.code
    for word in ("create", "send", "pdf", "hubqbo invoice DEAL_ID"):
        assert word in result.out


def test_missing_extra_says_how_to_install(hubqbo: Run, tmp_path: Path) -> None:
    """Without click the entry point explains itself and exits 9 (no traceback)."""
    script = (
        "import sys; sys.modules['click'] = None; from hubqbo.cli import main; sys.exit(main())"
    )
    import subprocess
    import sys

    from tests.cli.conftest import environment

    done = subprocess.run(
        [sys.executable, "-c", script, "--version"],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ExitCode.MISSING_EXTRA == done.returncode
    assert "pip install 'hubqbo[cli]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2(hubqbo: Run, in_process: Path) -> None:
    assert ExitCode.USAGE == hubqbo("frobnicate").code
    assert ExitCode.USAGE == hubqbo("invoice").code  # no deal id
    bad = hubqbo("invoice", "1015", "--item", "three=7")
    assert ExitCode.USAGE == bad.code
    assert "LINE=ITEM_ID" in bad.err
    both = hubqbo("invoice", "1015", "--customer", "1", "--new-customer")
    assert ExitCode.USAGE == both.code
    assert "--customer and --new-customer exclude each other" in both.err


def test_missing_config_exits_3_and_says_what_to_do(hubqbo: Run) -> None:
    result = hubqbo("realms")
    assert ExitCode.CONFIG == result.code
    assert "no config file" in result.err
    assert "hubqbo config init" in result.err
    named = hubqbo("--config", "elsewhere.toml", "realms")
    assert ExitCode.CONFIG == named.code
    assert "elsewhere.toml: no such file" in named.err


def test_a_secret_in_the_config_is_refused_with_file_line_key(hubqbo: Run, tmp_path: Path) -> None:
    (tmp_path / "hubqbo.toml").write_text(
        '[tenants.a]\nsandbox = "in-process"\nclient_secret = "hunter2"\n'
    )
    result = hubqbo("realms")
    assert ExitCode.CONFIG == result.code
    assert result.err.startswith("error: hubqbo.toml:3: tenants.a.client_secret: secrets are")
    assert "hunter2" not in result.err + result.out


def test_unknown_tenant(hubqbo: Run, in_process: Path) -> None:
    result = hubqbo("--tenant", "nope", "realms")
    assert ExitCode.CONFIG == result.code
    assert "no tenant 'nope' (tenants: demo)" in result.err


def test_config_init_then_show(hubqbo: Run, tmp_path: Path) -> None:
    assert 0 == hubqbo("config", "init", "--tenant", "shop").code
    again = hubqbo("config", "init")
    assert (ExitCode.CONFIG, True) == (again.code, "--force" in again.err)
    shown = hubqbo("config", "show", "--json")
    assert 0 == shown.code, shown.err
    data = json.loads(shown.out)
    assert ["shop"] == [t["tenant"] for t in data["tenants"]]
    assert ["active_only"] == data["tenants"][0]["sync"]["contacts"]["filter"]
    table = hubqbo("config", "show")
    assert "* shop" in table.out


def test_realms_of_the_in_process_sandboxes(hubqbo: Run, in_process: Path) -> None:
    result = hubqbo("realms", "--json")
    assert 0 == result.code, result.err
    rows = json.loads(result.out)
    assert [(US, "US", True), (UK, "GB", False)] == [
        (r["realm_id"], r["country"], r["default"]) for r in rows
    ]
    table = hubqbo("realms")
    assert f"{US} *" in table.out
    assert "Northwind Studio" in table.out


def test_invoice_a_deal_with_yes(hubqbo: Run, in_process: Path) -> None:
    result = hubqbo("invoice", "1015", "--yes", "--json")
    assert 0 == result.code, result.err
    data = json.loads(result.out)
    assert [] == data["draft"]["problems"]
    invoice = data["invoice"]
    assert (US, "awaiting_send", True, "1015") == (
        invoice["realm_id"],
        invoice["status"],
        invoice["created"],
        invoice["deal_id"],
    )
    assert "6034.55" == invoice["total"]  # 5,990.00 + sales tax on the taxable line


def test_invoice_asks_first_and_no_writes_nothing(hubqbo: Run, in_process: Path) -> None:
    shown = hubqbo("invoice", "1015", input="n\n")
    assert ExitCode.CANCELLED == shown.code
    assert "Ready to create." in shown.out
    assert "Create this invoice in QuickBooks (Northwind Studio Inc)?" in shown.err
    assert "nothing was written" in shown.err
    made = hubqbo("invoice", "1015", input="y\n")
    assert 0 == made.code, made.err
    assert "Created Invoice 1001" in made.out


def test_invoice_with_problems_exits_5_and_lists_every_one(hubqbo: Run, in_process: Path) -> None:
    result = hubqbo("invoice", "1018", "--realm", UK, "--json")
    assert ExitCode.PROBLEMS == result.code
    data = json.loads(result.out)
    assert None is data["invoice"]
    codes = sorted(p["code"] for p in data["draft"]["problems"])
    assert ["item_not_found", "tax_code_required"] == codes
    fixes = " ".join(p["fix"] for p in data["draft"]["problems"])
    assert "--item 3=ITEM_ID" in fixes
    assert "--tax-code" in fixes
    fixed = hubqbo("invoice", "1018", "--realm", UK, "--item", "3=2", "--tax-code", "1=1", "-y")
    assert 0 == fixed.code, fixed.err
    assert "Created Invoice" in fixed.out
    assert "4,680.00 GBP" in fixed.out


def test_invoice_from_a_quote_and_a_refused_quote(hubqbo: Run, in_process: Path) -> None:
    made = hubqbo("invoice", "1015", "--quote", "1030", "--dry-run", "--json")
    assert 0 == made.code, made.err
    assert "1030" == json.loads(made.out)["draft"]["quote_id"]
    expired = hubqbo("invoice", "1015", "--quote", "1031")
    assert ExitCode.PROBLEMS == expired.code
    assert "expired on 2026-04-30" in expired.err


def test_unknown_deal_exits_6(hubqbo: Run, in_process: Path) -> None:
    result = hubqbo("invoice", "999999", "--yes")
    assert ExitCode.NOT_FOUND == result.code
    assert "999999" in result.err or "not found" in result.err.lower()


def test_auth_on_in_process_sandboxes_explains(hubqbo: Run, in_process: Path) -> None:
    result = hubqbo("auth", "quickbooks")
    assert ExitCode.CONFIG == result.code
    assert "hubqbo sandbox serve" in result.err


def test_demo_in_a_child_process(hubqbo: Run) -> None:
    result = hubqbo("demo")
    assert 0 == result.code
    assert "Done:" in result.out


def test_real_tenant_needs_keys_from_the_environment(hubqbo: Run, tmp_path: Path) -> None:
    """Without a sandbox the app's keys must be in the environment (never in the file)."""
    (tmp_path / "hubqbo.toml").write_text('[tenants.live]\nenvironment = "sandbox"\n')
    result = hubqbo("auth", "quickbooks", "--no-browser")
    assert ExitCode.CONFIG == result.code
    assert "set HUBQBO_QBO_CLIENT_ID and HUBQBO_QBO_CLIENT_SECRET" in result.err


def test_real_tenant_not_connected_exits_4(hubqbo: Run, tmp_path: Path) -> None:
    (tmp_path / "hubqbo.toml").write_text('[tenants.live]\nenvironment = "sandbox"\n')
    result = hubqbo("invoice", "1015", "--dry-run")
    assert ExitCode.AUTH == result.code
    assert "no QuickBooks company is connected: run `hubqbo auth quickbooks`" in result.err
    assert "hint: connect again" in result.err
    listed = hubqbo("realms")
    assert 0 == listed.code
    assert "connect one with `hubqbo auth quickbooks`" in listed.err


def test_conflicts_on_in_process_sandboxes_are_none(hubqbo: Run, in_process: Path) -> None:
    """An in-process tenant keeps no sync state, so no conflict: an empty list, and a resolve
    names no open conflict (exit 6)."""
    listed = hubqbo("conflicts", "list", "--json")
    assert 0 == listed.code, listed.err
    assert {"tenant": "demo", "conflicts": []} == json.loads(listed.out)
    missing = hubqbo("conflicts", "resolve", "ff5a912c", "qbo")
    assert ExitCode.NOT_FOUND == missing.code
    assert "error: no open conflict 'ff5a912c'" in missing.err
