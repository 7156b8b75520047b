"""The in-memory portal: records, property definitions, uniqueness, associations, settings.

Why: the HTTP handlers and the Python seeding API must apply the same rules (property
validation, read-only and unique properties, computed amounts, invoice and quote states), so
the rules live here, behind plain methods that raise ``ApiError`` exactly as HubSpot refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from hubqbo.sandbox._common import Clock
from hubqbo.sandbox.hubspot._associations import AssociationStore, AssociationType, association_type
from hubqbo.sandbox.hubspot._errors import ApiError, property_problems_error
from hubqbo.sandbox.hubspot._model import (
    ADJUSTMENT_TYPES,
    QUOTE_STATUSES,
    ObjectType,
    PropertyDef,
    PropertyGroupDef,
    ValueProblem,
    default_groups,
    default_properties,
    format_datetime,
    normalize_value,
    object_type,
    object_types,
    wire_string,
)

__all__ = ["MAX_UNIQUE_PROPERTIES", "UNIQUE_DOCUMENTED", "PortalStore", "Record"]

MAX_UNIQUE_PROPERTIES = 10
UNIQUE_DOCUMENTED = frozenset({"contacts", "companies", "deals", "tickets"})
"""Objects where HubSpot documents custom unique-value properties (changelog "Unique
Properties support for newly created Contact properties": companies, deals, tickets and custom
objects historically, contacts since then). HubSpot says nothing either way for products, line
items, quotes, invoices, discounts, fees and taxes: ``strict_unique`` refuses them there."""

Listener = Callable[..., None]
"""``(object_type, type_id, action, object_id, **fields)``: told of every change (webhooks)."""
_PUBLISHED_QUOTE_STATES = frozenset({"APPROVAL_NOT_NEEDED", "APPROVED"})


@attrs.define
class Record:
    """One stored CRM record (mutable inside the store only)."""

    id: str
    kind: ObjectType
    properties: dict[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime
    archived: bool = False
    archived_at: dt.datetime | None = None
    history: dict[str, list[tuple[str, dt.datetime]]] = attrs.field(factory=dict)


def _decimal(value: str | None) -> Decimal:
    try:
        return Decimal(value) if value else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _options(raw: Any) -> tuple[tuple[str, str], ...]:
    """``[{value, label}]`` as (value, label) pairs; entries without a value are skipped."""
    return tuple(
        (str(o["value"]), str(o.get("label", o["value"])))
        for o in raw
        if isinstance(o, dict) and o.get("value") is not None
    )


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


class PortalStore:
    """One HubSpot portal held in memory (not thread-safe on its own; the transport locks).

    Example:
        >>> from hubqbo.sandbox import ManualClock
        >>> store = PortalStore(ManualClock(), portal_id=1)
        >>> deal = store.create("deals", {"dealname": "Boat", "amount": "10"})
        >>> store.get("deals", deal.id).properties["dealname"]
        'Boat'
    """

    def __init__(
        self,
        clock: Clock,
        *,
        portal_id: int = 12345678,
        time_zone: str = "US/Eastern",
        company_currency: str = "USD",
        additional_currencies: Sequence[str] = (),
    ) -> None:
        self.clock = clock
        self.portal_id = portal_id
        self.time_zone = time_zone
        self.company_currency = company_currency
        self.additional_currencies = list(additional_currencies)
        self.currency_created_at = clock.now()
        self.properties: dict[str, dict[str, PropertyDef]] = {
            t.name: default_properties(t) for t in object_types()
        }
        self.groups: dict[str, dict[str, PropertyGroupDef]] = {
            t.name: default_groups(t) for t in object_types()
        }
        self.records: dict[str, dict[str, Record]] = {t.name: {} for t in object_types()}
        self.unique: dict[tuple[str, str], dict[str, str]] = {}
        self.associations = AssociationStore()
        self.next_id = 1001
        self.next_number = 1001
        self.listener: Listener | None = None
        self.strict_unique = False

    def _tell(self, kind: ObjectType, action: str, object_id: str, **fields: Any) -> None:
        if self.listener is not None:
            self.listener(kind.name, kind.type_id, action, object_id, **fields)

    # ------------------------------------------------------------------ lookups

    def kind(self, key: str) -> ObjectType:
        """The object type for a path segment, or HubSpot's 400 when it cannot be inferred."""
        found = object_type(key)
        if found is None:
            raise ApiError.validation(f"Unable to infer object type from: {key}")
        return found

    def definitions(self, kind: str) -> dict[str, PropertyDef]:
        """Live property definitions of a type (archived ones excluded)."""
        return {n: p for n, p in self.properties[kind].items() if not p.archived}

    def get(self, kind: str, record_id: str, *, archived: bool = False) -> Record:
        """A record by id; 404 when absent (or archived, unless ``archived``)."""
        record = self.records[kind].get(record_id)
        if record is None or record.archived != archived:
            raise ApiError.not_found(record_id)
        return record

    def find(
        self, kind: str, value: str, id_property: str | None, *, archived: bool = False
    ) -> Record | None:
        """A record by id or by the value of a unique ``id_property``."""
        if id_property in (None, "", "hs_object_id"):
            record = self.records[kind].get(value)
        else:
            self.check_id_property(kind, id_property)
            key = value.lower() if (kind, id_property) == ("contacts", "email") else value
            found = self.unique.get((kind, id_property), {}).get(key)
            record = self.records[kind].get(found) if found is not None else None
        if record is None or record.archived != archived:
            return None
        return record

    def check_id_property(self, kind: str, id_property: str) -> None:
        """400 unless ``id_property`` is a unique-value property of ``kind``."""
        definition = self.definitions(kind).get(id_property)
        unique = definition is not None and (
            definition.has_unique_value or (kind, id_property) == ("contacts", "email")
        )
        if not unique:
            raise ApiError.validation(
                f"{id_property} is not a unique identifier property for {self.kind(kind).label}; "
                "use a property with hasUniqueValue."
            )

    def live(self, kind: str) -> list[Record]:
        """Unarchived records in id order."""
        return [r for r in self.records[kind].values() if not r.archived]

    # ------------------------------------------------------------------ writes

    def _next_id(self) -> str:
        self.next_id += 1
        return str(self.next_id - 1)

    def _next_number(self) -> int:
        self.next_number += 1
        return self.next_number - 1

    def validate(
        self,
        kind: str,
        incoming: Mapping[str, Any],
        existing: Record | None,
        *,
        allow_read_only: Iterable[str] = (),
    ) -> dict[str, str]:
        """Normalized values for ``incoming``, or HubSpot's ``VALIDATION_ERROR``."""
        if not isinstance(incoming, Mapping):
            raise ApiError.validation("properties must be an object of string values.")
        definitions = self.definitions(kind)
        problems: list[ValueProblem] = []
        values: dict[str, str] = {}
        allowed_read_only = set(allow_read_only)
        for name, raw_value in incoming.items():
            definition = definitions.get(name)
            if definition is None:
                problems.append(
                    ValueProblem(name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
                )
                continue
            if definition.read_only and name not in allowed_read_only:
                problems.append(
                    ValueProblem(
                        name,
                        "READ_ONLY_VALUE",
                        f'"{name}" is a read only property; its value cannot be set.',
                    )
                )
                continue
            raw = wire_string(raw_value)
            if raw is None:
                if raw_value is None:
                    values[name] = ""
                    continue
                problems.append(
                    ValueProblem(name, "INVALID_VALUE", f'"{name}" needs a string value.')
                )
                continue
            previous = existing.properties.get(name) if existing is not None else None
            normalized = normalize_value(definition, raw, previous)
            if isinstance(normalized, ValueProblem):
                problems.append(normalized)
            else:
                values[name] = normalized
        if problems:
            raise property_problems_error(problems, self.portal_id)
        self._check_unique(kind, values, existing)
        return values

    def _check_unique(self, kind: str, values: Mapping[str, str], existing: Record | None) -> None:
        definitions = self.definitions(kind)
        for name, value in values.items():
            definition = definitions[name]
            is_email = (kind, name) == ("contacts", "email")
            if not (definition.has_unique_value or is_email) or value == "":
                continue
            key = value.lower() if is_email else value
            owner = self.unique.get((kind, name), {}).get(key)
            if owner is None or (existing is not None and owner == existing.id):
                continue
            if is_email:
                raise ApiError(
                    409,
                    f"Contact already exists. Existing ID: {owner}",
                    "CONFLICT",
                    context={"existingId": [owner]},
                )
            raise property_problems_error(
                [
                    ValueProblem(
                        name,
                        "CONFLICTING_UNIQUE_VALUE",
                        f'{value} already has that value. Property "{name}" requires unique values '
                        f"(existing {self.kind(kind).singular} {owner}).",
                    )
                ],
                self.portal_id,
            )

    def _index(self, record: Record, values: Mapping[str, str]) -> None:
        definitions = self.definitions(record.kind.name)
        for name, value in values.items():
            is_email = (record.kind.name, name) == ("contacts", "email")
            if not (definitions[name].has_unique_value or is_email):
                continue
            index = self.unique.setdefault((record.kind.name, name), {})
            old = record.properties.get(name)
            if old:
                index.pop(old.lower() if is_email else old, None)
            if value:
                index[value.lower() if is_email else value] = record.id

    def _apply(self, record: Record, values: Mapping[str, str], now: dt.datetime) -> None:
        self._index(record, values)
        for name, value in values.items():
            record.history.setdefault(name, []).insert(0, (value, now))
            if value == "":
                record.properties.pop(name, None)
            else:
                record.properties[name] = value
        record.updated_at = now
        record.properties[record.kind.modified_property] = format_datetime(now)
        self.derive(record)

    def create(
        self,
        kind: str,
        incoming: Mapping[str, Any],
        associations: Sequence[tuple[str, str, AssociationType]] = (),
    ) -> Record:
        """Validate and store a new record (associations are ``(to_type, to_id, type)``)."""
        object_kind = self.kind(kind)
        values = self.validate(object_kind.name, incoming, None)
        self._check_create_rules(object_kind, values)
        for to_type, to_id, _ in associations:
            self.get(to_type, to_id)
        now = self.clock.now()
        record = Record(self._next_id(), object_kind, {}, now, now)
        system = {
            "hs_object_id": record.id,
            object_kind.created_property: format_datetime(now),
        }
        values = {**self._create_defaults(object_kind, values), **values}
        for to_type, to_id, association in associations:
            self.associations.add(object_kind.name, record.id, to_type, to_id, association)
        try:
            self._check_state_rules(object_kind, record, values, None)
        except ApiError:
            self.associations.remove_record(object_kind.name, record.id)
            raise
        self.records[object_kind.name][record.id] = record
        record.properties.update(system)
        self._apply(record, values, now)
        self._tell(object_kind, "creation", record.id)
        return record

    def update(self, kind: str, record: Record, incoming: Mapping[str, Any]) -> Record:
        """Validate and apply new values to an existing record."""
        values = self.validate(kind, incoming, record)
        self._check_state_rules(record.kind, record, values, record.properties)
        changed = {n: v for n, v in values.items() if record.properties.get(n, "") != v}
        self._apply(record, values, self.clock.now())
        for name, value in changed.items():
            self._tell(
                record.kind, "propertyChange", record.id, propertyName=name, propertyValue=value
            )
        return record

    def archive(self, kind: str, record: Record, *, quietly: bool = False) -> None:
        """Move a record to the recycling bin (frees its unique values, drops its links)."""
        now = self.clock.now()
        record.archived = True
        record.archived_at = now
        record.updated_at = now
        self._drop_unique(kind, record)
        self.associations.remove_record(kind, record.id)
        if not quietly:
            self._tell(record.kind, "deletion", record.id)
        if kind == "quotes":
            for line_id, _ in list(self.associations.linked("quotes", record.id, "line_items")):
                line = self.records["line_items"].get(line_id)
                if line is not None and not line.archived:
                    self.archive("line_items", line)

    def associate(
        self, from_kind: str, from_id: str, to_kind: str, to_id: str, kind: AssociationType
    ) -> None:
        """Link two existing records (404 when either is missing)."""
        source, target = self.get(from_kind, from_id), self.get(to_kind, to_id)
        known = self.associations.types(from_kind, from_id, to_kind, to_id)
        self.associations.add(from_kind, from_id, to_kind, to_id, kind)
        if kind not in known:
            self._tell_link(source, target, kind, removed=False)
        for side, side_id in ((from_kind, from_id), (to_kind, to_id)):
            if side in {"quotes", "invoices", "deals"}:
                self.derive(self.records[side][side_id])

    def unlink(
        self, from_kind: str, from_id: str, to_kind: str, to_id: str, kinds: set[int] | None = None
    ) -> None:
        """Remove associations (those of ``kinds`` only, when given), notifying
        ``associationChange`` with ``associationRemoved: true`` for each removed type."""
        before = self.associations.types(from_kind, from_id, to_kind, to_id)
        self.associations.remove(from_kind, from_id, to_kind, to_id, kinds)
        after = self.associations.types(from_kind, from_id, to_kind, to_id)
        source = self.records[from_kind].get(from_id)
        target = self.records[to_kind].get(to_id)
        if source is None or target is None:
            return
        for kind in before:
            if kind not in after:
                self._tell_link(source, target, kind, removed=True)

    def _tell_link(
        self, source: Record, target: Record, kind: AssociationType, *, removed: bool
    ) -> None:
        for one, other in ((source, target), (target, source)):
            self._tell(
                one.kind,
                "associationChange",
                one.id,
                associationType=f"{one.kind.singular}_TO_{other.kind.singular}".upper(),
                fromObjectId=int(one.id),
                toObjectId=int(other.id),
                associationRemoved=removed,
                isPrimaryAssociation=kind.label == "Primary",
            )

    def merge(self, kind: str, primary: Record, merged: Record) -> Record:
        """Merge ``merged`` into ``primary`` (HubSpot's ``POST .../merge``): the primary's values
        win, the merged record's fill the primary's blanks, its associations move over, and it
        is archived. The primary keeps its id."""
        if primary.id == merged.id:
            raise ApiError.validation("A record cannot be merged into itself.")
        moved = {
            name: value
            for name, value in merged.properties.items()
            if not primary.properties.get(name)
            and name in self.definitions(kind)
            and not self.definitions(kind)[name].read_only
            and name not in {"hs_object_id", merged.kind.created_property}
        }
        links = [
            (to_type, to_id, types)
            for (to_type, to_id), types in self.associations._edges.get(
                (kind, merged.id), {}
            ).items()
        ]
        self._drop_unique(kind, merged)
        self.update(kind, primary, moved)
        for to_type, to_id, types in links:
            for association in list(types):
                if (to_type, to_id) != (kind, primary.id):
                    self.associations.add(kind, primary.id, to_type, to_id, association)
        self.archive(kind, merged, quietly=True)
        self._tell(
            primary.kind,
            "merge",
            primary.id,
            primaryObjectId=int(primary.id),
            mergedObjectIds=[int(merged.id)],
            newObjectId=int(primary.id),
            numberOfPropertiesMoved=len(moved),
        )
        return primary

    def restore(self, kind: str, record: Record) -> Record:
        """Bring an archived record back from the recycling bin (its unique values again; a
        value another live record now holds: 409). Associations dropped at archive stay gone."""
        if not record.archived:
            raise ApiError.validation(f"{record.id} is not archived.")
        values = {n: v for n, v in record.properties.items() if n in self.definitions(kind)}
        record.archived = False
        record.archived_at = None
        try:
            self._check_unique(kind, values, record)
        except ApiError:
            record.archived = True
            raise
        self._index(record, values)
        record.updated_at = self.clock.now()
        self._tell(record.kind, "restore", record.id)
        return record

    def purge(self, kind: str, record: Record) -> None:
        """A privacy-compliant (GDPR) delete: the record is gone for good, recycling bin
        included; ``privacyDeletion`` then ``deletion`` are notified (HubSpot sends both)."""
        if not record.archived:
            self.archive(kind, record, quietly=True)
        del self.records[kind][record.id]
        self._tell(record.kind, "privacyDeletion", record.id)
        self._tell(record.kind, "deletion", record.id)

    def _drop_unique(self, kind: str, record: Record) -> None:
        for (index_kind, _), index in self.unique.items():
            if index_kind == kind:
                for value, owner in list(index.items()):
                    if owner == record.id:
                        del index[value]

    # ------------------------------------------------------------------ object rules

    def _create_defaults(self, kind: ObjectType, values: Mapping[str, str]) -> dict[str, str]:
        now = self.clock.now()
        if kind.name == "quotes":
            return {"hs_status": "DRAFT", "hs_currency": self.company_currency}
        if kind.name == "invoices":
            return {
                "hs_invoice_status": "draft",
                "hs_invoice_date": format_datetime(now),
                "hs_invoice_billable": "true",
            }
        if kind.name == "line_items":
            product_id = values.get("hs_product_id")
            product = self.records["products"].get(product_id or "")
            if product is None:
                return {}
            inherited = ("name", "price", "hs_sku", "description", "hs_recurring_billing_period")
            return {k: product.properties[k] for k in inherited if k in product.properties}
        return {}

    def check_create(self, kind: str, incoming: Mapping[str, Any]) -> None:
        """Every check ``create`` makes before writing (for all-or-nothing batches)."""
        object_kind = self.kind(kind)
        self._check_create_rules(object_kind, self.validate(object_kind.name, incoming, None))

    def _check_create_rules(self, kind: ObjectType, values: Mapping[str, str]) -> None:
        if kind.name == "quotes":
            missing = [p for p in ("hs_title", "hs_expiration_date") if not values.get(p)]
            if missing:
                raise ApiError.validation(
                    f"Missing required properties for QUOTE: {', '.join(missing)}",
                    context={"propertyName": missing},
                )
        if kind.name == "invoices" and not values.get("hs_currency"):
            raise ApiError.validation(
                "Missing required property for INVOICE: hs_currency",
                context={"propertyName": ["hs_currency"]},
            )
        if kind.name == "line_items":
            product_id = values.get("hs_product_id")
            if product_id and self.find("products", product_id, None) is None:
                raise ApiError.validation(
                    f"Product {product_id} does not exist.", context={"hs_product_id": [product_id]}
                )
            if values.get("price", "").startswith("-"):
                raise property_problems_error(
                    [ValueProblem("price", "INVALID_VALUE", "price cannot be negative.")],
                    self.portal_id,
                )

    def _check_state_rules(
        self,
        kind: ObjectType,
        record: Record,
        values: Mapping[str, str],
        previous: Mapping[str, str] | None,
    ) -> None:
        if kind.name == "invoices" and values.get("hs_invoice_status") == "open":
            was = (previous or {}).get("hs_invoice_status")
            if was != "open":
                contacts = list(self.associations.linked("invoices", record.id, "contacts"))
                lines = list(self.associations.linked("invoices", record.id, "line_items"))
                if len(contacts) != 1 or not lines:
                    raise ApiError.validation(
                        "An invoice can move to open only with exactly one associated contact "
                        "and at least one associated line item (it has "
                        f"{len(contacts)} contact(s), {len(lines)} line item(s)).",
                        context={"hs_invoice_status": ["open"]},
                    )
        if kind.name == "quotes" and previous is not None and previous.get("hs_locked") == "true":
            unlocking = values.get("hs_status") in {"DRAFT", "PENDING_APPROVAL", "REJECTED"}
            if not unlocking and set(values) - {"hs_status"}:
                raise ApiError.validation(
                    "This quote is published and locked; set hs_status back to DRAFT, "
                    "PENDING_APPROVAL or REJECTED before editing it."
                )

    def derive(self, record: Record) -> None:
        """Recompute calculated properties (line amount, quote and invoice totals)."""
        props = record.properties
        name = record.kind.name
        if name == "line_items":
            quantity = _decimal(props.get("quantity") or "1")
            price = _decimal(props.get("price"))
            gross = quantity * price
            if props.get("hs_discount_percentage"):
                gross -= gross * _decimal(props["hs_discount_percentage"]) / 100
            if props.get("discount"):
                gross -= _decimal(props["discount"]) * quantity
            props["amount"] = _plain(gross.quantize(Decimal("0.01")))
            for parent in ("quotes", "invoices"):
                for parent_id, _ in self.associations.linked("line_items", record.id, parent):
                    self.derive(self.records[parent][parent_id])
        elif name == "quotes":
            props["hs_quote_amount"] = _plain(self._adjusted(record, self._lines_total(record)))
            if "hs_quote_number" not in props:
                props["hs_quote_number"] = str(self._next_number())
            status = props.get("hs_status")
            if status in _PUBLISHED_QUOTE_STATES:
                props["hs_locked"] = "true"
                props.setdefault(
                    "hs_quote_link", f"https://sandbox.hubspot.invalid/quotes/{record.id}"
                )
            elif status in QUOTE_STATUSES:
                props["hs_locked"] = "false"
        elif name == "invoices":
            billed = self._adjusted(record, self._lines_total(record))
            props["hs_amount_billed"] = _plain(billed)
            paid = props.get("hs_invoice_status") in {"paid", "voided"}
            props["hs_balance_due"] = "0" if paid else _plain(billed)
            if "hs_number" not in props:
                props["hs_number"] = f"INV-{self._next_number()}"

    def _adjusted(self, record: Record, amount: Decimal) -> Decimal:
        """``amount`` after the record's discounts, then fees, then taxes (HubSpot's order).

        Within one kind every ``PERCENT`` applies to the amount reached before that kind and
        ``FIXED`` values add up; each kind's change is rounded to cents. HubSpot documents
        the order, not this arithmetic: the sandbox's own reading.
        """
        for kind in ADJUSTMENT_TYPES:
            change = Decimal(0)
            for adjustment_id, _ in self.associations.linked(record.kind.name, record.id, kind):
                adjustment = self.records[kind].get(adjustment_id)
                if adjustment is None or adjustment.archived:
                    continue
                value = _decimal(adjustment.properties.get("hs_value"))
                if adjustment.properties.get("hs_type") == "PERCENT":
                    value = amount * value / 100
                change += value
            change = change.quantize(Decimal("0.01"))
            amount = amount - change if kind == "discounts" else amount + change
        return amount

    def _lines_total(self, record: Record) -> Decimal:
        total = Decimal(0)
        for line_id, _ in self.associations.linked(record.kind.name, record.id, "line_items"):
            line = self.records["line_items"].get(line_id)
            if line is not None and not line.archived:
                total += _decimal(line.properties.get("amount"))
        return total

    # ------------------------------------------------------------------ properties API

    def create_property(self, kind: str, body: Mapping[str, Any]) -> PropertyDef:
        """Validate and add a custom property (``POST /crm/v3/properties/{type}``)."""
        required = ("name", "label", "type", "fieldType", "groupName")
        missing = [f for f in required if not isinstance(body.get(f), str) or not body.get(f)]
        if missing:
            raise ApiError.validation(
                f"Missing required field(s): {', '.join(missing)}", context={"missing": missing}
            )
        name, type_, field_type = str(body["name"]), str(body["type"]), str(body["fieldType"])
        from hubqbo.sandbox.hubspot._model import FIELD_TYPES, PROPERTY_TYPES, valid_field_type

        if type_ not in PROPERTY_TYPES:
            raise ApiError.validation(
                f"Invalid property type {type_!r}.", context={"type": [type_]}
            )
        if field_type not in FIELD_TYPES or not valid_field_type(type_, field_type):
            raise ApiError.validation(
                f"fieldType {field_type!r} is not valid for a property of type {type_!r}.",
                context={"fieldType": [field_type]},
            )
        if not name.replace("_", "").isalnum() or not name[0].isalpha() or name.lower() != name:
            raise ApiError.validation(
                f"Invalid property name {name!r}: use lowercase letters, digits and underscores."
            )
        existing = self.properties[kind].get(name)
        if existing is not None and not existing.archived:
            raise ApiError(
                409, f"A property named '{name}' already exists.", "OBJECT_ALREADY_EXISTS"
            )
        if str(body["groupName"]) not in self.groups[kind]:
            raise ApiError.validation(f"Property group {body['groupName']!r} does not exist.")
        options = _options(body.get("options") or [])
        if type_ == "enumeration" and field_type != "booleancheckbox" and not options:
            raise ApiError.validation("Enumeration properties need at least one option.")
        if type_ == "bool" or (
            type_ == "enumeration" and field_type == "booleancheckbox" and not options
        ):
            options = (("true", "Yes"), ("false", "No"))
        unique = bool(body.get("hasUniqueValue", False))
        if unique and self.strict_unique and kind not in UNIQUE_DOCUMENTED:
            raise ApiError.validation(
                f"hasUniqueValue is not available for {self.kind(kind).label} properties in this "
                "sandbox (strict_unique_properties: HubSpot documents unique properties only for "
                "contacts, companies, deals, tickets and custom objects).",
                context={"hasUniqueValue": ["true"]},
            )
        if unique:
            count = sum(
                1
                for p in self.definitions(kind).values()
                if p.has_unique_value and not p.hubspot_defined
            )
            if count >= MAX_UNIQUE_PROPERTIES:
                raise ApiError.validation(
                    f"The limit of {MAX_UNIQUE_PROPERTIES} unique value properties for "
                    f"{self.kind(kind).label} has been reached.",
                    context={"hasUniqueValue": ["true"]},
                )
        definition = PropertyDef(
            name=name,
            label=str(body["label"]),
            type=type_,
            field_type=field_type,
            group_name=str(body["groupName"]),
            description=str(body.get("description") or ""),
            options=options,
            has_unique_value=unique,
            hidden=bool(body.get("hidden", False)),
            display_order=int(body.get("displayOrder", -1)),
            form_field=bool(body.get("formField", False)),
            number_display_hint=body.get("numberDisplayHint"),
            created_at=format_datetime(self.clock.now()),
        )
        self.properties[kind][name] = definition
        return definition

    def update_property(self, kind: str, name: str, body: Mapping[str, Any]) -> PropertyDef:
        """PATCH a custom property (label, description, options, group, display)."""
        definition = self._custom_property(kind, name, "modified")
        if "hasUniqueValue" in body and bool(body["hasUniqueValue"]) != definition.has_unique_value:
            raise ApiError.validation(
                "hasUniqueValue cannot be changed once a property is created."
            )
        changes: dict[str, Any] = {}
        for wire, attr in (
            ("label", "label"),
            ("description", "description"),
            ("groupName", "group_name"),
        ):
            if wire in body:
                changes[attr] = str(body[wire])
        if "hidden" in body:
            changes["hidden"] = bool(body["hidden"])
        if "displayOrder" in body:
            changes["display_order"] = int(body["displayOrder"])
        if "options" in body and isinstance(body["options"], list):
            changes["options"] = _options(body["options"])
        updated = attrs.evolve(definition, **changes)
        self.properties[kind][name] = updated
        return updated

    def _custom_property(self, kind: str, name: str, action: str) -> PropertyDef:
        definition = self.definitions(kind).get(name)
        if definition is None:
            raise ApiError(404, f"Unable to find property {name} for {kind}", "OBJECT_NOT_FOUND")
        if definition.hubspot_defined:
            raise ApiError.validation(
                f"Property {name} is defined by HubSpot and cannot be {action}."
            )
        return definition

    def archive_property(self, kind: str, name: str) -> None:
        """DELETE a custom property (HubSpot-defined ones are refused)."""
        definition = self._custom_property(kind, name, "archived")
        self.properties[kind][name] = attrs.evolve(definition, archived=True)
        self.unique.pop((kind, name), None)

    def create_group(self, kind: str, body: Mapping[str, Any]) -> PropertyGroupDef:
        """POST a property group (``{name, label, displayOrder?}``)."""
        name, label = body.get("name"), body.get("label")
        if not isinstance(name, str) or not name or not isinstance(label, str) or not label:
            raise ApiError.validation("A property group needs a name and a label.")
        if name in self.groups[kind] and not self.groups[kind][name].archived:
            raise ApiError(
                409, f"A property group named '{name}' already exists.", "OBJECT_ALREADY_EXISTS"
            )
        group = PropertyGroupDef(name, label, int(body.get("displayOrder", -1)))
        self.groups[kind][name] = group
        return group

    def association_for(self, from_kind: str, to_kind: str, spec: Any) -> AssociationType:
        """The type named by ``{associationCategory, associationTypeId}`` (400 if unknown)."""
        if not isinstance(spec, dict):
            raise ApiError.validation(
                "Each association type needs associationCategory and associationTypeId."
            )
        category = str(spec.get("associationCategory", "")).upper()
        try:
            type_id = int(spec.get("associationTypeId"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ApiError.validation("associationTypeId must be an integer.") from None
        found = association_type(from_kind, to_kind, type_id)
        if found is None or found.category != category:
            raise ApiError.validation(
                f"{category} {type_id} is not a valid association type between "
                f"{self.kind(from_kind).label} and {self.kind(to_kind).label}.",
                context={"associationTypeId": [str(type_id)]},
            )
        return found
