"""The whole command against sandboxes served by ``hubqbo sandbox serve`` (another process, as a
person would run it): OAuth through the consent pages and the loopback listener or a pasted
address, a refused consent, a refused scope, an expired token, realms, invoice, send, pdf."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx
import pytest

from hubqbo.auth import FileTokenStore
from hubqbo.cli import ExitCode
from hubqbo.models import OAuthToken
from tests.cli.conftest import Run, environment

UK = "9341450000000002"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``hubqbo sandbox serve --port 0 --json`` in a child process; its index answer."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hubqbo", "sandbox", "serve", "--port", "0", "--json"],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not lines or lines[-1] != "}\n":
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "serve ended"
            lines.append(line)
        yield json.loads("".join(lines))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def tenant(tmp_path: Path, served: dict[str, str]) -> int:
    """A config whose tenant points at the served sandboxes; returns its redirect port."""
    port = _free_port()
    (tmp_path / "hubqbo.toml").write_text(
        f'[tenants.offline]\nsandbox = "{served["url"]}"\n'
        f'qbo_redirect_uri = "http://localhost:{port}/callback"\n'
        f'hubspot_redirect_uri = "http://localhost:{port}/callback"\n'
        f'state_store = "{tmp_path / "state.sqlite3"}"\n'
        "[tenants.offline.sync]\ninvoices = { enabled = true }\n",
        encoding="utf-8",
    )
    return port


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hubqbo", *args],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _consent_url(process: subprocess.Popen[str]) -> str:
    """The authorize address the command printed (standard error), read as a person reads it."""
    assert process.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if line.startswith("http"):
            return line.strip()
    raise AssertionError("the command printed no authorize address")


def _approve(url: str, **choices: str | list[str]) -> httpx.Response:
    """Play the person on the consent page: submit the form (Approve, unless told otherwise)."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    page = httpx.get(url)
    assert 200 == page.status_code
    form: dict[str, str | list[str]] = {
        "redirect_uri": query["redirect_uri"],
        "state": query["state"],
        "decision": "approve",
        "scope": query["scope"].split(" "),
        **choices,
    }
    target = url.split("?", maxsplit=1)[0]
    return httpx.post(target, data=form, follow_redirects=False)


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def _connect_both(tmp_path: Path) -> None:
    qbo = _start(tmp_path, "auth", "quickbooks", "--no-browser")
    answer = _approve(_consent_url(qbo), realm=UK)
    httpx.get(answer.headers["location"])
    assert 0 == _finish(qbo)[0]
    hs = _start(tmp_path, "auth", "hubspot", "--no-browser")
    answer = _approve(_consent_url(hs))
    httpx.get(answer.headers["location"])
    assert 0 == _finish(hs)[0]


def test_connect_both_with_the_loopback_listener(tmp_path: Path, tenant: int, hubqbo: Run) -> None:
    qbo = _start(tmp_path, "auth", "quickbooks", "--no-browser", "--json")
    answer = _approve(_consent_url(qbo), realm=UK)
    location = answer.headers["location"]
    assert location.startswith(f"http://localhost:{tenant}/callback?code=")
    landed = httpx.get(location)
    assert "connected" in landed.text
    code, out, err = _finish(qbo)
    assert 0 == code, err
    facts = json.loads(out)
    assert (UK, "Northwind Studio Ltd", "GBP") == (
        facts["realm_id"],
        facts["company"],
        facts["currency"],
    )
    tokens = FileTokenStore(tmp_path / "tokens")
    saved = tokens.load(f"quickbooks:{UK}")
    assert saved is not None
    assert saved.refresh_token
    assert saved.access_token not in out + err  # no secret printed
    assert saved.refresh_token not in out + err

    hs = _start(tmp_path, "auth", "hubspot", "--no-browser")
    httpx.get(_approve(_consent_url(hs)).headers["location"])
    code, out, err = _finish(hs)
    assert 0 == code, err
    assert "Connected HubSpot portal 4242" in out

    realms = hubqbo("realms", "--json")
    assert 0 == realms.code, realms.err
    assert [(UK, "Northwind Studio Ltd", "connected")] == [
        (r["realm_id"], r["company"], r["connection"]) for r in json.loads(realms.out)
    ]
    checked = hubqbo("realms", "--check", "--json")
    assert 0 == checked.code, checked.err
    assert [("GB", "GBP")] == [(r["country"], r["currency"]) for r in json.loads(checked.out)]


def test_paste_mode_reads_the_redirected_address(tmp_path: Path, tenant: int) -> None:
    process = _start(tmp_path, "auth", "quickbooks", "--paste", "--no-browser")
    location = _approve(_consent_url(process), realm=UK).headers["location"]
    assert process.stdin is not None
    process.stdin.write(location + "\n")
    process.stdin.flush()
    code, out, err = _finish(process)
    assert 0 == code, err
    assert f"Connected QuickBooks company Northwind Studio Ltd ({UK}, GB, GBP)." in out


def test_a_refused_consent_saves_nothing(tmp_path: Path, tenant: int) -> None:
    process = _start(tmp_path, "auth", "quickbooks", "--no-browser")
    answer = _approve(_consent_url(process), realm=UK, decision="deny")
    assert "error=access_denied" in answer.headers["location"]
    httpx.get(answer.headers["location"])
    code, _out, err = _finish(process)
    assert ExitCode.AUTH == code
    assert "authorization was refused: access_denied" in err
    assert not (tmp_path / "tokens" / "connections.json").exists()


def test_a_refused_scope_saves_nothing(tmp_path: Path, tenant: int) -> None:
    process = _start(tmp_path, "auth", "hubspot", "--no-browser")
    url = _consent_url(process)
    asked = parse_qs(urlsplit(url).query)["scope"][0].split(" ")
    granted = [s for s in asked if s != "crm.objects.invoices.write"]
    httpx.get(_approve(url, scope=granted).headers["location"])
    code, _out, err = _finish(process)
    assert ExitCode.AUTH == code
    assert "HubSpot did not grant crm.objects.invoices.write" in err
    assert not list((tmp_path / "tokens").glob("hubspot_*.json"))


def test_an_expired_token_that_cannot_refresh_exits_4(
    tmp_path: Path, tenant: int, hubqbo: Run
) -> None:
    _connect_both(tmp_path)
    store = FileTokenStore(tmp_path / "tokens")
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)
    store.save(
        f"quickbooks:{UK}",
        OAuthToken(
            access_token="eyJ-expired",
            refresh_token="RT1-revoked",
            expires_at=past,
            refresh_expires_at=past,
        ),
    )
    result = hubqbo("invoice", "1018", "--dry-run")
    assert ExitCode.AUTH == result.code
    assert "invalid_grant" in result.err
    assert "hubqbo auth quickbooks" in result.err
    assert "RT1-revoked" not in result.err + result.out
    listed = hubqbo("realms", "--json")
    assert "expired: reconnect" == json.loads(listed.out)[0]["connection"]


def test_invoice_send_and_pdf_on_served_sandboxes(tmp_path: Path, tenant: int, hubqbo: Run) -> None:
    _connect_both(tmp_path)
    made = hubqbo("invoice", "1018", "--item", "3=2", "--tax-code", "1=1", "--yes", "--json")
    assert 0 == made.code, made.err
    invoice = json.loads(made.out)["invoice"]
    assert ("awaiting_send", "4680.00") == (invoice["status"], invoice["total"])
    again = hubqbo("invoice", "1018", "--item", "3=2", "--tax-code", "1=1", "--yes", "--json")
    replay = json.loads(again.out)["invoice"]
    assert (invoice["invoice_id"], False) == (replay["invoice_id"], replay["created"])

    sent = hubqbo("invoice", "send", invoice["doc_number"], "--yes", "--json")
    assert 0 == sent.code, sent.err
    assert "sent" == json.loads(sent.out)["status"]
    pdf = hubqbo("invoice", "pdf", invoice["doc_number"], "-o", "out.pdf")
    assert 0 == pdf.code, pdf.err
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    for ref in ("no-such", "424242"):
        missing = hubqbo("invoice", "pdf", ref)
        assert ExitCode.NOT_FOUND == missing.code, missing.err
        assert f"no invoice numbered {ref} or with id {ref}" in missing.err


def test_nothing_served_at_the_url_exits_7(tmp_path: Path, hubqbo: Run) -> None:
    (tmp_path / "hubqbo.toml").write_text(
        f'[tenants.gone]\nsandbox = "http://127.0.0.1:{_free_port()}"\n', encoding="utf-8"
    )
    result = hubqbo("invoice", "1015", "--dry-run")
    assert ExitCode.SERVICE == result.code
    assert "hubqbo sandbox serve" in result.err


def test_private_app_token_from_the_environment(tmp_path: Path, tenant: int, hubqbo: Run) -> None:
    """HUBQBO_HUBSPOT_TOKEN replaces the HubSpot OAuth connection (the sandbox accepts it)."""
    qbo = _start(tmp_path, "auth", "quickbooks", "--no-browser")
    httpx.get(_approve(_consent_url(qbo), realm=UK).headers["location"])
    assert 0 == _finish(qbo)[0]
    without = hubqbo("invoice", "1018", "--dry-run")
    assert ExitCode.AUTH == without.code
    assert "hubqbo auth hubspot" in without.err
    with_token = hubqbo(
        "invoice", "1018", "--dry-run", env={"HUBQBO_HUBSPOT_TOKEN": "pat-na1-sandbox"}
    )
    assert ExitCode.PROBLEMS == with_token.code  # the draft shows: two problems to fix
    assert "pat-na1-sandbox" not in with_token.out + with_token.err
    assert os.environ.get("HUBQBO_HUBSPOT_TOKEN") is None


def test_sync_plan_run_status_link_unlink(tmp_path: Path, tenant: int, hubqbo: Run) -> None:
    """The UK company into the portal: plan (nothing written), run, a re-run writes nothing,
    status, and a link made and forgotten by hand."""
    _connect_both(tmp_path)
    plan = hubqbo("sync", "plan", "--json")
    assert 0 == plan.code, plan.err
    planned = json.loads(plan.out)
    assert "offline" == planned["tenant"]
    assert planned["writes"] > 0
    again = json.loads(hubqbo("sync", "plan", "--json").out)
    assert planned["writes"] == again["writes"]  # planning wrote nothing

    screen = hubqbo("sync", "plan")
    assert f"Sync plan for offline: {planned['writes']} write(s)" in screen.out
    assert max(len(line) for line in screen.out.splitlines()) <= 80

    declined = hubqbo("sync", "run", input="n\n")
    assert ExitCode.CANCELLED == declined.code
    run = hubqbo("sync", "run", "--yes")
    assert 0 == run.code, run.err
    assert f"Sync run done: {planned['writes']} written, 0 failed, 0 quarantined" in run.out
    rerun = hubqbo("sync", "run", "--yes", "--json")
    assert 0 == rerun.code, rerun.err
    result = json.loads(rerun.out)["result"]
    assert result is None or 0 == result["applied"]

    status = hubqbo("sync", "status", "--json")
    assert 0 == status.code, status.err
    facts = json.loads(status.out)
    created = sum(o["counts"]["create"] for o in planned["objects"] if o["object"] != "line_items")
    assert created <= sum(facts["linked"][k] for k in ("contacts", "products", "invoices"))
    assert "succeeded" == facts["runs"][0]["status"]
    table = hubqbo("sync", "status")
    assert "Last runs" in table.out

    first = next(o for o in planned["operations"] if o["object"] == "contacts")
    unlinked = hubqbo("sync", "unlink", "contacts", first["qbo_id"], "--yes")
    assert 0 == unlinked.code, unlinked.err
    after = json.loads(hubqbo("sync", "status", "--json").out)
    assert facts["linked"]["contacts"] - 1 == after["linked"]["contacts"]
    hubspot_id = first["hubspot_id"] or "1011"
    linked = hubqbo("sync", "link", "contacts", first["qbo_id"], hubspot_id)
    assert 0 == linked.code, linked.err
    assert (
        facts["linked"]["contacts"]
        == json.loads(hubqbo("sync", "status", "--json").out)["linked"]["contacts"]
    )


def test_sync_only_one_object(tmp_path: Path, tenant: int, hubqbo: Run) -> None:
    _connect_both(tmp_path)
    plan = hubqbo("sync", "plan", "--object", "products", "--json")
    assert 0 == plan.code, plan.err
    assert {"products"} == {o["object"] for o in json.loads(plan.out)["operations"]}
    assert ExitCode.USAGE == hubqbo("sync", "plan", "--object", "deals").code


def test_ctrl_c_while_waiting_for_consent_exits_130(tmp_path: Path, tenant: int) -> None:
    process = _start(tmp_path, "auth", "quickbooks", "--no-browser")
    _consent_url(process)  # now waiting for the redirect
    process.send_signal(signal.SIGINT)
    code, _out, err = _finish(process)
    assert ExitCode.INTERRUPTED == code
    assert "interrupted" in err
    assert "Traceback" not in err
    assert not (tmp_path / "tokens" / "connections.json").exists()


def test_serve_empty(tmp_path: Path) -> None:
    """--empty serves one blank US company and an empty portal; the index says where."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hubqbo", "sandbox", "serve", "--port", "0", "--empty", "--json"],
        cwd=tmp_path,
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        text = ""
        while not text.endswith("}\n"):
            line = process.stdout.readline()
            assert line, "serve ended"
            text += line
        facts = json.loads(text)
        assert 1 == len(facts["realms"])
        assert facts == httpx.get(facts["url"]).json() | {"url": facts["url"]}
        company = httpx.get(
            f"{facts['quickbooks_url']}/v3/company/{facts['realms'][0]}/companyinfo/{facts['realms'][0]}",
            headers={"Authorization": "Bearer any"},
        )
        assert "Sandbox Company US" in company.text
    finally:
        process.send_signal(signal.SIGTERM)
        assert 0 == process.wait(timeout=30)


def test_an_expired_access_token_is_refreshed_and_saved(
    tmp_path: Path, tenant: int, hubqbo: Run
) -> None:
    """The access token expired an hour ago, the refresh token is good: the command refreshes
    it through the served token endpoint, saves the rotated one, and carries on."""
    _connect_both(tmp_path)
    store = FileTokenStore(tmp_path / "tokens")
    key = f"quickbooks:{UK}"
    token = store.load(key)
    assert token is not None
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    store.save(key, attrs.evolve(token, expires_at=past))
    result = hubqbo("invoice", "1018", "--item", "3=2", "--tax-code", "1=1", "--dry-run")
    assert 0 == result.code, result.err
    rotated = store.load(key)
    assert rotated is not None
    assert rotated.refresh_token != token.refresh_token
    assert rotated.expires_at is not None
    assert rotated.expires_at > dt.datetime.now(dt.timezone.utc)


def test_conflicts_list_and_resolve(tmp_path: Path, tenant: int, hubqbo: Run) -> None:
    """Two-way contacts under the manual rule: a name changed on both sides waits in
    ``conflicts list``; ``conflicts resolve`` picks HubSpot's, and the next run writes it to
    QuickBooks once."""
    from hubqbo.cli._config import load_config
    from hubqbo.cli._tenant import Workspace
    from hubqbo.models import CrmObjectType
    from hubqbo.sync import SQLiteStateStore

    config = tmp_path / "hubqbo.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[tenants.offline.sync]\n",
            '[tenants.offline.sync]\nconflict_rule = "manual"\ncontacts = { direction = "both" }\n',
        ),
        encoding="utf-8",
    )
    _connect_both(tmp_path)
    assert 0 == hubqbo("sync", "run", "--yes").code
    assert json.loads(hubqbo("conflicts", "list", "--json").out)["conflicts"] == []
    assert "No conflict waits for a person." in hubqbo("conflicts", "list").out

    with SQLiteStateStore(str(tmp_path / "state.sqlite3")) as store:
        links = store.links("offline", "contacts")
    space = Workspace(
        attrs.evolve(load_config(config).tenant(None), token_dir=str(tmp_path / "tokens"))
    )
    try:
        qbo, crm = space.qbo(UK), space.crm()
        link = next(lk for lk in links if qbo.get_customer(lk.qbo_id).given_name)
        ann = qbo.get_customer(link.qbo_id)
        qbo.update_fields("Customer", link.qbo_id, str(ann.sync_token), {"GivenName": "Qbo-name"})
        crm.update_properties(CrmObjectType.CONTACT, link.hubspot_id, {"firstname": "Hs-name"})
    finally:
        space.close()

    assert 0 == hubqbo("sync", "run", "--yes").code
    listed = hubqbo("conflicts", "list")
    assert 0 == listed.code, listed.err
    assert max(len(line) for line in listed.out.splitlines()) <= 80
    assert "QuickBooks: Qbo-name" in listed.out
    assert "HubSpot:    Hs-name" in listed.out
    (conflict,) = json.loads(hubqbo("conflicts", "list", "--json").out)["conflicts"]
    assert (conflict["field"], conflict["qbo_value"], conflict["hubspot_value"]) == (
        "firstname",
        "Qbo-name",
        "Hs-name",
    )
    assert conflict["qbo_id"] == link.qbo_id
    assert f"{conflict['conflict_id']}  (open)" in listed.out
    assert f"last synced: {ann.given_name}\n" in listed.out

    missing = hubqbo("conflicts", "resolve", "no-such-id", "hubspot")
    assert ExitCode.NOT_FOUND == missing.code
    assert "no open conflict" in missing.err
    assert ExitCode.USAGE == hubqbo("conflicts", "resolve", conflict["conflict_id"], "both").code

    resolved = hubqbo("conflicts", "resolve", conflict["conflict_id"], "hubspot")
    assert 0 == resolved.code, resolved.err
    assert json.loads(hubqbo("conflicts", "list", "--json").out)["conflicts"] == []
    every = json.loads(hubqbo("conflicts", "list", "--all", "--json").out)["conflicts"]
    assert [c["resolution"] for c in every] == ["hubspot"]

    run = json.loads(hubqbo("sync", "run", "--yes", "--json").out)["result"]
    assert run["counts"] == {"contacts": {"qbo_update": 1}}
    rerun = json.loads(hubqbo("sync", "run", "--yes", "--json").out)["result"]
    assert rerun is None or rerun["applied"] == 0
    space = Workspace(
        attrs.evolve(load_config(config).tenant(None), token_dir=str(tmp_path / "tokens"))
    )
    try:
        assert space.qbo(UK).get_customer(link.qbo_id).given_name == "Hs-name"
    finally:
        space.close()
