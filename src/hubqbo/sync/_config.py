"""What to sync and how: per object on/off, a write policy, a delete policy and a filter.

Why data: HubSpot's integration offers these choices as settings (F, G, I); hubqbo keeps them
as frozen values the pure planner reads, so a plan is a function of them and of the records.

Example:
    >>> cfg = SyncConfig(contacts=ObjectSync(delete=DeletePolicy.ARCHIVE))
    >>> cfg.contacts.write.value, cfg.products.enabled, cfg.invoices.enabled
    ('create_and_update', True, False)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs

from hubqbo.errors import ConfigurationError
from hubqbo.invoices import CustomerCreationPolicy
from hubqbo.mapping import Direction, MappingSet, ObjectPair, default_mapping_set
from hubqbo.models import Contact, CrmObjectType, Invoice
from hubqbo.sync._threeway import ConflictRule

__all__ = [
    "DeletePolicy",
    "ObjectKind",
    "ObjectSync",
    "SyncConfig",
    "SyncFilter",
    "WritePolicy",
    "active_only",
    "invoices_from",
    "with_email",
]


class ObjectKind(str, enum.Enum):
    """The three object pairs synced (QBO → HubSpot).

    Example:
        >>> ObjectKind.CONTACTS.entity, ObjectKind.CONTACTS.crm_type.value
        ('Customer', 'contacts')
    """

    CONTACTS = "contacts"
    PRODUCTS = "products"
    INVOICES = "invoices"
    LINE_ITEMS = "line_items"
    """QBO invoice lines as HubSpot line items on the invoice (part of invoice sync)."""

    @property
    def entity(self) -> str:
        """The QBO entity name."""
        return _ENTITIES[self]

    @property
    def crm_type(self) -> CrmObjectType:
        """The HubSpot object type."""
        return _CRM_TYPES[self]


_ENTITIES = {
    ObjectKind.CONTACTS: "Customer",
    ObjectKind.PRODUCTS: "Item",
    ObjectKind.INVOICES: "Invoice",
    ObjectKind.LINE_ITEMS: "Invoice",
}
_CRM_TYPES = {
    ObjectKind.CONTACTS: CrmObjectType.CONTACT,
    ObjectKind.PRODUCTS: CrmObjectType.PRODUCT,
    ObjectKind.INVOICES: CrmObjectType.INVOICE,
    ObjectKind.LINE_ITEMS: CrmObjectType.LINE_ITEM,
}


_PAIRS = {
    ObjectKind.CONTACTS: ObjectPair.CONTACT,
    ObjectKind.PRODUCTS: ObjectPair.PRODUCT,
    ObjectKind.INVOICES: ObjectPair.INVOICE,
}


class WritePolicy(str, enum.Enum):
    """What a QBO create or update does in HubSpot (HubSpot's integration settings)."""

    CREATE_AND_UPDATE = "create_and_update"
    """New QBO records are created in HubSpot; linked ones are updated."""
    UPDATE_ONLY = "update_only"
    """Only records already linked are updated; nothing is created."""


class DeletePolicy(str, enum.Enum):
    """What a QBO deletion (customers and items: deactivation; invoices: void or delete) does.

    ``NOTHING`` is the default, as HubSpot's integrations do. ``MARK`` writes hubqbo's status
    property (``inactive``, ``voided`` or ``deleted``); ``ARCHIVE`` moves the HubSpot record to
    the recycling bin (behind the mass-delete guard).
    """

    NOTHING = "nothing"
    MARK = "mark"
    ARCHIVE = "archive"


SyncFilter = Callable[[object], bool]
"""A predicate on the QBO record (``Customer``, ``Item``, ``Invoice``), applied when a record
would be linked for the first time (as HubSpot's integration does); linked records stay."""


def active_only(record: object) -> bool:
    """Filter: only active customers or items (invoices: not voided or deleted).

    Example:
        >>> from hubqbo.models import Customer
        >>> active_only(Customer(display_name="Acme", active=False))
        False
    """
    if isinstance(record, Invoice):
        return record.is_live
    return bool(getattr(record, "active", True))


def with_email(record: object) -> bool:
    """Filter: only customers with an e-mail address.

    Example:
        >>> from hubqbo.models import Customer
        >>> with_email(Customer(display_name="Acme")), with_email(Customer(email="a@b.co"))
        (False, True)
    """
    return bool(getattr(record, "email", None))


def invoices_from(day: dt.date) -> SyncFilter:
    """Filter: only invoices dated ``day`` or later.

    Example:
        >>> from hubqbo.models import Ref
        >>> keep = invoices_from(dt.date(2026, 1, 1))
        >>> keep(Invoice(customer=Ref("1"), currency="USD", txn_date=dt.date(2025, 12, 31)))
        False
    """

    def keep(record: object) -> bool:
        return isinstance(record, Invoice) and (record.txn_date is None or record.txn_date >= day)

    return keep


def _everything(_record: object) -> bool:
    return True


@attrs.frozen
class ObjectSync:
    """The settings of one object pair.

    Attributes:
        enabled: sync this object at all.
        write: create and update, or update only records already linked.
        delete: what a QBO deactivation, void or deletion does in HubSpot.
        filter: which QBO records may be linked for the first time.
        sub_customers: include sub-customers (jobs); they link to their parent's contact.
        line_items: invoices only: QBO lines become HubSpot line items on the invoice.
        direction: ``QBO_TO_HUBSPOT`` (the default: one way) or ``BOTH`` (contacts and
            products: two-way sync, each field as its mapping says; HubSpot's default
            mappings then flow both ways; amounts, balances and statuses stay one way).
        create_in_qbo: two-way contacts only: whether a HubSpot contact with no QBO customer
            creates one, by the invoicing rule (``hubqbo.invoices.CustomerCreationPolicy``):
            ``None`` (the default) never, ``ALWAYS`` every such contact, ``ONLY_IF_ELIGIBLE``
            those ``contact_filter`` accepts.
        contact_filter: the contact sync filter (a predicate on ``hubqbo.models.Contact``),
            required by ``ONLY_IF_ELIGIBLE``.

    Example:
        >>> ObjectSync(write=WritePolicy.UPDATE_ONLY, filter=with_email).write.value
        'update_only'
    """

    enabled: bool = True
    write: WritePolicy = WritePolicy.CREATE_AND_UPDATE
    delete: DeletePolicy = DeletePolicy.NOTHING
    filter: SyncFilter = _everything
    sub_customers: bool = False
    line_items: bool = True
    direction: Direction = Direction.QBO_TO_HUBSPOT
    create_in_qbo: CustomerCreationPolicy | None = None
    contact_filter: Callable[[Contact], bool] | None = None

    @classmethod
    def off(cls) -> ObjectSync:
        """An object that is not synced."""
        return cls(enabled=False)


@attrs.frozen
class SyncConfig:
    """Everything a sync of one tenant is told.

    Attributes:
        contacts, products, invoices: the per-object settings (invoices off by default: they
            need contacts and products synced first).
        id_property: hubqbo's unique HubSpot property holding ``realm:id`` on each object.
        status_property: hubqbo's property a ``MARK`` delete policy writes.
        mappings: the field mappings per object (``hubqbo.MappingSet``).
        mass_delete_share: a run that would archive or mark more than this share of the
            linked records of one object is refused unless told to proceed.
        cdc_overlap: how far before the cursor each incremental read starts (clock skew;
            records read twice cost no write); also HubSpot's look-back window in two-way sync.
        conflict_rule: two-way sync: who wins a field changed on both sides.

    Example:
        >>> SyncConfig().mass_delete_share
        Decimal('0.2')
    """

    contacts: ObjectSync = ObjectSync()
    products: ObjectSync = ObjectSync()
    invoices: ObjectSync = attrs.field(default=ObjectSync(enabled=False))
    id_property: str = "hubqbo_id"
    status_property: str = "hubqbo_status"
    mass_delete_share: Decimal = Decimal("0.2")
    cdc_overlap: dt.timedelta = dt.timedelta(minutes=1)
    conflict_rule: ConflictRule = ConflictRule.QBO_WINS
    """Two-way sync: who wins a field changed on both sides (``hubqbo.sync.ConflictRule``)."""
    mappings: Mapping[ObjectKind, MappingSet] = attrs.field(factory=dict, hash=False)
    """The field mappings per object (HubSpot's defaults, ``default_mapping_set``, for any
    object not given): every mapped value the engine writes goes through them."""

    @invoices.validator
    def _invoices_one_way(self, _attribute: object, value: ObjectSync) -> None:
        if value.direction is Direction.BOTH:
            raise ConfigurationError(
                "invoices sync one way, QuickBooks to HubSpot (the ledger is the record of "
                "money): direction=Direction.BOTH is for contacts and products"
            )

    def __attrs_post_init__(self) -> None:
        _check_creation(self.contacts, self.products)

    def mapping_set(self, kind: ObjectKind) -> MappingSet:
        """The mapping set of ``kind`` (contacts, products or invoices)."""
        given = self.mappings.get(kind)
        return given if given is not None else default_mapping_set(_PAIRS[kind])

    def of(self, kind: ObjectKind) -> ObjectSync:
        """The settings of one object (line items: on with invoices and their switch; a line
        removed from its invoice is archived)."""
        if kind is ObjectKind.LINE_ITEMS:
            return ObjectSync(
                enabled=self.invoices.enabled and self.invoices.line_items,
                delete=DeletePolicy.ARCHIVE,
            )
        return {
            ObjectKind.CONTACTS: self.contacts,
            ObjectKind.PRODUCTS: self.products,
            ObjectKind.INVOICES: self.invoices,
        }[kind]

    def two_way(self, kind: ObjectKind) -> bool:
        """True when ``kind`` syncs both ways (contacts and products only)."""
        return (
            kind in (ObjectKind.CONTACTS, ObjectKind.PRODUCTS)
            and self.of(kind).enabled
            and self.of(kind).direction is Direction.BOTH
        )

    @property
    def enabled_kinds(self) -> tuple[ObjectKind, ...]:
        """The objects read from QBO, switched on, in sync order (contacts, products,
        invoices; line items come with their invoices)."""
        return tuple(k for k in ObjectKind if k is not ObjectKind.LINE_ITEMS and self.of(k).enabled)


def _check_creation(contacts: ObjectSync, products: ObjectSync) -> None:
    """QBO customers are created from HubSpot contacts only in two-way sync, by a stated
    policy; items never are."""
    if products.create_in_qbo is not None:
        raise ConfigurationError(
            "products never create QBO items (invoicing has no rule for it; an item needs "
            "an income account a person chooses): create_in_qbo is for contacts"
        )
    policy = contacts.create_in_qbo
    if policy is None:
        return
    if contacts.direction is not Direction.BOTH:
        raise ConfigurationError(
            "contacts create QBO customers only in two-way sync: set "
            "direction=Direction.BOTH with create_in_qbo"
        )
    if policy is CustomerCreationPolicy.ONLY_IF_ELIGIBLE and contacts.contact_filter is None:
        raise ConfigurationError(
            "create_in_qbo=ONLY_IF_ELIGIBLE needs contact_filter= (the contact sync filter)"
        )
