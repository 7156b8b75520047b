"""The README's example runs as written (against the sandboxes) and does what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The one Python block in README.md creates an invoice with no problems, awaiting send."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert 1 == len(blocks)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(README), "exec"), namespace)  # noqa: S102 - our own README
    out = capsys.readouterr().out.splitlines()
    assert "()" == out[0]
    assert out[1].startswith("Invoice 1001")
    assert "Awaiting send" in out[1]
    assert any(line.strip().startswith("HubSpot invoice record") for line in out)
