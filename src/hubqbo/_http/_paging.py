"""Lazy auto-paging: iterate records across pages, fetching each page only when needed.

Why: full reads (10,000 customers, every invoice since a date) must not load everything at once
and must not be re-implemented per endpoint. A provider supplies one function — fetch the page at
a cursor, return its records and the next cursor (``None`` at the end) — and gets both a page
iterator and a record iterator. QBO uses ``STARTPOSITION`` numbers as cursors, HubSpot the
``paging.next.after`` string.

Example:
    >>> data = list(range(7))
    >>> def fetch(start: int) -> tuple[list[int], int | None]:
    ...     page = data[start:start + 3]
    ...     return page, (start + 3 if len(page) == 3 else None)
    >>> list(paginate(fetch, 0))
    [0, 1, 2, 3, 4, 5, 6]
    >>> [len(p) for p in iter_pages(fetch, 0)]
    [3, 3, 1]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

__all__ = ["chunked", "iter_pages", "paginate"]

T = TypeVar("T")
C = TypeVar("C")


def iter_pages(
    fetch: Callable[[C], tuple[Sequence[T], C | None]], start: C
) -> Iterator[Sequence[T]]:
    """Yield each page, lazily, from ``start`` until ``fetch`` returns no next cursor."""
    cursor: C | None = start
    while cursor is not None:
        records, cursor = fetch(cursor)
        if records:
            yield records


def paginate(fetch: Callable[[C], tuple[Sequence[T], C | None]], start: C) -> Iterator[T]:
    """Yield every record of every page, lazily."""
    for page in iter_pages(fetch, start):
        yield from page


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items (for batch endpoints).

    Example:
        >>> [list(c) for c in chunked([1, 2, 3, 4, 5], 2)]
        [[1, 2], [3, 4], [5]]
    """
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    for index in range(0, len(items), size):
        yield items[index : index + size]
