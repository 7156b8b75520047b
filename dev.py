#!/usr/bin/env python3
"""Entry point for a clone: ``python3 dev.py check`` (tests + types + lint + docs) or ``demo``.

``check`` creates (or reuses) ``.venv`` beside this file and installs the package with its
``dev`` extra whenever ``pyproject.toml`` changed, so a fresh machine needs nothing but
``python3``. ``demo`` needs much less: it installs only the package and its ``cli`` extra, in
``.venv-demo`` — or reuses ``.venv`` when ``check`` already set it up.
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
DEMO_VENV = ROOT / ".venv-demo"
STAMP_NAME = ".hubqbo-install-stamp"


def _bin(venv_dir: Path) -> Path:
    return venv_dir / ("Scripts" if os.name == "nt" else "bin")


def _python(venv_dir: Path) -> Path:
    return _bin(venv_dir) / ("python.exe" if os.name == "nt" else "python")


PY = _python(VENV)


def _run(*args: str | Path) -> int:
    print(f"\n$ {' '.join(str(a) for a in args)}", flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT)


def _digest(extra: str) -> str:
    """What an environment was installed from: the extra and ``pyproject.toml``."""
    return extra + ":" + hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _is_current(venv_dir: Path, extra: str) -> bool:
    stamp = venv_dir / STAMP_NAME
    return _python(venv_dir).exists() and stamp.exists() and stamp.read_text() == _digest(extra)


def ensure_venv(venv_dir: Path = VENV, extra: str = "dev") -> None:
    """Create the virtual environment and (re)install when pyproject.toml changed."""
    python = _python(venv_dir)
    if not python.exists():
        print(f"creating virtual environment in {venv_dir}", flush=True)
        venv.EnvBuilder(with_pip=True).create(venv_dir)
    if _is_current(venv_dir, extra):
        return
    steps = [
        (python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"),
        (python, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{extra}]"),
    ]
    for step in steps:
        if _run(*step) != 0:
            sys.exit(f"installing hubqbo[{extra}] into {venv_dir} failed")
    (venv_dir / STAMP_NAME).write_text(_digest(extra))


def demo(args: list[str]) -> int:
    """Run ``hubqbo demo``: in the development environment when it is ready, else in a light one."""
    venv_dir = VENV if _is_current(VENV, "dev") else DEMO_VENV
    if venv_dir == DEMO_VENV:
        ensure_venv(DEMO_VENV, "cli")
    return _run(_python(venv_dir), "-m", "hubqbo.cli", "demo", *args)


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
    if command == "check":
        ensure_venv()
        return check()
    if command == "demo":
        return demo(argv[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
