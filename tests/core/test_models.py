"""Models: validation at the boundary (floats, naive datetimes), terms, company calendar day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo import (
    CompanyProfile,
    CrmObjectType,
    Deal,
    Invoice,
    InvoiceLine,
    LineDetailType,
    LinkedTxn,
    OAuthToken,
    Ref,
    Term,
    TermType,
)

UTC = dt.timezone.utc


def test_naive_datetime_is_refused() -> None:
    """A naive datetime has no meaning across time zones: refused."""
    with pytest.raises(ValueError, match="timezone-aware"):
        Invoice(customer=Ref("1"), currency="USD", updated_at=dt.datetime(2026, 1, 1))  # noqa: DTZ001


def test_datetime_is_not_a_calendar_date() -> None:
    """Calendar-date fields refuse datetimes (a datetime is a date subclass)."""
    with pytest.raises(TypeError, match=r"datetime\.date"):
        Invoice(customer=Ref("1"), currency="USD", due_date=dt.datetime(2026, 1, 1, tzinfo=UTC))


def test_float_amount_is_refused() -> None:
    """Invoice totals refuse floats."""
    with pytest.raises(TypeError, match="never float"):
        Invoice(customer=Ref("1"), currency="USD", total=10.5)  # type: ignore[arg-type]


def test_models_are_frozen() -> None:
    """Edits return new objects; assignment fails."""
    deal = Deal(id="1", name="A")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        deal.name = "B"  # type: ignore[misc]
    assert "B" == attrs.evolve(deal, name="B").name


def test_currency_is_normalised() -> None:
    """Currency codes are stored upper-case."""
    assert "EUR" == Deal(id="1", currency="eur").currency


def test_sales_line_amount_is_rounded_product() -> None:
    """Sales line amount = quantity × unit price rounded half-up to the currency's minor units."""
    line = InvoiceLine.sales_item(
        item=Ref("1"), quantity=Decimal("3"), unit_price=Decimal("0.335"), currency="USD"
    )
    assert (Decimal("1.01"), Decimal("0.335")) == (line.amount, line.unit_price)


def test_discount_line_needs_exactly_one_of_percent_or_amount() -> None:
    """A discount is a percentage or an amount, not both, not neither."""
    with pytest.raises(ValueError, match="exactly one"):
        InvoiceLine.discount()
    line = InvoiceLine.discount(percent=Decimal("10"))
    assert LineDetailType.DISCOUNT == line.detail_type


def test_invoice_linked_payments() -> None:
    """Only Payment links count as payments."""
    inv = Invoice(
        customer=Ref("1"),
        currency="USD",
        linked_txns=(LinkedTxn("5", "Payment"), LinkedTxn("6", "CreditMemo")),
    )
    assert (LinkedTxn("5", "Payment"),) == inv.linked_payments


def test_token_repr_hides_secrets() -> None:
    """Access and refresh tokens never appear in repr."""
    token = OAuthToken(access_token="sekret-access", refresh_token="sekret-refresh")
    assert "sekret" not in repr(token)


def test_token_expiry() -> None:
    """expires_within compares against an injected now."""
    now = dt.datetime(2026, 1, 1, 12, tzinfo=UTC)
    token = OAuthToken(access_token="a", expires_at=now + dt.timedelta(seconds=200))
    assert (True, False) == (token.expires_within(300, now=now), token.expires_within(100, now=now))


def test_crm_type_ids() -> None:
    """HubSpot object type ids for the objects hubqbo uses."""
    assert {"deals": "0-3", "invoices": "0-52", "quotes": "0-14"} == {
        t.value: t.type_id for t in (CrmObjectType.DEAL, CrmObjectType.INVOICE, CrmObjectType.QUOTE)
    }


@pytest.mark.parametrize(
    ("txn", "expected"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 2, 14)),
        (dt.date(2026, 12, 20), dt.date(2027, 1, 19)),
    ],
)
def test_standard_term_due_date(txn: dt.date, expected: dt.date) -> None:
    """Net 30: due thirty days after the invoice date."""
    assert expected == Term(id="3", name="Net 30", due_days=30).due_date(txn)


@pytest.mark.parametrize(
    ("txn", "expected"),
    [
        (dt.date(2026, 1, 5), dt.date(2026, 1, 15)),  # before the cut-off: this month
        (dt.date(2026, 1, 12), dt.date(2026, 2, 15)),  # within 5 days of the 15th: next month
        (dt.date(2026, 1, 20), dt.date(2026, 2, 15)),  # past the 15th: next month
        (dt.date(2026, 12, 20), dt.date(2027, 1, 15)),  # year boundary
    ],
)
def test_date_driven_term_due_date(txn: dt.date, expected: dt.date) -> None:
    """Due on the 15th; invoices within 5 days of it are due the next month's 15th."""
    term = Term(
        id="9", name="15th", type=TermType.DATE_DRIVEN, day_of_month_due=15, due_next_month_days=5
    )
    assert expected == term.due_date(txn)


def test_date_driven_term_clamps_to_month_end() -> None:
    """Day 31 in February is the last day of February."""
    term = Term(id="9", name="EOM", type=TermType.DATE_DRIVEN, day_of_month_due=31)
    assert dt.date(2026, 2, 28) == term.due_date(dt.date(2026, 2, 3))


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 1)),
    st.integers(1, 31),
    st.integers(0, 20),
)
def test_date_driven_due_date_never_before_invoice(txn: dt.date, day: int, within: int) -> None:
    """A date-driven term never makes an invoice due before its own date, nor > 2 months later."""
    term = Term(
        id="1",
        name="x",
        type=TermType.DATE_DRIVEN,
        day_of_month_due=day,
        due_next_month_days=within,
    )
    due = term.due_date(txn)
    assert txn <= due
    assert (due - txn).days <= 62


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/London", dt.date(2026, 7, 1)),
        ("America/Los_Angeles", dt.date(2026, 6, 30)),
        ("Australia/Sydney", dt.date(2026, 7, 1)),
        (None, dt.date(2026, 6, 30)),
        ("Not/AZone", dt.date(2026, 6, 30)),
    ],
)
def test_company_today_is_local(zone: str | None, expected: dt.date) -> None:
    """The company's calendar day depends on its time zone (UTC when unknown)."""
    profile = CompanyProfile(realm_id="1", country="US", home_currency="USD", time_zone=zone)
    assert expected == profile.today(dt.datetime(2026, 6, 30, 23, 30, tzinfo=UTC))


def test_company_today_refuses_naive_now() -> None:
    """``today`` needs an aware instant."""
    profile = CompanyProfile(realm_id="1", country="US", home_currency="USD")
    with pytest.raises(ValueError, match="timezone-aware"):
        profile.today(dt.datetime(2026, 6, 30))  # noqa: DTZ001


@pytest.mark.parametrize(("country", "is_us"), [("US", True), ("usa", True), ("GB", False)])
def test_company_is_us(country: str, is_us: bool) -> None:
    """US companies are recognised by country code or name."""
    assert is_us == CompanyProfile(realm_id="1", country=country, home_currency="USD").is_us
