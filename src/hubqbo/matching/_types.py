"""What goes into a match (the buyer) and what comes out (result, candidates, reasons).

Why: the result must serve two readers — code that needs "which customer, or none" and a person
who must choose when the matcher will not. So the result carries the decision, the evidence for
it, and a ranked list, and renders itself as a table in Jupyter and as text in a terminal.
"""

from __future__ import annotations

import enum
import html

import attrs

from hubqbo.errors import AmbiguousCustomerMatch
from hubqbo.matching._compare import MatchKey, MatchReason
from hubqbo.models import Address, Company, Contact, Customer

__all__ = ["Buyer", "MatchCandidate", "MatchResult", "MatchStatus"]


@attrs.frozen(kw_only=True)
class Buyer:
    """The buyer of a deal or quote: a contact and/or a company, as facts to match on.

    Every field is optional; give what you know. ``full_name`` is used only when neither
    ``first_name`` nor ``last_name`` is set. Build one from HubSpot records with
    :meth:`from_contact` / :meth:`from_company`.

    Example:
        >>> b = Buyer.from_contact(
        ...     Contact(first_name="Ada", last_name="Lovelace", email="ada@analytical.io"),
        ...     Company(name="Analytical Engines Ltd", domain="analytical.io"))
        >>> b.company_name, b.domain
        ('Analytical Engines Ltd', 'analytical.io')
    """

    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    company_name: str | None = None
    domain: str | None = None
    """The company's web or e-mail domain (``acme.com``)."""
    address: Address | None = None

    @classmethod
    def from_contact(cls, contact: Contact, company: Company | None = None) -> Buyer:
        """A buyer from a HubSpot contact, completed with its company when given.

        The contact's own phone and address win; the company's fill the gaps.
        """
        return cls(
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email,
            phone=contact.phone or (company.phone if company else None),
            company_name=(company.name if company else None) or contact.company_name,
            domain=company.domain if company else None,
            address=_present(contact.address) or (_present(company.address) if company else None),
        )

    @classmethod
    def from_company(cls, company: Company) -> Buyer:
        """A buyer that is a HubSpot company (no person)."""
        return cls(
            company_name=company.name,
            domain=company.domain,
            phone=company.phone,
            address=_present(company.address),
        )

    @classmethod
    def from_customer(cls, customer: Customer) -> Buyer:
        """The buyer that an accounting customer describes (useful to find duplicates)."""
        return cls(
            first_name=customer.given_name,
            last_name=customer.family_name,
            full_name=customer.display_name,
            email=customer.email,
            phone=customer.phone,
            company_name=customer.company_name,
            address=_present(customer.billing_address),
        )


def _present(address: Address | None) -> Address | None:
    return None if address is None or address.is_empty else address


class MatchStatus(str, enum.Enum):
    """The decision of one match.

    Example:
        >>> MatchStatus.AMBIGUOUS.value
        'ambiguous'
    """

    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"


@attrs.frozen
class MatchCandidate:
    """A customer considered for the buyer, with its score and the evidence behind it.

    Example:
        >>> c = MatchCandidate(Customer(id="1", display_name="Acme"), 12.5, ())
        >>> c.customer_id, c.score
        ('1', 12.5)
    """

    customer: Customer
    score: float
    """Sum of the reasons' weights, in bits (log2 likelihood ratio)."""
    reasons: tuple[MatchReason, ...]
    vetoed: bool = False
    """True when the customer may not be chosen automatically (a person whose given name
    conflicts with the buyer's); it is listed for a person to judge."""

    @property
    def customer_id(self) -> str | None:
        """The customer's QBO id."""
        return self.customer.id

    @property
    def label(self) -> str:
        """A human label: display name, else company, else person name."""
        c = self.customer
        person = " ".join(p for p in (c.given_name, c.family_name) if p)
        return c.display_name or c.company_name or person or f"customer {c.id}"

    @property
    def agreeing_keys(self) -> tuple[MatchKey, ...]:
        """The keys that added positive evidence."""
        return tuple(r.key for r in self.reasons if r.weight > 0)


@attrs.frozen
class MatchResult:
    """The outcome of matching one buyer: a customer or none, and why.

    ``customer`` is set only when the best candidate reached the threshold and clearly beat the
    runner-up; ``ambiguous`` means the best two were too close, and ``candidates`` lists the
    ranked options for a person to pick from in every case.

    Example:
        >>> from hubqbo.matching import CustomerMatcher
        >>> m = CustomerMatcher([Customer(id="7", given_name="Ada", family_name="Lovelace",
        ...                              email="ada@analytical.io")])
        >>> result = m.match(Buyer(first_name="ada", last_name="LOVELACE",
        ...                        email=" Ada@Analytical.io "))
        >>> result.status.value, result.customer_id
        ('matched', '7')
        >>> print(result)  # doctest: +ELLIPSIS
        matched customer 7 (Ada Lovelace), score 37.0 bits
        ...
    """

    buyer: Buyer
    status: MatchStatus
    candidates: tuple[MatchCandidate, ...]
    """Ranked by score, best first (at most ``MatchConfig.max_listed``)."""
    threshold: float = 0.0
    chosen: MatchCandidate | None = None
    """The chosen candidate (set exactly when ``status`` is ``MATCHED``)."""

    @property
    def best(self) -> MatchCandidate | None:
        """The chosen candidate, else the highest-scoring one."""
        if self.chosen is not None:
            return self.chosen
        return self.candidates[0] if self.candidates else None

    @property
    def customer(self) -> Customer | None:
        """The chosen customer, or ``None`` (no match, or ambiguous)."""
        return self.chosen.customer if self.chosen is not None else None

    @property
    def customer_id(self) -> str | None:
        """The chosen customer's id, or ``None``."""
        return self.customer.id if self.customer else None

    @property
    def matched(self) -> bool:
        """True when a customer was chosen."""
        return self.status is MatchStatus.MATCHED

    @property
    def ambiguous(self) -> bool:
        """True when the best two candidates were too close to choose between."""
        return self.status is MatchStatus.AMBIGUOUS

    @property
    def score(self) -> float:
        """The best candidate's score in bits (0.0 without candidates)."""
        return self.best.score if self.best else 0.0

    @property
    def reasons(self) -> tuple[MatchReason, ...]:
        """The best candidate's evidence: which keys agreed and how strongly."""
        return self.best.reasons if self.best else ()

    def raise_if_ambiguous(self) -> MatchResult:
        """Raise :class:`~hubqbo.errors.AmbiguousCustomerMatch` when ambiguous; else ``self``."""
        if self.ambiguous:
            close = [c for c in self.candidates if c.score >= self.threshold] or self.candidates
            raise AmbiguousCustomerMatch([f"{c.label} (id {c.customer_id})" for c in close])
        return self

    # ------------------------------------------------------------------ rendering

    def _headline(self) -> str:
        if self.status is MatchStatus.MATCHED and self.best:
            return (
                f"matched customer {self.best.customer_id} ({self.best.label}), "
                f"score {self.score:.1f} bits"
            )
        if self.status is MatchStatus.AMBIGUOUS:
            return f"ambiguous: the best candidates are too close to choose (top {self.score:.1f})"
        return f"no match (threshold {self.threshold:.1f} bits, best {self.score:.1f})"

    def __str__(self) -> str:
        lines = [self._headline()]
        for rank, cand in enumerate(self.candidates, 1):
            note = " [name conflict: never chosen automatically]" if cand.vetoed else ""
            lines.append(
                f"  {rank}. {cand.label} (id {cand.customer_id}) score {cand.score:.1f}{note}"
            )
            lines.extend(f"       {reason}" for reason in cand.reasons)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        for rank, cand in enumerate(self.candidates, 1):
            chosen = self.matched and cand is self.chosen
            evidence = "<br>".join(esc(str(r)) for r in cand.reasons)
            if cand.vetoed:
                evidence += "<br><em>name conflict: never chosen automatically</em>"
            style = ' style="font-weight:bold"' if chosen else ""
            rows.append(
                f"<tr{style}><td>{rank}</td><td>{esc(cand.label)}</td>"
                f"<td>{esc(str(cand.customer_id))}</td><td>{cand.score:.1f}</td>"
                f"<td>{evidence}</td></tr>"
            )
        body = "".join(rows) or '<tr><td colspan="5">no candidates</td></tr>'
        return (
            f"<div><p>{esc(self._headline())}</p><table>"
            "<thead><tr><th>#</th><th>customer</th><th>id</th><th>score (bits)</th>"
            f"<th>evidence</th></tr></thead><tbody>{body}</tbody></table></div>"
        )
