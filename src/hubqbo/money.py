"""Money: ``Decimal`` amounts with an ISO 4217 currency code, never ``float``.

Why a module of its own: every rule that computes an amount (line amounts, roll-ups, discounts)
must round the same way — half-up to the currency's minor units — and every model that stores an
amount must refuse a ``float`` the same way. One place does both.

Example:
    >>> from decimal import Decimal
    >>> round_money(Decimal("2.675"), "USD")
    Decimal('2.68')
    >>> round_money(Decimal("1234.5"), "JPY")
    Decimal('1235')
    >>> Money.of("19.99", "eur")
    Money(amount=Decimal('19.99'), currency='EUR')
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Union

import attrs

__all__ = [
    "DecimalLike",
    "Money",
    "decimal_from",
    "minor_units",
    "normalize_currency",
    "optional_decimal",
    "round_money",
    "to_decimal",
]

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

# ISO 4217 currencies whose minor unit is not 2 (everything else uses 2).
_MINOR_UNITS: dict[str, int] = {
    # zero decimals
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    # three decimals
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    # four decimals
    "CLF": 4, "UYW": 4,
}  # fmt: skip


def normalize_currency(code: str) -> str:
    """Return ``code`` as an upper-case ISO 4217 code, or raise ``ValueError``.

    Args:
        code: a three-letter currency code in any case, surrounding blanks allowed.
    """
    if not isinstance(code, str):
        raise TypeError(f"currency code must be a str, not {type(code).__name__}")
    norm = code.strip().upper()
    if not _CURRENCY_RE.match(norm):
        raise ValueError(f"not an ISO 4217 currency code: {code!r}")
    return norm


def minor_units(currency: str) -> int:
    """Number of decimal places of ``currency`` (2 unless ISO 4217 says otherwise)."""
    return _MINOR_UNITS.get(normalize_currency(currency), 2)


DecimalLike = Union[Decimal, int, str]  # noqa: UP007 - a runtime alias on Python 3.10
"""What a money or quantity field accepts: exact values only (a ``float`` is refused)."""


def to_decimal(value: DecimalLike) -> Decimal:
    """Convert ``value`` to a finite ``Decimal``; ``float`` and ``bool`` are refused.

    Strings and ints are exact; a float already lost precision, so it is an error rather
    than a silent approximation. The signature says so too: as the converter of a model's
    money field it makes mypy refuse ``Payment(total=1.5)`` before it runs.
    """
    return decimal_from(value)


def decimal_from(value: object) -> Decimal:
    """:func:`to_decimal` for a value of unknown type (parsed JSON): the same checks at run
    time, ``TypeError`` for anything but ``Decimal``, ``int`` or ``str``."""
    if isinstance(value, (bool, float)):
        raise TypeError(
            f"money and quantities must be Decimal, int or str, never {type(value).__name__}: "
            f"{value!r}"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
    else:
        raise TypeError(f"cannot use {type(value).__name__} as a decimal: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite decimal number: {value!r}")
    return result


def optional_decimal(value: DecimalLike | None) -> Decimal | None:
    """Like :func:`to_decimal` but ``None`` stays ``None``."""
    return None if value is None else decimal_from(value)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up to the minor units of ``currency``."""
    exponent = Decimal(1).scaleb(-minor_units(currency))
    return to_decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


@attrs.frozen
class Money:
    """An amount in one currency.

    Example:
        >>> Money.of("10.005", "USD").rounded()
        Money(amount=Decimal('10.01'), currency='USD')
    """

    amount: Decimal = attrs.field(converter=to_decimal)
    currency: str = attrs.field(converter=normalize_currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        """Named constructor from a decimal-like value and a currency code."""
        return cls(amount=to_decimal(amount), currency=currency)

    def rounded(self) -> Money:
        """This amount rounded half-up to the currency's minor units."""
        return Money(amount=round_money(self.amount, self.currency), currency=self.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(amount=self.amount + other.amount, currency=self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
