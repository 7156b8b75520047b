"""After creation, end to end: send, PDF, payments, time passing, voiding, attaching (B, C, D)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hubqbo import CrmObjectType, InvoiceStatus
from hubqbo.cli import DemoWorld
from hubqbo.invoices import (
    DealRollupChanged,
    InvoiceBecameOverdue,
    InvoiceBuilder,
    InvoicePaid,
    LinkedInvoice,
    PaymentReceived,
)


def acme_invoice(world: DemoWorld, builder: InvoiceBuilder) -> LinkedInvoice:
    return builder.create(builder.from_deal(world.hs["deal-acme"], realm=world.us.realm_id))


def deal_props(world: DemoWorld, key: str = "deal-acme") -> dict[str, str]:
    props = world.hubspot.get("deals", world.hs[key])["properties"]
    return {k: v for k, v in props.items() if k.startswith("qbo_invoice_")}


def test_pdf_preview_and_send(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """The PDF comes from QBO; sending makes it 'Sent to customer' on both sides."""
    made = acme_invoice(world, builder)
    pdf = builder.preview_pdf(made)
    sent = builder.send(made)
    assert (b"%PDF", InvoiceStatus.SENT, "EmailSent") == (
        pdf[:4],
        sent.status,
        world.us.get_invoice(made.invoice.id or "").email_status.value,
    )
    assert "sent" == deal_props(world)["qbo_invoice_status"]
    record = world.hubspot.get("invoices", made.crm_invoice_id or "")["properties"]
    assert "sent" == record["hubqbo_invoice_status"]


def test_send_retried_replays_but_a_later_resend_sends_again(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Sending the same (unsent) invoice object twice sends once; re-sending the returned,
    delivered invoice three days later is a new send."""
    made = acme_invoice(world, builder)
    first = builder.send(made)
    world.clock.advance(days=3)
    retried = builder.send(made)
    resent = builder.send(first)
    assert first.invoice.delivered_at == retried.invoice.delivered_at
    assert resent.invoice.delivered_at is not None
    assert first.invoice.delivered_at is not None
    assert 3 == (resent.invoice.delivered_at - first.invoice.delivered_at).days


def test_payments_and_time_produce_events_once(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """Partial payment → PaymentReceived; time past due → InvoiceBecameOverdue; the rest
    paid → PaymentReceived + InvoicePaid; each reported once (C4)."""
    made = acme_invoice(world, builder)
    total = made.invoice.total
    inv_id = made.invoice.id or ""
    world.quickbooks.add_payment(world.us.realm_id, inv_id, Decimal("1000"))
    first = builder.refresh_deal(world.hs["deal-acme"])
    assert [PaymentReceived, DealRollupChanged] == [type(e) for e in first.events]
    payment = first.events[0]
    assert isinstance(payment, PaymentReceived)
    assert (Decimal("1000"), total - 1000) == (payment.amount, payment.balance)
    assert "partially_paid" == deal_props(world)["qbo_invoice_status"]
    assert () == builder.refresh_deal(world.hs["deal-acme"]).events

    world.clock.advance(days=31)
    late = builder.refresh_deal(world.hs["deal-acme"])
    assert [InvoiceBecameOverdue, DealRollupChanged] == [type(e) for e in late.events]
    assert "overdue" == deal_props(world)["qbo_invoice_status"]

    world.quickbooks.add_payment(world.us.realm_id, inv_id, total - 1000)
    paid = builder.refresh_deal(world.hs["deal-acme"])
    assert [PaymentReceived, InvoicePaid, DealRollupChanged] == [type(e) for e in paid.events]
    assert ("paid", True) == (deal_props(world)["qbo_invoice_status"], paid.written)


def test_status_on_the_company_calendar_day(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """Due 2026-12-25: overdue only once the 26th has begun in New York, not in UTC."""
    acme_invoice(world, builder)

    world.clock.set(dt.datetime(2026, 12, 26, 3, 0, tzinfo=dt.timezone.utc))  # 22:00 on the 25th
    assert (
        InvoiceStatus.AWAITING_SEND
        == builder.refresh_deal(world.hs["deal-acme"]).invoices[0].status
    )
    world.clock.set(dt.datetime(2026, 12, 26, 6, 0, tzinfo=dt.timezone.utc))  # 01:00 on the 26th
    assert InvoiceStatus.OVERDUE == builder.refresh_deal(world.hs["deal-acme"]).invoices[0].status


def test_voided_invoice_never_reads_as_paid(world: DemoWorld, builder: InvoiceBuilder) -> None:
    """Voided in QBO (amounts zeroed): InvoiceVoided, and the deal roll-up is cleared."""
    made = acme_invoice(world, builder)
    world.us.void_invoice(world.us.get_invoice(made.invoice.id or ""))
    refreshed = builder.refresh_deal(world.hs["deal-acme"])
    assert ["invoice_voided", "deal_rollup_changed"] == [e.kind for e in refreshed.events]
    assert InvoiceStatus.VOIDED == refreshed.invoices[0].status
    assert "" == deal_props(world).get("qbo_invoice_status", "")


def test_search_and_attach_existing_invoice_to_deal_and_contact(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """An invoice made in QBO is found by number/status and attached (D); on the deal, the
    most recently updated invoice wins the roll-up (C2)."""
    legacy = world.qbo["us:invoice:legacy"]
    overdue = builder.search_invoices(realm=world.us.realm_id, status=InvoiceStatus.OVERDUE)
    by_number = builder.search_invoices(realm=world.us.realm_id, doc_number="A-0999")
    by_customer = builder.search_invoices(
        realm=world.us.realm_id,
        customer_id=world.qbo["us:Acme Corporation"],
        amount_min=Decimal("300"),
        amount_max=Decimal("400"),
    )
    assert [legacy] * 3 == [r[0].invoice.id for r in (overdue, by_number, by_customer)]

    attached = builder.attach_existing(CrmObjectType.DEAL, world.hs["deal-globex"], by_number)
    assert ("A-0999", "overdue") == (
        deal_props(world, "deal-globex")["qbo_invoice_number"],
        deal_props(world, "deal-globex")["qbo_invoice_status"],
    )
    again = builder.attach_existing(CrmObjectType.CONTACT, world.hs["hank"], by_number)
    assert attached[0].crm_invoice_id == again[0].crm_invoice_id
    contacts = world.crm.associations(
        CrmObjectType.INVOICE, again[0].crm_invoice_id or "", CrmObjectType.CONTACT
    )
    assert [world.hs["hank"]] == [a.to_id for a in contacts]

    newer = builder.create(
        builder.from_deal(world.hs["deal-globex"], realm=world.us.realm_id).with_customer(
            world.qbo["us:Globex LLC"]
        )
    )
    assert newer.invoice.doc_number == deal_props(world, "deal-globex")["qbo_invoice_number"]


def test_linked_invoice_renders_for_terminal_and_jupyter(
    world: DemoWorld, builder: InvoiceBuilder
) -> None:
    """Text names number, status, customer and amounts; HTML carries the same, escaped."""
    made = acme_invoice(world, builder)
    text, html = str(made), made._repr_html_()
    number = made.invoice.doc_number or ""
    assert f"Invoice {number} (QBO {made.invoice.id}" in text
    assert "Awaiting send" in text
    assert f"total {made.invoice.total} USD" in text
    assert "<b>Invoice" in html
    assert "Acme Corporation" in html
