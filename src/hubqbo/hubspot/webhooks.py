"""HubSpot webhooks: signature verification (v3, v2, v1) and event parsing.

Why: a webhook body must not be trusted until its signature verifies, and HubSpot delivers the
same event more than once (its ``eventId`` is not unique). Verification is a pure function of
the request's method, URI, body, headers, the app's client secret and the current time — like
stripe-python's ``Webhook.construct_event`` — so it is tested against independently computed
vectors without a server.

* v3 (``X-HubSpot-Signature-v3``): base64 HMAC-SHA256, keyed by the client secret, of
  ``method + decoded URI + body + timestamp``; ``X-HubSpot-Request-Timestamp`` (ms) older than
  five minutes is refused. The URI's ``%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B`` are
  decoded first, as HubSpot's docs list.
* v2 (``X-HubSpot-Signature-Version: v2``): hex SHA-256 of ``secret + method + URI + body``.
* v1 (``X-HubSpot-Signature-Version: v1``): hex SHA-256 of ``secret + body``.

Every comparison is constant-time (``hmac.compare_digest``). An empty secret is refused as a
``ConfigurationError`` (an unset variable must not let anyone sign); any malformed signature
or timestamp header is a ``SignatureVerificationError`` (answer 401); a correctly signed body
that is not a valid event list is a ``WebhookPayloadError`` (answer 400). A redelivery is
harmless — handling an event only marks its record dirty, and the sync re-reads it — so
``dedupe_events`` with a bounded :class:`SeenEvents` drops repeats only to save re-reads.

Example:
    >>> import base64, hashlib, hmac
    >>> body = b'[]'
    >>> sig = base64.b64encode(hmac.new(b"s3cret", b"POSThttps://x.test/hook[]1795597200000",
    ...                                 hashlib.sha256).digest()).decode()
    >>> verify_signature_v3(secret="s3cret", method="POST", uri="https://x.test/hook", body=body,
    ...     signature=sig, timestamp="1795597200000",
    ...     now=dt.datetime(2026, 11, 25, 9, 1, tzinfo=dt.timezone.utc))
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from hubqbo._http._replies import READING_ERRORS, strict_json
from hubqbo._http._seen import SeenEvents
from hubqbo.errors import ConfigurationError, SignatureVerificationError, WebhookPayloadError
from hubqbo.hubspot._errors import header_value

__all__ = [
    "MAX_TIMESTAMP_AGE",
    "SeenEvents",
    "WebhookEvent",
    "decode_uri",
    "dedupe_events",
    "parse_events",
    "verify_signature_v1",
    "verify_signature_v2",
    "verify_signature_v3",
    "verify_webhook",
]

MAX_TIMESTAMP_AGE = dt.timedelta(minutes=5)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_DECODED = {
    "%3A": ":",
    "%2F": "/",
    "%3F": "?",
    "%40": "@",
    "%21": "!",
    "%24": "$",
    "%27": "'",
    "%28": "(",
    "%29": ")",
    "%2A": "*",
    "%2C": ",",
    "%3B": ";",
}


def decode_uri(uri: str) -> str:
    """The URI with the escapes HubSpot's v3 signature decodes (either hex case) decoded."""
    out = []
    index = 0
    while index < len(uri):
        chunk = uri[index : index + 3].upper()
        if uri[index] == "%" and chunk in _DECODED:
            out.append(_DECODED[chunk])
            index += 3
        else:
            out.append(uri[index])
            index += 1
    return "".join(out)


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def _refuse(reason: str) -> SignatureVerificationError:
    return SignatureVerificationError(f"HubSpot webhook refused: {reason}")


def _key(secret: str) -> bytes:
    """The HMAC key; an empty or missing secret is a setup error, never a valid key."""
    if not isinstance(secret, str) or not secret.strip():
        raise ConfigurationError(
            "the HubSpot client secret is empty: webhooks cannot be verified without it "
            "(is the environment variable set?)"
        )
    return secret.encode()


_TIMESTAMP_DIGITS = 15
"""Epoch milliseconds have 13 digits until the year 2286; more is not a timestamp."""


def _sent_at(timestamp: str) -> dt.datetime:
    text = timestamp.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= _TIMESTAMP_DIGITS):
        raise _refuse("X-HubSpot-Request-Timestamp is not epoch milliseconds")
    try:
        return _EPOCH + dt.timedelta(milliseconds=int(text))
    except OverflowError:  # pragma: no cover - 15 digits stay within datetime's range
        raise _refuse("X-HubSpot-Request-Timestamp is out of range") from None


def _header_bytes(value: str) -> bytes:
    """A signature header as bytes (a non-ASCII one cannot match: refused)."""
    text = value.strip()
    if not text.isascii():
        raise _refuse("signature header is not ASCII")
    return text.encode()


def verify_signature_v3(
    *,
    secret: str,
    method: str,
    uri: str,
    body: bytes | str,
    signature: str | None,
    timestamp: str | None,
    now: dt.datetime,
    tolerance: dt.timedelta = MAX_TIMESTAMP_AGE,
) -> None:
    """Raise :class:`SignatureVerificationError` unless the v3 signature and timestamp verify.

    Args:
        secret: the app's client secret.
        method: the HTTP method (``POST``).
        uri: the full URL HubSpot called (scheme, host, path, query).
        body: the raw request body, exactly as received.
        signature: ``X-HubSpot-Signature-v3``.
        timestamp: ``X-HubSpot-Request-Timestamp`` (epoch milliseconds).
        now: the current instant (aware).
        tolerance: the oldest timestamp accepted (five minutes, HubSpot's rule).
    """
    key = _key(secret)
    if not signature or not timestamp:
        raise _refuse("missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp")
    sent = _sent_at(timestamp)
    given = _header_bytes(signature)
    if now - sent > tolerance:
        raise _refuse(f"timestamp is older than {tolerance.total_seconds():.0f} s")
    if sent - now > tolerance:
        raise _refuse("timestamp is in the future")
    stamp = timestamp.strip().encode()
    message = method.upper().encode() + decode_uri(uri).encode() + _bytes(body) + stamp
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest())
    if not hmac.compare_digest(expected, given):
        raise _refuse("signature v3 does not match")


def _verify_hex(expected_source: bytes, signature: str | None, version: str) -> None:
    if not signature:
        raise _refuse("missing X-HubSpot-Signature")
    expected = hashlib.sha256(expected_source).hexdigest().encode()
    if not hmac.compare_digest(expected, _header_bytes(signature).lower()):
        raise _refuse(f"signature {version} does not match")


def verify_signature_v2(
    *, secret: str, method: str, uri: str, body: bytes | str, signature: str | None
) -> None:
    """Verify a v2 signature: hex SHA-256 of ``secret + method + URI + body`` (URI as sent)."""
    source = _key(secret) + method.upper().encode() + uri.encode() + _bytes(body)
    _verify_hex(source, signature, "v2")


def verify_signature_v1(*, secret: str, body: bytes | str, signature: str | None) -> None:
    """Verify a v1 signature: hex SHA-256 of ``secret + body``."""
    _verify_hex(_key(secret) + _bytes(body), signature, "v1")


def verify_webhook(
    *,
    secret: str,
    method: str,
    uri: str,
    body: bytes | str,
    headers: Mapping[str, str],
    now: dt.datetime,
) -> None:
    """Verify whichever signature the request carries: v3 when present, else v2/v1.

    Raises:
        SignatureVerificationError: when no signature verifies (or a header is malformed).
        ConfigurationError: ``secret`` is empty.
    """
    _key(secret)
    v3 = header_value(headers, "X-HubSpot-Signature-v3")
    if v3 is not None:
        verify_signature_v3(
            secret=secret,
            method=method,
            uri=uri,
            body=body,
            signature=v3,
            timestamp=header_value(headers, "X-HubSpot-Request-Timestamp"),
            now=now,
        )
        return
    version = (header_value(headers, "X-HubSpot-Signature-Version") or "").strip().lower()
    legacy = header_value(headers, "X-HubSpot-Signature")
    if version == "v2":
        verify_signature_v2(secret=secret, method=method, uri=uri, body=body, signature=legacy)
    elif version == "v1":
        verify_signature_v1(secret=secret, body=body, signature=legacy)
    else:
        raise _refuse("no X-HubSpot-Signature-v3 and no v1/v2 signature version header")


@attrs.frozen
class WebhookEvent:
    """One HubSpot webhook event.

    ``event_type`` is the payload's ``subscriptionType`` or ``eventType`` (HubSpot's docs use
    both names), e.g. ``deal.propertyChange``. ``raw`` keeps the whole event.

    Example:
        >>> e = parse_events(b'[{"eventId": 1, "subscriptionId": 9, "portalId": 62515, '
        ...     b'"occurredAt": 1795597200000, "subscriptionType": "deal.creation", '
        ...     b'"objectId": 7}]')[0]
        >>> e.event_type, e.object_id, e.object_type
        ('deal.creation', '7', 'deal')
    """

    event_id: str
    subscription_id: str
    portal_id: str
    occurred_at: dt.datetime
    event_type: str
    object_id: str | None = None
    property_name: str | None = None
    property_value: str | None = None
    change_source: str | None = None
    attempt_number: int = 0
    app_id: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, hash=False, eq=False, repr=False)

    @property
    def object_type(self) -> str:
        """The part of ``event_type`` before the dot (``deal``, ``contact``, ``object``)."""
        return self.event_type.split(".", 1)[0]

    @property
    def dedupe_key(self) -> tuple[str, str, str, str | None, dt.datetime]:
        """``(portalId, subscriptionId, eventId, objectId, occurredAt)``: ``eventId`` alone
        is not unique."""
        return (
            self.portal_id,
            self.subscription_id,
            self.event_id,
            self.object_id,
            self.occurred_at,
        )


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise TypeError(f"expected a string or a number, got {type(value).__name__}")
    return str(value)


def _ms(value: Any) -> int:
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= _TIMESTAMP_DIGITS):
        raise ValueError(f"occurredAt is not epoch milliseconds: {str(value)[:40]!r}")
    return int(text)


def _event(data: Mapping[str, Any]) -> WebhookEvent:
    if not isinstance(data, Mapping):
        raise TypeError(f"an event is a JSON object, got {type(data).__name__}")
    event_type = data.get("subscriptionType") or data.get("eventType")
    missing = [
        k for k in ("eventId", "subscriptionId", "portalId", "occurredAt") if data.get(k) is None
    ]
    if not event_type:
        missing.append("subscriptionType/eventType")
    if missing:
        raise ValueError(f"HubSpot webhook event lacks {', '.join(missing)}")
    attempt = data.get("attemptNumber") or 0
    if isinstance(attempt, bool) or not isinstance(attempt, int):
        raise TypeError(f"attemptNumber is not a whole number: {str(attempt)[:20]!r}")
    return WebhookEvent(
        event_id=_opt(data["eventId"]) or "",
        subscription_id=_opt(data["subscriptionId"]) or "",
        portal_id=_opt(data["portalId"]) or "",
        occurred_at=_EPOCH + dt.timedelta(milliseconds=_ms(data["occurredAt"])),
        event_type=_opt(event_type) or "",
        object_id=_opt(data.get("objectId")),
        property_name=_opt(data.get("propertyName")),
        property_value=_opt(data.get("propertyValue")),
        change_source=_opt(data.get("changeSource")),
        attempt_number=attempt,
        app_id=_opt(data.get("appId")),
        raw=dict(data),
    )


def parse_events(body: bytes | str | Iterable[Mapping[str, Any]]) -> list[WebhookEvent]:
    """The events of a webhook body (a JSON array; a single object is accepted too).

    Raises:
        WebhookPayloadError: (a ``ValueError``) when the body is not JSON, not an array of
            event objects, or an event lacks a required field or has one of the wrong type.
    """
    try:
        data: Any = strict_json(_bytes(body)) if isinstance(body, (bytes, str)) else list(body)
        if isinstance(data, Mapping):
            data = [data]
        if not isinstance(data, list):
            raise TypeError("a HubSpot webhook body is a JSON array of events")
        return [_event(item) for item in data]
    except READING_ERRORS as exc:
        raise WebhookPayloadError(f"HubSpot webhook body refused: {exc}") from None


def dedupe_events(
    events: Iterable[WebhookEvent], *, seen: SeenEvents | set[tuple[Any, ...]] | None = None
) -> list[WebhookEvent]:
    """``events`` without repeats of ``(portalId, subscriptionId, eventId, objectId,
    occurredAt)``; pass ``seen`` — a bounded :class:`SeenEvents` kept by the receiver — to
    drop repeats across deliveries too (a plain ``set`` works but grows without bound).

    Example:
        >>> body = (b'[{"eventId": 1, "subscriptionId": 9, "portalId": 5, "occurredAt": 1,'
        ...         b' "subscriptionType": "deal.creation", "objectId": 7}]')
        >>> seen = SeenEvents(max_size=1000)
        >>> len(dedupe_events(parse_events(body), seen=seen)), len(dedupe_events(
        ...     parse_events(body), seen=seen))
        (1, 0)
    """
    keys: SeenEvents | set[tuple[Any, ...]] = seen if seen is not None else set()
    out = []
    for event in events:
        if event.dedupe_key in keys:
            continue
        keys.add(event.dedupe_key)
        out.append(event)
    return out
