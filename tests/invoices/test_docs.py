"""docs/invoicing.md runs: its Python blocks, executed in order in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "invoicing.md"


def test_invoicing_guide_example_runs() -> None:
    """Every ```python block of the guide executes, with its own assertions."""
    if not GUIDE.exists():
        pytest.skip(f"{GUIDE} is not in this checkout")
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 5
    namespace: dict[str, object] = {"print": lambda *_a, **_k: None}
    for block in blocks:
        exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own docs
