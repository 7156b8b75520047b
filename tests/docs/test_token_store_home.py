"""The token-store directory the docs show (``~/.hubqbo/tokens``) lands in the user's home."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubqbo.auth import FileTokenStore
from hubqbo.models import OAuthToken


def test_file_token_store_expands_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``FileTokenStore("~/...")`` writes under $HOME, not under a literal ``./~`` directory."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    store = FileTokenStore("~/.hubqbo/tokens")
    store.save("hubspot:42", OAuthToken(access_token="a", refresh_token="r"))
    assert home / ".hubqbo" / "tokens" == store.directory
    assert store.path("hubspot:42").is_file()
    assert [] == list(cwd.iterdir())
