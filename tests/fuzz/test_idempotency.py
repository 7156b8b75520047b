"""Idempotency keys and error semantics as stripe-python users expect them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from hubqbo import (
    CrmObjectType,
    HubSpotClient,
    NotFoundError,
    Payment,
    PaymentApplication,
    PropertySpec,
    QuickBooksClient,
    RetryPolicy,
    TransportError,
)
from hubqbo.cli import DemoWorld, build_demo_world
from hubqbo.protocols import InvoiceQuery
from hubqbo.quickbooks import select
from hubqbo.sandbox import Fault, HubSpotSandbox


@pytest.fixture
def world() -> DemoWorld:
    return build_demo_world()


def _payment(world: DemoWorld) -> Payment:
    invoice = world.us.get_invoice(world.qbo["us:invoice:legacy"])
    return Payment(
        customer=invoice.customer,
        total=Decimal("10.00"),
        currency=invoice.currency,
        txn_date=dt.date(2026, 11, 25),
        applied_to=(PaymentApplication(invoice.id or "", Decimal("10.00")),),
    )


def _payments(world: DemoWorld) -> int:
    return world.us.count(select("Payment"))


def test_two_identical_payments_are_two_payments(world: DemoWorld) -> None:
    """Content-derived keys collapsed them: the second was silently dropped."""
    before = _payments(world)
    first = world.us.create_payment(_payment(world))
    second = world.us.create_payment(_payment(world))
    assert first.id != second.id
    assert _payments(world) == before + 2


def test_a_call_reuses_its_key_across_its_own_retries(world: DemoWorld) -> None:
    """The answer lost after QBO applied it: the client's retry replays, one payment."""
    before = _payments(world)
    world.quickbooks.faults.add(Fault.reset_after_apply(method="POST", path=r"/payment$"))
    world.us.create_payment(_payment(world))
    assert len(world.quickbooks.faults.injected) == 1
    assert _payments(world) == before + 1


def test_the_callers_key_makes_a_repeat_a_replay(world: DemoWorld) -> None:
    before = _payments(world)
    first = world.us.create_payment(_payment(world), request_id="pay-2026-11-25-1")
    again = world.us.create_payment(_payment(world), request_id="pay-2026-11-25-1")
    assert (first.id, _payments(world)) == (again.id, before + 1)


def test_a_resumed_run_naming_another_customer_gets_that_customer(world: DemoWorld) -> None:
    """The customer's key came from the invoice key alone: the resumed run got the first
    run's customer, reported as newly created."""
    builder = world.builder()
    draft = builder.from_deal(world.hs["deal-initech"], realm=world.us.realm_id)
    world.quickbooks.faults.add(*[Fault.reset_after_apply(method="POST", path=r"/customer$")] * 5)
    with pytest.raises(TransportError):
        builder.create(draft.with_new_customer())
    made = builder.create(draft.with_new_customer(display_name="Initech Holdings"))
    assert made.customer.display_name == "Initech Holdings"
    assert made.customer_created
    assert made.invoice.customer.value == made.customer.id
    ours = list(world.us.find_invoices(InvoiceQuery(customer_id=made.customer.id)))
    assert [i.id for i in ours] == [made.invoice.id]


def _spec() -> PropertySpec:
    return PropertySpec(CrmObjectType.DEAL, "hubqbo_probe", "Probe", group_name="hubqbo")


class CreatesFirst(httpx.BaseTransport):
    """Another process creates the property between our read and our write."""

    def __init__(self, sandbox: HubSpotSandbox) -> None:
        self.sandbox = sandbox
        self.raced = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        creating = request.method == "POST" and request.url.path.endswith(
            "/properties/2026-03/deals"
        )
        if creating and not self.raced:
            self.raced = True
            self.sandbox.handle_request(request).read()  # the other process's create
        return self.sandbox.handle_request(request)


def test_ensure_properties_takes_already_exists_as_success() -> None:
    sandbox = HubSpotSandbox()
    racer = CreatesFirst(sandbox)
    client = HubSpotClient(access_token="pat-x", transport=racer)
    changes = client.ensure_properties([], [_spec()])
    assert racer.raced
    assert "deals/hubqbo_probe" in changes.properties_created
    assert "hubqbo_probe" in {d.name for d in client.property_definitions(CrmObjectType.DEAL)}


@pytest.mark.parametrize(
    "fault", [Fault.server_error(503), Fault.reset_after_apply(), Fault.timeout()]
)
def test_ensure_properties_retries_its_creations(fault: Fault) -> None:
    """Creations were never retried on 5xx, timeouts or resets."""
    sandbox = HubSpotSandbox()
    sandbox.faults.add(
        Fault(
            kind=fault.kind, status=fault.status, method="POST", path=r"/properties/2026-03/deals$"
        )
    )
    client = HubSpotClient(access_token="pat-x", transport=sandbox, sleep=lambda _s: None)
    client.ensure_properties([], [_spec()])
    assert len(sandbox.faults.injected) == 1
    names = [d.name for d in client.property_definitions(CrmObjectType.DEAL)]
    assert names.count("hubqbo_probe") == 1


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def test_a_refused_connection_says_nothing_was_sent() -> None:
    qbo = QuickBooksClient(
        realm_id="9130",
        access_token="token",
        transport=httpx.MockTransport(_refused),
        retry=RetryPolicy(max_attempts=1),
        pacing=False,
    )
    with pytest.raises(TransportError) as caught:
        qbo.get_customer("58")
    assert caught.value.sent is False
    assert caught.value.retryable is True
    assert "nothing was sent" in str(caught.value)
    assert "unknown" not in str(caught.value)


def test_a_reset_write_is_not_called_retryable_without_a_key() -> None:
    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("reset", request=request)

    hubspot = HubSpotClient(
        access_token="pat-x",
        transport=httpx.MockTransport(reset),
        retry=RetryPolicy(max_attempts=1),
    )
    with pytest.raises(TransportError) as caught:
        hubspot.batch_create(CrmObjectType.CONTACT, [{"email": "a@b.test"}])
    assert (caught.value.sent, caught.value.retryable) == (True, False)
    assert "unknown" in str(caught.value)


def test_not_found_names_the_object_type_and_id(world: DemoWorld) -> None:
    with pytest.raises(NotFoundError) as hubspot_missing:
        world.crm.get_deal("999999")
    assert (hubspot_missing.value.object_type, hubspot_missing.value.object_id) == (
        "deals",
        "999999",
    )
    assert "deals 999999" in str(hubspot_missing.value)
    with pytest.raises(NotFoundError) as qbo_missing:
        world.us.get_invoice("9999")
    assert (qbo_missing.value.object_type, qbo_missing.value.object_id) == ("Invoice", "9999")
    with pytest.raises(NotFoundError) as lines_missing:
        world.crm.get_line_items(["424242"])
    assert lines_missing.value.object_id == "424242"


class Timeouts(httpx.BaseTransport):
    """Records the timeout each request carried."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[float | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.extensions.get("timeout", {}).get("read"))
        return self.inner.handle_request(request)


def test_public_calls_take_a_per_call_timeout() -> None:
    recorded: list[Timeouts] = []

    def wrap(inner: httpx.BaseTransport) -> httpx.BaseTransport:
        recorded.append(Timeouts(inner))
        return recorded[-1]

    world = build_demo_world(wrap_transport=wrap)
    hubspot_wire = next(t for t in recorded if isinstance(t.inner, HubSpotSandbox))
    world.crm.get_deal(world.hs["deal-acme"], timeout=2.5)
    assert hubspot_wire.seen[-1] == 2.5
    world.crm.get_deal(world.hs["deal-acme"])
    assert hubspot_wire.seen[-1] == 60.0  # the client's own
    pages = world.crm.iter_objects(CrmObjectType.CONTACT, limit=1, timeout=httpx.Timeout(4.0))
    before = len(hubspot_wire.seen)
    assert len(list(pages)) > 1
    assert set(hubspot_wire.seen[before:]) == {4.0}  # every lazily fetched page
    qbo_wire = next(t for t in recorded if t is not hubspot_wire)
    world.us.count(select("Invoice"), timeout=7)
    assert qbo_wire.seen[-1] == 7.0
    with pytest.raises(TypeError, match="timeout="):
        world.us.get_customer("1", timeout="soon")  # type: ignore[arg-type]
