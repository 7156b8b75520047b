"""The default mapping sets: what HubSpot's QuickBooks Online integration maps out of the box.

Sources and decisions (the docs page ``docs/mappings.md`` says the same, with links):

* HubSpot's help article on the legacy QuickBooks Online integration (``seeds/000_...txt``,
  a Dutch translation, updated 2025-11-07) names the contact, product and invoice
  field-mapping tabs and says the three syncs run **from QuickBooks to HubSpot** (what happens
  in HubSpot when a record is created, updated or deleted in QuickBooks). It does not list the
  mappings in those tabs; HubSpot's knowledge-base page on invoice sync with the newer
  integration (knowledge.hubspot.com/integrations/using-the-quickbooks-online-data-sync-
  integration-for-invoices, 2024-09-03) does not either.
* So each default joins a HubSpot default property to the QBO field of the same meaning
  (first name to ``GivenName``, SKU to ``Sku``, unit price to ``UnitPrice`` ...), one way,
  QBO to HubSpot, as the article describes the syncs. Decided here, not published.
* HubSpot's invoice amount properties (``hs_amount_billed``, ``hs_balance_due``, ``hs_number``)
  are read-only through the API, so the QBO number, total and balance go to hubqbo's own
  invoice properties (the same names and types ``InvoiceBuilder`` creates:
  ``qbo_invoice_number``, ``qbo_invoice_total``, ``qbo_invoice_balance``), listed in
  :data:`DEFAULT_PROPERTY_SPECS` for ``HubSpotClient.ensure_properties``.
* Every default carries ``LossPolicy.REFUSE``: a value that would lose information (two
  addresses in QBO's e-mail for HubSpot's single ``email``; a currency the portal does not
  offer; a too-long name once a mapping is turned two-way) is refused and reported, never cut.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from hubqbo.mapping._model import Direction, FieldMapping, LossPolicy, ObjectPair
from hubqbo.mapping._set import MappingSet
from hubqbo.models import CrmObjectType, PropertySpec

__all__ = ["DEFAULT_MAPPINGS", "DEFAULT_PROPERTY_SPECS", "default_mapping_set"]

_IN = Direction.QBO_TO_HUBSPOT
_REFUSE = LossPolicy.REFUSE


def _d(prop: str, field: str, type_: str = "string", field_type: str = "text") -> FieldMapping:
    return FieldMapping(prop, field, _IN, type_, field_type, policy=_REFUSE, default=True)


DEFAULT_MAPPINGS: Mapping[ObjectPair, tuple[FieldMapping, ...]] = {
    ObjectPair.CONTACT: (
        _d("firstname", "GivenName"),
        _d("lastname", "FamilyName"),
        _d("email", "PrimaryEmailAddr.Address"),
        _d("phone", "PrimaryPhone.FreeFormNumber", "string", "phonenumber"),
        _d("mobilephone", "Mobile.FreeFormNumber", "string", "phonenumber"),
        _d("company", "CompanyName"),
        _d("website", "WebAddr.URI"),
        _d("address", "BillAddr.Line1"),
        _d("city", "BillAddr.City"),
        _d("state", "BillAddr.CountrySubDivisionCode"),
        _d("zip", "BillAddr.PostalCode"),
        _d("country", "BillAddr.Country"),
    ),
    ObjectPair.PRODUCT: (
        _d("name", "Name"),
        _d("description", "Description", "string", "textarea"),
        _d("price", "UnitPrice", "number", "number"),
        _d("hs_sku", "Sku"),
        _d("hs_cost_of_goods_sold", "PurchaseCost", "number", "number"),
    ),
    ObjectPair.INVOICE: (
        _d("qbo_invoice_number", "DocNumber"),
        _d("hs_invoice_date", "TxnDate", "datetime", "date"),
        _d("hs_due_date", "DueDate", "datetime", "date"),
        _d("hs_currency", "CurrencyRef.value", "enumeration", "select"),
        _d("qbo_invoice_total", "TotalAmt", "number", "number"),
        _d("qbo_invoice_balance", "Balance", "number", "number"),
        _d("hs_comments", "CustomerMemo.value", "string", "textarea"),
    ),
}
"""Every default mapping, per object pair (see the module docstring for the sources)."""

DEFAULT_PROPERTY_SPECS: tuple[PropertySpec, ...] = (
    PropertySpec(CrmObjectType.INVOICE, "qbo_invoice_number", "QuickBooks invoice number"),
    PropertySpec(
        CrmObjectType.INVOICE, "qbo_invoice_total", "QuickBooks invoice total", "number", "number"
    ),
    PropertySpec(
        CrmObjectType.INVOICE, "qbo_invoice_balance", "QuickBooks open balance", "number", "number"
    ),
)
"""The custom HubSpot properties the defaults write (HubSpot's own are read-only); create
them with ``HubSpotClient.ensure_properties([...groups], DEFAULT_PROPERTY_SPECS)``."""


def default_mapping_set(pair: ObjectPair | str) -> MappingSet:
    """Version 1 of ``pair``'s mapping set: HubSpot's defaults.

    Example:
        >>> default_mapping_set("product").keys[:2]
        ('name:Name', 'description:Description')
    """
    return _default_set(ObjectPair(pair))


@functools.cache
def _default_set(pair: ObjectPair) -> MappingSet:
    """Made and checked once per pair: a ``MappingSet`` is immutable, and the sync engine asks
    for the defaults once per record written (checking the set each time cost ~180 µs)."""
    return MappingSet.create(pair, DEFAULT_MAPPINGS[pair])
