"""Every public client method, and the invoice builder, as one-call scenarios on the demo world.

A scenario is a function of a freshly seeded ``DemoWorld`` that makes one public call (with
the reads it needs first) and returns what the call returned, as comparable values. The
fuzz tests run each one cleanly, then with the answer at each request position replaced by a
bad reply, then again cleanly (the re-run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from hubqbo import (
    CrmInvoice,
    CrmObjectType,
    Customer,
    HubSpotClient,
    Item,
    Payment,
    PaymentApplication,
    PropertyGroupSpec,
    PropertySpec,
    QuickBooksClient,
    Ref,
)
from hubqbo.cli import DemoWorld
from hubqbo.errors import UnexpectedResponseError
from hubqbo.hubspot import Filter, FilterGroup, SearchQuery
from hubqbo.protocols import InvoiceQuery
from hubqbo.quickbooks import BatchOperation, select

__all__ = ["SCENARIOS", "Scenario", "state_of"]


@attrs.frozen
class Scenario:
    """One public call.

    Attributes:
        run: makes the call on a world, returns its result (lists for iterators).
        idempotent: a re-run after a lost answer must end in the clean run's state (every
            scenario but HubSpot's ``batch_create``, which has no idempotency key).
    """

    run: Callable[[DemoWorld], Any]
    idempotent: bool = True
    raw: bool = False
    """The call returns the reply's JSON as it is (``QuickBooksClient.query``): a node it does
    not check may differ in the result."""


def _acme(w: DemoWorld) -> str:
    return w.qbo["us:Acme Corporation"]


def _legacy(w: DemoWorld) -> str:
    return w.qbo["us:invoice:legacy"]


def _new_customer(w: DemoWorld) -> Customer:
    return w.us.create_customer(Customer(display_name="Fuzz Ltd", email="ap@fuzz.test"))


def _modify_customer(w: DemoWorld) -> Customer:
    return w.us.modify_customer(_acme(w), lambda c: attrs.evolve(c, email="billing@acme.test"))


def _payment(w: DemoWorld) -> Payment:
    invoice = w.us.get_invoice(_legacy(w))
    amount = min(invoice.balance, Decimal("10.00"))
    return w.us.create_payment(
        Payment(
            customer=invoice.customer,
            total=amount,
            currency=invoice.currency,
            txn_date=dt.date(2026, 11, 25),
            applied_to=(PaymentApplication(invoice.id or "", amount),),
        )
    )


def _new_invoice(w: DemoWorld) -> Any:
    invoice = w.us.get_invoice(_legacy(w))
    fresh = attrs.evolve(
        invoice, id=None, sync_token=None, doc_number=None, private_note="fuzz", linked_txns=()
    )
    fresh = attrs.evolve(fresh, lines=tuple(attrs.evolve(li, id=None) for li in fresh.lines))
    return w.us.create_invoice(fresh)


def _batch(w: DemoWorld) -> Any:
    acme = w.us.get_customer(_acme(w))
    results = w.us.batch(
        [
            BatchOperation.create(
                Item(
                    name="Fuzz widget",
                    unit_price=Decimal("5.00"),
                    income_account=_item(w).income_account,
                )
            ),
            BatchOperation.update(attrs.evolve(acme, email="batch@acme.test")),
            BatchOperation.select(select("Term").to_sql()),
        ]
    )
    for result in results:  # a reply the client could not read is reported per item
        if isinstance(result.error, UnexpectedResponseError):
            raise result.error
    return [(r.ok, type(r.error).__name__) for r in results]


def _item(w: DemoWorld) -> Item:
    return w.us.get_item(w.qbo["us:item:Website design"])


def _update_item(w: DemoWorld) -> Item:
    item = _item(w)
    return w.us.update_item(attrs.evolve(item, description="fuzzed description"))


def _cdc(w: DemoWorld) -> Any:
    result = w.us.changes_since(w.clock.now() - dt.timedelta(days=2))
    return sorted((c.entity, c.id, c.deleted) for c in result.changes)


def _crm_invoice(w: DemoWorld) -> CrmInvoice:
    return CrmInvoice(
        id=None,
        currency="USD",
        status="draft",
        properties={"qbo_invoice_ref": "fuzz:1"},
    )


def _ensure_ref_property(w: DemoWorld) -> None:
    w.crm.ensure_properties(
        [PropertyGroupSpec(CrmObjectType.INVOICE, "hubqbo", "hubqbo")],
        [
            PropertySpec(
                CrmObjectType.INVOICE, "qbo_invoice_ref", "QBO invoice", has_unique_value=True
            )
        ],
    )


def _upsert(w: DemoWorld) -> Any:
    return w.crm.upsert_invoice(_crm_invoice(w), id_property="qbo_invoice_ref")


def _create_record(w: DemoWorld) -> Any:
    return w.crm.create_invoice_record(
        _crm_invoice(w),
        associations=[(CrmObjectType.DEAL, w.hs["deal-acme"])],
        id_property="qbo_invoice_ref",
    )


_DRAFTS: dict[int, Any] = {}
"""The draft a world's first run built: a re-run calls ``create`` again with the same draft,
as a caller does after an error (a new draft would see the customer the first run made)."""


def _draft(w: DemoWorld, deal: str, **kw: Any) -> Any:
    builder = w.builder()
    key = id(w.hubspot)
    if key not in _DRAFTS or _DRAFTS[key][0] is not w.hubspot:
        draft = builder.from_deal(w.hs[deal], realm=w.us.realm_id)
        if kw.get("new_customer"):
            draft = draft.with_new_customer()
        _DRAFTS[key] = (w.hubspot, draft)
    return builder, _DRAFTS[key][1]


def _builder_create(w: DemoWorld) -> Any:
    builder, draft = _draft(w, "deal-initech", new_customer=True)
    made = builder.create(draft)
    return (made.invoice.total, made.invoice.doc_number, made.status, made.customer.display_name)


def _builder_refresh(w: DemoWorld) -> Any:
    builder, draft = _draft(w, "deal-acme")
    builder.create(draft)
    refreshed = builder.refresh_deal(w.hs["deal-acme"])
    return repr(refreshed.rollup) if hasattr(refreshed, "rollup") else None


def _qbo(name: str, call: Callable[[QuickBooksClient, DemoWorld], Any]) -> tuple[str, Scenario]:
    return f"qbo.{name}", Scenario(lambda w: call(w.us, w))


def _hs(
    name: str, call: Callable[[HubSpotClient, DemoWorld], Any], *, idempotent: bool = True
) -> tuple[str, Scenario]:
    return f"hubspot.{name}", Scenario(lambda w: call(w.crm, w), idempotent)


SCENARIOS: dict[str, Scenario] = dict(
    [
        _qbo("company_profile", lambda q, w: q.company_profile()),
        _qbo("get_customer", lambda q, w: q.get_customer(_acme(w))),
        _qbo("get_item", lambda q, w: _item(w)),
        _qbo("get_invoice", lambda q, w: q.get_invoice(_legacy(w))),
        _qbo("get_tax_code", lambda q, w: w.uk.get_tax_code(w.qbo["uk:tax:20.0% S"])),
        ("qbo.query", Scenario(lambda w: w.us.query(select("Customer").to_sql()), raw=True)),
        _qbo("count", lambda q, w: q.count(select("Invoice"))),
        _qbo("iter_customers", lambda q, w: list(q.iter_customers(include_inactive=True))),
        _qbo("iter_items", lambda q, w: list(q.iter_items())),
        _qbo("find_customers", lambda q, w: q.find_customers(display_name="Acme Corporation")),
        _qbo("list_tax_codes", lambda q, w: w.uk.list_tax_codes()),
        _qbo("list_tax_rates", lambda q, w: w.uk.list_tax_rates()),
        _qbo("list_terms", lambda q, w: q.list_terms()),
        _qbo("find_invoices", lambda q, w: list(q.find_invoices(InvoiceQuery()))),
        _qbo("create_customer", lambda q, w: _new_customer(w)),
        _qbo("modify_customer", lambda q, w: _modify_customer(w)),
        _qbo(
            "deactivate_customer",
            lambda q, w: q.deactivate_customer(q.get_customer(w.qbo["us:Globex LLC"])),
        ),
        _qbo(
            "create_item",
            lambda q, w: q.create_item(
                Item(name="Fuzz item", income_account=_item(w).income_account)
            ),
        ),
        _qbo("update_item", lambda q, w: _update_item(w)),
        _qbo("create_invoice", lambda q, w: _new_invoice(w)),
        _qbo("void_invoice", lambda q, w: q.void_invoice(q.get_invoice(_legacy(w)))),
        _qbo("delete_invoice", lambda q, w: q.delete_invoice(q.get_invoice(_legacy(w)))),
        _qbo("send_invoice", lambda q, w: q.send_invoice(_legacy(w), to="ap@acme.test")),
        _qbo("invoice_pdf", lambda q, w: len(q.invoice_pdf(_legacy(w))) > 0),
        _qbo("create_payment", lambda q, w: _payment(w)),
        _qbo("batch", lambda q, w: _batch(w)),
        _qbo("changes_since", lambda q, w: _cdc(w)),
        _hs("get_deal", lambda h, w: h.get_deal(w.hs["deal-acme"])),
        _hs("get_quote", lambda h, w: h.get_quote(w.hs["quote-acme"])),
        _hs("get_contact", lambda h, w: h.get_contact(w.hs["mary"])),
        _hs("get_company", lambda h, w: h.get_company(w.hs["acme"])),
        _hs(
            "get_line_items", lambda h, w: h.get_line_items([w.hs["li-acme-1"], w.hs["li-acme-2"]])
        ),
        _hs("get_products", lambda h, w: h.get_products([w.hs["p-web"], w.hs["p-host"]])),
        _hs("iter_objects", lambda h, w: list(h.iter_objects(CrmObjectType.CONTACT, limit=2))),
        _hs(
            "search",
            lambda h, w: list(
                h.search(
                    CrmObjectType.DEAL,
                    SearchQuery(
                        filter_groups=[FilterGroup([Filter("amount", "GT", "0")])], limit=2
                    ),
                )
            ),
        ),
        _hs("batch_read", lambda h, w: h.batch_read(CrmObjectType.COMPANY, [w.hs["acme"]])),
        _hs(
            "batch_create",
            lambda h, w: h.batch_create(CrmObjectType.CONTACT, [{"email": "new@fuzz.test"}]),
            idempotent=False,
        ),
        _hs(
            "batch_update",
            lambda h, w: h.batch_update(CrmObjectType.CONTACT, {w.hs["mary"]: {"phone": "555"}}),
        ),
        _hs("batch_archive", lambda h, w: h.batch_archive(CrmObjectType.CONTACT, [w.hs["wile"]])),
        _hs(
            "associations",
            lambda h, w: h.associations(
                CrmObjectType.DEAL, w.hs["deal-acme"], CrmObjectType.CONTACT
            ),
        ),
        _hs(
            "associate",
            lambda h, w: h.associate(
                CrmObjectType.CONTACT, w.hs["peter"], CrmObjectType.COMPANY, w.hs["acme"]
            ),
        ),
        _hs(
            "batch_associate",
            lambda h, w: h.batch_associate(
                CrmObjectType.CONTACT, CrmObjectType.COMPANY, [(w.hs["peter"], w.hs["globex"])]
            ),
        ),
        _hs("property_kinds", lambda h, w: dict(h.property_kinds(CrmObjectType.DEAL))),
        _hs("ensure_properties", lambda h, w: _ensure_ref_property(w)),
        _hs("company_currency", lambda h, w: h.company_currency()),
        _hs("portal_time_zone", lambda h, w: h.portal_time_zone()),
        _hs(
            "find_invoice",
            lambda h, w: h.find_invoice(id_property="hs_object_id", value=w.hs["deal-acme"]),
        ),
        _hs("upsert_invoice", lambda h, w: (_ensure_ref_property(w), _upsert(w))[1]),
        _hs("create_invoice_record", lambda h, w: (_ensure_ref_property(w), _create_record(w))[1]),
        _hs(
            "update_properties",
            lambda h, w: h.update_properties(
                CrmObjectType.DEAL, w.hs["deal-acme"], {"description": "fuzzed"}
            ),
        ),
        ("builder.create", Scenario(_builder_create)),
        ("builder.refresh_deal", Scenario(_builder_refresh)),
    ]
)


def state_of(world: DemoWorld) -> dict[str, Any]:
    """What both providers hold, read past the corrupting transport (through the sandboxes
    directly): QBO customers, items, invoices and payments of both companies; HubSpot
    contacts, deals and invoices with their properties and associations. SyncTokens and
    timestamps are left out (a re-applied change moves them without changing any value)."""
    state: dict[str, Any] = {}
    for client in (world.us, world.uk):
        ledger = QuickBooksClient(
            realm_id=client.realm_id,
            access_token="sandbox",
            transport=world.quickbooks,
            clock=world.clock,
            sleep=world.clock.sleep,
        )
        for entity in ("Customer", "Item", "Invoice", "Payment"):
            query = select(entity)
            if entity in ("Customer", "Item"):
                query = query.where("Active", "IN", [True, False])
            state[f"{client.realm_id}:{entity}"] = sorted(
                repr(_plain(r)) for r in ledger.iter_query(query)
            )
    crm = HubSpotClient(
        access_token="pat-sandbox",
        transport=world.hubspot,
        clock=world.clock,
        sleep=world.clock.sleep,
    )
    for kind in (CrmObjectType.CONTACT, CrmObjectType.DEAL, CrmObjectType.INVOICE):
        names = [d.name for d in crm.property_definitions(kind)]
        records = list(crm.iter_objects(kind, properties=names))
        state[kind.value] = sorted(
            repr(
                sorted(
                    (k, v)
                    for k, v in r.properties.items()
                    if v and not k.endswith(("lastmodifieddate", "createdate", "_updated_at"))
                )
            )
            for r in records
        )
        if kind is CrmObjectType.INVOICE and records:
            links = crm.batch_read_associations(kind, [r.id for r in records], CrmObjectType.DEAL)
            state["invoice-deal"] = sorted(len(v) for v in links.values())
    return state


def _plain(record: Any) -> Any:
    """A record without what a re-applied identical write changes (SyncToken, times)."""
    drop = {"sync_token", "updated_at", "created_at"}
    if attrs.has(type(record)):
        return {
            f.name: getattr(record, f.name)
            for f in attrs.fields(type(record))
            if f.name not in drop
        }
    return record


_ = Ref  # re-exported names used by scenario authors
