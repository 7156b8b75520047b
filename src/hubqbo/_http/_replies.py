"""Checking a provider's reply before anything is built from it or written because of it.

Why: a 2xx answer is not always what the API promises. A proxy's HTML error page, an XML
fault, an empty or truncated body, JSON of the wrong shape, a ``NaN`` amount or a reply nested
thousands deep must never become a model with no id and zero amounts (which a caller would then
write elsewhere), nor escape as ``JSONDecodeError``, ``TypeError``, ``RecursionError`` or a
cattrs error. Both adapters decode every reply here, and build their models inside
:meth:`Reply.build`, so any such reply ends as one typed
:class:`~hubqbo.errors.UnexpectedResponseError` carrying the provider, status, request id and
a short redacted excerpt of the body.

The rules (one place for both providers):

* the body must be JSON (``NaN``/``Infinity`` refused), at most ``MAX_REPLY_BYTES`` long and
  at most ``MAX_REPLY_DEPTH`` containers deep;
* a call says what it expects: :meth:`Reply.object` (a JSON object), :meth:`Reply.member`
  (a key holding an object or a list), :meth:`Reply.text` (a non-empty string such as an id);
* building a model from it runs inside :meth:`Reply.build`, which turns any reading error
  (missing key, wrong type, invalid number or date) into the typed error.

Example:
    >>> import httpx
    >>> response = httpx.Response(200, text="<html>502 Bad Gateway</html>")
    >>> try:
    ...     Reply.decode("quickbooks", response, request_id="tid-1")
    ... except UnexpectedResponseError as error:
    ...     (error.reason, error.request_id, error.status_code)
    ('body is not JSON', 'tid-1', 200)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

import attrs
import httpx
from cattrs.errors import BaseValidationError

from hubqbo._http._redact import REDACTED, SENSITIVE_KEYS
from hubqbo.errors import HubQboError, UnexpectedResponseError

__all__ = [
    "EXCERPT_CHARS",
    "MAX_REPLY_BYTES",
    "MAX_REPLY_DEPTH",
    "READING_ERRORS",
    "Reply",
    "describe_error",
    "excerpt",
    "json_depth_exceeds",
    "lenient_json",
    "redact_text",
    "strict_json",
]

T = TypeVar("T")
P = ParamSpec("P")

MAX_REPLY_BYTES = 16 * 1024 * 1024
"""Longest reply body read as JSON (a full QBO query page of 1,000 invoices is a few MB)."""
MAX_REPLY_DEPTH = 64
"""Deepest nesting of JSON containers accepted (real replies stay under 12)."""
EXCERPT_CHARS = 200
"""Characters of the body kept (redacted) in an ``UnexpectedResponseError``."""

READING_ERRORS: tuple[type[BaseException], ...] = (
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    ArithmeticError,
    RecursionError,
    OverflowError,
    LookupError,
    BaseValidationError,  # cattrs' structuring errors (an exception group)
)
"""What reading a malformed reply raises in plain Python code; turned into the typed error."""

_KEYS = "|".join(sorted((re.escape(k) for k in SENSITIVE_KEYS), key=len, reverse=True))
_JSON_SECRET = re.compile(rf'("(?:{_KEYS})"\s*:\s*)"(?:[^"\\]|\\.)*"?', re.IGNORECASE)
_FORM_SECRET = re.compile(rf"((?:^|[?&\s;,])(?:{_KEYS})=)[^&\s;,]*", re.IGNORECASE)
_BEARER = re.compile(r"(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_XML_SECRET = re.compile(rf"(<(?:{_KEYS})>)[^<]*", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def redact_text(text: str) -> str:
    """``text`` with values of sensitive keys (JSON, form, XML) and bearer tokens redacted.

    Example:
        >>> redact_text('{"access_token": "abc", "x": 1} refresh_token=def&a=1 Bearer ghi')
        '{"access_token": "[REDACTED]", "x": 1} refresh_token=[REDACTED]&a=1 Bearer [REDACTED]'
    """
    text = _JSON_SECRET.sub(rf'\1"{REDACTED}"', text)
    text = _FORM_SECRET.sub(rf"\1{REDACTED}", text)
    text = _XML_SECRET.sub(rf"\1{REDACTED}", text)
    return _BEARER.sub(rf"\1{REDACTED}", text)


def excerpt(content: bytes, limit: int = EXCERPT_CHARS) -> str:
    """The start of a body as text, redacted, control characters dropped, at most ``limit``.

    Redaction runs on a longer prefix than is kept, so a secret cut by the limit is still
    recognised by its key.
    """
    text = content[: limit * 4].decode("utf-8", errors="replace")
    text = _CONTROL.sub("", redact_text(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} is not a number")


def json_depth_exceeds(value: Any, limit: int = MAX_REPLY_DEPTH) -> bool:
    """Whether ``value`` (parsed JSON) nests containers deeper than ``limit`` (iterative, one
    level at a time: a list comprehension per container, no tuple per child)."""
    level: list[Any] = [value] if isinstance(value, (dict, list)) else []
    depth = 1
    while level:
        if depth > limit:
            return True
        deeper: list[Any] = []
        for node in level:
            children = node.values() if isinstance(node, dict) else node
            deeper += [child for child in children if isinstance(child, (dict, list))]
        level = deeper
        depth += 1
    return False


class _Refused(ValueError):
    """A body that is not acceptable JSON (the reason is the message)."""


def strict_json(
    content: bytes,
    *,
    parse_float: Callable[[str], Any] | None = None,
    constants: bool = False,
) -> Any:
    """``content`` parsed as JSON, or :class:`ValueError` saying why it is not acceptable.

    Refused: an empty body, a body longer than ``MAX_REPLY_BYTES``, text that is not JSON
    (HTML, XML, truncated JSON), ``NaN``/``Infinity`` (unless ``constants``: read as floats,
    for a caller that checks its numbers itself), nesting deeper than ``MAX_REPLY_DEPTH``.
    """
    if not content or not content.strip():
        raise _Refused("body is empty")
    if len(content) > MAX_REPLY_BYTES:
        raise _Refused(f"body is {len(content)} bytes, more than {MAX_REPLY_BYTES}")
    try:
        value = json.loads(
            content, parse_float=parse_float, parse_constant=None if constants else _no_constant
        )
    except RecursionError:
        raise _Refused(f"JSON nested deeper than {MAX_REPLY_DEPTH}") from None
    except ValueError as exc:
        reason = "body is not JSON"
        if isinstance(exc, json.JSONDecodeError) and exc.pos >= len(content.rstrip()) - 1:
            reason = "body is truncated JSON"
        elif "JSON constant" in str(exc):
            reason = str(exc)
        raise _Refused(reason) from None
    openers = content.count(b"{") + content.count(b"[")
    if openers > MAX_REPLY_DEPTH and json_depth_exceeds(value):
        raise _Refused(f"JSON nested deeper than {MAX_REPLY_DEPTH}")
    return value


def lenient_json(
    content: bytes, *, parse_float: Callable[[str], Any] | None = None, constants: bool = False
) -> Any:
    """``content`` parsed as by :func:`strict_json`, or ``None`` when it is not acceptable
    (for error answers, which are mapped by status code whatever their body)."""
    try:
        return strict_json(content, parse_float=parse_float, constants=constants)
    except ValueError:
        return None


@attrs.frozen
class Reply:
    """A provider's successful reply, decoded, with the checks a call states it expects.

    Attributes:
        provider: ``"hubspot"`` or ``"quickbooks"``.
        status_code: the HTTP status.
        request_id: the provider's transaction id (QBO ``intuit_tid``, HubSpot correlation id).
        body: the decoded JSON (``None`` for an accepted empty body).
        content: the raw body (for the excerpt of an error only).
    """

    provider: str
    status_code: int
    request_id: str | None
    body: Any
    content: bytes = attrs.field(repr=False, default=b"")

    @classmethod
    def decode(
        cls,
        provider: str,
        response: httpx.Response,
        *,
        request_id: str | None = None,
        parse_float: Callable[[str], Any] | None = None,
        empty_ok: bool = False,
    ) -> Reply:
        """The reply of ``response``, or :class:`UnexpectedResponseError` when its body is not
        acceptable JSON (an empty body is accepted, as ``None``, only with ``empty_ok``)."""
        content = response.content
        if empty_ok and (response.status_code == 204 or not content.strip()):
            return cls(provider, response.status_code, request_id, None, content)
        try:
            body = strict_json(content, parse_float=parse_float)
        except ValueError as exc:
            raise _unexpected(
                provider, response.status_code, request_id, content, str(exc)
            ) from None
        if empty_ok and not isinstance(body, dict):
            reason = f"expected no body or a JSON object, got {_kind(body)}"
            raise _unexpected(provider, response.status_code, request_id, content, reason)
        return cls(provider, response.status_code, request_id, body, content)

    def error(self, reason: str) -> UnexpectedResponseError:
        """The typed error for this reply, saying ``reason``."""
        return _unexpected(self.provider, self.status_code, self.request_id, self.content, reason)

    def object(self) -> Mapping[str, Any]:
        """The body, which must be a JSON object."""
        if not isinstance(self.body, dict):
            raise self.error(f"expected a JSON object, got {_kind(self.body)}")
        return self.body

    def member(self, key: str, *, kind: type = dict, optional: bool = False) -> Any:
        """``body[key]``, which must be a ``kind`` (``dict`` or ``list``); with ``optional``
        a missing or ``null`` key gives an empty ``kind``."""
        value = self.object().get(key)
        if value is None and optional:
            return kind()
        if not isinstance(value, kind):
            got = "nothing" if value is None else _kind(value)
            raise self.error(f"expected {key!r} to be a JSON {_KIND_NAMES[kind]}, got {got}")
        return value

    def text(self, value: Any, what: str) -> str:
        """``value`` as a non-empty string (ids, currencies): a string or an integer."""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise self.error(f"{what} is {_kind(value)}, not a string")
        text = str(value).strip()
        if not text:
            raise self.error(f"{what} is empty")
        return text

    def build(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)``, with any reading error raised as the typed error.

        hubqbo's own errors (a domain refusal found while reading) pass unchanged.
        """
        try:
            return fn(*args, **kwargs)
        except HubQboError:
            raise
        except READING_ERRORS as exc:
            raise self.error(describe_error(exc)) from exc

    def records(self, items: Any, what: str) -> Iterator[Mapping[str, Any]]:
        """Each element of ``items`` (a list of JSON objects)."""
        if not isinstance(items, list):
            raise self.error(f"{what} is {_kind(items)}, not a list")
        for item in items:
            if not isinstance(item, dict):
                raise self.error(f"an element of {what} is {_kind(item)}, not an object")
            yield item


_KIND_NAMES: dict[type, str] = {dict: "object", list: "array", str: "string"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "a string" if value else "an empty string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def describe_error(exc: BaseException) -> str:
    """A short reason from a reading error (its type and first line, secrets redacted)."""
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}" if exc.args else "missing field"
    if isinstance(exc, RecursionError):
        return "reply nested too deeply to read"
    if isinstance(exc, BaseValidationError):
        leaves = list(_leaves(exc))[:3]
        return "; ".join(describe_error(e) for e in leaves) or "unreadable reply"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return redact_text(f"{type(exc).__name__}: {first}"[:160])


def _leaves(group: BaseValidationError) -> Iterator[BaseException]:
    for exc in group.exceptions:
        if isinstance(exc, BaseValidationError):
            yield from _leaves(exc)
        else:
            yield exc


def _unexpected(
    provider: str, status: int, request_id: str | None, content: bytes, reason: str
) -> UnexpectedResponseError:
    return UnexpectedResponseError(
        provider=provider,
        status_code=status,
        reason=reason,
        excerpt=excerpt(content),
        request_id=request_id,
    )
