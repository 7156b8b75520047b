"""Helpers for the QuickBooks tests: cassette replay (record_mode="none") and client factories."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import vcr

from hubqbo._http import RetryPolicy, no_jitter
from hubqbo.quickbooks import QuickBooksClient
from hubqbo.sandbox import ManualClock

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "quickbooks"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SHARED_QBO = SHARED / "specs" / "qbo"
REALM = "9130"


def _query(uri: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(uri).query, keep_blank_values=True))


def _qbo_match(live: Any, recorded: Any) -> None:
    """Same endpoint, same query (``requestid`` "*" = any valid id), same JSON body; and every
    live request carries minorversion=75 and hubqbo's User-Agent."""
    assert urlsplit(live.uri)[:3] == urlsplit(recorded.uri)[:3], (live.uri, recorded.uri)
    got, want = _query(live.uri), _query(recorded.uri)
    assert "75" == got.get("minorversion"), live.uri
    if want.get("requestid") == "*":
        assert 1 <= len(got.get("requestid", "")) <= 50, live.uri
        got["requestid"] = "*"
    assert want == got, (live.uri, recorded.uri)
    assert live.headers.get("User-Agent", "").startswith("hubqbo/")
    for name in ("Accept", "Content-Type"):
        if name in recorded.headers:
            assert recorded.headers[name] == live.headers.get(name), (name, live.uri)
    if recorded.body is not None:
        raw = live.body or b""
        expected = recorded.body if isinstance(recorded.body, bytes) else recorded.body.encode()
        if expected.strip():
            assert json.loads(expected) == json.loads(raw), raw
        else:
            assert b"" == raw


QBO_VCR = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="none",
    filter_headers=["authorization"],
    match_on=["method", "qbo"],
    decode_compressed_response=True,
)
QBO_VCR.register_matcher("qbo", _qbo_match)


@contextmanager
def replaying(name: str, *, use_all: bool = True) -> Iterator[Any]:
    """Replay ``tests/cassettes/quickbooks/<name>.yaml`` (every interaction used, by default)."""
    with QBO_VCR.use_cassette(f"{name}.yaml", allow_playback_repeats=False) as cassette:
        yield cassette
    assert cassette.all_played or not use_all, f"unused interactions in {name}"


def make_client(
    *, transport: httpx.BaseTransport | None = None, clock: ManualClock | None = None, **kw: Any
) -> tuple[QuickBooksClient, ManualClock, list[float]]:
    """A client on ``transport`` (default: the real HTTP transport, which vcr replaces) whose
    sleep advances a ManualClock and is recorded."""
    clock = clock or ManualClock()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.sleep(seconds)

    kw.setdefault("retry", RetryPolicy(jitter=no_jitter))
    kw.setdefault("access_token", "test-access-token")
    client = QuickBooksClient(
        realm_id=kw.pop("realm_id", REALM),
        transport=transport,
        clock=clock,
        sleep=sleep,
        **kw,
    )
    return client, clock, slept
