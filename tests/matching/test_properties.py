"""Properties of the matcher that must hold for any ledger (hypothesis)."""

from __future__ import annotations

from collections import Counter

import hypothesis.strategies as st
from hypothesis import given, settings

from hubqbo.matching import Buyer, CustomerMatcher, MatchStatus
from hubqbo.matching._lexicon import COMMON_GIVEN_NAMES
from hubqbo.matching._matcher import _customer_record
from hubqbo.models import Address, Customer

# Small vocabularies on purpose: collisions (shared names, cities, companies) are the hard part.
GIVEN = ["John", "Mary", "Ann", "Robert", "Bob", "Maria", "Wei", "Ahmed", "Jean", "Sofia"]
FAMILY = ["Smith", "Smyth", "Garcia", "Lee", "Nguyen", "Müller", "Okafor", "Brown", "Li"]
COMPANY = ["Acme", "Smith & Co", "Smith and Co Ltd", "Blue Harbor LLC", "Nova GmbH", None]
STREET = ["High Street", "Main St", "Mill Road", "Elm Ave"]
CITY = ["Leeds", "Austin", "Paris", None]


@st.composite
def customers(draw: st.DrawFn, n_max: int = 12) -> list[Customer]:
    """A ledger of up to ``n_max`` customers; ids, e-mails, phones, house numbers unique."""
    n = draw(st.integers(1, n_max))
    out = []
    for i in range(n):
        person = draw(st.booleans())
        company = draw(st.sampled_from(COMPANY))
        given = draw(st.sampled_from(GIVEN)) if person else None
        family = draw(st.sampled_from(FAMILY)) if person else None
        display = f"{given} {family}" if person else (company or f"Customer {i}")
        # QBO's uniqueness suffix on a display name, and persons on record by it alone
        display += draw(st.sampled_from(["", "", " (2)"]))
        if person and draw(st.booleans()):
            given = family = None
        has_address = draw(st.booleans())
        out.append(
            Customer(
                id=f"c{i}",
                display_name=display,
                given_name=given,
                family_name=family,
                company_name=company,
                email=f"user{i}@example{i % 3}.com" if draw(st.booleans()) else None,
                phone=f"+1 512 555 {1000 + i:04d}" if draw(st.booleans()) else None,
                billing_address=Address(
                    (f"{i + 1} {draw(st.sampled_from(STREET))}",),
                    city=draw(st.sampled_from(CITY)),
                    postal_code=draw(st.sampled_from(["LS1 4AP", "73301", None])),
                )
                if has_address
                else None,
                active=draw(st.booleans()) or i % 2 == 0,
            )
        )
    return out


def buyers() -> st.SearchStrategy[Buyer]:
    """Buyers drawn from the same vocabularies (so they often half-agree with customers)."""
    return st.builds(
        Buyer,
        first_name=st.sampled_from([*GIVEN, None]),
        last_name=st.sampled_from([*FAMILY, None]),
        email=st.sampled_from([None, "user1@example1.com", "user2@example2.com", "x@y.org"]),
        phone=st.sampled_from([None, "512-555-1001", "(512) 555-1003", "+44 20 7946 0958"]),
        company_name=st.sampled_from(COMPANY),
        address=st.sampled_from(
            [None, Address(("3 High St",), postal_code="LS14AP"), Address(("5 Main Street",))]
        ),
    )


def identifying(customer: Customer) -> bool:
    """A customer with something beyond names: an e-mail, a phone or a full address."""
    address = customer.billing_address
    return bool(customer.email or customer.phone or (address and address.postal_code))


@settings(max_examples=150)
@given(customers())
def test_a_customer_matches_its_own_exact_copy(ledger: list[Customer]) -> None:
    """Every active customer with an identifying fact is matched by a buyer copied from it."""
    matcher = CustomerMatcher(ledger)
    for customer in ledger:
        if customer.active and identifying(customer):
            assert customer.id == matcher.match(Buyer.from_customer(customer)).customer_id


@settings(max_examples=150)
@given(customers(), st.sampled_from(sorted(COMMON_GIVEN_NAMES)), buyers())
def test_a_common_first_name_alone_never_matches(
    ledger: list[Customer], first: str, noise: Buyer
) -> None:
    """A buyer whose only agreeing fact is a common first name gets no customer."""
    matcher = CustomerMatcher(ledger)
    assert matcher.match(Buyer(first_name=first)).customer is None
    # The same with facts that agree with nobody (an unknown family name, e-mail and phone).
    address = noise.address and Address(("77 Nowhere Rd",))
    stranger = Buyer(
        first_name=first,
        last_name="Quenneville-Zapata",
        email="qz@nowhere.test",
        phone="+61 8 9999 0000",
        address=address,
    )
    assert matcher.match(stranger).customer is None


def unrelated(n: int) -> list[Customer]:
    """Customers sharing no name, e-mail, domain, phone, postcode or street with anyone else."""
    return [
        Customer(
            id=f"u{i}",
            given_name=f"Xavi{chr(97 + i % 26)}r",
            family_name=f"Quorthwaite{i}",
            email=f"xq{i}@unrelated{i}.test",
            phone=f"+61 7 3000 {i:04d}",
            billing_address=Address((f"{900 + i} Zephyr Parade",), postal_code=f"Z{i:04d}"),
        )
        for i in range(n)
    ]


@settings(max_examples=150)
@given(customers(), buyers(), st.integers(1, 30))
def test_unrelated_customers_never_change_a_clear_match(
    ledger: list[Customer], buyer: Buyer, n: int
) -> None:
    """Adding customers that share nothing with the buyer never picks a different customer.

    Scores do not depend on the ledger's size, so the ranked candidates stay the same too.
    """
    before = CustomerMatcher(ledger).match(buyer)
    grown = CustomerMatcher(ledger)
    for customer in unrelated(n):
        grown.add(customer)
    after = grown.match(buyer)
    if before.status is MatchStatus.MATCHED:
        assert after.customer_id in {before.customer_id, None}
    assert [(c.customer_id, c.score) for c in before.candidates] == [
        (c.customer_id, c.score) for c in after.candidates
    ]


def test_a_larger_ledger_raises_the_bar_but_never_changes_the_choice() -> None:
    """Past ``reference_size`` the thresholds rise; a match may become none, never another."""
    from hubqbo.matching import MatchConfig

    ledger = [
        Customer(
            id="k",
            given_name="Ada",
            family_name="Quill",
            phone="+1 512 555 0101",
            email="ada@quill.test",
        )
    ]
    buyer = Buyer(first_name="Ada", last_name="Quill", phone="512-555-0101")
    small = MatchConfig(reference_size=2, raise_per_doubling=8.0)
    matcher = CustomerMatcher(ledger, config=small)
    assert "k" == matcher.match(buyer).customer_id
    for customer in unrelated(31):
        matcher.add(customer)
    assert 8.0 * 4 == matcher.threshold_raise  # 32 customers: 4 doublings past 2
    assert matcher.match(buyer).customer is None


@settings(max_examples=150)
@given(customers(), buyers(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(
    ledger: list[Customer], buyer: Buyer, rnd: object
) -> None:
    """Shuffling the customers gives the same decision, ranking, scores and reasons."""
    shuffled = list(ledger)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert str(CustomerMatcher(ledger).match(buyer)) == str(CustomerMatcher(shuffled).match(buyer))


@settings(max_examples=100)
@given(customers(), buyers())
def test_removing_a_customer_equals_never_adding_it(ledger: list[Customer], buyer: Buyer) -> None:
    """Incremental removal leaves the index as if the customer had never been there."""
    matcher = CustomerMatcher(ledger)
    gone = ledger[0]
    matcher.remove(gone)
    fresh = CustomerMatcher(ledger[1:])
    assert str(fresh.match(buyer)) == str(matcher.match(buyer))


def _frequencies(matcher: CustomerMatcher) -> dict[str, dict[str, int]]:
    """The value frequencies compare() discounts by, as plain dicts."""
    return {name: dict(table) for name, table in matcher._counts.items()}


@settings(max_examples=100)
@given(customers(), buyers())
def test_adding_one_by_one_equals_indexing_at_once(ledger: list[Customer], buyer: Buyer) -> None:
    """The bulk build and add() file customers alike: same answers, same value frequencies.

    The frequencies of e-mails, domains, phones, companies and postcodes are read from posting
    lists; they must equal those of a ledger built customer by customer, and after a removal
    those of a ledger that never had the customer.
    """
    bulk = CustomerMatcher(ledger)
    one_by_one = CustomerMatcher()
    for customer in ledger:
        one_by_one.add(customer)
    assert str(bulk.match(buyer)) == str(one_by_one.match(buyer))
    assert _frequencies(bulk) == _frequencies(one_by_one)
    records = [_customer_record(c) for c in ledger if c.active]
    phones = Counter(r.phone[-7:] for r in records if r.phone)
    assert (dict(phones), dict(Counter(r.postcode for r in records if r.postcode))) == (
        _frequencies(bulk)["phone"],
        _frequencies(bulk)["postcode"],
    )
    bulk.remove(ledger[0])
    assert _frequencies(bulk) == _frequencies(CustomerMatcher(ledger[1:]))
