"""``hubqbo mappings``: each change is a new version of the pair's set in the tenant's state
store; every refusal comes from ``hubqbo.mapping`` and ends with exit code 5."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubqbo.cli import ExitCode
from hubqbo.mapping import MappingSet, ObjectPair
from hubqbo.sync import SQLiteStateStore
from tests.cli.conftest import Run


@pytest.fixture
def tenant(tmp_path: Path) -> Path:
    """An in-process tenant whose state store is a SQLite file in tmp_path."""
    state = tmp_path / "state.sqlite3"
    (tmp_path / "hubqbo.toml").write_text(
        f'[tenants.demo]\nsandbox = "in-process"\nstate_store = "{state}"\n', encoding="utf-8"
    )
    return state


def _keys(listed: str, pair: str) -> list[str]:
    (entry,) = [e for e in json.loads(listed) if e["pair"] == pair]
    return [f"{m['hubspot_property']}:{m['qbo_field']}" for m in entry["mappings"]]


def test_list_shows_the_defaults_until_a_change(hubqbo: Run, tenant: Path) -> None:
    listed = hubqbo("mappings", "list", "--json")
    assert 0 == listed.code, listed.err
    data = json.loads(listed.out)
    assert ["contact", "product", "invoice"] == [e["pair"] for e in data]
    assert {0} == {e["stored_version"] for e in data}
    assert "firstname:GivenName" in _keys(listed.out, "contact")
    table = hubqbo("mappings", "list", "contact")
    assert "contact: HubSpot contacts ↔ QuickBooks Customer, v1 (HubSpot's defaults)" in table.out
    assert max(len(line) for line in table.out.splitlines()) <= 80


def test_add_edit_delete_are_versions_in_the_store(hubqbo: Run, tenant: Path) -> None:
    added = hubqbo("mappings", "add", "contact", "jobtitle", "Notes")
    assert 0 == added.code, added.err
    assert "saved contact mappings v2 (add jobtitle:Notes)" in added.err
    edited = hubqbo("mappings", "edit", "contact", "email", "--transform", "first_email")
    assert 0 == edited.code, edited.err
    deleted = hubqbo("mappings", "delete", "contact", "phone", "--yes")
    assert 0 == deleted.code, deleted.err
    keys = _keys(hubqbo("mappings", "list", "contact", "--json").out, "contact")
    assert "jobtitle:Notes" in keys
    assert "phone:PrimaryPhone.FreeFormNumber" not in keys

    with SQLiteStateStore(tenant) as store:
        saved = store.mapping_set("demo", "contacts", "Customer")
        assert saved is not None
        assert 3 == saved.version
        mapping_set = MappingSet.from_json(saved.content)
    assert (ObjectPair.CONTACT, 4) == (mapping_set.pair, mapping_set.version)
    assert "first_email" == mapping_set.get("email").transform.value


def test_refusals_exit_5_and_store_nothing(hubqbo: Run, tenant: Path) -> None:
    read_only = hubqbo("mappings", "add", "contact", "hs_object_id", "Notes")
    assert ExitCode.PROBLEMS == read_only.code
    assert "read-only" in read_only.err
    unknown = hubqbo("mappings", "add", "contact", "firstname", "GivenNam")
    assert ExitCode.PROBLEMS == unknown.code
    assert "GivenName" in unknown.err  # the nearest name is offered
    no_such = hubqbo("mappings", "add", "contact", "no_such_property", "Notes")
    assert ExitCode.PROBLEMS == no_such.code
    missing = hubqbo("mappings", "delete", "contact", "nothing", "--yes")
    assert ExitCode.PROBLEMS == missing.code
    with SQLiteStateStore(tenant) as store:
        assert None is store.mapping_set("demo", "contacts", "Customer")


def test_bad_arguments_exit_2(hubqbo: Run, tenant: Path) -> None:
    assert ExitCode.USAGE == hubqbo("mappings", "list", "deals").code
    assert ExitCode.USAGE == hubqbo("mappings", "edit", "contact", "email").code
    assert (
        ExitCode.USAGE == hubqbo("mappings", "add", "contact", "a", "B", "--direction", "up").code
    )


def test_delete_asks_first(hubqbo: Run, tenant: Path) -> None:
    kept = hubqbo("mappings", "delete", "contact", "phone", input="n\n")
    assert ExitCode.CANCELLED == kept.code
    assert "Delete the contact mapping phone:PrimaryPhone.FreeFormNumber?" in kept.err


def test_validate_against_the_live_portal(hubqbo: Run, tenant: Path) -> None:
    result = hubqbo("mappings", "validate", "contact", "product", "--json")
    assert 0 == result.code, result.err
    assert [("contact", []), ("product", [])] == [
        (e["pair"], e["problems"]) for e in json.loads(result.out)
    ]
    # The invoice defaults write hubqbo's own invoice properties, which this portal lacks yet.
    invoices = hubqbo("mappings", "validate", "invoice")
    assert ExitCode.PROBLEMS == invoices.code
    assert "qbo_invoice_number" in invoices.out
