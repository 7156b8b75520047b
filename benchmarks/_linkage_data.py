"""Synthetic CRM-vs-ledger linkage data with known truth, for tests and the matching benchmark.

Why: a matcher tuned on hand-picked fixtures learns the fixtures. This generator instead models
how one real person or business ends up as two records — a QuickBooks customer typed by a
bookkeeper and a HubSpot contact/company typed by sales or filled in by a form — and lets the two
drift apart the way such records do: typos and OCR slips, nicknames, initials, swapped given and
family names, missing fields, work vs personal e-mail, phone numbers written with or without
country code, abbreviated or stale addresses, companies written "Smith & Co" in one system and
"Smith and Co Ltd" in the other. Names come from several cultures with skewed (Zipf-like)
frequencies, so common names collide as they do in real ledgers. About a third of the buyers have
no partner among the customers (new customers), some customers are duplicated in the ledger, and
relatives and namesakes make hard negatives.

Everything is driven by one ``random.Random(seed)``: the same seed gives the same data.

Example:
    >>> data = generate(200, seed=1)
    >>> len(data.customers) >= 200, len(data.pairs) > 90
    (True, True)
"""

# ruff: noqa: SIM905 - vocabularies read best as space-separated words
from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import attrs

from hubqbo.matching import Buyer, MatchResult
from hubqbo.models import Address, Customer

__all__ = [
    "CLASSES",
    "LinkageData",
    "Quality",
    "evaluate",
    "generate",
    "generate_person_records",
]

CLASSES: dict[str, str] = {
    # label: what the generator did to the pair (issue 19's classes, then the rest)
    "family_changed": "changed family name, same address",
    "family_changed_moved": "changed family name and moved",
    "no_house_number": "street + postcode, no house number on one side",
    "space_slip": "words run together / split by a space",
    "name_missing": "a name missing on one side",
    "email_fuzzy": "fuzzy e-mail repeating the names",
    "household_mailbox": "household mailbox (family-name e-mail)",
    "qbo_suffix": "QBO (2) suffix namesakes",
    "given_replaced": "given name replaced (vetoed)",
    "relative": "a customer's relative (no partner)",
    "none": "none of these",
}
"""The corruption classes a pair can carry (``LinkageData.labels``), in report order.

A pair carries every class applied to it; ``none`` only when it carries no other. Precision
classes (fuzzy e-mails, household mailboxes, QBO's suffix, relatives) also label buyers without
a partner: those are the buyers a wrong customer would come from.
"""

# --------------------------------------------------------------------------- vocabularies

_CULTURES: dict[str, tuple[str, str, str]] = {
    # culture: (given names, most common first; family names; country)
    "en": (
        "James John Robert Michael William David Richard Joseph Thomas Charles Christopher "
        "Daniel Matthew Anthony Mark Steven Paul Andrew Joshua Kenneth Kevin Brian George "
        "Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen "
        "Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond "
        "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy "
        "Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy "
        "Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley "
        "Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel "
        "Catherine Carolyn Janet Ruth Maria Heather Diane Virginia Julie Joyce Victoria Olivia",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
        "Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
        "Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips "
        "Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper "
        "Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks Wood James Bennett "
        "Gray Hughes Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan "
        "Bell Coleman Butler Henderson Barnes Fisher Vasquez Simmons Graham Marshall Owens "
        "Harrison Gibson Wallace Hamilton Ellis McDonald Kennedy O'Brien O'Connor MacLeod "
        "Fitzgerald Abernathy Blackwood Thornton Whitfield Hargreaves Pemberton Ashworth",
        "US",
    ),
    "gb": (
        "Oliver Harry George Jack Charlie Thomas Oscar William James Henry Leo Alfie Joshua "
        "Freddie Archie Arthur Logan Alexander Harrison Edward Olivia Amelia Isla Ava Mia "
        "Isabella Sophia Grace Lily Freya Emily Ivy Ella Rosie Evie Florence Poppy Charlotte "
        "Willow Sienna Margaret Elizabeth Catherine Eleanor Philippa",
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Wood "
        "Thompson Evans Walker White Roberts Green Hall Thomas Clarke Jackson Hughes Edwards "
        "Lewis Harris Turner Hill Cooper Ward Morris King Baker Moore Harrison Lee Allen "
        "Cartwright Fairweather Ramsbottom Entwistle Greenhalgh Featherstonehaugh Llewellyn",
        "GB",
    ),
    "es": (
        "José Juan Antonio Manuel Francisco Luis Carlos Javier Miguel Alejandro Pedro Jorge "
        "Diego Sergio Fernando Pablo Raúl Enrique Andrés María Carmen Ana Isabel Laura Lucía "
        "Marta Elena Sofía Paula Guadalupe Rosa Patricia Cristina Beatriz Verónica Alicia",
        "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín "
        "Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro "
        "Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina Morales Ortega "
        "Delgado Castro Ortiz Rubio Marín Sanz Iglesias Núñez Medina Garrido Cortés Castillo "
        "Santos Lozano Guerrero Cano Prieto Méndez Cruz Calvo Gallego Vidal León Herrera "
        "De la Cruz Del Río",
        "ES",
    ),
    "de": (
        "Lukas Leon Maximilian Felix Paul Jonas Elias Finn Noah Luis Ben Julian Moritz "
        "Wolfgang Klaus Jürgen Dieter Stefan Thomas Andreas Michael Hans Uwe Sabine Petra "
        "Monika Ursula Claudia Andrea Birgit Susanne Anja Katrin Julia Lena Hannah Lea Sophie "
        "Marie Emma Greta Johanna Ingrid Gisela",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
        "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger "
        "Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze "
        "Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller "
        "Weiß Jung Hahn Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz",
        "DE",
    ),
    "fr": (
        "Jean Pierre Michel André Philippe René Louis Alain Jacques Bernard Marcel Daniel "
        "Roger Nicolas François Julien Mathieu Sébastien Jérôme Olivier Marie Jeanne Françoise "
        "Monique Catherine Nathalie Isabelle Sylvie Anne Christine Sophie Céline Hélène "
        "Aurélie Élodie Camille Manon Chloé Léa",
        "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
        "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André "
        "Lefebvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure "
        "Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément",
        "FR",
    ),
    "it": (
        "Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro Salvatore "
        "Carlo Franco Domenico Bruno Paolo Marco Alessandro Andrea Matteo Lorenzo Maria Anna "
        "Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina Francesca Giulia "
        "Chiara Federica Alessia",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo "
        "Conti De Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro "
        "Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale "
        "Lombardo Serra Coppola De Santis D'Angelo Marchetti",
        "IT",
    ),
    "in": (
        "Aarav Vivaan Aditya Vihaan Arjun Sai Reyansh Krishna Ishaan Rahul Amit Rajesh "
        "Sanjay Vikram Anil Sunil Ravi Suresh Priya Ananya Diya Aadhya Saanvi Pooja Neha "
        "Sunita Anjali Kavita Deepika Lakshmi Meera Divya Shreya",
        "Patel Sharma Singh Kumar Gupta Shah Mehta Reddy Rao Iyer Nair Joshi Desai Kapoor "
        "Malhotra Chopra Agarwal Banerjee Chatterjee Mukherjee Das Bose Pillai Menon "
        "Krishnan Subramanian Venkatesh Ramachandran Bhattacharya Chaudhary",
        "IN",
    ),
    "zh": (
        "Wei Fang Min Jing Li Jun Hui Yan Lei Jie Ying Hong Tao Ming Xin Yu Hao Chen Lin "
        "Xiaoming Xiaoling Jian Qiang Ping Mei Yun Zhen Bo Kai",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao "
        "Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng",
        "US",
    ),
    "vn": (
        "Anh Minh Huy Khoa Long Nam Phuc Quang Thanh Tuan Linh Mai Ngoc Trang Huong Lan "
        "Thao Hoa Phuong Duc",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý",
        "US",
    ),
    "ng": (
        "Chinedu Emeka Oluwaseun Adebayo Tunde Chukwuemeka Ifeanyi Obinna Babatunde Kelechi "
        "Ngozi Chioma Adaeze Funmilayo Yetunde Aisha Folake Amaka Nneka Blessing",
        "Okafor Adeyemi Okonkwo Ogunleye Eze Nwosu Olawale Adebayo Chukwu Obi Okeke Bello "
        "Abubakar Ibrahim Onyeka Uchenna Afolabi Balogun Oyelaran Nnamdi",
        "GB",
    ),
    "ar": (
        "Mohammed Ahmed Ali Omar Youssef Hassan Ibrahim Khalid Mustafa Karim Tariq Samir "
        "Fatima Aisha Mariam Layla Nour Huda Salma Zainab Yasmin Rania",
        "Al-Sayed Haddad Khoury Mansour Nasser Saleh Hamdan Aziz Rahman Farouk Habib Khalil "
        "Qureshi Sabbagh Darwish Bakr Suleiman Abboud",
        "GB",
    ),
    "pl": (
        "Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Łukasz Jakub Grzegorz Anna "
        "Katarzyna Małgorzata Agnieszka Barbara Ewa Magdalena Joanna Aleksandra Zofia",
        "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
        "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk",
        "DE",
    ),
    "nl": (
        "Daan Sem Lucas Levi Bram Thijs Ruben Jeroen Pieter Willem Sanne Lotte Femke Anouk "
        "Eva Sophie Julia Fleur Marieke Ingrid",
        "De Jong Jansen De Vries Van den Berg Van Dijk Bakker Janssen Visser Smit Meijer "
        "De Boer Mulder De Groot Bos Vos Peters Hendriks Van Leeuwen Dekker Brouwer",
        "DE",
    ),
    "jp": (
        "Hiroshi Takashi Kenji Yuki Daisuke Haruto Ren Sota Yuto Kaito Yui Aoi Sakura Hina "
        "Yuna Mei Akiko Keiko Naoko Emi",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
        "Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu",
        "US",
    ),
}
_CULTURE_WEIGHTS = {
    "en": 34, "gb": 12, "es": 10, "de": 7, "fr": 5, "it": 4, "in": 7, "zh": 6, "vn": 3,
    "ng": 3, "ar": 3, "pl": 2, "nl": 2, "jp": 2,
}  # fmt: skip

_NICKS = {
    "William": ["Bill", "Will", "Billy", "Liam"], "Robert": ["Bob", "Rob", "Bobby"],
    "Richard": ["Rick", "Dick", "Rich"], "James": ["Jim", "Jimmy", "Jamie"],
    "John": ["Jack", "Johnny", "Jon"], "Michael": ["Mike", "Mick"], "Thomas": ["Tom", "Tommy"],
    "Joseph": ["Joe", "Joey"], "Charles": ["Charlie", "Chuck"], "Christopher": ["Chris"],
    "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Anthony": ["Tony"], "Steven": ["Steve"],
    "Stephen": ["Steve"], "Andrew": ["Andy", "Drew"], "Joshua": ["Josh"], "Kenneth": ["Ken"],
    "Edward": ["Ed", "Eddie", "Ted"], "Jeffrey": ["Jeff"], "Jacob": ["Jake"],
    "Nicholas": ["Nick"], "Jonathan": ["Jon"], "Benjamin": ["Ben"], "Samuel": ["Sam"],
    "Gregory": ["Greg"], "Alexander": ["Alex"], "Patrick": ["Pat"], "Timothy": ["Tim"],
    "Ronald": ["Ron"], "Elizabeth": ["Liz", "Beth", "Betty", "Lizzie"],
    "Margaret": ["Maggie", "Peggy", "Meg"], "Patricia": ["Pat", "Patty", "Trish"],
    "Jennifer": ["Jen", "Jenny"], "Jessica": ["Jess"], "Katherine": ["Kate", "Kathy"],
    "Catherine": ["Cathy", "Kate"], "Rebecca": ["Becky"], "Samantha": ["Sam"],
    "Deborah": ["Debbie", "Deb"], "Victoria": ["Vicky"], "Susan": ["Sue"],
    "Pamela": ["Pam"], "Kimberly": ["Kim"], "Cynthia": ["Cindy"], "Dorothy": ["Dot"],
    "Francisco": ["Paco"], "José": ["Pepe"], "Giuseppe": ["Beppe"], "Alejandro": ["Alex"],
    "Frederick": ["Fred"], "Harry": ["Harold"], "Freddie": ["Fred"], "Eleanor": ["Ellie"],
    "Isabella": ["Bella"], "Philippa": ["Pippa"],
}  # fmt: skip

_STREETS = (
    "High Main Church Park Station Victoria Mill Oak Maple Cedar Elm Pine Washington Lake "
    "Hill Sunset Green King Queen London Manor Chestnut Willow Highland Meadow Forest River "
    "Bridge Castle York Albert Jefferson Lincoln Madison Franklin Walnut Spring Grove Orchard "
    "Garden Broad Market School New North South West Hauptstraße Bahnhof Rue"
).split()
_STREET_TYPES = [
    ("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Drive", "Dr"),
    ("Court", "Ct"), ("Place", "Pl"), ("Boulevard", "Blvd"), ("Close", "Cl"), ("Way", "Wy"),
]  # fmt: skip
_CITIES = {
    "US": "Springfield Portland Austin Denver Boston Seattle Chicago Phoenix Columbus Madison "
    "Albany Richmond Salem Dayton Tulsa Fresno Oakland Tampa".split(),
    "GB": "London Leeds Manchester Bristol York Bath Leicester Norwich Cardiff Glasgow "
    "Edinburgh Oxford Cambridge Brighton Sheffield".split(),
    "ES": "Madrid Barcelona Valencia Sevilla Zaragoza Málaga Bilbao Granada".split(),
    "DE": "Berlin Hamburg München Köln Frankfurt Stuttgart Düsseldorf Leipzig".split(),
    "FR": "Paris Lyon Marseille Toulouse Nice Nantes Strasbourg Bordeaux".split(),
    "IT": "Roma Milano Napoli Torino Palermo Genova Bologna Firenze".split(),
    "IN": "Mumbai Delhi Bengaluru Chennai Pune Hyderabad Kolkata".split(),
}
_COUNTRY_CODE = {"US": "1", "GB": "44", "ES": "34", "DE": "49", "FR": "33", "IT": "39", "IN": "91"}
_COMPANY_WORDS = (
    "Apex Summit Blue Harbor Northern Pioneer Granite Silver Oak Bright Green Valley Atlas "
    "Crescent Horizon Evergreen Golden Beacon Cedar Union Metro Coastal Prime Vertex Nova "
    "Redwood Lakeside Sterling Keystone Liberty Heritage"
).split()
_INDUSTRY = (
    "Consulting Plumbing Bakery Logistics Software Design Construction Dental Legal "
    "Marketing Electrical Catering Engineering Landscaping Analytics Media Medical Motors "
    "Printing Roofing Tech Travel Trading Foods Studio Interiors Accounting Security"
).split()
_LEGAL = {
    "US": [("Inc", "Inc."), ("LLC", "L.L.C."), ("Corp", "Corporation"), ("Co", "Company")],
    "GB": [("Ltd", "Limited"), ("Ltd", "Ltd."), ("PLC", "plc"), ("LLP", "LLP")],
    "DE": [("GmbH", "GmbH"), ("AG", "AG"), ("GmbH & Co. KG", "GmbH & Co KG")],
    "ES": [("S.L.", "SL"), ("S.A.", "SA")],
    "FR": [("SARL", "S.A.R.L."), ("SAS", "S.A.S.")],
    "IT": [("S.r.l.", "SRL"), ("S.p.A.", "SpA")],
    "IN": [("Pvt Ltd", "Private Limited")],
}
_FREE_MAIL = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
              "gmx.de", "web.de", "orange.fr", "btinternet.com", "libero.it"]  # fmt: skip
_KEYBOARD = {
    "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}  # fmt: skip
_OCR = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("l", "1"), ("O", "0"), ("o", "0"), ("e", "c"),
        ("S", "5"), ("B", "8"), ("h", "b"), ("u", "v"), ("i", "l"), ("n", "h")]  # fmt: skip


def _zipf(items: Sequence[str], rng: random.Random, s: float = 1.0) -> str:
    """Pick with probability ∝ 1/rank^s: early items (the common names) come up far more often."""
    weights = _ZIPF_CACHE.get((len(items), s))
    if weights is None:
        weights = [1.0 / (rank**s) for rank in range(1, len(items) + 1)]
        total = 0.0
        cumulative = []
        for w in weights:
            total += w
            cumulative.append(total)
        weights = cumulative
        _ZIPF_CACHE[(len(items), s)] = weights
    return rng.choices(items, cum_weights=weights)[0]


_ZIPF_CACHE: dict[tuple[int, float], list[float]] = {}


def _split_names(text: str) -> list[str]:
    """Split a space-separated vocabulary, keeping multi-word surnames (De la Cruz, Van Dijk)."""
    out: list[str] = []
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word in {"De", "Del", "Van", "Al-Sayed"} and word != "Al-Sayed":
            j = i + 1
            while j < len(words) and words[j] in {"la", "den", "Jong", "Vries", "Berg"} | {
                "Río", "Dijk", "Boer", "Groot", "Leeuwen", "Luca", "Santis", "Cruz"
            }:  # fmt: skip
                j += 1
                if words[j - 1] not in {"la", "den"}:
                    break
            out.append(" ".join(words[i:j]))
            i = j
        else:
            out.append(word)
            i += 1
    return out


# The long tail: most real family names are rare. Western-style ones are built from parts (an
# English "Ashworth", a German "Steinberger", an Italian "Belardini"); Chinese, Vietnamese and
# Japanese family names really are few, so those cultures get no tail.
_TAIL_PARTS: dict[str, tuple[str, str]] = {
    "en": ("Ash Black Brad Brook Cald Chad Dun Fair Fern Gold Hal Hart Hather Kings Lang Mar "
           "Mor Nor Pen Pres Rad Red Ring Ros Sel Stan Stock Thorn Wake Wal Wey Whit Wins Wood",
           "ford ley ton worth wood field by well more combe stead ham bury shaw wick ridge "
           "land cott hurst"),
    "de": ("Alt Bern Eichen Falken Gold Grün Hagen Hirsch Hoch Lichten Linden Rosen Schwarz "
           "Stein Wald Weiden Wolfs Adler Bach Kirch",
           "berger mann bauer hofer feld thal burg stätter huber meier reiter häuser dorf"),
    "it": ("Bel Cal Fior Gal Lan Mar Pel Ros San Ter Val Ven Bor Cor Fer Mon Pas",
           "ardini ucci etti ello ini otti asso ieri ano ardi one"),
    "es": ("Al Bel Cas Ech Gar Ibar Lar Mend Olab Sal Urr Zab Arr Beti Goi",
           "averría ieta uren oaga iondo ola aga iza abal ondo"),
    "fr": ("Beau Bel Bon Cham Dela Du Fon Lacro Mont Roche Vau Ville Gren Mar",
           "champ court fort mont pierre lieu vallon bois ville ret geon"),
    "pl": ("Bor Chmiel Gr Kr Mal Pias Sob Wier Zaj Lis Dud",
           "owski ewski iński ecki czak ak ek"),
    "nl": ("Hoog Brink Haar Kamp Groen Hoeven Ooster Wester Zuider Linde",
           "veld huis hout broek dijk kamp straten"),
    "ng": ("Ade Olu Chi Nwa Oke Ife Ola Ogun Eze Obi",
           "wale kunle nedu chukwu bode femi yemi nna oma"),
    "in": ("Ra Su Ve Kri Ma Ba Sri Ha Go Na",
           "manathan bramanian ndran shnan jumdar lasubramanian thuraman"),
    "ar": ("Al-Ha Al-Ma Al-Sa Ab Khou Na Za Bar Sha",
           "shimi lki ri dullah ry jjar hrani ghouti"),
}  # fmt: skip
_TAIL_SHARE = {"en": 0.45, "gb": 0.45, "de": 0.4, "it": 0.4, "es": 0.3, "fr": 0.4, "pl": 0.4,
               "nl": 0.3, "ng": 0.3, "in": 0.25, "ar": 0.2}  # fmt: skip


def _tail_family(culture: str, rng: random.Random) -> str | None:
    """A rare family name for ``culture`` (None when the culture has no long tail here)."""
    parts = _TAIL_PARTS.get("en" if culture == "gb" else culture)
    if parts is None or rng.random() >= _TAIL_SHARE.get(culture, 0.0):
        return None
    head, tail = rng.choice(parts[0].split()), rng.choice(parts[1].split())
    if culture == "nl":
        return f"Van {head}{tail}" if rng.random() < 0.3 else head + tail
    return head + tail


_VOCAB = {
    culture: (given.split(), _split_names(family), country)
    for culture, (given, family, country) in _CULTURES.items()
}


# --------------------------------------------------------------------------- corruptions


def typo(text: str, rng: random.Random) -> str:
    """One human or OCR slip: keyboard neighbour, deletion, insertion, transposition, OCR swap."""
    if len(text) < 3:
        return text
    kind = rng.random()
    i = rng.randrange(1, len(text)) if len(text) > 3 else rng.randrange(len(text))
    if kind < 0.15:
        for wrong, right in rng.sample(_OCR, len(_OCR)):
            if wrong in text[1:]:
                j = text.index(wrong, 1)
                return text[:j] + right + text[j + len(wrong) :]
    if kind < 0.4:
        c = text[i].lower()
        near = _KEYBOARD.get(c)
        if near:
            return text[:i] + rng.choice(near) + text[i + 1 :]
        return text[:i] + text[i + 1 :]
    if kind < 0.6:
        return text[:i] + text[i + 1 :]
    if kind < 0.8:
        return text[:i] + rng.choice(string.ascii_lowercase) + text[i:]
    if i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i] + text[i:]


def _slip(text: str, rng: random.Random, *, drift: bool, labels: set[str] | None = None) -> str:
    """A typo; with ``drift``, 15% of slips a space lost or added instead.

    ``labels`` gets ``space_slip`` when the slip is a space lost or added (no draw of its own).

    Kukich (1992, "Techniques for automatically correcting words in text", ACM Computing
    Surveys 24(4); its study of typed TDD text): run-on words 13% and split words 2% of the
    spelling errors.
    """
    if not drift or rng.random() >= 0.15:
        return typo(text, rng)
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if spaces and rng.random() < 13 / 15:
        i = rng.choice(spaces)
        _label(labels, "space_slip")
        return text[:i] + text[i + 1 :]
    cuts = [i for i in range(1, len(text)) if text[i - 1].isalpha() and text[i].isalpha()]
    if not cuts:
        return typo(text, rng)
    i = rng.choice(cuts)
    _label(labels, "space_slip")
    return text[:i] + " " + text[i:]


def _label(labels: set[str] | None, name: str) -> None:
    """Record a corruption class on a pair (labels never draw from the generator's rng)."""
    if labels is not None:
        labels.add(name)


def _case(text: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return text.upper()
    if r < 0.1:
        return text.lower()
    return text


# --------------------------------------------------------------------------- entities


@dataclass
class _Entity:
    """One real person or business, before either system writes it down."""

    given: str
    family: str
    country: str
    culture: str
    email_personal: str | None
    email_work: str | None
    phone: str  # national significant number (no trunk 0, no country code)
    street_no: str
    street: str
    street_type: tuple[str, str]
    unit: str | None
    postcode: str
    city: str
    company: str | None = None
    company_legal: tuple[str, str] | None = None
    domain: str | None = None
    is_business: bool = False


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ł", "l"))
    folded = folded.replace("Ł", "L").replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in ".-"))


def _postcode(country: str, rng: random.Random) -> str:
    if country == "GB":
        area = rng.choice(["LS", "M", "BS", "SW", "EC", "N", "CF", "OX", "CB", "BN", "S", "G"])
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        inward = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        return f"{area}{rng.randint(1, 20)} {inward}"
    if country == "US":
        return f"{rng.randint(10000, 99950):05d}"
    return f"{rng.randint(1000, 99999):05d}"


def _phone_nsn(country: str, rng: random.Random) -> str:
    if country == "US":
        return f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
    if country == "GB":
        return (
            rng.choice(["20", "113", "161", "117", "7"])
            + "".join(rng.choice(string.digits) for _ in range(8))[: 10 - 2]
        )
    return "".join(rng.choice(string.digits) for _ in range(9))


def _unique(value: str, used: set[str], rng: random.Random) -> str:
    """Make an e-mail address or domain unique, as real ones are (a number is added)."""
    while value in used:
        head, sep, tail = value.partition("@") if "@" in value else value.partition(".")
        value = f"{head}{rng.randint(1, 999)}{sep}{tail}"
    used.add(value)
    return value


def _entity(
    rng: random.Random,
    used: set[str],
    *,
    family: str | None = None,
    culture: str | None = None,
    business: bool = True,
) -> _Entity:
    culture = culture or rng.choices(list(_CULTURE_WEIGHTS), list(_CULTURE_WEIGHTS.values()))[0]
    given_pool, family_pool, country = _VOCAB[culture]
    if rng.random() < 0.25:  # many people live elsewhere than their name suggests
        country = rng.choice(["US", "GB", "DE", "FR", "ES", "IT", "IN"])
    given = _zipf(given_pool, rng, 0.9)
    family = family or _tail_family(culture, rng) or _zipf(family_pool, rng, 0.8)
    if culture == "es" and rng.random() < 0.35:  # two surnames, used inconsistently
        family = f"{family} {_zipf(family_pool, rng, 0.8)}"
    g, f = _ascii(given).lower(), _ascii(family).lower().replace(" ", "")
    style = rng.random()
    local = (
        f"{g}.{f}" if style < 0.4 else f"{g[0]}{f}" if style < 0.6 else f"{g}{f}" if style < 0.75
        else f"{g}.{f}{rng.randint(1, 99)}" if style < 0.9 else f"{g}_{f[:3]}{rng.randint(60, 99)}"
    )  # fmt: skip
    personal = (
        _unique(f"{local}@{rng.choice(_FREE_MAIL)}", used, rng) if rng.random() < 0.8 else None
    )
    city_country = country if country in _CITIES else "US"
    entity = _Entity(
        given=given,
        family=family,
        country=country,
        culture=culture,
        email_personal=personal,
        email_work=None,
        phone=_phone_nsn(country, rng),
        street_no=str(rng.randint(1, 400)) + (rng.choice("AB") if rng.random() < 0.04 else ""),
        street=rng.choice(_STREETS),
        street_type=rng.choice(_STREET_TYPES),
        unit=f"Apt {rng.randint(1, 40)}" if rng.random() < 0.12 else None,
        postcode=_postcode(country, rng),
        city=rng.choice(_CITIES[city_country]),
    )
    if business and rng.random() < 0.45:  # works for (or is) a business
        entity.is_business = rng.random() < 0.45
        pattern = rng.random()
        if pattern < 0.3:
            suffix = "& Co" if rng.random() < 0.3 else rng.choice(_INDUSTRY)
            core = f"{entity.family} {suffix}"
        elif pattern < 0.6:
            core = f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_INDUSTRY)}"
        elif pattern < 0.8:
            words = rng.sample(_COMPANY_WORDS, 2)
            core = f"{words[0]} {words[1]} {rng.choice(_INDUSTRY)}"
        else:
            core = f"{_zipf(family_pool, rng)} & {_zipf(family_pool, rng)}"
        entity.company = core
        entity.company_legal = rng.choice(_LEGAL.get(country, _LEGAL["US"]))
        slug = "".join(c for c in _ascii(core).lower() if c.isalnum())[:18]
        tld = {"GB": "co.uk", "DE": "de", "FR": "fr", "ES": "es", "IT": "it", "IN": "in"}
        entity.domain = _unique(f"{slug}.{tld.get(country, 'com')}", used, rng)
        work = f"{g}.{f}@{entity.domain}" if rng.random() < 0.7 else f"{g[0]}{f}@{entity.domain}"
        entity.email_work = _unique(work, used, rng)
    return entity


# --------------------------------------------------------------------------- the two renderings


def _phone_text(entity: _Entity, rng: random.Random, *, international: float) -> str:
    nsn, cc = entity.phone, _COUNTRY_CODE.get(entity.country, "1")
    r = rng.random()
    if entity.country == "US":
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        ext = rng.randint(1, 99)
        forms = [f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}",
                 f"1-{a}-{b}-{c}", f"{a}{b}{c}", f"+1 ({a}) {b}-{c} ext. {ext}"]  # fmt: skip
    else:
        spaced = f"{nsn[:3]} {nsn[3:6]} {nsn[6:]}"
        forms = [f"0{spaced}", f"0{nsn}", f"+{cc} {spaced}", f"+{cc} (0){spaced}",
                 f"00{cc} {nsn}", f"+{cc}{nsn}"]  # fmt: skip
    if r < international:
        return rng.choice([f for f in forms if f.startswith(("+", "00"))] or forms)
    return rng.choice(forms)


def _street_text(entity: _Entity, rng: random.Random, abbreviate: float) -> str:
    long, short = entity.street_type
    kind = short if rng.random() < abbreviate else long
    if rng.random() < 0.2:
        kind += "."
    line = f"{entity.street_no} {entity.street} {kind}"
    if entity.country in {"DE", "FR", "ES", "IT"} and rng.random() < 0.5:
        line = f"{entity.street} {kind} {entity.street_no}"
    if entity.unit and rng.random() < 0.7:
        line = f"{line}, {entity.unit}" if rng.random() < 0.5 else f"{entity.unit}, {line}"
    return line


def _company_text(entity: _Entity, rng: random.Random, *, legal: bool) -> str:
    assert entity.company
    assert entity.company_legal
    name = entity.company
    if rng.random() < 0.25:
        name = name.replace(" & ", " and ") if "&" in name else name.replace(" and ", " & ")
    if legal:
        name = f"{name}{',' if rng.random() < 0.2 else ''} {rng.choice(entity.company_legal)}"
    return name


def _customer(entity: _Entity, cid: str, rng: random.Random, *, complete: bool) -> Customer:
    """How a bookkeeper records the entity in QuickBooks: tidy but terse.

    ``complete`` keeps every contact field (e-mail, phone, billing address) the entity has.
    """
    keep = 1.0 if complete else 0.0
    given, family = entity.given, entity.family
    if rng.random() < 0.02:
        family = typo(family, rng)
    if rng.random() < 0.02:
        given = typo(given, rng)
    company = _company_text(entity, rng, legal=True) if entity.company else None
    if entity.is_business and company:
        display = company
        keep_person = rng.random() < 0.6
        email = (
            f"{rng.choice(['accounts', 'billing', 'info', 'finance'])}@{entity.domain}"
            if rng.random() < 0.5
            else entity.email_work
        )
    else:
        display = f"{family}, {given}" if rng.random() < 0.2 else f"{given} {family}"
        keep_person = rng.random() < 0.85
        usual = entity.email_work or entity.email_personal
        email = usual if rng.random() < 0.8 else entity.email_personal
        if rng.random() < 0.75:
            company = None
    if rng.random() + keep < 0.25:
        email = None
    elif complete:
        email = email or entity.email_work or entity.email_personal
    address = (
        Address(
            lines=(_street_text(entity, rng, abbreviate=0.7),),
            city=entity.city,
            postal_code=entity.postcode if rng.random() < 0.95 else None,
            country=entity.country,
        )
        if rng.random() - keep < 0.85
        else None
    )
    return Customer(
        id=cid,
        display_name=display,
        given_name=given if keep_person else None,
        family_name=family if keep_person else None,
        company_name=company,
        email=email,
        phone=_phone_text(entity, rng, international=0.2) if rng.random() - keep < 0.75 else None,
        billing_address=address,
    )


def _buyer(
    entity: _Entity, rng: random.Random, *, drift: bool = False, labels: set[str] | None = None
) -> Buyer:
    """How the same entity looks in the CRM: typed by sales, filled in by forms, drifting.

    ``drift``: 2% of people have changed their family name since the ledger recorded them
    (marriage: Pew Research Center 2023, 79% of US women in opposite-sex marriages took the
    husband's name; about 1.2% of people marry a year, CDC/NCHS 2022), half of them at a new
    address; and 15% of the typing slips are a space lost or added (see :func:`_slip`).
    ``labels`` gets the corruption classes applied (see :data:`CLASSES`); it draws nothing.
    """
    renamed = drift and not entity.is_business and rng.random() < 0.02
    if renamed:
        new = _zipf(_VOCAB[entity.culture][1], rng, 0.8)
        entity = replace(entity, family=new if rng.random() >= 0.1 else f"{entity.family}-{new}")
    given: str | None = _case(entity.given, rng)
    family: str | None = _case(entity.family, rng)
    r = rng.random()
    if r < 0.10 and entity.given in _NICKS:
        given = rng.choice(_NICKS[entity.given])
    elif r < 0.15:
        given = f"{entity.given[0]}."
    elif r < 0.22:
        given = _slip(entity.given, rng, drift=drift, labels=labels)
    elif r < 0.25:
        given = None
    r = rng.random()
    if r < 0.10:
        family = _slip(entity.family, rng, drift=drift, labels=labels)
    elif r < 0.12:
        family = typo(typo(entity.family, rng), rng)
    elif r < 0.14:
        family = None
    elif r < 0.17 and " " in entity.family:
        family = entity.family.split()[0]
    if rng.random() < 0.04:
        given, family = family, given
    full_name = None
    if rng.random() < 0.08 and given and family:
        full_name, given, family = f"{given} {family}", None, None
    if (given is None) != (family is None) and not entity.is_business:
        _label(labels, "name_missing")

    email: str | None = None
    r = rng.random()
    if r < 0.45:
        email = None
    elif r < 0.85:
        email = entity.email_work or entity.email_personal
    else:
        email = entity.email_personal or entity.email_work
    if email and rng.random() < 0.15:
        email = rng.choice([email.upper(), f" {email} ", email.capitalize()])
    if email and rng.random() < 0.05:
        email = typo(email, rng)
        _label(labels, "email_fuzzy")

    phone = _phone_text(entity, rng, international=0.4) if rng.random() < 0.65 else None
    if phone and rng.random() < 0.03:
        digits = [i for i, c in enumerate(phone) if c.isdigit()]
        i = rng.choice(digits[-7:])
        phone = phone[:i] + str((int(phone[i]) + rng.randint(1, 9)) % 10) + phone[i + 1 :]

    address = None
    if rng.random() < 0.65:
        moved = rng.random() < 0.06 or (renamed and rng.random() < 0.5)
        if renamed and moved:
            _label(labels, "family_changed_moved")
        source = _entity(rng, set()) if moved else entity
        line = _street_text(source, rng, abbreviate=0.3)
        if rng.random() < 0.06:
            line = _slip(line, rng, drift=drift, labels=labels)
        address = Address(
            lines=(line,),
            city=source.city if rng.random() < 0.9 else None,
            postal_code=(source.postcode.lower() if rng.random() < 0.1 else source.postcode)
            if rng.random() < 0.85
            else None,
        )
    if renamed and not (labels and "family_changed_moved" in labels):
        _label(labels, "family_changed")
    company_name = domain = None
    if entity.company and rng.random() < 0.8:
        company_name = _company_text(entity, rng, legal=rng.random() < 0.5)
        if rng.random() < 0.05:
            company_name = typo(company_name, rng)
        domain = entity.domain if rng.random() < 0.6 else None
    return Buyer(
        first_name=given,
        last_name=family,
        full_name=full_name,
        email=email,
        phone=phone,
        company_name=company_name,
        domain=domain,
        address=address,
    )


# --------------------------------------------------------------------------- data sets


@dataclass
class LinkageData:
    """Customers (the ledger) and buyers (the CRM), each buyer with the ids it truly is.

    ``truth`` is an empty set for a buyer whose customer does not exist yet, and several ids
    when the ledger holds the same customer twice (any of them is a correct answer).
    """

    customers: list[Customer]
    pairs: list[tuple[Buyer, frozenset[str]]] = field(default_factory=list)
    labels: list[frozenset[str]] = field(default_factory=list)
    """Per pair, the :data:`CLASSES` applied to it (empty when the source does not label)."""

    @property
    def buyers(self) -> list[Buyer]:
        """The buyers, in order."""
        return [buyer for buyer, _ in self.pairs]


def generate(
    n_customers: int,
    *,
    seed: int,
    n_buyers: int | None = None,
    absent_rate: float = 0.35,
    duplicate_rate: float = 0.02,
    relative_rate: float = 0.05,
    complete_ledger: bool = False,
    drift: bool = False,
) -> LinkageData:
    """Generate ``n_customers`` ledger customers and ``n_buyers`` CRM buyers (default: half).

    ``absent_rate`` of the buyers are people with no customer; ``duplicate_rate`` of the entities
    are recorded twice in the ledger; ``relative_rate`` of the absent buyers are relatives of a
    customer (same family name, often the same address and phone) — the hardest negatives.
    ``complete_ledger`` gives every customer its e-mail, phone and billing address (a ledger
    kept carefully); by default a third or so of those fields are missing, as in most ledgers.
    ``drift`` adds changed family names and run-on or split words (see :func:`_buyer`), and
    QuickBooks' uniqueness suffix on a display name another customer holds already
    (``Sophie Mason (2)``: QBO refuses a duplicate DisplayName with fault 6240).
    """
    rng = random.Random(seed)
    used: set[str] = set()
    entities = [_entity(rng, used) for _ in range(n_customers)]
    customers: list[Customer] = []
    ids_of: list[list[str]] = []
    for i, entity in enumerate(entities):
        ids = [f"C{i}"]
        customers.append(_customer(entity, ids[0], rng, complete=complete_ledger))
        if rng.random() < duplicate_rate:
            ids.append(f"C{i}d")
            customers.append(_customer(entity, ids[1], rng, complete=complete_ledger))
        ids_of.append(ids)
    n_buyers = n_customers // 2 if n_buyers is None else n_buyers
    pairs: list[tuple[Buyer, frozenset[str]]] = []
    labels: list[set[str]] = []
    sources: list[_Entity] = []
    for _ in range(n_buyers):
        labels.append(set())
        if rng.random() >= absent_rate:
            i = rng.randrange(n_customers)
            buyer = _buyer(entities[i], rng, drift=drift, labels=labels[-1])
            pairs.append((buyer, frozenset(ids_of[i])))
            sources.append(entities[i])
            continue
        if rng.random() < relative_rate / absent_rate:
            relative = entities[rng.randrange(n_customers)]
            other = _entity(
                rng, used, family=relative.family, culture=relative.culture, business=False
            )
            if other.given == relative.given:
                labels.pop()
                continue
            if rng.random() < 0.6:  # same household
                other.street_no, other.street, other.street_type = (
                    relative.street_no, relative.street, relative.street_type,
                )  # fmt: skip
                other.postcode, other.city, other.country = (
                    relative.postcode, relative.city, relative.country,
                )  # fmt: skip
                if rng.random() < 0.5:
                    other.phone = relative.phone
            labels[-1].add("relative")
            pairs.append((_buyer(other, rng, drift=drift, labels=labels[-1]), frozenset()))
            sources.append(other)
        else:
            source = _entity(rng, used)
            pairs.append((_buyer(source, rng, drift=drift, labels=labels[-1]), frozenset()))
            sources.append(source)
    if drift:
        customers = _unique_display_names(customers)
        _label_namesakes(customers, pairs, sources, labels)
    # one shuffle of the triples: the same permutation as shuffling the pairs alone
    triples = list(zip(pairs, labels, strict=True))
    rng.shuffle(triples)
    pairs = [pair for pair, _ in triples]
    return LinkageData(customers, pairs, [_final(lab) for _, lab in triples])


def _final(labels: set[str]) -> frozenset[str]:
    return frozenset(labels or {"none"})


def _label_namesakes(
    customers: list[Customer],
    pairs: list[tuple[Buyer, frozenset[str]]],
    sources: list[_Entity],
    labels: list[set[str]],
) -> None:
    """``qbo_suffix`` on each pair whose customer, or a namesake of it, QBO saved as ``(n)``.

    Also on a buyer without a partner whose name is such a display name: the namesake a wrong
    customer would come from. Reads the finished records only (no draw).
    """
    suffixed = {
        _base_display(c.display_name).lower()
        for c in customers
        if c.display_name and _base_display(c.display_name) != c.display_name
    }
    ids = {c.id for c in customers if _base_display(c.display_name or "").lower() in suffixed}
    for (_, truth), source, label in zip(pairs, sources, labels, strict=True):
        names = {
            f"{source.given} {source.family}".lower(),
            f"{source.family}, {source.given}".lower(),
        }
        if truth & ids or (not truth and names & suffixed):
            label.add("qbo_suffix")


def _base_display(display: str) -> str:
    """A display name without QBO's uniqueness suffix (``Sophie Mason (2)`` → ``Sophie Mason``)."""
    head, sep, tail = display.rpartition(" (")
    return head if sep and tail.endswith(")") and tail[:-1].isdigit() else display


def _unique_display_names(customers: list[Customer]) -> list[Customer]:
    """Customers as QBO holds them: a display name taken already gets " (2)", " (3)" ..."""
    seen: set[str] = set()
    out = []
    for customer in customers:
        base = display = customer.display_name or ""
        n = 1
        while display.lower() in seen:
            n += 1
            display = f"{base} ({n})"
        seen.add(display.lower())
        out.append(customer if display == base else _with_display(customer, display))
    return out


def _with_display(customer: Customer, display: str) -> Customer:
    return attrs.evolve(customer, display_name=display)


# ------------------------------------------------------------------- a second, plainer world


_SYLLABLES = "ka ri to mo na le sa vi ro de an el ma ti lo ne ba ru si pa ha ge".split()


def generate_person_records(
    n_customers: int,
    *,
    seed: int,
    n_buyers: int | None = None,
    absent_rate: float = 0.3,
    typo_rate: float = 0.3,
    email_missing: float = 0.7,
) -> LinkageData:
    """A deliberately different generator, in the style of classic person-linkage benchmarks.

    Why a second one: weights checked against one generator may fit its quirks. This one shares
    no vocabulary or corruption code with :func:`generate`: invented syllable names with a
    heavy Zipf skew (some names shared by hundreds), every customer complete (name, personal
    e-mail, phone, address, city, postcode), buyers corrupted uniformly — typos in names and
    addresses (one or two per field), swapped names, and each field missing independently
    (``email_missing`` for the e-mail, less for the rest), phone formats and street
    abbreviations varied. Absent buyers are fresh people drawn from the same name pools.

    Example:
        >>> data = generate_person_records(100, seed=1)
        >>> len(data.customers), all(c.email for c in data.customers)
        (100, True)
    """
    rng = random.Random(seed)

    def word(syllables: int) -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()

    firsts = [word(2) for _ in range(800)]
    lasts = [word(rng.choice([2, 3])) for _ in range(3000)]

    def skewed(pool: list[str]) -> str:
        return pool[min(int(rng.paretovariate(1.1)) - 1, len(pool) - 1)]

    used: set[str] = set()

    def person() -> dict[str, str]:
        first, last = skewed(firsts), skewed(lasts)
        provider = rng.choice(["gmail.com", "yahoo.com", "mail.com"])
        email = _unique(f"{first.lower()}.{last.lower()}{rng.randint(1, 99999)}@{provider}",
                        used, rng)  # fmt: skip
        kind = rng.choice(["Street", "Road", "Avenue"])
        return {
            "first": first,
            "last": last,
            "email": email,
            "phone": f"{rng.randint(200, 999)}{rng.randint(200, 999)}{rng.randint(1000, 9999)}",
            "street": f"{rng.randint(1, 999)} {word(2)} {kind}",
            "city": word(2),
            "zip": f"{rng.randint(10000, 99999)}",
        }

    def corrupt(p: dict[str, str]) -> dict[str, str | None]:
        d: dict[str, str | None] = dict(p)
        for key in ("first", "last", "street", "city"):
            value = d[key] or ""
            if rng.random() < typo_rate:
                value = typo(value, rng)
                if rng.random() < 0.33:
                    value = typo(value, rng)
            d[key] = value
        if rng.random() < 0.05:
            d["first"], d["last"] = d["last"], d["first"]
        missing = {"email": email_missing, "phone": 0.4, "street": 0.3, "city": 0.3,
                   "zip": 0.3, "first": 0.1}  # fmt: skip
        for key, rate in missing.items():
            if rng.random() < rate:
                d[key] = None
        phone = d["phone"]
        if phone and rng.random() < 0.5:
            d["phone"] = f"+1 ({phone[:3]}) {phone[3:6]}-{phone[6:]}"
        street = d["street"]
        if street and rng.random() < 0.5:
            for long, short in (("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave")):
                street = street.replace(long, short)
            d["street"] = street
        return d

    people = [person() for _ in range(n_customers)]
    customers = [
        Customer(
            id=f"P{i}",
            display_name=f"{p['first']} {p['last']}",
            given_name=p["first"],
            family_name=p["last"],
            email=p["email"],
            phone=p["phone"],
            billing_address=Address((p["street"],), city=p["city"], postal_code=p["zip"]),
        )
        for i, p in enumerate(people)
    ]
    pairs: list[tuple[Buyer, frozenset[str]]] = []
    labels: list[frozenset[str]] = []  # read off the corrupted record: no draw
    for _ in range(n_customers // 2 if n_buyers is None else n_buyers):
        if rng.random() >= absent_rate:
            i = rng.randrange(n_customers)
            source, truth = people[i], frozenset({f"P{i}"})
        else:
            source, truth = person(), frozenset()
        d = corrupt(source)
        labels.append(frozenset({"name_missing"} if d["first"] is None and d["last"] else {"none"}))
        street = d["street"]
        address = Address((street,) if street else (), city=d["city"], postal_code=d["zip"])
        buyer = Buyer(first_name=d["first"], last_name=d["last"], email=d["email"],
                      phone=d["phone"], address=address)  # fmt: skip
        pairs.append((buyer, truth))
    return LinkageData(customers, pairs, labels)


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Quality:
    """Linkage quality of a run: precision, recall, F1, no-match accuracy and counts."""

    matched: int
    correct: int
    wrong: int
    ambiguous: int
    with_partner: int
    without_partner: int
    correctly_unmatched: int

    @property
    def precision(self) -> float:
        """Correct matches / all matches made (1.0 when none were made)."""
        return self.correct / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        """Correct matches / buyers that have a customer."""
        return self.correct / self.with_partner if self.with_partner else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def no_match_accuracy(self) -> float:
        """Buyers without a customer that were (rightly) left unmatched."""
        return self.correctly_unmatched / self.without_partner if self.without_partner else 1.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  F1 {self.f1:.4f}  "
            f"no-match accuracy {self.no_match_accuracy:.4f}  "
            f"(matched {self.matched}, wrong {self.wrong}, ambiguous {self.ambiguous}, "
            f"with partner {self.with_partner}, without {self.without_partner})"
        )


def evaluate(results: Sequence[MatchResult], truths: Sequence[frozenset[str]]) -> Quality:
    """Score match results against the known truth."""
    matched = correct = ambiguous = with_partner = correctly_unmatched = 0
    for result, truth in zip(results, truths, strict=True):
        chosen = result.customer_id
        with_partner += bool(truth)
        ambiguous += result.ambiguous
        if chosen is not None:
            matched += 1
            correct += chosen in truth
        elif not truth:
            correctly_unmatched += 1
    return Quality(
        matched=matched,
        correct=correct,
        wrong=matched - correct,
        ambiguous=ambiguous,
        with_partner=with_partner,
        without_partner=len(truths) - with_partner,
        correctly_unmatched=correctly_unmatched,
    )
