"""The third round's decision rules, through the public API.

A whole name with a weak place (a crowded postcode, a city) is enough; a mangled given name is
not another person; a line and city typed into each other's fields, and a phone digit typed
twice, are recognised.
"""

from __future__ import annotations

import attrs
import pytest

from hubqbo.matching import Agreement, Buyer, CustomerMatcher, MatchConfig, MatchKey, MatchResult
from hubqbo.models import Address, Customer


def reason(result: MatchResult, key: MatchKey) -> Agreement | None:
    """The agreement level the best candidate recorded for ``key``."""
    best = result.reasons if result.customer else result.candidates[0].reasons
    return next((r.agreement for r in best if r.key is key), None)


def crowded_postcode_ledger() -> list[Customer]:
    """Laura Miller among 300 other customers of one postcode (its weight at the 2-bit floor)."""
    others = [
        Customer(
            id=f"F{i}",
            given_name=f"Given{i}",
            family_name=f"Filler{i}",
            billing_address=Address((f"{i} Elm Street",), postal_code="51294"),
        )
        for i in range(300)
    ]
    laura = Customer(
        id="L",
        given_name="Laura",
        family_name="Miller",
        billing_address=Address(("7 Oak Road",), postal_code="51294"),
    )
    return [*others, laura]


def test_whole_name_and_crowded_postcode_meet_the_name_and_place_bar() -> None:
    """Laura Miller + a postcode shared by 300 customers: below 14 bits, above 11 — matched."""
    buyer = Buyer(first_name="Laura", last_name="Miller", address=Address(postal_code="51294"))
    result = CustomerMatcher(crowded_postcode_ledger()).match(buyer)
    assert ("L", True) == (result.customer_id, 11 <= result.score < 14)
    strict = MatchConfig(name_and_place_threshold=14.0)
    assert CustomerMatcher(crowded_postcode_ledger(), config=strict).match(buyer).customer is None


def test_family_name_and_crowded_postcode_without_the_given_name_do_not_match() -> None:
    """A relative's buyer record (family name and postcode, another given name) is no match."""
    buyer = Buyer(first_name="Peter", last_name="Miller", address=Address(postal_code="51294"))
    assert CustomerMatcher(crowded_postcode_ledger()).match(buyer).customer is None


SVEN = Customer(
    id="S",
    given_name="Sven",
    family_name="Talard",
    billing_address=Address(("12 Ridge Road",), city="Greenville", postal_code="72886"),
)
NAMES_ALONE_NEVER = MatchConfig(names_only_threshold=99.0)


def test_whole_name_and_city_with_nothing_against_meet_the_name_and_place_bar() -> None:
    """The same name and city, no other field on the buyer: matched even if names alone never."""
    buyer = Buyer(first_name="Sven", last_name="Talard", address=Address(city="Greenville"))
    result = CustomerMatcher([SVEN], config=NAMES_ALONE_NEVER).match(buyer)
    assert ("S", Agreement.EXACT) == (result.customer_id, reason(result, MatchKey.CITY))


def test_whole_name_and_city_with_another_postcode_need_the_names_only_bar() -> None:
    """A postcode that disagrees makes the city no corroboration: a namesake across town."""
    buyer = Buyer(
        first_name="Sven",
        last_name="Talard",
        address=Address(city="Greenville", postal_code="15694"),
    )
    assert CustomerMatcher([SVEN], config=NAMES_ALONE_NEVER).match(buyer).customer is None


DANIEL = Customer(
    id="D",
    given_name="Daniel",
    family_name="Lamard",
    billing_address=Address(("9018 Juniper Drive",), city="Newport", postal_code="64992"),
)


def test_typo_in_a_nickname_is_not_another_given_name() -> None:
    """'Dqnny' (Danny, mistyped) at Daniel's address is Daniel, not a vetoed relative."""
    buyer = Buyer(first_name="Dqnny", last_name="Lamard", address=Address(postal_code="64992"))
    result = CustomerMatcher([DANIEL]).match(buyer)
    assert ("D", Agreement.SIMILAR) == (result.customer_id, reason(result, MatchKey.GIVEN_NAME))


def test_name_with_its_first_letters_lost_is_not_another_given_name() -> None:
    """'Nda' (Linda with two letters lost) is a mangled name, not a conflicting one."""
    linda = Customer(
        id="N",
        given_name="Linda",
        family_name="Varski",
        billing_address=Address(("6910 Sycamore Lane",), postal_code="33423"),
    )
    buyer = Buyer(first_name="Nda", last_name="Varski", address=Address(postal_code="33423"))
    assert "N" == CustomerMatcher([linda]).match(buyer).customer_id


def test_relative_with_another_given_name_is_still_vetoed() -> None:
    """Mary Lamard at Daniel Lamard's address and postcode is another person: never chosen."""
    buyer = Buyer(
        first_name="Mary", last_name="Lamard",
        address=Address(("9018 Juniper Drive",), postal_code="64992"),
    )  # fmt: skip
    result = CustomerMatcher([DANIEL]).match(buyer)
    assert (None, True) == (result.customer, result.candidates[0].vetoed)


def test_address_typed_into_the_city_field_is_read_as_the_address() -> None:
    """Line 'Fairview' and city '9018 Juniper Drive': the fields were swapped."""
    buyer = Buyer(
        first_name="Daniel", last_name="Lamard",
        address=Address(("Newport",), city="9018 Juniper Drive"),
    )  # fmt: skip
    result = CustomerMatcher([DANIEL]).match(buyer)
    assert ("D", Agreement.EXACT) == (result.customer_id, reason(result, MatchKey.ADDRESS_LINE))


def test_phone_with_a_digit_typed_twice_is_a_typo() -> None:
    """'702 3253 0567' for 702 353 0567: one digit doubled, the number one longer."""
    deborah = Customer(id="P", given_name="Deborah", family_name="Sanchez", phone="7023530567")
    buyer = Buyer(first_name="Deborah", last_name="Sanchez", phone="70232530567")
    result = CustomerMatcher([deborah]).match(buyer)
    assert Agreement.FUZZY == reason(result, MatchKey.PHONE)


def test_city_typed_into_the_only_address_line_is_read_as_the_city() -> None:
    """Line 'Newport' with no city and no house number: the city, not another street."""
    buyer = Buyer(first_name="Daniel", last_name="Lamard", address=Address(("Newport",)))
    result = CustomerMatcher([DANIEL]).match(buyer)
    assert (Agreement.EXACT, None) == (
        reason(result, MatchKey.CITY),
        reason(result, MatchKey.ADDRESS_LINE),
    )


def test_city_with_two_slips_in_a_long_name_is_not_another_city() -> None:
    """'Nwepurt' is Newport mistyped twice (seven letters or more): no disagreement."""
    buyer = Buyer(first_name="Daniel", last_name="Lamard", address=Address(city="Nwepurt"))
    result = CustomerMatcher([DANIEL]).match(buyer)
    assert Agreement.FUZZY == reason(result, MatchKey.CITY)


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("max_candidates", 10.0, TypeError),  # a float count broke match() at the first call
        ("max_candidates", 0, ValueError),
        ("max_block", True, TypeError),
        ("max_listed", -1, ValueError),
        ("reference_size", "20000", TypeError),
        ("given_conflict_vetoes", "false", TypeError),  # a non-empty string is truthy
        ("include_jobs", 1, TypeError),
        ("match_threshold", 0.0, ValueError),
    ],
)
def test_config_refuses_wrong_types_and_ranges_when_built(
    field: str, value: object, error: type[Exception]
) -> None:
    """A bad setting fails where it is written, naming the field, not later inside a match."""
    with pytest.raises(error, match=field):
        MatchConfig(**{field: value})  # type: ignore[arg-type]


def test_config_accepts_whole_numbers_and_flags() -> None:
    """Counts, switches and thresholds written as a caller would write them."""
    config = MatchConfig(max_candidates=12, reference_size=0, include_jobs=True, match_threshold=15)
    assert (12, 0, True, 15) == (
        config.max_candidates,
        config.reference_size,
        config.include_jobs,
        config.match_threshold,
    )


def test_an_initial_is_written_out_by_the_buyers_own_e_mail() -> None:
    """``K. Perez <kirsten.perez72@…>`` is Kirsten, not Karen: the initial alone would tie."""
    crowded = Address(("1 Main Street",), city="Springfield", postal_code="10001")
    ledger = [
        Customer(id="k1", given_name="Kirsten", family_name="Perez", billing_address=crowded),
        Customer(id="k2", given_name="Karen", family_name="Perez", billing_address=crowded),
    ]
    matcher = CustomerMatcher(ledger)
    by_initial = Buyer(first_name="K.", last_name="Perez", address=Address((), postal_code="10001"))
    with_mail = attrs.evolve(by_initial, email="kirsten.perez72@yahoo.com")
    result = matcher.match(with_mail)
    assert (None, "k1") == (matcher.match(by_initial).customer_id, result.customer_id)
    given = next(r for r in result.reasons if r.key is MatchKey.GIVEN_NAME)
    assert Agreement.NAME_IN_EMAIL is given.agreement


def test_a_missing_given_name_is_read_from_the_e_mail_only_beside_the_family_name() -> None:
    """``hansen`` with ``jose.hansen@…``: Jose; an e-mail that merely contains a name: nothing."""
    ledger = [Customer(id="h1", given_name="Jose", family_name="Hansen")]
    matcher = CustomerMatcher(ledger)

    def given_agreement(email: str) -> Agreement | None:
        result = matcher.match(Buyer(last_name="Hansen", email=email))
        return next((r.agreement for r in result.reasons if r.key is MatchKey.GIVEN_NAME), None)

    assert (Agreement.NAME_IN_EMAIL, None) == (
        given_agreement("jose.hansen@gmail.com"),
        given_agreement("ajosephine@gmail.com"),  # "jose" inside another word
    )


@pytest.mark.parametrize(
    ("customer_given", "buyer_given", "email"),
    [
        ("Eric", "E", "ericavarwell@gmail.com"),  # Erica, not Eric
        ("Dan", "D", "danielle.varwell@example.org"),  # Danielle, not Dan
        ("Ann", None, "joann.varwell@example.org"),  # Joann, not Ann
        ("Scott", None, "scott.zelson@yahoo.com"),  # the e-mail's family name is another
    ],
)
def test_an_e_mail_that_names_someone_else_writes_out_nothing(
    customer_given: str, buyer_given: str | None, email: str
) -> None:
    """A longer given name, or a given name beside another family name, is another person."""
    ledger = [Customer(id="v1", given_name=customer_given, family_name="Varwell")]
    buyer = Buyer(first_name=buyer_given, last_name="Varwell", email=email)
    result = CustomerMatcher(ledger).match(buyer)
    given = [r.agreement for r in result.reasons if r.key is MatchKey.GIVEN_NAME]
    assert Agreement.NAME_IN_EMAIL not in given
    assert result.customer_id is None


def test_a_given_name_read_from_an_e_mail_weighs_what_the_name_does() -> None:
    """``J Varwell <john.varwell@…>`` is worth what John is — a common name — and no more."""
    written = CustomerMatcher([Customer(id="w1", given_name="John", family_name="Varwell")])
    initial = CustomerMatcher(
        [Customer(id="w2", given_name="J", family_name="Varwell", email="john.varwell@x.org")]
    )
    buyer = Buyer(first_name="John", last_name="Varwell")

    def given_weight(matcher: CustomerMatcher) -> float:
        reasons = matcher.match(buyer).candidates[0].reasons
        return next(r.weight for r in reasons if r.key is MatchKey.GIVEN_NAME)

    assert given_weight(written) == given_weight(initial)
