"""Token stores: where OAuth tokens live between runs, and the lock that makes refresh
single-flight.

Why: a rotated refresh token that is not saved is a lost connection (the old one stops working),
and two refreshes of the same token at once make one of them fail. So a refresh happens inside
``store.lock(key)``, re-reads the token, and saves the new one before it is used. The in-memory
store locks across threads; the file store locks across threads *and* processes (``fcntl``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hubqbo.errors import ConfigurationError
from hubqbo.models import OAuthToken

__all__ = ["FileTokenStore", "MemoryTokenStore", "token_from_json", "token_to_json"]


def token_to_json(token: OAuthToken) -> dict[str, Any]:
    """The token as a JSON-able dict (the file store's format)."""

    def iso(value: dt.datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "access_token": token.access_token,
        "refresh_token": token.refresh_token,
        "expires_at": iso(token.expires_at),
        "refresh_expires_at": iso(token.refresh_expires_at),
        "refresh_hard_expires_at": iso(token.refresh_hard_expires_at),
        "token_type": token.token_type,
        "scope": token.scope,
        "account_id": token.account_id,
    }


def token_from_json(data: dict[str, Any]) -> OAuthToken:
    """The inverse of :func:`token_to_json`."""

    def when(key: str) -> dt.datetime | None:
        value = data.get(key)
        return None if value is None else dt.datetime.fromisoformat(value)

    return OAuthToken(
        access_token=data["access_token"],
        refresh_token=data.get("refresh_token"),
        expires_at=when("expires_at"),
        refresh_expires_at=when("refresh_expires_at"),
        refresh_hard_expires_at=when("refresh_hard_expires_at"),
        token_type=data.get("token_type") or "bearer",
        scope=data.get("scope"),
        account_id=data.get("account_id"),
    )


class _KeyLocks:
    """One ``threading.Lock`` per key."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())


class MemoryTokenStore:
    """Tokens in a dict, for one process (tests, short scripts, a web app with one worker).

    Example:
        >>> import datetime as dt
        >>> store = MemoryTokenStore()
        >>> store.save("quickbooks:9130", OAuthToken(access_token="a", refresh_token="r"))
        >>> with store.lock("quickbooks:9130"):
        ...     store.load("quickbooks:9130").refresh_token
        'r'
    """

    def __init__(self) -> None:
        self._tokens: dict[str, OAuthToken] = {}
        self._guard = threading.Lock()
        self._locks = _KeyLocks()

    def load(self, key: str) -> OAuthToken | None:
        """The stored token for ``key``, if any."""
        with self._guard:
            return self._tokens.get(key)

    def save(self, key: str, token: OAuthToken) -> None:
        """Store ``token`` for ``key``."""
        with self._guard:
            self._tokens[key] = token

    def delete(self, key: str) -> None:
        """Forget the token for ``key``."""
        with self._guard:
            self._tokens.pop(key, None)

    def lock(self, key: str) -> contextlib.AbstractContextManager[None]:
        """Hold the refresh lock for ``key`` (threads of this process)."""
        return _hold(self._locks.get(key))

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={sorted(self._tokens)!r})"


@contextlib.contextmanager
def _hold(lock: threading.Lock) -> Iterator[None]:
    with lock:
        yield


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _fsync_directory(directory: Path) -> None:
    """fsync a directory (its entries: a rename into it is durable after this)."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileTokenStore:
    """Tokens as JSON files (mode 0600) in a directory, safe across threads and processes.

    ``directory`` may start with ``~`` (expanded to the user's home). Each key gets
    ``<dir>/<key>.json`` (written atomically: temp file, fsync, rename) and a
    ``<key>.lock`` file locked with ``fcntl.flock`` during refreshes, so several processes sharing
    the directory never refresh the same token twice. POSIX only.

    Example:
        >>> import tempfile
        >>> store = FileTokenStore(tempfile.mkdtemp())
        >>> store.save("hubspot:42", OAuthToken(access_token="a", refresh_token="r"))
        >>> store.load("hubspot:42").refresh_token
        'r'
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        try:
            import fcntl  # noqa: F401 - probe only
        except ImportError as exc:  # pragma: no cover - non-POSIX
            raise ConfigurationError(
                "FileTokenStore needs fcntl (POSIX); use another TokenStore here"
            ) from exc
        self.directory = Path(directory).expanduser()
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._locks = _KeyLocks()

    def _stem(self, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:8]
        return f"{_SAFE.sub('_', key)[:80]}-{digest}"

    def path(self, key: str) -> Path:
        """The JSON file holding ``key``'s token."""
        return self.directory / f"{self._stem(key)}.json"

    def load(self, key: str) -> OAuthToken | None:
        """The stored token for ``key``, if any (read from disk every time)."""
        try:
            text = self.path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return token_from_json(json.loads(text))

    def save(self, key: str, token: OAuthToken) -> None:
        """Write ``token`` durably: a private temp file written and fsynced, renamed over the
        old one, then the directory fsynced so the rename itself survives a crash (without
        it the directory entry may still name the old file — the old, rotated-away refresh
        token — after a power loss)."""
        target = self.path(key)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(token_to_json(token), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_directory(self.directory)

    def delete(self, key: str) -> None:
        """Remove ``key``'s token file."""
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the refresh lock for ``key`` across threads and processes."""
        import fcntl

        with self._locks.get(key):
            lock_path = self.directory / f"{self._stem(key)}.lock"
            with open(lock_path, "a+", encoding="utf-8") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.directory)!r})"
