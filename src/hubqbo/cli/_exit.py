"""Exit codes of the ``hubqbo`` command, and which error ends with which.

Why a table of its own: scripts branch on the exit code (``hubqbo invoice 123 --yes || ...``),
so each code has one meaning, documented in ``docs/cli.md``, and every error hubqbo raises maps
to exactly one of them here. Importing this module needs neither click nor rich.

Example:
    >>> from hubqbo.errors import AuthenticationError
    >>> exit_code_for(AuthenticationError(provider="quickbooks", status_code=401, code=None,
    ...                                   message="Token expired"))
    <ExitCode.AUTH: 4>
"""

from __future__ import annotations

import enum

from hubqbo.errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    DomainError,
    HubQboError,
    InvalidTenantName,
    MappingSetVersionConflict,
    NotFoundError,
    PermissionDeniedError,
    StoreConnectionError,
    StoreNotUsable,
    TransportError,
)

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(enum.IntEnum):
    """What the ``hubqbo`` command's exit status means (stable: scripts rely on it)."""

    OK = 0
    """Done."""
    ERROR = 1
    """An unexpected error (a bug: please report it with the command that failed)."""
    USAGE = 2
    """Bad arguments or options, or an unknown command (nothing was done)."""
    CONFIG = 3
    """The config file is missing or invalid, the tenant is unknown, an environment
    variable the command needs is not set, or the state store is not hubqbo's (nothing was
    done)."""
    AUTH = 4
    """No token, or it expired or was revoked, or a scope was refused: run ``hubqbo auth``."""
    PROBLEMS = 5
    """hubqbo refused before writing anything (an invoice draft with problems, an expired
    quote, an invalid mapping, a mapping changed by someone else meanwhile...); the message
    says what to fix."""
    NOT_FOUND = 6
    """The deal, quote, invoice or mapping named does not exist."""
    SERVICE = 7
    """HubSpot or QuickBooks answered with an error, or they or the state store could not be
    reached; trying again later may succeed."""
    CANCELLED = 8
    """The person answered no at a confirmation prompt (nothing was written)."""
    MISSING_EXTRA = 9
    """The command's dependencies (click, rich) are not installed: ``pip install 'hubqbo[cli]'``."""
    INTERRUPTED = 130
    """Interrupted (Ctrl-C): writes already made stay; the same command finishes the job."""


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code an error ends the command with.

    Example:
        >>> from hubqbo.errors import QuoteNotUsable
        >>> exit_code_for(QuoteNotUsable("7", "expired")).name
        'PROBLEMS'
    """
    if isinstance(error, (AuthenticationError, PermissionDeniedError)):
        return ExitCode.AUTH
    if isinstance(error, NotFoundError):
        return ExitCode.NOT_FOUND
    if isinstance(error, (ApiError, TransportError, StoreConnectionError)):
        return ExitCode.SERVICE
    if isinstance(error, (StoreNotUsable, InvalidTenantName)):
        return ExitCode.CONFIG
    if isinstance(error, MappingSetVersionConflict):
        return ExitCode.PROBLEMS
    if isinstance(error, ConfigurationError):
        return ExitCode.CONFIG
    if isinstance(error, DomainError):
        return ExitCode.PROBLEMS
    if isinstance(error, HubQboError):
        return ExitCode.ERROR
    return ExitCode.ERROR
