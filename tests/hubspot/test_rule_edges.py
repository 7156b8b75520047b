"""HubSpot rules at their exact edges, against the sandbox (found by mutation testing: each
test here fails when the rule it names is moved by one step in the source)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubqbo.errors import SignatureVerificationError
from hubqbo.hubspot import (
    HeaderAwarePacer,
    RateLimits,
    to_wire,
    verify_signature_v1,
    verify_signature_v2,
    verify_signature_v3,
)
from hubqbo.sandbox import ManualClock
from tests.hubspot.test_retries import ACCOUNT, CURRENCY, client_for
from tests.hubspot.test_sandbox_e2e import PROPS, START, T, connect, portal
from tests.hubspot.test_webhooks import (
    BODY,
    NOW,
    NOW_MS,
    SECRET,
    URI_DECODED,
    URI_SENT,
    v3_vector,
)


def test_207_failure_in_a_later_chunk_maps_to_its_own_input(hubspot_specs: object | None) -> None:
    """250 creates go out as 100 + 100 + 50; the one input refused in the third request
    (index 230 repeats index 220's unique value) is reported as index 230 with its own input,
    not as an index within its chunk."""
    sandbox, clock = portal()
    client = connect(sandbox, clock, hubspot_specs)
    client.ensure_properties([], PROPS[:1])
    records = [{"name": f"P{i}", "qbo_item_id": str(i)} for i in range(250)]
    records[230] = {"name": "P230", "qbo_item_id": "220"}
    before = len(sandbox.requests)
    result = client.batch_create(T.PRODUCT, records)
    assert (3, 249) == (len(sandbox.requests) - before, len(result.records))
    assert [(230, "P230")] == [(f.index, f.input["properties"]["name"]) for f in result.failures]
    assert () == result.unmatched_errors


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15)
    | st.sampled_from([Decimal("1E+2"), Decimal("1.50E-7"), Decimal("-0E-3")])
)
def test_numbers_are_written_in_plain_notation(value: Decimal) -> None:
    """A Decimal goes out as a plain number string (``100``, never ``1E+2``), the same number."""
    text = to_wire(value)
    assert ("e" not in text.lower(), value) == (True, Decimal(text))


def test_number_examples() -> None:
    """Exponent-form Decimals written as HubSpot number strings."""
    assert ["100", "0.000000150", "12.50"] == [
        to_wire(Decimal("1E+2")),
        to_wire(Decimal("1.50E-7")),
        to_wire(Decimal("12.50")),
    ]


@pytest.mark.parametrize(("remaining", "gap"), [("2", 0), ("1", 10), ("0", 10)])
def test_pause_starts_when_remaining_reaches_the_reserve(remaining: str, gap: int) -> None:
    """With the default reserve of 1 request, ``X-HubSpot-RateLimit-Remaining: 1`` already
    pauses the next request for the reported interval (10 s); 2 does not."""
    headers = {
        "X-HubSpot-RateLimit-Max": "100",
        "X-HubSpot-RateLimit-Remaining": remaining,
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    client, script, _ = client_for(
        [
            httpx.Response(200, json=CURRENCY, headers=headers),
            httpx.Response(200, json=ACCOUNT),
        ]
    )
    client.company_currency()
    client.portal_time_zone()
    assert dt.timedelta(seconds=gap) == script.seen[1][0] - script.seen[0][0]


def test_every_request_started_before_the_reported_window_rolls_waits() -> None:
    """``X-HubSpot-RateLimit-Remaining: 0``: each request that starts before the reported
    window has rolled waits for it — not just the first one (a client shared by threads
    sends several at once). Modelled without threads: a second request enters its slot while
    the first is still waiting (inside the first one's sleep)."""
    clock = ManualClock(START)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:  # another thread's request arrives during this wait
            with pacer.slot("app"):
                pass
        clock.advance(seconds=seconds)

    pacer = HeaderAwarePacer(RateLimits(per_ten_seconds=100), clock=clock, sleep=sleep)
    pacer.observe({"X-HubSpot-RateLimit-Remaining": "0"})
    with pacer.slot("app"):
        pass
    assert [10.0, 10.0] == slept
    with pacer.slot("app"):
        pass
    assert [10.0, 10.0] == slept


@pytest.mark.parametrize(("ahead_ms", "accepted"), [(299_000, True), (301_000, False)])
def test_v3_timestamps_more_than_five_minutes_ahead_are_refused(
    ahead_ms: int, accepted: bool
) -> None:
    """The 5-minute window holds both ways: a signature stamped 5 min 1 s in the future
    (a replay prepared in advance, or a wrong clock) is refused; 4 min 59 s is fine."""
    stamp = str(int(NOW_MS) + ahead_ms)
    args = {
        "secret": SECRET,
        "method": "POST",
        "uri": URI_DECODED,
        "body": BODY,
        "signature": v3_vector(URI_DECODED, stamp),
        "timestamp": stamp,
        "now": NOW,
    }
    if accepted:
        verify_signature_v3(**args)  # type: ignore[arg-type]
    else:
        with pytest.raises(SignatureVerificationError, match="future"):
            verify_signature_v3(**args)  # type: ignore[arg-type]


def test_signatures_wrong_only_at_the_end_are_refused() -> None:
    """The whole digest is compared, for v3 (base64 HMAC) and v1/v2 (hex SHA-256): a
    signature that differs from the right one only in its last byte / hex digit is refused."""
    right = base64.b64decode(v3_vector(URI_DECODED))
    forged_v3 = base64.b64encode(right[:-1] + bytes([right[-1] ^ 1])).decode()
    with pytest.raises(SignatureVerificationError, match="v3 does not match"):
        verify_signature_v3(
            secret=SECRET,
            method="POST",
            uri=URI_DECODED,
            body=BODY,
            signature=forged_v3,
            timestamp=NOW_MS,
            now=NOW,
        )
    v1 = hashlib.sha256(SECRET.encode() + BODY).hexdigest()
    v2 = hashlib.sha256(SECRET.encode() + b"POST" + URI_SENT.encode() + BODY).hexdigest()
    verify_signature_v1(secret=SECRET, body=BODY, signature=v1)
    verify_signature_v2(secret=SECRET, method="POST", uri=URI_SENT, body=BODY, signature=v2)

    def last_digit_changed(hexdigest: str) -> str:
        return hexdigest[:-1] + ("0" if hexdigest[-1] != "0" else "1")

    with pytest.raises(SignatureVerificationError, match="v1 does not match"):
        verify_signature_v1(secret=SECRET, body=BODY, signature=last_digit_changed(v1))
    with pytest.raises(SignatureVerificationError, match="v2 does not match"):
        verify_signature_v2(
            secret=SECRET,
            method="POST",
            uri=URI_SENT,
            body=BODY,
            signature=last_digit_changed(v2),
        )
