"""The invoice draft: everything hubqbo would write, reviewable and editable before it is.

Why immutable: a person (or a notebook, or a workflow) inspects the draft, fixes what
``problems()`` lists, and each fix returns a *new* draft, so earlier versions stay valid and
``create`` receives exactly what was reviewed. The draft carries the realm's reference data
(items, tax codes, terms, customer names) it needs to re-check itself without I/O.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> from hubqbo.models import CompanyProfile, Customer, Item, LineItem, Ref
    >>> catalog = RealmCatalog.of(
    ...     CompanyProfile(realm_id="9", country="GB", home_currency="GBP"),
    ...     items=[Item(id="1", name="Audit", unit_price=Decimal("500"))],
    ...     tax_codes=[], terms=[], customer_names=["Acme Ltd"])
    >>> draft = InvoiceDraft.build(
    ...     source=DraftSource(deal_id="7"), catalog=catalog, currency="GBP",
    ...     line_items=[LineItem(id="11", name="Audit", quantity=Decimal("2"),
    ...                          unit_price=Decimal("500"))],
    ...     txn_date=dt.date(2026, 11, 25),
    ...     customer=Customer(id="58", display_name="Acme Ltd", currency="GBP"))
    >>> [p.code.value for p in draft.problems()]
    ['tax_code_required']
    >>> draft.with_tax_code("2").problems()
    ()
    >>> draft.total
    Decimal('1000.00')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from hubqbo._display import summary
from hubqbo.invoices._problems import Problem, ProblemCode, as_tuple
from hubqbo.invoices._rules import (
    FAMILY_NAME_MAX_LENGTH,
    GIVEN_NAME_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    US_TAX_CODES,
    ItemIndex,
    ItemResolution,
    ResolvedBy,
    clip,
    default_tax_code,
    doc_number_error,
    due_date_for,
    line_amount,
    net_unit_price,
    new_customer_field_errors,
    new_customer_name_error,
    percent_of,
    resolve_item,
    resolve_terms,
)
from hubqbo.models import (
    Company,
    CompanyProfile,
    Contact,
    Customer,
    Deal,
    Invoice,
    InvoiceLine,
    Item,
    ItemType,
    LineItem,
    Product,
    Quote,
    Ref,
    TaxCode,
    Term,
)
from hubqbo.money import normalize_currency, round_money

__all__ = [
    "CustomerMatch",
    "DocNumberPolicy",
    "DraftLine",
    "DraftSource",
    "InvoiceDraft",
    "LineDiscountMode",
    "RealmCatalog",
    "customer_from_buyer",
]


class LineDiscountMode(str, enum.Enum):
    """How HubSpot line discounts reach QBO.

    ``NET_PRICE`` (default): the line's unit price is the discounted price — exact, and tax is
    computed on the discounted line as HubSpot shows it. ``DISCOUNT_LINE``: lines keep their
    list price and the discounts become one ``DiscountLineDetail`` line; QBO applies that line
    to the whole subtotal, so when taxable and non-taxable lines mix, the tax QBO computes can
    differ from a per-line discount (the total before tax is the same).
    """

    NET_PRICE = "net_price"
    DISCOUNT_LINE = "discount_line"


class DocNumberPolicy(str, enum.Enum):
    """What to do when QBO's custom transaction numbers are on.

    ``REFUSE`` (default, HubSpot's behaviour): refuse before any write with
    :class:`~hubqbo.errors.CustomTransactionNumbersEnabled`. ``CALLER_SUPPLIES``: the draft
    must carry a DocNumber (``with_doc_number``), at most 21 characters.
    """

    REFUSE = "refuse"
    CALLER_SUPPLIES = "caller_supplies"


@attrs.frozen(repr=False)
class CustomerMatch:
    """The customer-matching outcome kept on a draft.

    Attributes:
        customer: the customer the matcher chose, or ``None`` (no match, or ambiguous).
        candidates: customers a person could pick from, best first.
        ambiguous: the best candidates were too close to call.
        score: the matcher's score of ``customer`` (0..1), when it has one.
        reasons: why, in words (which keys agreed).

    Example:
        >>> CustomerMatch(customer=None).describe()
        'no match'
    """

    customer: Customer | None
    candidates: tuple[Customer, ...] = attrs.field(default=(), converter=as_tuple)
    ambiguous: bool = False
    score: float | None = None
    reasons: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)

    def __repr__(self) -> str:
        chosen = self.customer
        return summary(
            "CustomerMatch",
            [
                ("customer", f"{chosen.display_name} [{chosen.id}]" if chosen else None),
                ("candidates", len(self.candidates)),
                ("ambiguous", self.ambiguous or None),
                ("score", self.score),
            ],
        )

    def describe(self) -> str:
        """One line for people: matched / ambiguous / no match."""
        if self.ambiguous:
            names = ", ".join(f"{c.display_name} [{c.id}]" for c in self.candidates[:3])
            return f"ambiguous between {len(self.candidates)} customers: {names}"
        if self.customer is None:
            return "no match"
        score = f" (score {self.score:.2f})" if self.score is not None else ""
        why = f": {', '.join(self.reasons)}" if self.reasons else ""
        return f"matched {self.customer.display_name} [{self.customer.id}]{score}{why}"


def _names(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().casefold() for v in values if v and v.strip())


@attrs.frozen
class RealmCatalog:
    """One QBO company's reference data a draft checks itself against.

    Example:
        >>> cat = RealmCatalog.of(CompanyProfile(realm_id="1", country="US",
        ...                       home_currency="USD"), items=[], tax_codes=[], terms=[])
        >>> cat.realm_id
        '1'
    """

    profile: CompanyProfile
    items: ItemIndex
    tax_codes: tuple[TaxCode, ...] = attrs.field(converter=as_tuple)
    terms: tuple[Term, ...] = attrs.field(converter=as_tuple)
    customer_names: frozenset[str] = attrs.field(converter=_names, repr=False)
    """DisplayNames in use, casefolded."""

    @classmethod
    def of(
        cls,
        profile: CompanyProfile,
        *,
        items: Iterable[Item],
        tax_codes: Iterable[TaxCode],
        terms: Iterable[Term],
        customer_names: Iterable[str] = (),
    ) -> RealmCatalog:
        """Build a catalog from plain sequences."""
        return cls(
            profile=profile,
            items=ItemIndex.of(items),
            tax_codes=tuple(tax_codes),
            terms=tuple(terms),
            customer_names=frozenset(customer_names),
        )

    @property
    def realm_id(self) -> str:
        """The QBO company (realm) id."""
        return self.profile.realm_id

    def tax_code(self, code_id: str) -> TaxCode | None:
        """The active tax code with this id (or name), if any."""
        for code in self.tax_codes:
            if code.active and code_id in (code.id, code.name):
                return code
        return None

    def term(self, term: str) -> Term | None:
        """The active term with this id or (case-insensitive) name, if any."""
        for t in self.terms:
            if t.active and (t.id == term or t.name.casefold() == term.casefold()):
                return t
        return None

    def with_customer_name(self, name: str) -> RealmCatalog:
        """This catalog knowing one more DisplayName in use."""
        return attrs.evolve(self, customer_names=self.customer_names | {name})


@attrs.frozen
class DraftSource:
    """What an invoice is made from: a deal, or a quote (on a deal), plus an attempt id.

    The idempotency key of ``create`` is (realm, deal or quote, ``attempt_id``).

    Example:
        >>> DraftSource(deal_id="7", quote_id="5").kind
        'quote'
    """

    deal_id: str | None = None
    quote_id: str | None = None
    attempt_id: str | None = None

    @property
    def kind(self) -> str:
        """``"quote"`` or ``"deal"``."""
        return "quote" if self.quote_id else "deal"

    @property
    def source_id(self) -> str:
        """The quote id for quotes, else the deal id."""
        return (self.quote_id if self.quote_id else self.deal_id) or ""


@attrs.frozen
class DraftLine:
    """One sales line of a draft, with how its QBO item was found.

    Attributes:
        number: 1-based position on the invoice (what edits and problems refer to).
        quantity: the quantity (HubSpot ``quantity``).
        list_price: HubSpot's unit price before the line discount.
        net_price: the unit price after the line discount.
        item: the QBO item, once resolved.
        resolution: how the item was (or was not) found.
        tax_code: the tax code chosen by the caller, overriding the item's default.
        source: the HubSpot line item (``None`` for a fee line).
        is_fee: a line made from quote fees (configured service item).
    """

    number: int
    quantity: Decimal
    list_price: Decimal
    net_price: Decimal
    item: Item | None
    resolution: ItemResolution
    description: str | None = None
    tax_code: Ref | None = None
    source: LineItem | None = None
    is_fee: bool = False
    service_date: dt.date | None = None

    @property
    def label(self) -> str:
        """``line 2 (Audit)``."""
        name = (self.source.name if self.source else None) or (
            "fees" if self.is_fee else self.description
        )
        return f"line {self.number}" + (f" ({name})" if name else "")


def _expect(what: str, value: object, *types: type | None) -> None:
    """``TypeError`` saying what ``what`` takes, unless ``value`` is one of ``types``
    (``None`` in ``types`` allows ``None``; ``bool`` is not an ``int`` here)."""
    allowed = tuple(t for t in types if t is not None)
    if value is None and None in types:
        return
    if isinstance(value, allowed) and not (isinstance(value, bool) and bool not in allowed):
        return
    names = " or ".join("None" if t is None else t.__name__ for t in types)
    raise TypeError(f"{what} takes {names}, got {type(value).__name__} {str(value)[:40]!r}")


def customer_from_buyer(
    contact: Contact | None, company: Company | None, currency: str | None
) -> Customer:
    """A new QBO customer made from HubSpot data: company name (else person) as DisplayName.

    The DisplayName keeps the whole name; the first and family names are cut to QBO's limits
    (25 and 15 characters), which QBO would otherwise refuse.

    Example:
        >>> customer_from_buyer(Contact(first_name="Ada", last_name="Lovelace",
        ...     email="ada@example.com"), None, "GBP").display_name
        'Ada Lovelace'
    """
    person = contact.full_name if contact else ""
    company_name = (company.name if company else None) or (
        contact.company_name if contact else None
    )
    display = company_name or person or (contact.email if contact else None) or ""
    address = (company.address if company else None) or (contact.address if contact else None)
    return Customer(
        display_name=display.strip() or None,
        given_name=clip(contact.first_name, GIVEN_NAME_MAX_LENGTH) if contact else None,
        family_name=clip(contact.last_name, FAMILY_NAME_MAX_LENGTH) if contact else None,
        company_name=company_name,
        email=contact.email if contact else None,
        phone=(contact.phone if contact else None) or (company.phone if company else None),
        billing_address=address,
        currency=currency,
    )


def _line_from(
    number: int,
    line: LineItem,
    product: Product | None,
    catalog: RealmCatalog,
    item_map: Mapping[str, str] | None,
) -> DraftLine:
    resolution = resolve_item(line, product, catalog.items, item_map)
    return DraftLine(
        number=number,
        quantity=line.quantity,
        list_price=line.unit_price,
        net_price=net_unit_price(line),
        item=resolution.item,
        resolution=resolution,
        description=line.description or line.name,
        source=line,
    )


def _fee_line(
    number: int, amount: Decimal, catalog: RealmCatalog, fee_item_id: str | None
) -> DraftLine:
    item = catalog.items.by_id.get(fee_item_id) if fee_item_id else None
    if item is not None and item.sellable:
        resolution = ItemResolution(item=item, via=ResolvedBy.FEE_ITEM)
    else:
        services = [i for i in catalog.items.items if i.sellable and i.type is ItemType.SERVICE]
        resolution = ItemResolution(item=None, candidates=services[:5])
        item = None
    return DraftLine(
        number=number,
        quantity=Decimal(1),
        list_price=amount,
        net_price=amount,
        item=item,
        resolution=resolution,
        description="Fees",
        is_fee=True,
    )


def _quote_discount(
    base: Decimal, percent: Decimal | None, fixed: Decimal | None, currency: str
) -> Decimal:
    """A quote's discounts on ``base`` (the lines after their own discounts), HubSpot's way:
    percentages of the base, fixed amounts added, each rounded to the currency."""
    total = percent_of(base, percent, currency) if percent else Decimal(0)
    return total + (round_money(fixed, currency) if fixed else Decimal(0))


def _quote_fee(quote: Quote | None, lines: Sequence[DraftLine], currency: str) -> Decimal:
    """A quote's fees: fixed ones plus percentages of the amount after discounts (HubSpot
    applies discounts, then fees, then taxes)."""
    if quote is None or not (quote.fee_amount or quote.fee_percent):
        return Decimal(0)
    goods = sum((line_amount(ln.quantity, ln.net_price, currency) for ln in lines), Decimal(0))
    base = goods - _quote_discount(goods, quote.discount_percent, quote.discount_amount, currency)
    fee = round_money(quote.fee_amount, currency) if quote.fee_amount else Decimal(0)
    if quote.fee_percent:
        fee += percent_of(base, quote.fee_percent, currency)
    return fee


def _schedule(line: LineItem) -> str:
    return line.recurring_billing_frequency or line.recurring_billing_period or "recurring"


def _describe_customer(c: Customer) -> str:
    return f"{c.id}: {c.display_name}"


def _describe_item(i: Item) -> str:
    return f"{i.id}: {i.name}"


@attrs.frozen(repr=False)
class InvoiceDraft:
    """An invoice not yet written: review it, fix its problems, then ``create`` it.

    Get one from :meth:`InvoiceBuilder.from_deal` or :meth:`InvoiceBuilder.from_quote`.
    ``problems()`` lists every problem at once; each ``with_*`` edit returns a new draft.

    Example:
        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> from hubqbo.models import CompanyProfile, Customer, Item, LineItem
        >>> cat = RealmCatalog.of(CompanyProfile(realm_id="1", country="US",
        ...     home_currency="USD"), items=[Item(id="3", name="Setup", taxable=True)],
        ...     tax_codes=[], terms=[])
        >>> d = InvoiceDraft.build(source=DraftSource(deal_id="7"), catalog=cat,
        ...     currency="USD", txn_date=dt.date(2026, 11, 25),
        ...     line_items=[LineItem(name="Setup", unit_price=Decimal("99.995"))],
        ...     customer=Customer(id="4", display_name="Bob"))
        >>> d.problems(), d.total, d.tax_code_for(d.lines[0]).value
        ((), Decimal('100.00'), 'TAX')
    """

    source: DraftSource
    catalog: RealmCatalog = attrs.field(eq=False, repr=False)
    currency: str = attrs.field(converter=normalize_currency)
    txn_date: dt.date
    lines: tuple[DraftLine, ...] = attrs.field(converter=as_tuple)
    customer: Customer | None = None
    new_customer: Customer | None = None
    match: CustomerMatch | None = None
    contact: Contact | None = None
    company: Company | None = None
    contact_choices: tuple[Contact, ...] = attrs.field(default=(), converter=as_tuple)
    contact_matches: Mapping[str, CustomerMatch] = attrs.field(factory=dict, eq=False, repr=False)
    deal: Deal | None = attrs.field(default=None, repr=False)
    quote: Quote | None = attrs.field(default=None, repr=False)
    discount_percent: Decimal | None = None
    discount_fixed: Decimal | None = None
    line_discount_mode: LineDiscountMode = LineDiscountMode.NET_PRICE
    terms: Term | None = None
    explicit_due_date: dt.date | None = None
    message: str | None = None
    doc_number: str | None = None
    doc_number_policy: DocNumberPolicy = DocNumberPolicy.REFUSE
    bill_email: str | None = None
    expected_total: Decimal | None = None
    """The amount the invoice must add up to (the quote's ``hs_quote_amount``)."""
    terms_chosen: bool = False
    """``with_terms`` pinned the terms; otherwise they follow the customer."""

    # ------------------------------------------------------------------ construction

    @classmethod
    def build(
        cls,
        *,
        source: DraftSource,
        catalog: RealmCatalog,
        currency: str,
        txn_date: dt.date,
        line_items: Sequence[LineItem],
        products: Mapping[str, Product] | None = None,
        item_map: Mapping[str, str] | None = None,
        customer: Customer | None = None,
        new_customer: Customer | None = None,
        match: CustomerMatch | None = None,
        contact: Contact | None = None,
        company: Company | None = None,
        contact_choices: Sequence[Contact] = (),
        contact_matches: Mapping[str, CustomerMatch] | None = None,
        deal: Deal | None = None,
        quote: Quote | None = None,
        fee_item_id: str | None = None,
        line_discount_mode: LineDiscountMode = LineDiscountMode.NET_PRICE,
        terms: Term | None = None,
        due_date: dt.date | None = None,
        message: str | None = None,
        doc_number: str | None = None,
        doc_number_policy: DocNumberPolicy = DocNumberPolicy.REFUSE,
        bill_email: str | None = None,
    ) -> InvoiceDraft:
        """Assemble a draft: resolve each line's item and add the quote's fees and discount.

        The builder calls this after reading HubSpot and QBO; tests and users with their own
        data can call it directly.
        """
        products = products or {}
        lines = [
            _line_from(n, li, products.get(li.product_id or ""), catalog, item_map)
            for n, li in enumerate(line_items, start=1)
        ]
        fee = _quote_fee(quote, lines, currency)
        if fee:
            lines.append(_fee_line(len(lines) + 1, fee, catalog, fee_item_id))
        return cls(
            source=source,
            catalog=catalog,
            currency=currency,
            txn_date=txn_date,
            lines=lines,
            customer=customer,
            new_customer=new_customer,
            match=match,
            contact=contact,
            company=company,
            contact_choices=contact_choices,
            contact_matches=dict(contact_matches or {}),
            deal=deal,
            quote=quote,
            discount_percent=quote.discount_percent if quote else None,
            discount_fixed=quote.discount_amount if quote else None,
            line_discount_mode=line_discount_mode,
            terms=terms,
            explicit_due_date=due_date,
            message=message,
            doc_number=doc_number,
            doc_number_policy=doc_number_policy,
            bill_email=bill_email or (contact.email if contact else None),
            expected_total=quote.amount if quote else None,
        )

    # ------------------------------------------------------------------ derived facts

    @property
    def realm_id(self) -> str:
        """The QBO company the invoice is for."""
        return self.catalog.realm_id

    @property
    def profile(self) -> CompanyProfile:
        """The QBO company's profile."""
        return self.catalog.profile

    @property
    def due_date(self) -> dt.date | None:
        """The caller's due date, else the one the terms give, else ``None`` (QBO decides)."""
        return due_date_for(self.terms, self.txn_date, self.explicit_due_date)

    def unit_price_sent(self, line: DraftLine) -> Decimal:
        """The unit price QBO receives for ``line`` (always sent)."""
        if self.line_discount_mode is LineDiscountMode.NET_PRICE:
            return line.net_price
        return line.list_price

    def amount_of(self, line: DraftLine) -> Decimal:
        """The line amount: quantity × unit price sent, rounded half-up."""
        return line_amount(line.quantity, self.unit_price_sent(line), self.currency)

    @property
    def subtotal(self) -> Decimal:
        """Sum of the sales line amounts (before the invoice-level discount)."""
        total = sum((self.amount_of(line) for line in self.lines), Decimal(0))
        return round_money(total, self.currency)

    @property
    def _goods_subtotal(self) -> Decimal:
        return sum((self.amount_of(ln) for ln in self.lines if not ln.is_fee), Decimal(0))

    @property
    def _line_discounts(self) -> Decimal:
        """Total of line discounts moved to the discount line (``DISCOUNT_LINE`` mode)."""
        if self.line_discount_mode is LineDiscountMode.NET_PRICE:
            return Decimal(0)
        gross = sum((self.amount_of(ln) for ln in self.lines if not ln.is_fee), Decimal(0))
        net = sum(
            (
                line_amount(ln.quantity, ln.net_price, self.currency)
                for ln in self.lines
                if not ln.is_fee
            ),
            Decimal(0),
        )
        return gross - net

    @property
    def discount_total(self) -> Decimal:
        """The invoice-level discount: line discounts (in ``DISCOUNT_LINE`` mode) plus the
        quote's discount (a percentage applies to the lines after their own discounts)."""
        net_goods = self._goods_subtotal - self._line_discounts
        return self._line_discounts + _quote_discount(
            net_goods, self.discount_percent, self.discount_fixed, self.currency
        )

    @property
    def total(self) -> Decimal:
        """What QBO will compute before tax: subtotal minus the discount."""
        return round_money(self.subtotal - self.discount_total, self.currency)

    def tax_code_for(self, line: DraftLine) -> Ref | None:
        """The caller's tax code for ``line``, else the item's default tax code."""
        return line.tax_code or default_tax_code(line.item, self.profile)

    def line(self, number: int) -> DraftLine:
        """The line with this 1-based number (``IndexError`` when there is none)."""
        for ln in self.lines:
            if ln.number == number:
                return ln
        raise IndexError(f"the draft has no line {number} (lines 1..{len(self.lines)})")

    # ------------------------------------------------------------------ problems, A8

    def problems(self) -> tuple[Problem, ...]:
        """Every problem that stops ``create``, each with what to do; ``()`` when ready."""
        found: list[Problem] = []
        found += self._customer_problems()
        found += self._currency_problems()
        found += self._line_problems()
        found += self._tax_problems()
        found += self._total_problems()
        found += self._other_problems()
        return tuple(found)

    @property
    def ready(self) -> bool:
        """True when ``problems()`` is empty."""
        return not self.problems()

    def _customer_problems(self) -> list[Problem]:
        out: list[Problem] = []
        choices = tuple(f"{c.id}: {c.full_name or c.email}" for c in self.contact_choices)
        if self.contact_choices and self.contact is None:
            out.append(
                Problem(
                    ProblemCode.SEVERAL_CONTACTS,
                    f"the deal has {len(self.contact_choices)} contacts and no company, so "
                    "the buyer is unclear",
                    fix="choose one with draft.with_contact('<contact id>')",
                    candidates=choices,
                )
            )
        if self.customer is not None:
            if not self.customer.active:
                out.append(
                    Problem(
                        ProblemCode.CUSTOMER_INACTIVE,
                        f"customer {self.customer.display_name} [{self.customer.id}] is inactive",
                        fix="reactivate it in QuickBooks or choose another with with_customer()",
                    )
                )
            return out
        if self.new_customer is not None:
            out.extend(
                Problem(
                    ProblemCode.CUSTOMER_NAME_INVALID,
                    error,
                    fix="shorten it in the customer given to with_new_customer(customer=...)",
                )
                for error in new_customer_field_errors(self.new_customer)
            )
            error = new_customer_name_error(
                self.new_customer.display_name, self.catalog.customer_names
            )
            if error is not None:
                taken = "already exists" in error
                out.append(
                    Problem(
                        ProblemCode.CUSTOMER_NAME_TAKEN
                        if taken
                        else ProblemCode.CUSTOMER_NAME_INVALID,
                        error,
                        fix=(
                            "pick that customer with with_customer(...) or give the new one "
                            "another name: with_new_customer(display_name='...')"
                        ),
                    )
                )
            return out
        candidates = tuple(
            _describe_customer(c) for c in (self.match.candidates if self.match else ())
        )
        if self.contact is None and self.company is None and not self.contact_choices:
            out.append(
                Problem(
                    ProblemCode.NO_BUYER,
                    "the deal has no contact or company to bill",
                    fix="associate a contact or company in HubSpot, or with_customer('<id>')",
                )
            )
        elif self.match is not None and self.match.ambiguous:
            out.append(
                Problem(
                    ProblemCode.AMBIGUOUS_CUSTOMER,
                    "the buyer matches several QuickBooks customers too closely to choose",
                    fix="pick one with with_customer('<id>') or create one with "
                    "with_new_customer()",
                    candidates=candidates,
                )
            )
        elif self.contact is not None or self.company is not None:
            out.append(
                Problem(
                    ProblemCode.NO_CUSTOMER_MATCH,
                    "no QuickBooks customer matches the buyer",
                    fix="pick one with with_customer('<id>') or create one from the HubSpot "
                    "data with with_new_customer()",
                    candidates=candidates,
                )
            )
        return out

    def _currency_problems(self) -> list[Problem]:
        out: list[Problem] = []
        home = self.profile.home_currency
        if self.currency != home and not self.profile.multi_currency:
            out.append(
                Problem(
                    ProblemCode.CURRENCY_NOT_ENABLED,
                    f"the deal is in {self.currency} but QuickBooks company {self.realm_id} "
                    f"works only in {home} (multi-currency is off)",
                    fix="turn on multi-currency in QuickBooks, or change the deal's currency",
                )
            )
        chosen = self.customer or self.new_customer
        if chosen is not None and chosen.currency and chosen.currency != self.currency:
            who = (
                f"customer {chosen.display_name} [{chosen.id}] is"
                if self.customer is not None
                else f"the new customer {chosen.display_name} would be"
            )
            out.append(
                Problem(
                    ProblemCode.CUSTOMER_CURRENCY,
                    f"{who} billed in {chosen.currency} but the deal is in {self.currency} "
                    "(a QuickBooks customer's invoices are all in its currency)",
                    fix="choose a customer in the deal's currency with with_customer(...), "
                    "or with_new_customer() (made in the deal's currency)",
                )
            )
        return out

    def _line_problems(self) -> list[Problem]:
        out: list[Problem] = []
        if not self.lines:
            out.append(
                Problem(
                    ProblemCode.NO_LINES,
                    f"the {self.source.kind} has no line items",
                    fix="add line items in HubSpot",
                )
            )
        if self.quote is not None and self.quote.has_tax_objects:
            out.append(
                Problem(
                    ProblemCode.QUOTE_TAX_OBJECTS,
                    f"quote {self.quote.id} carries HubSpot taxes, which a QuickBooks invoice "
                    "cannot take (QuickBooks computes tax from tax codes)",
                    fix="remove the taxes from the quote, or invoice the deal from scratch",
                )
            )
        for ln in self.lines:
            if ln.source is not None and ln.source.is_recurring:
                out.append(
                    Problem(
                        ProblemCode.RECURRING_LINE,
                        f"{ln.label} bills on a schedule "
                        f"({_schedule(ln.source)}), "
                        "which one QuickBooks invoice cannot represent",
                        fix="make it a one-time line item in HubSpot, or use QuickBooks "
                        "recurring transactions for it",
                        line=ln.number,
                    )
                )
            if ln.quantity <= 0:
                out.append(
                    Problem(
                        ProblemCode.QUANTITY_INVALID,
                        f"{ln.label} has quantity {ln.quantity}",
                        fix="give it a positive quantity in HubSpot",
                        line=ln.number,
                    )
                )
            price = self._price_problem(ln)
            if price is not None:
                out.append(price)
            mismatch = self._hubspot_amount_mismatch(ln)
            if mismatch is not None:
                out.append(mismatch)
            if ln.item is None:
                out.append(self._item_problem(ln))
        return out

    def _price_problem(self, ln: DraftLine) -> Problem | None:
        """A HubSpot line with no price (empty, zero or negative), or one so small that the
        line rounds to nothing, would bill 0.00 without anyone noticing. A line made free by
        its own 100% discount is deliberate and passes."""
        if ln.source is None or ln.quantity <= 0:
            return None
        if ln.list_price <= 0:
            said = "no price" if ln.list_price == 0 else f"the price {ln.list_price}"
            why = f"{ln.label} has {said}, so it would bill 0.00"
        elif ln.net_price > 0 and round_money(ln.quantity * ln.net_price, self.currency) == 0:
            why = (
                f"{ln.label} costs {ln.quantity} x {ln.net_price}, which rounds to 0.00 "
                f"{self.currency}"
            )
        else:
            return None
        return Problem(
            ProblemCode.PRICE_MISSING,
            why,
            fix="set the line item's unit price in HubSpot (or remove the line)",
            line=ln.number,
        )

    def _hubspot_amount_mismatch(self, ln: DraftLine) -> Problem | None:
        """HubSpot's own net ``amount`` must equal quantity × net price, rounded: otherwise
        the discount (or the price) was read differently from how HubSpot computed it."""
        if ln.source is None or ln.source.amount is None:
            return None
        ours = line_amount(ln.quantity, ln.net_price, self.currency)
        theirs = round_money(ln.source.amount, self.currency)
        if ours == theirs:
            return None
        return Problem(
            ProblemCode.LINE_AMOUNT_MISMATCH,
            f"{ln.label}: HubSpot's amount is {theirs} {self.currency} but quantity × net "
            f"unit price gives {ours} {self.currency}",
            fix="check the line's price, quantity and discount in HubSpot",
            line=ln.number,
        )

    def _item_problem(self, ln: DraftLine) -> Problem:
        res = ln.resolution
        candidates = tuple(_describe_item(i) for i in res.candidates)
        notes = f" ({'; '.join(res.notes)})" if res.notes else ""
        if ln.is_fee:
            return Problem(
                ProblemCode.FEE_ITEM_MISSING,
                f"{ln.label}: the quote has fees but no QuickBooks service item is configured "
                f"for them{notes}",
                fix=f"pass fee_item_id= to InvoiceBuilder, or with_item({ln.number}, '<item id>')",
                line=ln.number,
                candidates=candidates,
            )
        if res.ambiguous:
            return Problem(
                ProblemCode.ITEM_AMBIGUOUS,
                f"{ln.label}: several QuickBooks items have the same "
                f"{res.via.value if res.via else 'key'}",
                fix=f"pick one with with_item({ln.number}, '<item id>') or map the product "
                "(item_map=)",
                line=ln.number,
                candidates=candidates,
            )
        return Problem(
            ProblemCode.ITEM_NOT_FOUND,
            f"{ln.label}: no QuickBooks item matches by mapping, product link, SKU or name{notes}",
            fix=f"pick one with with_item({ln.number}, '<item id>'), map the product "
            "(item_map=), or create the item in QuickBooks (then builder.refresh_catalog())",
            line=ln.number,
            candidates=candidates,
        )

    def _tax_problems(self) -> list[Problem]:
        out: list[Problem] = []
        if self.profile.is_us:
            for ln in self.lines:
                code = self.tax_code_for(ln)
                if code is not None and code.value not in US_TAX_CODES:
                    out.append(
                        Problem(
                            ProblemCode.US_TAX_CODE,
                            f"{ln.label} has tax code {code.value!r}; a US company's lines "
                            "carry only TAX or NON (QuickBooks computes the tax)",
                            fix=f"with_tax_code('TAX' or 'NON', line={ln.number})",
                            line=ln.number,
                        )
                    )
            return out
        active = tuple(f"{c.id}: {c.name}" for c in self.catalog.tax_codes if c.active)
        missing = [ln for ln in self.lines if self.tax_code_for(ln) is None]
        if missing:
            labels = ", ".join(ln.label for ln in missing)
            out.append(
                Problem(
                    ProblemCode.TAX_CODE_REQUIRED,
                    f"QuickBooks company {self.realm_id} ({self.profile.country}) needs a tax "
                    f"code on every line; missing on {labels}",
                    fix="give the items a default sales tax code in QuickBooks, or choose one "
                    "with with_tax_code('<code id>') (all lines) or with_tax_code(..., line=n)",
                    line=missing[0].number if len(missing) == 1 else None,
                    candidates=active,
                )
            )
        if self.catalog.tax_codes:
            for ln in self.lines:
                code = self.tax_code_for(ln)
                if code is not None and self.catalog.tax_code(code.value) is None:
                    out.append(
                        Problem(
                            ProblemCode.TAX_CODE_UNKNOWN,
                            f"{ln.label} has tax code {code.value!r}, which is not an active "
                            f"tax code of QuickBooks company {self.realm_id}",
                            fix=f"with_tax_code('<code id>', line={ln.number})",
                            line=ln.number,
                            candidates=active,
                        )
                    )
        return out

    def _total_problems(self) -> list[Problem]:
        if self.lines and self.total < 0:
            return [
                Problem(
                    ProblemCode.NEGATIVE_TOTAL,
                    f"the discount ({self.discount_total} {self.currency}) exceeds the lines "
                    f"({self.subtotal} {self.currency}); an invoice cannot be negative",
                    fix="correct the discount in HubSpot (a refund is a credit memo in QBO)",
                )
            ]
        if self.expected_total is None or not self.lines:
            return []
        expected = round_money(self.expected_total, self.currency)
        if expected == self.total:
            return []
        return [
            Problem(
                ProblemCode.TOTAL_MISMATCH,
                f"the invoice would total {self.total} {self.currency} but the quote's amount "
                f"is {expected} {self.currency}",
                fix="check the quote's discounts, fees and rounding in HubSpot; the lines are "
                "shown by draft.to_text()",
            )
        ]

    def _other_problems(self) -> list[Problem]:
        out: list[Problem] = []
        due = self.due_date
        if due is not None and due < self.txn_date:
            out.append(
                Problem(
                    ProblemCode.DUE_BEFORE_INVOICE_DATE,
                    f"the due date {due.isoformat()} is before the invoice date "
                    f"{self.txn_date.isoformat()}",
                    fix="with_dates(due_date=...) on or after the invoice date",
                )
            )
        if self.message is not None and len(self.message) > MESSAGE_MAX_LENGTH:
            out.append(
                Problem(
                    ProblemCode.MESSAGE_TOO_LONG,
                    f"the message has {len(self.message)} characters; QuickBooks prints at "
                    f"most {MESSAGE_MAX_LENGTH}",
                    fix="shorten it with with_message(...)",
                )
            )
        error = doc_number_error(self.doc_number)
        if error is not None:
            out.append(
                Problem(
                    ProblemCode.DOC_NUMBER_INVALID, error, fix="with_doc_number('<≤ 21 chars>')"
                )
            )
        elif (
            self.profile.custom_txn_numbers
            and self.doc_number_policy is DocNumberPolicy.CALLER_SUPPLIES
            and not self.doc_number
        ):
            out.append(
                Problem(
                    ProblemCode.DOC_NUMBER_REQUIRED,
                    f"QuickBooks company {self.realm_id} has custom transaction numbers on, so "
                    "an invoice created through the API gets no number unless given one",
                    fix="supply it with with_doc_number('<number>')",
                )
            )
        return out

    # ------------------------------------------------------------------ edits, A8

    def with_customer(self, customer: Customer | str) -> InvoiceDraft:
        """Bill an existing QBO customer (a ``Customer``, or an id among the candidates)."""
        _expect("with_customer(customer)", customer, Customer, str)
        if isinstance(customer, str):
            known = {
                c.id: c
                for m in (self.match, *self.contact_matches.values())
                if m is not None
                for c in (*m.candidates, *((m.customer,) if m.customer else ()))
            }
            chosen = known.get(customer, Customer(id=customer))
        else:
            chosen = customer
        return attrs.evolve(self, customer=chosen, new_customer=None, terms=self._terms_for(chosen))

    def _terms_for(self, customer: Customer | None) -> Term | None:
        """The terms after a change of customer: the caller's pinned terms, else the
        customer's own, else the company's default (a new customer has none of its own)."""
        if self.terms_chosen:
            return self.terms
        return resolve_terms(customer, self.profile, self.catalog.terms)

    def with_new_customer(
        self, display_name: str | None = None, *, customer: Customer | None = None
    ) -> InvoiceDraft:
        """Create a new QBO customer from the HubSpot buyer (or ``customer``) on ``create``.

        Args:
            display_name: overrides the DisplayName (company name, else person name).
            customer: a fully specified customer to create instead.
        """
        _expect("with_new_customer(display_name)", display_name, str, None)
        _expect("with_new_customer(customer=)", customer, Customer, None)
        proposed = customer or customer_from_buyer(self.contact, self.company, self.currency)
        if display_name is not None:
            proposed = attrs.evolve(proposed, display_name=display_name.strip())
        if proposed.currency is None:
            proposed = attrs.evolve(proposed, currency=self.currency)
        return attrs.evolve(
            self, customer=None, new_customer=proposed, terms=self._terms_for(proposed)
        )

    def with_contact(self, contact_id: str) -> InvoiceDraft:
        """Choose the buyer among the deal's contacts; the customer match follows the choice."""
        _expect("with_contact(contact_id)", contact_id, str)
        chosen = next((c for c in self.contact_choices if c.id == contact_id), None)
        if chosen is None:
            known = ", ".join(c.id or "?" for c in self.contact_choices) or "none"
            raise ValueError(f"contact {contact_id} is not among the deal's contacts ({known})")
        match = self.contact_matches.get(contact_id)
        customer = match.customer if match is not None and not match.ambiguous else None
        return attrs.evolve(
            self,
            contact=chosen,
            match=match,
            customer=customer,
            new_customer=None,
            terms=self._terms_for(customer),
            bill_email=chosen.email or self.bill_email,
        )

    def with_item(self, line: int, item: Item | str) -> InvoiceDraft:
        """Use this QBO item (an ``Item`` or an item id of the realm) on line ``line``."""
        _expect("with_item(line)", line, int)
        _expect("with_item(item)", item, Item, str)
        if isinstance(item, str):
            found = self.catalog.items.by_id.get(item)
            if found is None:
                raise ValueError(f"QuickBooks company {self.realm_id} has no item {item}")
            item = found
        resolution = ItemResolution(item=item if item.sellable else None, via=ResolvedBy.CALLER)
        if not item.sellable:
            resolution = attrs.evolve(
                resolution, notes=(f"item {item.id} ({item.name}) is inactive or a category",)
            )
        return self._replace_line(line, item=resolution.item, resolution=resolution)

    def with_tax_code(self, code: str | Ref, *, line: int | None = None) -> InvoiceDraft:
        """Use this tax code (id, ``TAX``/``NON`` in the US) on one line, or on every line."""
        _expect("with_tax_code(code)", code, str, Ref)
        _expect("with_tax_code(line=)", line, int, None)
        ref = code if isinstance(code, Ref) else Ref(code)
        if not isinstance(code, Ref) and not self.profile.is_us:
            known = self.catalog.tax_code(code)
            if known is not None:
                ref = Ref(known.id, known.name)
        if line is not None:
            return self._replace_line(line, tax_code=ref)
        return attrs.evolve(self, lines=[attrs.evolve(ln, tax_code=ref) for ln in self.lines])

    def with_terms(self, terms: Term | str | None) -> InvoiceDraft:
        """Use these payment terms (a ``Term``, or a term id or name); the due date follows.

        Chosen terms stay when the customer changes; ``None`` means no terms at all (QBO then
        applies the customer's or company's own).
        """
        _expect("with_terms(terms)", terms, Term, str, None)
        if isinstance(terms, str):
            found = self.catalog.term(terms)
            if found is None:
                names = ", ".join(t.name for t in self.catalog.terms) or "none"
                raise ValueError(f"no active term {terms!r} (known: {names})")
            terms = found
        return attrs.evolve(self, terms=terms, explicit_due_date=None, terms_chosen=True)

    def with_dates(
        self, txn_date: dt.date | None = None, due_date: dt.date | None = None
    ) -> InvoiceDraft:
        """Set the invoice date and/or an explicit due date (else derived from the terms)."""
        for name, value in (("txn_date", txn_date), ("due_date", due_date)):
            if value is not None and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise TypeError(
                    f"with_dates({name}=...) takes a datetime.date (e.g. date(2026, 1, 1)), "
                    f"got {type(value).__name__} {str(value)[:40]!r}"
                )
        return attrs.evolve(
            self,
            txn_date=txn_date if txn_date is not None else self.txn_date,
            explicit_due_date=due_date if due_date is not None else self.explicit_due_date,
        )

    def with_message(self, message: str | None) -> InvoiceDraft:
        """The message to the customer printed on the invoice (A7; ``CustomerMemo``)."""
        _expect("with_message(message)", message, str, None)
        return attrs.evolve(self, message=message)

    def with_doc_number(self, doc_number: str | None) -> InvoiceDraft:
        """The invoice number (``DocNumber``, at most 21 characters); ``None``: QBO assigns."""
        _expect("with_doc_number(doc_number)", doc_number, str, None)
        return attrs.evolve(self, doc_number=doc_number)

    def with_bill_email(self, email: str | None) -> InvoiceDraft:
        """Where QBO sends the invoice when asked to (``BillEmail``)."""
        _expect("with_bill_email(email)", email, str, None)
        return attrs.evolve(self, bill_email=email)

    def with_line_discount_mode(self, mode: LineDiscountMode) -> InvoiceDraft:
        """Send line discounts as net prices or as one discount line."""
        _expect("with_line_discount_mode(mode)", mode, LineDiscountMode)
        return attrs.evolve(self, line_discount_mode=mode)

    def with_attempt(self, attempt_id: str | None) -> InvoiceDraft:
        """A new idempotency attempt: ``create`` makes a new invoice for a new attempt id."""
        _expect("with_attempt(attempt_id)", attempt_id, str, None)
        return attrs.evolve(self, source=attrs.evolve(self.source, attempt_id=attempt_id))

    def _replace_line(self, number: int, **changes: object) -> InvoiceDraft:
        target = self.line(number)
        lines = [attrs.evolve(ln, **changes) if ln is target else ln for ln in self.lines]  # type: ignore[arg-type]
        return attrs.evolve(self, lines=lines)

    # ------------------------------------------------------------------ output

    def invoice_lines(self) -> tuple[InvoiceLine, ...]:
        """The QBO lines: sales lines (unit price always sent), then the discount line."""
        out: list[InvoiceLine] = []
        for ln in self.lines:
            item = ln.item
            ref = Ref(item.id or "", item.name) if item is not None else Ref("", None)
            out.append(
                InvoiceLine.sales_item(
                    item=ref,
                    quantity=ln.quantity,
                    unit_price=self.unit_price_sent(ln),
                    currency=self.currency,
                    description=ln.description,
                    tax_code=self.tax_code_for(ln),
                    service_date=ln.service_date,
                )
            )
        has_fee = any(ln.is_fee for ln in self.lines)
        line_disc = self._line_discounts
        if self.discount_percent and not (self.discount_fixed or has_fee or line_disc):
            out.append(InvoiceLine.discount(percent=self.discount_percent, description="Discount"))
        elif self.discount_total:
            out.append(InvoiceLine.discount(amount=self.discount_total, description="Discount"))
        return tuple(out)

    def to_invoice(self, customer: Ref, *, private_note: str | None = None) -> Invoice:
        """The QBO invoice to create for ``customer`` (never emailed: awaiting send)."""
        return Invoice(
            customer=customer,
            currency=self.currency,
            doc_number=self.doc_number,
            txn_date=self.txn_date,
            due_date=self.due_date,
            bill_email=self.bill_email,
            customer_memo=self.message,
            private_note=private_note,
            lines=self.invoice_lines(),
            total=self.total,
            balance=self.total,
            sales_term=Ref(self.terms.id, self.terms.name)
            if self.terms and self.terms.id
            else None,
            # HubSpot prices exclude tax; outside the US, QBO would otherwise apply the
            # company's sales-form default, which may be "inclusive of tax" (A5).
            global_tax_calculation=None if self.profile.is_us else "TaxExcluded",
            # HubSpot applies discounts before taxes; QBO's default is tax first.
            apply_tax_after_discount=True if self.discount_total else None,
        )

    def to_text(self) -> str:
        """A readable plain-text rendering (what ``str(draft)`` prints)."""
        from hubqbo.invoices._render import draft_text

        return draft_text(self)

    def __repr__(self) -> str:
        """Short: what it is from, for whom, how much, and how many problems (``str`` for all)."""
        customer = self.customer or self.new_customer
        return summary(
            "InvoiceDraft",
            [
                ("source", self.source.kind + " " + self.source.source_id),
                ("realm_id", self.realm_id),
                ("customer", customer.display_name if customer else None),
                ("lines", len(self.lines)),
                ("total", self.total),
                ("currency", self.currency),
                ("problems", len(self.problems())),
            ],
        )

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        from hubqbo.invoices._render import draft_html

        return draft_html(self)
