"""The guides' Python blocks run: each page's blocks, in order, in one namespace.

A block right after the HTML comment ``<!-- not run: <reason> -->`` needs real credentials or
a web framework: it is compiled and its imports are executed (so a renamed or removed public
name still fails), but it is not run.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = [
    "quickstart.md",
    "testing.md",
    "api.md",
    "quickbooks.md",
    "hubspot.md",
    "auth.md",
    "errors.md",
    "sandbox-quickbooks.md",
    "sandbox-hubspot.md",
    "mappings.md",
    "logging.md",
    "matching.md",
    "cli.md",
    "sync.md",
    "state.md",
    "deploy.md",
]
BLOCK = re.compile(r"(<!-- not run: [^>]*-->\s*\n)?```python\n(.*?)```", re.DOTALL)


def _imports_only(source: str, filename: str) -> ast.Module:
    """The block's import statements alone (the rest is only compiled)."""
    tree = ast.parse(source, filename)
    return ast.Module(
        body=[n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))],
        type_ignores=[],
    )


@pytest.mark.parametrize("page", PAGES)
def test_guide_blocks_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every runnable ```python block of the page executes, with its own assertions."""
    path = DOCS / page
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    monkeypatch.setenv("HUBQBO_TOKEN_DIR", str(tmp_path / "tokens"))
    monkeypatch.chdir(tmp_path)
    blocks = BLOCK.findall(path.read_text(encoding="utf-8"))
    assert blocks, f"{page} has no python block"
    namespace: dict[str, object] = {"print": lambda *_a, **_k: None, "__name__": "docs"}
    for skipped, source in blocks:
        if skipped:
            compile(source, page, "exec")  # still valid Python
            code = compile(_imports_only(source, page), page, "exec")
        else:
            code = compile(source, page, "exec")
        exec(code, namespace)  # noqa: S102 - our own docs


PUBLIC_MODULES = [
    "hubqbo",
    "hubqbo.auth",
    "hubqbo.quickbooks",
    "hubqbo.hubspot",
    "hubqbo.invoices",
    "hubqbo.matching",
    "hubqbo.sandbox",
    "hubqbo.sandbox.hubspot",
]


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_api_page_lists_every_public_name(module: str) -> None:
    """docs/api.md names (in backticks) every name in the module's ``__all__``."""
    page = DOCS / "api.md"
    if not page.exists():
        pytest.skip(f"{page} is not in this checkout")
    text = page.read_text(encoding="utf-8")
    names = importlib.import_module(module).__all__
    missing = [n for n in names if n != "__version__" and f"`{n}`" not in text]
    assert [] == missing
