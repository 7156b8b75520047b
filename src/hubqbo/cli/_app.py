"""The click application behind ``hubqbo`` (imported only when click and rich are installed).

Why this shape: every command receives a :class:`Session` (consoles, config file, tenant), writes
its answer to standard output (a rich table for people, ``--json`` for scripts) and its messages
to standard error, and lets hubqbo's typed errors propagate to :func:`run`, which turns each into
one line on standard error and the exit code of :class:`~hubqbo.cli.ExitCode`. Tokens and client
secrets are never printed: only ids, names and expiry times.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO, TypeVar, cast

import attrs
import click
from rich.console import Console

from hubqbo._version import __version__
from hubqbo.cli._config import Config, Tenant, find_config, load_config
from hubqbo.cli._exit import ExitCode, exit_code_for
from hubqbo.cli._tenant import Workspace
from hubqbo.errors import HubQboError

__all__ = ["Session", "hubqbo", "run"]

F = TypeVar("F", bound=Callable[..., Any])


class CommandFailed(click.ClickException):
    """A failure the command explains itself, with the exit code to end with."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code


@attrs.define
class Session:
    """What every command gets: where to write, and the config and tenant chosen."""

    out: Console
    err: Console
    stream: TextIO
    config_path: str | None = None
    tenant_name: str | None = None
    _config: Config | None = None
    _workspace: Workspace | None = None

    def config(self) -> Config:
        """The config file, read once (``ConfigError`` when missing or invalid)."""
        if self._config is None:
            self._config = load_config(find_config(self.config_path))
        return self._config

    def tenant(self) -> Tenant:
        """The tenant ``--tenant`` names, else the file's default."""
        return self.config().tenant(self.tenant_name)

    def workspace(self) -> Workspace:
        """The tenant's clients (built once per command run, closed at the end)."""
        if self._workspace is None:
            self._workspace = Workspace(self.tenant())
        return self._workspace

    def close(self) -> None:
        """Close what the command opened."""
        if self._workspace is not None:
            self._workspace.close()

    def json(self, data: Any) -> None:
        """Write ``data`` as JSON on standard output (what ``--json`` prints)."""
        self.stream.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")

    def note(self, text: str) -> None:
        """A message for the person, on standard error (never mixed into ``--json``)."""
        self.err.print(text, highlight=False, markup=False)


pass_session = click.make_pass_decorator(Session)


def confirm(question: str) -> None:
    """Ask on standard error; anything but yes (or no answer: end of input) ends the command
    with :attr:`ExitCode.CANCELLED`, before anything is written."""
    try:
        yes = click.confirm(question, err=True)
    except click.exceptions.Abort:  # end of input
        yes = False
    if not yes:
        raise CommandFailed("cancelled: nothing was written", ExitCode.CANCELLED)


def json_option(command: F) -> F:
    """``--json``: print the answer as JSON (for scripts) instead of tables."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print the answer as JSON (for scripts)."
    )(command)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 80}


@click.group(context_settings=CONTEXT)
@click.version_option(
    __version__, "--version", "-V", prog_name="hubqbo", message="%(prog)s %(version)s"
)
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False, path_type=str),
    envvar="HUBQBO_CONFIG",
    help="The config file (default: ./hubqbo.toml, then ~/.config/hubqbo/hubqbo.toml).",
)
@click.option(
    "--tenant",
    "-t",
    "tenant_name",
    envvar="HUBQBO_TENANT",
    help="The tenant of the config file to work on (default: default_tenant).",
)
@click.pass_context
def hubqbo(ctx: click.Context, config_path: str | None, tenant_name: str | None) -> None:
    """HubSpot CRM ↔ QuickBooks Online from the terminal.

    Connect both accounts (auth), invoice a deal (invoice), edit field mappings (mappings),
    and try everything offline on the sandboxes (sandbox serve, demo).
    Exit codes are listed in docs/cli.md.
    """
    session = ctx.ensure_object(Session)
    session.config_path = config_path
    session.tenant_name = tenant_name


@hubqbo.command(context_settings=CONTEXT, short_help="The main job on embedded sandboxes.")
@pass_session
def demo(session: Session) -> int:
    """Run the main job end to end on embedded sandboxes (no network, no credentials)."""
    from hubqbo.cli._demo import run_demo

    return run_demo(session.stream)


# --------------------------------------------------------------------------- running


class _TrimmedLines(io.TextIOBase):
    """Drops the spaces rich pads table lines with (files, pipes, tests: not terminals)."""

    def __init__(self, target: TextIO) -> None:
        self._target = target
        self._pending = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._target.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._target.write(self._pending)
            self._pending = ""
        self._target.flush()


def _console_file(stream: TextIO) -> TextIO:
    if stream.isatty():
        return stream
    return cast(TextIO, _TrimmedLines(stream))


def _consoles(out: TextIO | None) -> tuple[Console, Console, TextIO]:
    stream = out or sys.stdout
    return (
        Console(file=_console_file(stream), highlight=False, soft_wrap=False, emoji=False),
        Console(
            file=_console_file(sys.stderr),
            highlight=False,
            stderr=True,
            emoji=False,
            soft_wrap=True,
        ),
        stream,
    )


def run(argv: Sequence[str], *, out: TextIO | None = None) -> int:
    """Run the command line ``argv``; returns the exit status (never raises for errors)."""
    console, err, stream = _consoles(out)
    session = Session(out=console, err=err, stream=stream)
    try:
        result = hubqbo.main(
            args=list(argv), prog_name="hubqbo", standalone_mode=False, obj=session
        )
    except click.exceptions.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort)
        err.print(
            "interrupted: what was already written stays; the same command finishes the job",
            highlight=False,
            markup=False,
        )
        return int(ExitCode.INTERRUPTED)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show(file=sys.stderr)
        return int(ExitCode.USAGE)
    except CommandFailed as exc:
        prefix = "" if exc.code is ExitCode.CANCELLED else "error: "
        err.print(f"{prefix}{exc.format_message()}", highlight=False, markup=False)
        return int(exc.code)
    except click.ClickException as exc:
        err.print(f"error: {exc.format_message()}", highlight=False, markup=False)
        return int(exc.exit_code)
    except HubQboError as exc:
        code = exit_code_for(exc)
        err.print(f"error: {exc}", highlight=False, markup=False)
        hint = _HINTS.get(code)
        if hint:
            err.print(hint, highlight=False, markup=False)
        return int(code)
    except BrokenPipeError:  # `hubqbo ... | head`
        return int(ExitCode.OK)
    finally:
        session.close()
        console.file.flush()
        err.file.flush()
    if isinstance(result, int):
        return result
    return int(ExitCode.OK)


_HINTS = {
    ExitCode.AUTH: "hint: connect again with `hubqbo auth quickbooks` or `hubqbo auth hubspot`",
    ExitCode.SERVICE: "hint: nothing is lost; run the same command again later",
}


def _register() -> None:
    """Attach the commands (their module imports this one for the group)."""
    from hubqbo.cli import _commands, _mappings, _service, _sync  # noqa: F401 - register on import


_register()
