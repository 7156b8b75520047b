"""Redaction of secrets before anything reaches a log line, an exception or a repr.

Why: access tokens, refresh tokens, client secrets and authorization codes must never leak
through debug logging. Every log call in hubqbo passes headers and URLs through here first.

Example:
    >>> redact_headers({"Authorization": "Bearer abc", "Accept": "application/json"})
    {'Authorization': '[REDACTED]', 'Accept': 'application/json'}
    >>> redact_url("https://x.test/cb?code=secret&state=s1&realmId=9")
    'https://x.test/cb?code=%5BREDACTED%5D&state=s1&realmId=9'
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "SENSITIVE_KEYS",
    "Secret",
    "masked_in_logs",
    "redact_headers",
    "redact_mapping",
    "redact_url",
]

REDACTED = "[REDACTED]"

SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code",
        "token",
        "password",
        "x-hubspot-signature",
        "x-hubspot-signature-v3",
        "intuit-signature",
        "verifier_token",
        "hapikey",
    }
)
"""Header, query and body keys whose values are always redacted (compared case-insensitively)."""


def _sensitive(key: str, extra: Iterable[str]) -> bool:
    lowered = key.lower()
    return lowered in SENSITIVE_KEYS or lowered in {e.lower() for e in extra}


def redact_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """A copy of ``headers`` with sensitive values replaced by ``[REDACTED]``."""
    return {k: (REDACTED if _sensitive(k, extra) else v) for k, v in headers.items()}


def redact_mapping(data: Mapping[str, Any], extra: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of a (nested) JSON-like mapping with sensitive values redacted."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if _sensitive(key, extra):
            out[key] = REDACTED
        elif isinstance(value, Mapping):
            out[key] = redact_mapping(value, extra)
        else:
            out[key] = value
    return out


def redact_url(url: str, extra: Iterable[str] = ()) -> str:
    """``url`` with sensitive query parameters redacted (order and other params kept)."""
    parts = urlsplit(str(url))
    if not parts.query:
        return str(url)
    pairs = [
        (k, REDACTED if _sensitive(k, extra) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs)))


class Secret:
    """A string that never shows itself in ``repr``/``str`` (use ``.reveal()``).

    Example:
        >>> s = Secret("client-secret-value")
        >>> (repr(s), s.reveal())
        ("Secret('[REDACTED]')", 'client-secret-value')
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret value (only for building the request that needs it)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class _MaskFilter(logging.Filter):
    """Replaces given secret strings in the formatted message of every record it sees."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, ()
        return True


@contextlib.contextmanager
def masked_in_logs(*secrets: str, logger: str = "httpx") -> Iterator[None]:
    """While active, ``secrets`` are replaced by ``[REDACTED]`` in ``logger``'s records.

    For the rare request whose URL must carry a secret (HubSpot's v1 refresh-token revocation,
    ``DELETE .../refresh-tokens/<token>``): httpx logs every request URL at INFO.

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> log = logging.getLogger("demo.masked")
        >>> log.addHandler(logging.StreamHandler(out)); log.setLevel(logging.INFO)
        >>> with masked_in_logs("r-123", logger="demo.masked"):
        ...     log.info("DELETE /refresh-tokens/%s", "r-123")
        >>> out.getvalue()
        'DELETE /refresh-tokens/[REDACTED]\\n'
    """
    wanted = tuple(s for s in secrets if s)
    target = logging.getLogger(logger)
    mask = _MaskFilter(wanted)
    target.addFilter(mask)
    try:
        yield
    finally:
        target.removeFilter(mask)
