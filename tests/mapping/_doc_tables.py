"""The docs page's two generated tables (the matrix and the QBO fields), from the data.

``tests/mapping/test_docs.py`` checks that ``docs/mappings.md`` holds exactly these tables, so
the page cannot drift from the type table. Regenerate with
``python -c "from tests.mapping._doc_tables import write; write()"``.
"""

from __future__ import annotations

import re
from pathlib import Path

from hubqbo.mapping import HUBSPOT_KINDS, MATRIX, QBO_FIELDS, PairKind, QboType

PAGE = Path(__file__).resolve().parents[2] / "docs" / "mappings.md"
_MARK = {PairKind.COMPATIBLE: "ok", PairKind.LOSSY: "lossy", PairKind.INCOMPATIBLE: "no"}


def matrix_table() -> str:
    """HubSpot kinds (rows) x QBO types (columns); each cell ``to QBO / to HubSpot``."""
    types = list(QboType)
    lines = [
        "| HubSpot kind | " + " | ".join(t.value for t in types) + " |",
        "|---|" + "---|" * len(types),
    ]
    for kind in HUBSPOT_KINDS:
        cells = []
        for t in types:
            to_qbo, to_hub = MATRIX[(kind, t)]
            cells.append(f"{_MARK[to_qbo[0]]} / {_MARK[to_hub[0]]}")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fields_table() -> str:
    """Every QBO field of the type table."""
    lines = [
        "| Entity | Field | Type | QBO max length | Writable | Source | Note |",
        "|---|---|---|---|---|---|---|",
    ]
    for entity, fields in QBO_FIELDS.items():
        for f in fields:
            length = "" if f.max_length is None else f"{f.max_length} ({f.length_source})"
            kind = f.type.value + (" (e-mail)" if f.email else "")
            if f.options:
                kind += ": " + ", ".join(f.options)
            writable = "no" if f.read_only else "yes"
            note = f.note.replace("|", "/")
            lines.append(
                f"| {entity} | `{f.path}` | {kind} | {length} | {writable} | {f.source} | {note} |"
            )
    return "\n".join(lines)


def _section(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {name}:start -->\n)(.*?)(\n<!-- {name}:end -->)", re.DOTALL)


def current(name: str) -> str:
    """The table the page holds between its ``<!-- name:start/end -->`` markers."""
    found = _section(name).search(PAGE.read_text(encoding="utf-8"))
    assert found is not None, f"docs/mappings.md has no {name} section"
    return found.group(2)


def write() -> None:
    """Rewrite both tables in the page."""
    text = PAGE.read_text(encoding="utf-8")
    for name, table in (("matrix", matrix_table()), ("fields", fields_table())):
        text = _section(name).sub(lambda m, t=table: m.group(1) + t + m.group(3), text)
    PAGE.write_text(text, encoding="utf-8")
