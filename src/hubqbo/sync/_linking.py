"""Initial linking: find the HubSpot record each QBO record already is, before any create.

Why: turning sync on must never duplicate what both systems already hold. Contacts are linked
by exact e-mail first, then by ``CustomerMatcher`` in bulk with a one-to-one assignment (one
QBO customer is never linked to two contacts, nor one contact to two customers); products by
SKU, then by name. Anything with more than one plausible partner stays unlinked and is listed
in the plan for a person (``engine.link`` / ``engine.unlink`` decide by hand). Pure: the
engine reads the records, this module only pairs them.

Example:
    >>> from hubqbo.models import Customer
    >>> from hubqbo.protocols import CrmObject
    >>> found = link_contacts(
    ...     [Customer(id="58", display_name="Ann Lee", email="Ann@Acme.example")],
    ...     [CrmObject(id="901", properties={"email": "ann@acme.example"})])
    >>> dict(found.proposed)
    {'58': '901'}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from hubqbo.matching import Buyer, CustomerMatcher, MatchStatus
from hubqbo.models import Address, Customer, Item
from hubqbo.protocols import CrmObject
from hubqbo.sync._config import ObjectKind
from hubqbo.sync._plan import Ambiguity

__all__ = ["LinkProposal", "link_contacts", "link_products"]

CONTACT_PROPERTIES = (
    "email",
    "firstname",
    "lastname",
    "company",
    "phone",
    "address",
    "city",
    "state",
    "zip",
    "country",
)
PRODUCT_PROPERTIES = ("name", "hs_sku", "price", "description")


@attrs.frozen
class LinkProposal:
    """Pairs found (QBO id -> HubSpot id), the HubSpot values of the paired records, how each
    was found, and the ambiguous ones."""

    proposed: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    values: Mapping[str, Mapping[str, str | None]] = attrs.field(factory=dict, hash=False)
    by: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    ambiguous: tuple[Ambiguity, ...] = ()


def _fold(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _contact_label(obj: CrmObject) -> str:
    p = obj.properties
    name = " ".join(x for x in (p.get("firstname"), p.get("lastname")) if x)
    return name or (p.get("email") or obj.id)


def _buyer(obj: CrmObject) -> Buyer:
    p = obj.properties
    address = Address(
        lines=tuple(x for x in (p.get("address"),) if x),
        city=p.get("city"),
        region=p.get("state"),
        postal_code=p.get("zip"),
        country=p.get("country"),
    )
    return Buyer(
        first_name=p.get("firstname"),
        last_name=p.get("lastname"),
        email=p.get("email"),
        phone=p.get("phone"),
        company_name=p.get("company"),
        address=None if address.is_empty else address,
    )


def _by_key(
    kind: ObjectKind,
    sources: Sequence[tuple[str, str, str]],
    targets: Sequence[tuple[str, str, str]],
) -> tuple[dict[str, str], list[Ambiguity], set[str]]:
    """Pair ``(id, key, label)`` sources with targets of the same non-empty key, one-to-one:
    a key held by several sources or several targets pairs nothing and is ambiguous."""
    source_by: dict[str, list[tuple[str, str]]] = defaultdict(list)
    target_by: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sid, key, label in sources:
        if key:
            source_by[key].append((sid, label))
    for tid, key, label in targets:
        if key:
            target_by[key].append((tid, label))
    pairs: dict[str, str] = {}
    ambiguous: list[Ambiguity] = []
    used: set[str] = set()
    for key, owners in source_by.items():
        found = target_by.get(key, [])
        if not found:
            continue
        used.update(t for t, _ in found)
        if len(owners) == 1 and len(found) == 1:
            pairs[owners[0][0]] = found[0][0]
            continue
        ambiguous.extend(
            Ambiguity(kind, sid, label, tuple((tid, tl) for tid, tl in found))
            for sid, label in owners
        )
    return pairs, ambiguous, used


def link_contacts(
    customers: Iterable[Customer],
    contacts: Iterable[CrmObject],
    *,
    linked: Mapping[str, str] | None = None,
    matcher_factory: Callable[[Iterable[Customer]], CustomerMatcher] = CustomerMatcher,
    use_matcher: bool = True,
) -> LinkProposal:
    """Pair unlinked QBO customers with existing HubSpot contacts (see the module rules).

    Args:
        customers: QBO customers not linked yet (that would otherwise be created).
        contacts: HubSpot contacts (the linked ones are only used to hold back a customer
            whose e-mail a contact linked to another customer already has: HubSpot keeps
            e-mails unique, so it could be neither created nor linked).
        linked: HubSpot ids already linked -> their QBO ids.
        matcher_factory: builds the matcher's index over the customers left after e-mail.
        use_matcher: ``False`` pairs by e-mail only (incremental runs look up e-mails only).
    """
    people = [c for c in customers if c.id]
    taken_by = dict(linked or {})
    everyone = list(contacts)
    crm = [o for o in everyone if o.id not in taken_by]
    held = _email_taken(people, [o for o in everyone if o.id in taken_by])
    people = [c for c in people if c.id not in {a.qbo_id for a in held}]
    by_id = {o.id: o for o in crm}
    pairs, ambiguous, used = _by_key(
        ObjectKind.CONTACTS,
        [(c.id or "", _fold(c.email), c.display_name or "") for c in people],
        [(o.id, _fold(o.properties.get("email")), _contact_label(o)) for o in crm],
    )
    how = dict.fromkeys(pairs, "e-mail")
    taken = {a.qbo_id for a in ambiguous} | set(pairs)
    left = [c for c in people if c.id not in taken]
    free = [o for o in crm if o.id not in used]
    if use_matcher and left and free:
        matched, unclear = _match(left, free, matcher_factory)
        pairs.update(matched)
        how.update(dict.fromkeys(matched, "matcher"))
        ambiguous.extend(unclear)
    values = {q: dict(by_id[h].properties) for q, h in pairs.items()}
    return LinkProposal(pairs, values, how, tuple(ambiguous) + tuple(held))


def _email_taken(customers: Sequence[Customer], linked: Sequence[CrmObject]) -> list[Ambiguity]:
    """Customers whose e-mail belongs to a contact linked to another customer."""
    owners = {_fold(o.properties.get("email")): o for o in linked if o.properties.get("email")}
    out = []
    for customer in customers:
        owner = owners.get(_fold(customer.email))
        if owner is not None:
            out.append(
                Ambiguity(
                    ObjectKind.CONTACTS,
                    customer.id or "",
                    customer.display_name or "",
                    ((owner.id, f"{_contact_label(owner)} (linked to another customer)"),),
                )
            )
    return out


def _match(
    customers: Sequence[Customer],
    contacts: Sequence[CrmObject],
    matcher_factory: Callable[[Iterable[Customer]], CustomerMatcher],
) -> tuple[dict[str, str], list[Ambiguity]]:
    """The matcher in bulk: each contact against the customers; a customer claimed by one
    contact only is linked; claimed by several, or a contact with several candidates, is
    ambiguous."""
    matcher = matcher_factory(customers)
    labels = {c.id or "": c.display_name or "" for c in customers}
    claims: dict[str, list[CrmObject]] = defaultdict(list)
    unclear: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for contact, result in zip(
        contacts, matcher.match_many([_buyer(o) for o in contacts]), strict=True
    ):
        if result.status is MatchStatus.MATCHED and result.customer_id:
            claims[result.customer_id].append(contact)
        elif result.ambiguous:
            for candidate in result.candidates[:2]:
                if candidate.customer_id:
                    unclear[candidate.customer_id].append((contact.id, _contact_label(contact)))
    pairs: dict[str, str] = {}
    ambiguous: list[Ambiguity] = []
    for qbo_id, contacts_claiming in claims.items():
        if len(contacts_claiming) == 1 and qbo_id not in unclear:
            pairs[qbo_id] = contacts_claiming[0].id
        else:
            options = [(o.id, _contact_label(o)) for o in contacts_claiming] + unclear.get(
                qbo_id, []
            )
            ambiguous.append(
                Ambiguity(ObjectKind.CONTACTS, qbo_id, labels.get(qbo_id, ""), tuple(options))
            )
    for qbo_id, options in unclear.items():
        if qbo_id not in claims:
            ambiguous.append(
                Ambiguity(ObjectKind.CONTACTS, qbo_id, labels.get(qbo_id, ""), tuple(options))
            )
    return pairs, ambiguous


def link_products(items: Iterable[Item], products: Iterable[CrmObject]) -> LinkProposal:
    """Pair unlinked QBO items with existing HubSpot products: by SKU, then by name.

    Example:
        >>> from hubqbo.protocols import CrmObject
        >>> found = link_products([Item(id="7", name="Audit", sku="AUD-1")],
        ...                       [CrmObject(id="3", properties={"hs_sku": "aud-1"})])
        >>> dict(found.proposed), dict(found.by)
        ({'7': '3'}, {'7': 'sku'})
    """
    things = [i for i in items if i.id]
    crm = list(products)
    by_id = {o.id: o for o in crm}
    pairs, ambiguous, used = _by_key(
        ObjectKind.PRODUCTS,
        [(i.id or "", _fold(i.sku), i.name or "") for i in things],
        [(o.id, _fold(o.properties.get("hs_sku")), o.properties.get("name") or o.id) for o in crm],
    )
    how = dict.fromkeys(pairs, "sku")
    taken = {a.qbo_id for a in ambiguous} | set(pairs)
    by_name, more, _ = _by_key(
        ObjectKind.PRODUCTS,
        [(i.id or "", _fold(i.name), i.name or "") for i in things if i.id not in taken],
        [
            (o.id, _fold(o.properties.get("name")), o.properties.get("name") or o.id)
            for o in crm
            if o.id not in used
        ],
    )
    pairs.update(by_name)
    how.update(dict.fromkeys(by_name, "name"))
    ambiguous.extend(more)
    values = {q: dict(by_id[h].properties) for q, h in pairs.items()}
    return LinkProposal(pairs, values, how, tuple(ambiguous))
