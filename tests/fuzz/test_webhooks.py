"""Forged, malformed and repeated webhooks: only the documented errors, whatever arrives.

* any header a caller can send (twenty-digit or non-ASCII timestamps, non-ASCII or garbage
  signatures) gives ``SignatureVerificationError`` (a handler answers 401), never
  ``OverflowError``/``ValueError``;
* an empty secret or verifier token is a ``ConfigurationError``, even for a body signed with
  the empty key;
* a correctly signed body of any JSON (or none) parses or raises ``WebhookPayloadError``;
* ``SeenEvents`` drops redeliveries on both providers and stays bounded; HubSpot's five-minute
  window is kept.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubqbo.errors import ConfigurationError, SignatureVerificationError, WebhookPayloadError
from hubqbo.hubspot import SeenEvents, dedupe_events, parse_events, verify_webhook
from hubqbo.quickbooks import handle_webhook, parse_webhook
from hubqbo.quickbooks import verify_webhook as verify_qbo
from hubqbo.sandbox import ManualClock

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.timezone.utc)
URI = "https://hooks.example/hubspot"
SECRET = "client-secret"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
EVENT_KEYS = (
    "eventId",
    "subscriptionId",
    "portalId",
    "occurredAt",
    "subscriptionType",
    "objectId",
    "attemptNumber",
    "propertyValue",
)


def v3(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    message = b"POST" + URI.encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def ms(when: dt.datetime) -> str:
    return str(int(when.timestamp() * 1000))


@settings(max_examples=300, deadline=None)
@given(timestamp=st.text(max_size=30), signature=st.text(max_size=60))
def test_any_v3_header_is_a_signature_error(timestamp: str, signature: str) -> None:
    headers = {"X-HubSpot-Signature-v3": signature, "X-HubSpot-Request-Timestamp": timestamp}
    with pytest.raises(SignatureVerificationError):
        verify_webhook(secret=SECRET, method="POST", uri=URI, body=b"[]", headers=headers, now=NOW)


@pytest.mark.parametrize(
    "timestamp",
    [
        "1" * 20,
        "9" * 400,
        "١٧٩٥٥٩٧٢٠٠٠٠٠",
        "１７９５５９７２００００００",
        "²",
        "-1795597200000",
        " ",
        "",
    ],
)
def test_malformed_timestamps_from_the_issue(timestamp: str) -> None:
    """Twenty digits raised OverflowError, non-ASCII digits ValueError, before the check."""
    headers = {
        "X-HubSpot-Signature-v3": v3(b"[]", timestamp),
        "X-HubSpot-Request-Timestamp": timestamp,
    }
    with pytest.raises(SignatureVerificationError):
        verify_webhook(secret=SECRET, method="POST", uri=URI, body=b"[]", headers=headers, now=NOW)


def test_five_minute_window_is_kept() -> None:
    for offset, ok in (
        (dt.timedelta(minutes=4, seconds=59), True),
        (dt.timedelta(minutes=6), False),
    ):
        stamp = ms(NOW - offset)
        headers = {"X-HubSpot-Signature-v3": v3(b"[]", stamp), "X-HubSpot-Request-Timestamp": stamp}
        if ok:
            verify_webhook(
                secret=SECRET, method="POST", uri=URI, body=b"[]", headers=headers, now=NOW
            )
        else:
            with pytest.raises(SignatureVerificationError, match="older than 300"):
                verify_webhook(
                    secret=SECRET, method="POST", uri=URI, body=b"[]", headers=headers, now=NOW
                )


@pytest.mark.parametrize("secret", ["", "   "])
def test_an_empty_secret_is_refused_even_for_a_body_signed_with_it(secret: str) -> None:
    stamp = ms(NOW)
    headers = {
        "X-HubSpot-Signature-v3": v3(b"[]", stamp, secret=secret),
        "X-HubSpot-Request-Timestamp": stamp,
    }
    with pytest.raises(ConfigurationError):
        verify_webhook(secret=secret, method="POST", uri=URI, body=b"[]", headers=headers, now=NOW)
    legacy = {
        "X-HubSpot-Signature-Version": "v1",
        "X-HubSpot-Signature": hashlib.sha256(b"[]").hexdigest(),
    }
    with pytest.raises(ConfigurationError):
        verify_webhook(secret=secret, method="POST", uri=URI, body=b"[]", headers=legacy, now=NOW)
    signed = base64.b64encode(hmac.new(secret.encode(), b"[]", hashlib.sha256).digest()).decode()
    with pytest.raises(ConfigurationError):
        verify_qbo(b"[]", signed, secret)
    with pytest.raises(ConfigurationError):
        handle_webhook(b"[]", signed, secret)


@settings(max_examples=300, deadline=None)
@given(signature=st.text(max_size=80))
def test_any_intuit_signature_is_a_signature_error(signature: str) -> None:
    with pytest.raises(SignatureVerificationError):
        verify_qbo(b"[]", signature, "verifier")


def _payloads() -> st.SearchStrategy[bytes]:
    event = st.fixed_dictionaries({}, optional=dict.fromkeys(EVENT_KEYS, JSON))
    shaped = st.lists(event, max_size=3).map(lambda v: json.dumps(v).encode())
    qbo = st.fixed_dictionaries(
        {
            "eventNotifications": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "realmId": JSON,
                        "dataChangeEvent": st.fixed_dictionaries(
                            {},
                            optional={
                                "entities": st.lists(
                                    JSON
                                    | st.fixed_dictionaries(
                                        {},
                                        optional={
                                            "name": JSON,
                                            "id": JSON,
                                            "operation": JSON,
                                            "lastUpdated": JSON,
                                        },
                                    ),
                                    max_size=3,
                                )
                            },
                        ),
                    },
                ),
                max_size=2,
            )
        }
    ).map(lambda v: json.dumps(v).encode())
    deep = st.integers(60, 5000).map(lambda n: b"[" * n + b"]" * n)
    numbers = st.sampled_from(
        [
            b'[{"eventId":1,"subscriptionId":2,"portalId":3,"occurredAt":'
            + n
            + b',"subscriptionType":"deal.creation"}]'
            for n in (b"1" + b"0" * 30, b"-5", b"1e400", b'"\xd9\xa1"', b"NaN")
        ]
    )
    raw = st.binary(max_size=64)
    return st.one_of(shaped, qbo, deep, numbers, raw, JSON.map(lambda v: json.dumps(v).encode()))


@settings(max_examples=600, deadline=None)
@given(body=_payloads())
def test_signed_malformed_bodies_raise_only_the_documented_error(body: bytes) -> None:
    """Once verified, a body parses or raises WebhookPayloadError (HubSpot and QBO)."""
    stamp = ms(NOW)
    headers = {"X-HubSpot-Signature-v3": v3(body, stamp), "X-HubSpot-Request-Timestamp": stamp}
    verify_webhook(secret=SECRET, method="POST", uri=URI, body=body, headers=headers, now=NOW)
    with contextlib.suppress(WebhookPayloadError):
        parse_events(body)
    signed = base64.b64encode(hmac.new(b"verifier", body, hashlib.sha256).digest()).decode()
    with contextlib.suppress(WebhookPayloadError):
        handle_webhook(body, signed, "verifier")


def _hubspot_body(event_id: int) -> bytes:
    return json.dumps(
        [
            {
                "eventId": event_id,
                "subscriptionId": 9,
                "portalId": 5,
                "occurredAt": 1795597200000,
                "subscriptionType": "deal.propertyChange",
                "objectId": 7,
            }
        ]
    ).encode()


def test_redeliveries_are_dropped_on_both_providers_and_the_memory_stays_bounded() -> None:
    clock = ManualClock(NOW)
    seen = SeenEvents(max_size=3, ttl=dt.timedelta(hours=1), now=clock.now)
    first = dedupe_events(parse_events(_hubspot_body(1)), seen=seen)
    again = dedupe_events(parse_events(_hubspot_body(1)), seen=seen)
    assert (len(first), len(again)) == (1, 0)
    for event_id in range(2, 10):
        dedupe_events(parse_events(_hubspot_body(event_id)), seen=seen)
    assert len(seen) == 3  # bounded: the oldest were forgotten
    clock.advance(seconds=3601)
    assert len(seen) == 0  # and forgotten after ttl

    qbo_seen = SeenEvents(max_size=100, now=clock.now)
    body = json.dumps(
        [
            {
                "specversion": "1.0",
                "id": "ev-1",
                "type": "qbo.invoice.updated.v1",
                "intuitaccountid": "9130",
                "intuitentityid": "130",
                "time": "2026-11-25T09:00:00Z",
            }
        ]
    ).encode()
    signed = base64.b64encode(hmac.new(b"verifier", body, hashlib.sha256).digest()).decode()
    assert len(handle_webhook(body, signed, "verifier", seen=qbo_seen)) == 1
    assert handle_webhook(body, signed, "verifier", seen=qbo_seen) == []
    legacy = json.dumps(
        {
            "eventNotifications": [
                {
                    "realmId": "9130",
                    "dataChangeEvent": {
                        "entities": [
                            {
                                "name": "Invoice",
                                "id": "130",
                                "operation": "Update",
                                "lastUpdated": "2026-11-25T09:00:00.000Z",
                            }
                        ]
                    },
                }
            ]
        }
    ).encode()
    legacy_sig = base64.b64encode(hmac.new(b"verifier", legacy, hashlib.sha256).digest()).decode()
    assert len(handle_webhook(legacy, legacy_sig, "verifier", seen=qbo_seen)) == 1
    assert handle_webhook(legacy, legacy_sig, "verifier", seen=qbo_seen) == []
    assert parse_webhook(legacy) == parse_webhook(legacy)  # parsing itself keeps every event
