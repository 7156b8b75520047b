"""A third linkage generator: our best model of the independent benchmark the matcher is judged on.

Why: the judge is described only as "thousands of records with typos, swapped and missing fields,
many without an email, and CRM records whose true partner is absent". This generator writes that
description down literally, with its own vocabulary and corruption code (nothing shared with
``_linkage_data.py`` but the ``LinkageData`` container), and without looking at how the matcher
scores: person records — given name, family name, e-mail, phone, one address line, city,
postcode — in a ledger of ``n`` customers, and CRM buyers that are corrupted copies of some of
them or people with no customer at all.

Corruption, each independently per buyer (rates are guesses at "realistic", not fitted):

* typos — one edit (substitution, deletion, insertion, transposition) in 15% of name, street
  and city values, a second one in a third of those; a digit slip in 3% of phones and 3% of
  postcodes; 2% of e-mails;
* swapped fields — given and family name exchanged (8%); address line and city exchanged (3%);
* variants — a nickname (5%) or an initial (4%) for the given name;
* missing fields — e-mail 65%, phone 35%, address line 20%, city 15%, postcode 15%, given
  name 5%, family name 2%; the ledger too lacks some fields (e-mail 30%, phone 20%, address 5%);
* absent partners — ``absent_rate`` (35%) of buyers are fresh people drawn from the same name
  and place pools (common names collide as in real data);
* households — 3% of the customers share their family name, address and (half the time) phone
  with another customer: the buyer of one must not get the other.

``drift=True`` adds what the first version left out: a value *replaced* or *reshaped* rather
than mistyped, at rates taken from published figures where there are any (``_DRIFT`` lists them
with their sources):

* a changed family name (marriage, a double-barrelled name) on 2% of true pairs, the address
  kept by half of them;
* words run together or split by a stray space — 15% of the typing slips (Kukich 1992: run-ons
  13% and splits 2% of typed spelling errors);
* a name missing on the ledger side too (a customer recorded by one name);
* household mailboxes (``smiths@``) shared by the relatives of a household, sometimes recorded
  without a given name;
* namesakes whose e-mail addresses differ by a letter rather than a number;
* QuickBooks' uniqueness suffix on a display name another customer holds already
  (``Sophie Mason (2)``: a DisplayName must be unique, fault 6240), and customers recorded by
  their display name alone.

Example:
    >>> data = generate_judge_like(300, seed=1)
    >>> len(data.customers) >= 300, sum(bool(t) for _, t in data.pairs) > 80
    (True, True)
"""

# ruff: noqa: SIM905 - vocabularies read best as space-separated words
from __future__ import annotations

import random

import attrs

from benchmarks._linkage_data import LinkageData, _base_display, _label
from hubqbo.matching import Buyer
from hubqbo.models import Address, Customer

__all__ = ["generate_judge_like"]

_GIVEN = (
    "Michael James John Robert David William Mary Christopher Joseph Richard Daniel Thomas "
    "Matthew Jennifer Charles Anthony Patricia Linda Mark Elizabeth Joshua Steven Andrew Kevin "
    "Brian Barbara Jessica Jason Susan Timothy Paul Kenneth Lisa Ryan Sarah Karen Jeffrey Donald "
    "Ashley Eric Jacob Nicholas Jonathan Ronald Michelle Kimberly Nancy Justin Sandra Amanda "
    "Brandon Stephanie Emily Melissa Gary Edward Stephen Scott George Donna Jose Rebecca Deborah "
    "Laura Cynthia Carol Amy Margaret Gregory Sharon Larry Angela Maria Alexander Benjamin "
    "Nicole Kathleen Patrick Samantha Tyler Samuel Betty Brenda Pamela Aaron Kelly Heather "
    "Rachel Adam Christine Zachary Debra Katherine Dennis Nathan Christina Julie Jordan Kyle "
    "Anna Jose Hannah Noah Ethan Olivia Sophia Isabella Mia Ava Chloe Grace Lucas Liam Mason "
    "Logan Harper Evelyn Abigail Aiden Jayden Layla Zoe Nora Riley Ellie Priya Wei Mohammed "
    "Fatima Ahmed Aisha Hiroshi Yuki Carlos Sofia Diego Lucia Javier Elena Pierre Camille "
    "Hans Greta Ingrid Sven Olga Dmitri Anastasia Kwame Ama Chinedu Ngozi Rajesh Anjali"
).split()
_FAMILY = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen "
    "Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez "
    "Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy "
    "Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox "
    "Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price "
    "Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell "
    "Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan "
    "Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant "
    "Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison "
    "Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker "
    "Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason "
    "Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox "
    "Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan "
    "Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos "
    "Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews "
    "O'Brien Nakamura Kowalski Novak Ivanov Schneider Fischer Weber Rossi Russo Ferrari Dubois "
    "Moreau Laurent Okafor Mensah Singh Kumar Sharma Wang Li Zhang Liu Yang Huang Zhao Wu Zhou"
).split()
# The long tail of family names (most real surnames are rare), built from parts.
_TAIL_HEAD = (
    "Ab Bar Bel Bram Cal Cor Dal Dor Ed Fal Gar Hal Hel Kel Lam Mal Mer Nor Pal Quin Ral "
    "Sel Tal Ul Var Wen Yar Zel Bro Cra Fen Gil Har Lind Mor Stan Thorn Whit"
).split()
_TAIL_END = "ford ton wick berg stein son sen ley field man ski ini ez ova ard well by ham".split()
_NICK = {
    "Michael": ["Mike", "Mick"], "James": ["Jim", "Jimmy"], "John": ["Jack", "Johnny"],
    "Robert": ["Bob", "Rob", "Bobby"], "William": ["Will", "Bill", "Billy"], "David": ["Dave"],
    "Richard": ["Rick", "Dick"], "Joseph": ["Joe"], "Thomas": ["Tom"], "Daniel": ["Dan", "Danny"],
    "Christopher": ["Chris"], "Elizabeth": ["Liz", "Beth"], "Jennifer": ["Jen", "Jenny"],
    "Katherine": ["Kate", "Kathy"], "Margaret": ["Maggie", "Peggy"], "Patricia": ["Pat", "Patty"],
    "Anthony": ["Tony"], "Steven": ["Steve"], "Stephen": ["Steve"], "Kenneth": ["Ken"],
    "Edward": ["Ed", "Eddie"], "Samantha": ["Sam"], "Samuel": ["Sam"], "Alexander": ["Alex"],
    "Benjamin": ["Ben"], "Nicholas": ["Nick"], "Jonathan": ["Jon"], "Rebecca": ["Becky"],
    "Deborah": ["Debbie"], "Matthew": ["Matt"], "Andrew": ["Andy", "Drew"], "Gregory": ["Greg"],
}  # fmt: skip
_STREET = (
    "Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Church Walnut Spring Sunset "
    "Willow Jackson Lincoln Highland Forest Jefferson River Meadow Ridge Chestnut Franklin "
    "Madison Center Mill Lakeview Birch Dogwood Cherry Adams Hickory Valley Poplar Sycamore "
    "Magnolia Laurel Aspen Holly Juniper Cypress Hawthorn Heritage Liberty Orchard Prospect"
).split()
_KIND = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"),
         ("Court", "Ct"), ("Boulevard", "Blvd"), ("Place", "Pl"), ("Way", "Way")]  # fmt: skip
_CITY = (
    "Springfield Riverside Franklin Greenville Bristol Clinton Fairview Salem Madison "
    "Georgetown Arlington Ashland Burlington Manchester Milton Newport Oxford Dover Hudson "
    "Kingston Lexington Marion Auburn Dayton Jackson Lebanon Monroe Troy Winchester Chester "
    "Clayton Danville Hamilton Jamestown Lancaster Mount Vernon Oakland Plymouth Quincy Shelby"
).split()
_DRIFT = {
    # 79% of US women in opposite-sex marriages took the husband's name, 5% hyphenated, 5% of
    # men took the wife's (Pew Research Center, 2023); about 12 people in 1,000 marry a year
    # (CDC/NCHS marriage rate 6.2 per 1,000, 2022): about 0.5% of people change their family
    # name a year, so 2% over records written a few years apart.
    "family_changed": 0.02,
    "family_changed_moved": 0.5,  # married and moved: half keep the address on record
    "family_hyphenated": 0.1,  # of the changes, the old and new names joined
    # Kukich (1992, CACM 35(5)), typed text: run-on words 13% and split words 2% of the
    # spelling errors; so 15% of our slips are a space lost or added.
    "space_slip": 0.15,
    "run_on_share": 13 / 15,
    # Guesses (no published rate found): a ledger customer recorded with one name only, or by
    # its display name alone (QBO requires only the display name).
    "ledger_family_only": 0.02,
    "ledger_given_only": 0.01,
    "ledger_display_only": 0.15,
    # Guesses: a household's relatives sharing a family mailbox, and recorded without a given
    # name when they do; namesakes' addresses differing by a letter (another vowel, a doubled
    # letter, a nickname) rather than by digits when the plain one is taken.
    "household_mailbox": 0.3,
    "household_no_given": 0.3,
    "namesake_letter": 0.3,
}
"""Rates of the ``drift=True`` corruptions, each with its source or marked a guess."""
_PROVIDERS = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "icloud.com"]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _skewed(pool: list[str], rng: random.Random, s: float) -> str:
    """Zipf-like pick: rank r with probability ∝ 1 / r^s.

    s = 0.5 for names: the US census has Smith at 0.9% and the 100th surname at about 0.1%,
    a tenfold fall over a hundred ranks (here, with a 35% tail of rare names: Smith 2%).
    """
    weights = [1 / (r + 1) ** s for r in range(len(pool))]
    return rng.choices(pool, weights)[0]


def _edit(text: str, rng: random.Random) -> str:
    """One random edit: substitution, deletion, insertion or transposition of neighbours."""
    if len(text) < 2:
        return text
    i = rng.randrange(len(text))
    kind = rng.randrange(4)
    letters = "0123456789" if text.isdigit() else _LETTERS
    if kind == 0:
        return text[:i] + rng.choice(letters) + text[i + 1 :]
    if kind == 1 and len(text) > 2:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + rng.choice(letters) + text[i:]
    i = min(i, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _space_slip(text: str, rng: random.Random) -> str:
    """A space lost between two words (a run-on) or typed inside one (a split word)."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if spaces and rng.random() < _DRIFT["run_on_share"]:
        i = rng.choice(spaces)
        return text[:i] + text[i + 1 :]
    words = [(m, len(w)) for m, w in enumerate(text.split(" ")) if len(w) >= 3 and w.isalpha()]
    if not words:
        return text
    index, length = rng.choice(words)
    parts = text.split(" ")
    cut = rng.randrange(1, length)
    parts[index] = parts[index][:cut] + " " + parts[index][cut:]
    return " ".join(parts)


def _typos(
    text: str,
    rng: random.Random,
    rate: float,
    *,
    drift: bool = False,
    labels: set[str] | None = None,
) -> str:
    if rng.random() < rate:
        if drift and rng.random() < _DRIFT["space_slip"]:
            slipped = _space_slip(text, rng)
            if slipped != text:
                _label(labels, "space_slip")
            return slipped
        text = _edit(text, rng)
        if rng.random() < 0.33:
            text = _edit(text, rng)
    return text


class _Places:
    """Cities with skewed sizes, each with 2–20 postcodes of its own (a regional ledger, so
    customers crowd into a few hundred postcodes: a shared postcode says less than nationally)."""

    def __init__(self, rng: random.Random) -> None:
        self.postcodes = {
            city: [f"{rng.randint(10000, 99999)}" for _ in range(rng.randint(2, 20))]
            for city in _CITY
        }

    def pick(self, rng: random.Random) -> tuple[str, str]:
        city = _skewed(_CITY, rng, 0.8)
        return city, rng.choice(self.postcodes[city])


def _person(
    rng: random.Random,
    places: _Places,
    used: set[str],
    *,
    drift: bool = False,
    owners: dict[str, dict[str, str | None]] | None = None,
) -> dict[str, str | None]:
    """One person; ``owners`` (e-mail → person) lets namesakes a letter apart be labelled."""
    given = _skewed(_GIVEN, rng, 0.5)
    if rng.random() < 0.35:
        family = rng.choice(_TAIL_HEAD) + rng.choice(_TAIL_END)
    else:
        family = _skewed(_FAMILY, rng, 0.5)
    g, f = given.lower(), family.lower().replace("'", "")
    style = rng.randrange(4)
    local = [f"{g}.{f}", f"{g[0]}{f}", f"{g}{f}{rng.randint(1, 99)}", f"{f}.{g}"][style]
    email = f"{local}@{rng.choice(_PROVIDERS)}"
    letter_of = None
    if email in used and drift and rng.random() < _DRIFT["namesake_letter"]:
        letter_of = email
        email = f"{_edit(local, rng)}@{email.partition('@')[2]}"  # john.smiht, jon.smith
    while email in used:
        letter_of = None
        email = f"{local}{rng.randint(1, 999)}@{rng.choice(_PROVIDERS)}"
    used.add(email)
    city, postcode = places.pick(rng)
    kind = rng.choice(_KIND)
    person: dict[str, str | None] = {
        "given": given,
        "family": family,
        "email": email,
        "phone": f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}",
        "street": f"{rng.randint(1, 9999)} {rng.choice(_STREET)} {kind[0]}",
        "city": city,
        "postcode": postcode,
    }
    if owners is not None:  # labels only: no draw
        owners[email] = person
        if letter_of is not None and email != letter_of:
            person["letter_apart"] = "yes"
            if letter_of in owners:
                owners[letter_of]["letter_apart"] = "yes"
    return person


def _as_customer(
    p: dict[str, str | None],
    cid: str,
    rng: random.Random,
    *,
    drift: bool = False,
    displays: set[str] | None = None,
) -> Customer:
    email = p["email"] if rng.random() >= 0.3 else None
    phone = p["phone"] if rng.random() >= 0.2 else None
    if phone and rng.random() < 0.5:
        phone = f"({phone[:3]}) {phone[3:6]}-{phone[6:]}"
    address = (
        Address((p["street"],) if p["street"] else (), city=p["city"], postal_code=p["postcode"])
        if rng.random() >= 0.05
        else None
    )
    given, family = p["given"], p["family"]
    display = " ".join(x for x in (given, family) if x) or cid
    if drift:
        r = rng.random()
        if r < _DRIFT["ledger_family_only"]:
            given, display = None, family or cid
        elif r < _DRIFT["ledger_family_only"] + _DRIFT["ledger_given_only"]:
            family, display = None, given or cid
        if displays is not None:
            # QBO refuses a DisplayName another customer holds (fault 6240): "Sophie Mason (2)"
            base, n = display, 1
            while display.lower() in displays:
                n += 1
                display = f"{base} ({n})"
            displays.add(display.lower())
        if rng.random() < _DRIFT["ledger_display_only"]:
            given = family = None  # only the display name on record
    return Customer(
        id=cid,
        display_name=display,
        given_name=given,
        family_name=family,
        email=email,
        phone=phone,
        billing_address=address,
    )


def _corrupt(
    p: dict[str, str | None],
    rng: random.Random,
    *,
    drift: bool = False,
    places: _Places | None = None,
    labels: set[str] | None = None,
) -> Buyer:
    """A CRM buyer copied from ``p`` and corrupted; ``labels`` gets the classes applied."""
    d = dict(p)
    given = d["given"] or ""
    if drift and d["family"] and rng.random() < _DRIFT["family_changed"]:
        new = _skewed(_FAMILY, rng, 0.5)
        if rng.random() < _DRIFT["family_hyphenated"]:
            new = f"{d['family']}-{new}"
        changed = "family_changed" if new != d["family"] else "none"
        d["family"] = new
        if places is not None and rng.random() < _DRIFT["family_changed_moved"]:
            d["city"], d["postcode"] = places.pick(rng)
            d["street"] = f"{rng.randint(1, 9999)} {rng.choice(_STREET)} {rng.choice(_KIND)[0]}"
            changed = "family_changed_moved" if changed != "none" else changed
        if changed != "none":
            _label(labels, changed)
    r = rng.random()
    if r < 0.05 and given in _NICK:
        d["given"] = rng.choice(_NICK[given])
    elif r < 0.09 and given:
        d["given"] = given[0] + ("." if rng.random() < 0.5 else "")
    for key in ("given", "family", "street", "city"):
        value = d[key]
        if value and (key != "given" or len(value) > 2):
            d[key] = _typos(value, rng, 0.15, drift=drift, labels=labels)
    for key in ("phone", "postcode"):
        value = d[key]
        if value and rng.random() < 0.03:
            d[key] = _edit(value, rng)
    if d["email"] and rng.random() < 0.02:
        local, _, domain = (d["email"] or "").partition("@")
        d["email"] = f"{_edit(local, rng)}@{domain}"
        _label(labels, "email_fuzzy")
    if rng.random() < 0.08:
        d["given"], d["family"] = d["family"], d["given"]
    if rng.random() < 0.03:
        d["street"], d["city"] = d["city"], d["street"]
    missing = {"email": 0.65, "phone": 0.35, "street": 0.2, "city": 0.15, "postcode": 0.15,
               "given": 0.05, "family": 0.02}  # fmt: skip
    for key, rate in missing.items():
        if rng.random() < rate:
            d[key] = None
    phone = d["phone"]
    if phone and rng.random() < 0.5:
        phone = rng.choice(
            [f"+1 {phone[:3]} {phone[3:6]} {phone[6:]}", f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"]
        )
    street = d["street"]
    if street and rng.random() < 0.4:
        for long, short in _KIND:
            if street.endswith(" " + long):
                street = street[: -len(long)] + short
    if rng.random() < 0.1:
        d = {k: (v.upper() if v and k in ("given", "family") else v) for k, v in d.items()}
    address = Address((street,) if street else (), city=d["city"], postal_code=d["postcode"])
    if (d["given"] is None) != (d["family"] is None) and p["given"] and p["family"]:
        _label(labels, "name_missing")
    return Buyer(
        first_name=d["given"],
        last_name=d["family"],
        email=d["email"],
        phone=phone,
        address=address if (street or d["city"] or d["postcode"]) else None,
    )


def generate_judge_like(
    n_customers: int,
    *,
    seed: int,
    n_buyers: int | None = None,
    absent_rate: float = 0.35,
    household_rate: float = 0.03,
    drift: bool = False,
) -> LinkageData:
    """``n_customers`` ledger customers (plus household members) and corrupted CRM buyers.

    ``drift`` adds the replaced and reshaped values described in the module docstring.
    """
    rng = random.Random(seed)
    places, used = _Places(rng), set[str]()
    displays: set[str] = set()
    owners: dict[str, dict[str, str | None]] = {}
    people = [_person(rng, places, used, drift=drift, owners=owners) for _ in range(n_customers)]
    customers = [
        _as_customer(p, f"J{i}", rng, drift=drift, displays=displays) for i, p in enumerate(people)
    ]
    for i in range(n_customers):
        if rng.random() < household_rate:
            relative = _person(rng, places, used, drift=drift, owners=owners)
            if relative["given"] == people[i]["given"]:
                continue
            relative.update({k: people[i][k] for k in ("family", "street", "city", "postcode")})
            if rng.random() < 0.5:
                relative["phone"] = people[i]["phone"]
            if drift and rng.random() < _DRIFT["household_mailbox"]:
                _share_mailbox(people[i], relative, rng, used)
            people.append(relative)
            customers.append(
                _as_customer(relative, f"J{len(people) - 1}", rng, drift=drift, displays=displays)
            )
            if drift and people[i].get("mailbox"):
                customers[i] = _with_mailbox(customers[i], people[i], displays)
    pairs: list[tuple[Buyer, frozenset[str]]] = []
    sources: list[tuple[dict[str, str | None], int | None, set[str]]] = []
    for _ in range(n_customers // 2 if n_buyers is None else n_buyers):
        labels: set[str] = set()
        if rng.random() < absent_rate:
            person = _person(rng, places, used, drift=drift, owners=owners)
            buyer = _corrupt(person, rng, drift=drift, labels=labels)
            pairs.append((buyer, frozenset()))
            sources.append((person, None, labels))
        else:
            i = rng.randrange(len(people))
            buyer = _corrupt(people[i], rng, drift=drift, places=places, labels=labels)
            pairs.append((buyer, frozenset({f"J{i}"})))
            sources.append((people[i], i, labels))
    return LinkageData(customers, pairs, _labels(customers, sources))


def _labels(
    customers: list[Customer],
    sources: list[tuple[dict[str, str | None], int | None, set[str]]],
) -> list[frozenset[str]]:
    """Each pair's classes: those ``_corrupt`` applied, then those read off the ledger.

    Ledger side (no draw): the customer recorded with one name of the two (``name_missing``);
    a household mailbox; an e-mail a letter from a namesake's (``email_fuzzy``), on both
    namesakes' buyers; a customer, or a namesake of it, saved with QBO's ``(n)`` suffix.
    """
    suffixed = {
        _base_display(c.display_name).lower()
        for c in customers
        if _base_display(c.display_name) != c.display_name
    }
    out = []
    for person, index, labels in sources:
        name = " ".join(x for x in (person["given"], person["family"]) if x).lower()
        if index is not None:
            customer = customers[index]
            one_name = (customer.given_name is None) != (customer.family_name is None)
            if one_name and person["given"] and person["family"]:
                labels.add("name_missing")
            if person.get("mailbox"):
                labels.add("household_mailbox")
            if _base_display(customer.display_name).lower() in suffixed:
                labels.add("qbo_suffix")
        elif name in suffixed:
            labels.add("qbo_suffix")
        if person.get("letter_apart"):
            labels.add("email_fuzzy")
        out.append(frozenset(labels or {"none"}))
    return out


def _with_mailbox(customer: Customer, p: dict[str, str | None], displays: set[str]) -> Customer:
    """The customer of ``p`` after its household took a mailbox (and maybe lost given names)."""
    email = p["email"] if customer.email else None
    if p["given"] is not None:
        return attrs.evolve(customer, email=email)
    display = base = p["family"] or customer.display_name
    n = 1
    while display.lower() in displays:
        n += 1
        display = f"{base} ({n})"
    displays.add(display.lower())
    return attrs.evolve(customer, email=email, given_name=None, display_name=display)


def _share_mailbox(
    first: dict[str, str | None],
    second: dict[str, str | None],
    rng: random.Random,
    used: set[str],
) -> None:
    """Give two relatives one household mailbox (``thesmiths@``), maybe no given names."""
    family = (first["family"] or "").lower().replace("'", "").replace(" ", "")
    plural = family if family.endswith("s") else f"{family}s"
    local = rng.choice([family, f"the{plural}", f"{family}family", plural])
    email = f"{local}@{rng.choice(_PROVIDERS)}"
    while email in used:
        email = f"{local}{rng.randint(1, 99)}@{rng.choice(_PROVIDERS)}"
    used.add(email)
    for person in (first, second):
        person["email"], person["mailbox"] = email, "yes"
    if rng.random() < _DRIFT["household_no_given"]:
        first["given"] = second["given"] = None
