"""QBO webhooks: verify the ``intuit-signature`` and parse both payload formats.

Why: a webhook endpoint must trust nothing until the signature verifies — base64 of
HMAC-SHA256 over the *raw* body with the app's verifier token, compared in constant time — and
must read both the legacy ``eventNotifications`` object and the CloudEvents array (mandatory from
2026) into the same typed events. Events are hints, not data: fetch the records (or run CDC)
before acting; they can arrive late, twice or out of order.

Example:
    >>> import base64, hashlib, hmac
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
import json
from collections.abc import Mapping
from typing import Any

import attrs
from dateutil.parser import isoparse

from hubqbo.errors import SignatureVerificationError

__all__ = ["SIGNATURE_HEADER", "WebhookEvent", "handle_webhook", "parse_webhook", "verify_webhook"]

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


def verify_webhook(body: bytes, signature: str | None, verifier_token: str) -> None:
    """Raise ``SignatureVerificationError`` unless ``signature`` signs the raw ``body``."""
    if not signature:
        raise SignatureVerificationError(f"missing {SIGNATURE_HEADER} header")
    try:
        given = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureVerificationError(f"{SIGNATURE_HEADER} is not base64") from None
    expected = hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()
    if not hmac.compare_digest(given, expected):
        raise SignatureVerificationError(
            f"{SIGNATURE_HEADER} does not match the body: wrong verifier token or altered body"
        )


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    parsed = isoparse(str(value))
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
    kind = str(event.get("type") or "")
    parts = kind.split(".")
    if len(parts) < 3 or parts[0] != "qbo":
        raise ValueError(f"not a QBO CloudEvents type: {kind!r}")
    return WebhookEvent(
        realm_id=str(event.get("intuitaccountid") or ""),
        entity=_entity_name(parts[1]),
        entity_id=str(event.get("intuitentityid") or ""),
        operation=_OPERATIONS.get(parts[2].lower(), parts[2].capitalize()),
        occurred_at=_when(event.get("time")),
        event_id=event.get("id"),
    )


def parse_webhook(body: bytes | str | Any) -> list[WebhookEvent]:
    """Events from a legacy ``eventNotifications`` body or a CloudEvents array.

    Raises:
        ValueError: the body is neither format.
    """
    data = json.loads(body) if isinstance(body, (bytes, str)) else body
    if isinstance(data, list):
        return [_cloud_event(e) for e in data]
    if isinstance(data, Mapping) and "specversion" in data:
        return [_cloud_event(data)]
    if isinstance(data, Mapping) and "eventNotifications" in data:
        events = []
        for note in data["eventNotifications"] or []:
            realm = str(note.get("realmId") or "")
            for entity in (note.get("dataChangeEvent") or {}).get("entities") or []:
                events.append(
                    WebhookEvent(
                        realm_id=realm,
                        entity=_entity_name(str(entity.get("name") or "")),
                        entity_id=str(entity.get("id") or ""),
                        operation=str(entity.get("operation") or ""),
                        occurred_at=_when(entity.get("lastUpdated")),
                    )
                )
        return events
    raise ValueError("not a QuickBooks webhook body (no eventNotifications, not CloudEvents)")


def handle_webhook(body: bytes, signature: str | None, verifier_token: str) -> list[WebhookEvent]:
    """Verify, then parse (the order a webhook endpoint must follow)."""
    verify_webhook(body, signature, verifier_token)
    return parse_webhook(body)
