"""Without their extras, the receiver and the workers say what to install (a typed error)."""

from __future__ import annotations

import sys

import pytest

from hubqbo.errors import ConfigurationError
from hubqbo.server import create_app
from hubqbo.sync import SQLiteStateStore
from hubqbo.workers import Workers


def test_the_receiver_without_starlette(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "hubqbo.server._app", raising=False)
    monkeypatch.setitem(sys.modules, "starlette.applications", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'hubqbo\[server\]'"):
        create_app(SQLiteStateStore(":memory:"), qbo_verifier_token="t")


def test_the_workers_without_procrastinate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "hubqbo.workers._jobs", raising=False)
    monkeypatch.setitem(sys.modules, "procrastinate", None)
    workers = Workers("postgresql://u:secret@db/x", lambda t, s: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(ConfigurationError, match=r"pip install 'hubqbo\[workers\]'"):
        _ = workers.app
    assert "secret" not in repr(workers)
