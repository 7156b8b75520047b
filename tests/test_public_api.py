"""The public surface: one ``__init__`` and a sorted ``__all__`` naming exactly the public names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import hubqbo


def test_all_is_sorted() -> None:
    """``__all__`` is sorted isort-style: CONSTANTS, then Classes, then functions (RUF022)."""

    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    expected = sorted(hubqbo.__all__, key=key)
    assert expected == list(hubqbo.__all__)


def test_all_matches_public_names() -> None:
    """Every public attribute of the package is in ``__all__`` and every entry exists."""
    public = {
        name
        for name, value in vars(hubqbo).items()
        if not name.startswith("_") and not isinstance(value, type(sys))
    }
    assert public | {"__version__"} == set(hubqbo.__all__)


def test_version_is_importable_without_side_effects() -> None:
    """``python -c 'import hubqbo; print(hubqbo.__version__)'`` prints the version."""
    src = str(Path(hubqbo.__file__).parent.parent)
    out = subprocess.run(
        [sys.executable, "-c", "import hubqbo; print(hubqbo.__version__)"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert hubqbo.__version__ == out.stdout.strip()


def test_no_print_in_library() -> None:
    """The library logs; it never prints (the CLI may)."""
    root = Path(hubqbo.__file__).parent
    offenders = [
        str(path)
        for path in root.rglob("*.py")
        if path.relative_to(root).parts[0] not in ("cli.py", "cli")
        and "print(" in path.read_text().replace(">>> print(", "")
    ]
    assert [] == offenders
