"""The README's example runs as written (against the sandboxes) and does what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert 2 == len(blocks)
    return blocks


def _run(block: str) -> None:
    namespace: dict[str, object] = {}
    exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README


def test_readme_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The first Python block creates an invoice with no problems, awaiting send."""
    _run(_blocks()[0])
    out = capsys.readouterr().out.splitlines()
    assert "()" == out[0]
    assert out[1].startswith("Invoice 1001")
    assert "Awaiting send" in out[1]
    assert any(line.strip().startswith("HubSpot invoice record") for line in out)


def test_readme_sync_example_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second block plans one contact, applies it, and the re-run writes nothing; the
    state is in the file the block names."""
    monkeypatch.chdir(tmp_path)
    _run(_blocks()[1])
    out = capsys.readouterr().out
    assert "1 create" in out
    assert "email: None -> 'hank@globex.example'" in out
    runs = re.findall(r"Sync run for tenant 'globex': (\d+) applied, (\d+) failed", out)
    assert [("1", "0"), ("0", "0")] == runs
    assert (tmp_path / "hubqbo.db").exists()
