"""Normalizers: turn the raw strings of either side into comparable keys.

Why: CRM and ledger spell the same facts differently — ``ACME, Inc.`` and ``acme``,
``+44 20 7946 0958`` and ``020 7946 0958``, ``12 High Street`` and ``12 High St.``. Every key the
matcher compares goes through exactly one function here, so the rule for "the same value" is
written once and tested on its own. The functions are pure and cached (names and companies repeat
a lot across customers, which keeps indexing 100,000 customers fast).

Example:
    >>> normalize_company_name("Smith & Co. Ltd")
    'smith'
    >>> phone_digits("+1 (415) 555-0132 ext. 7")
    '14155550132'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import attrs

from hubqbo.matching._lexicon import (
    ADDRESS_ABBREVIATIONS,
    FREE_MAIL_DOMAINS,
    LEGAL_SUFFIXES,
    NAME_PARTICLES,
    PERSON_SUFFIXES,
    PERSON_TITLES,
    ROLE_MAILBOXES,
    UNIT_DESIGNATORS,
)

__all__ = [
    "PersonName",
    "StreetAddress",
    "company_domain",
    "email_domain",
    "fold",
    "is_free_mail_domain",
    "is_role_email",
    "normalize_address_line",
    "normalize_company_name",
    "normalize_email",
    "normalize_postcode",
    "parse_person_name",
    "phone_digits",
]

# Letters NFKD does not decompose into ASCII + combining marks.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "`": "'",
    }
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_URL_SCHEME = re.compile(r"^[a-z]+://")
_DOTTED_ABBREVIATION = re.compile(r"\b(\w)\.\s?(?=\w\b\.?)")
_PARENTHESISED = re.compile(r"\(.*?\)")
_POSTCODE_SEPARATORS = re.compile(r"[\s\-.]")
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")


def fold(text: str) -> str:
    """Lower-case ASCII: accents stripped, apostrophes inside words dropped, punctuation → space.

    Example:
        >>> fold("  Zoë O’Brien-Müller ")
        'zoe obrien muller'
    """
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    if "'" in text:
        text = _APOSTROPHE.sub("", text)
    return " ".join(_NON_WORD.split(text)).strip()


# --------------------------------------------------------------------------- e-mail


def normalize_email(email: str | None) -> str | None:
    """The comparable form of an e-mail address, or ``None`` when it is not one.

    Trimmed and lower-cased; a ``mailto:`` prefix and a ``+tag`` in the local part are dropped;
    Gmail ignores dots in the local part, so they are dropped for Gmail addresses.

    Example:
        >>> normalize_email("  John.Smith+crm@GoogleMail.com ")
        'johnsmith@gmail.com'
        >>> normalize_email("not an address") is None
        True
    """
    if not email:
        return None
    text = email.strip().lower()
    text = text.removeprefix("mailto:").strip("<> ")
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or " " in text:
        return None
    if "+" in local:
        local = local.split("+", 1)[0] or local
    elif domain not in {"gmail.com", "googlemail.com"}:
        return text  # nothing to drop: text is local@domain already
    if domain in {"gmail.com", "googlemail.com"}:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_domain(email: str | None) -> str | None:
    """The domain of a (normalized) e-mail address, or ``None``.

    Example:
        >>> email_domain("Ann@Sales.Acme.co.uk")
        'sales.acme.co.uk'
    """
    normalized = normalize_email(email)
    return normalized.rpartition("@")[2] if normalized else None


def is_free_mail_domain(domain: str) -> bool:
    """True for consumer mail providers (gmail.com, outlook.com, web.de ...).

    Example:
        >>> is_free_mail_domain("hotmail.co.uk"), is_free_mail_domain("acme.com")
        (True, False)
    """
    return domain.lower() in FREE_MAIL_DOMAINS


@lru_cache(maxsize=65536)
def company_domain(email_or_domain: str | None) -> str | None:
    """The organisation's domain behind an e-mail address or web domain; ``None`` for free mail.

    ``www.`` and a URL scheme are dropped; a sub-domain such as ``mail.acme.com`` is kept as
    sent (sub-domains are rare in billing addresses and may be separate organisations).

    Example:
        >>> company_domain("https://www.Acme.com/contact")
        'acme.com'
        >>> company_domain("ann@gmail.com") is None
        True
    """
    if not email_or_domain:
        return None
    text = email_or_domain.strip().lower()
    if "@" in text:
        domain = email_domain(text)
    else:
        text = _URL_SCHEME.sub("", text)
        domain = text.split("/", 1)[0].split(":", 1)[0].removeprefix("www.") or None
        if domain is not None and "." not in domain:
            domain = None
    if domain is None or is_free_mail_domain(domain):
        return None
    return domain


def is_role_email(email: str) -> bool:
    """True for a shared mailbox (``accounts@``, ``info@``, ``billing@`` ...), not a person's.

    Example:
        >>> is_role_email("Accounts@acme.com"), is_role_email("ann.lee@acme.com")
        (True, False)
    """
    local = email.strip().lower().partition("@")[0]
    return _NON_WORD.sub("", local) in ROLE_MAILBOXES


# --------------------------------------------------------------------------- company


@lru_cache(maxsize=65536)
def normalize_company_name(name: str | None) -> str | None:
    """The comparable core of a company name, or ``None`` when nothing is left.

    Case, accents and punctuation are folded, ``&``/``+`` read as ``and``, a leading ``the`` and
    trailing legal forms (Inc, LLC, Ltd, GmbH, B.V., S.A., & Co ...) are dropped. A name made
    only of legal words is kept whole rather than emptied.

    Example:
        >>> normalize_company_name("The Smith and Co Ltd.")
        'smith'
        >>> normalize_company_name("Müller GmbH & Co. KG")
        'muller'
        >>> normalize_company_name("Acme, S.A. de C.V.")
        'acme'
    """
    if not name:
        return None
    text = name.replace("&", " and ").replace("+", " and ")
    if "." in text:  # (the pattern needs a dot; the regex is slow on long names)
        # Join dotted abbreviations before folding: "B.V." -> "BV", "S. A." -> "SA".
        text = _DOTTED_ABBREVIATION.sub(r"\1", text)
    tokens = fold(text).split()
    if not tokens:
        return None
    core = list(tokens)
    if core and core[0] == "the" and len(core) > 1:
        core = core[1:]
    while len(core) > 1 and (core[-1] in LEGAL_SUFFIXES or core[-1] in {"and", "und", "et", "y"}):
        core.pop()
    return " ".join(core)


# --------------------------------------------------------------------------- person


@attrs.frozen
class PersonName:
    """A person's name split into folded given-name and family-name tokens.

    Example:
        >>> parse_person_name(display="Smith, John A.")
        PersonName(given=('john', 'a'), family=('smith',))
    """

    given: tuple[str, ...] = ()
    family: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when neither part is known."""
        return not (self.given or self.family)


# Digits inside a name are scanning or typing slips for the letters they resemble (E1ias).
_NAME_DIGITS = str.maketrans("013458", "oleasb")


@lru_cache(maxsize=65536)
def _name_tokens(text: str | None) -> tuple[str, ...]:
    # Cached by the raw field: given and family names repeat far more than their pairs do.
    if not text:
        return ()
    tokens = fold(text).translate(_NAME_DIGITS).split()
    return tuple(t for t in tokens if t not in PERSON_SUFFIXES)


def _strip_titles(tokens: tuple[str, ...]) -> tuple[str, ...]:
    while len(tokens) > 1 and tokens[0] in PERSON_TITLES:
        tokens = tokens[1:]
    return tokens


@lru_cache(maxsize=65536)
def parse_person_name(
    given: str | None = None, family: str | None = None, display: str | None = None
) -> PersonName:
    """Split a person's name into given and family tokens.

    Separate ``given``/``family`` fields win; otherwise ``display`` is parsed: ``Last, First``
    when it has a comma, else the last word is the family name (titles, suffixes and a
    parenthesised note are dropped). Which field is truly the family name is *not* trusted
    here: the comparison tries both orders.

    Example:
        >>> parse_person_name("Mary-Jane", "van der Berg")
        PersonName(given=('mary', 'jane'), family=('van', 'der', 'berg'))
        >>> parse_person_name(display="Dr. Ana López Jr. (consultant)")
        PersonName(given=('ana',), family=('lopez',))
    """
    g = _strip_titles(_name_tokens(given))
    f = _name_tokens(family)
    if g or f:
        return PersonName(g, f)
    if not display:
        return PersonName()
    text = _PARENTHESISED.sub(" ", display)
    if "," in text:
        last, _, first = text.partition(",")
        return PersonName(_strip_titles(_name_tokens(first)), _name_tokens(last))
    tokens = _strip_titles(_name_tokens(text))
    if len(tokens) <= 1:
        return PersonName((), tuple(tokens))
    # A particle before the last word belongs to the family name: "Anna de la Cruz".
    split = len(tokens) - 1
    while split > 1 and tokens[split - 1] in NAME_PARTICLES:
        split -= 1
    return PersonName(tuple(tokens[:split]), tuple(tokens[split:]))


# --------------------------------------------------------------------------- phone

_NON_DIGIT = re.compile(r"\D+")
_EXTENSION = re.compile(r"(?:ext\.?|extension|x|#)\s*\d+\s*$", re.IGNORECASE)


def phone_digits(phone: str | None) -> str | None:
    """The digits of a phone number, its extension dropped.

    Prefixes are kept (``0113…`` is a Leeds number, not the US exit code ``011``): comparison
    uses only the last nine digits, which makes ``+44 20 7946 0958``, ``0044 20 7946 0958``
    and ``020 7946 0958`` agree. Fewer than seven digits is not a phone number.

    Example:
        >>> phone_digits("0044 (0)20 7946-0958")
        '004402079460958'
        >>> phone_digits("n/a") is None
        True
    """
    if not phone:
        return None
    text = phone.strip()
    if text.isdecimal():  # digits only (str.isdecimal is exactly regex \d: category Nd)
        digits = text
    else:
        if "x" in text or "X" in text or "#" in text:
            text = _EXTENSION.sub("", text)
        digits = _NON_DIGIT.sub("", text)
    return digits if len(digits) >= 7 else None


# --------------------------------------------------------------------------- address


def normalize_postcode(postcode: str | None) -> str | None:
    """Upper-case postcode without spaces or hyphens; a US ZIP+4 keeps its five digits.

    Example:
        >>> normalize_postcode(" ls1 4ap "), normalize_postcode("94107-1234")
        ('LS14AP', '94107')
    """
    if not postcode:
        return None
    if postcode.isdigit() and postcode.isascii() and len(postcode) != 9:
        return postcode  # the rule below leaves a plain ZIP or postal code as is: no cache
    return _normalize_postcode(postcode)


@lru_cache(maxsize=65536)
def _normalize_postcode(postcode: str) -> str | None:
    """The rule of :func:`normalize_postcode`, cached: postcodes repeat within a town."""
    # An alphanumeric postcode has no separator to remove (the commonest case: skip the regex).
    text = (postcode if postcode.isalnum() else _POSTCODE_SEPARATORS.sub("", postcode)).upper()
    if len(text) == 9 and text.isdigit():
        text = text[:5]
    return text or None


@attrs.frozen
class StreetAddress:
    """An address line split into house number and normalized street words.

    Example:
        >>> normalize_address_line("Flat 2, 14B North High Street")
        StreetAddress(number='14b', street='n high st')
    """

    number: str | None
    street: str


_ANY_DIGIT = re.compile(r"\d")
_DIGIT_WORD = re.compile(r"(?<=\d)(?=[a-z]{3})|(?<=[a-z]{3})(?=\d)")


# A line that is a house number and a street with no other digit ("7975 Center Road",
# "14B North High Street", "26 Hauptstraße"), perhaps after a unit ("Apt 3, 13B Jefferson
# Cl."): the commonest shapes by far, and ones whose street part repeats across customers while
# the numbers do not. Numbers and unit words in ASCII: folding leaves those as they are.
_NUMBER_THEN_STREET = re.compile(
    r"\s*(?:([A-Za-z]+)\.?[ ,]+[0-9]+[A-Za-z]?[ ,]+)?([0-9]+[A-Za-z]?)[ ,]+(\D*)"
)


def normalize_address_line(line: str | None) -> StreetAddress | None:
    """Fold an address line, abbreviate street words and pull out the house number.

    Unit designators (``Apt 4``, ``Suite 200``, ``Flat 2``) and their numbers are dropped; the
    house number is the first remaining token that contains a digit. A number glued to a word
    is split off (``4Bridge Lane``, ``Rue Boulevard339``); ``14B`` and ``1st`` stay whole.

    Example:
        >>> normalize_address_line("1600 Pennsylvania Avenue NW, Suite 400")
        StreetAddress(number='1600', street='pennsylvania ave nw')
    """
    if not line:
        return None
    # Fast path, same result as the rule below (tests/matching/test_fast_paths.py checks it
    # with hypothesis). Folding works character by character and the separators end a token,
    # so the folded line is the unit word and its number (when present: the rule drops both),
    # the house number, then the folded rest. The house number is no designator and contains a
    # digit, so it is the house number. The rule applied to the rest alone yields the street
    # when it takes no number from it: then the rest folds to no digit (a '²' would fold to
    # one) or only to a unit's number, so no number is split off inside it either. Streets
    # repeat across customers, house numbers do not: the street is looked up in a cache.
    parts = _NUMBER_THEN_STREET.fullmatch(line)
    if parts is not None and (parts[1] is None or parts[1].lower() in UNIT_DESIGNATORS):
        street = _street_address(parts[3])
        if street is None or street.number is None:
            return StreetAddress(parts[2].lower(), street.street if street else "")
    return _street_address_rule(line)


def _street_address_rule(line: str) -> StreetAddress | None:
    """The rule of :func:`normalize_address_line` (its fast path is proven equal to this)."""
    text = fold(line.replace("#", " no "))
    if _ANY_DIGIT.search(text):
        text = _DIGIT_WORD.sub(" ", text)
    kept: list[str] = []
    number: str | None = None
    skip_next = False
    for token in text.split():
        if skip_next:
            skip_next = False
            if len(token) == 1 or not token.isalpha():
                continue
        if token in UNIT_DESIGNATORS:
            skip_next = True
            continue
        if number is None and not token.isalpha():
            number = token
            continue
        kept.append(ADDRESS_ABBREVIATIONS.get(token, token))
    if kept and len(kept[-1]) >= 7:
        head = _run_on_street_type(kept[-1])
        if head:  # "dalmancrescent": the street's name and its type run together
            kept[-1:] = [head, ADDRESS_ABBREVIATIONS[kept[-1][len(head) :]]]
    street = " ".join(kept)
    if not street and number is None:
        return None
    return StreetAddress(number, street)


# Street types of four letters or more, split off the last word of a street they end
# ("Harcourt" alone reads as "har ct" on both sides alike, which compares the same).
_RUN_ON_TYPES = (
    "street", "road", "avenue", "boulevard", "drive", "lane", "court", "place", "square",
    "terrace", "crescent", "highway", "parkway", "circle", "close", "gardens", "grove",
)  # fmt: skip


def _run_on_street_type(token: str) -> str | None:
    """The street name before a street type run into it (``dalmancrescent`` → ``dalman``).

    At least three letters must be left before the type. ``None`` when there is no such type.
    """
    for word in _RUN_ON_TYPES:
        if token.endswith(word) and len(token) - len(word) >= 3 and token.isalpha():
            return token[: -len(word)]
    return None


_street_address = lru_cache(maxsize=65536)(_street_address_rule)
"""The rule for the digit-free street part of a line (streets repeat across customers)."""
