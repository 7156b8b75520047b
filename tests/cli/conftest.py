"""Running the ``hubqbo`` command as a person does: a child process, ``python -m hubqbo``, with
this checkout's ``src`` on ``PYTHONPATH``, a private token directory, a config file in a
temporary working directory, and an 80-column terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs
import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


@attrs.frozen
class Result:
    """What a run of the command left: its exit code, standard output and error."""

    code: int
    out: str
    err: str


def environment(tmp_path: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment: no HUBQBO_* from the caller, this checkout's code, 80 columns."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBQBO_", "PYTHON"))}
    env.update(
        PYTHONPATH=str(SRC),
        COLUMNS="80",
        NO_COLOR="1",
        HUBQBO_TOKEN_DIR=str(tmp_path / "tokens"),
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
        XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
    )
    env.update(extra or {})
    return env


Run = Callable[..., Result]


@pytest.fixture
def hubqbo(tmp_path: Path) -> Run:
    """``hubqbo("invoice", "1015", "--yes")`` runs the command in ``tmp_path``."""

    def run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 120,
        module: str = "hubqbo",
    ) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=tmp_path,
            env=environment(tmp_path, env),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def in_process(tmp_path: Path) -> Path:
    """A config file whose only tenant runs on in-process sandboxes (the demo business)."""
    path = tmp_path / "hubqbo.toml"
    path.write_text('[tenants.demo]\nsandbox = "in-process"\n', encoding="utf-8")
    return path
