"""The invoicing rules as small pure functions.

Why pure: every rule here decides money, tax or dates, so each must be testable on its own,
with hypothesis where it is arithmetic, and must give the same answer in the builder, the
workflow action and the demo. Nothing here performs I/O.

Example:
    >>> from decimal import Decimal
    >>> from hubqbo.models import LineItem
    >>> net_unit_price(LineItem(unit_price=Decimal("200"), discount_percentage=Decimal("15")))
    Decimal('170')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs
from rapidfuzz import fuzz, process

from hubqbo.errors import QuoteNotUsable
from hubqbo.invoices._problems import as_tuple
from hubqbo.models import CompanyProfile, Customer, Item, LineItem, Product, Quote, Ref, Term
from hubqbo.money import round_money
from hubqbo.timezones import local_date

__all__ = [
    "DISPLAY_NAME_MAX_LENGTH",
    "DOC_NUMBER_MAX_LENGTH",
    "FAMILY_NAME_MAX_LENGTH",
    "GIVEN_NAME_MAX_LENGTH",
    "MESSAGE_MAX_LENGTH",
    "USABLE_QUOTE_STATUSES",
    "US_TAX_CODES",
    "ItemIndex",
    "ItemResolution",
    "ResolvedBy",
    "check_quote_usable",
    "clip",
    "default_tax_code",
    "doc_number_error",
    "due_date_for",
    "line_amount",
    "net_unit_price",
    "new_customer_field_errors",
    "new_customer_name_error",
    "percent_of",
    "quote_expiry_date",
    "resolve_item",
    "resolve_terms",
]

USABLE_QUOTE_STATUSES = frozenset({"APPROVED", "APPROVAL_NOT_NEEDED", "ACCEPTED"})
"""HubSpot ``hs_status`` values of a published quote (``ACCEPTED``: a CPQ quote the buyer
accepted). ``DRAFT``, ``PENDING_APPROVAL``, ``REJECTED`` and no status are not published."""

DOC_NUMBER_MAX_LENGTH = 21
"""QBO ``DocNumber`` maximum length."""

MESSAGE_MAX_LENGTH = 1000
"""QBO ``CustomerMemo`` maximum length."""

US_TAX_CODES = ("TAX", "NON")

DISPLAY_NAME_MAX_LENGTH = 500
"""QBO ``DisplayName`` maximum length."""

GIVEN_NAME_MAX_LENGTH = 25
"""QBO ``GivenName`` maximum length (``IntuitNamesTypes.xsd``, QBO)."""

FAMILY_NAME_MAX_LENGTH = 15
"""QBO ``FamilyName`` maximum length (``IntuitNamesTypes.xsd``, QBO)."""

_FORBIDDEN_NAME_CHARS = (
    (":", "':' (QuickBooks uses it for sub-customers)"),
    ("\t", "a tab"),
    ("\n", "a line break"),
    ("\r", "a line break"),
)


# --------------------------------------------------------------------------- quotes, A2


def quote_expiry_date(quote: Quote, time_zone: str | None = None) -> dt.date | None:
    """The last calendar day (in the portal's time zone) on which the quote can be used.

    HubSpot stores ``hs_expiration_date`` as an instant. Midnight UTC is how a bare date is
    stored, so it stands for that date; any other instant (e.g. the end of the day in the
    portal's zone) is read on the portal's calendar.

    Example:
        >>> q = Quote(id="5", expires_at=dt.datetime(2026, 11, 25, 3, tzinfo=dt.timezone.utc))
        >>> quote_expiry_date(q, "America/New_York")
        datetime.date(2026, 11, 24)
    """
    instant = quote.expires_at
    if instant is None:
        return quote.expiration_date
    utc = instant.astimezone(dt.timezone.utc)
    if utc.time() == dt.time(0):
        return utc.date()
    return local_date(instant, time_zone)


def check_quote_usable(quote: Quote, *, today: dt.date, time_zone: str | None = None) -> None:
    """Raise :class:`~hubqbo.errors.QuoteNotUsable` unless the quote is published and current.

    Args:
        quote: the HubSpot quote.
        today: the calendar date in the HubSpot portal's time zone. A quote expiring *today*
            is still usable; it expires at the end of its expiration date.
        time_zone: the portal's time zone, to read the expiry instant on its calendar
            (see :func:`quote_expiry_date`).

    Example:
        >>> check_quote_usable(Quote(id="5", status="DRAFT"), today=dt.date(2026, 11, 25))
        Traceback (most recent call last):
        ...
        hubqbo.errors.QuoteNotUsable: quote 5 cannot be invoiced: it is not published ...
    """
    status = (quote.status or "").strip()
    if status not in USABLE_QUOTE_STATUSES:
        shown = status or "no status"
        raise QuoteNotUsable(
            quote.id,
            f"it is not published (hs_status {shown}); publish it in HubSpot (status "
            "APPROVED or APPROVAL_NOT_NEEDED, or ACCEPTED for CPQ quotes) or invoice the "
            "deal from scratch",
        )
    expiry = quote_expiry_date(quote, time_zone)
    if expiry is not None and expiry < today:
        raise QuoteNotUsable(
            quote.id,
            f"it expired on {expiry.isoformat()} (today is {today.isoformat()} "
            "in the portal's time zone); extend or clone it in HubSpot, or invoice the deal "
            "from scratch",
        )


# --------------------------------------------------------------------------- items, A4


class ResolvedBy(str, enum.Enum):
    """How a HubSpot line was matched to a QBO item (the order the rules try)."""

    MAPPING = "mapping"
    PRODUCT = "product"
    SKU = "sku"
    NAME = "name"
    CALLER = "caller"
    FEE_ITEM = "fee_item"
    """The configured service item for quote fees."""


@attrs.frozen
class ItemResolution:
    """The outcome of resolving one line to a QBO item.

    Attributes:
        item: the sellable item found, or ``None``.
        via: which rule found it.
        candidates: when nothing (or several) were found, items a person could pick, best first.
        notes: why rules were skipped (an inactive mapped item, a category...).
        ambiguous: several sellable items fitted the same rule equally.
    """

    item: Item | None
    via: ResolvedBy | None = None
    candidates: tuple[Item, ...] = attrs.field(default=(), converter=as_tuple)
    notes: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    ambiguous: bool = False


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold()


@attrs.frozen
class ItemIndex:
    """QBO items indexed by id, SKU and name (exact, case-insensitive for names).

    Example:
        >>> idx = ItemIndex.of([Item(id="1", name="Audit", sku="AUD-1")])
        >>> idx.by_id["1"].name
        'Audit'
    """

    items: tuple[Item, ...]
    by_id: Mapping[str, Item] = attrs.field(hash=False, eq=False, repr=False)
    by_sku: Mapping[str, tuple[Item, ...]] = attrs.field(hash=False, eq=False, repr=False)
    by_name: Mapping[str, tuple[Item, ...]] = attrs.field(hash=False, eq=False, repr=False)

    @classmethod
    def of(cls, items: Iterable[Item]) -> ItemIndex:
        """Index ``items`` (every item, sellable or not: skips are reported, not hidden)."""
        all_items = tuple(items)
        by_sku: dict[str, list[Item]] = {}
        by_name: dict[str, list[Item]] = {}
        for item in all_items:
            if item.sku and item.sku.strip():
                by_sku.setdefault(item.sku.strip(), []).append(item)
            for name in {_fold(item.name), _fold(item.fully_qualified_name)} - {""}:
                by_name.setdefault(name, []).append(item)
        return cls(
            items=all_items,
            by_id={i.id: i for i in all_items if i.id is not None},
            by_sku={k: tuple(v) for k, v in by_sku.items()},
            by_name={k: tuple(v) for k, v in by_name.items()},
        )

    def suggestions(self, text: str, *, limit: int = 5) -> tuple[Item, ...]:
        """Sellable items whose names resemble ``text``: *suggestions for a person only*.

        Resolution never picks one of these by itself.
        """
        sellable = [i for i in self.items if i.sellable and i.name]
        if not text.strip() or not sellable:
            return tuple(sellable[:limit])
        names = [i.name or "" for i in sellable]
        ranked = process.extract(
            text, names, scorer=fuzz.WRatio, processor=str.casefold, limit=limit
        )
        return tuple(sellable[index] for _name, _score, index in ranked)


def _describe(item: Item) -> str:
    reason = "inactive" if not item.active else f"a {item.type.value}"
    return f"item {item.id} ({item.name}) is {reason}"


def resolve_item(
    line: LineItem,
    product: Product | None,
    index: ItemIndex,
    item_map: Mapping[str, str] | None = None,
) -> ItemResolution:
    """Find the QBO item for a HubSpot line — never by similarity.

    Rules, in order; a rule whose item is inactive or a Category is skipped (with a note):

    1. ``item_map`` (explicit mapping: HubSpot product id → QBO item id);
    2. the product's stored QBO item id;
    3. exact SKU (the line's, else the product's);
    4. exact name (case-insensitive; the item's name or fully qualified name).

    A rule that finds several sellable items is ambiguous (no guess). On a miss the resolution
    carries candidates: similar names, for a person to choose from.
    """
    notes: list[str] = []
    product_id = line.product_id or (product.id if product else None)
    ids: list[tuple[ResolvedBy, str | None]] = [
        (ResolvedBy.MAPPING, (item_map or {}).get(product_id) if product_id else None),
        (ResolvedBy.PRODUCT, product.qbo_item_id if product else None),
    ]
    for via, item_id in ids:
        if not item_id:
            continue
        item = index.by_id.get(item_id)
        if item is None:
            notes.append(f"{via.value}: item {item_id} does not exist in QuickBooks")
        elif not item.sellable:
            notes.append(f"{via.value}: {_describe(item)}")
        else:
            return ItemResolution(item=item, via=via, notes=notes)
    keyed: list[tuple[ResolvedBy, tuple[Item, ...]]] = []
    sku = (line.sku or (product.sku if product else None) or "").strip()
    if sku:
        keyed.append((ResolvedBy.SKU, index.by_sku.get(sku, ())))
    name = _fold(line.name or (product.name if product else None))
    if name:
        keyed.append((ResolvedBy.NAME, index.by_name.get(name, ())))
    for via, found in keyed:
        sellable = tuple(dict.fromkeys(i for i in found if i.sellable))
        notes.extend(f"{via.value}: {_describe(i)}" for i in found if not i.sellable)
        if len(sellable) == 1:
            return ItemResolution(item=sellable[0], via=via, notes=notes)
        if len(sellable) > 1:
            return ItemResolution(
                item=None, via=via, candidates=sellable, notes=notes, ambiguous=True
            )
    text = line.name or (product.name if product else None) or sku
    return ItemResolution(item=None, candidates=index.suggestions(text), notes=notes)


# --------------------------------------------------------------------------- prices


def net_unit_price(line: LineItem) -> Decimal:
    """The unit price after the line's own discount (HubSpot ``discount`` is per unit).

    A percentage discount wins when both are set (HubSpot applies one or the other). The
    result is exact (not rounded): QBO accepts unit prices with more decimals than the currency.
    """
    price = line.unit_price
    if line.discount_percentage is not None and line.discount_percentage != 0:
        return _trim(price * (Decimal(100) - line.discount_percentage) / Decimal(100))
    if line.discount is not None and line.discount != 0:
        return _trim(price - line.discount)
    return price


def _trim(value: Decimal) -> Decimal:
    """``value`` without trailing zeros, not in exponent notation (``170``, ``84.9915``) —
    except below 10⁻⁶, where Python's ``str`` of any Decimal uses one (the wire encoders
    write exact numbers either way)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def line_amount(quantity: Decimal, unit_price: Decimal, currency: str) -> Decimal:
    """Quantity × unit price, rounded half-up to the currency's minor units (QBO's rule)."""
    return round_money(quantity * unit_price, currency)


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """``percent`` % of ``amount`` (a discount, a fee), rounded half-up to minor units."""
    return round_money(amount * percent / Decimal(100), currency)


# --------------------------------------------------------------------------- tax, A5


def default_tax_code(item: Item | None, profile: CompanyProfile) -> Ref | None:
    """The tax code a line gets unless the caller chooses one.

    US companies: ``TAX`` when the item is taxable, else ``NON`` (QBO computes the tax).
    Elsewhere: the item's default sales tax code, or ``None`` (a problem: one is required).
    """
    if profile.is_us:
        return Ref("TAX") if item is not None and item.taxable else Ref("NON")
    return item.sales_tax_code if item is not None else None


# --------------------------------------------------------------------------- terms, A6


def resolve_terms(
    customer: Customer | None, profile: CompanyProfile, terms: Sequence[Term]
) -> Term | None:
    """The customer's payment terms, else the company's default terms, else ``None``.

    Terms are looked up by id among the company's active terms; a reference to a missing or
    inactive term falls through to the next rule.
    """
    by_id = {t.id: t for t in terms if t.active and t.id is not None}
    for ref in (customer.sales_term if customer else None, profile.default_terms):
        if ref is not None and ref.value in by_id:
            return by_id[ref.value]
    return None


def due_date_for(term: Term | None, txn_date: dt.date, explicit: dt.date | None) -> dt.date | None:
    """The due date: the caller's, else derived from the term, else ``None`` (QBO decides)."""
    if explicit is not None:
        return explicit
    return term.due_date(txn_date) if term is not None else None


# --------------------------------------------------------------------------- names, A3, A10


def new_customer_name_error(name: str | None, taken: frozenset[str]) -> str | None:
    """Why ``name`` cannot be a new QBO customer's DisplayName, or ``None`` when it can.

    Args:
        name: the proposed DisplayName.
        taken: DisplayNames in use, casefolded (QBO compares them case-insensitively, across
            customers, vendors and employees).
    """
    text = (name or "").strip()
    if not text:
        return "the new customer has no name"
    for char, label in _FORBIDDEN_NAME_CHARS:
        if char in text:
            return f"the customer name {text!r} contains {label}, which QuickBooks refuses"
    if len(text) > DISPLAY_NAME_MAX_LENGTH:
        return f"the customer name is longer than {DISPLAY_NAME_MAX_LENGTH} characters"
    if text.casefold() in taken:
        return f"a QuickBooks customer named {text!r} already exists (names are case-insensitive)"
    return None


def new_customer_field_errors(customer: Customer) -> tuple[str, ...]:
    """Why QBO would refuse the person-name fields of a new customer (``()`` when it would not).

    Example:
        >>> new_customer_field_errors(Customer(display_name="A", family_name="Featherstonehaugh"))
        ("the family name 'Featherstonehaugh' has 17 characters; QuickBooks allows 15",)
    """
    out = []
    for label, value, limit in (
        ("first name", customer.given_name, GIVEN_NAME_MAX_LENGTH),
        ("family name", customer.family_name, FAMILY_NAME_MAX_LENGTH),
    ):
        if value is not None and len(value) > limit:
            out.append(
                f"the {label} {value!r} has {len(value)} characters; QuickBooks allows {limit}"
            )
    return tuple(out)


def clip(text: str | None, limit: int) -> str | None:
    """``text`` stripped and cut to ``limit`` characters; ``None`` when empty.

    Example:
        >>> clip("  Bartholomew-Featherstone ", 15)
        'Bartholomew-Fea'
    """
    stripped = (text or "").strip()
    return stripped[:limit].rstrip() or None


def doc_number_error(doc_number: str | None) -> str | None:
    """Why ``doc_number`` is not a valid QBO DocNumber, or ``None`` when it is (≤ 21 chars)."""
    if doc_number is None:
        return None
    if not doc_number.strip():
        return "the invoice number is empty"
    if len(doc_number) > DOC_NUMBER_MAX_LENGTH:
        return (
            f"the invoice number {doc_number!r} has {len(doc_number)} characters; QuickBooks "
            f"allows at most {DOC_NUMBER_MAX_LENGTH}"
        )
    return None
