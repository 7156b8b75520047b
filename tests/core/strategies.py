"""Hypothesis strategies for the pure core's models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from hubqbo import EmailStatus, Invoice, Ref

UTC = dt.timezone.utc

money = st.decimals(
    min_value=Decimal("-1000"), max_value=Decimal("100000"), places=2, allow_nan=False
)
positive_money = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2, allow_nan=False
)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
# hypothesis takes naive bounds and attaches the time zone itself
instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
currencies = st.sampled_from(["USD", "GBP", "EUR", "CAD", "JPY"])


@st.composite
def invoices(
    draw: st.DrawFn,
    *,
    currency: st.SearchStrategy[str] | None = None,
    live: bool | None = None,
) -> Invoice:
    """Any invoice QBO could return (amounts, dates, email status, voided/deleted flags)."""
    total = draw(money)
    balance = draw(st.one_of(st.just(total), st.just(Decimal("0")), money))
    if live is None:
        voided, deleted = draw(st.booleans()), draw(st.booleans())
    elif live:
        voided, deleted = False, False
    else:
        voided, deleted = draw(st.sampled_from([(True, False), (False, True), (True, True)]))
    return Invoice(
        id=str(draw(st.integers(min_value=1, max_value=10_000))),
        customer=Ref(
            draw(st.sampled_from(["1", "2", "3"])), draw(st.sampled_from(["Acme", "Zed"]))
        ),
        currency=draw(currency if currency is not None else currencies),
        doc_number=draw(st.one_of(st.none(), st.from_regex(r"\A[0-9]{4}\Z"))),
        total=total,
        balance=balance,
        due_date=draw(st.one_of(st.none(), dates)),
        bill_email=draw(st.one_of(st.none(), st.just("ap@acme.test"))),
        email_status=draw(st.sampled_from(list(EmailStatus))),
        created_at=draw(st.one_of(st.none(), instants)),
        updated_at=draw(st.one_of(st.none(), instants)),
        voided=voided,
        deleted=deleted,
    )
