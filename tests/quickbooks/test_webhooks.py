"""Webhook signature verification and parsing of both payload formats."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from hubqbo.errors import SignatureVerificationError
from hubqbo.quickbooks import WebhookEvent, handle_webhook, parse_webhook, verify_webhook
from tests.quickbooks.conftest import SHARED_QBO

WEBHOOKS = SHARED_QBO / "webhooks"
needs_shared = pytest.mark.skipif(
    not WEBHOOKS.is_dir(), reason=f"../shared is absent ({WEBHOOKS}): webhook samples unavailable"
)
# The .NET SDK test vector (WebhooksServiceTest.cs + its AppSettings.json verifier token).
DOTNET_VERIFIER = "00faeec4-08d0-4996-bb37-698ae19f0149"
DOTNET_SIGNATURE = "6q+xGyMirJupwKTh2/WBl2NcdxzxqdIbk3sneKTxLWM="


def sign(body: bytes, token: str) -> str:
    return base64.b64encode(hmac.new(token.encode(), body, hashlib.sha256).digest()).decode()


@needs_shared
def test_dotnet_sdk_vector_verifies_and_parses() -> None:
    """Intuit's own test vector verifies and yields its two legacy events."""
    body = (WEBHOOKS / "legacy-eventNotifications.dotnet-sdk-test.json").read_bytes()
    events = handle_webhook(body, DOTNET_SIGNATURE, DOTNET_VERIFIER)
    assert [
        WebhookEvent(
            "1269959970",
            "Vendor",
            "40",
            "Update",
            dt.datetime(2016, 10, 5, 3, 9, 4, tzinfo=dt.timezone.utc),
        ),
        WebhookEvent(
            "1269959970",
            "Customer",
            "43",
            "Create",
            dt.datetime(2016, 10, 5, 3, 7, 4, tzinfo=dt.timezone.utc),
        ),
    ] == events


@needs_shared
def test_one_changed_byte_fails_verification() -> None:
    """A body altered by one byte, or the wrong verifier token, does not verify."""
    body = (WEBHOOKS / "legacy-eventNotifications.dotnet-sdk-test.json").read_bytes()
    with pytest.raises(SignatureVerificationError):
        verify_webhook(body.replace(b'"40"', b'"41"'), DOTNET_SIGNATURE, DOTNET_VERIFIER)
    with pytest.raises(SignatureVerificationError):
        verify_webhook(body, DOTNET_SIGNATURE, "another-token")


def test_missing_or_garbled_signature_is_refused() -> None:
    """No header, or one that is not base64, is refused before parsing."""
    with pytest.raises(SignatureVerificationError, match="missing"):
        verify_webhook(b"{}", None, "t")
    with pytest.raises(SignatureVerificationError, match="base64"):
        verify_webhook(b"{}", "not base64!!", "t")


@needs_shared
def test_cloudevents_samples_parse() -> None:
    """CloudEvents arrays: realm from intuitaccountid, entity and operation from type."""
    sdk = parse_webhook((WEBHOOKS / "cloudevents.dotnet-sdk-test.json").read_bytes())
    blog = parse_webhook((WEBHOOKS / "cloudevents.intuit-blog-2025-11-12.json").read_bytes())
    assert [("310687", "Class", "1234", "Create", "d1a3aedd-9670-41bf-a4f9-c148a1cc4e03")] == [
        (e.realm_id, e.entity, e.entity_id, e.operation, e.event_id) for e in sdk
    ]
    assert [("310687", "Account", "1234", "Create")] == [
        (e.realm_id, e.entity, e.entity_id, e.operation) for e in blog
    ]
    assert (
        dt.datetime(2025, 9, 10, 21, 31, 25, 179851, tzinfo=dt.timezone.utc) == blog[0].occurred_at
    )


@needs_shared
def test_blog_legacy_sample_parses() -> None:
    """The legacy sample from Intuit's blog parses to one Account Create event."""
    events = parse_webhook(
        (WEBHOOKS / "legacy-eventNotifications.intuit-blog-2025-11-12.json").read_text()
    )
    assert [("310687", "Account", "1234", "Create")] == [
        (e.realm_id, e.entity, e.entity_id, e.operation) for e in events
    ]


def test_cloudevents_invoice_operations_and_multi_realm() -> None:
    """One POST can mix realms; voided/emailed/deleted map to QBO's operation names."""
    body = (
        b'[{"specversion":"1.0","id":"e1","type":"qbo.invoice.voided.v1","time":"2026-11-25T09:00:00Z",'
        b'"intuitentityid":"130","intuitaccountid":"1","data":{}},'
        b'{"specversion":"1.0","id":"e2","type":"qbo.invoice.emailed.v1","time":"2026-11-25T09:00:01Z",'
        b'"intuitentityid":"131","intuitaccountid":"2","data":{}},'
        b'{"specversion":"1.0","id":"e3","type":"qbo.customer.deleted.v1","time":"2026-11-25T09:00:02Z",'
        b'"intuitentityid":"58","intuitaccountid":"1","data":{}}]'
    )
    events = handle_webhook(body, sign(body, "verifier"), "verifier")
    assert [
        ("1", "Invoice", "130", "Void"),
        ("2", "Invoice", "131", "Emailed"),
        ("1", "Customer", "58", "Delete"),
    ] == [(e.realm_id, e.entity, e.entity_id, e.operation) for e in events]


def test_unknown_body_is_refused() -> None:
    """A body in neither format is a ValueError, not an empty list."""
    with pytest.raises(ValueError, match="not a QuickBooks webhook"):
        parse_webhook(b'{"hello": "world"}')
