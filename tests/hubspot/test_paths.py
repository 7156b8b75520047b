"""Every path the client builds exists, with that method, in the spec files of its version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hubqbo.errors import ConfigurationError
from hubqbo.hubspot import ApiPaths

SPECS = Path(__file__).resolve().parents[2] / ".." / "shared" / "specs" / "hubspot"

# (method, builder) for every endpoint family the client uses
CALLS = [
    ("GET", lambda p: p.objects("deals")),
    ("GET", lambda p: p.object("deals", "7")),
    ("PATCH", lambda p: p.object("invoices", "7")),
    ("POST", lambda p: p.batch("contacts", "read")),
    ("POST", lambda p: p.batch("contacts", "create")),
    ("POST", lambda p: p.batch("contacts", "update")),
    ("POST", lambda p: p.batch("contacts", "upsert")),
    ("POST", lambda p: p.batch("contacts", "archive")),
    ("POST", lambda p: p.search("contacts")),
    ("POST", lambda p: p.associations_batch("deals", "companies", "read")),
    ("POST", lambda p: p.associations_batch("deals", "companies", "create")),
    ("PUT", lambda p: p.association_default("deals", "7", "companies", "9")),
    ("PUT", lambda p: p.association_labelled("deals", "7", "companies", "9")),
    ("GET", lambda p: p.properties("deals")),
    ("POST", lambda p: p.properties("deals")),
    ("GET", lambda p: p.property_groups("deals")),
    ("POST", lambda p: p.property_groups("deals")),
    ("GET", lambda p: p.property("deals", "qbo_id")),
    ("GET", lambda p: p.company_currency()),
    ("GET", lambda p: p.account_details()),
    ("POST", lambda p: p.oauth_token()),
]

FILES = {
    "v3": [
        "crm-objects-v3.json",
        "crm-associations-v4.json",
        "crm-properties-v3.json",
        "settings-multicurrency-v3.json",
        "account-info-v3.json",
        "oauth-v1.json",
    ],
    "2026-03": [
        "crm-objects-2026-03.json",
        "crm-associations-2026-03.json",
        "crm-properties-2026-03.json",
        "settings-multicurrency-2026-03.json",
        "account-info-v3.json",
        "oauth-2026-03.json",
    ],
}


def _operations(files: list[str]) -> list[tuple[str, re.Pattern[str]]]:
    ops = []
    for name in files:
        spec = json.loads((SPECS / name).read_text(encoding="utf-8"))
        for template, item in spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            ops.extend((m.upper(), pattern) for m in item if m in {"get", "post", "put", "patch"})
    return ops


@pytest.mark.parametrize("version", ["v3", "2026-03"])
def test_every_path_is_published_for_its_version(version: str) -> None:
    """Each (method, path) the client builds matches an operation of that version's specs."""
    if not SPECS.is_dir():
        pytest.skip("../shared/specs/hubspot is absent (CI provides it)")
    ops = _operations(FILES[version])
    paths = ApiPaths(version)
    missing = [
        f"{method} {build(paths)}"
        for method, build in CALLS
        if not any(m == method and p.match(build(paths)) for m, p in ops)
    ]
    assert [] == missing


def test_dated_and_numbered_families() -> None:
    """The version decides every prefix, in one place."""
    dated, numbered, later = ApiPaths("2026-03"), ApiPaths("v3"), ApiPaths("2026-09")
    assert [
        "/crm/objects/2026-03/deals/batch/upsert",
        "/crm/associations/2026-03/deals/line_items/batch/create",
        "/crm/properties/2026-03/invoices/groups",
        "/settings/currencies/2026-03/company-currency",
        "/oauth/2026-03/token",
    ] == [
        dated.batch("deals", "upsert"),
        dated.associations_batch("deals", "line_items", "create"),
        dated.property_groups("invoices"),
        dated.company_currency(),
        dated.oauth_token(),
    ]
    assert [
        "/crm/v3/objects/deals/batch/upsert",
        "/crm/v4/associations/deals/line_items/batch/create",
        "/crm/v3/properties/invoices/groups",
        "/settings/v3/currencies/company-currency",
        "/oauth/v1/token",
    ] == [
        numbered.batch("deals", "upsert"),
        numbered.associations_batch("deals", "line_items", "create"),
        numbered.property_groups("invoices"),
        numbered.company_currency(),
        numbered.oauth_token(),
    ]
    assert "/crm/objects/2026-09/0-52/batch/read" == later.batch("0-52", "read")


def test_ids_are_encoded_as_one_segment() -> None:
    """A unique value with a slash or space stays one path segment."""
    assert "/crm/v3/objects/invoices/INV%2F7%20a" == ApiPaths("v3").object("invoices", "INV/7 a")


@pytest.mark.parametrize("bad", ["v4", "2026-04", "2026", "latest", ""])
def test_unknown_versions_are_refused(bad: str) -> None:
    """Only "v3" and YYYY-03/YYYY-09 are versions HubSpot publishes."""
    with pytest.raises(ConfigurationError):
        ApiPaths(bad)
