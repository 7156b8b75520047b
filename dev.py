#!/usr/bin/env python3
"""Developer entry point: ``python3 dev.py check`` (tests + types + lint + docs) or ``demo``.

Creates (or reuses) ``.venv`` beside this file and installs the package with its ``dev`` extra
whenever ``pyproject.toml`` changed, so a fresh machine needs nothing but ``python3``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("HUBQBO_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".hubqbo-install-stamp"


def _run(*args: str | Path) -> int:
    print(f"\n$ {' '.join(str(a) for a in args)}", flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT)


def ensure_venv() -> None:
    """Create the virtual environment and (re)install when pyproject.toml changed."""
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    steps = [
        (PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"),
        (PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"),
    ]
    for step in steps:
        if _run(*step) != 0:
            sys.exit("installing the development environment failed")
    STAMP.write_text(digest)


def check() -> int:
    """Run every gate; fail if any fails."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    lint = [p for p in ("src", "tests", "benchmarks", "dev.py") if (ROOT / p).exists()]
    gates = {
        "pytest": (PY, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
        "mypy --strict": (PY, "-m", "mypy", "--strict", "src/hubqbo"),
        "ruff check": (PY, "-m", "ruff", "check", *lint),
        "ruff format": (PY, "-m", "ruff", "format", "--check", *lint),
        "mkdocs build --strict": (
            PY,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "--site-dir",
            str(VENV / "site"),
        ),
    }
    failed = [name for name, cmd in gates.items() if _run(*cmd) != 0]
    print()
    if failed:
        print(f"FAILED gates: {', '.join(failed)}")
        return 1
    print(f"all {len(gates)} gates passed: {', '.join(gates)}")
    return 0


def main(argv: list[str]) -> int:
    """Dispatch ``check`` or ``demo``."""
    command = argv[0] if argv else "check"
    ensure_venv()
    if command == "check":
        return check()
    if command == "demo":
        return _run(BIN / "hubqbo", "demo", *argv[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
