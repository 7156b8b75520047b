"""Money: Decimal only, ISO 4217 codes, half-up rounding to minor units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo import Money, minor_units, round_money


def test_round_half_up_two_decimals() -> None:
    """2.675 rounds up to 2.68 (banker's rounding would give 2.67)."""
    assert Decimal("2.68") == round_money(Decimal("2.675"), "USD")


def test_round_half_up_negative() -> None:
    """Half-up rounds away from zero for negative amounts too."""
    assert Decimal("-2.68") == round_money(Decimal("-2.675"), "USD")


@pytest.mark.parametrize(
    ("currency", "places"), [("USD", 2), ("JPY", 0), ("KWD", 3), ("gbp", 2), ("CLF", 4)]
)
def test_minor_units(currency: str, places: int) -> None:
    """Minor units follow ISO 4217 (2 unless listed otherwise), in any case."""
    assert places == minor_units(currency)


def test_zero_decimal_currency_rounds_to_integer() -> None:
    """JPY amounts round to whole yen."""
    assert Decimal("1235") == round_money(Decimal("1234.5"), "JPY")


def test_float_is_refused() -> None:
    """A float already lost precision: it is a TypeError, not an approximation."""
    with pytest.raises(TypeError, match="never float"):
        Money.of(0.1, "USD")  # type: ignore[arg-type]


def test_bool_is_refused() -> None:
    """``True`` is an int in Python but never an amount."""
    with pytest.raises(TypeError):
        Money.of(True, "USD")


@pytest.mark.parametrize("code", ["US", "USDX", "12A", "", "U$D"])
def test_bad_currency_code_is_refused(code: str) -> None:
    """Only three-letter alphabetic codes are currencies."""
    with pytest.raises(ValueError, match="ISO 4217"):
        Money.of("1", code)


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "1,5"])
def test_non_numbers_are_refused(text: str) -> None:
    """Strings must be finite decimal numbers."""
    with pytest.raises(ValueError, match="decimal number"):
        Money.of(text, "USD")


def test_adding_different_currencies_is_refused() -> None:
    """Money of two currencies never adds up silently."""
    with pytest.raises(ValueError, match="cannot add"):
        _ = Money.of("1", "USD") + Money.of("1", "EUR")


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False),
    st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_rounding_is_idempotent_and_close(amount: Decimal, currency: str) -> None:
    """Rounding twice changes nothing, and moves the amount by at most half a minor unit."""
    once = round_money(amount, currency)
    assert once == round_money(once, currency)
    assert abs(once - amount) <= Decimal(1).scaleb(-minor_units(currency)) / 2
