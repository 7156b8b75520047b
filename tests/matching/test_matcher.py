"""CustomerMatcher through its public API: each key, the decision rule, the index, rendering."""

from __future__ import annotations

import gc

import pytest

from hubqbo.errors import AmbiguousCustomerMatch
from hubqbo.matching import (
    Agreement,
    Buyer,
    CustomerMatcher,
    MatchConfig,
    MatchKey,
    MatchResult,
    MatchStatus,
    PersonName,
    parse_person_name,
)
from hubqbo.models import Address, Company, Contact, Customer

# A small ledger: people and companies with realistic, partly overlapping facts.
ADA = Customer(
    id="1",
    display_name="Ada Lovelace",
    given_name="Ada",
    family_name="Lovelace",
    email="ada.lovelace@analytical.io",
    phone="+44 20 7946 0958",
    billing_address=Address(("12 St James's Square",), city="London", postal_code="SW1Y 4JH"),
)
ACME = Customer(
    id="2",
    display_name="Acme Widgets Ltd",
    company_name="Acme Widgets Ltd",
    email="accounts@acmewidgets.co.uk",
    phone="0113 496 0000",
    billing_address=Address(("1 Mill Road",), city="Leeds", postal_code="LS1 4AP"),
)
ROBERT = Customer(
    id="3",
    display_name="Robert Jones",
    given_name="Robert",
    family_name="Jones",
    phone="(415) 555-0132",
    billing_address=Address(("500 Market Street",), city="San Francisco", postal_code="94105"),
)
MARIA = Customer(
    id="4",
    display_name="García López, María",
    email="maria.garcia@gmail.com",
    billing_address=Address(("Calle Mayor 5",), city="Madrid", postal_code="28013"),
)
LEDGER = [ADA, ACME, ROBERT, MARIA]


@pytest.fixture
def matcher() -> CustomerMatcher:
    """A matcher over the small ledger."""
    return CustomerMatcher(LEDGER)


def reason(result: MatchResult, key: MatchKey) -> Agreement | None:
    """The agreement level the chosen/best candidate recorded for ``key``."""
    return next((r.agreement for r in result.reasons if r.key is key), None)


# --------------------------------------------------------------------------- keys


def test_exact_email_ignores_case_and_whitespace(matcher: CustomerMatcher) -> None:
    """An e-mail differing only in case and surrounding spaces is the same address."""
    result = matcher.match(Buyer(email="  ADA.Lovelace@Analytical.IO ", first_name="Ada"))
    assert ("1", Agreement.EXACT) == (result.customer_id, reason(result, MatchKey.EMAIL))


def test_email_alone_is_enough_when_nothing_contradicts(matcher: CustomerMatcher) -> None:
    """A personal e-mail is practically an identifier."""
    assert "1" == matcher.match(Buyer(email="ada.lovelace@analytical.io")).customer_id


def test_email_does_not_outvote_a_different_person(matcher: CustomerMatcher) -> None:
    """The same address under another given and family name is not chosen."""
    result = matcher.match(
        Buyer(first_name="Charles", last_name="Babbage", email="ada.lovelace@analytical.io")
    )
    assert result.customer is None


def test_company_domain_with_company_name(matcher: CustomerMatcher) -> None:
    """A company's domain and its name (legal form ignored) identify the company."""
    result = matcher.match(Buyer(company_name="ACME WIDGETS LIMITED", domain="acmewidgets.co.uk"))
    assert "2" == result.customer_id
    assert {MatchKey.EMAIL_DOMAIN, MatchKey.COMPANY_NAME} <= set(result.best.agreeing_keys)  # type: ignore[union-attr]


def test_free_mail_domain_says_nothing_about_a_company() -> None:
    """Two customers at gmail.com share no company domain."""
    matcher = CustomerMatcher([Customer(id="9", display_name="Zed Co", email="zed@gmail.com")])
    result = matcher.match(Buyer(company_name="Other", email="someone@gmail.com"))
    assert reason(result, MatchKey.EMAIL_DOMAIN) is None


def test_company_name_variants_with_phone(matcher: CustomerMatcher) -> None:
    """Name spelled "& Co"/"and", other legal form, phone in international format."""
    result = matcher.match(Buyer(company_name="Acme Widgets", phone="+44 113 496 0000"))
    assert "2" == result.customer_id
    assert Agreement.EXACT == reason(result, MatchKey.PHONE)


def test_company_name_alone_is_not_enough(matcher: CustomerMatcher) -> None:
    """A company name with nothing else is a candidate, not a match."""
    result = matcher.match(Buyer(company_name="Acme Widgets"))
    assert (None, "2") == (result.customer, result.best.customer_id if result.best else None)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Bob", "Jones", Agreement.NICKNAME),
        ("Robret", "Jones", Agreement.FUZZY),
        ("R.", "Jones", Agreement.INITIAL),
        ("Jones", "Robert", Agreement.EXACT),  # swapped
        (None, "Jones", None),
    ],
)
def test_person_name_variants_with_phone(
    matcher: CustomerMatcher, first: str | None, last: str, expected: Agreement | None
) -> None:
    """Nicknames, typos, initials, swapped and missing given names still match with a phone."""
    result = matcher.match(Buyer(first_name=first, last_name=last, phone="415-555-0132"))
    assert ("3", expected) == (result.customer_id, reason(result, MatchKey.GIVEN_NAME))


def test_two_short_forms_of_one_name_are_similar_not_equal() -> None:
    """Will and Bill may both be William (weak agreement, no veto); Bob and Robert agree."""
    ledger = [Customer(id="12", given_name="Bill", family_name="Okonjo", phone="+1 512 555 0199")]
    matcher = CustomerMatcher(ledger)
    will = matcher.match(Buyer(first_name="Will", last_name="Okonjo", phone="512 555 0199"))
    william = matcher.match(Buyer(first_name="William", last_name="Okonjo", phone="5125550199"))
    assert ("12", Agreement.SIMILAR) == (will.customer_id, reason(will, MatchKey.GIVEN_NAME))
    assert Agreement.NICKNAME == reason(william, MatchKey.GIVEN_NAME)
    assert will.score < william.score


def test_family_name_typo_with_address(matcher: CustomerMatcher) -> None:
    """A misspelt family name plus postcode and address line (abbreviated) is enough."""
    result = matcher.match(
        Buyer(
            first_name="Robert",
            last_name="Jnoes",
            address=Address(("500 Market St.",), postal_code="94105"),
        )
    )
    assert "3" == result.customer_id
    assert Agreement.FUZZY == reason(result, MatchKey.FAMILY_NAME)
    assert Agreement.EXACT == reason(result, MatchKey.ADDRESS_LINE)


def test_display_name_only_customer_with_double_surname(matcher: CustomerMatcher) -> None:
    """A "Last, First" display name with two family names matches one of them."""
    result = matcher.match(
        Buyer(
            first_name="Maria",
            last_name="Garcia",
            address=Address(("Calle Mayor, 5",), postal_code="28013"),
        )
    )
    assert "4" == result.customer_id
    assert Agreement.PARTIAL == reason(result, MatchKey.FAMILY_NAME)


def test_person_whose_company_field_repeats_the_name() -> None:
    """A display name copied into the company field is still read as a person's name."""
    ledger = [
        Customer(
            id="8", display_name="Noor Haddad", company_name="Noor Haddad", phone="+44 161 496 0777"
        )
    ]
    result = CustomerMatcher(ledger).match(
        Buyer(first_name="Noor", last_name="Haddad", phone="0161 496 0777")
    )
    assert ("8", Agreement.EXACT) == (result.customer_id, reason(result, MatchKey.FAMILY_NAME))


def test_given_name_conflict_is_never_chosen() -> None:
    """A relative at the same address with the same phone is listed, never chosen."""
    ledger = [
        Customer(
            id="7",
            given_name="Claudia",
            family_name="Friedrich",
            phone="+49 30 1234567",
            billing_address=Address(("Hauptstr. 5",), postal_code="10115"),
        )
    ]
    result = CustomerMatcher(ledger).match(
        Buyer(
            first_name="Moritz",
            last_name="Friedrich",
            phone="030 1234567",
            address=Address(("Hauptstraße 5",), postal_code="10115"),
        )
    )
    assert (MatchStatus.NO_MATCH, True) == (result.status, result.candidates[0].vetoed)


def test_common_name_alone_never_matches(matcher: CustomerMatcher) -> None:
    """Given and family name with no other agreeing fact do not choose a customer."""
    assert matcher.match(Buyer(first_name="Robert", last_name="Jones")).customer is None


def test_rare_full_name_alone_needs_the_names_only_bar() -> None:
    """Names alone match only above ``names_only_threshold``; lowering it lets them through."""
    ledger = [Customer(id="5", given_name="Ottoline", family_name="Brackenbury")]
    buyer = Buyer(first_name="Ottoline", last_name="Brackenbury")
    assert "5" == CustomerMatcher(ledger).match(buyer).customer_id
    strict = MatchConfig(names_only_threshold=30.0)
    assert CustomerMatcher(ledger, config=strict).match(buyer).customer is None


def test_phone_typo_with_name(matcher: CustomerMatcher) -> None:
    """One wrong digit in a phone still corroborates the name."""
    result = matcher.match(Buyer(first_name="Robert", last_name="Jones", phone="415 555 0133"))
    assert ("3", Agreement.FUZZY) == (result.customer_id, reason(result, MatchKey.PHONE))


# --------------------------------------------------------------------------- decision


def test_duplicated_customer_is_ambiguous_and_can_raise() -> None:
    """Two near-identical customers are too close to call; a person must choose."""
    ledger = [
        Customer(
            id="10", display_name="Smith & Co", company_name="Smith & Co", phone="0161 496 0123"
        ),
        Customer(
            id="11",
            display_name="Smith and Co Ltd",
            company_name="Smith and Co Ltd",
            phone="+44 161 496 0123",
        ),
    ]
    result = CustomerMatcher(ledger).match(Buyer(company_name="Smith & Co.", phone="01614960123"))
    assert (MatchStatus.AMBIGUOUS, None) == (result.status, result.customer)
    assert {"10", "11"} == {c.customer_id for c in result.candidates}
    with pytest.raises(AmbiguousCustomerMatch) as caught:
        result.raise_if_ambiguous()
    assert 2 == len(caught.value.candidates)


def test_unknown_buyer_is_no_match_with_empty_candidates(matcher: CustomerMatcher) -> None:
    """A buyer sharing nothing with the ledger gets no customer and no candidates."""
    result = matcher.match(Buyer(first_name="Zebedee", last_name="Quux", email="z@quux.example"))
    assert (MatchStatus.NO_MATCH, ()) == (result.status, result.candidates)
    assert result is result.raise_if_ambiguous()


def test_contacts_and_companies_are_accepted_as_buyers(matcher: CustomerMatcher) -> None:
    """A HubSpot contact or company can be matched without building a Buyer first."""
    contact = Contact(first_name="Ada", last_name="Lovelace", email="ada.lovelace@analytical.io")
    company = Company(name="Acme Widgets Limited", domain="acmewidgets.co.uk")
    assert ["1", "2"] == [r.customer_id for r in matcher.match_many([contact, company])]


def test_match_many_keeps_order(matcher: CustomerMatcher) -> None:
    """Bulk matching returns one result per buyer, in order."""
    buyers = [Buyer(email="ada.lovelace@analytical.io"), Buyer(first_name="Nobody")]
    assert ["1", None] == [r.customer_id for r in matcher.match_many(buyers)]


# --------------------------------------------------------------------------- the index


def test_inactive_customers_and_jobs_are_not_candidates() -> None:
    """Inactive customers never match; jobs only when ``include_jobs`` is set."""
    inactive = Customer(
        id="20", given_name="Ada", family_name="Byron", email="ada@byron.org", active=False
    )
    job = Customer(id="21", display_name="Byron:Roof", email="roof@byron.org", parent_id="20")
    matcher = CustomerMatcher([inactive, job])
    assert 0 == len(matcher)
    assert matcher.match(Buyer(email="ada@byron.org")).customer is None
    with_jobs = CustomerMatcher([inactive, job], config=MatchConfig(include_jobs=True))
    assert "21" == with_jobs.match(Buyer(email="roof@byron.org")).customer_id


def test_add_update_remove(matcher: CustomerMatcher) -> None:
    """The index follows customers as they are added, changed, deactivated and removed."""
    new = Customer(id="30", given_name="Grace", family_name="Hopper", email="grace@navy.mil")
    buyer = Buyer(email="grace@navy.mil")
    assert matcher.match(buyer).customer is None
    assert matcher.add(new)
    assert "30" == matcher.match(buyer).customer_id
    moved = Customer(id="30", given_name="Grace", family_name="Hopper", email="grace@yale.edu")
    assert matcher.update(moved)
    assert matcher.match(buyer).customer is None
    assert "30" == matcher.match(Buyer(email="grace@yale.edu")).customer_id
    assert not matcher.update(
        Customer(
            id="30", given_name="Grace", family_name="Hopper", email="grace@yale.edu", active=False
        )
    )
    assert "30" not in matcher
    assert not matcher.remove("30")
    assert matcher.remove(ADA)
    assert (3, False) == (len(matcher), "1" in matcher)


def test_incremental_index_equals_bulk_index() -> None:
    """Adding customers one by one gives the same results as indexing them at once."""
    one_by_one = CustomerMatcher()
    for customer in LEDGER:
        one_by_one.add(customer)
    bulk = CustomerMatcher(LEDGER)
    buyers = [Buyer.from_customer(c) for c in LEDGER] + [Buyer(company_name="Acme Widgets")]
    assert [str(r) for r in bulk.match_many(buyers)] == [
        str(r) for r in one_by_one.match_many(buyers)
    ]


def test_update_needs_an_id(matcher: CustomerMatcher) -> None:
    """Updating a customer without an id is refused."""
    with pytest.raises(ValueError, match="id"):
        matcher.update(Customer(display_name="No Id"))


# --------------------------------------------------------------------------- buyers


def test_buyer_from_contact_and_company() -> None:
    """A buyer takes the contact's facts and fills gaps from its company."""
    contact = Contact(id="c1", first_name="Ada", last_name="Lovelace", email="ada@x.io")
    company = Company(
        id="k1",
        name="Analytical Engines",
        domain="x.io",
        phone="+44 20 1",
        address=Address(("1 Way",), postal_code="N1"),
    )
    buyer = Buyer.from_contact(contact, company)
    assert ("Ada", "+44 20 1", "Analytical Engines", "x.io", "N1") == (
        buyer.first_name,
        buyer.phone,
        buyer.company_name,
        buyer.domain,
        buyer.address.postal_code if buyer.address else None,
    )
    assert Buyer(
        company_name="Analytical Engines", domain="x.io", phone="+44 20 1", address=company.address
    ) == Buyer.from_company(company)


# --------------------------------------------------------------------------- rendering


def test_text_rendering_names_decision_candidates_and_reasons(matcher: CustomerMatcher) -> None:
    """``str(result)`` reads as a decision followed by ranked candidates and their evidence."""
    text = str(matcher.match(Buyer(email="ada.lovelace@analytical.io", first_name="Ada")))
    lines = text.splitlines()
    assert lines[0].startswith("matched customer 1 (Ada Lovelace), score ")
    assert lines[1].startswith("  1. Ada Lovelace (id 1) score ")
    assert "email exact (+15.0): ada.lovelace@analytical.io = ada.lovelace@analytical.io" in text


def test_html_rendering_is_a_table_and_escapes_values() -> None:
    """``_repr_html_`` is a table; customer-supplied text is HTML-escaped."""
    name = "<script>x</script> & Co"
    evil = Customer(id="<b>", display_name=name, company_name=name, phone="0161 496 0999")
    result = CustomerMatcher([evil]).match(Buyer(company_name="<script>x</script>"))
    page = result._repr_html_()
    assert 1 == page.count("<table>")
    assert "<th>score (bits)</th>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in page


# --------------------------------------------------------------------------- later refinements


def test_address_line_with_city_and_postcode_typed_in() -> None:
    """A line carrying city and postcode still agrees with the bare street line."""
    ledger = [
        Customer(
            id="40",
            given_name="Ines",
            family_name="Okoro",
            billing_address=Address(("12 High Street",), postal_code="LS1 4AP"),
        )
    ]
    buyer = Buyer(
        first_name="Ines", last_name="Okoro", address=Address(("12 High St, Leeds LS1 4AP",))
    )
    result = CustomerMatcher(ledger).match(buyer)
    assert ("40", Agreement.EXACT) == (result.customer_id, reason(result, MatchKey.ADDRESS_LINE))


def test_house_number_typo_is_weaker_than_the_same_house() -> None:
    """``4v6`` for ``476`` on the same street agrees, but for less than the same number."""
    ledger = [
        Customer(
            id="41",
            given_name="Rito",
            family_name="Ruelha",
            billing_address=Address(("476 Bana Avenue",)),
        )
    ]
    matcher = CustomerMatcher(ledger)
    typo = matcher.match(
        Buyer(first_name="Rito", last_name="Ruelha", address=Address(("4v6 Bana Ave",)))
    )
    same = matcher.match(
        Buyer(first_name="Rito", last_name="Ruelha", address=Address(("476 Bana Ave",)))
    )
    assert Agreement.FUZZY == reason(typo, MatchKey.ADDRESS_LINE)
    assert typo.score < same.score


def test_postcode_shared_by_many_customers_counts_less() -> None:
    """A postcode unique in the ledger is strong; one shared by many is discounted."""
    lone = [
        Customer(
            id="50",
            given_name="Ada",
            family_name="Quill",
            billing_address=Address((), postal_code="AB1 2CD"),
        )
    ]
    crowd = lone + [
        Customer(
            id=f"5{i}x",
            given_name="Zed",
            family_name=f"Other{i}",
            billing_address=Address((), postal_code="AB1 2CD"),
        )
        for i in range(15)
    ]
    buyer = Buyer(first_name="Ada", last_name="Quill", address=Address((), postal_code="ab12cd"))

    def weight(ledger: list[Customer]) -> float:
        result = CustomerMatcher(ledger).match(buyer)
        return next(r.weight for r in result.reasons if r.key is MatchKey.POSTCODE)

    assert weight(lone) - 4 == weight(crowd)


def test_same_address_alone_does_not_identify_a_person() -> None:
    """Postcode and house are one household fact: without a name or contact, no match."""
    ledger = [
        Customer(
            id="60",
            display_name="Valley Studio SAS",
            company_name="Valley Studio SAS",
            billing_address=Address(("245 Lincoln Avenue",), postal_code="90331"),
        )
    ]
    buyer = Buyer(
        first_name="Brandon",
        last_name="Martin",
        address=Address(("245 Lincoln Ave",), postal_code="90331"),
    )
    assert CustomerMatcher(ledger).match(buyer).customer is None


def test_two_known_given_names_one_letter_apart_are_two_people() -> None:
    """Marco is not a typo for Mario: at the same address the customer is not chosen."""
    ledger = [
        Customer(
            id="70",
            given_name="Mario",
            family_name="Pasardi",
            phone="0700961556",
            billing_address=Address(("Washington Ct 46",), postal_code="95629"),
        )
    ]
    marco = Buyer(
        first_name="Marco",
        last_name="Pasardi",
        phone="+49 700961556",
        address=Address(("46 Washington Court",), postal_code="95629"),
    )
    jario = Buyer(first_name="Marjo", last_name="Pasardi", phone="+49 700961556")
    matcher = CustomerMatcher(ledger)
    assert (None, True) == (
        matcher.match(marco).customer,
        matcher.match(marco).candidates[0].vetoed,
    )
    assert "70" == matcher.match(jario).customer_id


def test_ocr_slips_in_names() -> None:
    """``rn`` read for ``m`` and digits for letters are tolerated."""
    ledger = [
        Customer(id="80", given_name="James", family_name="Ashham", email="ja@ashham.example")
    ]
    result = CustomerMatcher(ledger).match(
        Buyer(first_name="Jarnes", last_name="Ashharn", email="ja@ashham.example")
    )
    assert ("80", Agreement.FUZZY, Agreement.FUZZY) == (
        result.customer_id,
        reason(result, MatchKey.GIVEN_NAME),
        reason(result, MatchKey.FAMILY_NAME),
    )
    assert PersonName(("elias",), ("muller",)) == parse_person_name("E1ias", "Mü11er")


def test_a_slip_in_the_first_letter_of_the_given_name_still_finds_the_customer() -> None:
    """``aMichael`` / ``Jason`` → ``ason``: the family name alone is a blocking key too.

    Nothing else the buyer has is a blocking key of this customer (the e-mail has a typo), so
    only the family name can bring the customer to be scored.
    """
    ledger = [
        Customer(
            id=f"81-{given}",
            given_name=given,
            family_name="Corsen",
            email=f"{given.lower()}.corsen@example.org",
        )
        for given in ("Michael", "Jason")
    ]
    matcher = CustomerMatcher(ledger)
    found = [
        matcher.match(Buyer(first_name=typed, last_name="Corsen", email=email)).customer_id
        for typed, email in (
            ("aMichael", "michael.corsen@exmaple.org"),
            ("ason", "jason.corsen@exmaple.org"),
        )
    ]
    assert ["81-Michael", "81-Jason"] == found


def test_a_typo_that_looks_like_an_ocr_slip_is_looked_up_as_written() -> None:
    """``Pulviernti`` for Pulvirenti: read as an OCR ``rn`` it would be two slips off."""
    ledger = [
        Customer(
            id="82",
            given_name="Krystin",
            family_name="Pulvirenti",
            email="krystin.pulvirenti@example.org",
        )
    ]
    result = CustomerMatcher(ledger).match(
        Buyer(
            first_name="Krystin",
            last_name="Pulviernti",
            email="krystin.pulvirenti@exmaple.org",
        )
    )
    assert ("82", Agreement.FUZZY) == (result.customer_id, reason(result, MatchKey.FAMILY_NAME))


def test_the_buyers_town_picks_which_namesakes_are_scored() -> None:
    """Among more namesakes than are scored (a family name and initial shared by 30), the one
    in the buyer's town is scored, not whichever come first by id."""
    cities = ("Leeds", "York", "Hull", "Bath", "Ely")
    ledger = [
        Customer(
            id=f"83-{i:02}",
            given_name=("Linda", "Laura", "Lucy", "Lena", "Lily")[i % 5],
            family_name="Rogean",
            billing_address=Address((), city=cities[i // 6 % 5]),
        )
        for i in range(30)
    ]
    ledger.append(
        Customer(
            id="83-zz",  # last by id
            given_name="Lorna",
            family_name="Rogean",
            billing_address=Address((), city="Rone"),
        )
    )
    result = CustomerMatcher(ledger).match(
        Buyer(first_name="Lor", last_name="Rogean", address=Address((), city="Rone"))
    )
    assert ("83-zz", Agreement.EXACT) == (result.customer_id, reason(result, MatchKey.CITY))


def test_a_town_alone_brings_no_candidates_a_village_does() -> None:
    """A city shared by many customers only ranks customers found by other keys; a village's
    few customers are worth scoring on it (a suburb confirms a mistyped postcode)."""
    ledger = [
        *(Customer(id=f"84-t{i}", display_name=f"Town {i}", billing_address=Address((),
          city="Leeds")) for i in range(20)),
        *(Customer(id=f"84-v{i}", display_name=f"Village {i}", billing_address=Address((),
          city="Adel")) for i in range(3)),
    ]  # fmt: skip
    matcher = CustomerMatcher(ledger)

    def found(city: str) -> int:
        return len(matcher.match(Buyer(address=Address((), city=city))).candidates)

    assert (0, 3) == (found("Leeds"), found("Adel"))


def test_domain_spelled_by_company_name() -> None:
    """A buyer's company domain made of the customer's company name corroborates it."""
    ledger = [
        Customer(
            id="90",
            display_name="Liberty Summit Consulting Corp",
            company_name="Liberty Summit Consulting Corp",
            billing_address=Address(("51 Orchard Pl",), postal_code="96415"),
        )
    ]
    buyer = Buyer(
        first_name="Jing",
        last_name="Feng",
        email="jfeng@libertysummitconsu.com",
        address=Address(("51 Orchard Place",), postal_code="96415"),
    )
    result = CustomerMatcher(ledger).match(buyer)
    assert ("90", Agreement.PARTIAL) == (result.customer_id, reason(result, MatchKey.EMAIL_DOMAIN))


def test_family_name_spelt_by_ear_agrees_phonetically() -> None:
    """``Rrogaen`` for ``Rogean`` (two slips, same NYSIIS code) agrees as a phonetic spelling."""
    ledger = [
        Customer(
            id="100",
            given_name="Deha",
            family_name="Rogean",
            billing_address=Address(("258 Pael Avenue",), postal_code="19623"),
        )
    ]
    buyer = Buyer(
        first_name="Deha",
        last_name="Rrogaen",
        address=Address(("258 Pael Ave",), postal_code="19623"),
    )
    result = CustomerMatcher(ledger).match(buyer)
    assert ("100", Agreement.PHONETIC) == (result.customer_id, reason(result, MatchKey.FAMILY_NAME))


def test_a_spelling_that_is_another_customers_name_is_not_a_phonetic_match() -> None:
    """Rossi sounds like Russo, but Rossi is itself a customer's name: two families."""
    rome = Address((), city="Roma", postal_code="00184")
    russo = Customer(id="101", given_name="Giuseppe", family_name="Russo", billing_address=rome)
    rossi = Customer(id="102", given_name="Maria", family_name="Rossi")
    buyer = Buyer(first_name="Giuseppe", last_name="Rossi", address=rome)
    result = CustomerMatcher([russo, rossi]).match(buyer)
    by_id = {c.customer_id: c for c in result.candidates}
    family = next(r for r in by_id["101"].reasons if r.key is MatchKey.FAMILY_NAME)
    assert (Agreement.SIMILAR, 1.0) == (family.agreement, family.weight)


def test_same_street_with_another_house_number_is_evidence_for() -> None:
    """A mistyped or swapped house number on the same street still counts for the customer."""
    ledger = [
        Customer(
            id="103",
            given_name="Benjamin",
            family_name="Moody",
            billing_address=Address(("34 Fernyhough Crescent",), postal_code="3192"),
        )
    ]
    matcher = CustomerMatcher(ledger)

    def address_reason(number: str) -> tuple[Agreement, float]:
        buyer = Buyer(
            first_name="Benjamin",
            last_name="Moody",
            address=Address((f"{number} Fernyhough Crescent",), postal_code="3192"),
        )
        found = next(r for r in matcher.match(buyer).reasons if r.key is MatchKey.ADDRESS_LINE)
        return found.agreement, found.weight

    swapped, other = address_reason("43"), address_reason("8")
    assert (Agreement.FUZZY, Agreement.SIMILAR) == (swapped[0], other[0])
    assert swapped[1] > other[1] > 0


def test_street_types_must_agree() -> None:
    """67 Pine Way is not 67 Pine Court, although both streets start with Pine."""
    ledger = [
        Customer(
            id="104", given_name="Hana", family_name="Kel", billing_address=Address(("67 Pine Ct",))
        )
    ]
    result = CustomerMatcher(ledger).match(
        Buyer(first_name="Hana", last_name="Kel", address=Address(("67 Pine Way",)))
    )
    assert Agreement.DISAGREE == reason(result, MatchKey.ADDRESS_LINE)


def test_rare_suburb_confirms_a_mistyped_four_digit_postcode() -> None:
    """3173 for 3137 is one slip; the suburb, rare in the ledger, then says where they live."""
    ledger = [
        Customer(
            id="105",
            given_name="Jasmine",
            family_name="Silvestro",
            billing_address=Address(
                ("41 Nott Street",), city="Middleton Beach", postal_code="3137"
            ),
        )
    ]
    result = CustomerMatcher(ledger).match(
        Buyer(
            first_name="Jasmine",
            last_name="Silvestro",
            address=Address(("41 Nott St",), city="Middleton Beach", postal_code="3173"),
        )
    )
    assert ("105", Agreement.FUZZY, Agreement.EXACT) == (
        result.customer_id,
        reason(result, MatchKey.POSTCODE),
        reason(result, MatchKey.CITY),
    )


def test_swapped_address_lines_still_reach_the_customer() -> None:
    """``38 Engelbert Wing, Bentham Street`` finds ``38 Bentham Street, Engelbert Wing``.

    Only the address can find this customer (the family name is mangled, the postcode
    mistyped): every street word is a blocking key, not just the first.
    """
    ledger = [
        Customer(
            id="106",
            given_name="Eboni",
            family_name="Timperon",
            billing_address=Address(
                ("38 Bentham Street", "Engelbert Wing"), city="Berwick", postal_code="2560"
            ),
        ),
        *(Customer(id=f"106x{i}", given_name="Ann", family_name=f"Other{i}") for i in range(5)),
    ]
    result = CustomerMatcher(ledger).match(
        Buyer(
            first_name="Eboni",
            last_name="Tmpiernon",  # beyond the one-typo neighbourhood of the family name
            address=Address(("38 Engelbert Wing", "Bentham Street"), postal_code="2564"),
        )
    )
    assert ("106", Agreement.EXACT) == (result.customer_id, reason(result, MatchKey.ADDRESS_LINE))


def test_same_house_in_another_postcode_area_is_only_weak_evidence() -> None:
    """851 Mona Road in another postcode area is likelier another house on a common street."""
    home = Address(("851 Mona Road",), postal_code="19305")
    ledger = [Customer(id="107", given_name="Kaan", family_name="Sasael", billing_address=home)]
    matcher = CustomerMatcher(ledger)

    def address_weight(postcode: str) -> float:
        buyer = Buyer(
            first_name="Kaan",
            last_name="Saasel",
            address=Address(("851 Mona Rd",), postal_code=postcode),
        )
        found = matcher.match(buyer).reasons
        return next(r.weight for r in found if r.key is MatchKey.ADDRESS_LINE)

    assert (11.0, 4.0) == (address_weight("19305"), address_weight("84208"))


def test_indexing_leaves_the_garbage_collector_as_it_found_it() -> None:
    """Indexing pauses the collector and hands its objects to the oldest generation; afterwards
    the collector runs again, nothing stays frozen, and objects the application froze stay so."""
    ledger = [
        Customer(id=str(i), display_name=f"Ann Lee {i}", email=f"a{i}@x.org") for i in range(50)
    ]
    CustomerMatcher(ledger)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        CustomerMatcher(ledger)
        assert gc.get_freeze_count() == frozen  # not unfrozen behind the application's back
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        CustomerMatcher(ledger)
        assert not gc.isenabled()  # a disabled collector stays disabled
    finally:
        gc.enable()
