"""One clock protocol for every layer: ``hubqbo.clock`` (pure core), re-exported by ``_http``."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import hubqbo._http as http
from hubqbo import clock
from hubqbo.sandbox import ManualClock

SRC = Path(__file__).resolve().parents[2] / "src" / "hubqbo"


def test_http_reexports_the_core_clock() -> None:
    """``hubqbo._http``'s clock names are the very objects of ``hubqbo.clock`` (no copy)."""
    assert (clock.Clock, clock.SystemClock, clock.real_sleep, clock.SYSTEM_CLOCK) == (
        http.Clock,
        http.SystemClock,
        http.real_sleep,
        http.SYSTEM_CLOCK,
    )


def test_http_defines_no_clock_of_its_own() -> None:
    """No module under ``_http`` defines a ``Clock``/``SystemClock`` class (one definition)."""
    defined = {
        (path.name, node.name)
        for path in (SRC / "_http").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name in {"Clock", "SystemClock"}
    }
    assert set() == defined


def test_core_clock_imports_nothing_from_hubqbo() -> None:
    """``hubqbo.clock`` is layer 1: it imports no other hubqbo module."""
    tree = ast.parse((SRC / "clock.py").read_text(encoding="utf-8"))
    imported = {
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert [] == sorted(m for m in imported if m.startswith("hubqbo"))


def test_system_clock_is_aware_utc_and_manual_clock_fits_the_protocol() -> None:
    """The real clock answers in UTC; a ManualClock is accepted where a Clock is expected."""

    def read(source: clock.Clock) -> dt.datetime:
        return source.now()

    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
    assert dt.timezone.utc == read(clock.SYSTEM_CLOCK).tzinfo
    assert start == read(ManualClock(start))
