"""What is wrong with an invoice draft, and what to do about it.

Why a type of its own: a person reviewing a draft needs *every* problem at once, each
phrased as an instruction, and code needs a stable code to branch on. ``InvoiceDraft.problems()``
returns a tuple of these; ``InvoiceBuilder.create`` refuses a draft while any remain.

Example:
    >>> p = Problem(ProblemCode.TAX_CODE_REQUIRED, "line 1 (Audit) has no tax code",
    ...             fix="choose one with draft.with_tax_code('2', line=1)", line=1)
    >>> print(p)
    line 1 (Audit) has no tax code — choose one with draft.with_tax_code('2', line=1)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["Problem", "ProblemCode", "as_tuple"]


def as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    """attrs converter: any iterable to a tuple (typed loosely so mypy accepts it)."""
    return tuple(values)


class ProblemCode(str, enum.Enum):
    """Stable codes of draft problems (values are safe to log and to compare)."""

    NO_BUYER = "no_buyer"
    SEVERAL_CONTACTS = "several_contacts"
    NO_CUSTOMER_MATCH = "no_customer_match"
    AMBIGUOUS_CUSTOMER = "ambiguous_customer"
    CUSTOMER_INACTIVE = "customer_inactive"
    CUSTOMER_NAME_INVALID = "customer_name_invalid"
    CUSTOMER_NAME_TAKEN = "customer_name_taken"
    CUSTOMER_CURRENCY = "customer_currency"
    CURRENCY_NOT_ENABLED = "currency_not_enabled"
    NO_LINES = "no_lines"
    ITEM_NOT_FOUND = "item_not_found"
    ITEM_AMBIGUOUS = "item_ambiguous"
    QUANTITY_INVALID = "quantity_invalid"
    PRICE_MISSING = "price_missing"
    LINE_AMOUNT_MISMATCH = "line_amount_mismatch"
    RECURRING_LINE = "recurring_line"
    QUOTE_TAX_OBJECTS = "quote_tax_objects"
    FEE_ITEM_MISSING = "fee_item_missing"
    TAX_CODE_REQUIRED = "tax_code_required"
    TAX_CODE_UNKNOWN = "tax_code_unknown"
    US_TAX_CODE = "us_tax_code"
    TOTAL_MISMATCH = "total_mismatch"
    NEGATIVE_TOTAL = "negative_total"
    DUE_BEFORE_INVOICE_DATE = "due_before_invoice_date"
    MESSAGE_TOO_LONG = "message_too_long"
    DOC_NUMBER_REQUIRED = "doc_number_required"
    DOC_NUMBER_INVALID = "doc_number_invalid"


@attrs.frozen
class Problem:
    """One reason a draft cannot be created yet, with what to do about it.

    Attributes:
        code: a stable :class:`ProblemCode`.
        message: what is wrong, for a person.
        fix: what to do, usually the draft edit that resolves it.
        line: the 1-based line number concerned, if any.
        candidates: choices a person could make (customers, items, tax codes), as
            ``"id: name"`` strings, best first.

    Example:
        >>> Problem(ProblemCode.NO_LINES, "the deal has no line items", fix="add line items")
        ... # doctest: +ELLIPSIS
        Problem(code=<ProblemCode.NO_LINES: 'no_lines'>, ...)
    """

    code: ProblemCode
    message: str
    fix: str
    line: int | None = None
    candidates: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)

    def __str__(self) -> str:
        text = f"{self.message} — {self.fix}"
        if self.candidates:
            text += f" (candidates: {'; '.join(self.candidates)})"
        return text
