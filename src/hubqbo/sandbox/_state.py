"""Saving a sandbox's world to JSON and reading it back (``save(path)`` / ``load(path)``).

Why: a demo or a crash test must stop a world and resume it in another process with the same
answers. The state holds ``Decimal`` money, aware datetimes, bytes (replayed answers), sets,
tuples and dicts keyed by tuples, which plain JSON cannot tell apart; this module writes them as
small tagged objects (``{"$decimal": "12.50"}``) and reads them back exactly. Every file names
its sandbox (``format``) and the layout ``version``; a file of another sandbox or a newer layout
is refused with ``SandboxStateError`` rather than half-loaded.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> value = {"amount": Decimal("1.50"), ("a", "1"): {1, 2}, "at": dt.datetime(2026, 1, 1,
    ...          tzinfo=dt.timezone.utc), "raw": b"ok", "pair": (1, "x")}
    >>> decode(json.loads(json.dumps(encode(value)))) == value
    True
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from hubqbo.errors import HubQboError

__all__ = ["SandboxStateError", "decode", "encode", "read_state", "write_state"]


class SandboxStateError(HubQboError):
    """A saved sandbox state cannot be read: not JSON, another sandbox's file, or a newer layout."""


Encoder = Callable[[Any], Any]


def encode(value: Any, custom: Encoder | None = None) -> Any:
    """``value`` as plain JSON data; ``custom`` turns other objects into tagged plain data."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, custom) for v in value]}
    if isinstance(value, (set, frozenset)):
        items = [encode(v, custom) for v in value]
        return {"$set": sorted(items, key=lambda item: json.dumps(item, sort_keys=True))}
    if isinstance(value, Mapping):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v, custom) for k, v in value.items()}
        return {"$dict": [[encode(k, custom), encode(v, custom)] for k, v in value.items()]}
    if isinstance(value, list):
        return [encode(v, custom) for v in value]
    if custom is not None:
        return custom(value)
    raise TypeError(f"cannot save a {type(value).__name__} in a sandbox state")


Decoder = Callable[[str, Any], Any]


def decode(value: Any, custom: Decoder | None = None) -> Any:
    """The inverse of ``encode``; ``custom(tag, payload)`` rebuilds other tagged objects."""
    if isinstance(value, list):
        return [decode(v, custom) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, payload),) = value.items()
        if tag == "$decimal":
            return Decimal(payload)
        if tag == "$datetime":
            return dt.datetime.fromisoformat(payload)
        if tag == "$date":
            return dt.date.fromisoformat(payload)
        if tag == "$bytes":
            return base64.b64decode(payload)
        if tag == "$tuple":
            return tuple(decode(v, custom) for v in payload)
        if tag == "$set":
            return {decode(v, custom) for v in payload}
        if tag == "$dict":
            return {decode(k, custom): decode(v, custom) for k, v in payload}
        if tag.startswith("$") and custom is not None:
            return custom(tag, payload)
    return {k: decode(v, custom) for k, v in value.items()}


def write_state(path: str | os.PathLike[str], kind: str, version: int, body: Any) -> None:
    """Write ``{"format": kind, "version": version, "state": body}`` atomically (temp + rename)."""
    target = Path(path)
    document = {"format": kind, "version": version, "state": body}
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    handle, temporary = tempfile.mkstemp(prefix=".sandbox-", dir=target.parent or Path("."))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_state(path: str | os.PathLike[str], kind: str, version: int) -> Any:
    """The ``state`` of a file ``write_state`` wrote for ``kind``, at most layout ``version``."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SandboxStateError(f"cannot read sandbox state {str(path)!r}: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != kind:
        found = document.get("format") if isinstance(document, dict) else None
        raise SandboxStateError(f"{str(path)!r} is not a {kind} state (format {found!r})")
    saved = document.get("version")
    if not isinstance(saved, int) or saved > version or saved < 1:
        raise SandboxStateError(
            f"{str(path)!r} has state layout version {saved!r}; this hubqbo reads 1 to {version}"
        )
    return document.get("state")
