"""Deal roll-up: newest live invoice wins (C2), foreign currency writes nothing (C3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo import (
    DealRollup,
    EmailStatus,
    Invoice,
    InvoiceStatus,
    Ref,
    RollupProperties,
    deal_rollup,
    pick_rollup_invoice,
)
from hubqbo.rollups import rollup_candidates
from tests.core.strategies import dates, invoices

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 25)


def _inv(id_: str, updated: dt.datetime | None, **kw: object) -> Invoice:
    base: dict[str, object] = {
        "id": id_,
        "customer": Ref("58", "Acme Ltd"),
        "currency": "USD",
        "doc_number": f"10{id_}",
        "total": Decimal("300.00"),
        "balance": Decimal("300.00"),
        "due_date": dt.date(2026, 12, 1),
        "updated_at": updated,
    }
    base.update(kw)
    return Invoice(**base)  # type: ignore[arg-type]


T1 = dt.datetime(2026, 11, 1, 10, tzinfo=UTC)
T2 = dt.datetime(2026, 11, 2, 10, tzinfo=UTC)


def test_newest_invoice_wins() -> None:
    """The most recently updated invoice speaks for the deal."""
    assert "2" == pick_rollup_invoice([_inv("1", T2), _inv("2", T2 + dt.timedelta(seconds=1))]).id  # type: ignore[union-attr]


def test_voided_never_wins() -> None:
    """A newer voided invoice loses to an older live one."""
    assert "1" == pick_rollup_invoice([_inv("1", T1), _inv("2", T2, voided=True)]).id  # type: ignore[union-attr]


def test_tie_broken_by_creation_then_id() -> None:
    """Equal update times: later creation wins; then the higher id (numerically)."""
    a = _inv("9", T1, created_at=T1)
    b = _inv("10", T1, created_at=T1)
    c = _inv("2", T1, created_at=T2)
    assert ("10", "2") == (pick_rollup_invoice([a, b]).id, pick_rollup_invoice([a, b, c]).id)  # type: ignore[union-attr]


def test_rollup_values_are_hubspot_strings() -> None:
    """Five properties: plain decimal, email or display name, number, status value, ISO date."""
    inv = _inv("1", T1, bill_email="ap@acme.test", email_status=EmailStatus.EMAIL_SENT)
    assert {
        "qbo_invoice_amount_billed": "300.00",
        "qbo_invoice_recipient": "ap@acme.test",
        "qbo_invoice_number": "101",
        "qbo_invoice_status": "sent",
        "qbo_invoice_due_date": "2026-12-01",
    } == deal_rollup([inv], company_currency="USD", today=TODAY).to_properties()  # type: ignore[union-attr]


def test_recipient_falls_back_to_display_name() -> None:
    """Without a bill-to email the customer's display name is the recipient."""
    rollup = deal_rollup([_inv("1", T1)], company_currency="usd", today=TODAY)
    assert "Acme Ltd" == rollup.recipient  # type: ignore[union-attr]


def test_foreign_currency_winner_writes_nothing() -> None:
    """C3: the winner is in EUR, the portal in USD: no roll-up at all."""
    invs = [_inv("1", T1), _inv("2", T2, currency="EUR")]
    assert None is deal_rollup(invs, company_currency="USD", today=TODAY)


def test_no_live_invoice_clears_properties() -> None:
    """All voided: an empty roll-up whose properties are all empty strings."""
    rollup = deal_rollup([_inv("1", T1, voided=True)], company_currency="USD", today=TODAY)
    assert DealRollup.empty() == rollup
    assert {""} == set(rollup.to_properties().values())


def test_property_names_are_configurable() -> None:
    """Custom property names are honoured."""
    names = RollupProperties(status="inv_status", due_date="inv_due")
    props = deal_rollup([_inv("1", T1)], company_currency="USD", today=TODAY).to_properties(names)  # type: ignore[union-attr]
    assert ("awaiting_send", "2026-12-01") == (props["inv_status"], props["inv_due"])


@pytest.mark.parametrize(
    ("amount", "text"),
    [(Decimal("1E+3"), "1000"), (Decimal("12.50"), "12.50"), (Decimal("-0.00"), "0")],
)
def test_amounts_are_plain_decimals(amount: Decimal, text: str) -> None:
    """No exponent notation, no negative zero."""
    assert text == DealRollup(amount_billed=amount).to_properties()["qbo_invoice_amount_billed"]


def test_overdue_status_on_rollup() -> None:
    """Passing time changes the rolled-up status."""
    inv = _inv("1", T1)
    later = deal_rollup([inv], company_currency="USD", today=dt.date(2026, 12, 2))
    assert InvoiceStatus.OVERDUE == later.status  # type: ignore[union-attr]


@given(st.lists(invoices(currency=st.just("USD")), max_size=8), st.randoms())
def test_winner_does_not_depend_on_order(invs: list[Invoice], rnd: object) -> None:
    """Shuffling the invoices never changes the winner."""
    shuffled = list(invs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert pick_rollup_invoice(invs) == pick_rollup_invoice(shuffled)


@given(st.lists(invoices(), max_size=8))
def test_voided_never_wins_property(invs: list[Invoice]) -> None:
    """Whatever the mix, the winner is live (or there is none)."""
    winner = pick_rollup_invoice(invs)
    assert (winner is None) == all(not i.is_live for i in invs)
    assert winner is None or winner.is_live


@given(st.lists(invoices(live=True), min_size=1, max_size=8), invoices(live=True))
def test_adding_a_newer_invoice_changes_the_winner(invs: list[Invoice], new: Invoice) -> None:
    """A live invoice updated after all others becomes the winner."""
    newest = max((i.updated_at for i in invs if i.updated_at), default=None)
    stamp = (newest or dt.datetime(2026, 1, 1, tzinfo=UTC)) + dt.timedelta(seconds=1)
    newer = attrs.evolve(new, updated_at=stamp)
    assert newer == pick_rollup_invoice([*invs, newer])


@given(
    st.lists(invoices(currency=st.sampled_from(["USD", "EUR"])), min_size=1, max_size=6),
    dates,
)
def test_foreign_currency_winner_never_rolls_up(invs: list[Invoice], today: dt.date) -> None:
    """If the winner is not in the company currency, nothing is written."""
    winner = pick_rollup_invoice(invs)
    rollup = deal_rollup(invs, company_currency="USD", today=today)
    if winner is not None and winner.currency != "USD":
        assert None is rollup
    else:
        assert rollup is not None


def test_candidates_set_foreign_invoices_aside() -> None:
    """C3 in the services: a newer EUR invoice does not stop the USD one from rolling up."""
    invs = [_inv("1", T1), _inv("2", T2, currency="EUR")]
    rollup = deal_rollup(
        rollup_candidates(invs, company_currency="USD"), company_currency="USD", today=TODAY
    )
    assert "101" == rollup.number  # type: ignore[union-attr]


def test_candidates_keep_all_when_none_in_portal_currency() -> None:
    """Only foreign invoices: they are all kept, and the foreign winner writes nothing."""
    invs = [_inv("1", T1, currency="EUR")]
    assert (invs, None) == (
        rollup_candidates(invs, company_currency="USD"),
        deal_rollup(
            rollup_candidates(invs, company_currency="USD"), company_currency="USD", today=TODAY
        ),
    )


@given(st.lists(invoices(currency=st.sampled_from(["USD", "EUR"])), max_size=8))
def test_candidates_winner_is_in_portal_currency_when_possible(invs: list[Invoice]) -> None:
    """If any invoice is in the portal's currency, the candidates hold only those."""
    chosen = rollup_candidates(invs, company_currency="USD")
    if any(i.currency == "USD" for i in invs):
        assert {"USD"} == {i.currency for i in chosen}
    else:
        assert invs == chosen
