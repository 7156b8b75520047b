"""Seeding a sandbox portal from a plain description (Python dict or JSON file).

Why: the demo and tests need portals with deals, line items, quotes, contacts, companies,
products, custom properties and settings in one call, with records referring to each other
by local keys instead of ids that do not exist yet. Records go through the same validation as
API writes, so a seed can only describe a portal HubSpot could hold.

Format::

    {
      "portal": {"portalId": 1234, "timeZone": "Europe/London", "companyCurrency": "GBP",
                 "additionalCurrencies": ["USD"]},
      "propertyGroups": {"deals": [{"name": "hubqbo", "label": "hubqbo"}]},
      "properties": {"contacts": [{"name": "qbo_customer_id", "label": "QBO customer id",
                     "type": "string", "fieldType": "text", "groupName": "hubqbo",
                     "hasUniqueValue": true}]},
      "records": {
        "companies": [{"key": "acme", "properties": {"name": "Acme"}}],
        "contacts": [{"key": "ada", "properties": {"email": "ada@acme.test"},
                      "associations": {"companies": ["acme"]}}],
        "line_items": [{"key": "l1", "product": "widget", "properties": {"quantity": "2"},
                        "associations": {"deals": ["d1"]}}]
      }
    }

Records are created in the order given, products before everything else (line items refer to
them with ``"product": key``); associations (default types, or ``{"key": k, "typeId": n}``)
are made once every record exists; ``hs_status`` and ``hs_invoice_status`` are applied last,
since HubSpot checks associations when an invoice moves to ``open``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hubqbo.sandbox.hubspot._transport import HubSpotSandbox

__all__ = ["apply_seed", "demo_seed"]

_LATE = ("hs_status", "hs_invoice_status")


def apply_seed(sandbox: HubSpotSandbox, data: Mapping[str, Any]) -> dict[str, str]:
    """Load ``data`` into ``sandbox``; returns ``{key: id}`` for every seeded record."""
    store = sandbox.store
    portal = data.get("portal") or {}
    if "portalId" in portal:
        store.portal_id = int(portal["portalId"])
    if "timeZone" in portal:
        store.time_zone = str(portal["timeZone"])
        sandbox.limits.time_zone = store.time_zone
    if "companyCurrency" in portal:
        sandbox.set_company_currency(str(portal["companyCurrency"]))
    if "additionalCurrencies" in portal:
        store.additional_currencies = [str(c) for c in portal["additionalCurrencies"]]
    for object_type, groups in (data.get("propertyGroups") or {}).items():
        kind = store.kind(object_type)
        for group in groups:
            if group.get("name") not in store.groups[kind.name]:
                store.create_group(kind.name, group)
    for object_type, definitions in (data.get("properties") or {}).items():
        for definition in definitions:
            sandbox.create_property(object_type, definition)

    records: Mapping[str, list[Mapping[str, Any]]] = data.get("records") or {}
    ordered = sorted(records.items(), key=lambda item: store.kind(item[0]).name != "products")
    ids: dict[str, str] = {}
    pending_links: list[tuple[str, str, str, Any]] = []
    late: list[tuple[str, str, dict[str, Any]]] = []
    for object_type, entries in ordered:
        kind = store.kind(object_type)
        for index, entry in enumerate(entries):
            key = str(entry.get("key") or f"{kind.name}:{index}")
            properties = dict(entry.get("properties") or {})
            if "product" in entry:
                properties["hs_product_id"] = ids[str(entry["product"])]
            deferred = {name: properties.pop(name) for name in _LATE if name in properties}
            if kind.name == "quotes":
                deferred.setdefault("hs_status", "DRAFT")
            new_id = sandbox.create(kind.name, properties)
            ids[key] = new_id
            if deferred:
                late.append((kind.name, new_id, deferred))
            for to_type, targets in (entry.get("associations") or {}).items():
                for target in targets:
                    pending_links.append((kind.name, new_id, to_type, target))
    for from_type, from_id, to_type, target in pending_links:
        if isinstance(target, Mapping):
            sandbox.associate(
                from_type, from_id, to_type, ids[str(target["key"])], int(target["typeId"])
            )
        else:
            sandbox.associate(from_type, from_id, to_type, ids[str(target)])
    for object_type, object_id, deferred in late:
        sandbox.update(object_type, object_id, deferred)
    return ids


def demo_seed() -> dict[str, Any]:
    """A small, realistic portal: two companies and contacts, three products, two deals with
    line items, a published quote with its own line items, hubqbo's custom properties.

    Example:
        >>> from hubqbo.sandbox import HubSpotSandbox, ManualClock
        >>> ids = HubSpotSandbox(clock=ManualClock()).seed(demo_seed())
        >>> sorted(k for k in ids if k.startswith("deal"))
        ['deal-acme', 'deal-globex']
    """
    group = {"name": "hubqbo", "label": "hubqbo", "displayOrder": -1}

    def unique(name: str, label: str) -> dict[str, Any]:
        return {
            "name": name,
            "label": label,
            "type": "string",
            "fieldType": "text",
            "groupName": "hubqbo",
            "hasUniqueValue": True,
        }

    return {
        "portal": {
            "portalId": 12345678,
            "timeZone": "America/New_York",
            "companyCurrency": "USD",
            "additionalCurrencies": ["EUR"],
        },
        "propertyGroups": {
            "deals": [group],
            "contacts": [group],
            "products": [group],
            "invoices": [group],
        },
        "properties": {
            "contacts": [unique("qbo_customer_id", "QuickBooks customer id")],
            "products": [unique("qbo_item_id", "QuickBooks item id")],
            "invoices": [unique("qbo_invoice_id", "QuickBooks invoice id")],
        },
        "records": {
            "products": [
                {
                    "key": "consulting",
                    "properties": {"name": "Consulting hour", "price": "150", "hs_sku": "CONS-1"},
                },
                {
                    "key": "widget",
                    "properties": {"name": "Widget", "price": "25.50", "hs_sku": "WID-1"},
                },
                {
                    "key": "support",
                    "properties": {
                        "name": "Support plan",
                        "price": "99",
                        "hs_sku": "SUP-12",
                        "hs_recurring_billing_period": "P12M",
                    },
                },
            ],
            "companies": [
                {
                    "key": "acme",
                    "properties": {
                        "name": "Acme Corp",
                        "domain": "acme.example",
                        "city": "Boston",
                        "country": "United States",
                    },
                },
                {
                    "key": "globex",
                    "properties": {
                        "name": "Globex GmbH",
                        "domain": "globex.example",
                        "city": "Berlin",
                        "country": "Germany",
                    },
                },
            ],
            "contacts": [
                {
                    "key": "ada",
                    "properties": {
                        "firstname": "Ada",
                        "lastname": "Lovelace",
                        "email": "ada@acme.example",
                        "phone": "+1 617 555 0100",
                        "address": "1 Main St",
                        "city": "Boston",
                        "zip": "02110",
                        "country": "United States",
                    },
                    "associations": {"companies": ["acme", {"key": "acme", "typeId": 1}]},
                },
                {
                    "key": "hans",
                    "properties": {
                        "firstname": "Hans",
                        "lastname": "Gruber",
                        "email": "hans@globex.example",
                        "city": "Berlin",
                        "country": "Germany",
                    },
                    "associations": {"companies": ["globex"]},
                },
            ],
            "deals": [
                {
                    "key": "deal-acme",
                    "properties": {
                        "dealname": "Acme rollout",
                        "amount": "1053",
                        "dealstage": "closedwon",
                        "pipeline": "default",
                        "deal_currency_code": "USD",
                        "closedate": "2026-11-20T15:00:00Z",
                    },
                    "associations": {"contacts": ["ada"], "companies": ["acme"]},
                },
                {
                    "key": "deal-globex",
                    "properties": {
                        "dealname": "Globex support",
                        "amount": "99",
                        "dealstage": "contractsent",
                        "pipeline": "default",
                        "deal_currency_code": "EUR",
                    },
                    "associations": {"contacts": ["hans"], "companies": ["globex"]},
                },
            ],
            "line_items": [
                {
                    "key": "li-acme-1",
                    "product": "consulting",
                    "properties": {"quantity": "6"},
                    "associations": {"deals": ["deal-acme"]},
                },
                {
                    "key": "li-acme-2",
                    "product": "widget",
                    "properties": {"quantity": "6"},
                    "associations": {"deals": ["deal-acme"]},
                },
                {
                    "key": "li-globex-1",
                    "product": "support",
                    "properties": {"quantity": "1"},
                    "associations": {"deals": ["deal-globex"]},
                },
                {
                    "key": "li-quote-1",
                    "product": "consulting",
                    "properties": {"quantity": "6"},
                    "associations": {"quotes": ["quote-acme"]},
                },
                {
                    "key": "li-quote-2",
                    "product": "widget",
                    "properties": {"quantity": "6"},
                    "associations": {"quotes": ["quote-acme"]},
                },
            ],
            "quotes": [
                {
                    "key": "quote-acme",
                    "properties": {
                        "hs_title": "Acme rollout quote",
                        "hs_expiration_date": "2026-12-31T00:00:00Z",
                        "hs_status": "APPROVAL_NOT_NEEDED",
                    },
                    "associations": {
                        "deals": ["deal-acme"],
                        "contacts": ["ada"],
                        "companies": ["acme"],
                    },
                },
            ],
        },
    }
