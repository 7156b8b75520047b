"""Each normalizer on its own: the rule for "the same value" of one kind of key."""

from __future__ import annotations

import pytest

from hubqbo.matching import (
    PersonName,
    StreetAddress,
    company_domain,
    email_domain,
    fold,
    is_free_mail_domain,
    is_role_email,
    normalize_address_line,
    normalize_company_name,
    normalize_email,
    normalize_postcode,
    parse_person_name,
    phone_digits,
    phonetic_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Zoë O’Brien-Müller ", "zoe obrien muller"),
        ("ŁUKASZ Wiśniewski", "lukasz wisniewski"),
        ("Straße", "strasse"),
        ("Ørsted & Søn", "orsted son"),
        ("", ""),
    ],
)
def test_fold_strips_case_accents_and_punctuation(raw: str, expected: str) -> None:
    """Folding lower-cases, removes accents (incl. ß, ø, ł) and turns punctuation into spaces."""
    assert expected == fold(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ann.Lee@Example.COM ", "ann.lee@example.com"),
        ("mailto:ann@example.com", "ann@example.com"),
        ("ann+crm@example.com", "ann@example.com"),
        ("A.N.N.Lee@googlemail.com", "annlee@gmail.com"),
        ("ann lee@example.com", None),
        ("no-at-sign.example.com", None),
        ("ann@localhost", None),
        (None, None),
    ],
)
def test_normalize_email(raw: str | None, expected: str | None) -> None:
    """E-mails are trimmed and case-folded; +tags and Gmail dots do not make a new address."""
    assert expected == normalize_email(raw)


def test_email_domain_and_company_domain() -> None:
    """The company domain comes from an e-mail or a URL, and free-mail domains give none."""
    assert "acme.co.uk" == email_domain("Ann@ACME.co.uk")
    assert "acme.com" == company_domain("https://www.Acme.com/about")
    assert "acme.com" == company_domain("ann@acme.com")
    assert company_domain("ann@gmail.com") is None
    assert company_domain("localhost") is None
    assert is_free_mail_domain("GMX.de")
    assert not is_free_mail_domain("acme.de")


@pytest.mark.parametrize(
    ("email", "expected"),
    [("accounts@acme.com", True), ("Info@acme.com", True), ("ann.lee@acme.com", False)],
)
def test_role_mailboxes(email: str, expected: bool) -> None:
    """Shared mailboxes (accounts@, info@) are recognised as not naming a person."""
    assert expected == is_role_email(email)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Smith & Co", "smith"),
        ("Smith and Co Ltd", "smith"),
        ("SMITH & CO. LIMITED", "smith"),
        ("The Smith Company, Inc.", "smith"),
        ("Acme B.V.", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme LLC", "acme"),
        ("Société Générale S.A.", "societe generale"),
        ("Smith & Sons Ltd", "smith and sons"),
        ("Patel Design Pvt Ltd", "patel design"),
        ("Limited", "limited"),
        ("", None),
    ],
)
def test_normalize_company_name(raw: str, expected: str | None) -> None:
    """Case, accents, punctuation, &/and and trailing legal forms do not distinguish companies."""
    assert expected == normalize_company_name(raw)


@pytest.mark.parametrize(
    ("given", "family", "display", "expected"),
    [
        ("Ann", "Lee", None, PersonName(("ann",), ("lee",))),
        ("Mary-Jane", "van der Berg", None, PersonName(("mary", "jane"), ("van", "der", "berg"))),
        (None, None, "Lee, Ann", PersonName(("ann",), ("lee",))),
        (None, None, "Dr. Ann B. Lee Jr.", PersonName(("ann", "b"), ("lee",))),
        (None, None, "Anna de la Cruz", PersonName(("anna",), ("de", "la", "cruz"))),
        (None, None, "M. Al-Sayed", PersonName(("m",), ("al", "sayed"))),
        (None, None, "Prince", PersonName((), ("prince",))),
        (None, None, None, PersonName()),
    ],
)
def test_parse_person_name(
    given: str | None, family: str | None, display: str | None, expected: PersonName
) -> None:
    """Names split into given and family tokens; titles, suffixes and commas handled."""
    assert expected == parse_person_name(given, family, display)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+44 20 7946 0958", "442079460958"),
        ("0044 (0)20 7946-0958", "004402079460958"),
        ("0113 496 0000", "01134960000"),
        ("020 7946 0958", "02079460958"),
        ("+1 (415) 555-0132 ext. 7", "14155550132"),
        ("011 44 20 7946 0958", "011442079460958"),
        ("555-0132 x12", "5550132"),
        ("n/a", None),
        ("12345", None),
    ],
)
def test_phone_digits(raw: str, expected: str | None) -> None:
    """Phones keep their digits (prefixes too: 0113 is Leeds, not an exit code); extensions go."""
    assert expected == phone_digits(raw)


def test_phone_digits_agree_on_the_last_nine_across_formats() -> None:
    """National and international spellings of one number share their last nine digits."""
    forms = ["+44 20 7946 0958", "0044 20 7946 0958", "020 7946 0958", "+44 (0)20 7946 0958"]
    assert {"079460958"} == {(phone_digits(f) or "")[-9:] for f in forms}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" ls1 4ap ", "LS14AP"), ("94107-1234", "94107"), ("941071234", "94107"), ("", None)],
)
def test_normalize_postcode(raw: str, expected: str | None) -> None:
    """Postcodes lose spaces and case; a US ZIP+4 keeps its five-digit ZIP."""
    assert expected == normalize_postcode(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12 High Street", StreetAddress("12", "high st")),
        ("12 High St.", StreetAddress("12", "high st")),
        ("Flat 2, 14B North High Street", StreetAddress("14b", "n high st")),
        ("1600 Pennsylvania Avenue NW, Suite 400", StreetAddress("1600", "pennsylvania ave nw")),
        ("Apt 36, 23 Garden Boulevard", StreetAddress("23", "garden blvd")),
        ("Hauptstraße 5", StreetAddress("5", "hauptstrasse")),
        ("4Bridge Lane", StreetAddress("4", "bridge ln")),
        ("Rue Boulevard339", StreetAddress("339", "rue blvd")),
        ("#5 Elm Road", StreetAddress(None, "elm rd")),
        ("", None),
    ],
)
def test_normalize_address_line(raw: str, expected: StreetAddress | None) -> None:
    """Address lines: street words abbreviated, units dropped, house number pulled out."""
    assert expected == normalize_address_line(raw)


def test_phonetic_key_groups_names_spelt_by_ear() -> None:
    """NYSIIS codes: a by-ear spelling shares its name's code, another name does not."""
    assert phonetic_key("rrogaen") == phonetic_key("rogean")
    assert phonetic_key("tieg") == phonetic_key("tige")
    assert phonetic_key("smith") != phonetic_key("jones")
