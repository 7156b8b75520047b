"""Schema migrations: numbered SQL files per dialect, applied in order, recorded in a table.

Why plain files: two dialects and about ten tables need no ORM or migration framework; the SQL
is reviewed as SQL, ships as package data (``migrations/{sqlite,postgres}/NNNN_name.sql``) and
each backend applies it under its own lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory
transaction lock), so running twice or from two processes at once applies each file once.
"""

from __future__ import annotations

import re
from importlib import resources

import attrs

__all__ = ["VERSION_TABLE", "Migration", "latest_version", "migrations"]

VERSION_TABLE = "hubqbo_schema_version"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@attrs.frozen
class Migration:
    """One numbered SQL file of one dialect."""

    version: int
    name: str
    sql: str


def migrations(dialect: str) -> tuple[Migration, ...]:
    """The dialect's migrations in version order (versions must be 1, 2, 3, … without gaps)."""
    folder = resources.files("hubqbo.sync").joinpath("migrations").joinpath(dialect)
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"hubqbo {dialect} migrations are not numbered 1..n")  # packaging bug
    return tuple(found)


def latest_version(dialect: str) -> int:
    """The schema version this hubqbo writes for ``dialect``."""
    return len(migrations(dialect))


def statements(sql: str) -> list[str]:
    """A migration file split into statements (on ``;`` at line ends; no ``;`` in literals)."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";\n") if part.strip(" \n;")]
