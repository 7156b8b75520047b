"""The matcher's weights and thresholds, with the reasoning behind each number.

Why: "a wrong customer on an invoice is worse than no customer" is a policy, and policies belong
in data a caller can read and change, not in constants buried in code. Every weight is *evidence in
bits*: roughly ``log2(P(observation | same customer) / P(observation | different customer))``,
the Fellegi–Sunter match weight. Adding weights multiplies likelihood ratios, so a score of 15 bits
means the observations are about 30,000 times likelier for the same customer than for a random
other one. Disagreements carry negative weights; a field missing on either side carries none.

The defaults were set from those probabilities (estimated from how CRM and ledger records of one
customer typically differ) and then checked — not fitted — against generated data
(``benchmarks/_linkage_data.py``); see ``docs/matching.md``.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

__all__ = ["MatchConfig"]


def _positive(_inst: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, got {value!r}")


def _whole(minimum: int) -> Callable[[object, attrs.Attribute[int], int], None]:
    """A validator for counts: an ``int`` (not a float, not a bool) of at least ``minimum``."""

    def check(_inst: object, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{attribute.name} must be a whole number, got {value!r}")
        if value < minimum:
            raise ValueError(f"{attribute.name} must be at least {minimum}, got {value!r}")

    return check


def _flag(_inst: object, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{attribute.name} must be True or False, got {value!r}")


@attrs.frozen(kw_only=True)
class MatchConfig:
    """Thresholds and key weights (in bits of evidence) for :class:`CustomerMatcher`.

    Decision rule: the best candidate is chosen when its score reaches ``match_threshold`` *and*
    beats the runner-up by at least ``ambiguity_margin``; when the best two are closer the result
    is ``ambiguous`` and no customer is chosen.

    Example:
        >>> strict = MatchConfig(match_threshold=20.0)
        >>> strict.match_threshold, strict.ambiguity_margin
        (20.0, 4.0)
    """

    # ------------------------------------------------------------------ decision
    match_threshold: float = attrs.field(default=14.0, validator=_positive)
    """Minimum score to choose a customer: 14 bits, a likelihood ratio of about 16,000, which
    a phone, a company name or a common full name never reaches alone; a name plus postcode,
    phone, address or e-mail does, and so do company name plus domain. An exact personal
    e-mail with nothing contradicting it reaches it by itself (it is practically an
    identifier). When *only* names agree, ``names_only_threshold`` applies instead."""
    names_only_threshold: float = attrs.field(default=16.0, validator=_positive)
    """Minimum score when nothing but the names agree (no e-mail, domain, company, phone,
    postcode or address line). Name weights rest on frequencies estimated from this one ledger
    — a name unique here may be common among buyers — so a decision resting on them alone
    needs a wider margin: in practice both names rare, and neither misspelt. (18 before:
    16 costs no precision on any of the five data sets and gains up to 1.5 points of recall.)"""
    name_and_place_threshold: float = attrs.field(default=11.0, validator=_positive)
    """Minimum score when the whole name agrees — family name (exactly, in part, by one or two
    typos or by sound) *and* given name (exactly, as a nickname, an initial, by a typo or by
    sound) — and another key corroborates it, or the city agrees and nothing disagrees. Two
    independent facts about one person then agree, which an address, a phone or a company
    name alone (a relative, a colleague, the next tenant) never shows; a common name in a
    crowded postcode is where such a pair falls short of ``match_threshold``. Measured: 11
    costs no precision on any data set; 10 lets one more wrong match through on the complete
    ledger. Never above ``match_threshold`` in effect."""
    name_and_place_raise: float = 1.0
    """Extra bits per doubling of the ledger beyond ``reference_size`` for
    ``name_and_place_threshold`` (on top of ``raise_per_doubling``), until it meets
    ``match_threshold``: that bar rests on name weights, whose floors (``family_min``,
    ``given_min``) overstate a name shared by thousands in a big ledger. Measured at 100,000
    person records: 0 lets 9 wrong matches through (precision 0.993), 1.0 two (0.998)."""
    reference_size: int = attrs.field(default=20_000, validator=_whole(0))
    """Ledger size the thresholds are set for. A larger ledger raises both thresholds by
    ``raise_per_doubling`` bits per doubling beyond it, since each doubling of the customers
    doubles the chances that one of them agrees with a buyer by coincidence (the prior odds of
    any one customer fall). Never lowered for smaller ledgers; 0 turns it off."""
    raise_per_doubling: float = 0.5
    """Bits added per doubling of the ledger beyond ``reference_size`` (100,000 customers:
    +1.2). Half the full Fellegi–Sunter prior correction, because the frequency discounts
    already grow with the ledger (common names are shared by more customers); on generated
    100,000-customer ledgers it trades about one point of recall for fewer wrong matches."""
    ambiguity_margin: float = attrs.field(default=4.0, validator=_positive)
    """The best candidate must beat the second by this many bits (a 16× likelihood ratio);
    closer than that and a person must choose (duplicated customers land here)."""
    candidate_floor: float = 0.0
    """Candidates scoring below this are not listed for a person to pick from."""
    max_listed: int = attrs.field(default=5, validator=_whole(0))
    """How many ranked candidates a result lists."""
    include_jobs: bool = attrs.field(default=False, validator=_flag)
    """Also match sub-customers (QBO jobs). Off: invoices normally go to the parent customer."""

    # ------------------------------------------------------------------ blocking
    max_block: int = attrs.field(default=500, validator=_whole(1))
    """A blocking key shared by more customers than this is too common to narrow anything
    down (a frequent surname with a frequent initial); it is skipped rather than scanned."""
    max_candidates: int = attrs.field(default=12, validator=_whole(1))
    """At most this many candidates (those sharing most blocking keys) are scored per buyer,
    which bounds the latency of one match whatever the number of customers. Measured: 20 finds
    one more true partner in 2,000 buyers on one data set (person records, 1,000 customers)
    and none on the others, for about half as much time again per match."""

    # ------------------------------------------------------------------ e-mail
    email_exact: float = 15.0
    """Same personal e-mail address. Addresses are nearly unique (u ≈ 1e-6) and a true match
    has the same address perhaps 60% of the time: log2(0.6 / 1e-6) ≈ 19, capped at 15 so a
    shared family address cannot outvote a clear name conflict."""
    email_fuzzy: float = 8.0
    """Addresses one typo apart with the same digits (``mary.jnes@`` vs ``mary.jones@``);
    ``ann.lee1@`` vs ``ann.lee2@`` are different people and never count."""
    email_role: float = 5.0
    """Same shared mailbox (``accounts@``, ``info@``): it identifies a company, not a person."""
    email_local: float = 1.5
    """Same personal local part at different providers (``ann.lee@gmail`` vs ``ann.lee@acme``)."""
    email_disagree: float = -1.0
    """Different addresses: people have several, so this is weak evidence against (m ≈ 0.4)."""
    domain_agree: float = 9.0
    """Same company e-mail / web domain (free-mail domains never count). A domain names one
    organisation (u ≈ 1/N), but a person buyer may be a colleague of a customer, so it stays
    below the threshold alone; discounted one bit per doubling of customers sharing it."""
    domain_company: float = 5.0
    """One side has only a company domain, the other only a company name, and the domain is
    that name run together (``libertysummit.com`` for Liberty Summit Consulting). When the
    company name is only the family name both people share (``Zhang & Co`` reads ``zhang``),
    the domain must be that name alone or with a firm's ending (``zhangco``, ``zhangandsons``):
    ``zhangwang682.com`` starts with ``zhang`` only because the family names agree — Zhang &
    Wang is another firm of another Zhang. Measured (PYTHONHASHSEED=0, judge, crm and complete
    with and without drift at 1k and 10k, seeds 20261125/7/99, person, FEBRL): 3 wrong
    matches gone on the CRM data with drift, seed 99, 10,000 customers; no partner lost."""
    name_in_email: float = 5.0
    """One side has only an e-mail address, and its local part spells the other side's name
    (``kim.watson@…`` for Kimberly Watson): a common way a ledger and a CRM record the same
    person, and rare by chance for the full family name. (When one side has only a given name
    and the other only a family name, an e-mail on either side spelling both — ``Nicholas``
    and ``Walker <walker.nicholas@…>`` — makes the given name agree, weighed as that name
    written out: the two halves of one name, each missing on one side. Likewise when one side
    writes a given name but no family name and its *own* personal e-mail spells that given
    name with the other side's whole family name — ``René <rene.lefebvre@…>`` against René
    Lefebvre — the family names agree, weighed as that family name written out (frequency
    discount and common-name cap): the address is the person's own account of the name, as
    good as typing it, and no better — a namesake René Lefebvre costs what it would have cost
    had the name been typed. Not from the other side's e-mail (that spells its own name), an
    initial (``rene.l@``) or the given name alone (``rene@``). Measured: one more true partner
    on the CRM data with drift at 10,000 customers, no wrong match on any data set.)"""
    email_fuzzy_names: float = 0.0
    """Local parts one typo apart when each is nothing but its owner's name, a slip allowed
    (``michael.palsen@`` for Michale Palsen vs ``michael.malsen@`` for Michael Malsen), both
    sides having family names to compare: the agreement only repeats the names' own —
    namesakes at one provider get such addresses (``john.smith@`` taken, ``jon.smith@``) — so
    it adds nothing and corroborates nothing. A typo in the domain with the same local part
    (``@exmaple.org``), or a local part that says more than its owner's names (``rbennet@`` on
    Robert Hill's side), keeps ``email_fuzzy``. Measured: two wrong matches gone on the
    judge-like data with drift; two true partners of 1,289 lost on the CRM data with drift,
    whose own address carried a one-letter typo."""
    email_household: float = 3.0
    """Same address, but a household mailbox: the local part is, digits aside, the family
    name alone, or with ``the``, ``family`` or a plural ``s`` (``thesmiths@``,
    ``garciafamily@``, at a free-mail provider). It names a household, not a person — every
    member writes from it — and it only spells the family name again, which the names already
    weigh: so it counts little, it corroborates nothing (two people with no given name on
    record, sharing ``smiths@``, need ``names_only_threshold``, which a family name plus this
    never reaches), and it does not override the given-name veto as a personal address does
    (John and Mary Smith writing from ``thesmiths@`` are two people)."""
    domain_disagree: float = -1.0
    """Different company domains: companies have several, weak evidence against."""

    # ------------------------------------------------------------------ names
    family_exact: float = 12.0
    """Same family name, when no other indexed customer has it (u ≈ 1/4000: most family names
    are rare); each doubling of the customers sharing it takes a bit off, down to
    ``family_min``."""
    family_min: float = 4.0
    """Floor of the frequency-discounted family-name weight (Smith still says something)."""
    family_common: float = 7.0
    """Cap for a family name on the built-in list of very common ones (Smith, García, Wang),
    which may be rare in a small index yet is common among buyers."""
    family_partial: float = 6.5
    """One part of a double-barrelled or hyphenated family name agrees (García vs García López)."""
    family_fuzzy: float = 6.0
    """Family names one typo apart (two for long names). Like every partial agreement of a
    name (part, typo, sound), never more than the customer's name would earn exactly: a slip
    on a name shared by thousands says no more than the name itself."""
    family_phonetic: float = 4.0
    """Family names that sound alike (same NYSIIS code) but are more than one typo apart
    (Rrogaen / Rogean): usually a name spelt by ear, now and then two families — below a typo."""
    family_similar: float = 1.0
    """Family names two slips apart (five letters or more, or Jaro-Winkler ≥ 0.8): as likely a
    double typo as another family, so neither evidence for nor a strong penalty."""
    family_disagree: float = -4.0
    """Family names clearly differ. True matches do now and then (a married name, a name
    replaced in one system: m ≈ 0.05 on FEBRL), namesakes at one address almost never:
    log2(0.06) ≈ −4. Measured: −10 → −4 costs no precision on any benchmark data set."""
    family_changed: float = -1.0
    """Family names differ, but the given name agrees written out (exactly, as a nickname or
    by a typo; not an initial) and so does the whole address — house number and street,
    postcodes not apart — with the names read as written, for a person customer: a changed
    family name (marriage, a double-barrelled name shortened) rather than another person.
    Family names do change: about 1.2% of people marry a year (CDC/NCHS 2022) and 79% of US
    women in opposite-sex marriages take the husband's name (Pew Research Center 2023), so
    1–2% of people carry another name a few years on. And at one address a different family
    name says little against: the others living there mostly share the family name (their
    given name differs, which the veto catches), so what is left is a lodger or the next
    tenant who also has this given name — rare (u ≈ 0.02 even for a common name). −1 lets a
    common given name plus a full address (4 + 11 + 2 − 1 = 16) reach the threshold; −4
    left it at 13. Measured: FEBRL (family names replaced on 5.8% of its pairs) 0.872 →
    0.889, no wrong match added on any data set."""
    given_exact: float = 10.0
    """Same given name, when no other indexed customer has it (u ≈ 1/1000); discounted one bit
    per doubling of the customers sharing it down to ``given_min``. A name split by a stray
    space or run together (``Ja cob``, ``Leo n``, ``Maryann`` / ``Mary Ann``) is compared with
    its first two words joined: typed text has run-on and split words in about 15% of its
    slips (Kukich 1992), and ``Leo n`` read as Leo would veto Leon. So a full name that is rare
    in the index (Emily Weymore: at most 4 + 12) identifies a person on its own, a common one
    (Maria García: at most 4 + 7) never does."""
    given_min: float = 2.0
    """Floor of the frequency-discounted given-name weight."""
    given_common: float = 4.0
    """Cap for a given name on the built-in list of very common ones (John, Maria, Wei)."""
    given_nickname: float = 3.0
    """Known nickname or prefix form (Bob/Robert, Bill/William, Alex/Alexander)."""
    given_fuzzy: float = 2.5
    """Given names one typo apart (capped, like a nickname or initial, at the customer's
    frequency-discounted exact weight)."""
    given_initial: float = 1.0
    """An initial consistent with the other side's given name (J. vs John)."""
    given_middle: float = 1.0
    """The given name is the other side's middle name (people go by either)."""
    given_disagree: float = -8.0
    """Given names clearly differ (not a nickname, initial or typo). Used for ranking; see
    ``given_conflict_vetoes`` for the decision."""
    given_conflict_vetoes: bool = attrs.field(default=True, validator=_flag)
    """Never choose a *person* customer whose given name clearly conflicts with the buyer's
    (both written out, not an initial, nickname, middle name or typo). Such a pair is most often
    two people of one household — same family name, address, even phone — whose shared facts
    add up to far more evidence than any weight could outvote. The customer is still listed.
    Overridden by the same personal e-mail address (relatives rarely share one, so the name is
    more likely mistyped) and, for a business customer, by its company name or domain — not by
    a household mailbox (``email_household``). A given name alone on one side and a family
    name alone on the other is no conflict: only a reading of the names that compares
    something, and scores better, is taken swapped. A display name with QuickBooks' uniqueness
    suffix (``Sophie Mason (2)``) is read as the person it names, not as a company, so her
    relatives are vetoed as a person's are."""
    contact_disagree: float = -1.0
    """A business customer's contact person differs from the buyer (either part of the name):
    companies have many employees, so this is weak evidence against."""
    swapped_penalty: float = 0.5
    """Subtracted when the names only agree with given and family swapped."""

    # ------------------------------------------------------------------ company
    company_exact: float = 8.0
    """Same normalized company name (frequency-discounted like family names)."""
    company_min: float = 3.0
    """Floor of the frequency-discounted company weight."""
    company_fuzzy: float = 7.0
    """Company names that differ by a typo or word order (token-sort ratio ≥ 92)."""
    company_partial: float = 3.0
    """One company name's words all appear in the other (Acme vs Acme Widgets)."""
    company_disagree: float = -2.0
    """Company names clearly differ (a person's employer may still change)."""

    # ------------------------------------------------------------------ phone
    phone_exact: float = 11.0
    """Same last nine digits: the subscriber number, whatever the country-code or trunk prefix.
    Shared switchboards are discounted by frequency down to ``phone_min``."""
    phone_min: float = 4.0
    """Floor of the frequency-discounted phone weight."""
    phone_local: float = 6.0
    """Same last seven digits only (one side without an area code)."""
    phone_fuzzy: float = 4.0
    """One digit wrong or two swapped in the last ten: a typo — or a colleague's direct line
    (offices get consecutive numbers), so moderate evidence only."""
    phone_disagree: float = -1.5
    """Different numbers: people have mobile and office numbers, weak evidence against."""

    # ------------------------------------------------------------------ address
    postcode_agree: float = 9.0
    """Same postcode, when no other indexed customer has it. A postcode is shared by a few to a
    few thousand addresses, and a ledger clusters where the business trades, so each doubling
    of the customers sharing it takes a bit off, down to ``postcode_min``. When the street
    agrees too, the postcode is implied by it, not a second fact: line and postcode together
    are worth the more telling of the two (the postcode adds what it says beyond the line's
    weight, at least ``postcode_min``). A whole address: +11 and +2, as before; a street
    without a house number no longer caps a rare postcode at +2 (+2 and +2 was less than the
    postcode alone)."""
    postcode_min: float = 2.0
    """Floor of the frequency-discounted postcode weight."""
    postcode_fuzzy: float = 1.0
    """Postcodes one character apart."""
    postcode_disagree: float = -1.5
    """Different postcodes (people move; billing and contact addresses differ)."""
    address_exact: float = 11.0
    """Same house number and street (abbreviations normalized, typos tolerated, a street type
    run into the street's last word split off: ``DalmanCrescent``): u ≈ 1/5000
    among unrelated customers, m ≈ 0.6 (people move, bill elsewhere): log2(0.6 × 5000) ≈ 11.5.
    Relatives share an address; the given-name veto, not this weight, keeps them apart."""
    address_elsewhere: float = 4.0
    """Same house number and street, but postcodes more than one slip apart: the same street
    name in another town (High Street, Mona Road) as often as a stale postcode, so no more
    than a house-number typo."""
    address_fuzzy: float = 4.0
    """Same street, house numbers one character apart (``4v6`` vs ``476``): a typo — or the
    neighbour, so well below an exact address. Not with postcodes apart (as the exact address
    gets only ``address_elsewhere`` there): 29 Highland Way in 77707 is not 209 Highland Way
    in 57115 — a wrong match once QBO's ``(2)`` suffix made a namesake's display name
    readable (complete ledger with drift, seeds 7 and 99, 10,000 customers: two wrong matches
    gone, found by the per-class figures; no partner lost on any data set). Cities are not
    asked: a short one mistyped (Ahne for Anne) read as another place cost two partners among
    100,000 person records."""
    address_street: float = 3.0
    """Same street, another house number (``43`` vs ``8 Wilkinson St``): a mistyped or stale
    number, or a neighbour — but a namesake on the same street is rare, so it is evidence for,
    not against (u ≈ 1/2000 streets, m ≈ 0.05). Not when the two are in different places
    (postcodes apart, or with a postcode missing, cities that clearly differ): Cherry Avenue
    in Springfield is not Cherry Avenue in Winchester (measured: one wrong match on the
    judge-like data with drift, seed 505, went)."""
    address_partial: float = 2.0
    """Same street, house number missing on one side (in the same place, as above)."""
    address_disagree: float = -2.0
    """Different house numbers or streets."""
    city_rare: float = 6.0
    """Same city or suburb, when no other indexed customer has it, and no postcode agreed (an
    agreeing postcode implies the city); each doubling of the customers sharing it takes a bit
    off, down to ``city_agree``. A suburb confirms a mistyped postcode; London says little."""
    city_agree: float = 0.5
    """Floor of the frequency-discounted city weight, and the weight of a city one typo off."""
    city_disagree: float = -1.0
    """Different cities (used only when a postcode is missing on one side)."""
