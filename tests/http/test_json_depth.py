"""``json_depth_exceeds`` walks a parsed reply one level at a time (cheaper than a stack of
(node, depth) pairs): it must say exactly what the depth of the value says."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hubqbo._http._replies import json_depth_exceeds

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=40,
)


def depth(value: Any) -> int:
    """Containers on the longest path (a scalar: 0)."""
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


@given(JSON, st.integers(0, 8))
def test_it_says_whether_the_depth_is_over_the_limit(value: Any, limit: int) -> None:
    assert json_depth_exceeds(value, limit) == (depth(value) > limit)


def test_a_deep_value_at_the_default_limit() -> None:
    value: Any = 1
    for _ in range(64):
        value = [value]
    assert not json_depth_exceeds(value)
    assert json_depth_exceeds({"a": value})
