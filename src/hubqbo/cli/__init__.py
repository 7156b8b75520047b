"""The ``hubqbo`` command (``pip install 'hubqbo[cli]'``): connect both accounts, invoice a deal,
edit mappings, serve the sandboxes, and ``hubqbo demo``.

Why a package with a plain entry point: the console script ``hubqbo = "hubqbo.cli:main"`` must
run even when the ``cli`` extra (click, rich) is missing, to say how to install it, as httpx's
command does; so ``main`` imports the click application only when called. The demo needs no
extra and stays importable from here (``build_demo_world`` is what the invoicing tests and
benchmarks run on).

Example:
    >>> world = build_demo_world()          # what ``hubqbo demo`` runs on
    >>> world.us.company_profile().country, world.uk.company_profile().home_currency
    ('US', 'GBP')

Run it with ``hubqbo --help``, ``python -m hubqbo`` or ``python -m hubqbo.cli``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from hubqbo.cli._demo import DEMO_START, DemoWorld, _ledger, build_demo_world, run_demo
from hubqbo.cli._exit import ExitCode, exit_code_for

__all__ = [
    "DEMO_START",
    "DemoWorld",
    "ExitCode",
    "_ledger",
    "build_demo_world",
    "exit_code_for",
    "main",
    "run_demo",
]

INSTALL_HINT = (
    "The hubqbo command could not run because its dependencies (click, rich) are not "
    "installed.\nInstall them with: pip install 'hubqbo[cli]'\n"
)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the ``hubqbo`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit
    status (see :class:`ExitCode`). ``out`` replaces standard output (tests, embedding)."""
    try:
        from hubqbo.cli._app import run
    except ImportError as exc:
        if str(exc.name or "").partition(".")[0] not in {"click", "rich", "tomli"}:
            raise
        sys.stderr.write(INSTALL_HINT)
        return int(ExitCode.MISSING_EXTRA)
    return run(list(sys.argv[1:] if argv is None else argv), out=out)
