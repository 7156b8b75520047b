"""The layering of DESIGN.md holds: nothing imports from a layer above itself, the sandboxes and
the adapters never import each other, and the services see only the ports and the pure core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hubqbo"

# top-level module or package of hubqbo -> layer
LAYERS = {
    "_display": 1,
    "_values": 1,
    "_version": 1,
    "clock": 1,
    "errors": 1,
    "idempotency": 1,
    "mapping": 1,
    "matching": 1,
    "models": 1,
    "money": 1,
    "rollups": 1,
    "status": 1,
    "timezones": 1,
    "protocols": 2,
    "_http": 3,
    "auth": 3,
    "hubspot": 3,
    "quickbooks": 3,
    "sandbox": 3,
    "invoices": 4,
    "sync": 4,
    "cli": 5,
    "server": 5,
    "workers": 5,
    "__main__": 5,
    "testing": 5,  # the pytest plugin wires the sandboxes to the adapters' clients, as cli does
}
# pairs (importer, imported) of the same layer that must never meet
FORBIDDEN = {
    ("sandbox", "hubspot"),
    ("sandbox", "quickbooks"),
    ("sandbox", "_http"),
    ("sandbox", "auth"),
    ("hubspot", "sandbox"),
    ("quickbooks", "sandbox"),
    ("_http", "sandbox"),
    ("auth", "sandbox"),
    ("hubspot", "quickbooks"),
    ("quickbooks", "hubspot"),
    # services use only the ports and the pure core
    ("invoices", "hubspot"),
    ("invoices", "quickbooks"),
    ("invoices", "sandbox"),
    ("invoices", "_http"),
    ("invoices", "auth"),
    ("sync", "hubspot"),
    ("sync", "quickbooks"),
    ("sync", "sandbox"),
    ("sync", "_http"),
    ("sync", "auth"),
}


def _unit(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """hubqbo units imported by one file (absolute imports; relative ones stay in the unit)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "hubqbo" and len(parts) > 1:
                found.add(parts[1])
    return found


FILES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


def test_every_unit_has_a_layer() -> None:
    """A new module must be placed in a layer before it can be imported."""
    assert set() == {_unit(p) for p in FILES} - set(LAYERS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_upward_or_forbidden_import(path: Path) -> None:
    """Each file imports only its own layer or below, and no forbidden sibling."""
    unit = _unit(path)
    bad = sorted(
        other
        for other in _imports(path) - {unit}
        if LAYERS.get(other, 99) > LAYERS[unit] or (unit, other) in FORBIDDEN
    )
    assert [] == bad
