"""Fast paths of the normalizers give exactly what the rule they shortcut gives (hypothesis).

Indexing 100,000 customers normalizes 100,000 unique address lines, e-mails and phones, so the
commonest shapes take shortcuts; the rule itself stays written once, and these properties are
the proof that a shortcut never changes an answer.
"""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import example, given, settings

from hubqbo.matching._normalize import (
    _EXTENSION,
    _NON_DIGIT,
    _normalize_postcode,
    _street_address_rule,
    normalize_address_line,
    normalize_email,
    normalize_postcode,
    phone_digits,
)

# Pieces that exercise every branch of the address rule: numbers, glued numbers, unit
# designators, abbreviations, punctuation, apostrophes, '#', non-ASCII letters.
_ADDRESS_PIECES = st.sampled_from(
    [
        "12", "7975", "14B", "1st", "4Bridge", "Boulevard339", "0", "a", "B", "x1",
        "Center", "Road", "Street", "St.", "North", "High", "Hauptstraße", "Avenue", "nw",
        "Apt", "apt", "Suite", "Flat", "No", "#", "# 4", "PO", "Box", "Unit", "Fl",
        "O'Brien", "'s", "-", ".", ",", ", ", "  ", " ", "\t", "&", "Rue", "Cl.", "Ct",
        "Müller", "Zoë", "9-11", "3/4", "²", "①", "٣", "Σ", "İ", "\u00a0", "\u0301", "’s",
        "Straße", "Ⅻ",
    ]
)  # fmt: skip


@st.composite
def address_lines(draw: st.DrawFn) -> str:
    """A line of address-like pieces, joined by spaces, commas or nothing."""
    pieces = draw(st.lists(_ADDRESS_PIECES, max_size=7))
    glue = draw(st.lists(st.sampled_from([" ", ", ", "", ",", "  "]), min_size=len(pieces)))
    return "".join(p + g for p, g in zip(pieces, glue, strict=False))


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        address_lines(),
        st.text(max_size=30),
        st.from_regex(r"\s*\d+[a-zA-Z]?[ ,]+\D*"),
        st.from_regex(
            r"\s*(Apt|suite|FLAT|No|Box|Main|x)\.?[ ,]+\d+[a-zA-Z]?[ ,]+\d+[a-zA-Z]?[ ,]+\D*"
        ),
    )
)
@example("7975 Center Road")
@example("Apt 3, 13B Jefferson Cl.")
@example("Suite 4 12 Apt B")
@example("Main 3, 12 High St")
@example("14B North High Street, Apt")
@example("12 , ")
@example("12 apt")
@example(" 3, 's Gravenweg")
def test_address_fast_path_equals_rule(line: str) -> None:
    """normalize_address_line (with its number-then-street fast path) equals the bare rule."""
    assert normalize_address_line(line) == (_street_address_rule(line) if line else None)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Nd", "No", "Nl", "Zs", "Lu"]), max_size=14))
@example("2644072857")
@example("²³⁴⁵⁶⁷⁸")  # superscripts: digits to str.isdigit, not to \d or str.isdecimal
@example("١٢٣٤٥٦٧٨")  # Arabic-Indic digits: Nd, so \d and isdecimal both accept them
def test_phone_digits_only_fast_path_equals_rule(text: str) -> None:
    """phone_digits keeps a digits-only number as is: exactly what stripping \\D gives."""
    if text.isdecimal():
        assert _NON_DIGIT.sub("", text) == text
        assert _EXTENSION.search(text) is None
    digits = _NON_DIGIT.sub("", _EXTENSION.sub("", text.strip()))
    assert phone_digits(text) == (digits if text and len(digits) >= 7 else None)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.from_regex(r"[0-9]{1,12}", fullmatch=True), st.text(max_size=12)))
@example("94107")
@example("941071234")
@example("٣٤٥")  # Arabic-Indic digits: isdigit, not ASCII — the rule, not the shortcut
def test_postcode_fast_path_equals_rule(postcode: str) -> None:
    """A plain ASCII-digit postcode (not a ZIP+4) is returned as is: what the rule returns."""
    expected = _normalize_postcode(postcode) if postcode else None
    assert normalize_postcode(postcode) == expected


def _email_rule(email: str | None) -> str | None:
    """normalize_email as it was written before its shortcut (the oracle for the property)."""
    if not email:
        return None
    text = email.strip().lower()
    text = text.removeprefix("mailto:").strip("<> ")
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or " " in text:
        return None
    local = local.split("+", 1)[0] or local
    if domain in {"gmail.com", "googlemail.com"}:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.text(max_size=20),
        st.from_regex(r"(mailto:)?<?[a-zA-Z.+]{0,6}@[a-z.+@]{0,12}(gmail\.com|\.org)?>? ?"),
    )
)
@example("John.Smith+crm@GoogleMail.com")
@example("+tag@acme.com")
@example("a@b@acme.com")
def test_email_unchanged_shortcut_equals_rule(email: str) -> None:
    """normalize_email returns an address with nothing to drop as is: what the rule gives."""
    assert normalize_email(email) == _email_rule(email)
