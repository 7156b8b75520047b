"""The customer index and the match decision.

Why: matching a deal's buyer against every accounting customer would be slow and, worse, would
invite coincidental matches. The index keeps *blocking keys* — exact e-mail, company domain, the
last seven phone digits, normalized company name and its words, family name with given-name
initial (typo-tolerant through a one-deletion neighbourhood of each family name), postcode with
house number — so one match looks only at the few customers that share something specific with
the buyer, scores those field by field, and decides conservatively.
"""

from __future__ import annotations

import gc
import heapq
import logging
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from operator import attrgetter
from typing import Final, TypeAlias, TypeVar, overload

from hubqbo.matching._compare import (
    Agreement,
    MatchKey,
    Reason,
    Record,
    compare,
    make_record,
    ocr_fold,
)
from hubqbo.matching._config import MatchConfig
from hubqbo.matching._lexicon import NAME_PARTICLES, NICKNAMES
from hubqbo.matching._types import (
    Buyer,
    MatchCandidate,
    MatchResult,
    MatchStatus,
)
from hubqbo.models import Company, Contact, Customer

__all__ = ["CustomerMatcher"]

_log = logging.getLogger(__name__)

# How much sharing one blocking key says, to rank candidates before scoring (not a score).
_KEY_PRIORITY: Final = {
    "e": 5, "p": 4, "d": 4, "a": 3, "s": 2, "c": 3, "n": 3, "z": 2, "t": 1,
    "y": 2, "k": 1,
}  # fmt: skip
# Two weak keys add their customers as candidates only when this few share them: the family
# name without the initial (it finds a customer whose given name's first letter was mistyped)
# and the city (a village's customers). A commoner name or a town would crowd out the customers
# sharing a postcode or a street; a town only ranks the customers found by other keys.
_WEAK_KEY_BLOCK: Final = 16
_COMPANY_STOP: Final = frozenset({"and", "the", "of", "for", "und", "des", "du", "la", "le"})
# Value frequencies compare() discounts weights by. These five are the lengths of the posting
# lists of a blocking key (same value, filed once per customer that has it): read from there.
_COUNTED_BY_KEY: Final = {"email": "e:", "domain": "d:", "phone": "p:", "company": "c:",
                          "postcode": "z:"}  # fmt: skip
# These three are not blocking keys: counted in tables of their own.
_COUNTED: Final = ("family", "given", "city")

_T = TypeVar("_T")

Posting: TypeAlias = list[int] | int
"""The slots filed under one blocking key: a list, or the bare slot when it is the only one.

Why: most keys (an e-mail, a phone, a house number) belong to one customer. A one-slot list per
such key would be 300,000+ lists for 100,000 customers — memory, allocation and, once indexing
is done, garbage-collector scans of objects that can never form a cycle.
"""


def _file(blocks: dict[str, Posting], keys: Iterable[str], slot: int) -> None:
    """File ``slot`` under each of ``keys`` (distinct keys; the slot is not filed yet)."""
    setdefault = blocks.setdefault
    for key in keys:
        posting = setdefault(key, slot)
        if posting is not slot:  # the key was there already
            if isinstance(posting, int):
                blocks[key] = [posting, slot]
            else:
                posting.append(slot)


def _unfile(blocks: dict[str, Posting], keys: Iterable[str], slot: int) -> None:
    """Undo :func:`_file`: a key left with one slot holds it bare, one left with none goes."""
    for key in keys:
        posting = blocks[key]
        if isinstance(posting, int):
            del blocks[key]
        else:
            posting.remove(slot)
            if len(posting) == 1:
                blocks[key] = posting[0]


def _customer_record(customer: Customer) -> Record:
    address = customer.billing_address
    return make_record(
        given=customer.given_name,
        family=customer.family_name,
        display=customer.display_name,
        company=customer.company_name,
        email=customer.email,
        domain=None,
        phone=customer.phone,
        address_line=", ".join(address.lines) if address and address.lines else None,
        postcode=address.postal_code if address else None,
        city=address.city if address else None,
    )


def _buyer_record(buyer: Buyer) -> Record:
    address = buyer.address
    return make_record(
        given=buyer.first_name,
        family=buyer.last_name,
        display=None if (buyer.first_name or buyer.last_name) else buyer.full_name,
        company=buyer.company_name,
        email=buyer.email,
        domain=buyer.domain,
        phone=buyer.phone,
        address_line=", ".join(address.lines) if address and address.lines else None,
        postcode=address.postal_code if address else None,
        city=address.city if address else None,
    )


# The blocking forms below are cached by name: names repeat across customers far more than
# anything else, and most of a customer's blocking keys come from them.


@lru_cache(maxsize=65536)
def _initials(given: tuple[str, ...]) -> frozenset[str]:
    """First letters of a given name and of every name it may be short for (Bob → b, r)."""
    if not given:
        return frozenset()
    first = given[0]
    return frozenset({first[0]} | {n[0] for n in NICKNAMES.get(first, ())})


@lru_cache(maxsize=65536)
def _family_tokens(family: tuple[str, ...]) -> frozenset[str]:
    """Blocking forms of a family name: each part, the joined name, OCR-folded (rn → m)."""
    tokens = {ocr_fold(t) for t in family if len(t) > 1 and t not in NAME_PARTICLES}
    if len(family) > 1:
        tokens.add(ocr_fold("".join(family)))
    return frozenset(tokens)


@lru_cache(maxsize=65536)
def _query_family_tokens(family: tuple[str, ...]) -> frozenset[str]:
    """A buyer's family-name forms to look up: the blocking forms and each part as written.

    As written too, because OCR folding turns a typo into a second slip: ``pulviernti`` (for
    Pulvirenti) folds to ``pulviemti``, two edits from the customer's name instead of one.
    """
    raw = {t for t in family if len(t) > 1 and t not in NAME_PARTICLES}
    if len(family) > 1:
        raw.add("".join(family))
    return _family_tokens(family) | raw


@lru_cache(maxsize=65536)
def _name_keys(family: tuple[str, ...], given: tuple[str, ...]) -> tuple[str, ...]:
    """The name blocking keys a customer is filed under: family form, alone and with initials."""
    initials = _initials(given)
    keys: list[str] = []
    for token in _family_tokens(family):
        keys.append(f"n:{token}:*")
        keys.extend(f"n:{token}:{i}" for i in initials)
    return tuple(keys)


@lru_cache(maxsize=65536)
def _company_keys(company: str) -> tuple[str, ...]:
    """The company blocking keys: the whole normalized name, and each telling word of it."""
    keys = ["c:" + company]
    words = company.split()
    if len(words) > 1:
        keys.extend("t:" + w for w in set(words) if len(w) > 2 and w not in _COMPANY_STOP)
    return tuple(keys)


@lru_cache(maxsize=65536)
def _street_words(street: str) -> tuple[str, ...]:
    """The street words filed with a house number: four letters or more, or the first of three.

    Every street word, not just the first: lines get swapped ("Engelbert Wing, Bentham St" for
    "Bentham St, Engelbert Wing") and the first word mistyped.
    """
    head = street.partition(" ")[0]
    if len(head) < 3:
        head = ""
    return tuple({w for w in street.split() if len(w) > 3 or w == head})


def _deletions(token: str) -> set[str]:
    """The token and every string one deletion away (typo-tolerant blocking, SymSpell-style)."""
    if len(token) < 4:
        return {token}
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def _family_count_key(family: tuple[str, ...]) -> str | None:
    """The value a family name is counted under (the joined tokens)."""
    return "".join(family) or None


def _given_count_key(given: tuple[str, ...]) -> str | None:
    """The value a given name is counted under (its first token)."""
    return given[0] if given else None


def _count_values(record: Record) -> tuple[str | None, ...]:
    """The values counted in tables of their own, in ``_COUNTED`` order."""
    return (
        _family_count_key(record.name.family),
        _given_count_key(record.name.given),
        record.city,
    )


class _PostingCounts(Mapping[str, int]):
    """How many indexed customers share a value of one blocking-key kind: its posting length.

    Why: a value's frequency and the posting list of its blocking key are the same number kept
    twice; reading it from the posting list saves counting 500,000 values while indexing, and
    stays right through :meth:`CustomerMatcher.add` and :meth:`CustomerMatcher.remove`, which
    keep the posting lists current (an empty list is deleted, as a zero count was).
    """

    __slots__ = ("_blocks", "_prefix")

    def __init__(self, blocks: dict[str, Posting], prefix: str) -> None:
        self._blocks = blocks
        self._prefix = prefix

    def __getitem__(self, value: str) -> int:
        posting = self._blocks[self._prefix + value]
        return 1 if isinstance(posting, int) else len(posting)

    @overload
    def get(self, value: str, /) -> int | None: ...
    @overload
    def get(self, value: str, /, default: int | _T) -> int | _T: ...
    def get(self, value: str, /, default: object = None) -> object:
        posting = self._blocks.get(self._prefix + value)
        if posting is None:
            return default
        return 1 if isinstance(posting, int) else len(posting)

    def __iter__(self) -> Iterator[str]:
        start = len(self._prefix)
        return (key[start:] for key in self._blocks if key.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


_NAME_AGREES: Final = {
    MatchKey.FAMILY_NAME: frozenset(
        {
            Agreement.EXACT,
            Agreement.PARTIAL,
            Agreement.FUZZY,
            Agreement.PHONETIC,
            Agreement.SIMILAR,
            Agreement.NAME_IN_EMAIL,
        }
    ),
    MatchKey.GIVEN_NAME: frozenset(
        {
            Agreement.EXACT,
            Agreement.NICKNAME,
            Agreement.FUZZY,
            Agreement.PHONETIC,
            Agreement.INITIAL,
            Agreement.NAME_IN_EMAIL,
        }
    ),
}


def _whole_name_agrees(reasons: list[Reason]) -> bool:
    """Family and given name both agree (as written or swapped), neither in conflict.

    Two slips in a family name count (its weight, +1, is small); two in a given name do not
    (Will / Bill: brothers as often as one William — measured, it lets wrong matches through).
    An initial counts (``J.`` for John): it carries its own small weight, and a relative
    with the same initial at the same address is what the ambiguity margin is for."""
    agreed = {
        r.key for r in reasons if r.key in _NAME_AGREES and r.agreement in _NAME_AGREES[r.key]
    }
    return len(agreed) == 2


def _place_agrees(reasons: list[Reason]) -> bool:
    """The city agrees and nothing at all disagrees (no other address, postcode, phone, e-mail).

    With the whole name agreeing, that is two facts about one person and none against: enough
    for ``name_and_place_threshold`` even though a city alone corroborates nothing (it is too
    common). A namesake elsewhere in town has another street or postcode on record, which
    disagrees.
    """
    return any(r.key is MatchKey.CITY and r.weight > 0 for r in reasons) and all(
        r.weight >= 0 for r in reasons
    )


def _sort_key(customer: Customer) -> tuple[str, str]:
    return (customer.id or "", customer.display_name or "")


class CustomerMatcher:
    """Find the accounting customer that a deal's or quote's buyer is, or say there is none.

    Index the customers once (inactive customers, and sub-customers unless
    ``config.include_jobs``, are left out), keep the index current with :meth:`add`,
    :meth:`update` and :meth:`remove`, then :meth:`match` buyers. A customer is chosen only when
    the evidence is strong and unambiguous; otherwise the result lists ranked candidates for a
    person to pick from. See ``docs/matching.md`` for how the decision is made.

    Example:
        >>> from hubqbo.models import Address
        >>> matcher = CustomerMatcher([
        ...     Customer(id="1", display_name="Smith & Co", company_name="Smith & Co",
        ...              phone="+44 20 7946 0958"),
        ...     Customer(id="2", given_name="Robert", family_name="Jones",
        ...              billing_address=Address(("12 High Street",), postal_code="LS1 4AP")),
        ... ])
        >>> matcher.match(Buyer(company_name="Smith and Co Ltd", phone="020 7946 0958")).customer_id
        '1'
        >>> matcher.match(Buyer(first_name="Bob", last_name="Jnoes",
        ...     address=Address(("12 High St.",), postal_code="ls14ap"))).customer_id
        '2'
        >>> matcher.match(Buyer(first_name="Robert")).status.value
        'no_match'
    """

    def __init__(self, customers: Iterable[Customer] = (), *, config: MatchConfig | None = None):
        self._config = config or MatchConfig()
        self._customers: list[Customer | None] = []
        self._records: list[Record | None] = []
        self._free: list[int] = []
        self._slot_by_id: dict[str, int] = {}
        self._blocks: dict[str, Posting] = {}
        self._variants: dict[str, set[str]] = {}
        self._token_refs: dict[str, int] = {}
        self._tallies: dict[str, dict[str, int]] = {name: {} for name in _COUNTED}
        # Building the index allocates millions of small objects and no cycles; the cyclic
        # garbage collector would rescan them again and again (a third of the build time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._bulk_load(customers)
        finally:
            if collecting:
                if gc.get_freeze_count() == 0:
                    # Hand the index straight to the oldest generation. Left young, its ~500,000
                    # objects (records, addresses, posting lists) would be traversed by the next
                    # young collection (0.2 s for 100k customers, right here) and again by a
                    # middle one, only to end up old anyway: they live as long as the index.
                    # freeze() + unfreeze() moves every tracked object to the oldest
                    # generation without traversing any; full collections still see them all.
                    # Skipped when the application froze objects itself (unfreeze would undo
                    # that). Young objects of the application are promoted too: a reference
                    # cycle among them is collected by the next full collection.
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
        self._counts: dict[str, Mapping[str, int]] = {
            **{
                name: _PostingCounts(self._blocks, prefix)
                for name, prefix in _COUNTED_BY_KEY.items()
            },
            **self._tallies,
        }
        _log.debug("indexed %d customers under %d blocking keys", len(self), len(self._blocks))

    def _bulk_load(self, customers: Iterable[Customer]) -> None:
        """Index many customers at once: the same structures as :meth:`add`, built in passes."""
        by_id: dict[str, Customer] = {}
        anonymous: list[Customer] = []
        for customer in customers:
            if customer.id is None:
                anonymous.append(customer)
            else:
                by_id.pop(customer.id, None)  # a later copy replaces an earlier one
                by_id[customer.id] = customer
        eligible = self._eligible
        named = [c for c in by_id.values() if eligible(c)]
        chosen = named + [c for c in anonymous if eligible(c)]
        records = [_customer_record(c) for c in chosen]
        blocks = self._blocks
        record_keys = self._record_keys
        for slot, record in enumerate(records):
            _file(blocks, record_keys(record), slot)
        self._customers.extend(chosen)
        self._records.extend(records)
        # The customers with an id come first, in slot order (the dict is built in C).
        self._slot_by_id = dict(zip(map(attrgetter("id"), named), range(len(named)), strict=True))
        # Counted over distinct values (counted in C): names and cities repeat a lot.
        families = Counter(map(attrgetter("name.family"), records))
        tallies = self._tallies
        for name, distinct, count_key in (
            ("family", families, _family_count_key),
            ("given", Counter(map(attrgetter("name.given"), records)), _given_count_key),
        ):
            table = tallies[name]
            for value, n in distinct.items():
                counted = count_key(value)
                if counted is not None:
                    table[counted] = table.get(counted, 0) + n
        cities = Counter(map(attrgetter("city"), records))
        cities.pop(None, None)
        tallies["city"] = dict(cities)
        refs: Counter[str] = Counter()
        for family, n in families.items():
            for token in _family_tokens(family):
                refs[token] += n
        self._token_refs = dict(refs)
        variants = self._variants
        for token in refs:
            for variant in _deletions(token):
                bucket = variants.get(variant)
                if bucket is None:
                    variants[variant] = {token}
                else:
                    bucket.add(token)

    # ------------------------------------------------------------------ the index

    @property
    def config(self) -> MatchConfig:
        """The weights and thresholds in force."""
        return self._config

    def __len__(self) -> int:
        """The number of customers in the index."""
        return len(self._customers) - len(self._free)

    def __contains__(self, customer_id: object) -> bool:
        """True when a customer with this id is in the index."""
        return customer_id in self._slot_by_id

    def __iter__(self) -> Iterator[Customer]:
        """The indexed customers."""
        return (c for c in self._customers if c is not None)

    @property
    def threshold_raise(self) -> float:
        """Bits added to both thresholds for the size of the ledger (see ``MatchConfig``).

        Every doubling of the customers beyond ``reference_size`` doubles the chances that one
        of them agrees with a buyer by coincidence, so the evidence must be stronger.
        """
        cfg = self._config
        size, reference = len(self), cfg.reference_size
        if not reference or size <= reference:
            return 0.0
        return cfg.raise_per_doubling * math.log2(size / reference)

    def _eligible(self, customer: Customer) -> bool:
        return customer.active and (self._config.include_jobs or not customer.is_job)

    def add(self, customer: Customer) -> bool:
        """Index a customer; returns False when it is not eligible (inactive, or a job).

        A customer whose id is already indexed replaces the indexed one (as :meth:`update`).
        """
        if customer.id is not None and customer.id in self._slot_by_id:
            self.remove(customer.id)
        if not self._eligible(customer):
            return False
        record = _customer_record(customer)
        keys = self._record_keys(record)
        slot = self._free.pop() if self._free else len(self._customers)
        if slot == len(self._customers):
            self._customers.append(customer)
            self._records.append(record)
        else:
            self._customers[slot], self._records[slot] = customer, record
        if customer.id is not None:
            self._slot_by_id[customer.id] = slot
        _file(self._blocks, keys, slot)
        self._count(record, +1)
        return True

    def update(self, customer: Customer) -> bool:
        """Re-index a changed customer (by id); one that became inactive is dropped.

        Returns whether the customer is in the index afterwards.
        """
        if customer.id is None:
            raise ValueError("update() needs a customer with an id")
        return self.add(customer)

    def remove(self, customer: Customer | str) -> bool:
        """Drop a customer (or customer id) from the index; False when it was not indexed."""
        customer_id = customer if isinstance(customer, str) else customer.id
        if customer_id is None:
            raise ValueError("remove() needs a customer id")
        slot = self._slot_by_id.pop(customer_id, None)
        if slot is None:
            return False
        record = self._records[slot]
        assert record is not None
        _unfile(self._blocks, self._record_keys(record), slot)  # the keys it was filed under
        self._count(record, -1)
        self._customers[slot] = None
        self._records[slot] = None
        self._free.append(slot)
        return True

    def _count(self, record: Record, delta: int) -> None:
        for name, value in zip(_COUNTED, _count_values(record), strict=True):
            if value is None:
                continue
            table = self._tallies[name]
            table[value] = table.get(value, 0) + delta
            if table[value] <= 0:
                del table[value]
        for token in _family_tokens(record.name.family):
            refs = self._token_refs.get(token, 0) + delta
            if refs > 0:
                self._token_refs[token] = refs
                if refs == delta:  # first time seen
                    for variant in _deletions(token):
                        self._variants.setdefault(variant, set()).add(token)
            else:
                self._token_refs.pop(token, None)
                for variant in _deletions(token):
                    tokens = self._variants.get(variant)
                    if tokens is not None:
                        tokens.discard(token)
                        if not tokens:
                            del self._variants[variant]

    def _record_keys(self, record: Record) -> list[str]:
        """The blocking keys a customer is filed under.

        The parts that depend on one repeating value alone (company, street, name) come from
        caches keyed by that value; only keys with a unique part are built per customer.
        """
        keys: list[str] = []
        add = keys.append
        if email := record.email:
            add("e:" + email)
        if domain := record.domain:
            add("d:" + domain)
        if phone := record.phone:
            add("p:" + phone[-7:])
        if company := record.company:
            keys.extend(_company_keys(company))
        postcode = record.postcode
        if postcode:
            add("z:" + postcode)
        address = record.address
        if address and address.number:
            number = address.number
            if postcode:
                add(f"a:{postcode}:{number}")
            prefix = f"s:{number}:"
            for word in _street_words(address.street):
                add(prefix + word)
            if record.city:
                add(f"y:{record.city}:{number}")
        if record.city:
            add("k:" + record.city)
        keys.extend(_name_keys(record.name.family, record.name.given))
        return keys

    # ------------------------------------------------------------------ matching

    def _query_keys(self, record: Record) -> Iterator[str]:
        """The blocking keys to look up for a buyer (names in both orders, typo-tolerant)."""
        for key in self._record_keys(record):
            if key[0] != "n":
                yield key
        name = record.name
        as_written = True
        for given, family in ((name.given, name.family), (name.family, name.given)):
            initials = _initials(given)
            tokens = _query_family_tokens(family)
            known: set[str] = set()
            for token in tokens:
                for variant in _deletions(token):
                    known.update(self._variants.get(variant, ()))
            for surname in known:
                if not initials:
                    yield f"n:{surname}:*"
                    continue
                yield from (f"n:{surname}:{i}" for i in initials)
                if as_written and surname in tokens:
                    # The family name alone too, as written: a slip in the given name's first
                    # letter (aMichael) or a lost one (ason) must not hide the customer.
                    yield f"n:{surname}:*"
            as_written = False

    def _candidates(self, record: Record) -> list[int]:
        """The customers sharing most blocking keys with the buyer (at most ``max_candidates``).

        Ties at the cut are broken by customer id, so the result never depends on the order in
        which customers were indexed.
        """
        cfg = self._config
        hits: Counter[int] = Counter()
        blocks = self._blocks
        # With a given name at hand, the family name alone is only a fallback (for a typo in
        # the given name's first letter): it must not crowd out customers sharing a postcode.
        whole_name = bool(record.name.given and record.name.family)
        town: Posting | None = None
        for key in set(self._query_keys(record)):
            posting = blocks.get(key)
            if posting is None:
                continue
            size = 1 if isinstance(posting, int) else len(posting)
            if size > cfg.max_block:
                continue
            if key[0] == "k" and size > _WEAK_KEY_BLOCK:
                town = posting  # a town, not a village: it ranks, it does not add candidates
                continue
            if whole_name and key[-1] == "*":
                if size > _WEAK_KEY_BLOCK:
                    continue
                priority = 1
            else:
                priority = _KEY_PRIORITY[key[0]]
            # A key shared by few customers says more than one shared by hundreds.
            weight = max(1, 8 * priority // (1 + size.bit_length()))
            if isinstance(posting, int):
                hits[posting] += weight
            else:
                for _ in range(weight):
                    hits.update(posting)  # counted in C, once per unit of weight
        if len(hits) <= cfg.max_candidates:
            return list(hits)
        if town is not None:  # among customers tied on the other keys, those in the buyer's town
            hits.update(hits.keys() & ({town} if isinstance(town, int) else set(town)))
        cut = heapq.nlargest(cfg.max_candidates, hits.values())[-1]
        above = [slot for slot, n in hits.items() if n > cut]
        # Sort keys made here, for the few customers at the cut, not kept for every customer.
        at_cut = sorted((slot for slot, n in hits.items() if n == cut), key=self._slot_sort_key)
        return above + at_cut[: cfg.max_candidates - len(above)]

    def _slot_sort_key(self, slot: int) -> tuple[str, str]:
        customer = self._customers[slot]
        assert customer is not None
        return _sort_key(customer)

    def match(self, buyer: Buyer | Contact | Company) -> MatchResult:
        """Match one buyer: the chosen customer or none, the score, reasons and candidates.

        A HubSpot ``Contact`` or ``Company`` is accepted as is (``Buyer.from_contact`` /
        ``Buyer.from_company``); build a ``Buyer`` to combine a contact with its company.

        Example:
            >>> m = CustomerMatcher([Customer(id="1", display_name="Acme Ltd",
            ...                               email="accounts@acme.com")])
            >>> m.match(Buyer(company_name="ACME Limited", domain="acme.com")).customer_id
            '1'
        """
        cfg = self._config
        if isinstance(buyer, Contact):
            buyer = Buyer.from_contact(buyer)
        elif isinstance(buyer, Company):
            buyer = Buyer.from_company(buyer)
        record = _buyer_record(buyer)
        customers = self._customers
        raise_by = self.threshold_raise
        name_place_raise = (
            cfg.name_and_place_raise * raise_by / cfg.raise_per_doubling
            if cfg.raise_per_doubling
            else 0.0
        )
        scored: list[tuple[float, tuple[str, str], int, list[Reason], bool, bool]] = []
        for slot in self._candidates(record):
            customer_record, customer = self._records[slot], customers[slot]
            assert customer_record is not None
            assert customer is not None
            score, reasons, vetoed, corroborated = compare(
                record, customer_record, cfg, self._counts
            )
            whole_name = _whole_name_agrees(reasons)
            if not corroborated and not (whole_name and _place_agrees(reasons)):
                needed = cfg.names_only_threshold
            elif whole_name:
                needed = min(cfg.name_and_place_threshold + name_place_raise, cfg.match_threshold)
            else:
                needed = cfg.match_threshold
            needed += raise_by
            scored.append((-score, _sort_key(customer), slot, reasons, vetoed, score >= needed))
        scored.sort(key=lambda item: (item[0], item[1]))
        # A vetoed customer is another person: it is listed but neither chosen nor a rival.
        rivals = [item for item in scored if not item[4]]
        chosen_slot: int | None = None
        if not rivals or not rivals[0][5]:
            status = MatchStatus.NO_MATCH
        elif len(rivals) > 1 and rivals[1][0] - rivals[0][0] < cfg.ambiguity_margin:
            status = MatchStatus.AMBIGUOUS
        else:
            status = MatchStatus.MATCHED
            chosen_slot = rivals[0][2]
        listed: list[MatchCandidate] = []
        chosen: MatchCandidate | None = None
        for neg_score, _, slot, reasons, vetoed, _ in scored:
            if slot != chosen_slot and (
                len(listed) >= cfg.max_listed or -neg_score < cfg.candidate_floor
            ):
                continue
            customer = customers[slot]
            assert customer is not None
            candidate = MatchCandidate(customer, round(-neg_score, 3), tuple(reasons), vetoed)
            listed.append(candidate)
            if slot == chosen_slot:
                chosen = candidate
        # Ids and scores only: buyer and customer details are personal data.
        _log.debug(
            "match %s: customer %s, %d candidates scored, best %.1f bits",
            status.value,
            chosen.customer_id if chosen else None,
            len(scored),
            -scored[0][0] if scored else 0.0,
        )
        return MatchResult(buyer, status, tuple(listed), cfg.match_threshold + raise_by, chosen)

    def match_many(self, buyers: Iterable[Buyer | Contact | Company]) -> list[MatchResult]:
        """Match several buyers, in order (one result per buyer)."""
        return [self.match(buyer) for buyer in buyers]
