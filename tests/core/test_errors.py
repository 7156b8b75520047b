"""The error tree drawn in errors.py (and docs/errors.md) is the real class hierarchy."""

from __future__ import annotations

import re
from pathlib import Path

from hubqbo import errors

DOCS = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def _drawn_tree(text: str) -> dict[str, str]:
    """child → parent, read from a box-drawing tree."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        match = re.match(r"^([\s│├└─]*)([A-Z][A-Za-z]+)", line)
        if not match or (match.group(1).strip() and not match.group(1).endswith("── ")):
            continue  # not a class: a continuation of the comment column
        depth, name = len(match.group(1)), match.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
    return parents


def test_docstring_tree_is_the_class_hierarchy() -> None:
    """Every class drawn under a parent in the docstring really subclasses that parent."""
    drawn = _drawn_tree(errors.__doc__.split("The tree::")[1].split("Example:")[0])  # type: ignore[union-attr]
    actual = {
        name: cls.__bases__[0].__name__
        for name, cls in vars(errors).items()
        if isinstance(cls, type)
        and issubclass(cls, errors.HubQboError)
        and cls is not errors.HubQboError
    }
    assert actual == drawn


def test_docs_page_shows_the_same_tree() -> None:
    """docs/errors.md draws the same tree as the docstring."""
    page = DOCS.read_text().split("```text")[1].split("```")[0]
    assert _drawn_tree(errors.__doc__.split("The tree::")[1].split("Example:")[0]) == _drawn_tree(  # type: ignore[union-attr]
        page
    )


def test_every_error_is_exported() -> None:
    """Each class of the tree is in errors.__all__."""
    classes = {
        name
        for name, cls in vars(errors).items()
        if isinstance(cls, type) and issubclass(cls, errors.HubQboError)
    }
    assert classes == classes & set(errors.__all__)


def test_unexpected_response_error_carries_what_support_needs() -> None:
    """Provider, status, request id, reason and the excerpt reach the message; not retryable."""
    error = errors.UnexpectedResponseError(
        provider="quickbooks",
        status_code=200,
        reason="Invoice.Id missing",
        excerpt='{"Invoice": {}}',
        request_id="tid-9",
    )
    assert isinstance(error, errors.ApiError)
    assert (error.provider, error.status_code, error.request_id) == ("quickbooks", 200, "tid-9")
    assert error.code == "unexpected_response"
    assert error.retryable is False
    assert "Invoice.Id missing" in str(error)
    assert "tid-9" in str(error)
    assert '{"Invoice": {}}' in str(error)


def test_webhook_payload_error_is_also_a_value_error() -> None:
    """Code written against the older ValueError contract keeps catching it."""
    error = errors.WebhookPayloadError("not a JSON array")
    assert isinstance(error, errors.DomainError)
    assert isinstance(error, ValueError)
