"""A tenant whose state store is PostgreSQL: the DSN in hubqbo.toml carries no password (the
file refuses one); the password comes from PGPASSWORD, as libpq reads it."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from hubqbo.cli import ExitCode
from tests.cli.conftest import Run


def test_mappings_in_postgres_with_the_password_from_the_environment(
    hubqbo: Run, tmp_path: Path, postgres_dsn: str
) -> None:
    parts = urlsplit(postgres_dsn)
    password = parts.password or ""
    bare = urlunsplit(parts._replace(netloc=f"{parts.username}@{parts.hostname}:{parts.port}"))
    config = tmp_path / "hubqbo.toml"
    config.write_text(f'[tenants.pg]\nsandbox = "in-process"\nstate_store = "{postgres_dsn}"\n')
    refused = hubqbo("mappings", "list")
    assert ExitCode.CONFIG == refused.code
    assert "hubqbo.toml:3: tenants.pg.state_store: the DSN holds a password" in refused.err
    assert password not in refused.err

    config.write_text(f'[tenants.pg]\nsandbox = "in-process"\nstate_store = "{bare}"\n')
    without = hubqbo("mappings", "list")
    assert ExitCode.SERVICE == without.code  # no password: the store cannot be reached
    assert password not in without.err
    env = {"PGPASSWORD": password}
    added = hubqbo("mappings", "add", "contact", "jobtitle", "Notes", env=env)
    assert 0 == added.code, added.err
    listed = hubqbo("mappings", "list", "contact", "--json", env=env)
    assert 0 == listed.code, listed.err
    (entry,) = json.loads(listed.out)
    assert 1 == entry["stored_version"]
    assert "jobtitle" in [m["hubspot_property"] for m in entry["mappings"]]
