"""QBO rules at their exact edges (found by mutation testing: each test here fails when the
rule it names is moved by one step in the source)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal
from typing import Any

import pytest

from hubqbo.errors import ServerError, SignatureVerificationError, ValidationError
from hubqbo.models import Customer, Invoice, InvoiceLine, Ref
from hubqbo.quickbooks import BatchOperation, fault_to_error, verify_webhook
from hubqbo.sandbox import ManualClock, QuickBooksSandbox
from tests.quickbooks.conftest import make_client


def unsupported_operation() -> dict[str, Any]:
    """Fault code 500 as QBO words it (DESIGN.md "Wire facts": unsupported operation)."""
    return {
        "Fault": {
            "Error": [
                {
                    "Message": "Unsupported Operation",
                    "Detail": "Operation Could not find resource for relative : /v3/company/1/x",
                    "code": "500",
                }
            ],
            "type": "ValidationFault",
        }
    }


def test_fault_code_500_is_validation_whatever_the_http_status_says() -> None:
    """Fault *code* 500 is an unsupported operation: a ValidationError, not retryable, both
    with HTTP 400 and inside a 200 (a batch item), where no status fallback can rescue it."""
    answers = [fault_to_error(status, unsupported_operation()) for status in (400, 200)]
    assert [(ValidationError, False, "500")] * 2 == [
        (type(e), e.retryable if e else None, e.code if e else None) for e in answers
    ]
    assert not isinstance(answers[1], ServerError)


def sandbox_client() -> tuple[QuickBooksSandbox, Any]:
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US")
    client, _, _ = make_client(transport=sandbox, clock=clock, realm_id=realm)
    return sandbox, client


def test_batch_requestid_of_37_characters_is_refused_before_sending() -> None:
    """``/batch`` takes a requestid of at most 36 characters (other writes 50): 37 is refused
    before any request; exactly 36 is sent as given and the batch is applied."""
    sandbox, client = sandbox_client()
    op = BatchOperation.create(Customer(display_name="Edge Co"))
    with pytest.raises(ValidationError, match=r"1\.\.36"):
        client.batch([op], request_id="r" * 37)
    assert 0 == sandbox.count_requests()
    [result] = client.batch([op], request_id="r" * 36)
    assert ("Edge Co", 1) == (result.record.display_name, sandbox.count_requests())


def test_sales_line_without_an_item_is_refused_before_sending() -> None:
    """A sales line that names no item is a ValidationError saying which line, and nothing is
    sent (the first line is fine; the second is the bad one)."""
    sandbox, client = sandbox_client()
    good = InvoiceLine.sales_item(
        item=Ref("1"), quantity=Decimal("1"), unit_price=Decimal("5"), currency="USD"
    )
    bad = InvoiceLine(amount=Decimal("5"))
    with pytest.raises(ValidationError, match="line 2 is a sales line without an item"):
        client.create_invoice(Invoice(customer=Ref("1"), currency="USD", lines=[good, bad]))
    assert 0 == sandbox.count_requests()


def test_the_41st_batch_request_in_a_minute_waits_for_the_batch_budget() -> None:
    """QBO allows 40 ``/batch`` requests a minute per realm (and 10 requests a second): 41
    one-item batches sent at once wait 1 s after every 10, then the 41st waits until the
    first batch leaves the minute (t = 3 s -> 60 s: 57 s). No 429 is ever answered."""
    clock = ManualClock()
    sandbox = QuickBooksSandbox(clock=clock)
    realm = sandbox.add_realm(country="US")
    client, _, slept = make_client(transport=sandbox, clock=clock, realm_id=realm)
    for n in range(41):
        client.batch([BatchOperation.create(Customer(display_name=f"Batch {n}"))])
    assert ([1.0, 1.0, 1.0, 57.0], 41) == (slept, sandbox.count_requests())


def test_webhook_signature_differing_only_in_its_last_byte_is_refused() -> None:
    """The whole HMAC-SHA256 is compared: a signature that agrees with the right one in all
    but its last byte is refused (a truncated or prefix comparison would accept it)."""
    body = b'{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[]}}]}'
    digest = hmac.new(b"verifier", body, hashlib.sha256).digest()
    forged = base64.b64encode(digest[:-1] + bytes([digest[-1] ^ 1])).decode()
    verify_webhook(body, base64.b64encode(digest).decode(), "verifier")
    with pytest.raises(SignatureVerificationError, match="does not match"):
        verify_webhook(body, forged, "verifier")
