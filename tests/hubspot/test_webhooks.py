"""Webhook signatures (v3, v2, v1) against vectors computed here independently, and events."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest

from hubqbo.errors import SignatureVerificationError
from hubqbo.hubspot import (
    dedupe_events,
    parse_events,
    verify_signature_v1,
    verify_signature_v2,
    verify_signature_v3,
    verify_webhook,
)

SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy"
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
NOW_MS = "1795597200000"
BODY = json.dumps(
    [
        {
            "eventId": 100,
            "subscriptionId": 2417,
            "portalId": 62515,
            "appId": 1160452,
            "occurredAt": 1795597199000,
            "subscriptionType": "deal.propertyChange",
            "attemptNumber": 0,
            "objectId": 9001,
            "propertyName": "dealstage",
            "propertyValue": "closedwon",
            "changeSource": "CRM_UI",
        }
    ]
).encode()
URI_SENT = "https://hooks.example.com/hubspot/webhook?portal=62515&tag=a%3Ab"
URI_DECODED = "https://hooks.example.com/hubspot/webhook?portal=62515&tag=a:b"


def v3_vector(uri: str, timestamp: str = NOW_MS) -> str:
    """HubSpot's v3 recipe, written out: base64(HMAC-SHA256(secret, POST + uri + body + ts))."""
    message = b"POST" + uri.encode() + BODY + timestamp.encode()
    return base64.b64encode(hmac.new(SECRET.encode(), message, hashlib.sha256).digest()).decode()


def test_v3_accepts_hubspots_signature_over_the_decoded_uri() -> None:
    """The signature is over the URI with %3A decoded; verification decodes the sent URI."""
    verify_signature_v3(
        secret=SECRET,
        method="POST",
        uri=URI_SENT,
        body=BODY,
        signature=v3_vector(URI_DECODED),
        timestamp=NOW_MS,
        now=NOW,
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"body": BODY.replace(b"closedwon", b"closedlost")}, "does not match"),
        ({"secret": "other-secret"}, "does not match"),
        ({"method": "PUT"}, "does not match"),
        ({"signature": None}, "missing"),
        ({"timestamp": "not-ms"}, "epoch"),
    ],
)
def test_v3_refuses_tampering(change: dict[str, object], reason: str) -> None:
    """Another body, secret or method, or a missing header, is refused."""
    args: dict[str, object] = {
        "secret": SECRET,
        "method": "POST",
        "uri": URI_SENT,
        "body": BODY,
        "signature": v3_vector(URI_DECODED),
        "timestamp": NOW_MS,
        "now": NOW,
        **change,
    }
    with pytest.raises(SignatureVerificationError, match=reason):
        verify_signature_v3(**args)  # type: ignore[arg-type]


def test_v3_refuses_timestamps_older_than_five_minutes() -> None:
    """A correctly signed request with a 5 min 1 s old timestamp is refused; 4 min 59 s is fine."""
    old = str(int(NOW_MS) - 301_000)
    fine = str(int(NOW_MS) - 299_000)
    with pytest.raises(SignatureVerificationError, match="older"):
        verify_signature_v3(
            secret=SECRET,
            method="POST",
            uri=URI_DECODED,
            body=BODY,
            signature=v3_vector(URI_DECODED, old),
            timestamp=old,
            now=NOW,
        )
    verify_signature_v3(
        secret=SECRET,
        method="POST",
        uri=URI_DECODED,
        body=BODY,
        signature=v3_vector(URI_DECODED, fine),
        timestamp=fine,
        now=NOW,
    )


def test_v2_and_v1_hex_sha256() -> None:
    """v2 = sha256(secret + method + uri + body), v1 = sha256(secret + body), hex."""
    v2 = hashlib.sha256(SECRET.encode() + b"POST" + URI_SENT.encode() + BODY).hexdigest()
    v1 = hashlib.sha256(SECRET.encode() + BODY).hexdigest()
    verify_signature_v2(secret=SECRET, method="POST", uri=URI_SENT, body=BODY, signature=v2)
    verify_signature_v1(secret=SECRET, body=BODY, signature=v1.upper())
    with pytest.raises(SignatureVerificationError):
        verify_signature_v1(secret=SECRET, body=BODY, signature=v2)


def test_verify_webhook_picks_the_version_from_headers() -> None:
    """v3 header first; else X-HubSpot-Signature-Version says v1/v2; nothing → refused."""
    v1 = hashlib.sha256(SECRET.encode() + BODY).hexdigest()
    common = {"secret": SECRET, "method": "POST", "uri": URI_SENT, "body": BODY, "now": NOW}
    verify_webhook(
        headers={
            "x-hubspot-signature-v3": v3_vector(URI_DECODED),
            "X-HubSpot-Request-Timestamp": NOW_MS,
        },
        **common,  # type: ignore[arg-type]
    )
    verify_webhook(
        headers={"X-HubSpot-Signature": v1, "X-HubSpot-Signature-Version": "v1"},
        **common,  # type: ignore[arg-type]
    )
    with pytest.raises(SignatureVerificationError):
        verify_webhook(headers={}, **common)  # type: ignore[arg-type]


def test_events_accept_subscription_type_or_event_type() -> None:
    """Both field names give the event type; ids become strings, occurredAt an aware instant."""
    raw = json.loads(BODY)
    raw.append({**raw[0], "eventId": 101, "eventType": "contact.creation", "objectId": 101})
    del raw[1]["subscriptionType"]
    events = parse_events(json.dumps(raw))
    assert [
        ("deal.propertyChange", "9001", "dealstage"),
        ("contact.creation", "101", "dealstage"),
    ] == [(e.event_type, e.object_id, e.property_name) for e in events]
    assert dt.datetime(2026, 11, 25, 8, 59, 59, tzinfo=dt.timezone.utc) == events[0].occurred_at


def test_duplicates_dropped_on_the_five_part_key() -> None:
    """Same (portalId, subscriptionId, eventId, objectId, occurredAt) → dropped; eventId alone
    is not enough to call two events the same."""
    first = json.loads(BODY)[0]
    same = {**first, "attemptNumber": 1}
    other_object = {**first, "objectId": 9002}
    other_time = {**first, "occurredAt": first["occurredAt"] + 1}
    seen: set[tuple[object, ...]] = set()
    kept = dedupe_events(parse_events(json.dumps([first, same, other_object])), seen=seen)
    again = dedupe_events(parse_events(json.dumps([first, other_time])), seen=seen)
    assert [("9001", 0), ("9002", 0)] == [(e.object_id, e.attempt_number) for e in kept]
    assert [first["occurredAt"] + 1] == [int(e.occurred_at.timestamp() * 1000) for e in again]


def test_events_missing_fields_are_refused() -> None:
    """An event without eventId or a type is a ValueError, not a silent skip."""
    with pytest.raises(ValueError, match="eventId"):
        parse_events(b'[{"subscriptionId": 1, "portalId": 2, "occurredAt": 3, "eventType": "x"}]')
