"""docs/cli.md's ``console`` blocks run: each ``$ hubqbo ...`` line in a child process, in one
empty directory, in page order, at 80 columns; every output line the page shows must be a line
the command printed, and the exit code must be 0 (or the ``# exit N`` the line announces).

A block right after ``<!-- not run: <reason> -->`` (real accounts, a browser, a server that runs
until Ctrl-C) is skipped; those flows are tested in tests/cli/test_served.py.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import attrs

from tests.cli.conftest import Run

PAGE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
BLOCK = re.compile(r"(<!-- not run: [^>]*-->\s*\n)?[ \t]*```console\n(.*?)[ \t]*```", re.DOTALL)
EXIT = re.compile(r"\s+# exit (\d+)$")


@attrs.frozen
class Step:
    """One ``$ hubqbo ...`` line of the page and the output shown under it."""

    args: tuple[str, ...]
    code: int
    shown: tuple[str, ...]


def steps(text: str) -> list[Step]:
    """The runnable commands of the page, in order."""
    found: list[Step] = []
    for skipped, body in BLOCK.findall(text):
        if skipped:
            continue
        command: str | None = None
        shown: list[str] = []
        for line in [*body.splitlines(), "$ "]:
            if line.startswith("$ "):
                if command is not None and command.startswith("hubqbo "):
                    code = EXIT.search(command)
                    bare = EXIT.sub("", command)
                    found.append(
                        Step(
                            tuple(shlex.split(bare)[1:]),
                            int(code.group(1)) if code else 0,
                            tuple(shown),
                        )
                    )
                command, shown = line[2:], []
            elif line.strip():
                shown.append(line.rstrip())
    return found


def test_the_page_has_runnable_commands() -> None:
    found = steps(PAGE.read_text(encoding="utf-8"))
    assert len(found) >= 8
    assert ("--version",) == found[0].args
    assert () == found[0].shown


def test_console_blocks_print_what_the_page_shows(hubqbo: Run) -> None:
    for step in steps(PAGE.read_text(encoding="utf-8")):
        result = hubqbo(*step.args)
        where = f"$ hubqbo {' '.join(step.args)}"
        assert step.code == result.code, f"{where}\n{result.err}"
        printed = {line.rstrip() for line in (result.out + result.err).splitlines()}
        missing = [line for line in step.shown if line not in printed]
        assert [] == missing, f"{where} printed:\n{result.out}{result.err}"
