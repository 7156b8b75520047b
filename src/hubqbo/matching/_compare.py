"""Record features and the field-by-field comparison that scores one buyer against one customer.

Why: a match decision must be explainable ("same e-mail, family name one typo apart, phone
agrees"), so the comparison returns its evidence as a list of reasons, each with the weight it
contributed; the score is simply their sum. Similarity comes from rapidfuzz (C-implemented OSA
distance and token ratios), never a hand-written edit distance.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Final, NamedTuple

import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from hubqbo.matching._config import MatchConfig
from hubqbo.matching._lexicon import (
    COMMON_FAMILY_NAMES,
    COMMON_GIVEN_NAMES,
    KNOWN_GIVEN_NAMES,
    LEGAL_SUFFIXES,
    NAME_PARTICLES,
    NICKNAME_GROUPS,
    NICKNAMES,
)
from hubqbo.matching._normalize import (
    PersonName,
    StreetAddress,
    company_domain,
    fold,
    is_free_mail_domain,
    is_role_email,
    normalize_address_line,
    normalize_company_name,
    normalize_email,
    normalize_postcode,
    parse_person_name,
    phone_digits,
)

__all__ = ["Agreement", "MatchKey", "MatchReason", "Record", "compare", "make_record"]


class MatchKey(str, enum.Enum):
    """The facts the matcher compares.

    Example:
        >>> MatchKey.EMAIL.value
        'email'
    """

    EMAIL = "email"
    EMAIL_DOMAIN = "email_domain"
    COMPANY_NAME = "company_name"
    FAMILY_NAME = "family_name"
    GIVEN_NAME = "given_name"
    PHONE = "phone"
    POSTCODE = "postcode"
    ADDRESS_LINE = "address_line"
    CITY = "city"


class Agreement(str, enum.Enum):
    """How strongly one key agreed (or that it disagreed).

    Example:
        >>> Agreement.NICKNAME.value
        'nickname'
    """

    EXACT = "exact"
    NICKNAME = "nickname"
    FUZZY = "fuzzy"
    PARTIAL = "partial"
    INITIAL = "initial"
    PHONETIC = "phonetic"
    SIMILAR = "similar"
    NAME_IN_EMAIL = "name in e-mail"
    MIDDLE = "middle name"
    ROLE = "shared mailbox"
    HOUSEHOLD = "household mailbox"
    LOCAL = "same local part"
    CHANGED = "changed"
    DISAGREE = "disagree"


# Words that make a display name read as an organisation rather than a person.
_COMPANY_WORDS = frozenset(
    (
        LEGAL_SUFFIXES
        - {"de", "rl", "sc", "as", "ab", "se", "nl", "pt", "ad", "dd", "sa", "co", "m", "pc"}
    )
    | set(
        """
        and associates services solutions consulting consultants systems trading design
        studio partners enterprises industries technologies technology tech labs agency
        foods motors construction plumbing electric electrical builders bakery cafe
        restaurant shop store clinic dental medical legal law logistics transport media
        marketing software digital farm farms garage hotel academy school university church
        club foundation trust council bank capital ventures investments properties realty
        homes supplies supply
        """.split()  # noqa: SIM905
    )
)


class MatchReason(NamedTuple):
    """One key's contribution to a candidate's score (an immutable named tuple).

    Example:
        >>> r = MatchReason(MatchKey.EMAIL, Agreement.EXACT, 15.0, "a@x.io", "a@x.io")
        >>> str(r)
        'email exact (+15.0): a@x.io = a@x.io'
    """

    key: MatchKey
    agreement: Agreement
    weight: float
    """Bits of evidence this key added (negative when it disagreed)."""
    buyer_value: str
    customer_value: str
    swapped: bool = False
    """True when the name agreed only with given and family names swapped."""

    def __str__(self) -> str:
        relation = "≠" if self.agreement in (Agreement.DISAGREE, Agreement.CHANGED) else "="
        note = " (swapped)" if self.swapped else ""
        return (
            f"{self.key.value} {self.agreement.value}{note} ({self.weight:+.1f}): "
            f"{self.buyer_value} {relation} {self.customer_value}"
        )


Reason = MatchReason


class Record:
    """The normalized facts of one buyer or customer, computed once."""

    __slots__ = (
        "_email_role",
        "address",
        "business",
        "city",
        "company",
        "domain",
        "email",
        "local",
        "name",
        "phone",
        "postcode",
    )

    def __init__(  # noqa: PLR0917 - positional: one per customer; keywords cost 0.3 µs a call
        self,
        name: PersonName,
        company: str | None,
        email: str | None,
        domain: str | None,
        phone: str | None,
        postcode: str | None,
        address: StreetAddress | None,
        city: str | None,
        business: bool,
    ) -> None:
        self.name = name
        self.business = business
        self.company = company
        self.email = email
        self._email_role: bool | None = None
        self.local = email.partition("@")[0] if email else None
        self.domain = domain
        self.phone = phone
        self.postcode = postcode
        self.address = address
        self.city = city

    @property
    def email_role(self) -> bool:
        """True when the e-mail address is a shared mailbox (``accounts@``).

        Worked out on first use: only the few customers a buyer is compared with need it,
        and indexing 100,000 customers would otherwise look at every unique address.
        """
        role = self._email_role
        if role is None:
            role = self._email_role = bool(self.email) and is_role_email(self.email or "")
        return role


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def looks_like_company(text: str) -> bool:
    """True when a display name reads as an organisation (legal form, business word, digits).

    Example:
        >>> looks_like_company("Smith Plumbing"), looks_like_company("Anna de la Cruz")
        (True, False)
    """
    if "&" in text or _DIGIT.search(text):
        return True
    tokens = fold(text).split()
    return len(tokens) > 4 or not _COMPANY_WORDS.isdisjoint(tokens)


_QBO_SUFFIX = re.compile(r"\s*\(\d{1,4}\)\s*$")
"""QuickBooks' uniqueness suffix: a display name must be unique across customers, vendors and
employees (fault 6240), so a second Sophie Mason is recorded as ``Sophie Mason (2)``."""


def strip_uniqueness_suffix(display: str) -> str:
    """A display name without QuickBooks' ``(2)`` uniqueness suffix.

    Example:
        >>> strip_uniqueness_suffix("Sophie Mason (2)")
        'Sophie Mason'
    """
    if not display.endswith(")"):
        return display
    return _QBO_SUFFIX.sub("", display) or display


_fold_cached = lru_cache(maxsize=65536)(fold)
"""``fold`` for values that repeat across customers (cities)."""


def _normalized_email_domain(email: str | None) -> str | None:
    """``company_domain(email)`` for an address that :func:`normalize_email` returned.

    Such an address is unique per customer, so ``company_domain``'s cache only ever misses.
    Normalizing it again leaves it unchanged unless it still starts with ``mailto:`` or ends in
    whitespace other than a space (or is not ASCII): those take the general path.
    """
    if not email:
        return None
    if not email.isascii() or email.startswith("mailto:") or email != email.strip():
        return company_domain(email)
    domain = email.rpartition("@")[2]
    return None if is_free_mail_domain(domain) else domain


def make_record(
    *,
    given: str | None,
    family: str | None,
    display: str | None,
    company: str | None,
    email: str | None,
    domain: str | None,
    phone: str | None,
    address_line: str | None,
    postcode: str | None,
    city: str | None,
) -> Record:
    """Normalize the raw fields of either side into a :class:`Record`.

    ``display`` is a QBO display name (or a HubSpot full name): it becomes the person's name when
    no given/family name is known and it does not read as a company, else the company name when
    none is known.
    """
    name = parse_person_name(given, family)
    company_norm = normalize_company_name(company) if company else None
    business = False
    if display:
        display = strip_uniqueness_suffix(display)
        same_as_company = bool(company) and (
            company == display or fold(company or "") == fold(display)
        )
        # A display name that is just "given family" (QBO's default) names the person: no need
        # to read it for a company (the commonest case, and each one a cache miss).
        full_name = bool(given and family) and display == f"{given} {family}"
        if (same_as_company and not name.is_empty) or (
            not full_name and looks_like_company(display)
        ):
            business = True
            company_norm = company_norm or normalize_company_name(display)
        elif name.is_empty:
            # "John Smith" — even when the company field repeats it, as some ledgers do.
            name = parse_person_name(display=display)
    if city and _DIGIT.search(city) and not (address_line and _DIGIT.search(address_line)):
        # "3443 Maple Way" typed into the city and "Fairview" into the line: fields swapped
        address_line, city = city, address_line
    address = normalize_address_line(address_line)
    if (
        address
        and not city
        and not address.number
        and not _STREET_TYPES & set(address.street.split())
    ):
        # "Clayton" as the only address line, no city: a city typed into the line
        address, city = None, address_line
    email_norm = normalize_email(email)
    return Record(
        name,
        company_norm,
        email_norm,
        (domain and company_domain(domain)) or _normalized_email_domain(email_norm),
        phone_digits(phone),
        normalize_postcode(postcode),
        address,
        _fold_cached(city) or None if city else None,
        business,
    )


# --------------------------------------------------------------------------- names


def _significant(tokens: tuple[str, ...]) -> set[str]:
    return {t for t in tokens if len(t) > 1 and t not in NAME_PARTICLES}


def ocr_fold(token: str) -> str:
    """Undo the commonest scanning slip in names: ``rn`` read for ``m`` (Jarnes, Ashharn).

    Example:
        >>> ocr_fold("jarnes") == ocr_fold("james")
        True
    """
    return token.replace("rn", "m") if "rn" in token else token


def _close(a: str, b: str) -> bool:
    """One edit apart (OSA: a transposition counts once), two for long strings.

    Two three-letter names one edit apart (Tom, Tim) are different names, so at least one
    side must have four letters.
    """
    shortest, longest = (len(a), len(b)) if len(a) <= len(b) else (len(b), len(a))
    if shortest < 3 or longest < 4:
        return False
    limit = 2 if shortest >= 8 else 1
    if longest - shortest > limit and "rn" not in a and "rn" not in b:
        return False  # the lengths alone are too far apart (the commonest case, and cheap)
    if OSA.distance(a, b, score_cutoff=limit) <= limit:
        return True
    folded_a, folded_b = ocr_fold(a), ocr_fold(b)
    if folded_a == a and folded_b == b:
        return False
    return OSA.distance(folded_a, folded_b, score_cutoff=limit) <= limit


@lru_cache(maxsize=131072)
def phonetic_key(token: str) -> str:
    """The NYSIIS code of a name (jellyfish), ``rn`` read as ``m`` first: names spelt by ear agree.

    Example:
        >>> phonetic_key("rrogaen") == phonetic_key("rogean")
        True
    """
    return str(jellyfish.nysiis(ocr_fold(token)))


def _sounds_alike(a: str, b: str) -> bool:
    """Same NYSIIS code, both at least four letters (short codes collide too often)."""
    return min(len(a), len(b)) >= 4 and phonetic_key(a) == phonetic_key(b)


def family_agreement(b: tuple[str, ...], c: tuple[str, ...]) -> Agreement | None:
    """Compare two family names given as folded tokens; ``None`` when one is missing.

    Example:
        >>> family_agreement(("smtih",), ("smith",))
        <Agreement.FUZZY: 'fuzzy'>
    """
    if not b or not c:
        return None
    jb, jc = "".join(b), "".join(c)
    if jb == jc:
        return Agreement.EXACT
    if _significant(b) & _significant(c):
        return Agreement.PARTIAL
    if _close(jb, jc):
        return Agreement.FUZZY
    if _sounds_alike(jb, jc):
        return Agreement.PHONETIC  # Rrogaen / Rogean, Tieg / Tige
    if OSA.distance(jb, jc, score_cutoff=2) <= 2 and (
        min(len(jb), len(jc)) >= 5 or JaroWinkler.similarity(jb, jc) >= 0.8
    ):
        return Agreement.SIMILAR  # Romano / Romaoh, Anti / Anctl: two slips, or two families
    return Agreement.DISAGREE


def given_agreement(b: tuple[str, ...], c: tuple[str, ...]) -> Agreement | None:
    """Compare two given names given as folded tokens; ``None`` when one is missing.

    Example:
        >>> given_agreement(("bill",), ("william", "h"))
        <Agreement.NICKNAME: 'nickname'>
        >>> given_agreement(("j",), ("john",))
        <Agreement.INITIAL: 'initial'>
    """
    if not b or not c:
        return None
    agreement = _given_tokens_agreement(b, c)
    if agreement is Agreement.EXACT or (len(b) == 1 and len(c) == 1):
        return agreement
    # A stray space (Ja cob, Leo n) or two names run together (Maryann / Mary Ann): the first
    # two words joined, on either side, compared again; taken when they agree as written, or
    # by a typo where the words alone agreed no better than by an initial or a slip.
    for bj, cj in ((_joined(b), c), (b, _joined(c))):
        if bj is not None and cj is not None:
            rejoined = _given_tokens_agreement(bj, cj)
            if rejoined is Agreement.EXACT:
                return rejoined
            if rejoined is Agreement.FUZZY and agreement not in _GIVEN_CLOSE:
                agreement = rejoined
    return agreement


_GIVEN_CLOSE = frozenset({Agreement.NICKNAME, Agreement.INITIAL, Agreement.FUZZY})


def _joined(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """The first two name words run together (``("ja", "cob")`` → ``("jacob",)``), or None."""
    if len(tokens) < 2:
        return None
    return (tokens[0] + tokens[1], *tokens[2:])


def _given_tokens_agreement(b: tuple[str, ...], c: tuple[str, ...]) -> Agreement:
    """:func:`given_agreement` of two non-empty given names, word for word."""
    x, y = b[0], c[0]
    if x == y:
        return Agreement.INITIAL if len(x) == 1 else Agreement.EXACT
    if len(x) == 1 or len(y) == 1:
        return Agreement.INITIAL if x[0] == y[0] else Agreement.DISAGREE
    if y in NICKNAMES.get(x, ()):
        return Agreement.NICKNAME
    short, long = sorted((x, y), key=len)
    if len(short) >= 3 and len(long) >= len(short) + 2 and long.startswith(short):
        return Agreement.NICKNAME
    if y in NICKNAME_GROUPS.get(x, ()):
        return Agreement.SIMILAR  # Will / Bill: both William — or two brothers
    if x in KNOWN_GIVEN_NAMES and y in KNOWN_GIVEN_NAMES:
        return Agreement.MIDDLE if x in c[1:] or y in b[1:] else Agreement.DISAGREE
    if _close(x, y):
        return Agreement.FUZZY  # Jhon / John — but Mario / Marco are two names, not a typo
    if _sounds_alike(x, y):
        return Agreement.PHONETIC
    if x in c[1:] or y in b[1:]:
        return Agreement.MIDDLE
    if _mangled(x, y):
        return Agreement.SIMILAR  # Dqnny / Daniel (a typo in a nickname), Nda / Linda, Mcih
    slips = OSA.distance(x, y, score_cutoff=2)
    if slips <= 1 or (slips == 2 and min(len(x), len(y)) >= 4):
        # A mangled name (Danel / Danicl, Nsal / Nasi) rather than another person: two distinct
        # names this close are caught above as known names (Mario / Marco). Two slips on a
        # three-letter name (Jun / Min, Huy / Ping) leave another name.
        return Agreement.SIMILAR
    if min(len(x), len(y)) < 3 and (x in y or y in x):
        return Agreement.SIMILAR  # "in" for Min: a truncated name, not a conflict
    return Agreement.DISAGREE


def _mangled(x: str, y: str) -> bool:
    """A given name that is a mangled form of the other, not another name.

    Reached only when at most one side is a known name. A typo in a nickname (``dqnny`` for
    Danny, so Daniel); a name with letters lost at its start (``nda`` inside Linda); or the
    same first letter and Jaro–Winkler ≥ 0.78 when one side is no known name at all
    (``mcih`` / Michael: letters swapped and dropped).
    """
    for a, b in ((x, y), (y, x)):
        if any(_close(a, nick) for nick in NICKNAMES.get(b, ())):
            return True
    short, long = sorted((x, y), key=len)
    if len(short) >= 3 and short in long:
        return True
    unknown = x not in KNOWN_GIVEN_NAMES or y not in KNOWN_GIVEN_NAMES
    return unknown and x[0] == y[0] and JaroWinkler.similarity(x, y) >= 0.78


def _discounted(weight: float, floor: float, count: int) -> float:
    """``weight`` less one bit per doubling of the customers sharing the value."""
    return max(floor, weight - math.log2(count)) if count > 1 else weight


_CORROBORATING = frozenset(
    {
        MatchKey.EMAIL,
        MatchKey.EMAIL_DOMAIN,
        MatchKey.COMPANY_NAME,
        MatchKey.PHONE,
        MatchKey.POSTCODE,
        MatchKey.ADDRESS_LINE,
    }
)
"""Keys whose agreement corroborates a name (the same local part at two providers does not)."""

_AGREEING = frozenset({Agreement.EXACT, Agreement.PARTIAL, Agreement.FUZZY})

_FAMILY_WEIGHTS: Mapping[Agreement, str] = {
    Agreement.PARTIAL: "family_partial",
    Agreement.FUZZY: "family_fuzzy",
    Agreement.PHONETIC: "family_phonetic",
    Agreement.SIMILAR: "family_similar",
}
_GIVEN_WEIGHTS: Mapping[Agreement, str] = {
    Agreement.NICKNAME: "given_nickname",
    Agreement.FUZZY: "given_fuzzy",
    Agreement.PHONETIC: "given_fuzzy",
    Agreement.INITIAL: "given_initial",
    Agreement.SIMILAR: "given_initial",
    Agreement.MIDDLE: "given_middle",
}


_LETTERS = re.compile(r"[a-z]+")


def _spells_given(local: str | None, given: str, family: str) -> bool:
    """True when a personal e-mail's local part spells a given name as a word of its own.

    The word must be the given name alone, or run together with the family name, either way
    round, and any other word must be the family name or its initial: ``williams.kevin``,
    ``kevin.w`` and ``kevinwilliams72`` spell Kevin (Williams); ``ericavarwell`` does not spell
    Eric, nor ``danielle.varwell`` Dan (a longer name is another person, often a relative), nor
    ``scott.zelson`` Scott Varwell.

    Example:
        >>> _spells_given("rose.anthony", "anthony", "rose")
        True
        >>> _spells_given("ericavarwell", "eric", "varwell")
        False
    """
    if not local or len(given) < 3:
        return False
    forms = {given, given + family, family + given}
    words = _LETTERS.findall(local)
    # every other word is the family name or its initial: scott.zelson is not Scott Varwell
    allowed = forms | {family, family[:1]}
    return any(w in forms for w in words) and all(w in allowed for w in words)


def _given_in_email(
    bg: tuple[str, ...],
    cg: tuple[str, ...],
    family: str,
    b_local: str | None,
    c_local: str | None,
) -> str | None:
    """The given name one side's e-mail spells for it when that side has only an initial or none.

    ``K. Perez <kirsten.perez72@…>`` has told us her given name: Kirsten. Returns that name
    (the other side's, written out), or ``None``. ``family`` is the family name both sides
    share (the caller has found them the same).
    """
    for short, full, local in ((bg, cg, b_local), (cg, bg, c_local)):
        written_out = bool(full) and len(full[0]) > 1
        if not written_out or (short and (len(short[0]) > 1 or short[0] != full[0][0])):
            continue
        if _spells_given(local, full[0], family):
            return full[0]
    return None


def _split_name_in_email(
    b: PersonName, c: PersonName, b_local: str | None, c_local: str | None
) -> str | None:
    """The given name both sides share when one writes only it, the other only a family name.

    ``Nicholas`` (no family name) and ``Walker <walker.nicholas@…>`` (no given name): a
    personal e-mail on either side that spells that given name with that family name (as
    :func:`_spells_given` reads it) joins the two halves into one person. Returns the given
    name, or ``None``.
    """
    for named, other in ((b, c), (c, b)):
        if named.given and not named.family and other.family and not other.given:
            given, family = named.given[0], "".join(other.family)
            if _spells_given(b_local, given, family) or _spells_given(c_local, given, family):
                return given
    return None


_GIVEN_SPELLED: Final = frozenset(
    {Agreement.EXACT, Agreement.NICKNAME, Agreement.FUZZY, Agreement.PHONETIC, Agreement.INITIAL}
)
"""Given-name agreements beside which a family name spelled by an e-mail may be read."""


def _family_in_email(
    b: PersonName, c: PersonName, b_local: str | None, c_local: str | None
) -> str | None:
    """The family name one side's own e-mail spells for it when that side writes none.

    ``René <rene.lefebvre@…>`` (no family name written) has told us his family name; when it is
    the other side's, the family names agree as written. The local part must spell the side's
    own given name as written out (see :func:`_spells_given`) *and* the whole family name: not
    ``rene@`` nor ``rene.l@``. Returns the other side's family name (joined), or ``None``.
    """
    for named, other, local in ((b, c, b_local), (c, b, c_local)):
        if not (local and named.given and other.family) or named.family:
            continue
        given, family = named.given[0], "".join(other.family)
        words = _LETTERS.findall(local)
        spells_family = any(w in (family, given + family, family + given) for w in words)
        if len(family) >= 3 and spells_family and _spells_given(local, given, family):
            return family
    return None


def _name_reasons(
    b: PersonName,
    c: PersonName,
    cfg: MatchConfig,
    counts: Mapping[str, Mapping[str, int]],
    business: bool,
    *,
    b_local: str | None = None,
    c_local: str | None = None,
) -> tuple[float, list[Reason]]:
    """Compare names in both orders and keep the better reading.

    For a business customer the person on record is only a contact: another employee may be
    the buyer, so a different name costs ``contact_disagree`` rather than a person's penalty.
    ``b_local`` / ``c_local`` are the personal e-mail local parts: a given name known only by
    its initial (or not at all) on one side agrees as written out when that side's e-mail spells
    the other side's given name, the family names being the same (names as written only).
    """
    best: tuple[float, list[Reason]] | None = None
    for swapped in (False, True):
        bg, bf = (b.family, b.given) if swapped else (b.given, b.family)
        reasons: list[Reason] = []
        fam = family_agreement(bf, c.family)
        if fam is not None:
            key = "".join(c.family)
            exact_w = _discounted(cfg.family_exact, cfg.family_min, counts["family"].get(key, 1))
            if key in COMMON_FAMILY_NAMES:
                exact_w = min(exact_w, cfg.family_common)
            if fam is Agreement.EXACT:
                w = exact_w
            elif fam is Agreement.DISAGREE:
                w = cfg.contact_disagree if business else cfg.family_disagree
            elif fam is Agreement.PHONETIC and counts["family"].get("".join(bf), 0):
                # a spelling that is itself a customer's family name is that name (Rossi is
                # not Russo misheard): two families that sound alike
                fam, w = Agreement.SIMILAR, cfg.family_similar
            else:
                # a slip on a name says no more than the name itself: Rogcan for a Rogean
                # shared by thousands is worth what Rogean is, not a fixed typo weight
                w = min(getattr(cfg, _FAMILY_WEIGHTS[fam]), exact_w)
            reasons.append(
                MatchReason(MatchKey.FAMILY_NAME, fam, w, " ".join(bf), " ".join(c.family), swapped)
            )
        giv = given_agreement(bg, c.given)
        key = c.given[0] if c.given else ""
        if (
            not swapped
            and fam is Agreement.EXACT
            and giv in (Agreement.INITIAL, None)
            and (b_local or c_local)
        ):
            spelled = _given_in_email(bg, c.given, "".join(bf), b_local, c_local)
            if spelled is not None:
                giv, key = Agreement.NAME_IN_EMAIL, spelled  # weighed as that name written out
        elif not swapped and fam is None and giv is None and (b_local or c_local):
            spelled = _split_name_in_email(b, c, b_local, c_local)
            if spelled is not None:
                giv, key = Agreement.NAME_IN_EMAIL, spelled
                bg = bg or (spelled,)
        elif not swapped and fam is None and giv in _GIVEN_SPELLED and (b_local or c_local):
            family = _family_in_email(b, c, b_local, c_local)
            if family is not None:  # weighed as that family name written out
                fam = Agreement.NAME_IN_EMAIL
                w = _discounted(cfg.family_exact, cfg.family_min, counts["family"].get(family, 1))
                if family in COMMON_FAMILY_NAMES:
                    w = min(w, cfg.family_common)
                bv = " ".join(b.family) or f"{family} (e-mail)"
                cv = " ".join(c.family) or f"{family} (e-mail)"
                reasons.append(MatchReason(MatchKey.FAMILY_NAME, fam, w, bv, cv, False))
        if giv is not None:
            exact_w = _discounted(cfg.given_exact, cfg.given_min, counts["given"].get(key, 1))
            if key in COMMON_GIVEN_NAMES:
                exact_w = min(exact_w, cfg.given_common)
            if giv in (Agreement.EXACT, Agreement.NAME_IN_EMAIL):
                w = exact_w
            elif giv is Agreement.DISAGREE:
                colleague = business and fam in (None, Agreement.DISAGREE)
                w = cfg.contact_disagree if colleague else cfg.given_disagree
            else:
                w = min(getattr(cfg, _GIVEN_WEIGHTS[giv]), exact_w)
            reasons.append(
                MatchReason(MatchKey.GIVEN_NAME, giv, w, " ".join(bg), " ".join(c.given), swapped)
            )
        total = sum(r[2] for r in reasons) - (cfg.swapped_penalty if swapped and reasons else 0.0)
        # Read swapped only when that compares something and does better: a given name alone
        # on one side and a family name alone on the other compare nothing as written, which
        # must not turn into a conflict read the other way round (Nicholas vs Walker is no
        # given-name clash); nor may a reading that compares nothing erase a conflict.
        if best is None or (reasons and total > best[0]):
            best = (total, reasons)
        if fam in _AGREEING and giv is not Agreement.DISAGREE:
            break  # the names agree as written: reading them swapped cannot do better
    assert best is not None
    if not best[1]:
        return 0.0, []
    return best


def _given_conflict(name_reasons: list[Reason], business: bool) -> bool:
    """True when the given names conflict for what must be two different people.

    For a person customer any clear given-name conflict counts. For a business customer the
    person on record is only a contact, so a wholly different name (another employee) does not
    count — but the same family name with another given name (a relative) does.
    """
    agreements = {r[0]: r[1] for r in name_reasons}
    if agreements.get(MatchKey.GIVEN_NAME) is not Agreement.DISAGREE:
        return False
    return not business or agreements.get(MatchKey.FAMILY_NAME) not in (None, Agreement.DISAGREE)


def _number_typo(a: str, b: str) -> bool:
    """House numbers one slip apart: ``29j6``/``296``, ``43``/``34``, ``67``/``697`` — not 1/2."""
    if [ch for ch in a if ch.isdigit()] == [ch for ch in b if ch.isdigit()]:
        return True
    if len(a) == len(b) >= 2 and sorted(a) == sorted(b) and OSA.distance(a, b) == 1:
        return True  # two digits swapped
    return max(len(a), len(b)) >= 3 and OSA.distance(a, b, score_cutoff=1) <= 1


_STREET_TYPES = frozenset(
    {"st", "rd", "ave", "blvd", "dr", "ln", "ct", "pl", "sq", "ter", "cres", "hwy", "pkwy"}
    | {"cir", "cl", "gdns", "gr", "wy", "circuit", "str"}
)


def _types_differ(a: str, b: str) -> bool:
    """Both streets name their type and the types differ: Pine Way is not Pine Court."""
    type_a = {w for w in a.split()[1:] if w in _STREET_TYPES}
    type_b = {w for w in b.split()[1:] if w in _STREET_TYPES}
    return bool(type_a and type_b) and not type_a & type_b


def _postcodes_differ(b: Record, c: Record) -> bool:
    """Both postcodes known and more than one slip apart."""
    if not (b.postcode and c.postcode) or b.postcode == c.postcode:
        return False
    return OSA.distance(b.postcode, c.postcode, score_cutoff=1) > 1


def _elsewhere(b: Record, c: Record) -> bool:
    """The two records are in different places: postcodes apart, or (with a postcode missing)
    cities that clearly differ. A street of the same name there is another street (Cherry
    Avenue in Springfield is not Cherry Avenue in Winchester)."""
    if b.postcode and c.postcode:
        return _postcodes_differ(b, c)
    if not (b.city and c.city) or b.city == c.city:
        return False
    return not _cities_close(b.city, c.city)


def _cities_close(a: str, b: str) -> bool:
    """One typo apart (ratio ≥ 85), or two slips in a long name (Revrside, Hamilhob)."""
    return bool(fuzz.ratio(a, b, score_cutoff=85)) or (
        min(len(a), len(b)) >= 7 and OSA.distance(a, b, score_cutoff=2) <= 2
    )


_FIRM_ENDINGS: Final = frozenset(
    {"", "co", "andco", "company", "inc", "ltd", "llc", "group", "sons", "andsons"}
)


def _another_firm_of_the_family(domain: str, company: str, b: Record, c: Record) -> bool:
    """A domain that starts with a family firm's name but names another firm of the family.

    ``Zhang & Co`` reads ``zhang``; ``zhangwang682.com`` starts with it only because the
    family names agree — Zhang & Wang is another firm, and namesakes in family firms get such
    agreements. With the family name both people share as the whole company name, the domain
    must be that name alone or with a firm's ending (``satoco.com``, ``shahandsons.in``).
    """
    family = "".join(b.name.family)
    if not family or family != "".join(c.name.family) or company.replace(" ", "") != family:
        return False
    label = domain.split(".", 1)[0].rstrip("0123456789").replace("-", "")
    return label.removeprefix(family) not in _FIRM_ENDINGS


def _domain_spells(domain: str, company: str) -> bool:
    """True when a domain's name is the company's name run together (or its start).

    Example:
        >>> _domain_spells("libertysummitconsu.com", "liberty summit consulting")
        True
    """
    label = domain.split(".", 1)[0].rstrip("0123456789").replace("-", "")
    joined = company.replace(" ", "")
    return len(label) >= 5 and (joined.startswith(label) or label.startswith(joined))


def _email_typo(a: str, b: str) -> bool:
    """One typo apart, same digits: ``mary.jnes@x.com`` ~ ``mary.jones@x.com``."""
    if min(len(a), len(b)) < 10 or OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    if _alnum(a) == _alnum(b):  # tomasz.szymanski vs tomaszszymanski: two mailboxes
        return False
    local_a, local_b = a.partition("@")[0], b.partition("@")[0]
    return [ch for ch in local_a if ch.isdigit()] == [ch for ch in local_b if ch.isdigit()]


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _name_in_local(name: PersonName, local: str) -> bool:
    """True when an e-mail local part spells the name: ann.lee, alee, annlee, lee.ann."""
    local = "".join(ch for ch in local if ch.isalpha())
    family = "".join(name.family)
    if len(family) < 3 or family not in local or not name.given:
        return False
    rest = local.replace(family, "", 1)
    given = name.given[0]
    return bool(rest) and (rest == given[0] or given.startswith(rest) or rest.startswith(given))


# --------------------------------------------------------------------------- the comparison


def compare(
    b: Record, c: Record, cfg: MatchConfig, counts: Mapping[str, Mapping[str, int]]
) -> tuple[float, list[Reason], bool, bool]:
    """Score buyer ``b`` against customer ``c``: (bits, reasons, vetoed, corroborated).

    ``corroborated`` is True when some key other than the names (and the city) agreed.

    ``vetoed`` is True when ``c`` is a person whose given name conflicts with the buyer's and
    ``cfg.given_conflict_vetoes`` is on: such a customer may be listed but never chosen.

    ``counts`` maps a key family (``"family"``, ``"email"``, ``"phone"``, ``"company"``,
    ``"domain"``) to how many indexed customers share each value, for frequency discounts.
    """
    score = 0.0
    reasons: list[Reason] = []
    vetoed = False

    def add(key: MatchKey, agreement: Agreement, weight: float, bv: str, cv: str) -> None:
        nonlocal score
        score += weight
        reasons.append(MatchReason(key, agreement, weight, bv, cv))

    # e-mail and company domain
    same_email = echo = False
    if b.email and c.email:
        if b.email == c.email:
            same_email = True
            if b.email_role:
                add(MatchKey.EMAIL, Agreement.ROLE, cfg.email_role, b.email, c.email)
            elif b.domain is None and _household_mailbox(b.local or "", b.name, c.name):
                add(MatchKey.EMAIL, Agreement.HOUSEHOLD, cfg.email_household, b.email, c.email)
            else:
                count = counts["email"].get(c.email, 1)
                w = _discounted(cfg.email_exact, cfg.email_role, count)
                add(MatchKey.EMAIL, Agreement.EXACT, w, b.email, c.email)
        elif _email_typo(b.email, c.email):
            # local parts a letter apart that are each only their owner's name repeat the
            # names' own agreement (a typo in the domain, the local parts the same, does not;
            # nor does rbennet@ on Robert Hill's side: it says more than his names)
            echo = (
                b.local != c.local
                and bool(b.name.family and c.name.family)
                and _local_is_name(b.local or "", b.name)
                and _local_is_name(c.local or "", c.name)
            )
            w = cfg.email_fuzzy_names if echo else cfg.email_fuzzy
            add(MatchKey.EMAIL, Agreement.FUZZY, w, b.email, c.email)
        elif (
            b.local == c.local
            and not b.email_role
            and len(b.local or "") >= 5
            and b.domain != c.domain
        ):
            add(MatchKey.EMAIL, Agreement.LOCAL, cfg.email_local, b.email, c.email)
        elif b.domain != c.domain or b.domain is None:
            add(MatchKey.EMAIL, Agreement.DISAGREE, cfg.email_disagree, b.email, c.email)
    if b.domain and c.domain and not same_email:
        if b.domain == c.domain:
            w = _discounted(cfg.domain_agree, 1.0, counts["domain"].get(c.domain, 1))
            add(MatchKey.EMAIL_DOMAIN, Agreement.EXACT, w, b.domain, c.domain)
        else:
            add(MatchKey.EMAIL_DOMAIN, Agreement.DISAGREE, cfg.domain_disagree, b.domain, c.domain)

    # a name on one side spelled out in the other side's personal e-mail address
    if b.name.is_empty != c.name.is_empty and not same_email:
        named, mail = (b, c) if c.name.is_empty else (c, b)
        if mail.email and not mail.email_role and _name_in_local(named.name, mail.local or ""):
            add(
                MatchKey.EMAIL,
                Agreement.NAME_IN_EMAIL,
                cfg.name_in_email,
                " ".join(b.name.given + b.name.family) if named is b else (b.email or ""),
                c.email or "" if named is b else " ".join(c.name.given + c.name.family),
            )

    # person name
    if not b.name.is_empty and not c.name.is_empty:
        w, name_reasons = _name_reasons(
            b.name,
            c.name,
            cfg,
            counts,
            c.business,
            b_local=None if b.email_role else b.local,
            c_local=None if c.email_role else c.local,
        )
        score += w
        reasons.extend(name_reasons)
        vetoed = _given_conflict(name_reasons, c.business)

    # one side's company domain spelled by the other side's company name
    if not (b.domain and c.domain):
        domain, company = (b.domain, c.company) if b.domain else (c.domain, b.company)
        if (
            domain
            and company
            and _domain_spells(domain, company)
            and not _another_firm_of_the_family(domain, company, b, c)
        ):
            bv, cv = (domain, company) if domain is b.domain else (company, domain)
            add(MatchKey.EMAIL_DOMAIN, Agreement.PARTIAL, cfg.domain_company, bv, cv)

    # company name
    if b.company and c.company:
        if b.company == c.company:
            w = _discounted(cfg.company_exact, cfg.company_min, counts["company"].get(c.company, 1))
            add(MatchKey.COMPANY_NAME, Agreement.EXACT, w, b.company, c.company)
        elif fuzz.token_sort_ratio(b.company, c.company, score_cutoff=92) or fuzz.ratio(
            b.company, c.company, score_cutoff=90
        ):
            add(MatchKey.COMPANY_NAME, Agreement.FUZZY, cfg.company_fuzzy, b.company, c.company)
        elif (
            fuzz.token_set_ratio(b.company, c.company, score_cutoff=100)
            and max(map(len, (b.company, c.company))) >= 4
        ):
            add(MatchKey.COMPANY_NAME, Agreement.PARTIAL, cfg.company_partial, b.company, c.company)
        elif fuzz.token_set_ratio(b.company, c.company) < 60:
            add(
                MatchKey.COMPANY_NAME,
                Agreement.DISAGREE,
                cfg.company_disagree,
                b.company,
                c.company,
            )

    # phone
    if b.phone and c.phone:
        bp, cp = b.phone, c.phone
        if len(bp) >= 9 and len(cp) >= 9 and bp[-9:] == cp[-9:]:
            w = _discounted(cfg.phone_exact, cfg.phone_min, counts["phone"].get(cp[-7:], 1))
            add(MatchKey.PHONE, Agreement.EXACT, w, bp, cp)
        elif bp[-7:] == cp[-7:] and (len(bp) < 9 or len(cp) < 9):
            add(MatchKey.PHONE, Agreement.PARTIAL, cfg.phone_local, bp, cp)
        elif OSA.distance(bp[-10:], cp[-10:], score_cutoff=1) <= 1 or (
            min(len(bp), len(cp)) >= 9 and OSA.distance(bp[-11:], cp[-11:], score_cutoff=1) <= 1
        ):  # one digit wrong, two swapped, or one typed twice (the number grows to 11)
            add(MatchKey.PHONE, Agreement.FUZZY, cfg.phone_fuzzy, bp, cp)
        else:
            add(MatchKey.PHONE, Agreement.DISAGREE, cfg.phone_disagree, bp, cp)

    # address line, then postcode (implied by a shared street) or city
    same_street = same_address = False
    street_w = 0.0
    if b.address and c.address:
        ba, ca = b.address, c.address
        bv = f"{ba.number or ''} {ba.street}".strip()
        cv = f"{ca.number or ''} {ca.street}".strip()
        street_ratio = max(
            fuzz.ratio(ba.street, ca.street),
            fuzz.ratio(ba.street.replace(" ", ""), ca.street.replace(" ", "")),
            # "high st" within "high st leeds ls1 4ap" (city and postcode typed into the line)
            fuzz.token_set_ratio(ba.street, ca.street) if " " in ba.street + ca.street else 0,
        )
        if ba.number and ca.number:
            b_word, c_word = ba.street.partition(" ")[0], ca.street.partition(" ")[0]
            same_name = (
                bool(b_word)
                and (b_word == c_word or _close(b_word, c_word))
                and not _types_differ(ba.street, ca.street)
            )
            same_street = street_ratio >= 80 or same_name
            if ba.number == ca.number and same_street:
                # 851 Mona Road in another postcode area is another house on a common name
                same_address = not _postcodes_differ(b, c)
                w = cfg.address_exact if same_address else cfg.address_elsewhere
                add(MatchKey.ADDRESS_LINE, Agreement.EXACT, w, bv, cv)
            elif same_street and _number_typo(ba.number, ca.number) and not _postcodes_differ(b, c):
                add(MatchKey.ADDRESS_LINE, Agreement.FUZZY, cfg.address_fuzzy, bv, cv)
            elif street_ratio >= 90 and not _elsewhere(b, c):
                # the whole street (its type too: Manor Rd is not Manor Ct), another number
                add(MatchKey.ADDRESS_LINE, Agreement.SIMILAR, cfg.address_street, bv, cv)
            else:
                add(MatchKey.ADDRESS_LINE, Agreement.DISAGREE, cfg.address_disagree, bv, cv)
        elif street_ratio >= 90 and not _elsewhere(b, c):
            same_street = True
            add(MatchKey.ADDRESS_LINE, Agreement.PARTIAL, cfg.address_partial, bv, cv)
        elif street_ratio < 60:
            add(MatchKey.ADDRESS_LINE, Agreement.DISAGREE, cfg.address_disagree, bv, cv)
        if same_street and reasons[-1][0] is MatchKey.ADDRESS_LINE:
            street_w = reasons[-1][2]
    if b.postcode and c.postcode:
        if b.postcode == c.postcode:
            count = counts["postcode"].get(c.postcode, 1)
            w = _discounted(cfg.postcode_agree, cfg.postcode_min, count)
            if street_w > 0:
                # Implied by the street, so not a second fact: line and postcode together are
                # worth the more telling of the two — never less than the postcode alone (a
                # street without a house number, +2, used to cap a rare postcode at +2).
                w = max(cfg.postcode_min, w - street_w)
            elif same_street:
                w = min(w, cfg.postcode_min)
            add(MatchKey.POSTCODE, Agreement.EXACT, w, b.postcode, c.postcode)
        elif len(b.postcode) >= 4 and OSA.distance(b.postcode, c.postcode, score_cutoff=1) <= 1:
            add(MatchKey.POSTCODE, Agreement.FUZZY, cfg.postcode_fuzzy, b.postcode, c.postcode)
        else:
            add(
                MatchKey.POSTCODE, Agreement.DISAGREE, cfg.postcode_disagree, b.postcode, c.postcode
            )
    # The city says something only when no postcode agreed (the postcode implies it): a rare
    # city (a suburb) confirms a postcode typo; a big one (London) says little.
    if b.city and c.city and not (b.postcode and b.postcode == c.postcode):
        if b.city == c.city:
            count = counts["city"].get(c.city, 1)
            w = _discounted(cfg.city_rare, cfg.city_agree, count)
            add(MatchKey.CITY, Agreement.EXACT, w, b.city, c.city)
        elif _cities_close(b.city, c.city):  # Revrside, Hamilhob: two slips in a long name
            add(MatchKey.CITY, Agreement.FUZZY, cfg.city_agree, b.city, c.city)
        elif not (b.postcode and c.postcode):
            add(MatchKey.CITY, Agreement.DISAGREE, cfg.city_disagree, b.city, c.city)
    if same_address and not c.business:
        score += _family_changed(reasons, cfg)
    corroborated = any(
        r[2] > 0
        and r[0] in _CORROBORATING
        and r[1] is not Agreement.LOCAL
        and r[1] is not Agreement.HOUSEHOLD
        and not (echo and r[0] is MatchKey.EMAIL)
        for r in reasons
    )
    if vetoed:
        vetoed = cfg.given_conflict_vetoes and not _conflict_overridden(reasons, c.business)
    return score, reasons, vetoed, corroborated


_GIVEN_AGREES_WRITTEN_OUT = frozenset(
    {Agreement.EXACT, Agreement.NICKNAME, Agreement.FUZZY, Agreement.NAME_IN_EMAIL}
)


def _family_changed(reasons: list[Reason], cfg: MatchConfig) -> float:
    """Read a family-name conflict at the same address as a changed name; the score change.

    The names as written (not read swapped), the given name agreeing written out (not by an
    initial), the whole address agreeing: the family-name reason becomes
    ``Agreement.CHANGED`` at ``cfg.family_changed``.
    """
    family = next((i for i, r in enumerate(reasons) if r[0] is MatchKey.FAMILY_NAME), None)
    if family is None or reasons[family][1] is not Agreement.DISAGREE or reasons[family][5]:
        return 0.0  # names read swapped: Ying Li vs Li Li is a relative, not Li renamed
    if not any(r[0] is MatchKey.GIVEN_NAME and r[1] in _GIVEN_AGREES_WRITTEN_OUT for r in reasons):
        return 0.0
    old = reasons[family]
    reasons[family] = old._replace(agreement=Agreement.CHANGED, weight=cfg.family_changed)
    return cfg.family_changed - old.weight


def _household_mailbox(local: str, b: PersonName, c: PersonName) -> bool:
    """True when an e-mail's local part is a family name alone: ``thesmiths``, ``garciafamily``.

    The family name of either side, with ``the`` before it, ``family`` or ``s`` after it.

    Example:
        >>> _household_mailbox("the.smiths", PersonName((), ("smith",)), PersonName())
        True
    """
    letters = "".join(ch for ch in local if ch.isalpha())
    if len(letters) < 3:
        return False
    for name in (b, c):
        family = "".join(name.family)
        if len(family) < 3 or family not in letters:
            continue
        core = letters.removeprefix("the").removesuffix("family").removesuffix("s")
        if core in (family, family.removesuffix("s")):
            return True
    return False


def _local_is_name(local: str, name: PersonName) -> bool:
    """True when an e-mail's local part is its owner's name (letters only), a slip allowed.

    The given name or its initial and the family name, either way round (``michael.palsen``,
    ``mpalsen``, ``palsen.michael``), or the family name alone; one slip from one of those
    (``asndra.jones`` for Sandra Jones), since the name or the address may carry it.

    Example:
        >>> _local_is_name("michael.palsen72", PersonName(("michale",), ("palsen",)))
        True
        >>> _local_is_name("rbennet", PersonName(("robert",), ("hill",)))
        False
    """
    letters = "".join(ch for ch in local if ch.isalpha())
    family = "".join(name.family)
    if len(family) < 3 or len(letters) < 3:
        return False
    given = name.given[0] if name.given else ""
    forms = {family}
    if given:
        forms |= {given + family, family + given, given[0] + family, family + given[0]}
    if letters in forms:
        return True
    return any(
        len(form) >= 5 and OSA.distance(letters, form, score_cutoff=1) <= 1 for form in forms
    )


def _conflict_overridden(reasons: list[Reason], business: bool) -> bool:
    """Evidence that outranks a given-name conflict.

    The same *personal* e-mail address (relatives rarely share one; a typo in the name is more
    likely), or — for a business customer — the company's own name or domain agreeing (the
    buyer then belongs to that company, whichever relative signs).
    """
    for r in reasons:
        if r.weight <= 0:
            continue
        if r.key is MatchKey.EMAIL and r.agreement is Agreement.EXACT:
            return True
        if business and r.key in (MatchKey.COMPANY_NAME, MatchKey.EMAIL_DOMAIN):
            return True
    return False
