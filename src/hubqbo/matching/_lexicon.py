"""Word lists the matcher's normalizers rely on.

Why: normalization decisions (which e-mail domains say nothing about a company, which words are
legal forms rather than names, which given names are the same person) are data, not code. Keeping
them here, as frozen sets and mappings, lets the rules read plainly and the lists grow without
touching the logic. They are deliberately conservative: a word listed here is *ignored* when
comparing, so a wrong entry costs evidence, never invents it.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ADDRESS_ABBREVIATIONS",
    "COMMON_FAMILY_NAMES",
    "COMMON_GIVEN_NAMES",
    "FREE_MAIL_DOMAINS",
    "KNOWN_GIVEN_NAMES",
    "LEGAL_SUFFIXES",
    "NAME_PARTICLES",
    "NICKNAMES",
    "NICKNAME_GROUPS",
    "PERSON_SUFFIXES",
    "PERSON_TITLES",
    "ROLE_MAILBOXES",
    "UNIT_DESIGNATORS",
]

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de yahoo.es yahoo.it
    yahoo.ca yahoo.com.au yahoo.co.in yahoo.co.jp ymail.com rocketmail.com hotmail.com
    hotmail.co.uk hotmail.fr hotmail.de hotmail.es hotmail.it outlook.com outlook.fr
    outlook.de live.com live.co.uk live.fr live.de msn.com aol.com aim.com icloud.com me.com
    mac.com mail.com email.com gmx.com gmx.de gmx.net gmx.at gmx.ch web.de t-online.de
    freenet.de posteo.de mailbox.org protonmail.com proton.me pm.me tutanota.com tutanota.de
    zoho.com zohomail.com yandex.com yandex.ru mail.ru bk.ru inbox.ru list.ru rambler.ru
    qq.com 163.com 126.com sina.com sohu.com yeah.net naver.com daum.net hanmail.net
    rediffmail.com orange.fr wanadoo.fr free.fr laposte.net sfr.fr libero.it virgilio.it
    tiscali.it alice.it btinternet.com sky.com virginmedia.com talktalk.net ntlworld.com
    bigpond.com optusnet.com.au shaw.ca rogers.com sympatico.ca comcast.net verizon.net
    att.net sbcglobal.net bellsouth.net cox.net charter.net earthlink.net juno.com seznam.cz
    wp.pl o2.pl onet.pl interia.pl terra.com.br bol.com.br uol.com.br ig.com.br telenet.be
    skynet.be ziggo.nl kpnmail.nl planet.nl home.nl bluewin.ch hispeed.ch telia.com
    bredband.net online.no hushmail.com fastmail.com fastmail.fm
    """.split()  # noqa: SIM905
)
"""Consumer mail providers: sharing one of these domains says nothing about a shared company."""

ROLE_MAILBOXES: frozenset[str] = frozenset(
    """
    accounts account accounting accountspayable ap admin administration billing bookkeeping
    contact contactus enquiries enquiry finance hello help info information invoice invoices
    mail office orders payables purchasing reception sales service support team
    """.split()  # noqa: SIM905
)
"""Local parts of shared mailboxes: they name a company's function, not a person."""

LEGAL_SUFFIXES: frozenset[str] = frozenset(
    """
    inc incorporated corp corporation co company cos llc llp lp ltd limited plc pllc pc gmbh
    mbh ag kg ohg ug kgaa ev eg bv nv vof sa sas sasu sarl sca snc spa srl sl slu sau sab
    sapi cv de rl ab oy oyj as asa aps hf kk pty pte bhd sdn tbk pt nl sro spol zoo kft zrt
    nyrt doo dd ad ood eood lda ltda sc se scs sccl ooo zao oao pao private pvt holding
    holdings group intl international
    """.split()  # noqa: SIM905
)
"""Legal forms (after punctuation is removed: ``B.V.`` reads ``bv``) dropped from company names.

``private`` (India's "Pvt Ltd"), ``holding(s)``, ``group`` and ``international`` are not legal
forms but are used and omitted so freely (``Acme Group`` vs ``Acme Ltd``) that keeping them
costs more matches than it saves.
"""

PERSON_TITLES: frozenset[str] = frozenset(
    """
    mr mrs ms miss mx dr prof sir dame lord lady rev herr frau sra srta mme mlle
    """.split()  # noqa: SIM905
)
"""Honorifics dropped from person names (not ``M.`` or ``Fr.``: they are initials as often)."""

PERSON_SUFFIXES: frozenset[str] = frozenset(
    """
    jr jnr sr snr ii iii iv phd md dds esq cpa mba msc bsc obe mbe
    """.split()  # noqa: SIM905
)
"""Generational and professional suffixes dropped from person names."""

NAME_PARTICLES: frozenset[str] = frozenset(
    """
    van von der den de del della di da dos das du la le los las st ter ten al el bin ibn
    """.split()  # noqa: SIM905
)
"""Surname particles: kept in the joined surname but never used alone as a blocking key."""

UNIT_DESIGNATORS: frozenset[str] = frozenset(
    """
    apt apartment unit ste suite flat fl floor rm room bldg building no po box #
    """.split()  # noqa: SIM905
)
"""Words that introduce a unit/suite number inside an address line."""

ADDRESS_ABBREVIATIONS: Mapping[str, str] = {
    "street": "st",
    "str": "st",
    "strasse": "str",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "square": "sq",
    "terrace": "ter",
    "crescent": "cres",
    "highway": "hwy",
    "parkway": "pkwy",
    "circle": "cir",
    "close": "cl",
    "gardens": "gdns",
    "grove": "gr",
    "mount": "mt",
    "point": "pt",
    "route": "rte",
    "way": "wy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "apartment": "apt",
    "suite": "ste",
    "floor": "fl",
    "building": "bldg",
    "number": "no",
}
"""Street words and their postal abbreviations (USPS / Royal Mail style)."""


COMMON_GIVEN_NAMES: frozenset[str] = frozenset(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
    scott brandon benjamin samuel gregory alexander patrick frank raymond jack dennis jerry
    peter harry oliver henry mary patricia jennifer linda elizabeth barbara susan jessica
    sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol
    amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy
    angela anna emma olivia sophie sophia maria marie jean pierre michel jose juan antonio
    carlos luis manuel francisco ana carmen giuseppe giovanni mario luigi hans thomas
    wolfgang michael andreas stefan peter mohammed muhammad ahmed ali wei li min jing yan
    mohamed ravi raj amit priya anh minh
        aarav arjun vivaan aditya sai rahul amit rajesh sanjay priya ananya pooja neha
    fatima aisha omar hassan ibrahim yusuf mariam
    chinedu emeka oluwaseun ngozi
    hiroshi takashi yuki haruto yui sakura
    piotr anna katarzyna lukas leon felix paul jonas sophie marie hannah
    daan sem lucas levi sanne
    """.split()  # noqa: SIM905
)
"""Given names so common that sharing one says little (their weight is capped)."""

COMMON_FAMILY_NAMES: frozenset[str] = frozenset(
    """
    smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
    lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson
    white harris sanchez clark ramirez lewis robinson walker young allen king wright scott
    torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter
    roberts evans turner phillips parker collins edwards stewart morris murphy cook rogers
    morgan cooper peterson bailey reed kelly howard davies patel wood hughes ward wang zhang
    liu chen yang huang zhao wu zhou xu sun ma zhu hu guo li tran le pham kim park choi
    singh kumar sharma shah khan muller mueller schmidt schneider fischer weber meyer wagner
    becker schulz hoffmann bernard dubois durand leroy moreau rossi russo ferrari esposito
    bianchi romano fernandez gomez diaz silva santos pereira oliveira costa nowak kowalski
    jansen devries sato suzuki takahashi tanaka watanabe ito yamamoto nakamura
        reddy rao iyer nair das gupta joshi mehta desai khan ali ahmed hussain rahman
    okafor okeke eze adeyemi ibrahim mohammed hassan haddad
    kowalczyk wisniewski wojcik lewandowski
    dejong janssen bakker visser smit
    ivanov smirnov kuznetsov popov
    """.split()  # noqa: SIM905
)
"""Family names so common that sharing one says little (their weight is capped)."""


def _groups() -> dict[str, frozenset[str]]:
    """Build name → the names that may denote the same person, from the groups below.

    A formal name and each of its short forms are equivalent (Robert ~ Bob); two short forms
    only when they start alike (Bob ~ Bobby, Will ~ Willy): Alfie and Freddie are both short
    for Alfred, but two brothers may well be called so. A name in several groups (Alex) gets
    the union.
    """
    out: dict[str, set[str]] = {}
    for line in _NICKNAME_GROUPS.strip().splitlines():
        formal, *short = line.split()
        out.setdefault(formal, {formal}).update(short)
        for name in short:
            out.setdefault(name, {name}).update({formal} | {n for n in short if n[0] == name[0]})
    return {name: frozenset(group) for name, group in out.items()}


# One group per line: a formal given name first, then the forms people use for it. Several
# cultures; names are written as the normalizer leaves them (lower case, no accents).
_NICKNAME_GROUPS = """
abigail abby abbie gail
albert al bert bertie
alexander alex alec sandy xander lex sasha
alexandra alex alexa sandra sasha lexi sandy
alfred al alf alfie fred freddie
andrew andy drew
angela angie
anthony tony
antonio toni tonio
arthur art artie
barbara barb barbie babs
benjamin ben benny benji
bernard bernie
beatrice bea trixie
catherine cathy kate katie cat kathy cate
katherine kathy kate katie kat kathryn kitty
charles charlie chuck chas charley
christina chris tina christine chrissy kristina kristin
christopher chris kit topher
cynthia cindy
daniel dan danny dani
david dave davy
deborah debbie deb debra
dennis denny
dominic dom
donald don donnie
dorothy dot dottie dolly
douglas doug
edward ed eddie ted teddy ned
edwin ed eddie
elizabeth liz lizzie beth betty betsy eliza libby
eleanor ellie nora elle
emily em emmy
eugene gene
frances fran frannie
francis frank fran
frederick fred freddie fritz
gabriel gabe
gerald gerry jerry
geoffrey geoff jeff
jeffrey jeff
gregory greg
harold harry hal
henry harry hank hal
isabella bella izzy
jacob jake
james jim jimmy jamie jimbo
jennifer jen jenny jenn
jessica jess jessie
john jack johnny jon
jonathan jon jonny
joseph joe joey jo
joshua josh
judith judy
julia julie
kenneth ken kenny
lawrence larry laurie
leonard leo len lenny
louis lou louie
margaret maggie meg peggy marge margie greta
matthew matt matty
michael mike mikey mick mickey micky
mitchell mitch
nancy nan
nathan nate nat
nathaniel nate nat nathan
nicholas nick nicky
nicole nicky nikki
patricia pat patty trish tricia
patrick pat paddy
peter pete
philip phil pip
rebecca becky becca
richard rick ricky dick rich richie
robert rob robbie bob bobby bert
ronald ron ronnie
samantha sam sammy
samuel sam sammy
sarah sara sally
stephen steve stevie steven
susan sue susie suzy
theodore ted teddy theo
thomas tom tommy thom
timothy tim timmy
victoria vicky tori
vincent vince vinny
walter walt wally
william will bill billy willy liam
zachary zach zack
francisco paco pancho curro
jose pepe
manuel manolo
enrique quique
guadalupe lupe
giuseppe beppe peppe
giovanni gianni
johann hans
wolfgang wolf
aleksandr sasha shura
aleksei alexei alyosha
dmitri dmitry dima
vladimir vlad volodya
yekaterina ekaterina katya
mariya masha
natalia natasha
mohammed muhammad mohamed mohammad mohamad
"""

NICKNAMES: Mapping[str, frozenset[str]] = _groups()
"""Given name → every given name that may denote the same person (itself included)."""


def _whole_groups() -> dict[str, frozenset[str]]:
    """Name → every name of every group it belongs to (Will → William, Bill, Billy, Liam ...)."""
    out: dict[str, set[str]] = {}
    for line in _NICKNAME_GROUPS.strip().splitlines():
        names = line.split()
        for name in names:
            out.setdefault(name, set()).update(names)
    return {name: frozenset(group) for name, group in out.items()}


NICKNAME_GROUPS: Mapping[str, frozenset[str]] = _whole_groups()
"""Name → all forms of the formal names it belongs to: two short forms of one name (Will and
Bill) may be the same William — or two brothers — so they are neither agreement nor conflict."""

KNOWN_GIVEN_NAMES: frozenset[str] = (
    COMMON_GIVEN_NAMES
    | frozenset(NICKNAMES)
    | frozenset(
        """
        mario marco maria marta marie mary carl carla carlo paul paula paulo john joan jean
        dean dana diana diane daniel daniela danielle eric erik erin erica ian ivan ivana
        jan jana janet janine jon jonas joel joe jose josef lena lina leo leon leona luis
        luisa luca lucas luke lucia lucy mark marc marcus max mia nina tina tim tom tomas
        anna anne ann anni emma emil emily emilia ella ellen elena elias eva eve adam aden
        alan allan alice alina andre andrea andreas sara sarah sandra sean susan sam
        """.split()  # noqa: SIM905
    )
)
"""Given names known to be distinct names: two of them one letter apart (Mario, Marco) are
two people rather than a typo."""
