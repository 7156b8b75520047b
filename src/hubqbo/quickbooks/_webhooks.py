"""QBO webhooks: verify the ``intuit-signature`` and parse both payload formats.

Why: a webhook endpoint must trust nothing until the signature verifies — base64 of
HMAC-SHA256 over the *raw* body with the app's verifier token, compared in constant time — and
must read both the legacy ``eventNotifications`` object and the CloudEvents array (mandatory from
2026) into the same typed events. Events are hints, not data: fetch the records (or run CDC)
before acting; they can arrive late, twice or out of order. Handling one only marks a record
dirty, so a redelivery is harmless; ``handle_webhook(..., seen=SeenEvents())`` drops repeats
(bounded memory) to save re-reads. An empty verifier token is a ``ConfigurationError``; a
malformed signature a ``SignatureVerificationError``; a signed body that is not a valid
notification a ``WebhookPayloadError`` (a ``ValueError``).

Example:
    >>> import base64, hashlib, hmac, json
    >>> body = json.dumps({"eventNotifications": [{"realmId": "9130", "dataChangeEvent": {
    ...     "entities": [{"name": "Invoice", "id": "130", "operation": "Void",
    ...                   "lastUpdated": "2026-11-25T09:00:00.000Z"}]}}]}).encode()
    >>> sig = base64.b64encode(hmac.new(b"verifier", body, hashlib.sha256).digest()).decode()
    >>> events = handle_webhook(body, sig, "verifier")
    >>> [(e.realm_id, e.entity, e.entity_id, e.operation) for e in events]
    [('9130', 'Invoice', '130', 'Void')]
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from dateutil.parser import isoparse

from hubqbo._http._replies import READING_ERRORS, strict_json
from hubqbo._http._seen import SeenEvents
from hubqbo.errors import ConfigurationError, SignatureVerificationError, WebhookPayloadError

__all__ = [
    "SIGNATURE_HEADER",
    "SeenEvents",
    "WebhookEvent",
    "dedupe_webhook_events",
    "handle_webhook",
    "parse_webhook",
    "verify_webhook",
]

SIGNATURE_HEADER = "intuit-signature"

_OPERATIONS = {
    "created": "Create",
    "updated": "Update",
    "deleted": "Delete",
    "merged": "Merge",
    "voided": "Void",
    "emailed": "Emailed",
}


@attrs.frozen
class WebhookEvent:
    """One change notification.

    Attributes:
        realm_id: the company (legacy ``realmId``, CloudEvents ``intuitaccountid``).
        entity: QBO entity name (``Invoice``, ``Customer``...).
        entity_id: the changed record's id.
        operation: ``Create``, ``Update``, ``Delete``, ``Merge``, ``Void`` or ``Emailed``.
        occurred_at: ``lastUpdated`` / CloudEvents ``time``.
        event_id: the CloudEvents ``id`` (for de-duplication); ``None`` for legacy events.

    Example:
        >>> WebhookEvent("9130", "Invoice", "130", "Void").operation
        'Void'
    """

    realm_id: str
    entity: str
    entity_id: str
    operation: str
    occurred_at: dt.datetime | None = None
    event_id: str | None = None

    @property
    def dedupe_key(self) -> tuple[str, ...]:
        """The CloudEvents ``id``; for a legacy event (no id), what it says changed."""
        if self.event_id:
            return ("id", self.event_id)
        when = self.occurred_at.isoformat() if self.occurred_at else ""
        return (self.realm_id, self.entity, self.entity_id, self.operation, when)


def verify_webhook(body: bytes, signature: str | None, verifier_token: str) -> None:
    """Raise ``SignatureVerificationError`` unless ``signature`` signs the raw ``body``.

    Raises:
        ConfigurationError: ``verifier_token`` is empty (nothing signed with it can be
            trusted: an unset variable must not let anyone sign).
    """
    if not isinstance(verifier_token, str) or not verifier_token.strip():
        raise ConfigurationError(
            "the QuickBooks webhook verifier token is empty: webhooks cannot be verified "
            "(is the environment variable set?)"
        )
    if not signature:
        raise SignatureVerificationError(f"missing {SIGNATURE_HEADER} header")
    try:
        given = base64.b64decode(signature.strip().encode("ascii"), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureVerificationError(f"{SIGNATURE_HEADER} is not base64") from None
    expected = hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise SignatureVerificationError(
            f"{SIGNATURE_HEADER} does not match the body: wrong verifier token or altered body"
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return str(value)


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    parsed = isoparse(_text(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _entity_name(name: str) -> str:
    known = {
        "customer": "Customer",
        "invoice": "Invoice",
        "item": "Item",
        "payment": "Payment",
        "term": "Term",
        "taxcode": "TaxCode",
        "taxrate": "TaxRate",
        "creditmemo": "CreditMemo",
        "salesreceipt": "SalesReceipt",
        "preferences": "Preferences",
    }
    return known.get(name.lower(), name[:1].upper() + name[1:])


def _cloud_event(event: Mapping[str, Any]) -> WebhookEvent:
    if not isinstance(event, Mapping):
        raise TypeError(f"a CloudEvent is a JSON object, got {type(event).__name__}")
    kind = _text(event.get("type"))
    parts = kind.split(".")
    if len(parts) < 3 or parts[0] != "qbo":
        raise ValueError(f"not a QBO CloudEvents type: {kind!r}")
    return WebhookEvent(
        realm_id=_text(event.get("intuitaccountid")),
        entity=_entity_name(parts[1]),
        entity_id=_text(event.get("intuitentityid")),
        operation=_OPERATIONS.get(parts[2].lower(), parts[2].capitalize()),
        occurred_at=_when(event.get("time")),
        event_id=_text(event.get("id")) or None,
    )


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _obj(value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def parse_webhook(body: bytes | str | Any) -> list[WebhookEvent]:
    """Events from a legacy ``eventNotifications`` body or a CloudEvents array.

    Raises:
        WebhookPayloadError: (a ``ValueError``) the body is neither format, or a field is
            missing or of the wrong type.
    """
    try:
        return _parse(body)
    except READING_ERRORS as exc:
        raise WebhookPayloadError(f"QuickBooks webhook body refused: {exc}") from None


def _parse(body: bytes | str | Any) -> list[WebhookEvent]:
    if isinstance(body, (bytes, str)):
        data = strict_json(body.encode() if isinstance(body, str) else body)
    else:
        data = body
    if isinstance(data, list):
        return [_cloud_event(e) for e in data]
    if isinstance(data, Mapping) and "specversion" in data:
        return [_cloud_event(data)]
    if isinstance(data, Mapping) and "eventNotifications" in data:
        events = []
        for note in _list(data["eventNotifications"]):
            realm = _text(_obj(note).get("realmId"))
            for raw in _list(_obj(note.get("dataChangeEvent")).get("entities")):
                entity = _obj(raw)
                events.append(
                    WebhookEvent(
                        realm_id=realm,
                        entity=_entity_name(_text(entity.get("name"))),
                        entity_id=_text(entity.get("id")),
                        operation=_text(entity.get("operation")),
                        occurred_at=_when(entity.get("lastUpdated")),
                    )
                )
        return events
    raise ValueError("not a QuickBooks webhook body (no eventNotifications, not CloudEvents)")


def dedupe_webhook_events(
    events: Iterable[WebhookEvent], *, seen: SeenEvents | None = None
) -> list[WebhookEvent]:
    """``events`` without repeats (by :attr:`WebhookEvent.dedupe_key`), also across
    deliveries when the receiver keeps a bounded ``seen`` memory."""
    keys = seen if seen is not None else SeenEvents(max_size=100_000, ttl=None)
    return [event for event in events if keys.first_time(event.dedupe_key)]


def handle_webhook(
    body: bytes, signature: str | None, verifier_token: str, *, seen: SeenEvents | None = None
) -> list[WebhookEvent]:
    """Verify, then parse (the order a webhook endpoint must follow); with ``seen``, events
    already handled are dropped (a redelivery only marks records dirty again: harmless, but
    a wasted re-read).

    Raises:
        SignatureVerificationError: the signature is missing, malformed or wrong (answer 401).
        WebhookPayloadError: the signed body is not a notification (answer 400).
        ConfigurationError: ``verifier_token`` is empty.
    """
    verify_webhook(body, signature, verifier_token)
    events = parse_webhook(body)
    return events if seen is None else dedupe_webhook_events(events, seen=seen)
